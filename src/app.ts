/**
 * The Hono app: cross-cutting middleware, then each module's routes. Errors
 * from anywhere become problem+json here, once.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { activityLogging } from "./activity/middleware";
import { activityRoutes } from "./activity/routes";
import { analyticsRoutes } from "./analytics/routes";
import { slaRoutes } from "./analytics/sla-routes";
import { apiKeyRoutes } from "./api-keys/routes";
import type { AppEnv } from "./env";
import { authenticate } from "./http/auth";
import { apiBookmarks } from "./http/bookmark";
import { jsonBodies } from "./http/body";
import { customerPageLimit } from "./http/rate-limit";
import { docsRoutes } from "./http/docs";
import { ApiError, fieldErrors, problemResponse, validationFailed } from "./http/problem";
import { API_ROUTES } from "./http/route";
import { allocationRoutes } from "./fulfilment/allocation-routes";
import { exceptionRoutes } from "./fulfilment/exception-routes";
import { floorRoutes } from "./fulfilment/floor-routes";
import { serviceTaskRoutes } from "./fulfilment/service-task-routes";
import { thirdPartyWebhookRoutes } from "./fulfilment/tpl-webhook-routes";
import { shipmentRoutes } from "./fulfilment/shipment-routes";
import { stockRoutes } from "./inventory/stock-routes";
import { warehouseRoutes } from "./inventory/warehouse-routes";
import { packageTypeRoutes } from "./inventory/package-type-routes";
import { procurementRoutes } from "./procurement/routes";
import { financeRoutes } from "./finance/routes";
import { settlementRoutes } from "./finance/settlement-routes";
import { customersRoutes } from "./customers/routes";
import { orderRoutes } from "./orders/routes";
import { productRoutes } from "./products/routes";
import { storeRoutes } from "./stores/routes";
import { auditRoutes } from "./audit/routes";
import { reviewRoutes } from "./review/routes";
import { orderChangeRoutes } from "./edits/routes";
import { notificationRoutes } from "./notifications/routes";
import { customerRoutes } from "./customer/routes";
import { trackingWebhookRoutes } from "./logistics/webhooks/routes";
import { carrierRoutes } from "./logistics/carrier-routes";
import { labelRoutes } from "./logistics/label-routes";
import { trackingRoutes } from "./logistics/tracking-routes";
import { afterSalesRoutes } from "./after-sales/routes";
import { syncRoutes } from "./channels/sync-routes";
import { eventRoutes } from "./events/routes";
import { partnerWebhookRoutes } from "./partner-webhooks/routes";
import { channelRoutes } from "./channels/routes";
import { channelWebhookRoutes } from "./channels/webhook-routes";
import { accountRoutes } from "./staff/account-routes";
import { authSameOrigin } from "./staff/auth-origin";
import { signInRoutes } from "./staff/sign-in-routes";
import { userRoutes } from "./staff/users-routes";
import { positionRoutes } from "./positions/routes";
import { accountLinkRoutes } from "./staff/account-link-routes";
import { passkeyRoutes } from "./staff/passkeys-routes";
import { savedViewRoutes } from "./staff/saved-views-routes";
import { twoFactorRoutes } from "./staff/two-factor-routes";
import { twoFactorSignInRoutes } from "./staff/two-factor-sign-in";
import { connectApi } from "./console/api";
import { consoleRoutes } from "./console/routes";
import { d1, poolMoving } from "./db/client";
import { forgetHomes } from "./db/homes";
import { poolRoutes } from "./pools/routes";
import { onItsShard } from "./http/route-shard";
import { routeLabel, traceEntry } from "./db/trace";

export const app = new OpenAPIHono<AppEnv>({
  defaultHook: (result) => {
    if (!result.success) {
      // A bad body is a 422 (it parsed, but means nothing valid); bad params or headers are a 400.
      const status = result.target === "json" ? 422 : 400;
      throw validationFailed(fieldErrors(result.error, result.target === "json" ? undefined : result.target), status);
    }
  },
});

// With D1_TRACE=1, each request's D1 round trips are counted under its route (src/db/trace.ts).
app.use((c, next) => traceEntry(c.env, () => routeLabel(c.req.method, c.req.path), next));
app.use(requestId());
// Writes to the public account steps only from our own pages (login CSRF), refused before their body is read.
app.use("/v1/auth/*", authSameOrigin);
// Signing in, accepting an invitation and resetting a password come before there is anyone to authenticate:
// /v1/auth/* is public (src/staff guards it: rate limits, lockout, same-origin); everything else needs a key or a session.
// Every write by a person or key is logged after the response (src/activity/middleware.ts says what is not, and why);
// it wraps jsonBodies so a refused body is logged too.
app.use("/v1/*", (c, next) => (c.req.path.startsWith("/v1/auth/") ? next() : authenticate(c, next)), activityLogging, jsonBodies);
// Then the request moves to the shard of the store it names (src/http/route-shard.ts): after authentication, which
// reads the directory and needs no shard, and before the reads' session, which belongs to one database.
app.use("/v1/*", onItsShard);
app.use("/webhooks/*", onItsShard);
// Read replicas: a GET's stale-tolerant reads on one D1 session from the client's x-d1-bookmark, and the bookmark
// back in the answer (src/http/bookmark.ts). After authentication, which stays on the primary.
app.use("/v1/*", apiBookmarks);
// The customer's own pages need no key: a limit per client IP keeps token guessing and floods off them.
app.use("/o/*", customerPageLimit, onItsShard);

app.route("/", orderRoutes);
app.route("/", storeRoutes);
app.route("/", poolRoutes);
app.route("/", productRoutes);
app.route("/", apiKeyRoutes);
app.route("/", orderChangeRoutes);
app.route("/", auditRoutes);
app.route("/", reviewRoutes);
app.route("/", notificationRoutes);
app.route("/", customerRoutes);
app.route("/", warehouseRoutes);
app.route("/", stockRoutes);
app.route("/", packageTypeRoutes);
app.route("/", procurementRoutes);
app.route("/", financeRoutes);
app.route("/", settlementRoutes);
app.route("/", customersRoutes);
app.route("/", allocationRoutes);
app.route("/", shipmentRoutes);
app.route("/", serviceTaskRoutes);
app.route("/", floorRoutes);
app.route("/", exceptionRoutes);
app.route("/", thirdPartyWebhookRoutes);
app.route("/", analyticsRoutes);
app.route("/", slaRoutes);
app.route("/", carrierRoutes);
app.route("/", labelRoutes);
app.route("/", trackingRoutes);
app.route("/", afterSalesRoutes);
app.route("/", syncRoutes);
app.route("/", eventRoutes);
app.route("/", partnerWebhookRoutes);
app.route("/", channelRoutes);
app.route("/", signInRoutes);
app.route("/", accountRoutes);
app.route("/", userRoutes);
app.route("/", positionRoutes);
app.route("/", accountLinkRoutes);
app.route("/", activityRoutes);
app.route("/", twoFactorRoutes);
app.route("/", twoFactorSignInRoutes);
app.route("/", passkeyRoutes);
app.route("/", savedViewRoutes);
// Partners authenticate by signature, not API key: outside /v1.
app.route("/", trackingWebhookRoutes);
app.route("/", channelWebhookRoutes);

app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
  type: "http",
  scheme: "bearer",
  description: "An API key: `Authorization: Bearer oms_...`",
});
app.doc31("/openapi.json", {
  openapi: "3.1.0",
  info: {
    title: "Edge OMS API",
    version: "1.0.0",
    description:
      "Order processing for online merchants. Errors are RFC 9457 problem+json with a stable `code`. Money is a decimal string in the currency's major unit. Reads may be served by D1 read replicas: a GET answers with `x-d1-bookmark`, a write does when the request carried the header; send the latest one back to read your own writes (docs/api.md).",
  },
  servers: [{ url: "/" }],
});
app.route("/", docsRoutes);
// The staff console: pages that call this same app's API in memory (src/console/api.ts).
app.route("/", consoleRoutes);
connectApi((request, env, ctx) => app.fetch(request, env, ctx));
app.get("/healthz", async (c) => {
  await d1(c.env).prepare("SELECT 1").first();
  return c.json({ status: "ok", time: new Date().toISOString() });
});

// A path we serve with another method is a 405 naming the methods, not a 404.
const patterns = API_ROUTES.map((r) => ({
  method: r.method,
  regex: new RegExp(`^${r.path.replace(/\{[^}]+\}/g, "[^/]+")}/?$`),
}));
app.notFound((c) => {
  const path = new URL(c.req.url).pathname;
  const allow = [...new Set(patterns.filter((p) => p.regex.test(path)).map((p) => p.method))];
  if (allow.length) {
    return problemResponse(c, new ApiError(405, "method_not_allowed", "Method not allowed", `Use ${allow.join(", ")}`, {}, { allow: allow.join(", ") }));
  }
  return problemResponse(c, new ApiError(404, "not_found", "Not found", `No route for ${c.req.method} ${path}`));
});

app.onError((err, c) => {
  if (err instanceof ApiError) return problemResponse(c, err);
  // Hono's own validators speak HTTPException (e.g. a body that is not JSON).
  if (err instanceof HTTPException && err.status < 500) {
    return problemResponse(c, new ApiError(err.status as 400, err.status === 415 ? "unsupported_media_type" : "bad_request", "Bad request", err.message));
  }
  // A write to a pool that is being moved between databases (src/db/schema/pool-moves.ts): nothing was written, and
  // the same request succeeds once the move switches, seconds later.
  if (poolMoving(err)) {
    // The route this isolate cached may be the old database's: ask the directory again next time.
    forgetHomes();
    return problemResponse(
      c,
      new ApiError(503, "pool_moving", "Moving to another database", "This store is being moved between databases; try again in a few seconds", {}, { "retry-after": "5" }),
    );
  }
  console.error(`unhandled error on ${c.req.method} ${c.req.path} (request ${c.get("requestId")})`, err);
  return problemResponse(c, new ApiError(500, "internal_error", "Internal error", `Something failed on our side; quote request ${c.get("requestId")}`));
});
