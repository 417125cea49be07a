/**
 * What a purchase order's page posts: a transition (submit; cancel with a
 * reason; close, with a reason when goods are still to come) and a change of
 * its quantities, expected date and note. Both carry the version the person
 * saw, so a change made meanwhile by someone else is refused, not overwritten.
 */
import { PO_EVENTS } from "../../procurement/purchase-order-rules";
import { api } from "../api";
import { type ConsoleContext, storesOf } from "../context";
import { date, dayIn } from "../format";
import { doneRedirect, formValue, notFoundPage } from "../guard";
import { fill } from "../i18n";
import { formFieldOf, parseOrderChange } from "./forms";
import { codeText, refusalOf, screenOf, statusLabel, wordsOf } from "./frame";
import { orderLink } from "./orders";
import { type ChangeTyped, orderPage, type PurchaseOrderView } from "./order-page";

const isEvent = (s: string): s is (typeof PO_EVENTS)[number] => (PO_EVENTS as readonly string[]).includes(s);

export async function transition(c: ConsoleContext, id: string): Promise<Response> {
  const screen = screenOf(c);
  const { ui, p } = screen;
  const event = formValue(c, "event");
  if (!isEvent(event)) return orderPage(c, id, { status: 400, problem: p.illegal_transition });
  const reason = formValue(c, "reason");
  const version = Number(formValue(c, "version")) || undefined;
  const typed = { event, reason };
  if (event === "cancel" && !reason) return orderPage(c, id, { status: 422, problem: p.cancel_reason_required, typed: { ...typed, error: p.required } });
  const r = await api<PurchaseOrderView>(c, `/v1/purchase-orders/${encodeURIComponent(id)}/transitions`, {
    body: { event, ...(reason ? { reason } : {}), ...(version ? { expected_version: version } : {}) },
  });
  if (!r.ok) {
    if (r.status === 404) return notFoundPage(c);
    if (r.body.code === "reason_required") {
      const short = ((r.body as { short?: { sku: string; units: number }[] }).short ?? []).map((s) => `${s.units} × ${s.sku}`).join(", ");
      const text = event === "cancel" ? p.cancel_reason_required : fill(p.close_reason_required, { lines: short });
      return orderPage(c, id, { status: 409, problem: text, typed: { ...typed, error: p.required } });
    }
    const fields = refusalOf(screen, r).fields;
    const problem = fields.reason ? p.fix_below : codeText(p, ui.lang, r.body);
    return orderPage(c, id, { status: r.status === 409 ? 409 : 422, problem, typed: { ...typed, ...(fields.reason ? { error: fields.reason } : {}) } });
  }
  const o = r.body;
  if (event === "submit") {
    const zone = (await storesOf(c)).find((s) => s.id === o.store_id)?.timezone ?? "UTC";
    return doneRedirect(c, orderLink(id), { kind: "ok", text: fill(p.submitted_ok, { supplier: o.supplier_name, date: date(o.expected_at, zone, ui.lang) || "—" }) });
  }
  return doneRedirect(c, orderLink(id), { kind: event === "cancel" ? "warn" : "ok", text: event === "cancel" ? p.cancelled_ok : p.closed_ok });
}

export async function changeOrder(c: ConsoleContext, id: string): Promise<Response> {
  const screen = screenOf(c);
  const { p } = screen;
  const [found, stores] = await Promise.all([api<PurchaseOrderView>(c, `/v1/purchase-orders/${encodeURIComponent(id)}`), storesOf(c)]);
  if (!found.ok) return notFoundPage(c);
  const o = found.body;
  const zone = stores.find((s) => s.id === o.store_id)?.timezone ?? "UTC";
  const typed: ChangeTyped = {
    quantities: o.lines.map((_, i) => formValue(c, `quantity.${i}`)),
    expected_date: formValue(c, "expected_date"),
    note: formValue(c, "note"),
  };
  const version = Number(formValue(c, "version")) || o.version;
  const parsed = parseOrderChange(
    {
      status: o.status,
      version,
      lines: o.lines,
      expected_day: o.expected_at ? dayIn(new Date(o.expected_at), zone) : "",
      note: o.note ?? "",
    },
    typed,
  );
  if (!parsed.ok) return orderPage(c, id, { status: 422, change: { typed, refusal: { status: 422, top: p.fix_below, fields: wordsOf(p, parsed.errors) } } });
  if (!parsed.body) return doneRedirect(c, orderLink(id), { kind: "warn", text: p.nothing_changed });
  const r = await api<PurchaseOrderView>(c, `/v1/purchase-orders/${encodeURIComponent(id)}`, { method: "PATCH", body: parsed.body });
  if (!r.ok) {
    if (r.status === 404) return notFoundPage(c);
    const refusal = refusalOf(screen, r, (f) => formFieldOf(f, parsed.rows));
    if (r.body.code === "not_editable") refusal.top = fill(p.not_editable, { status: statusLabel(p, o.status) });
    return orderPage(c, id, { status: refusal.status, change: { typed, refusal } });
  }
  return doneRedirect(c, orderLink(id), { kind: "ok", text: p.changed_ok });
}
