/**
 * One purchase order: its facts, its lines (ordered, received, to come, the
 * price), the actions its state allows (the API's `allowed_events`) for those
 * who manage purchasing, the link to receive goods for those who receive,
 * the form that changes it, its history (who did what, when, what changed
 * and why) and its receipts (what went to which bin, at what rate and
 * landed cost).
 */
import type { z } from "@hono/zod-openapi";
import type { Bin } from "../../inventory/schemas";
import { allows } from "../../http/auth";
import type { PurchaseOrder } from "../../procurement/schemas";
import { api } from "../api";
import { type ConsoleContext, storesOf } from "../context";
import { Field } from "../fields";
import { count, date, dateTime, dayIn, money } from "../format";
import { notFoundPage } from "../guard";
import { fill } from "../i18n";
import { Csrf } from "../layout";
import { sentText } from "./order-document";
import { namesOf, PoStatus, purchasingPage, type Refusal, type Screen, type Status, screenOf, statusLabel, warehousesOf } from "./frame";
import type { PurchasingText } from "./text";

export type PurchaseOrderView = z.infer<typeof PurchaseOrder>;
type EventView = PurchaseOrderView["events"][number];

/** What a person typed into an action's form, kept when it is refused. */
export type Typed = { event?: string; reason?: string; error?: string };
export type ChangeTyped = { quantities: string[]; expected_date: string; note: string };

export const OPEN = new Set(["submitted", "partially_received"]);
const CHANGEABLE = new Set(["draft", "submitted", "partially_received"]);

/** "6 × TEA-1, 2 × MUG-1": what lines still wait for. */
export const stillToCome = (lines: PurchaseOrderView["lines"]) =>
  lines
    .filter((l) => l.received_qty < l.quantity)
    .map((l) => `${l.quantity - l.received_qty} × ${l.sku}`)
    .join(", ");

/** An event's details in words: what a change changed, what a receipt brought. */
export function eventDetails(p: PurchasingText, e: Pick<EventView, "type" | "data">, day: (at: string | null) => string): string[] {
  const d = (e.data ?? {}) as Record<string, unknown>;
  const out: string[] = [];
  const expected = d.expected_at as { from: string | null; to: string | null } | undefined;
  if (expected) out.push(fill(p.change_expected, { from: day(expected.from) || "—", to: day(expected.to) || "—" }));
  for (const q of (d.quantities as { sku: string; from: number; to: number }[] | undefined) ?? []) out.push(fill(p.change_quantity, q));
  if (Array.isArray(d.lines) && e.type === "changed") {
    out.push(fill(p.change_lines, { lines: (d.lines as { sku: string; quantity: number }[]).map((l) => `${l.quantity} × ${l.sku}`).join(", ") }));
  }
  if (d.note) out.push(p.change_note);
  if (Array.isArray(d.lines) && e.type === "received") out.push((d.lines as { sku: string; quantity: number }[]).map((l) => `${l.quantity} × ${l.sku}`).join(", "));
  const over = d.over as { sku: string; received: number; ordered: number }[] | undefined;
  if (over?.length) out.push(fill(p.over_lines, { lines: over.map((o) => `${o.sku} ${o.received}/${o.ordered}`).join(", ") }));
  return out;
}

const eventLabel = (p: PurchasingText, type: string) => (p as Record<string, string>)[`event_${type}`] ?? type;

export async function orderPage(
  c: ConsoleContext,
  id: string,
  opts: { status?: Status; problem?: string; typed?: Typed; change?: { typed: ChangeTyped; refusal: Refusal } } = {},
): Promise<Response> {
  const screen = screenOf(c);
  const { ui, p } = screen;
  const [found, stores, warehouses] = await Promise.all([api<PurchaseOrderView>(c, `/v1/purchase-orders/${encodeURIComponent(id)}`), storesOf(c), warehousesOf(c)]);
  if (!found.ok) return notFoundPage(c);
  const o = found.body;
  const [nameOf, bins] = await Promise.all([
    namesOf(c, [o.created_by, ...o.events.map((e) => e.actor), ...o.receipts.map((r) => r.actor)]),
    o.receipts.length && allows(ui.principal, "warehouses:read")
      ? api<{ data: z.infer<typeof Bin>[] }>(c, `/v1/warehouses/${encodeURIComponent(o.warehouse_id)}/bins`, { query: { limit: 200 } })
      : Promise.resolve(null),
  ]);
  const binCode = new Map((bins?.ok ? bins.body.data : []).map((b) => [b.id, b.code]));
  const timeZone = stores.find((s) => s.id === o.store_id)?.timezone ?? "UTC";
  const at = (t: string | null) => dateTime(t, timeZone, ui.lang);
  const day = (t: string | null) => date(t, timeZone, ui.lang);
  const cash = (a: string) => money(a, o.currency, ui.lang);
  const warehouse = warehouses.find((w) => w.id === o.warehouse_id);
  const title = fill(p.order_title, { id: o.id });
  const mayManage = allows(ui.principal, "procurement:manage");
  const mayReceive = allows(ui.principal, "procurement:receive") && OPEN.has(o.status);
  const typed = opts.typed ?? {};
  return purchasingPage(
    c,
    screen,
    {
      title,
      status: opts.status,
      heading: (
        <h1>
          {p.order} <span class="mono">{o.id}</span> <PoStatus p={p} status={o.status} />
        </h1>
      ),
    },
    <>
      {opts.problem ? (
        <div class="flash bad" role="alert">
          {opts.problem}
        </div>
      ) : null}
      <p class="actions">
        <a class="button secondary" href={`/console/purchasing/orders/${encodeURIComponent(o.id)}/pdf`} aria-label={fill(p.pdf_of, { id: o.id })} data-download="po-pdf">
          {p.pdf}
        </a>
      </p>
      <section class="card">
        <dl class="facts">
          <dt>{p.supplier}</dt>
          <dd>
            <a href={`/console/purchasing/suppliers/${encodeURIComponent(o.supplier_id)}`}>{o.supplier_name}</a>
          </dd>
          <dt>{ui.t.warehouse}</dt>
          <dd>{warehouse?.name ?? o.warehouse_id}</dd>
          <dt>{ui.t.store}</dt>
          <dd>{stores.find((s) => s.id === o.store_id)?.name ?? o.store_id}</dd>
          <dt>{p.total}</dt>
          <dd>
            <strong>{cash(o.total)}</strong>
          </dd>
          <dt>{p.units_received}</dt>
          <dd>{fill(p.received_of, { received: count(o.received_units, ui.lang), ordered: count(o.units, ui.lang) })}</dd>
          <dt>{p.expected}</dt>
          <dd>{o.expected_at ? day(o.expected_at) : "—"}</dd>
          <dt>{ui.t.created}</dt>
          <dd>{`${at(o.created_at)} · ${nameOf(o.created_by)}`}</dd>
          {(
            [
              ["submitted_at", o.submitted_at],
              ["received_at", o.received_at],
              ["closed_at", o.closed_at],
              ["cancelled_at", o.cancelled_at],
            ] as const
          ).map(([key, when]) =>
            when ? (
              <>
                <dt>{p[key]}</dt>
                <dd>{at(when)}</dd>
              </>
            ) : null,
          )}
          {o.submitted_at ? (
            <>
              <dt>{p.sent}</dt>
              <dd data-sent-via={o.sent_via ?? "pending"}>{sentText(p, o, at)}</dd>
            </>
          ) : null}
          {o.close_reason ? (
            <>
              <dt>{p.close_reason}</dt>
              <dd>{o.close_reason}</dd>
            </>
          ) : null}
          <dt>{p.tolerance}</dt>
          <dd>{fill(p.percent_n, { n: o.over_receipt_pct })}</dd>
          {o.note ? (
            <>
              <dt>{ui.t.note}</dt>
              <dd>{o.note}</dd>
            </>
          ) : null}
        </dl>
      </section>

      {mayManage || mayReceive ? (
        <section class="card" aria-labelledby="actions-h">
          <h2 id="actions-h">{p.actions}</h2>
          {mayReceive ? (
            <p>
              <a class="button" href={`/console/purchasing/orders/${encodeURIComponent(o.id)}/receive`}>
                {p.receive_goods}
              </a>
            </p>
          ) : null}
          {mayManage && o.allowed_events.length ? (
            <div class="grid purchasing-actions">
              {o.allowed_events.map((e) => (
                <ActionForm screen={screen} order={o} event={e} typed={typed.event === e ? typed : {}} />
              ))}
            </div>
          ) : mayManage && !mayReceive ? (
            <p class="muted">{p.no_actions}</p>
          ) : null}
        </section>
      ) : null}

      <section class="card" aria-labelledby="lines-h">
        <h2 id="lines-h">{p.lines}</h2>
        <div class="table-wrap">
          <table class="stack purchasing-stack">
            <thead>
              <tr>
                <th scope="col">{p.line_no}</th>
                <th scope="col">{ui.t.sku}</th>
                <th scope="col">{p.supplier_sku}</th>
                <th scope="col" class="num">
                  {p.ordered}
                </th>
                <th scope="col" class="num">
                  {p.received}
                </th>
                <th scope="col" class="num">
                  {p.to_come}
                </th>
                <th scope="col" class="num">
                  {p.unit_cost}
                </th>
                <th scope="col" class="num">
                  {p.line_total}
                </th>
              </tr>
            </thead>
            <tbody>
              {o.lines.map((l) => (
                <tr>
                  <td data-label={p.line_no}>{l.line_no}</td>
                  <td data-label={ui.t.sku} class="mono">
                    {l.sku}
                  </td>
                  <td data-label={p.supplier_sku} class="mono">
                    {l.supplier_sku ?? "—"}
                  </td>
                  <td data-label={p.ordered} class="num">
                    {count(l.quantity, ui.lang)}
                  </td>
                  <td data-label={p.received} class="num" data-line-received>
                    {count(l.received_qty, ui.lang)}
                  </td>
                  <td data-label={p.to_come} class="num">
                    {count(Math.max(0, l.quantity - l.received_qty), ui.lang)}
                  </td>
                  <td data-label={p.unit_cost} class="num">
                    {cash(l.unit_cost)}
                  </td>
                  <td data-label={p.line_total} class="num">
                    {cash(l.line_total)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      {mayManage && CHANGEABLE.has(o.status) ? <ChangeForm screen={screen} order={o} timeZone={timeZone} change={opts.change} /> : null}

      <section class="card" aria-labelledby="history-h">
        <h2 id="history-h">{p.history}</h2>
        <div class="table-wrap">
          <table class="stack purchasing-stack">
            <thead>
              <tr>
                <th scope="col">{p.when}</th>
                <th scope="col">{p.what}</th>
                <th scope="col">{p.who}</th>
                <th scope="col">{p.what_changed}</th>
                <th scope="col">{ui.t.reason}</th>
              </tr>
            </thead>
            <tbody>
              {[...o.events].reverse().map((e) => {
                const details = eventDetails(p, e, day);
                return (
                  <tr>
                    <td data-label={p.when}>{at(e.created_at)}</td>
                    <td data-label={p.what}>
                      <span>
                        {eventLabel(p, e.type)}
                        {e.from_status && e.from_status !== e.to_status ? (
                          <span class="muted">{` (${statusLabel(p, e.from_status)} → ${statusLabel(p, e.to_status)})`}</span>
                        ) : null}
                      </span>
                    </td>
                    <td data-label={p.who}>{nameOf(e.actor)}</td>
                    <td data-label={p.what_changed}>
                      {details.length ? (
                        <div>
                          {details.map((line) => (
                            <div>{line}</div>
                          ))}
                        </div>
                      ) : null}
                    </td>
                    <td data-label={ui.t.reason}>{e.reason ?? ""}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      <section class="card" aria-labelledby="receipts-h">
        <h2 id="receipts-h">{p.receipts}</h2>
        {o.receipts.length === 0 ? <p class="muted">{p.no_receipts}</p> : null}
        {[...o.receipts].reverse().map((r) => {
          const whCash = (a: string) => money(a, r.currency, ui.lang);
          return (
            <article class="purchasing-receipt">
              <h3>{fill(p.receipt_head, { when: at(r.created_at), who: nameOf(r.actor) })}</h3>
              <dl class="facts">
                {r.reference ? (
                  <>
                    <dt>{p.reference}</dt>
                    <dd>{r.reference}</dd>
                  </>
                ) : null}
                {r.reason ? (
                  <>
                    <dt>{ui.t.reason}</dt>
                    <dd>{r.reason}</dd>
                  </>
                ) : null}
                {r.fx_rate !== "1" ? (
                  <>
                    <dt>{p.fx_rate}</dt>
                    <dd>{fill(p.rate_line, { from: o.currency, to: r.currency, rate: r.fx_rate })}</dd>
                  </>
                ) : null}
                <dt>{p.landed_costs}</dt>
                <dd>
                  {r.landed_costs.length ? r.landed_costs.map((l) => `${(p as Record<string, string>)[l.kind] ?? l.kind} ${whCash(l.amount)}`).join(" · ") : p.no_landed_costs}
                </dd>
                {r.landed_costs.length ? (
                  <>
                    <dt>{p.allocate_by}</dt>
                    <dd>{r.allocate_by === "weight" ? p.by_weight : p.by_value}</dd>
                  </>
                ) : null}
              </dl>
              <div class="table-wrap">
                <table class="stack purchasing-stack">
                  <thead>
                    <tr>
                      <th scope="col">{ui.t.sku}</th>
                      <th scope="col">{p.bin}</th>
                      <th scope="col" class="num">
                        {ui.t.quantity}
                      </th>
                      <th scope="col" class="num">
                        {p.unit_cost}
                      </th>
                      <th scope="col" class="num">
                        {p.landed_unit_cost}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.lines.map((l) => (
                      <tr>
                        <td data-label={ui.t.sku} class="mono">
                          {l.sku}
                        </td>
                        <td data-label={p.bin} class="mono">
                          {binCode.get(l.bin_id) ?? l.bin_id}
                        </td>
                        <td data-label={ui.t.quantity} class="num">
                          {count(l.quantity, ui.lang)}
                        </td>
                        <td data-label={p.unit_cost} class="num">
                          {whCash(l.unit_cost)}
                        </td>
                        <td data-label={p.landed_unit_cost} class="num">
                          {whCash(l.landed_unit_cost)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </article>
          );
        })}
      </section>
    </>,
  );
}

/** One action's form: submit asks first; cancel and close take a reason (close needs one only when goods are still to come). */
function ActionForm({ screen, order, event, typed }: { screen: Screen; order: PurchaseOrderView; event: string; typed: Typed }) {
  const { ui, p } = screen;
  const short = stillToCome(order.lines);
  const confirm = event === "submit" ? fill(p.confirm_submit, { supplier: order.supplier_name }) : event === "cancel" ? p.confirm_cancel : p.confirm_close;
  const label = event === "submit" ? p.submit : event === "cancel" ? p.cancel : p.close;
  const hint = event === "submit" ? p.submit_hint : event === "close" ? (short ? fill(p.close_hint_short, { lines: short }) : p.close_hint_done) : undefined;
  return (
    <form method="post" action={`/console/purchasing/orders/${encodeURIComponent(order.id)}/transition`} data-confirm={confirm}>
      <Csrf ui={ui} />
      <input type="hidden" name="event" value={event} />
      <input type="hidden" name="version" value={String(order.version)} />
      {hint ? <p class="hint">{hint}</p> : null}
      {event === "submit" ? null : (
        <Field
          id={`reason-${event}`}
          name="reason"
          label={event === "cancel" ? p.cancel_reason : p.close_reason_label}
          value={typed.reason ?? ""}
          error={typed.error}
          maxlength={500}
          required={event === "cancel" || !!short}
        />
      )}
      <button type="submit" class={event === "cancel" ? "danger" : undefined}>
        {label}
      </button>
    </form>
  );
}

/** Changing the order: each line's quantity, the expected date and the note. */
function ChangeForm({
  screen,
  order,
  timeZone,
  change,
}: {
  screen: Screen;
  order: PurchaseOrderView;
  timeZone: string;
  change: { typed: ChangeTyped; refusal: Refusal } | undefined;
}) {
  const { ui, p } = screen;
  const e = change?.refusal.fields ?? {};
  const expectedDay = order.expected_at ? dayIn(new Date(order.expected_at), timeZone) : "";
  return (
    <section class="card" aria-labelledby="change-h">
      <details class="purchasing-edit" open={change ? true : undefined}>
        <summary id="change-h">{p.change_title}</summary>
        {change ? (
          <div class="flash bad" role="alert">
            {change.refusal.top}
          </div>
        ) : null}
        <form method="post" action={`/console/purchasing/orders/${encodeURIComponent(order.id)}/change`} class="purchasing-form" novalidate>
          <Csrf ui={ui} />
          <input type="hidden" name="version" value={String(order.version)} />
          <p class="hint">{order.status === "draft" ? p.change_hint_draft : p.change_hint_submitted}</p>
          {e.lines ? <p class="error-text">{e.lines}</p> : null}
          {order.lines.map((l, i) => (
            <Field
              id={`quantity.${i}`}
              label={fill(p.quantity_of, { sku: l.sku })}
              value={change?.typed.quantities[i] ?? String(l.quantity)}
              error={e[`quantity.${i}`]}
              inputmode="numeric"
              {...(l.received_qty > 0 ? { hint: `${p.received}: ${count(l.received_qty, ui.lang)}` } : {})}
            />
          ))}
          <Field
            id="c-expected_date"
            name="expected_date"
            type="date"
            label={p.expected_date}
            value={change?.typed.expected_date ?? expectedDay}
            error={e.expected_date ?? e.expected_at}
          />
          <Field id="c-note" name="note" label={ui.t.note} value={change?.typed.note ?? order.note ?? ""} error={e.note} maxlength={2000} />
          <div class="actions">
            <button type="submit">{p.save_changes}</button>
          </div>
        </form>
      </details>
    </section>
  );
}
