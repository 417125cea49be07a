/**
 * One request at the desk: what the customer asked (in their words), the
 * order it is about, what we told the customer so far and in which
 * language, the decisions its status allows, and a link for the customer.
 */
import { Hono } from "hono";
import { AFTER_SALES_RESOLUTIONS } from "../../db/schema";
import { allows } from "../../http/auth";
import { api } from "../api";
import { type ConsoleContext, type ConsoleEnv, formatsOf, type Ui } from "../context";
import { doneRedirect, formValue, need, notFoundPage, uiOf } from "../guard";
import { dateTime, money } from "../format";
import { fill } from "../i18n";
import { Csrf, renderPage } from "../layout";
import { fieldProblems } from "../problems";
import { orderStatusLabel } from "../text";
import {
  kindLabel,
  leftToRefund,
  messageStatusLabel,
  type NotificationT,
  type OrderT,
  paymentLabel,
  refusalText,
  type RequestT,
  requestStatusLabel,
  resolutionLabel,
  statusBadge,
  words,
} from "./shared";
import { idPattern } from "../../lib/ids";

export const requestPages = new Hono<ConsoleEnv>();

const ID = idPattern("as");
/** The customer's language, named in itself, so support sees at once what the customer reads. */
const LANGUAGE_NAMES: Record<string, string> = { en: "English", "zh-CN": "简体中文" };
type Trouble = { event: string; text: string; fields: Record<string, string>; values: Record<string, string> };

function Decisions({ ui, r, order, left, trouble }: { ui: Ui; r: RequestT; order: OrderT | null; left: number; trouble: Trouble | undefined }) {
  const t = words(ui.lang);
  if (!r.allowed_events.length)
    return (
      <>
        {trouble ? (
          <p class="error-text" role="alert">
            {trouble.text}
          </p>
        ) : null}
        <p class="muted">{t.decide_closed}</p>
      </>
    );
  const currency = order?.currency ?? r.currency;
  const v = (event: string, name: string) => (trouble?.event === event ? (trouble.values[name] ?? "") : "");
  const err = (event: string, name: string) => (trouble?.event === event ? trouble.fields[name] : undefined);
  const Problem = ({ event }: { event: string }) =>
    trouble?.event === event ? (
      <p class="error-text" role="alert" id={`${event}-error`}>
        {trouble.text}
      </p>
    ) : null;
  const Hidden = ({ event }: { event: string }) => (
    <>
      <Csrf ui={ui} />
      <input type="hidden" name="event" value={event} />
      <input type="hidden" name="version" value={String(r.version)} />
    </>
  );
  const Notes = ({ event, hint, required }: { event: string; hint: string; required?: boolean }) => (
    <>
      <div class="field">
        <label for={`${event}-note`}>{t.message_to_customer}</label>
        <textarea id={`${event}-note`} name="note" maxlength={2000} required={required} aria-describedby={`${event}-note-hint`}>
          {v(event, "note")}
        </textarea>
        <p class={err(event, "note") ? "error-text" : "hint"} id={`${event}-note-hint`}>
          {err(event, "note") ?? hint}
        </p>
      </div>
      <div class="field">
        <label for={`${event}-internal`}>{t.internal_note}</label>
        <textarea id={`${event}-internal`} name="internal_note" maxlength={2000}>
          {v(event, "internal_note")}
        </textarea>
      </div>
    </>
  );
  const action = `/console/after-sales/${r.id}/transitions`;
  return (
    <div class="grid">
      {r.allowed_events.includes("accept") ? (
        <form method="post" action={action} class="card" aria-labelledby="accept-h">
          <h3 id="accept-h">{t.accept}</h3>
          <Hidden event="accept" />
          <Problem event="accept" />
          <Notes event="accept" hint={t.accept_hint} />
          <button type="submit">{t.accept}</button>
        </form>
      ) : null}
      {r.allowed_events.includes("resolve") ? (
        <form method="post" action={action} class="card" aria-labelledby="resolve-h">
          <h3 id="resolve-h">{t.resolve}</h3>
          <Hidden event="resolve" />
          <Problem event="resolve" />
          <div class="field">
            <label for="resolve-resolution">{t.how_resolved}</label>
            <select id="resolve-resolution" name="resolution">
              {AFTER_SALES_RESOLUTIONS.map((x) => (
                <option value={x} selected={(v("resolve", "resolution") || (r.kind === "exchange" ? "replacement" : "refund")) === x}>
                  {resolutionLabel(t, x)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="resolve-amount">{fill(t.refund_amount_label, { currency })}</label>
            <input id="resolve-amount" name="refund_amount" inputmode="decimal" autocomplete="off" value={v("resolve", "refund_amount")} aria-describedby="resolve-amount-hint" />
            <p class={err("resolve", "refund_amount") ? "error-text" : "hint"} id="resolve-amount-hint">
              {err("resolve", "refund_amount") ?? fill(t.refund_hint, { left: money(left, currency, ui.lang) })}
            </p>
          </div>
          <Notes event="resolve" hint="" />
          <button type="submit">{t.resolve}</button>
        </form>
      ) : null}
      {r.allowed_events.includes("reject") ? (
        <form method="post" action={action} class="card" aria-labelledby="reject-h">
          <h3 id="reject-h">{t.reject}</h3>
          <Hidden event="reject" />
          <Problem event="reject" />
          <Notes event="reject" hint={t.reject_hint} />
          <button type="submit" class="danger">
            {t.reject}
          </button>
        </form>
      ) : null}
      {r.allowed_events.includes("withdraw") ? (
        <form method="post" action={action} class="card" aria-labelledby="withdraw-h" data-confirm={t.confirm_withdraw}>
          <h3 id="withdraw-h">{t.withdraw}</h3>
          <Hidden event="withdraw" />
          <Problem event="withdraw" />
          <p class="hint">{t.withdraw_hint}</p>
          <button type="submit" class="secondary">
            {t.withdraw}
          </button>
        </form>
      ) : null}
    </div>
  );
}

async function requestPage(c: ConsoleContext, id: string, opts: { trouble?: Trouble; link?: { url: string; expires_at: string }; status?: 200 | 409 | 422 } = {}) {
  const ui = uiOf(c);
  const t = words(ui.lang);
  if (!ID.test(id)) return notFoundPage(c);
  const got = await api<RequestT>(c, `/v1/after-sales/${id}`);
  if (!got.ok) return notFoundPage(c);
  const r = got.body;
  const [order, messages, siblings, formats] = await Promise.all([
    api<OrderT>(c, `/v1/orders/${r.order_id}`),
    allows(ui.principal, "notifications:read") ? api<{ data: NotificationT[] }>(c, "/v1/notifications", { query: { order_id: r.order_id, limit: 100 } }) : null,
    api<{ data: RequestT[] }>(c, `/v1/orders/${r.order_id}/after-sales`),
    formatsOf(c, r.store_id),
  ]);
  const o = order.ok ? order.body : null;
  const tz = formats.timeZone;
  const left = o ? leftToRefund(o.total_amount, siblings.ok ? siblings.body.data : []) : 0;
  const names = new Map((o?.lines ?? []).map((l) => [l.sku, l.name]));
  const title = fill(t.request_title, { kind: kindLabel(t, r.kind), id: r.id });
  return renderPage(
    c,
    ui,
    { title, status: opts.status ?? 200 },
    <>
      <p>
        <a href="/console/after-sales">← {t.queue_title}</a>
      </p>
      <h1 style="word-break:break-all">{title}</h1>
      <div class="grid">
        <section class="card" aria-labelledby="facts-h">
          <h2 id="facts-h">{t.facts}</h2>
          <dl class="facts" style="grid-template-columns:max-content minmax(0,1fr);overflow-wrap:anywhere">
            <dt>{t.status}</dt>
            <dd>
              <span class={`badge ${statusBadge(r.status)}`}>{requestStatusLabel(t, r.status)}</span>
            </dd>
            <dt>{t.kind}</dt>
            <dd>{kindLabel(t, r.kind)}</dd>
            <dt>{t.opened}</dt>
            <dd>{dateTime(r.created_at, tz, ui.lang)}</dd>
            <dt>{t.opened_by}</dt>
            <dd>{r.opened_by_name ?? r.opened_by}</dd>
            {r.resolution ? (
              <>
                <dt>{t.resolution}</dt>
                <dd>{resolutionLabel(t, r.resolution)}</dd>
              </>
            ) : null}
            {r.refund_amount ? (
              <>
                <dt>{t.refund_amount}</dt>
                <dd>{money(r.refund_amount, r.currency, ui.lang)}</dd>
              </>
            ) : null}
            {r.decided_by ? (
              <>
                <dt>{t.decided_by}</dt>
                <dd>{r.decided_by_name ?? r.decided_by}</dd>
              </>
            ) : null}
            {r.note ? (
              <>
                <dt>{t.note_to_customer}</dt>
                <dd>{r.note}</dd>
              </>
            ) : null}
          </dl>
          <h3>{t.customer_words}</h3>
          <blockquote style="margin:0;padding:8px 12px;border-left:4px solid var(--line);white-space:pre-wrap;overflow-wrap:anywhere">{r.reason}</blockquote>
          <h3>{t.lines}</h3>
          {r.lines.length === 0 ? (
            <p class="muted">{t.no_lines}</p>
          ) : (
            <ul>
              {r.lines.map((l) => (
                <li>
                  <span class="mono">{l.sku}</span> {names.get(l.sku) ?? ""} × {l.quantity}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section class="card" aria-labelledby="order-h">
          <h2 id="order-h">{t.order_summary}</h2>
          {o ? (
            <>
              <dl class="facts" style="grid-template-columns:max-content minmax(0,1fr);overflow-wrap:anywhere">
                <dt>{t.order}</dt>
                <dd class="mono" style="overflow-wrap:anywhere">
                  {o.id}
                </dd>
                <dt>{t.order_status}</dt>
                <dd>{orderStatusLabel(ui.t, o.status)}</dd>
                <dt>{t.payment}</dt>
                <dd>{paymentLabel(t, o.payment_status)}</dd>
                <dt>{t.order_total}</dt>
                <dd>{money(o.total_amount, o.currency, ui.lang)}</dd>
                <dt>{t.ordered}</dt>
                <dd>{dateTime(o.created_at, tz, ui.lang)}</dd>
                {o.customer ? (
                  <>
                    <dt>{ui.t.customer}</dt>
                    <dd style="overflow-wrap:anywhere">{[o.customer.name, o.customer.email, o.customer.phone].filter(Boolean).join(" · ")}</dd>
                  </>
                ) : null}
              </dl>
              <ul>
                {o.lines.map((l) => (
                  <li>
                    <span class="mono">{l.sku}</span> {l.name} × {l.quantity} — {money(l.total_amount, o.currency, ui.lang)}
                  </li>
                ))}
              </ul>
              <a class="button secondary" href={`/console/orders/${o.id}`}>
                {t.open_order}
              </a>
            </>
          ) : (
            <p class="mono">
              <a href={`/console/orders/${r.order_id}`}>{r.order_id}</a>
            </p>
          )}
        </section>
      </div>

      {allows(ui.principal, "after_sales:decide") ? (
        <section aria-labelledby="decide-h">
          <h2 id="decide-h">{t.decide_title}</h2>
          <Decisions ui={ui} r={r} order={o} left={left} trouble={opts.trouble} />
        </section>
      ) : null}

      {messages ? (
        <section class="card" aria-labelledby="messages-h">
          <h2 id="messages-h">{t.messages_title}</h2>
          {!messages.ok || messages.body.data.length === 0 ? (
            <p class="muted">{t.messages_none}</p>
          ) : (
            <div class="table-wrap">
              <table class="stack">
                <thead>
                  <tr>
                    <th scope="col">{t.sent_at}</th>
                    <th scope="col">{t.subject}</th>
                    <th scope="col">{t.language}</th>
                    <th scope="col">{t.delivery}</th>
                  </tr>
                </thead>
                <tbody>
                  {messages.body.data.map((m) => (
                    <tr>
                      <td data-label={t.sent_at}>{dateTime(m.created_at, tz, ui.lang)}</td>
                      <td data-label={t.subject}>
                        <span lang={m.language}>{m.subject}</span>
                        {m.body ? (
                          <details>
                            <summary>{t.show_text}</summary>
                            <div lang={m.language} style="white-space:pre-wrap;overflow-wrap:anywhere">
                              {m.body}
                            </div>
                          </details>
                        ) : null}
                      </td>
                      <td data-label={t.language}>{LANGUAGE_NAMES[m.language] ? `${LANGUAGE_NAMES[m.language]} (${m.language})` : m.language}</td>
                      <td data-label={t.delivery}>
                        <span class={`badge ${m.status === "sent" ? "ok" : m.status === "failed" ? "bad" : "warn"}`}>{messageStatusLabel(t, m.status)}</span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}

      {allows(ui.principal, "orders:customer_link") ? (
        <section class="card" aria-labelledby="link-h">
          <h2 id="link-h">{t.customer_link_title}</h2>
          <p class="hint">{t.customer_link_hint}</p>
          {opts.link ? (
            <div class="flash ok" role="status">
              <p style="margin:0 0 6px">{fill(t.link_made, { at: dateTime(opts.link.expires_at, tz, ui.lang) })}</p>
              <label for="customer-link">{t.link_label}</label>
              <input id="customer-link" class="mono" readonly value={opts.link.url} style="width:100%" />
            </div>
          ) : null}
          <form method="post" action={`/console/after-sales/${r.id}/customer-link`}>
            <Csrf ui={ui} />
            <button type="submit" class="secondary">
              {t.make_link}
            </button>
          </form>
        </section>
      ) : null}
    </>,
  );
}

requestPages.get("/console/after-sales/:id", async (c) => {
  const refused = need(c, "after_sales:read");
  if (refused) return refused;
  return requestPage(c, c.req.param("id"));
});

requestPages.post("/console/after-sales/:id/transitions", async (c) => {
  const refused = need(c, "after_sales:decide");
  if (refused) return refused;
  const ui = uiOf(c);
  const t = words(ui.lang);
  const id = c.req.param("id");
  if (!ID.test(id)) return notFoundPage(c);
  const values = {
    event: formValue(c, "event"),
    note: formValue(c, "note"),
    internal_note: formValue(c, "internal_note"),
    resolution: formValue(c, "resolution"),
    refund_amount: formValue(c, "refund_amount"),
  };
  const version = formValue(c, "version");
  const resolving = values.event === "resolve";
  const r = await api<RequestT>(c, `/v1/after-sales/${id}/transitions`, {
    body: {
      event: values.event,
      ...(values.note ? { note: values.note } : {}),
      ...(values.internal_note ? { internal_note: values.internal_note } : {}),
      ...(resolving && values.resolution ? { resolution: values.resolution } : {}),
      ...(resolving && values.refund_amount ? { refund_amount: values.refund_amount } : {}),
    },
    headers: /^\d+$/.test(version) ? { "if-match": `"${version}"` } : {},
  });
  if (r.ok) return doneRedirect(c, `/console/after-sales/${id}`, { kind: "ok", text: (t as Record<string, string>)[`done_${values.event}`] ?? ui.t.done });
  if (r.status === 404) return notFoundPage(c);
  return requestPage(c, id, {
    trouble: { event: values.event, text: refusalText(r.body, ui.lang), fields: fieldProblems(r.body), values },
    status: r.status === 422 || r.status === 400 ? 422 : 409,
  });
});

requestPages.post("/console/after-sales/:id/customer-link", async (c) => {
  const refused = need(c, "orders:customer_link");
  if (refused) return refused;
  const id = c.req.param("id");
  if (!ID.test(id)) return notFoundPage(c);
  const got = await api<RequestT>(c, `/v1/after-sales/${id}`);
  if (!got.ok) return notFoundPage(c);
  const link = await api<{ url: string; expires_at: string }>(c, `/v1/orders/${got.body.order_id}/customer-link`, { method: "POST" });
  if (!link.ok) return notFoundPage(c);
  // Shown once, on this page: the link is the customer's key to their order, so it is not put in a cookie or a URL.
  return requestPage(c, id, { link: link.body });
});
