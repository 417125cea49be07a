// The console in a real browser (Debian's Chromium driven by playwright-core):
// one server and one browser for every position's journey in
// test/http/console/*.journey.mjs. CONSOLE_JOURNEYS=orders,floor runs only
// those. Without /usr/bin/chromium the journeys are skipped, unless
// OMS_REQUIRE_BROWSER=1 (as in CI). Screenshots: test-artifacts/console/.
import { existsSync, readdirSync } from "node:fs";
import { after, before } from "node:test";
import { ctx } from "./console/harness.mjs";
import { startServer } from "./server.mjs";

const CHROMIUM = "/usr/bin/chromium";
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.OMS_REQUIRE_BROWSER === "1") throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);

before(
  async () => {
    if (!haveBrowser) return;
    const { chromium } = await import("playwright-core");
    [ctx.server, ctx.browser] = await Promise.all([
      startServer(),
      chromium.launch({
        executablePath: CHROMIUM,
        args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
      }),
    ]);
  },
  { timeout: 180_000 },
);

after(async () => {
  await ctx.browser?.close();
  await ctx.server?.stop();
});

const only = process.env.CONSOLE_JOURNEYS?.split(",").map((s) => s.trim());
const dir = new URL("./console/", import.meta.url);
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith(".journey.mjs"))
  .sort()) {
  if (only && !only.includes(file.replace(".journey.mjs", ""))) continue;
  if (!haveBrowser) continue;
  await import(new URL(file, dir).href);
}
