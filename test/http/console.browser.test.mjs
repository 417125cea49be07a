// The console in a real browser (Debian's Chromium driven by playwright-core):
// one server and one browser for every position's journey in
// test/http/console/*.journey.mjs. CONSOLE_JOURNEYS=orders,floor runs only
// those. Without /usr/bin/chromium the journeys are skipped, unless
// OMS_REQUIRE_BROWSER=1 (as in CI). Screenshots: test-artifacts/console/.
import { readdirSync } from "node:fs";
import { test } from "node:test";
import { ctx, journeys, loadingModule } from "./console/harness.mjs";
import { haveBrowser, startServerAndBrowser } from "./browser.mjs";
import { startedForFile } from "./hooks.mjs";

startedForFile(() => (haveBrowser ? startServerAndBrowser() : null), {
  started: ({ server, browser }) => Object.assign(ctx, { server, browser }),
  stop: async ({ server, browser }) => {
    await browser.close();
    await server.stop();
  },
});

const only = process.env.CONSOLE_JOURNEYS?.split(",").map((s) => s.trim());
const dir = new URL("./console/", import.meta.url);
const modules = readdirSync(dir)
  .filter((f) => f.endsWith(".journey.mjs"))
  .map((f) => f.replace(".journey.mjs", ""))
  .filter((m) => !only || only.includes(m))
  .sort();
for (const module of haveBrowser ? modules : []) {
  loadingModule(module);
  await import(new URL(`${module}.journey.mjs`, dir).href);
}

/** How many modules' journeys run at once (CONSOLE_JOURNEY_CONCURRENCY); each module's own run in order. */
const concurrency = Number(process.env.CONSOLE_JOURNEY_CONCURRENCY ?? 4);
let running = 0;
const waiting = [];
function slot() {
  if (running < concurrency) {
    running++;
    return Promise.resolve();
  }
  return new Promise((resolve) => waiting.push(resolve));
}
function release() {
  const next = waiting.shift();
  if (next) next();
  else running--;
}

// One test per module, all started at once (the slots bound how many work); a module's journeys are its subtests, in order.
test("the console's journeys", { concurrency: true }, async (t) => {
  await Promise.all(
    modules.map((module) => {
      const mine = journeys.filter((j) => j.module === module);
      return t.test(module, async (m) => {
        await slot();
        try {
          for (const j of mine) await m.test(j.name, j.options, j.fn);
        } finally {
          release();
        }
      });
    }),
  );
});
