/**
 * The order screen's forms: claim, release, decide, audit again, correct,
 * add a note. Each calls the API as the person and comes back to the screen
 * (303 with a message); a refused input re-renders it (4xx) with what was typed.
 */
import type { z } from "@hono/zod-openapi";
import type { AuditRun } from "../../audit/schemas";
import type { ChangedOrder } from "../../edits/schemas";
import { api } from "../api";
import type { ConsoleContext } from "../context";
import { doneRedirect, formValue, need, uiOf } from "../guard";
import { fill } from "../i18n";
import { fieldProblems, problemText } from "../problems";
import { orderStatusLabel } from "../text";
import { ADDRESS_FIELDS, CONTACT_FIELDS, formOf, orderPage, type OrderView, outcomeText } from "./order";
import { reasonText } from "./reasons";
import { REVIEW } from "./text";

const here = (id: string) => `/console/review/${id}`;

export async function claimAction(c: ConsoleContext, id: string, release: boolean): Promise<Response> {
  const refused = need(c, "audit:run");
  if (refused) return refused;
  const ui = uiOf(c);
  const w = REVIEW[ui.lang];
  const r = await api(c, `/v1/orders/${id}/claim`, { method: release ? "DELETE" : "POST" });
  if (r.ok) return doneRedirect(c, here(id), { kind: "ok", text: release ? w.released_ok : w.claimed_ok });
  return doneRedirect(c, here(id), { kind: "bad", text: problemText(r.body, ui.lang) });
}

export async function decideAction(c: ConsoleContext, id: string): Promise<Response> {
  const ui = uiOf(c);
  const w = REVIEW[ui.lang];
  const event = formValue(c, "event");
  if (event !== "approve" && event !== "hold" && event !== "reject") return doneRedirect(c, here(id), { kind: "bad", text: problemText({}, ui.lang) });
  const refused = need(c, `orders:transition:${event}`);
  if (refused) return refused;
  const reason = formValue(c, "reason");
  if (event !== "approve" && !reason) return orderPage(c, id, { form: "decide", typed: { reason }, errors: { reason: w.reason_needed }, message: w.reason_needed });
  // Someone else's live claim means they are working it: the decision is theirs.
  const claim = await api<{ claimed_by: { id: string; name: string | null; until: string } | null }>(c, `/v1/orders/${id}/claim`);
  const holder = claim.ok ? claim.body.claimed_by : null;
  if (holder && holder.id !== ui.principal.id) {
    return doneRedirect(c, here(id), { kind: "bad", text: fill(w.not_approved_claimed, { ref: "", name: holder.name ?? holder.id }).trim() });
  }
  const version = formValue(c, "version");
  const r = await api<OrderView>(c, `/v1/orders/${id}/transitions`, {
    body: { event, ...(reason ? { reason } : {}) },
    headers: /^\d+$/.test(version) ? { "if-match": `"${version}"` } : {},
  });
  if (r.ok) return doneRedirect(c, here(id), { kind: "ok", text: fill(w.decided, { status: orderStatusLabel(ui.t, r.body.status) }) });
  if (r.status === 422) return orderPage(c, id, { form: "decide", typed: { reason }, errors: fieldProblems(r.body), message: problemText(r.body, ui.lang) });
  return doneRedirect(c, here(id), { kind: "bad", text: problemText(r.body, ui.lang) });
}

export async function auditAction(c: ConsoleContext, id: string): Promise<Response> {
  const refused = need(c, "audit:run");
  if (refused) return refused;
  const ui = uiOf(c);
  const w = REVIEW[ui.lang];
  const r = await api<z.infer<typeof AuditRun>>(c, `/v1/orders/${id}/audit`, { method: "POST" });
  if (!r.ok) return doneRedirect(c, here(id), { kind: "bad", text: problemText(r.body, ui.lang) });
  return doneRedirect(c, here(id), { kind: r.body.audit.outcome === "approve" ? "ok" : "warn", text: fill(w.reaudited, { outcome: outcomeWords(ui.lang, r.body.audit) }) });
}

/** "Hold (The postal code does not fit the country)": the outcome and, when it is not a clean approval, why. */
function outcomeWords(lang: "en" | "zh-CN", audit: { outcome: "approve" | "hold" | "reject" | "wait"; findings: { code: string }[] }): string {
  const w = REVIEW[lang];
  const why = [...new Set(audit.findings.map((f) => reasonText(f.code, lang)))];
  return why.length ? `${outcomeText(w, audit.outcome)}${lang === "en" ? ": " : "："}${why.join(lang === "en" ? "; " : "；")}` : outcomeText(w, audit.outcome);
}

/**
 * The PATCH body from the form: the address and contact as typed (the API
 * validates them), and the lines only when they changed (the API replaces
 * every line and recomputes the totals when it gets them).
 */
export function editBodyOf(typed: Record<string, string>, o: OrderView): Record<string, unknown> {
  const address: Record<string, string | null> = {};
  for (const f of ADDRESS_FIELDS) address[f] = typed[f] || (f === "line2" || f === "district" || f === "region" ? null : "");
  const original = formOf(o);
  const customer: Record<string, string | null> = { name: typed.customer_name ?? "" };
  if ((typed.email ?? "") !== (original.email ?? "")) customer.email = typed.email || null;
  if ((typed.phone ?? "") !== (original.phone ?? "")) customer.phone = typed.phone || null;
  const body: Record<string, unknown> = {};
  if (ADDRESS_FIELDS.some((f) => (typed[f] ?? "") !== (original[f] ?? ""))) body.shipping_address = address;
  if (Object.keys(customer).length > 1 || customer.name !== original.customer_name) body.customer = customer;
  const lineNos = [...new Set(Object.keys(typed).flatMap((k) => /^(?:sku|quantity|unit_price)_(\d+)$/.exec(k)?.[1] ?? []))].map(Number).sort((a, b) => a - b);
  const lineChanged =
    lineNos.length !== o.lines.length || lineNos.some((n) => ["sku", "quantity", "unit_price"].some((k) => (typed[`${k}_${n}`] ?? "") !== (original[`${k}_${n}`] ?? "")));
  if (lineChanged) {
    body.lines = lineNos
      .filter((n) => typed[`sku_${n}`] || typed[`quantity_${n}`] || typed[`unit_price_${n}`])
      .map((n) => ({
        sku: typed[`sku_${n}`] ?? "",
        quantity: /^\d+$/.test(typed[`quantity_${n}`] ?? "") ? Number(typed[`quantity_${n}`]) : typed[`quantity_${n}`],
        unit_price: typed[`unit_price_${n}`] ?? "",
      }));
  }
  if (typed.reason) body.reason = typed.reason;
  return body;
}

export async function editAction(c: ConsoleContext, id: string): Promise<Response> {
  const refused = need(c, "orders:edit");
  if (refused) return refused;
  const ui = uiOf(c);
  const w = REVIEW[ui.lang];
  const current = await api<OrderView>(c, `/v1/orders/${id}`);
  if (!current.ok) return doneRedirect(c, "/console/review", { kind: "bad", text: problemText(current.body, ui.lang) });
  const typed: Record<string, string> = {};
  const form = c.get("form") ?? {};
  for (const name of Object.keys(form)) {
    if (
      (ADDRESS_FIELDS as readonly string[]).includes(name) ||
      (CONTACT_FIELDS as readonly string[]).includes(name) ||
      /^(sku|quantity|unit_price)_\d{1,3}$/.test(name) ||
      name === "reason"
    ) {
      typed[name] = formValue(c, name);
    }
  }
  const body = editBodyOf(typed, current.body);
  if (Object.keys(body).every((k) => k === "reason")) return doneRedirect(c, here(id), { kind: "warn", text: w.saved_no_audit });
  const version = formValue(c, "version");
  const r = await api<z.infer<typeof ChangedOrder>>(c, `/v1/orders/${id}`, { method: "PATCH", body, headers: /^\d+$/.test(version) ? { "if-match": `"${version}"` } : {} });
  if (r.ok) {
    const audit = r.body.audit;
    return doneRedirect(c, here(id), {
      kind: !audit || audit.outcome === "approve" ? "ok" : "warn",
      text: audit ? fill(w.saved_outcome, { outcome: outcomeWords(ui.lang, audit) }) : w.saved_no_audit,
    });
  }
  if (r.status === 422 || r.status === 400)
    return orderPage(c, id, { form: "edit", typed, errors: fieldProblems(r.body), message: `${w.fix_fields} ${problemText(r.body, ui.lang)}` });
  return doneRedirect(c, here(id), { kind: "bad", text: problemText(r.body, ui.lang) });
}

export async function noteAction(c: ConsoleContext, id: string): Promise<Response> {
  const refused = need(c, "orders:edit");
  if (refused) return refused;
  const ui = uiOf(c);
  const w = REVIEW[ui.lang];
  const body = formValue(c, "body");
  if (!body) return orderPage(c, id, { form: "note", typed: { body }, errors: { body: w.note_empty }, message: w.note_empty });
  const r = await api(c, `/v1/orders/${id}/notes`, { body: { body } });
  if (r.ok) return doneRedirect(c, `${here(id)}#notes-h`, { kind: "ok", text: w.note_added });
  if (r.status === 422) return orderPage(c, id, { form: "note", typed: { body }, errors: fieldProblems(r.body), message: problemText(r.body, ui.lang) });
  return doneRedirect(c, here(id), { kind: "bad", text: problemText(r.body, ui.lang) });
}
