/**
 * Settings -> People: the staff list (users:read), inviting, changing,
 * deactivating and re-inviting people (users:manage). The API decides who may
 * give whom what (and keeps the last admin); the page shows its refusals.
 */
import type { z } from "@hono/zod-openapi";
import { Hono } from "hono";
import type { User, UserList } from "../../staff/users-schemas";
import { allows } from "../../http/auth";
import { api } from "../api";
import type { ConsoleContext, ConsoleEnv } from "../context";
import { formatsOf } from "../context";
import { dateTime } from "../format";
import { doneRedirect, formValue, formValues, need, notFoundPage, uiOf } from "../guard";
import { fill } from "../i18n";
import { Csrf, renderPage } from "../layout";
import { fieldProblems, problemText } from "../problems";
import { choicesOf, customNames, PositionTicks, ScopeTicks, scopeOf } from "./scope";
import { positionLabel, TEXT } from "./text";

type UserView = z.infer<typeof User>;
const STATUSES = ["invited", "active", "deactivated"] as const;

export const staffPages = new Hono<ConsoleEnv>();

type InviteDraft = { email: string; display_name: string; positions: string[]; store_ids: string[]; warehouse_ids: string[]; locale: string };
const EMPTY_DRAFT: InviteDraft = { email: "", display_name: "", positions: [], store_ids: [], warehouse_ids: [], locale: "en" };

const statusBadge = (t: (typeof TEXT)["en"], s: string) => (
  <span class={`badge ${s === "active" ? "ok" : s === "invited" ? "warn" : "bad"}`}>{(t as Record<string, string>)[`status_${s}`] ?? s}</span>
);

async function peoplePage(c: ConsoleContext, o: { draft?: InviteDraft; error?: string; fields?: Record<string, string>; status?: 200 | 400 | 403 | 409 | 422 } = {}) {
  const ui = uiOf(c);
  const t = TEXT[ui.lang];
  const q = c.req.query();
  const [list, choices, formats] = await Promise.all([
    api<z.infer<typeof UserList>>(c, "/v1/users", { query: { status: q.status, position: q.position, q: q.q, cursor: q.cursor, limit: 50 } }),
    choicesOf(c),
    formatsOf(c),
  ]);
  const names = customNames(choices.positions);
  const manage = allows(ui.principal, "users:manage");
  const draft = o.draft ?? EMPTY_DRAFT;
  const rows = list.ok ? list.body.data : [];
  return renderPage(
    c,
    ui,
    { title: t.people, status: o.status ?? (list.ok ? 200 : 400) },
    <>
      <h1>{t.people}</h1>
      <p class="muted">{t.people_intro}</p>
      {list.ok ? null : (
        <div class="flash bad" role="alert">
          {problemText(list.body, ui.lang)}
        </div>
      )}
      <form method="get" action="/console/settings/people" class="filters card">
        <div class="field">
          <label for="f-q">{t.search}</label>
          <input id="f-q" name="q" value={q.q ?? ""} />
        </div>
        <div class="field">
          <label for="f-status">{t.status}</label>
          <select id="f-status" name="status">
            <option value="">{t.any}</option>
            {STATUSES.map((s) => (
              <option value={s} selected={q.status === s}>
                {(t as Record<string, string>)[`status_${s}`]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-position">{t.position}</label>
          <select id="f-position" name="position">
            <option value="">{t.any}</option>
            {choices.positions.map((p) => (
              <option value={p.id} selected={q.position === p.id}>
                {positionLabel(ui.lang, p.id, names)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="secondary">
          {t.filter}
        </button>
      </form>
      {rows.length ? (
        <div class="table-wrap">
          <table class="stack" id="people">
            <thead>
              <tr>
                <th>{t.name}</th>
                <th>{t.email}</th>
                <th>{t.positions}</th>
                <th>{t.status}</th>
                <th>{t.last_sign_in}</th>
                <th>{t.actions}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((u) => (
                <tr data-user={u.id}>
                  <td data-label={t.name}>{u.display_name}</td>
                  <td data-label={t.email} class="wrap">
                    {u.email}
                  </td>
                  <td data-label={t.positions}>{u.positions.map((p) => positionLabel(ui.lang, p, names)).join(", ")}</td>
                  <td data-label={t.status}>{statusBadge(t, u.status)}</td>
                  <td data-label={t.last_sign_in}>{u.last_sign_in_at ? dateTime(u.last_sign_in_at, formats.timeZone, ui.lang) : t.never}</td>
                  <td data-label={t.actions}>{manage ? <a href={`/console/settings/people/${u.id}`}>{t.edit}</a> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="card muted">{t.none_found}</p>
      )}
      <div class="pager">
        {q.cursor ? <a href={`/console/settings/people?${new URLSearchParams({ ...q, cursor: "" }).toString()}`}>{t.first_page}</a> : <span />}
        {list.ok && list.body.next_cursor ? <a href={`/console/settings/people?${new URLSearchParams({ ...q, cursor: list.body.next_cursor }).toString()}`}>{t.more}</a> : null}
      </div>
      {manage ? (
        <section class="card" aria-labelledby="invite-h" id="invite">
          <h2 id="invite-h">{t.invite}</h2>
          {o.error ? (
            <div class="flash bad" role="alert" id="invite-error">
              {o.error}
            </div>
          ) : null}
          <form method="post" action="/console/settings/people/invite">
            <Csrf ui={ui} />
            <div class="grid">
              <div class="field">
                <label for="invite-email">{t.email}</label>
                <input id="invite-email" name="email" type="email" required value={draft.email} />
                {o.fields?.email ? <p class="error-text">{o.fields.email}</p> : null}
              </div>
              <div class="field">
                <label for="invite-name">{t.name}</label>
                <input id="invite-name" name="display_name" required maxlength={100} value={draft.display_name} />
              </div>
              <div class="field">
                <label for="invite-locale">{t.locale}</label>
                <select id="invite-locale" name="locale">
                  <option value="en" selected={draft.locale === "en"}>
                    English
                  </option>
                  <option value="zh-CN" selected={draft.locale === "zh-CN"}>
                    简体中文
                  </option>
                </select>
              </div>
            </div>
            <PositionTicks lang={ui.lang} positions={choices.positions} checked={draft.positions} />
            {o.fields?.positions ? <p class="error-text">{o.fields.positions}</p> : null}
            <ScopeTicks lang={ui.lang} stores={choices.stores} warehouses={choices.warehouses} storeIds={draft.store_ids} warehouseIds={draft.warehouse_ids} />
            <button type="submit">{t.invite_send}</button>
          </form>
        </section>
      ) : null}
    </>,
  );
}

staffPages.get("/console/settings/people", (c) => need(c, "users:read") ?? peoplePage(c));

staffPages.post("/console/settings/people/invite", async (c) => {
  const denied = need(c, "users:manage");
  if (denied) return denied;
  const ui = uiOf(c);
  const draft: InviteDraft = {
    email: formValue(c, "email"),
    display_name: formValue(c, "display_name"),
    positions: formValues(c, "positions"),
    store_ids: formValues(c, "store_ids"),
    warehouse_ids: formValues(c, "warehouse_ids"),
    locale: formValue(c, "locale") || "en",
  };
  const r = await api<UserView>(c, "/v1/users", {
    body: { ...draft, store_ids: scopeOf(draft.store_ids), warehouse_ids: scopeOf(draft.warehouse_ids) },
    headers: { "idempotency-key": crypto.randomUUID() },
  });
  if (!r.ok) {
    const status = r.status === 403 || r.status === 409 || r.status === 422 ? r.status : 400;
    return peoplePage(c, { draft, error: problemText(r.body, ui.lang), fields: fieldProblems(r.body), status });
  }
  return doneRedirect(c, "/console/settings/people", { kind: "ok", text: fill(TEXT[ui.lang].invited, { email: r.body.email }) });
});

async function personPage(c: ConsoleContext, id: string, o: { error?: string; status?: 200 | 403 | 409 | 422 } = {}) {
  const ui = uiOf(c);
  const t = TEXT[ui.lang];
  const [found, choices] = await Promise.all([api<UserView>(c, `/v1/users/${encodeURIComponent(id)}`), choicesOf(c)]);
  if (!found.ok) return notFoundPage(c);
  const u = found.body;
  const version = String(u.version);
  return renderPage(
    c,
    ui,
    { title: u.display_name, status: o.status ?? 200 },
    <>
      <p>
        <a href="/console/settings/people">← {t.people}</a>
      </p>
      <h1>
        {u.display_name} {statusBadge(t, u.status)}
      </h1>
      {o.error ? (
        <div class="flash bad" role="alert" id="person-error">
          {o.error}
        </div>
      ) : null}
      <section class="card">
        <p class="wrap">{u.email}</p>
        <form method="post" action={`/console/settings/people/${u.id}`}>
          <Csrf ui={ui} />
          <input type="hidden" name="version" value={version} />
          <PositionTicks lang={ui.lang} positions={choices.positions} checked={u.positions} />
          <ScopeTicks
            lang={ui.lang}
            stores={choices.stores}
            warehouses={choices.warehouses}
            storeIds={u.store_ids.includes("*") ? [] : u.store_ids}
            warehouseIds={u.warehouse_ids.includes("*") ? [] : u.warehouse_ids}
          />
          <button type="submit">{t.save}</button>
        </form>
      </section>
      <section class="card actions">
        {u.status === "invited" ? (
          <form method="post" action={`/console/settings/people/${u.id}/invitation`}>
            <Csrf ui={ui} />
            <button type="submit" class="secondary">
              {t.resend}
            </button>
          </form>
        ) : null}
        {u.status === "deactivated" ? (
          <form method="post" action={`/console/settings/people/${u.id}/status`}>
            <Csrf ui={ui} />
            <input type="hidden" name="version" value={version} />
            <input type="hidden" name="status" value="active" />
            <button type="submit" class="secondary">
              {t.reactivate}
            </button>
          </form>
        ) : (
          <form method="post" action={`/console/settings/people/${u.id}/status`} data-confirm={fill(t.deactivate_confirm, { name: u.display_name })}>
            <Csrf ui={ui} />
            <input type="hidden" name="version" value={version} />
            <input type="hidden" name="status" value="deactivated" />
            <button type="submit" class="danger">
              {t.deactivate}
            </button>
          </form>
        )}
      </section>
    </>,
  );
}

staffPages.get("/console/settings/people/:id", (c) => need(c, "users:manage") ?? personPage(c, c.req.param("id")));

async function patchPerson(c: ConsoleContext, body: Record<string, unknown>, done: string) {
  const ui = uiOf(c);
  const id = c.req.param("id") ?? "";
  const version = formValue(c, "version");
  const r = await api<UserView>(c, `/v1/users/${encodeURIComponent(id)}`, { method: "PATCH", body, headers: version ? { "if-match": `"${version}"` } : {} });
  if (!r.ok) {
    if (r.status === 404) return notFoundPage(c);
    const status = r.status === 403 ? 403 : r.status === 409 || r.status === 412 ? 409 : 422;
    return personPage(c, id, { error: problemText(r.body, ui.lang), status });
  }
  return doneRedirect(c, `/console/settings/people/${id}`, { kind: "ok", text: fill(done, { name: r.body.display_name }) });
}

staffPages.post("/console/settings/people/:id", (c) => {
  const t = TEXT[uiOf(c).lang];
  return (
    need(c, "users:manage") ??
    patchPerson(c, { positions: formValues(c, "positions"), store_ids: scopeOf(formValues(c, "store_ids")), warehouse_ids: scopeOf(formValues(c, "warehouse_ids")) }, t.saved)
  );
});

staffPages.post("/console/settings/people/:id/status", (c) => {
  const t = TEXT[uiOf(c).lang];
  const status = formValue(c, "status") === "active" ? "active" : "deactivated";
  return need(c, "users:manage") ?? patchPerson(c, { status }, status === "active" ? t.saved : t.deactivated);
});

staffPages.post("/console/settings/people/:id/invitation", async (c) => {
  const denied = need(c, "users:manage");
  if (denied) return denied;
  const ui = uiOf(c);
  const id = c.req.param("id");
  const r = await api(c, `/v1/users/${encodeURIComponent(id)}/invitation`, { method: "POST" });
  if (!r.ok) return personPage(c, id, { error: problemText(r.body, ui.lang), status: r.status === 409 ? 409 : 422 });
  return doneRedirect(c, `/console/settings/people/${id}`, { kind: "ok", text: TEXT[ui.lang].resent });
});
