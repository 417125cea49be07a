// A test file's system, started in its `before` hook and stopped in its `after` hook. Not a test file itself.
import { after, before } from "node:test";
import { START_HOOK_TIMEOUT_MS } from "./server.mjs";

/**
 * Registers the file's hooks: `before` runs `start()` and hands its value to `started`; `after` waits for that start
 * even if `before` gave up on it (a hook that times out does not stop the start, and a server that came up after the
 * file ended would keep the test process alive: a CI run sat that way until its deadline), then `stop`s it. `start`
 * answering null (no browser here) starts nothing.
 */
export function startedForFile(start, { started, stop }) {
  let starting = null;
  before(
    async () => {
      starting = start();
      const value = await starting;
      if (value) started(value);
    },
    { timeout: START_HOOK_TIMEOUT_MS },
  );
  after(async () => {
    const value = await starting?.catch(() => null);
    if (value) await stop(value);
  });
}
