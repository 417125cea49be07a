/**
 * The customer's own order page: no login, the link's token is the key.
 * `GET /o/<token>` (the link in a message) trades the token for a cookie and
 * redirects to `/o/order/<order id>`, where the page and its forms work from
 * that cookie (see session.ts). While the order is held for its address or
 * contact, the customer corrects or confirms them here, which goes through
 * the order's object like any other change (with the version they saw) and
 * re-runs the audit.
 *
 * Only the order's newest link acts: a page opened from an older link is
 * read-only, as is a cancelled or archived order's page.
 */
import { Hono, type Context } from "hono";
import { getCookie } from "hono/cookie";
import type { AppEnv } from "../env";
import { pickLanguage, type Language } from "../notifications/templates";
import type { EditInput } from "../edits/plan-edit";
import { editOrder } from "../edits/edit-stage";
import { orderStub } from "../orders/order-object";
import { loadOrderPage, loadVisitedPage } from "./load-order-page";
import { forbiddenPage, notFoundPage, orderPage, t, type PageModel } from "./page";
import { AddressForm, AfterSalesForm, ContactForm } from "./schemas";
import { openToken, splitLink } from "./tokens";
import { isCrossSitePost, PAGE_HEADERS, pagePath, SESSION_COOKIE, sessionFor, startSession } from "./session";
import { runAfterSales } from "../after-sales/run-after-sales";
import { cookieBookmarks } from "../http/bookmark";

type Ctx = Context<AppEnv, "/o/order/:orderId/*">;

export const customerRoutes = new Hono<AppEnv>();

const langOf = (c: Context): Language => pickLanguage(c.req.query("lang") ?? null, c.req.header("accept-language")?.split(",")[0] ?? "en");

const FLASHES = new Set(["address", "contact", "confirm", "received", "after_sales", "withdrawn"]);

customerRoutes.use("/o/*", async function customerPageHeaders(c, next) {
  await next();
  for (const [k, v] of Object.entries(PAGE_HEADERS)) c.res.headers.set(k, v);
});

// The page reads on a D1 session from the visit's bookmark; a form that succeeded moves the bookmark to its write, so
// the page it redirects to shows it (src/http/bookmark.ts).
customerRoutes.use("/o/*", cookieBookmarks({ path: "/o", reads: true }));

/** The link from a message: the token becomes a cookie, the customer lands on a URL without it. */
customerRoutes.get("/o/:token", async (c) => {
  // The store tag before the dot took the visit to the order's shard (src/http/route-shard.ts); the token is the rest.
  const { token } = splitLink(c.req.param("token"));
  const opened = await openToken(c.env, token);
  if (!opened) return c.html(notFoundPage(langOf(c)), 404);
  startSession(c, token, opened);
  const lang = c.req.query("lang");
  return c.redirect(`${pagePath(opened.orderId)}${lang ? `?lang=${encodeURIComponent(lang)}` : ""}`, 303);
});

customerRoutes.get("/o/order/:orderId", async (c) => {
  const orderId = c.req.param("orderId");
  // The visit's cookie checked and the page read in one round trip.
  const visited = await loadVisitedPage(c.env, orderId, getCookie(c, SESSION_COOKIE), { lang: c.req.query("lang") });
  if (!visited) return c.html(notFoundPage(langOf(c)), 404);
  const flash = c.req.query("done");
  return c.html(
    orderPage({
      ...visited.page,
      flash: FLASHES.has(flash ?? "") ? (`done_${flash}` as PageModel["flash"]) : flash === "conflict" ? "conflict" : null,
    }),
    200,
  );
});

/**
 * Every form post: from our own page (else 403), with this order's cookie
 * (else the expired-link page), from the order's newest link (else back to
 * the read-only page). Sets `orderId` for the handler.
 */
customerRoutes.post("/o/order/:orderId/*", async function customerPost(c, next) {
  if (isCrossSitePost(c)) return c.html(forbiddenPage(langOf(c)), 403);
  const orderId = c.req.param("orderId");
  const visit = await sessionFor(c, orderId);
  if (!visit) return c.html(notFoundPage(langOf(c)), 404);
  // An older link only shows the order; the page says to use the newest message.
  if (!visit.current) return back(c, orderId, "superseded");
  await next();
});

/** Back to the order page with what happened (Post/Redirect/Get), keeping the language the customer chose. */
function back(c: Context, orderId: string, done: string) {
  const lang = c.req.query("lang");
  return c.redirect(`${pagePath(orderId)}?done=${done}${lang ? `&lang=${encodeURIComponent(lang)}` : ""}`, 303);
}

type Kind = "address" | "contact" | "confirm";

const formOf = async (c: Ctx) => Object.fromEntries(Object.entries(await c.req.parseBody()).map(([k, v]) => [k, typeof v === "string" ? v.trim() : ""])) as Record<string, string>;

async function submit(c: Ctx, kind: Kind) {
  const orderId = c.req.param("orderId");
  const lang = c.req.query("lang");
  const form = await formOf(c);
  const version = Number(form.version);
  let changes: EditInput;
  if (kind === "confirm") {
    changes = { confirm: true };
  } else {
    const parsed =
      kind === "address"
        ? AddressForm.safeParse({
            ...form,
            line2: form.line2 || null,
            district: form.district || null,
            region: form.region || null,
            country: (form.country ?? "").toUpperCase(),
          })
        : ContactForm.safeParse(form);
    if (!parsed.success) {
      const m = await loadOrderPage(c.env, orderId, { lang });
      const errors = Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message]));
      return c.html(orderPage({ ...m, errors, values: form }), 422);
    }
    changes = kind === "address" ? { shipping_address: parsed.data as never } : { customer: parsed.data as never };
  }
  const result = await editOrder(c.env, {
    orderId,
    actor: "customer",
    stores: "*",
    expectedVersion: Number.isSafeInteger(version) ? version : null,
    source: "customer",
    changes,
  });
  if (result.ok) return back(c, orderId, kind);
  if (result.code === "invalid") {
    const m = await loadOrderPage(c.env, orderId, { lang });
    return c.html(orderPage({ ...m, errors: Object.fromEntries(result.errors.map((e) => [e.field.split(".").pop()!, e.message])), values: form }), 422);
  }
  // Someone (an auditor, another tab) changed the order first, or there is no longer anything to fix: show it as it is.
  return back(c, orderId, "conflict");
}

/** Confirming receipt completes a delivered order now instead of at the end of the store's window. */
customerRoutes.post("/o/order/:orderId/received", async (c) => {
  const orderId = c.req.param("orderId");
  const version = Number((await formOf(c)).version);
  const result = await orderStub(c.env, orderId).transition({
    orderId,
    event: "complete",
    reason: "the customer confirmed receipt",
    actor: "customer",
    stores: "*",
    expectedVersion: Number.isSafeInteger(version) ? version : null,
  });
  return back(c, orderId, result.ok ? "received" : "conflict");
});

/** The customer asks for a return, exchange, refund or claim; quantities come as qty_<line number>. */
customerRoutes.post("/o/order/:orderId/after-sales", async (c) => {
  const orderId = c.req.param("orderId");
  const lang = c.req.query("lang");
  const form = await formOf(c);
  const m = await loadOrderPage(c.env, orderId, { lang });
  const again = (errors: Record<string, string>) => c.html(orderPage({ ...m, errors, values: form }), 422);
  const parsed = AfterSalesForm.safeParse(form);
  if (!parsed.success) return again(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])));
  const lines: { sku: string; quantity: number }[] = [];
  for (const l of m.lines) {
    const q = Number(form[`qty_${l.lineNo}`] || "0");
    if (!Number.isSafeInteger(q) || q < 0 || q > l.quantity) return again({ [`qty_${l.lineNo}`]: `0 to ${l.quantity}` });
    if (q > 0) lines.push({ sku: l.sku, quantity: q });
  }
  const r = await runAfterSales(c.env, orderId, {
    actor: "customer",
    stores: "*",
    action: { type: "open", kind: parsed.data.kind, reason: parsed.data.reason, lines, lateAllowed: false },
  });
  if (r.ok) return back(c, orderId, "after_sales");
  if (r.code === "refused" && r.reason === "invalid") return again({ ["field" in r && r.field === "lines" ? "lines" : "reason"]: r.message });
  if (r.code === "refused" && r.reason === "return_window_closed") return again({ kind: t(m.lang, "return_window_closed") });
  return back(c, orderId, "conflict");
});

/** The customer takes their request back (the parcel turned up, they changed their mind). */
customerRoutes.post("/o/order/:orderId/after-sales/:requestId/withdraw", async (c) => {
  const orderId = c.req.param("orderId");
  const version = Number((await formOf(c)).version);
  const r = await runAfterSales(c.env, orderId, {
    actor: "customer",
    stores: "*",
    action: {
      type: "decide",
      requestId: c.req.param("requestId"),
      expectedVersion: Number.isSafeInteger(version) ? version : null,
      decision: { event: "withdraw", note: null, resolution: null, refundAmount: null },
    },
  });
  // A request of another order is not found through this order's page.
  return back(c, orderId, r.ok ? "withdrawn" : "conflict");
});

customerRoutes.post("/o/order/:orderId/address", (c) => submit(c, "address"));
customerRoutes.post("/o/order/:orderId/contact", (c) => submit(c, "contact"));
customerRoutes.post("/o/order/:orderId/confirm", (c) => submit(c, "confirm"));
