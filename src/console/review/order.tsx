/**
 * The auditor's order screen: the claim, the findings beside what the
 * current rules would decide (the dry run), the order as the API projects it,
 * corrections (which audit the order again), decisions, and internal notes.
 * Each form posts to its own action and comes back here; a refused input
 * re-renders this screen with the problem beside the field, keeping what was typed.
 */
import type { z } from "@hono/zod-openapi";
import type { AuditExplanation, AuditHistory, FindingSchema } from "../../audit/schemas";
import { allows } from "../../http/auth";
import type { Order } from "../../orders/schemas";
import type { ClaimStatus, OrderNotes } from "../../review/schemas";
import { api } from "../api";
import { type ConsoleContext, formatsOf } from "../context";
import { need, notFoundPage, uiOf } from "../guard";
import { fill } from "../i18n";
import { Csrf, renderPage } from "../layout";
import { dateTime, money } from "../format";
import { problemText } from "../problems";
import { orderStatusLabel } from "../text";
import { ClaimBadge, orderRef } from "./parts";
import { reasonText } from "./reasons";
import { findingDetail } from "./finding-words";
import { REVIEW } from "./text";

export type OrderView = z.infer<typeof Order>;
type Finding = z.infer<typeof FindingSchema>;
type Outcome = z.infer<typeof AuditExplanation>["outcome"];

/** What a refused form left behind: the fields as typed and the problems per field. */
export type Refusal = { form: "edit" | "decide" | "note"; typed: Record<string, string>; errors: Record<string, string>; message: string };

export const ADDRESS_FIELDS = ["name", "line1", "line2", "district", "city", "region", "postal_code", "country"] as const;
export const CONTACT_FIELDS = ["customer_name", "email", "phone"] as const;
const DECISIONS = ["approve", "hold", "reject"] as const;

export const outcomeText = (w: (typeof REVIEW)["en"], o: Outcome) => w[`outcome_${o}`];

/** The order's form values as the API projects it (line fields are `sku_1`, `quantity_1`, `unit_price_1`...). */
export function formOf(o: OrderView): Record<string, string> {
  const a = o.shipping_address as Record<string, string | null | undefined>;
  const v: Record<string, string> = {};
  for (const f of ADDRESS_FIELDS) v[f] = a[f] ?? "";
  v.customer_name = o.customer?.name ?? "";
  v.email = o.customer?.email ?? "";
  v.phone = o.customer?.phone ?? "";
  o.lines.forEach((l, i) => {
    v[`sku_${i + 1}`] = l.sku;
    v[`quantity_${i + 1}`] = String(l.quantity);
    v[`unit_price_${i + 1}`] = l.unit_price;
  });
  return v;
}

function Findings({ w, lang, findings }: { w: (typeof REVIEW)["en"]; lang: "en" | "zh-CN"; findings: Finding[] }) {
  return (
    <ul class="findings">
      {findings.map((f) => (
        <li>
          <span class={`badge ${f.severity === "reject" ? "bad" : f.severity === "hold" ? "warn" : ""}`}>{w[`severity_${f.severity}`]}</span>{" "}
          <strong>{reasonText(f.code, lang)}</strong>
          <div class="hint" lang={findingDetail(f, lang).lang}>
            {findingDetail(f, lang).text}
          </div>
        </li>
      ))}
    </ul>
  );
}

function Field(props: {
  id: string;
  name: string;
  label: string;
  value: string;
  error?: string | undefined;
  type?: string;
  required?: boolean;
  inputmode?: "numeric" | "decimal";
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value}
        required={props.required}
        inputmode={props.inputmode}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={props.error ? `${props.id}-error` : undefined}
      />
      {props.error && (
        <p class="error-text" id={`${props.id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/** The API's field path for a form field ("postal_code" -> "shipping_address.postal_code"). */
export function apiFieldOf(name: string): string {
  if ((ADDRESS_FIELDS as readonly string[]).includes(name)) return `shipping_address.${name}`;
  if (name === "customer_name") return "customer.name";
  if (name === "email" || name === "phone") return `customer.${name}`;
  const line = /^(sku|quantity|unit_price)_(\d+)$/.exec(name);
  if (line) return `lines.${Number(line[2]) - 1}.${line[1]}`;
  return name;
}

export async function orderPage(c: ConsoleContext, id: string, refusal?: Refusal): Promise<Response> {
  const denied = need(c, "audit:read");
  if (denied) return denied;
  const ui = uiOf(c);
  const w = REVIEW[ui.lang];
  const p = ui.principal;
  const mayRun = allows(p, "audit:run");
  const [order, audits, claim, notes, dry] = await Promise.all([
    api<OrderView>(c, `/v1/orders/${id}`),
    api<z.infer<typeof AuditHistory>>(c, `/v1/orders/${id}/audits`),
    api<z.infer<typeof ClaimStatus>>(c, `/v1/orders/${id}/claim`),
    allows(p, "orders:read") ? api<z.infer<typeof OrderNotes>>(c, `/v1/orders/${id}/notes`) : null,
    mayRun ? api<z.infer<typeof AuditExplanation>>(c, "/v1/audit/dry-run", { body: { order_id: id } }) : null,
  ]);
  if (!order.ok)
    return order.status === 404 || order.status === 400
      ? notFoundPage(c)
      : renderPage(c, ui, { title: w.queue_title, status: 500 }, <p class="flash bad">{problemText(order.body, ui.lang)}</p>);
  const o = order.body;
  const { timeZone } = await formatsOf(c, o.store_id);
  const ref = orderRef(o);
  const latest = audits.ok ? audits.body.data[0] : undefined;
  const holder = claim.ok ? claim.body.claimed_by : null;
  const heldByOther = holder !== null && holder.id !== p.id;
  const inQueue = o.status === "received" || o.status === "on_hold";
  const decisions = DECISIONS.filter((e) => o.allowed_events.includes(e) && allows(p, `orders:transition:${e}`));
  const mayEdit = allows(p, "orders:edit") && inQueue;
  const typed = refusal?.form === "edit" ? refusal.typed : formOf(o);
  const errors = refusal?.errors ?? {};
  const err = (name: string) => (refusal?.form === "edit" ? errors[apiFieldOf(name)] : undefined);
  const lineCount = Math.max(o.lines.length, ...Object.keys(typed).map((k) => Number(/^sku_(\d+)$/.exec(k)?.[1] ?? 0)));
  const status = refusal ? 422 : 200;
  return renderPage(
    c,
    ui,
    { title: fill(w.order_title, { ref }), status },
    <div class="review">
      <p>
        <a href="/console/review">{w.back_to_queue}</a>
      </p>
      <h1>
        {fill(w.order_title, { ref })} <span class="badge">{orderStatusLabel(ui.t, o.status)}</span>
      </h1>
      {refusal && (
        <div class="flash bad" role="alert">
          {refusal.message}
        </div>
      )}
      {!inQueue && <p class="flash warn">{fill(w.not_in_queue, { status: orderStatusLabel(ui.t, o.status) })}</p>}

      <section class="card" aria-labelledby="claim-h">
        <h2 id="claim-h">{w.claim_status}</h2>
        <div class="actions">
          {holder ? <ClaimBadge ui={ui} claim={holder} timeZone={timeZone} /> : <span>{w.not_claimed}</span>}
          {mayRun && inQueue && !heldByOther && (
            <form method="post" action={`/console/review/${o.id}/claim`}>
              <Csrf ui={ui} />
              <button type="submit" class={holder ? "secondary" : undefined}>
                {w.claim}
              </button>
            </form>
          )}
          {mayRun && holder && (!heldByOther || allows(p, "audit:manage")) && (
            <form method="post" action={`/console/review/${o.id}/release`}>
              <Csrf ui={ui} />
              <button type="submit" class="secondary">
                {w.release}
              </button>
            </form>
          )}
        </div>
        {heldByOther && <p class="hint">{fill(w.claimed_elsewhere, { name: holder.name ?? holder.id, until: dateTime(holder.until, timeZone, ui.lang) })}</p>}
      </section>

      <div class="grid">
        <section class="card" aria-labelledby="findings-h">
          <h2 id="findings-h">{w.findings}</h2>
          {/* A person's hold says why in their own words; an audit's hold says it in the findings below. */}
          {o.status_reason && !latest?.findings.length && (
            <p>
              <strong>{w.status_reason}:</strong> {o.status_reason}
            </p>
          )}
          {latest ? (
            <>
              <p>{fill(w.findings_of, { outcome: outcomeText(w, latest.outcome) })}</p>
              {latest.findings.length ? <Findings w={w} lang={ui.lang} findings={latest.findings} /> : <p>{w.no_findings}</p>}
            </>
          ) : (
            <p>{w.never_audited}</p>
          )}
        </section>
        {dry?.ok && (
          <section class="card" aria-labelledby="dry-h">
            <h2 id="dry-h">{w.dry_run}</h2>
            <p class="hint">{w.dry_run_hint}</p>
            <p>
              <span class={`badge ${dry.body.outcome === "approve" ? "ok" : dry.body.outcome === "reject" ? "bad" : "warn"}`}>{outcomeText(w, dry.body.outcome)}</span>
            </p>
            {dry.body.findings.length ? <Findings w={w} lang={ui.lang} findings={dry.body.findings} /> : <p>{w.no_findings}</p>}
          </section>
        )}
      </div>

      <div class="grid">
        <section class="card" aria-labelledby="facts-h">
          <h2 id="facts-h">{w.order_facts}</h2>
          <dl class="facts">
            <dt>{ui.t.status}</dt>
            <dd>{orderStatusLabel(ui.t, o.status)}</dd>
            <dt>{ui.t.channel}</dt>
            <dd>{o.channel}</dd>
            <dt>{ui.t.created}</dt>
            <dd>{dateTime(o.created_at, timeZone, ui.lang)}</dd>
            <dt>{ui.t.total}</dt>
            <dd>{money(o.total_amount, o.currency, ui.lang)}</dd>
            {o.note && (
              <>
                <dt>{ui.t.note}</dt>
                <dd>{o.note}</dd>
              </>
            )}
          </dl>
        </section>
        <section class="card" aria-labelledby="addr-h">
          <h2 id="addr-h">{w.address}</h2>
          <address>
            {ADDRESS_FIELDS.map((f) => (o.shipping_address as Record<string, string | null | undefined>)[f])
              .filter(Boolean)
              .map((line) => (
                <div>{line}</div>
              ))}
          </address>
          <h2>{w.contact}</h2>
          <dl class="facts">
            <dt>{w.f_customer_name}</dt>
            <dd>{o.customer?.name ?? ""}</dd>
            <dt>{w.f_email}</dt>
            <dd>{o.customer?.email ?? ""}</dd>
            <dt>{w.f_phone}</dt>
            <dd>{o.customer?.phone ?? ""}</dd>
          </dl>
        </section>
      </div>

      <section class="card" aria-labelledby="lines-h">
        <h2 id="lines-h">{w.lines}</h2>
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th>{ui.t.sku}</th>
                <th>{w.col_name}</th>
                <th class="num">{ui.t.quantity}</th>
                <th class="num">{w.col_unit_price}</th>
                <th class="num">{w.col_line_total}</th>
              </tr>
            </thead>
            <tbody>
              {o.lines.map((l) => (
                <tr>
                  <td data-label={ui.t.sku} class="mono">
                    {l.sku}
                  </td>
                  <td data-label={w.col_name}>{l.name}</td>
                  <td data-label={ui.t.quantity} class="num">
                    {l.quantity}
                  </td>
                  <td data-label={w.col_unit_price} class="num">
                    {money(l.unit_price, o.currency, ui.lang)}
                  </td>
                  <td data-label={w.col_line_total} class="num">
                    {money(l.total_amount, o.currency, ui.lang)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      {(decisions.length > 0 || mayRun) && (
        <section class="card" aria-labelledby="decide-h">
          <h2 id="decide-h">{w.decide}</h2>
          {decisions.length ? (
            <form method="post" action={`/console/review/${o.id}/decide`}>
              <Csrf ui={ui} />
              <input type="hidden" name="version" value={String(o.version)} />
              {decisions.some((e) => e !== "approve") && (
                <Field
                  id="decide-reason"
                  name="reason"
                  label={w.decide_reason}
                  value={refusal?.form === "decide" ? (refusal.typed.reason ?? "") : ""}
                  error={refusal?.form === "decide" ? errors.reason : undefined}
                />
              )}
              <div class="actions">
                {decisions.map((e) => (
                  <button type="submit" name="event" value={e} class={e === "reject" ? "danger" : e === "hold" ? "secondary" : undefined}>
                    {w[e]}
                  </button>
                ))}
              </div>
            </form>
          ) : (
            <p>{fill(w.no_decisions, { status: orderStatusLabel(ui.t, o.status) })}</p>
          )}
          {mayRun && inQueue && (
            <form method="post" action={`/console/review/${o.id}/audit`} class="actions">
              <Csrf ui={ui} />
              <button type="submit" class="secondary">
                {w.reaudit}
              </button>
            </form>
          )}
        </section>
      )}

      {mayEdit && (
        <section class="card" aria-labelledby="edit-h">
          <h2 id="edit-h">{w.edit_title}</h2>
          <p class="hint">{w.edit_hint}</p>
          <form method="post" action={`/console/review/${o.id}/edit`}>
            <Csrf ui={ui} />
            <input type="hidden" name="version" value={String(o.version)} />
            <h3>{w.address}</h3>
            <div class="grid">
              {ADDRESS_FIELDS.map((f) => (
                <Field id={`e-${f}`} name={f} label={w[`f_${f}`]} value={typed[f] ?? ""} error={err(f)} />
              ))}
            </div>
            <h3>{w.contact}</h3>
            <div class="grid">
              {CONTACT_FIELDS.map((f) => (
                <Field id={`e-${f}`} name={f} label={w[`f_${f}`]} value={typed[f] ?? ""} error={err(f)} type={f === "email" ? "email" : f === "phone" ? "tel" : "text"} />
              ))}
            </div>
            <h3>{w.lines}</h3>
            {Array.from({ length: lineCount }, (_, i) => i + 1).map((n) => (
              <div class="grid">
                <Field id={`e-sku-${n}`} name={`sku_${n}`} label={fill(w.f_sku, { n })} value={typed[`sku_${n}`] ?? ""} error={err(`sku_${n}`)} />
                <Field
                  id={`e-qty-${n}`}
                  name={`quantity_${n}`}
                  label={fill(w.f_quantity, { n })}
                  value={typed[`quantity_${n}`] ?? ""}
                  error={err(`quantity_${n}`)}
                  inputmode="numeric"
                />
                <Field
                  id={`e-price-${n}`}
                  name={`unit_price_${n}`}
                  label={fill(w.f_unit_price, { n })}
                  value={typed[`unit_price_${n}`] ?? ""}
                  error={err(`unit_price_${n}`)}
                  inputmode="decimal"
                />
              </div>
            ))}
            <Field id="e-reason" name="reason" label={w.f_edit_reason} value={typed.reason ?? ""} error={err("reason")} />
            <button type="submit">{w.save_and_audit}</button>
          </form>
        </section>
      )}

      {notes && (
        <section class="card" aria-labelledby="notes-h">
          <h2 id="notes-h">{w.notes}</h2>
          <p class="hint">{w.notes_hint}</p>
          {allows(p, "orders:edit") && (
            <form method="post" action={`/console/review/${o.id}/notes`}>
              <Csrf ui={ui} />
              <div class="field">
                <label for="note-body">{w.note_label}</label>
                <textarea
                  id="note-body"
                  name="body"
                  maxlength={2000}
                  aria-invalid={refusal?.form === "note" ? "true" : undefined}
                  aria-describedby={refusal?.form === "note" ? "note-body-error" : undefined}
                >
                  {refusal?.form === "note" ? (refusal.typed.body ?? "") : ""}
                </textarea>
                {refusal?.form === "note" && (
                  <p class="error-text" id="note-body-error">
                    {errors.body ?? refusal.message}
                  </p>
                )}
              </div>
              <button type="submit">{w.add_note}</button>
            </form>
          )}
          {notes.ok && notes.body.data.length ? (
            <ul class="notes">
              {notes.body.data.map((n) => (
                <li>
                  <p>{n.body}</p>
                  <p class="hint">{fill(w.note_by, { name: n.author_name ?? n.author_id, at: dateTime(n.created_at, timeZone, ui.lang) })}</p>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">{w.no_notes}</p>
          )}
        </section>
      )}
    </div>,
  );
}
