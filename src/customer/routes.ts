/**
 * The customer's own order page, `/o/:token`: no login, the token is the
 * key. While the order is held for its address or contact, the customer
 * corrects or confirms them here, which goes through the order's object like
 * any other change (with the version they saw) and re-runs the audit.
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../env";
import { pickLanguage, type Language } from "../notifications/templates";
import type { EditInput } from "../edits/plan-edit";
import { editOrder } from "../edits/edit-stage";
import { orderStub } from "../orders/order-object";
import { loadOrderPage } from "./load-order-page";
import { notFoundPage, orderPage, t, type PageModel } from "./page";
import { AddressForm, AfterSalesForm, ContactForm } from "./schemas";
import { orderForToken } from "./tokens";
import { runAfterSales } from "../after-sales/run-after-sales";

export const customerRoutes = new Hono<AppEnv>();

const langOf = (c: { req: { query: (k: string) => string | undefined; header: (k: string) => string | undefined } }): Language =>
  pickLanguage(c.req.query("lang") ?? null, c.req.header("accept-language")?.split(",")[0] ?? "en");

const FLASHES = new Set(["address", "contact", "confirm", "received", "after_sales", "withdrawn"]);

customerRoutes.get("/o/:token", async (c) => {
  const token = c.req.param("token");
  const orderId = await orderForToken(c.env, token);
  if (!orderId) return c.html(notFoundPage(langOf(c)), 404);
  const flash = c.req.query("done");
  const m = await loadOrderPage(c.env, orderId, { token, lang: c.req.query("lang") });
  return c.html(
    orderPage({
      ...m,
      flash: FLASHES.has(flash ?? "") ? (`done_${flash}` as PageModel["flash"]) : flash === "conflict" ? "conflict" : null,
    }),
    200,
    { "cache-control": "no-store", "referrer-policy": "no-referrer" },
  );
});

type Kind = "address" | "contact" | "confirm";

/** Back to the order page with what happened (Post/Redirect/Get), keeping the language the customer chose. */
function back(c: Context, token: string, done: string) {
  const lang = c.req.query("lang");
  return c.redirect(`/o/${token}?done=${done}${lang ? `&lang=${encodeURIComponent(lang)}` : ""}`, 303);
}

async function submit(c: Context<AppEnv, "/o/:token/*">, kind: Kind) {
  const token = c.req.param("token");
  const orderId = await orderForToken(c.env, token);
  if (!orderId) return c.html(notFoundPage(langOf(c)), 404);
  const form = Object.fromEntries(Object.entries(await c.req.parseBody()).map(([k, v]) => [k, typeof v === "string" ? v.trim() : ""]));
  const version = Number(form.version);
  let changes: EditInput;
  if (kind === "confirm") {
    changes = { confirm: true };
  } else {
    const parsed =
      kind === "address"
        ? AddressForm.safeParse({ ...form, line2: form.line2 || null, region: form.region || null, country: (form.country ?? "").toUpperCase() })
        : ContactForm.safeParse(form);
    if (!parsed.success) {
      const m = await loadOrderPage(c.env, orderId, { token, lang: c.req.query("lang") });
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
  const lang = c.req.query("lang");
  if (result.ok) return back(c, token, kind);
  if (result.code === "invalid") {
    const m = await loadOrderPage(c.env, orderId, { token, lang });
    return c.html(orderPage({ ...m, errors: Object.fromEntries(result.errors.map((e) => [e.field.split(".").pop()!, e.message])), values: form }), 422);
  }
  // Someone (an auditor, another tab) changed the order first, or there is no longer anything to fix: show it as it is.
  return back(c, token, "conflict");
}

/** Confirming receipt completes a delivered order now instead of at the end of the store's window. */
customerRoutes.post("/o/:token/received", async (c) => {
  const token = c.req.param("token");
  const orderId = await orderForToken(c.env, token);
  if (!orderId) return c.html(notFoundPage(langOf(c)), 404);
  const version = Number((await c.req.parseBody()).version);
  const result = await orderStub(c.env, orderId).transition({
    orderId,
    event: "complete",
    reason: "the customer confirmed receipt",
    actor: "customer",
    stores: "*",
    expectedVersion: Number.isSafeInteger(version) ? version : null,
  });
  return back(c, token, result.ok ? "received" : "conflict");
});

/** The customer asks for a return, exchange, refund or claim; quantities come as qty_<line number>. */
customerRoutes.post("/o/:token/after-sales", async (c) => {
  const token = c.req.param("token");
  const orderId = await orderForToken(c.env, token);
  if (!orderId) return c.html(notFoundPage(langOf(c)), 404);
  const lang = c.req.query("lang");
  const form = Object.fromEntries(Object.entries(await c.req.parseBody()).map(([k, v]) => [k, typeof v === "string" ? v.trim() : ""]));
  const m = await loadOrderPage(c.env, orderId, { token, lang });
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
  if (r.ok) return back(c, token, "after_sales");
  if (r.code === "refused" && r.reason === "invalid") return again({ ["field" in r && r.field === "lines" ? "lines" : "reason"]: r.message });
  if (r.code === "refused" && r.reason === "return_window_closed") return again({ kind: t(m.lang, "return_window_closed") });
  return back(c, token, "conflict");
});

/** The customer takes their request back (the parcel turned up, they changed their mind). */
customerRoutes.post("/o/:token/after-sales/:requestId/withdraw", async (c) => {
  const token = c.req.param("token");
  const orderId = await orderForToken(c.env, token);
  if (!orderId) return c.html(notFoundPage(langOf(c)), 404);
  const version = Number((await c.req.parseBody()).version);
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
  // A request of another order is not found through this order's token.
  return back(c, token, r.ok ? "withdrawn" : "conflict");
});

customerRoutes.post("/o/:token/address", (c) => submit(c, "address"));
customerRoutes.post("/o/:token/contact", (c) => submit(c, "contact"));
customerRoutes.post("/o/:token/confirm", (c) => submit(c, "confirm"));
