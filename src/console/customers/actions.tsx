/**
 * The customer forms' answers: tags and notes, merge (a confirmation page
 * naming both customers, then the merge), unmerge, the privacy export
 * (the API's JSON streamed through as a download) and erasure (a
 * confirmation page with a required reason). Each goes through the API,
 * which checks the permission, the version and the store scope again.
 */
import { apiRaw, api } from "../api";
import type { ConsoleContext } from "../context";
import { count } from "../format";
import { doneRedirect, formValue, notFoundPage } from "../guard";
import { fill } from "../i18n";
import { Csrf, TopProblem } from "../layout";
import { customerPage, loadProfile } from "./customer-page";
import { type CustomerRow, contactLine, customerPath, customersPage, nameOf, type ProfileView, type Refusal, refusalOf, screenOf } from "./frame";

const ifMatch = (c: ConsoleContext) => {
  const v = formValue(c, "version");
  return /^\d{1,9}$/.test(v) ? { "if-match": `"${v}"` } : undefined;
};

/** "VIP, wholesale ,, vip" -> ["vip", "wholesale"]: what a person types in one field, as the API's list. */
export function tagsOf(typed: string): string[] {
  return [
    ...new Set(
      typed
        .split(/[,，]/)
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
}

export async function saveTags(c: ConsoleContext, id: string): Promise<Response> {
  const screen = screenOf(c);
  const typed = formValue(c, "tags");
  const headers = ifMatch(c);
  const r = await api(c, `/v1/customers/${encodeURIComponent(id)}`, { method: "PATCH", body: { tags: tagsOf(typed) }, ...(headers ? { headers } : {}) });
  if (!r.ok) return r.status === 404 ? notFoundPage(c) : customerPage(c, id, { form: { tags: typed }, refusal: refusalOf(screen, r) });
  return doneRedirect(c, `${customerPath(id)}#tags-notes`, { kind: "ok", text: screen.s.tags_saved });
}

export async function addNote(c: ConsoleContext, id: string): Promise<Response> {
  const screen = screenOf(c);
  const note = formValue(c, "note");
  const r = await api(c, `/v1/customers/${encodeURIComponent(id)}`, { method: "PATCH", body: { note } });
  if (!r.ok) return r.status === 404 ? notFoundPage(c) : customerPage(c, id, { form: { note }, refusal: refusalOf(screen, r) });
  return doneRedirect(c, `${customerPath(id)}#tags-notes`, { kind: "ok", text: screen.s.note_added });
}

/** Asks before merging: both customers named, how many orders move. */
export async function mergeConfirmPage(c: ConsoleContext, id: string, opts: { sourceId?: string; refusal?: Refusal } = {}): Promise<Response> {
  const screen = screenOf(c);
  const { ui, s } = screen;
  const sourceId = opts.sourceId ?? (c.req.query("source") ?? "").trim();
  const [target, source] = await Promise.all([loadProfile(c, id), sourceId ? loadProfile(c, sourceId) : Promise.resolve(null)]);
  if (target instanceof Response) return target;
  if (!source || source instanceof Response) return notFoundPage(c);
  const names = { source: nameOf(s, source), target: nameOf(s, target) };
  const title = fill(s.merge_confirm_title, names);
  return customersPage(
    c,
    screen,
    { title, status: opts.refusal?.status },
    <>
      <p class="muted">
        <a href={customerPath(id)}>{names.target}</a>
      </p>
      <h1 class="wrap">{title}</h1>
      <TopProblem text={opts.refusal?.top} />
      <div class="card">
        <dl class="facts">
          <dt>{s.customer}</dt>
          <dd class="wrap">{[names.source, contactLine(source), source.id].filter(Boolean).join(" · ")}</dd>
          <dt>{s.orders}</dt>
          <dd>{count(source.figures.orders_count, ui.lang)}</dd>
        </dl>
        <p>{fill(s.merge_confirm_body, { ...names, orders: count(source.figures.orders_count, ui.lang) })}</p>
        {opts.refusal?.fields.customer_id ? <p class="error-text">{opts.refusal.fields.customer_id}</p> : null}
        <form method="post" action={customerPath(id, "/merge")}>
          <Csrf ui={ui} />
          <input type="hidden" name="customer_id" value={source.id} />
          <input type="hidden" name="version" value={String(target.version)} />
          <div class="actions">
            <button type="submit">{s.merge_button}</button>
            <a class="button secondary" href={`${customerPath(id)}#merge`}>
              {s.cancel}
            </a>
          </div>
        </form>
      </div>
    </>,
  );
}

export async function merge(c: ConsoleContext, id: string): Promise<Response> {
  const screen = screenOf(c);
  const sourceId = formValue(c, "customer_id");
  const headers = ifMatch(c);
  const r = await api<ProfileView>(c, `/v1/customers/${encodeURIComponent(id)}/merge`, { body: { customer_id: sourceId }, ...(headers ? { headers } : {}) });
  if (!r.ok) {
    if (r.status === 404) return notFoundPage(c);
    const refusal = refusalOf(screen, r);
    // Nothing to confirm any more (no such customer, or the same one): the refusal is shown on the customer's page.
    if (!sourceId || sourceId === id || refusal.fields.customer_id) return customerPage(c, id, { refusal: { ...refusal, top: refusal.fields.customer_id ?? refusal.top } });
    return mergeConfirmPage(c, id, { sourceId, refusal });
  }
  const source = await api<CustomerRow>(c, `/v1/customers/${encodeURIComponent(sourceId)}`);
  return doneRedirect(c, customerPath(id), { kind: "ok", text: fill(screen.s.merged_ok, { source: source.ok ? nameOf(screen.s, source.body) : sourceId }) });
}

export async function unmerge(c: ConsoleContext, id: string): Promise<Response> {
  const screen = screenOf(c);
  const r = await api(c, `/v1/customers/${encodeURIComponent(id)}/unmerge`, { method: "POST" });
  if (!r.ok) return r.status === 404 ? notFoundPage(c) : customerPage(c, id, { refusal: refusalOf(screen, r) });
  return doneRedirect(c, customerPath(id), { kind: "ok", text: screen.s.unmerged_ok });
}

/** The privacy export, streamed through as the API's download (which records it); refused or unknown: the console's page. */
export async function exportCustomer(c: ConsoleContext, id: string): Promise<Response> {
  const res = await apiRaw(c, `/v1/customers/${encodeURIComponent(id)}/export`);
  if (res.status === 404) return notFoundPage(c);
  if (!res.ok) {
    const screen = screenOf(c);
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    return customerPage(c, id, { refusal: refusalOf(screen, { ok: false, status: res.status, body, headers: res.headers }) });
  }
  return new Response(res.body, {
    status: 200,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": res.headers.get("content-disposition") ?? `attachment; filename="${id.replace(/[^\w.-]/g, "_")}.json"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}

/** Asks before erasing, with the reason the record keeps; a refused erasure comes back here with its problem. */
export async function eraseConfirmPage(c: ConsoleContext, id: string, opts: { reason?: string; refusal?: Refusal } = {}): Promise<Response> {
  const screen = screenOf(c);
  const { ui, s } = screen;
  const p = await loadProfile(c, id);
  if (p instanceof Response) return p;
  if (p.status === "erased") return c.redirect(customerPath(id), 303);
  const name = nameOf(s, p);
  const title = fill(s.erase_confirm_title, { name });
  const error = opts.refusal?.fields.reason;
  return customersPage(
    c,
    screen,
    { title, status: opts.refusal?.status },
    <>
      <p class="muted">
        <a href={customerPath(id)}>{name}</a>
      </p>
      <h1 class="wrap">{title}</h1>
      <TopProblem text={opts.refusal?.top} />
      <form method="post" action={customerPath(id, "/erase")} class="card">
        <Csrf ui={ui} />
        <p>
          <strong>{fill(s.erase_confirm_body, { orders: count(p.figures.orders_count, ui.lang) })}</strong>
        </p>
        <div class="field">
          <label for="reason">{s.reason}</label>
          <p class="hint" id="reason-hint">
            {s.reason_hint}
          </p>
          <textarea
            id="reason"
            name="reason"
            rows={3}
            maxlength={500}
            required
            aria-invalid={error ? "true" : undefined}
            aria-describedby={error ? "reason-hint reason-error" : "reason-hint"}
          >
            {opts.reason ?? ""}
          </textarea>
          {error ? (
            <p class="error-text" id="reason-error">
              {error}
            </p>
          ) : null}
        </div>
        <div class="actions">
          <button type="submit" class="danger">
            {s.erase_button}
          </button>
          <a class="button secondary" href={customerPath(id)}>
            {s.cancel}
          </a>
        </div>
      </form>
    </>,
  );
}

export async function erase(c: ConsoleContext, id: string): Promise<Response> {
  const screen = screenOf(c);
  const { s } = screen;
  const reason = formValue(c, "reason");
  if (!reason) return eraseConfirmPage(c, id, { reason, refusal: { status: 422, top: s.fix_below, fields: { reason: s.reason_required } } });
  const r = await api<{ orders: number; orders_remaining: number }>(c, `/v1/customers/${encodeURIComponent(id)}/erase`, { body: { reason } });
  if (!r.ok) return r.status === 404 ? notFoundPage(c) : eraseConfirmPage(c, id, { reason, refusal: refusalOf(screen, r) });
  const done = { orders: count(r.body.orders, screen.ui.lang), remaining: count(r.body.orders_remaining, screen.ui.lang), id };
  return doneRedirect(c, customerPath(id), { kind: "ok", text: fill(r.body.orders_remaining > 0 ? s.erased_partly : s.erased_ok, done) });
}
