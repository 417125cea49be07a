/**
 * The orders screens: the list (filters, search, saved views, bulk actions) and one order's page.
 * Every page says how long the server took (`Server-Timing: total;dur=<ms>`).
 */
import { Hono } from "hono";
import { api, apiRaw } from "../api";
import { formatsOf, setFlash, type ConsoleContext, type ConsoleEnv } from "../context";
import { dateTime } from "../format";
import { doneRedirect, formValue, formValues, need, notFoundPage, safeNext, uiOf } from "../guard";
import { fill } from "../i18n";
import { fieldProblems, problemText } from "../problems";
import { orderEventLabel } from "../text";
import { bulkTransition, combinedLabels, MAX_BULK } from "./bulk";
import { filtersOf, listQueryOf } from "./filters";
import { orderListPage } from "./list";
import { orderPage } from "./order-page";
import { ORDERS_TEXT } from "./text";
import { idPattern } from "../../lib/ids";

export const orderPages = new Hono<ConsoleEnv>();

orderPages.use("/console/orders", serverTiming);
orderPages.use("/console/orders/*", serverTiming);
async function serverTiming(c: ConsoleContext, next: () => Promise<void>) {
  const started = performance.now();
  await next();
  c.res.headers.set("server-timing", `total;dur=${(performance.now() - started).toFixed(1)}`);
}

orderPages.get("/console/orders", (c) => orderListPage(c));

orderPages.post("/console/orders/views", async (c) => {
  const refused = need(c, "orders:read");
  if (refused) return refused;
  const w = ORDERS_TEXT[uiOf(c).lang];
  const name = formValue(c, "name");
  const query = formValue(c, "query");
  const r = await api(c, "/v1/me/saved-views", { method: "POST", body: { name, page: "orders", query } });
  if (r.ok) return doneRedirect(c, `/console/orders?${query}`, { kind: "ok", text: fill(w.view_saved, { name }) });
  const why =
    r.body.code === "saved_view_exists" ? w.view_name_taken : r.body.code === "saved_views_full" ? w.views_full : (fieldProblems(r.body).name ?? problemText(r.body, uiOf(c).lang));
  return orderListPage(c, { search: query, viewName: name, viewProblem: why });
});

orderPages.post("/console/orders/views/:id/delete", async (c) => {
  const refused = need(c, "orders:read");
  if (refused) return refused;
  const ui = uiOf(c);
  const r = await api(c, `/v1/me/saved-views/${encodeURIComponent(c.req.param("id"))}`, { method: "DELETE" });
  return doneRedirect(c, "/console/orders", r.ok ? { kind: "ok", text: ORDERS_TEXT[ui.lang].view_deleted } : { kind: "bad", text: problemText(r.body, ui.lang) });
});

orderPages.post("/console/orders/bulk", async (c) => {
  const refused = need(c, "orders:read");
  if (refused) return refused;
  const ui = uiOf(c);
  const w = ORDERS_TEXT[ui.lang];
  const back = safeNext(formValue(c, "back"));
  const action = formValue(c, "action");
  const query = formValue(c, "query");
  const ids = [...new Set(formValues(c, "ids"))].filter((id) => idPattern("ord").test(id)).slice(0, MAX_BULK);
  if (action === "csv_all") {
    const filters = filtersOf(new URLSearchParams(query));
    const q = listQueryOf(filters, (await formatsOf(c, filters.store_id)).timeZone);
    return apiRaw(c, "/v1/reports/order-export", { query: q.ok ? q.query : {}, headers: { accept: "text/csv" } });
  }
  if (!ids.length) return doneRedirect(c, back, { kind: "bad", text: w.pick_orders });
  if (action === "csv") return apiRaw(c, "/v1/reports/order-export", { query: { ids: ids.join(","), include_archived: "true" }, headers: { accept: "text/csv" } });
  if (action === "approve") return doneRedirect(c, back, await bulkTransition(c, ids, { event: "approve" }));
  if (action === "hold") {
    const reason = formValue(c, "reason");
    if (!reason) return doneRedirect(c, back, { kind: "bad", text: w.reason_needed });
    return doneRedirect(c, back, await bulkTransition(c, ids, { event: "hold", reason }));
  }
  if (action === "labels") {
    const { pdf, missing } = await combinedLabels(c, ids);
    const gap = missing.length ? fill(w.labels_missing, { orders: missing.join(", ") }).slice(0, 500) : "";
    if (!pdf) return doneRedirect(c, back, { kind: "bad", text: `${w.no_labels} ${gap}`.trim().slice(0, 500) });
    // The PDF downloads; the orders without a label are said on the next page the person opens.
    if (gap) setFlash(c, { kind: "warn", text: gap });
    return c.body(pdf as unknown as ArrayBuffer, 200, {
      "content-type": "application/pdf",
      "content-disposition": `attachment; filename="labels-${new Date().toISOString().slice(0, 10)}.pdf"`,
      "x-orders-without-label": missing.join(","),
    });
  }
  return doneRedirect(c, back, { kind: "bad", text: w.pick_orders });
});

orderPages.get("/console/orders/:id", (c) => orderPage(c, c.req.param("id")));

orderPages.post("/console/orders/:id/transition", async (c) => {
  const refused = need(c, "orders:read");
  if (refused) return refused;
  const ui = uiOf(c);
  const id = c.req.param("id");
  const typed = { event: formValue(c, "event"), reason: formValue(c, "reason"), customer_message: formValue(c, "customer_message") };
  const version = formValue(c, "version");
  const r = await api(c, `/v1/orders/${encodeURIComponent(id)}/transitions`, {
    method: "POST",
    body: { event: typed.event, ...(typed.reason ? { reason: typed.reason } : {}), ...(typed.customer_message ? { customer_message: typed.customer_message } : {}) },
    headers: /^\d{1,9}$/.test(version) ? { "if-match": `"${version}"` } : {},
  });
  if (r.ok) return doneRedirect(c, `/console/orders/${id}`, { kind: "ok", text: fill(ORDERS_TEXT[ui.lang].done_event, { event: orderEventLabel(ui.t, typed.event) }) });
  if (r.status === 404) return orderPage(c, id);
  const fields = Object.values(fieldProblems(r.body));
  const problem = [problemText(r.body, ui.lang), ...fields].join(" ");
  const status = r.status === 403 || r.status === 409 || r.status === 422 ? r.status : r.status === 412 ? 409 : 400;
  return orderPage(c, id, { problem, status, typed });
});

orderPages.post("/console/orders/:id/invoice", async (c) => {
  const refused = need(c, "invoices:issue");
  if (refused) return refused;
  const ui = uiOf(c);
  const id = c.req.param("id");
  const r = await api<{ number_text: string }>(c, `/v1/orders/${encodeURIComponent(id)}/invoice`, { method: "POST" });
  if (r.status === 404) return orderPage(c, id);
  return doneRedirect(
    c,
    `/console/orders/${id}`,
    r.ok ? { kind: "ok", text: fill(ORDERS_TEXT[ui.lang].invoice_made, { number: r.body.number_text }) } : { kind: "bad", text: problemText(r.body, ui.lang) },
  );
});

// The PDF as the API renders it, for people signed in to the console (the link on the order page).
orderPages.get("/console/orders/:id/invoice.pdf", async (c) => {
  const refused = need(c, "invoices:read");
  if (refused) return refused;
  const res = await apiRaw(c, `/v1/orders/${encodeURIComponent(c.req.param("id"))}/invoice.pdf`);
  return res.ok ? res : notFoundPage(c);
});

orderPages.post("/console/orders/:id/customer-link", async (c) => {
  const refused = need(c, "orders:customer_link");
  if (refused) return refused;
  const ui = uiOf(c);
  const id = c.req.param("id");
  const r = await api<{ url: string; expires_at: string }>(c, `/v1/orders/${encodeURIComponent(id)}/customer-link`, { method: "POST" });
  if (!r.ok) return doneRedirect(c, `/console/orders/${id}`, { kind: "bad", text: problemText(r.body, ui.lang) });
  const { timeZone } = await formatsOf(c);
  return doneRedirect(c, `/console/orders/${id}`, {
    kind: "ok",
    text: fill(ORDERS_TEXT[ui.lang].customer_link_made, { url: r.body.url, until: dateTime(r.body.expires_at, timeZone, ui.lang) }),
  });
});
