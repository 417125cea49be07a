/**
 * One order: its header, lines, address, payment, audit findings, timeline, shipments and tracking, messages,
 * after-sales and internal notes, each read through the API in parallel (only the parts the reader's position
 * may read), and the buttons for exactly the events its state allows and the reader may fire.
 */
import type { z } from "@hono/zod-openapi";
import type { AfterSalesRequest } from "../../after-sales/schemas";
import type { AuditResultSchema } from "../../audit/schemas";
import type { Permission } from "../../auth/roles";
import { allows } from "../../http/auth";
import type { OrderTracking } from "../../logistics/schemas";
import type { ORDER_EVENTS } from "../../orders/lifecycle";
import type { Order, OrderEventSchema } from "../../orders/schemas";
import { isInvoiceable } from "../../finance/invoice-rules";
import { LedgerCard, type LedgerView } from "../finance/ledger-card";
import { api, type ApiAnswer } from "../api";
import { formatsOf, storesOf, type ConsoleContext } from "../context";
import { dateTime, money } from "../format";
import { need, notFoundPage, uiOf } from "../guard";
import { fill } from "../i18n";
import { Csrf, renderPage } from "../layout";
import { findingDetail } from "../review/finding-words";
import { reasonText } from "../review/reasons";
import { actorLabel, orderEventLabel, orderHappenedLabel, orderStatusLabel, paymentStatusLabel, shipmentStatusLabel } from "../text";
import { customerLine, orderRef, StatusBadge } from "./shared";
import { ORDERS_TEXT } from "./text";
import { idPattern } from "../../lib/ids";

type OrderEvent = (typeof ORDER_EVENTS)[number];
type Note = { id: string; body: string; author_name: string | null; created_at: string };
type Message = { id: string; template: string; channel: string; subject: string | null; status: string; created_at: string };
type ShipmentRow = { id: string; status: string; carrier: string | null; created_at: string };
type InvoiceSummary = { number_text: string; issued_at: string; total: string };

/** The order's invoice: issued (with its PDF), one to issue, or why there is none yet. */
function InvoiceCard(props: {
  id: string;
  status: string;
  invoice: InvoiceSummary | null;
  mayIssue: boolean;
  w: (typeof ORDERS_TEXT)["en"];
  ui: ReturnType<typeof uiOf>;
  at: (t: string) => string;
  cash: (a: string) => string;
}) {
  const { id, status, invoice, w, ui } = props;
  const invoiceable = isInvoiceable(status);
  return (
    <section class="card" aria-labelledby="invoice-h">
      <h2 id="invoice-h">{w.invoice}</h2>
      {invoice ? (
        <>
          <p>{fill(w.invoice_issued, { number: invoice.number_text, at: props.at(invoice.issued_at), total: props.cash(invoice.total) })}</p>
          {status === "cancelled" ? <p class="muted">{w.invoice_cancelled_after}</p> : null}
          <p>
            <a href={`/console/orders/${id}/invoice.pdf`}>{w.invoice_download}</a>
          </p>
        </>
      ) : invoiceable && props.mayIssue ? (
        <form method="post" action={`/console/orders/${id}/invoice`} data-confirm={w.invoice_confirm} class="actions">
          <Csrf ui={ui} />
          <button type="submit">{w.invoice_issue}</button>
        </form>
      ) : (
        <p class="muted">{invoiceable ? w.invoice_none : status === "cancelled" ? w.invoice_none_cancelled : w.invoice_not_yet}</p>
      )}
    </section>
  );
}

/** The events a person may fire now: legal in the order's state (the API's `allowed_events`) and in their position. */
export function actionsFor(allowed: readonly OrderEvent[], mayDo: (p: Permission) => boolean): OrderEvent[] {
  return allowed.filter((e) => mayDo(`orders:transition:${e}` as Permission));
}

/** What the person typed into an action's form, kept when the API refuses it. */
export type Typed = { event?: string; reason?: string; customer_message?: string };

const skip = <T,>(): Promise<ApiAnswer<T> | null> => Promise.resolve(null);

export async function orderPage(c: ConsoleContext, id: string, opts: { problem?: string; status?: 400 | 403 | 404 | 409 | 422; typed?: Typed } = {}): Promise<Response> {
  const refused = need(c, "orders:read");
  if (refused) return refused;
  if (!idPattern("ord").test(id)) return notFoundPage(c);
  const ui = uiOf(c);
  const w = ORDERS_TEXT[ui.lang];
  const may = (p: Permission) => allows(ui.principal, p);
  const path = (rest = "") => `/v1/orders/${id}${rest}`;
  const [order, events, audits, shipments, tracking, messages, afterSales, notes, stores, invoice, ledger] = await Promise.all([
    api<z.infer<typeof Order>>(c, path()),
    api<{ data: z.infer<typeof OrderEventSchema>[] }>(c, path("/events"), { query: { limit: 200 } }),
    may("audit:read") ? api<{ data: z.infer<typeof AuditResultSchema>[] }>(c, path("/audits")) : skip<never>(),
    may("shipments:read") ? api<{ data: ShipmentRow[] }>(c, "/v1/shipments", { query: { order_id: id, limit: 50 } }) : skip<never>(),
    may("tracking:read") ? api<z.infer<typeof OrderTracking>>(c, path("/tracking")) : skip<never>(),
    may("notifications:read") ? api<{ data: Message[] }>(c, "/v1/notifications", { query: { order_id: id, limit: 50 } }) : skip<never>(),
    may("after_sales:read") ? api<{ data: z.infer<typeof AfterSalesRequest>[] }>(c, path("/after-sales")) : skip<never>(),
    api<{ data: Note[] }>(c, path("/notes")),
    storesOf(c),
    may("invoices:read") ? api<InvoiceSummary>(c, path("/invoice")) : skip<never>(),
    may("finance:read") ? api<LedgerView>(c, path("/ledger")) : skip<LedgerView>(),
  ]);
  if (!order.ok) return notFoundPage(c);
  const o = order.body;
  const { timeZone } = await formatsOf(c, o.store_id);
  const at = (t: string | null | undefined) => dateTime(t, timeZone, ui.lang);
  const cash = (a: string | null | undefined) => money(a, o.currency, ui.lang);
  const actions = actionsFor(o.allowed_events, may);
  const typed = opts.typed ?? {};
  const storeName = stores.find((s) => s.id === o.store_id)?.name ?? o.store_id;
  const labelOf = new Map((tracking?.ok ? tracking.body.shipments : []).map((s) => [s.shipment_id, s]));
  // The creation event (`received`) and other non-staff events are named by their status when they have no label.
  const eventLabel = (type: string) => (orderHappenedLabel(ui.t, type) !== type ? orderHappenedLabel(ui.t, type) : orderStatusLabel(ui.t, type));
  const addr = o.shipping_address as Record<string, string | null | undefined>;

  return renderPage(
    c,
    ui,
    { title: fill(w.order_title, { ref: orderRef(o) }), status: opts.status ?? 200 },
    <div class="orders-area">
      <p>
        <a href="/console/orders">← {w.title}</a>
      </p>
      <h1>
        {fill(w.order_title, { ref: orderRef(o) })} <StatusBadge t={ui.t} status={o.status} />
      </h1>
      {opts.problem ? (
        <div class="flash bad" role="alert">
          {opts.problem}
        </div>
      ) : null}
      <section class="card">
        <dl class="facts">
          <dt>{ui.t.store}</dt>
          <dd>{storeName}</dd>
          <dt>{ui.t.channel}</dt>
          <dd>{o.channel}</dd>
          <dt>{w.external_id}</dt>
          <dd class="mono">{o.external_id ?? "—"}</dd>
          <dt>{ui.t.created}</dt>
          <dd>{at(o.created_at)}</dd>
          <dt>{ui.t.customer}</dt>
          <dd>{customerLine(o) || <span class="muted">{w.not_shown}</span>}</dd>
          {o.status_reason ? (
            <>
              <dt>{w.status_reason}</dt>
              <dd>{o.status_reason}</dd>
            </>
          ) : null}
          <dt>{w.subtotal}</dt>
          <dd>{cash(o.subtotal_amount)}</dd>
          <dt>{w.shipping}</dt>
          <dd>{cash(o.shipping_amount)}</dd>
          <dt>{w.discount}</dt>
          <dd>{cash(o.discount_amount)}</dd>
          <dt>{w.tax}</dt>
          <dd>{cash(o.tax_amount)}</dd>
          <dt>{ui.t.total}</dt>
          <dd>
            <strong>{cash(o.total_amount)}</strong>
          </dd>
          <dt>{w.payment_status}</dt>
          <dd>{paymentStatusLabel(ui.t, o.payment_status)}</dd>
        </dl>
      </section>

      <section class="card" aria-labelledby="actions-h">
        <h2 id="actions-h">{w.actions}</h2>
        {actions.length ? (
          <div class="grid order-actions">
            {actions.map((e) => (
              <form method="post" action={`/console/orders/${id}/transition`} data-confirm={fill(w.confirm_event, { event: orderEventLabel(ui.t, e) })}>
                <Csrf ui={ui} />
                <input type="hidden" name="event" value={e} />
                <input type="hidden" name="version" value={String(o.version)} />
                {e === "hold" || e === "reject" || e === "cancel" ? (
                  <>
                    <div class="field">
                      <label for={`reason-${e}`}>{e === "hold" ? w.hold_reason : e === "reject" ? w.reject_reason : w.cancel_reason}</label>
                      <input id={`reason-${e}`} name="reason" maxlength={500} required={e !== "cancel"} value={typed.event === e ? (typed.reason ?? "") : ""} />
                    </div>
                    <div class="field">
                      <label for={`message-${e}`}>{w.customer_message}</label>
                      <input id={`message-${e}`} name="customer_message" maxlength={1000} value={typed.event === e ? (typed.customer_message ?? "") : ""} />
                    </div>
                  </>
                ) : null}
                <button type="submit" class={e === "reject" || e === "cancel" ? "danger" : undefined}>
                  {orderEventLabel(ui.t, e)}
                </button>
              </form>
            ))}
          </div>
        ) : (
          <p class="muted">{w.no_actions}</p>
        )}
        {may("orders:customer_link") ? (
          <form method="post" action={`/console/orders/${id}/customer-link`} class="actions">
            <Csrf ui={ui} />
            <button type="submit" class="secondary">
              {w.make_customer_link}
            </button>
          </form>
        ) : null}
      </section>

      {invoice ? (
        <InvoiceCard id={id} status={o.status} invoice={invoice.ok ? invoice.body : null} mayIssue={may("invoices:issue")} w={w} ui={ui} at={(t) => at(t)} cash={(a) => cash(a)} />
      ) : null}

      {ledger ? <LedgerCard orderId={id} ledger={ledger} lang={ui.lang} timeZone={timeZone} mayCorrect={may("finance:reconcile")} /> : null}

      <section class="card" aria-labelledby="lines-h">
        <h2 id="lines-h">{w.lines}</h2>
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th scope="col">{ui.t.sku}</th>
                <th scope="col">{w.line_name}</th>
                <th scope="col">{ui.t.quantity}</th>
                <th scope="col">{w.unit_price}</th>
                <th scope="col">{w.line_total}</th>
              </tr>
            </thead>
            <tbody>
              {o.lines.map((l) => (
                <tr>
                  <td data-label={ui.t.sku} class="mono">
                    {l.sku}
                  </td>
                  <td data-label={w.line_name}>{l.name}</td>
                  <td data-label={ui.t.quantity}>{l.quantity}</td>
                  <td data-label={w.unit_price}>{cash(l.unit_price)}</td>
                  <td data-label={w.line_total}>{cash(l.total_amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section class="card" aria-labelledby="addr-h">
        <h2 id="addr-h">{w.shipping_address}</h2>
        <address>
          {[addr.name, addr.line1, addr.line2, [addr.postal_code ?? addr.postal_prefix, addr.city].filter(Boolean).join(" "), addr.region, addr.country]
            .filter(Boolean)
            .map((part) => (
              <div>{part}</div>
            ))}
        </address>
      </section>

      {audits ? (
        <section class="card" aria-labelledby="audits-h">
          <h2 id="audits-h">{w.audits}</h2>
          {audits.ok && audits.body.data.some((a) => a.findings.length) ? (
            <ul>
              {audits.body.data.flatMap((a) =>
                a.findings.map((f) => (
                  <li>
                    {/* A finding's name is a phrase ("Possibly a duplicate of another order"): its badge may wrap on a phone. */}
                    <span class={`badge ${f.severity === "reject" ? "bad" : f.severity === "hold" ? "warn" : ""}`} style="white-space:normal">
                      {reasonText(f.code, ui.lang)}
                    </span>{" "}
                    <span lang={findingDetail(f, ui.lang).lang}>{findingDetail(f, ui.lang).text}</span> <span class="muted">{at(a.created_at)}</span>
                  </li>
                )),
              )}
            </ul>
          ) : (
            <p class="muted">{w.no_findings}</p>
          )}
        </section>
      ) : null}

      <section class="card" aria-labelledby="timeline-h">
        <h2 id="timeline-h">{w.timeline}</h2>
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th scope="col">{w.when}</th>
                <th scope="col">{w.event}</th>
                <th scope="col">{ui.t.status}</th>
                <th scope="col">{w.by}</th>
                <th scope="col">{ui.t.reason}</th>
              </tr>
            </thead>
            <tbody>
              {(events.ok ? events.body.data : []).map((e) => (
                <tr>
                  <td data-label={w.when}>{at(e.created_at)}</td>
                  {/* Short words that a long reason beside them squeezed to a character a line (已接/收). */}
                  <td data-label={w.event} style="white-space:nowrap">
                    {eventLabel(e.type)}
                  </td>
                  <td data-label={ui.t.status} style="white-space:nowrap">
                    {orderStatusLabel(ui.t, e.to_status)}
                  </td>
                  <td data-label={w.by}>{actorLabel(ui.lang, e.actor, e.actor_name)}</td>
                  <td data-label={ui.t.reason}>{[e.reason, e.internal_note].filter(Boolean).join(" · ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      {shipments ? (
        <section class="card" aria-labelledby="ship-h">
          <h2 id="ship-h">{w.shipments}</h2>
          {shipments.ok && shipments.body.data.length ? (
            <div class="table-wrap">
              <table class="stack">
                <thead>
                  <tr>
                    <th scope="col">{w.shipment}</th>
                    <th scope="col">{ui.t.status}</th>
                    <th scope="col">{w.carrier}</th>
                    <th scope="col">{w.tracking}</th>
                  </tr>
                </thead>
                <tbody>
                  {shipments.body.data.map((s) => {
                    const tr = labelOf.get(s.id);
                    return (
                      <tr>
                        <td data-label={w.shipment} class="mono">
                          {s.id}
                        </td>
                        <td data-label={ui.t.status}>{shipmentStatusLabel(ui.t, s.status)}</td>
                        <td data-label={w.carrier}>{tr?.label?.carrier ?? s.carrier ?? "—"}</td>
                        <td data-label={w.tracking}>
                          {tr?.label ? (
                            tr.label.tracking_url ? (
                              <a href={tr.label.tracking_url} rel="noreferrer">
                                {tr.label.tracking_number}
                              </a>
                            ) : (
                              <span class="mono">{tr.label.tracking_number}</span>
                            )
                          ) : (
                            "—"
                          )}
                          {tr?.tracking_status ? <div class="muted">{`${tr.tracking_status} · ${at(tr.tracking_status_at)}`}</div> : null}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          ) : (
            <p class="muted">{w.no_shipments}</p>
          )}
        </section>
      ) : null}

      {messages ? (
        <section class="card" aria-labelledby="msg-h">
          <h2 id="msg-h">{w.messages}</h2>
          {messages.ok && messages.body.data.length ? (
            <ul>
              {messages.body.data.map((m) => (
                <li>
                  {at(m.created_at)} · {m.subject ?? m.template}{" "}
                  <span class="muted">
                    ({m.channel}, {m.status})
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">{w.no_messages}</p>
          )}
        </section>
      ) : null}

      {afterSales ? (
        <section class="card" aria-labelledby="as-h">
          <h2 id="as-h">{w.after_sales}</h2>
          {afterSales.ok && afterSales.body.data.length ? (
            <ul>
              {afterSales.body.data.map((r) => (
                <li>
                  <span class="mono">{r.id}</span> · {r.kind} · <span class="badge">{r.status}</span> · {r.reason} <span class="muted">{at(r.created_at)}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">{w.no_after_sales}</p>
          )}
        </section>
      ) : null}

      {notes.ok ? (
        <section class="card" aria-labelledby="notes-h">
          <h2 id="notes-h">{w.notes}</h2>
          {notes.body.data.length ? (
            <ul>
              {notes.body.data.map((n) => (
                <li>
                  {n.body}{" "}
                  <span class="muted">
                    — {n.author_name ?? ""}, {at(n.created_at)}
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">{w.no_notes}</p>
          )}
        </section>
      ) : null}
    </div>,
  );
}
