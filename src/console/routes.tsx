/**
 * The console, served by the same Worker as the API at /console. Its
 * assets and the steps before sign-in are public; every other page runs
 * behind `consoleSession` and reads and writes through the API (./api.ts).
 * Each area of work is a folder with its own routes and words.
 */
import { Hono } from "hono";
import { afterSalesPages } from "./after-sales/routes";
import { CONSOLE_CSS, CONSOLE_JS, assetVersions } from "./assets";
import type { ConsoleEnv } from "./context";
import { customerPages } from "./customers/routes";
import { financePages } from "./finance/routes";
import { floorPages } from "./floor/routes";
import { consoleSession, notFoundPage, uiOf } from "./guard";
import { cookieBookmarks } from "../http/bookmark";
import { insightsPages } from "./insights/routes";
import { logisticsPages } from "./logistics/routes";
import { homeFor } from "./nav";
import { orderPages } from "./orders/routes";
import { peoplePages, publicPeoplePages } from "./people/routes";
import { purchasingPages } from "./purchasing/routes";
import { reviewPages } from "./review/routes";
import { settingsPages } from "./settings/routes";
import { signInPages } from "./sign-in";
import { stockPages } from "./stock/routes";

export const consoleRoutes = new Hono<ConsoleEnv>();

const IMMUTABLE = "public, max-age=31536000, immutable";

consoleRoutes.get("/console/assets/console.css", async (c) => {
  const v = await assetVersions();
  return c.body(CONSOLE_CSS, 200, { "content-type": "text/css; charset=utf-8", "cache-control": c.req.query("v") === v.css ? IMMUTABLE : "no-cache" });
});
consoleRoutes.get("/console/assets/console.js", async (c) => {
  const v = await assetVersions();
  return c.body(CONSOLE_JS, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": c.req.query("v") === v.js ? IMMUTABLE : "no-cache" });
});
// Loaded on first use, like Swagger UI: only the pages with charts or passkeys pay for parsing them.
const vendor = () => import("./vendor.generated");
consoleRoutes.get("/console/assets/chart.js", async (c) =>
  c.body((await vendor()).CHART_JS, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=86400" }),
);
consoleRoutes.get("/console/assets/webauthn.js", async (c) =>
  c.body((await vendor()).WEBAUTHN_BROWSER, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=86400" }),
);

// Read-your-own-writes: the newest D1 bookmark a page saw or wrote, kept in a cookie for the next page (src/http/bookmark.ts).
consoleRoutes.use("/console/*", cookieBookmarks({ path: "/console", reads: false }));
consoleRoutes.use("/console", cookieBookmarks({ path: "/console", reads: false }));

// Before sign-in: signing in, the emailed invitation and password-reset links, the language switch.
consoleRoutes.route("/", signInPages);
consoleRoutes.route("/", publicPeoplePages);

const PUBLIC = /^\/console\/(assets\/|sign-in(\/|$)|language$|invitation$|password-reset$)/;
consoleRoutes.use("/console/*", (c, next) => (PUBLIC.test(c.req.path) ? next() : consoleSession(c, next)));
consoleRoutes.use("/console", consoleSession);

// Home: where the person's position starts its day.
consoleRoutes.get("/console", (c) => {
  const { principal } = uiOf(c);
  return c.redirect(homeFor(principal.positions, principal.permissions), 303);
});

consoleRoutes.route("/", orderPages);
consoleRoutes.route("/", reviewPages);
consoleRoutes.route("/", floorPages);
consoleRoutes.route("/", stockPages);
consoleRoutes.route("/", purchasingPages);
consoleRoutes.route("/", logisticsPages);
consoleRoutes.route("/", afterSalesPages);
consoleRoutes.route("/", customerPages);
consoleRoutes.route("/", insightsPages);
consoleRoutes.route("/", financePages);
consoleRoutes.route("/", settingsPages);
consoleRoutes.route("/", peoplePages);

consoleRoutes.all("/console/*", (c) => notFoundPage(c));
