/**
 * One customer: who they are (as the reader's position sees them), their
 * figures per currency, segment and blocklist state, their orders and
 * after-sales requests, the history, and the forms the reader may use:
 * tags and notes, merge (find the other customer here, confirm on the next
 * page), unmerge, the privacy export and erasure. A refused form comes back
 * here with the problem beside its field.
 */
import { allows } from "../../http/auth";
import { kindLabel, requestStatusLabel, words as afterSalesWords } from "../after-sales/shared";
import { api } from "../api";
import { type ConsoleContext, formatsOf, storesOf } from "../context";
import { count, date, dateTime, money } from "../format";
import { notFoundPage } from "../guard";
import { fill } from "../i18n";
import { actorLabel } from "../text";
import { Csrf, TopProblem } from "../layout";
import { StatusBadge } from "../orders/shared";
import {
  Amounts,
  type CustomerRow,
  CustomerStatus,
  contactLine,
  customerPath,
  customersPage,
  nameOf,
  type ProfileView,
  type Refusal,
  type Screen,
  SegmentBadge,
  screenOf,
} from "./frame";

export type TagsForm = { tags?: string; note?: string };

/** The profile as the API answers it, or the page to answer with (404 for a customer the reader may not see). */
export async function loadProfile(c: ConsoleContext, id: string): Promise<ProfileView | Response> {
  const r = await api<ProfileView>(c, `/v1/customers/${encodeURIComponent(id)}`);
  return r.ok ? r.body : notFoundPage(c);
}

const EVENT_KEYS: Record<string, string> = {
  created: "ev_created",
  merged: "ev_merged",
  merged_into: "ev_merged_into",
  unmerged: "ev_unmerged",
  tags_changed: "ev_tags_changed",
  note_added: "ev_note_added",
  exported: "ev_exported",
  erased: "ev_erased",
};

function Facts({ screen, p, tz, storeName }: { screen: Screen; p: ProfileView; tz: string; storeName: (id: string) => string }) {
  const { ui, s } = screen;
  const addr = p.contact.shipping_address;
  const addressLine = addr ? [addr.line1, addr.line2, addr.district, addr.city, addr.region, addr.postal_code ?? addr.postal_prefix, addr.country].filter(Boolean).join(", ") : "";
  const f = p.figures;
  return (
    <div class="grid">
      <section class="card" aria-labelledby="h-contact">
        <h2 id="h-contact">{s.contact}</h2>
        <dl class="facts">
          {p.contact.customer?.email ? (
            <>
              <dt>{s.email}</dt>
              <dd class="wrap">{p.contact.customer.email}</dd>
            </>
          ) : null}
          {p.contact.customer?.phone ? (
            <>
              <dt>{s.phone}</dt>
              <dd>{p.contact.customer.phone}</dd>
            </>
          ) : null}
          {addressLine ? (
            <>
              <dt>{p.contact.customer ? s.address : s.region}</dt>
              <dd class="wrap">{addressLine}</dd>
            </>
          ) : null}
          <dt>{s.status}</dt>
          <dd>
            <CustomerStatus s={s} status={p.status} />
          </dd>
          <dt>{s.tags}</dt>
          <dd data-tags>{p.tags.length ? p.tags.join(", ") : s.none}</dd>
          <dt>{s.blocklist}</dt>
          <dd data-blocklist>
            {p.blocklist.length ? (
              <ul class="plain">
                {p.blocklist.map((b) => (
                  <li>
                    <span class="badge bad">{fill(s.blocked_in, { store: storeName(b.store_id), kind: b.kind })}</span>
                  </li>
                ))}
              </ul>
            ) : (
              s.not_blocked
            )}
          </dd>
        </dl>
      </section>
      <section class="card" aria-labelledby="h-figures">
        <h2 id="h-figures">{s.figures}</h2>
        <dl class="facts" data-figures>
          <dt>{s.orders}</dt>
          <dd>{count(f.orders_count, ui.lang)}</dd>
          <dt>{s.spent}</dt>
          <dd>
            <Amounts list={f.spent} lang={ui.lang} empty={s.none} />
          </dd>
          <dt>{s.aov}</dt>
          <dd>
            <Amounts list={f.average_order_value} lang={ui.lang} empty={s.none} />
          </dd>
          <dt>{s.first_order}</dt>
          <dd>{f.first_order_at ? date(f.first_order_at, tz, ui.lang) : s.none}</dd>
          <dt>{s.last_order}</dt>
          <dd>{f.last_order_at ? date(f.last_order_at, tz, ui.lang) : s.none}</dd>
          {/* Segments rank customers across every store: not shown to someone who sees some of them. */}
          {ui.principal.stores === "*" ? (
            <>
              <dt>{s.segment}</dt>
              <dd>
                <SegmentBadge s={s} segment={p.rfm?.segment} />
                {p.rfm ? <span class="muted"> {fill(s.rfm_scores, { r: p.rfm.recency, f: p.rfm.frequency, m: p.rfm.monetary })}</span> : null}
              </dd>
            </>
          ) : null}
        </dl>
        <p class="hint">{s.figures_hint}</p>
      </section>
    </div>
  );
}

function Orders({ screen, p, tz, storeName }: { screen: Screen; p: ProfileView; tz: string; storeName: (id: string) => string }) {
  const { ui, s } = screen;
  return (
    <section aria-labelledby="h-orders">
      <h2 id="h-orders">{s.orders_title}</h2>
      {p.orders.length === 0 ? (
        <p class="card">{s.no_orders}</p>
      ) : (
        <div class="table-wrap">
          <table class="stack customers-stack">
            <thead>
              <tr>
                <th scope="col">{s.order}</th>
                <th scope="col">{s.placed}</th>
                <th scope="col">{s.store}</th>
                <th scope="col">{ui.t.status}</th>
                <th scope="col" class="num">
                  {s.total}
                </th>
              </tr>
            </thead>
            <tbody>
              {p.orders.map((o) => (
                <tr>
                  <td data-label={s.order} class="mono">
                    <a href={`/console/orders/${encodeURIComponent(o.id)}`}>{o.id}</a>
                  </td>
                  <td data-label={s.placed}>{dateTime(o.created_at, tz, ui.lang)}</td>
                  <td data-label={s.store}>{`${storeName(o.store_id)} · ${o.channel}`}</td>
                  <td data-label={ui.t.status}>
                    <StatusBadge t={ui.t} status={o.status} />
                  </td>
                  <td data-label={s.total} class="num nowrap">
                    {money(o.total, o.currency, ui.lang)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function AfterSales({ screen, p, tz }: { screen: Screen; p: ProfileView; tz: string }) {
  const { ui, s } = screen;
  const a = afterSalesWords(ui.lang);
  return (
    <section aria-labelledby="h-after-sales">
      <h2 id="h-after-sales">{s.after_sales_title}</h2>
      {p.after_sales.length === 0 ? (
        <p class="card">{s.no_after_sales}</p>
      ) : (
        <div class="table-wrap">
          <table class="stack customers-stack">
            <thead>
              <tr>
                <th scope="col">{s.request}</th>
                <th scope="col">{s.kind}</th>
                <th scope="col">{ui.t.status}</th>
                <th scope="col">{s.refund}</th>
                <th scope="col">{s.placed}</th>
              </tr>
            </thead>
            <tbody>
              {p.after_sales.map((r) => (
                <tr>
                  <td data-label={s.request} class="mono">
                    <a href={`/console/after-sales/${encodeURIComponent(r.id)}`}>{r.id}</a>
                  </td>
                  <td data-label={s.kind}>{kindLabel(a, r.kind)}</td>
                  <td data-label={ui.t.status}>{requestStatusLabel(a, r.status)}</td>
                  <td data-label={s.refund}>{r.refund ? money(r.refund.amount, r.refund.currency, ui.lang) : s.none}</td>
                  <td data-label={s.placed}>{dateTime(r.created_at, tz, ui.lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function History({ screen, p, tz, seesNotes }: { screen: Screen; p: ProfileView; tz: string; seesNotes: boolean }) {
  const { ui, s } = screen;
  // The history holds the merged customers' events too, each marked as theirs. A merged customer's "merged into"
  // this one is left out here: this customer's own "merged … into this customer" says it, and read on this page it
  // would say "Merged into" this very customer.
  const events = p.events.filter((e) => !(e.type === "merged_into" && e.customer_id !== p.id && e.other_customer_id === p.id));
  return (
    <section class="card" aria-labelledby="h-history">
      <h2 id="h-history">{s.history_title}</h2>
      {events.length === 0 ? (
        <p>{s.no_history}</p>
      ) : (
        <ol class="plain customer-history">
          {events.map((e) => {
            const [before, after] = ((s as Record<string, string>)[EVENT_KEYS[e.type] ?? ""] ?? e.type).split("{other}");
            const tags = (v: unknown) => (Array.isArray(v) && v.length ? v.join(", ") : s.none);
            const [ofBefore, ofAfter] = s.ev_of_merged.split("{id}");
            return (
              <li data-event={e.type}>
                <span class="muted">
                  {`${dateTime(e.created_at, tz, ui.lang)} · ${actorLabel(ui.lang, e.actor, e.actor_name)}`}
                  {e.customer_id === p.id ? null : (
                    <>
                      {` · ${ofBefore}`}
                      <a href={customerPath(e.customer_id)}>{e.customer_id}</a>
                      {ofAfter}
                    </>
                  )}
                </span>
                <br />
                <strong>
                  {before}
                  {after !== undefined && e.other_customer_id ? <a href={customerPath(e.other_customer_id)}>{e.other_customer_id}</a> : null}
                  {after}
                </strong>
                {e.type === "tags_changed" && e.data ? `${ui.lang === "zh-CN" ? "：" : ": "}${tags(e.data.from)} → ${tags(e.data.to)}` : null}
                {e.body ? <p class="note-text">{e.body}</p> : e.type === "note_added" && !seesNotes ? <p class="muted">{s.note_hidden}</p> : null}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}

function TagsAndNotes({ screen, p, form, refusal }: { screen: Screen; p: ProfileView; form: TagsForm; refusal: Refusal | undefined }) {
  const { ui, s } = screen;
  const e = refusal?.fields ?? {};
  return (
    <section class="card" id="tags-notes" aria-labelledby="h-tags-notes">
      <h2 id="h-tags-notes">{s.tags_notes_title}</h2>
      <TopProblem text={refusal?.top} />
      <form method="post" action={customerPath(p.id, "/tags")}>
        <Csrf ui={ui} />
        <input type="hidden" name="version" value={String(p.version)} />
        <div class="field">
          <label for="tags">{s.tags_field}</label>
          <p class="hint" id="tags-hint">
            {s.tags_hint}
          </p>
          <input
            id="tags"
            name="tags"
            value={form.tags ?? p.tags.join(", ")}
            autocomplete="off"
            maxlength={900}
            aria-invalid={e.tags ? "true" : undefined}
            aria-describedby={e.tags ? "tags-hint tags-error" : "tags-hint"}
          />
          {e.tags ? (
            <p class="error-text" id="tags-error">
              {e.tags}
            </p>
          ) : null}
        </div>
        <div class="actions">
          <button type="submit">{s.save_tags}</button>
        </div>
      </form>
      <form method="post" action={customerPath(p.id, "/note")}>
        <Csrf ui={ui} />
        <input type="hidden" name="version" value={String(p.version)} />
        <div class="field">
          <label for="note">{s.note_field}</label>
          <p class="hint" id="note-hint">
            {s.note_hint}
          </p>
          <textarea id="note" name="note" rows={3} maxlength={2000} aria-invalid={e.note ? "true" : undefined} aria-describedby={e.note ? "note-hint note-error" : "note-hint"}>
            {form.note ?? ""}
          </textarea>
          {e.note ? (
            <p class="error-text" id="note-error">
              {e.note}
            </p>
          ) : null}
        </div>
        <div class="actions">
          <button type="submit" class="secondary">
            {s.add_note}
          </button>
        </div>
      </form>
    </section>
  );
}

function Merge({ screen, p, q, found }: { screen: Screen; p: ProfileView; q: string; found: CustomerRow[] | null }) {
  const { s } = screen;
  return (
    <section class="card" id="merge" aria-labelledby="h-merge">
      <h2 id="h-merge">{s.merge_title}</h2>
      <p class="hint">{s.merge_intro}</p>
      <form method="get" action={`${customerPath(p.id)}#merge`}>
        <div class="field">
          <label for="merge_q">{s.merge_search}</label>
          <p class="hint" id="merge_q-hint">
            {s.search_hint}
          </p>
          <input id="merge_q" name="merge_q" value={q} maxlength={200} autocomplete="off" aria-describedby="merge_q-hint" />
        </div>
        <div class="actions">
          <button type="submit" class="secondary">
            {s.find}
          </button>
        </div>
      </form>
      {found === null ? null : found.length === 0 ? (
        <p>{s.merge_none}</p>
      ) : (
        <ul class="plain merge-candidates">
          {found.map((o) => (
            <li>
              <a href={customerPath(p.id, `/merge?source=${encodeURIComponent(o.id)}`)}>{fill(s.merge_pick, { name: nameOf(s, o) })}</a>
              <span class="muted">{` ${[contactLine(o), o.id].filter(Boolean).join(" · ")}`}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export async function customerPage(c: ConsoleContext, id: string, opts: { form?: TagsForm; refusal?: Refusal } = {}): Promise<Response> {
  const screen = screenOf(c);
  const { ui, s } = screen;
  const loaded = await loadProfile(c, id);
  if (loaded instanceof Response) return loaded;
  const p = loaded;
  const mayManage = allows(ui.principal, "customers:manage");
  const mergeQ = (c.req.query("merge_q") ?? "").trim().slice(0, 200);
  // The events' actors come named by the API (actor_name): a reader without users:read sees names, not ids.
  const [formats, stores, found] = await Promise.all([
    formatsOf(c),
    storesOf(c),
    mayManage && p.status === "active" && mergeQ
      ? api<{ data: CustomerRow[] }>(c, "/v1/customers", { query: { q: mergeQ, status: "active", limit: 20 } }).then((r) => (r.ok ? r.body.data.filter((o) => o.id !== p.id) : []))
      : Promise.resolve(null),
  ]);
  const tz = formats.timeZone;
  const storeName = (sid: string) => stores.find((x) => x.id === sid)?.name ?? sid;
  const title = nameOf(s, p);
  const seesContact = ui.principal.contactScope === "contact";
  const active = p.status === "active";
  return customersPage(
    c,
    screen,
    { title, status: opts.refusal?.status },
    <>
      <p class="muted">
        <a href="/console/customers">{s.title}</a>
        {` › ${p.id}`}
      </p>
      <h1 class="wrap">{title}</h1>
      {contactLine(p) ? <p class="wrap">{contactLine(p)}</p> : null}
      {opts.form ? null : <TopProblem text={opts.refusal?.top} />}
      {p.status === "erased" ? (
        <div class="flash warn" role="status" data-erased>
          {fill(s.erased_notice, { at: dateTime(p.erased_at, tz, ui.lang) })}
        </div>
      ) : null}
      {p.status === "merged" && p.merged_into ? (
        <p class="flash warn" role="status">
          {s.merged_into.split("{id}")[0]}
          <a href={customerPath(p.merged_into)}>{p.merged_into}</a>
          {s.merged_into.split("{id}")[1]}
        </p>
      ) : null}
      <Facts screen={screen} p={p} tz={tz} storeName={storeName} />
      {p.merged_from.length ? (
        <p>
          {`${s.merged_from}: `}
          {p.merged_from.map((m, i) => (
            <>
              {i > 0 ? ", " : null}
              <a href={customerPath(m)} class="mono">
                {m}
              </a>
            </>
          ))}
        </p>
      ) : null}
      <Orders screen={screen} p={p} tz={tz} storeName={storeName} />
      <AfterSales screen={screen} p={p} tz={tz} />
      <div class="customers-split">
        <History screen={screen} p={p} tz={tz} seesNotes={seesContact} />
        <div>
          {mayManage && active ? <TagsAndNotes screen={screen} p={p} form={opts.form ?? {}} refusal={opts.form ? opts.refusal : undefined} /> : null}
          {mayManage && active ? <Merge screen={screen} p={p} q={mergeQ} found={found} /> : null}
          {mayManage && p.status === "merged" && p.merged_into ? (
            <section class="card" id="unmerge" aria-labelledby="h-unmerge">
              <h2 id="h-unmerge">{s.unmerge_title}</h2>
              <p>{fill(s.unmerge_intro, { id: p.merged_into })}</p>
              <form method="post" action={customerPath(p.id, "/unmerge")} data-confirm={s.unmerge_confirm}>
                <Csrf ui={ui} />
                <button type="submit">{s.unmerge_button}</button>
              </form>
            </section>
          ) : null}
          {allows(ui.principal, "customers:export") && seesContact && p.status !== "erased" ? (
            <section class="card" id="export" aria-labelledby="h-export">
              <h2 id="h-export">{s.export_title}</h2>
              <p class="hint">{s.export_intro}</p>
              <a class="button secondary" href={customerPath(p.id, "/export")} download>
                {s.export_button}
              </a>
            </section>
          ) : null}
          {allows(ui.principal, "customers:erase") && active ? (
            <section class="card" id="erase" aria-labelledby="h-erase">
              <h2 id="h-erase">{s.erase_title}</h2>
              <p class="hint">{s.erase_intro}</p>
              <a class="button danger" href={customerPath(p.id, "/erase")}>
                {s.erase_start}
              </a>
            </section>
          ) : null}
        </div>
      </div>
    </>,
  );
}
