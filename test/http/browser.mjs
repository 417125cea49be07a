// The real browser for the HTTP tests: Debian's Chromium (`apt-get install -y chromium`) driven by
// playwright-core, never a downloaded one. Not a test file itself (no `.test.` in the name).
import { existsSync } from "node:fs";
import { startServer } from "./server.mjs";

export const CHROMIUM = "/usr/bin/chromium";
export const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.OMS_REQUIRE_BROWSER === "1") throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);

/**
 * The system and a browser, started side by side. If either fails to start, the other is stopped before the
 * error is thrown: a browser left running keeps the test process alive after its tests have failed, and the
 * whole run then waits for nothing (a CI run once sat there for an hour).
 */
export async function startServerAndBrowser() {
  const { chromium } = await import("playwright-core");
  const [server, browser] = await Promise.allSettled([
    startServer(),
    chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
    }),
  ]);
  if (server.status === "fulfilled" && browser.status === "fulfilled") return { server: server.value, browser: browser.value };
  if (browser.status === "fulfilled") await browser.value.close();
  if (server.status === "fulfilled") await server.value.stop();
  throw server.status === "rejected" ? server.reason : browser.reason;
}
