// `npm test`: the workerd suite (vitest) and the source checks, then the black-box HTTP tests against `npm start`'s
// system beside the console's browser journeys (test/http/console.browser.test.mjs) on their own server. The
// journeys spend much of their time waiting on queues, rollups and page loads, so they overlap the HTTP files well;
// beside vitest they did not: vitest's workers share one runtime each and keep both cores busy, and with Chromium
// drawing pages at the same time, tests that take 2 s alone took over 30. The journeys' report is printed at the
// end. Any failure fails the run.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";

const CONSOLE = "test/http/console.browser.test.mjs";

function run(command, args, { capture = false } = {}) {
  const child = spawn(command, args, { stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit", env: process.env });
  let output = "";
  if (capture) for (const stream of [child.stdout, child.stderr]) stream.setEncoding("utf8").on("data", (d) => (output += d));
  const done = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ ok: code === 0, code: code ?? signal, output })));
  return { child, done, output: () => output };
}

const node = process.execPath;
let browser = null;

// A run that hangs (a test process kept alive by something it failed to close) must fail loudly, not sit until the
// CI's own limit: after OMS_TEST_DEADLINE_MINUTES (default 30; a normal run takes well under 20) every suite still
// running is killed and the run fails, naming them.
const running = new Map();
const deadlineMinutes = Number(process.env.OMS_TEST_DEADLINE_MINUTES ?? 30);
const watchdog = setTimeout(() => {
  console.error(`\nnpm test: still running after ${deadlineMinutes} minutes, stopping: ${[...running.keys()].join(", ")}`);
  if (browser && running.has(CONSOLE)) console.error(`--- ${CONSOLE} so far ---\n${browser.output()}`);
  for (const child of running.values()) child.kill("SIGKILL");
  process.exit(1);
}, deadlineMinutes * 60_000);
watchdog.unref();

let failed = null;
const others = readdirSync("test/http")
  .filter((f) => f.endsWith(".test.mjs") && `test/http/${f}` !== CONSOLE)
  .map((f) => `test/http/${f}`);
for (const [name, command, args] of [
  ["vitest", node, ["node_modules/vitest/vitest.mjs", "run"]],
  ["structure", node, ["--test", "test/structure/*.test.mjs"]],
  ["http", node, ["--test", "--test-concurrency=3", ...others]],
]) {
  if (name === "http") {
    browser = run(node, ["--test", CONSOLE], { capture: true });
    running.set(CONSOLE, browser.child);
    browser.done.then(() => running.delete(CONSOLE));
  }
  const suite = run(command, args);
  running.set(name, suite.child);
  const r = await suite.done;
  running.delete(name);
  if (!r.ok) {
    failed = `${name} (exit ${r.code})`;
    break;
  }
}
if (browser) {
  if (failed) browser.child.kill("SIGTERM");
  const journeys = await browser.done;
  console.log(`\n--- ${CONSOLE} ---\n${journeys.output}`);
  if (!failed && !journeys.ok) failed = `console journeys (exit ${journeys.code})`;
}
if (failed) {
  console.error(`npm test failed: ${failed}`);
  process.exit(1);
}
console.log("npm test: every suite passed");
