/**
 * Settings -> API keys (api_keys:manage): list, create (the key shown once,
 * in the answer to the post), revoke. Settings -> Activity (activity:read):
 * the log with filters, cursor pages and the CSV, streamed from the API.
 */
import type { z } from "@hono/zod-openapi";
import { Hono } from "hono";
import type { ActivityList } from "../../activity/schemas";
import type { ApiKeyList, CreatedApiKey } from "../../api-keys/schemas";
import { ROLES } from "../../auth/roles";
import { api, apiRaw } from "../api";
import type { ConsoleContext, ConsoleEnv } from "../context";
import { formatsOf } from "../context";
import { dateTime } from "../format";
import { doneRedirect, formValue, formValues, need, uiOf } from "../guard";
import { Csrf, renderPage } from "../layout";
import { pageOfId } from "../nav";
import { fieldProblems, problemText } from "../problems";
import { choicesOf, customNames, type Place, ScopeTicks, scopeOf } from "./scope";
import { positionLabel, TEXT } from "./text";

export const keyActivityPages = new Hono<ConsoleEnv>();

type KeyDraft = { name: string; role: string; store_ids: string[]; warehouse_ids: string[] };

async function keysPage(
  c: ConsoleContext,
  o: { created?: z.infer<typeof CreatedApiKey>; draft?: KeyDraft; error?: string; fields?: Record<string, string>; status?: 200 | 403 | 422 } = {},
) {
  const ui = uiOf(c);
  const t = TEXT[ui.lang];
  const [list, choices, formats] = await Promise.all([
    api<z.infer<typeof ApiKeyList>>(c, "/v1/api-keys", { query: { include_revoked: "true", limit: 100, cursor: c.req.query("cursor") } }),
    choicesOf(c),
    formatsOf(c),
  ]);
  const names = customNames(choices.positions);
  const roles = choices.positions.length ? choices.positions.filter((p) => !p.archived_at).map((p) => p.id) : [...ROLES];
  const placeName = (places: Place[], ids: string[]) => (ids.includes("*") ? t.all : ids.map((id) => places.find((p) => p.id === id)?.name ?? id).join(", "));
  const draft = o.draft ?? { name: "", role: "", store_ids: [], warehouse_ids: [] };
  const rows = list.ok ? list.body.data : [];
  return renderPage(
    c,
    ui,
    { title: t.api_keys, status: o.status ?? 200 },
    <>
      <h1>{t.api_keys}</h1>
      <p class="muted">{t.api_keys_intro}</p>
      {o.created?.key ? (
        <section class="card new-key" role="status" aria-labelledby="new-key-h">
          <h2 id="new-key-h">{o.created.name}</h2>
          <p class="flash warn">{t.key_shown_once}</p>
          <label for="new-key">{t.new_key}</label>
          <input id="new-key" class="mono" readonly value={o.created.key} />
          <p class="hint">{t.key_copy_hint}</p>
        </section>
      ) : null}
      {rows.length ? (
        <div class="table-wrap">
          <table class="stack" id="keys">
            <thead>
              <tr>
                <th>{t.key_name}</th>
                <th>{t.position}</th>
                <th>{t.stores}</th>
                <th>{t.prefix}</th>
                <th>{t.created_at}</th>
                <th>{t.status}</th>
                <th>{t.actions}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((k) => (
                <tr data-key={k.id}>
                  <td data-label={t.key_name}>{k.name}</td>
                  <td data-label={t.position}>{positionLabel(ui.lang, k.role, names)}</td>
                  <td data-label={t.stores}>{placeName(choices.stores, k.store_ids)}</td>
                  <td data-label={t.prefix} class="mono">
                    {k.key_prefix}…
                  </td>
                  <td data-label={t.created_at}>{dateTime(k.created_at, formats.timeZone, ui.lang)}</td>
                  <td data-label={t.status}>{k.revoked_at ? <span class="badge bad">{t.revoked}</span> : <span class="badge ok">{t.live}</span>}</td>
                  <td data-label={t.actions}>
                    {k.revoked_at ? null : (
                      <form method="post" action={`/console/settings/api-keys/${k.id}/revoke`} data-confirm={t.revoke_confirm}>
                        <Csrf ui={ui} />
                        <button type="submit" class="secondary">
                          {t.revoke}
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="card muted">{t.no_keys}</p>
      )}
      {list.ok && list.body.next_cursor ? (
        <div class="pager">
          <a href={`/console/settings/api-keys?cursor=${encodeURIComponent(list.body.next_cursor)}`}>{t.more}</a>
        </div>
      ) : null}
      <section class="card" aria-labelledby="create-h" id="create-key">
        <h2 id="create-h">{t.new_key}</h2>
        {o.error ? (
          <div class="flash bad" role="alert" id="key-error">
            {o.error}
            {Object.entries(o.fields ?? {}).map(([f, m]) => (
              <div>
                {f}: {m}
              </div>
            ))}
          </div>
        ) : null}
        <form method="post" action="/console/settings/api-keys">
          <Csrf ui={ui} />
          <div class="grid">
            <div class="field">
              <label for="key-name">{t.key_name}</label>
              <input id="key-name" name="name" required maxlength={100} value={draft.name} />
              {o.fields?.name ? <p class="error-text">{o.fields.name}</p> : null}
            </div>
            <div class="field">
              <label for="key-role">{t.position}</label>
              <select id="key-role" name="role" required>
                {roles.map((r) => (
                  <option value={r} selected={draft.role === r}>
                    {positionLabel(ui.lang, r, names)}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <ScopeTicks lang={ui.lang} stores={choices.stores} warehouses={choices.warehouses} storeIds={draft.store_ids} warehouseIds={draft.warehouse_ids} />
          <button type="submit">{t.create}</button>
        </form>
      </section>
    </>,
  );
}

keyActivityPages.get("/console/settings/api-keys", (c) => need(c, "api_keys:manage") ?? keysPage(c));

keyActivityPages.post("/console/settings/api-keys", async (c) => {
  const denied = need(c, "api_keys:manage");
  if (denied) return denied;
  const ui = uiOf(c);
  const draft: KeyDraft = { name: formValue(c, "name"), role: formValue(c, "role"), store_ids: formValues(c, "store_ids"), warehouse_ids: formValues(c, "warehouse_ids") };
  const r = await api<z.infer<typeof CreatedApiKey>>(c, "/v1/api-keys", {
    body: { ...draft, store_ids: scopeOf(draft.store_ids), warehouse_ids: scopeOf(draft.warehouse_ids) },
  });
  if (!r.ok) return keysPage(c, { draft, error: problemText(r.body, ui.lang), fields: fieldProblems(r.body), status: r.status === 403 ? 403 : 422 });
  // The key is in this answer only: rendered here rather than after a redirect, and never stored by the console.
  return keysPage(c, { created: r.body });
});

keyActivityPages.post("/console/settings/api-keys/:id/revoke", async (c) => {
  const denied = need(c, "api_keys:manage");
  if (denied) return denied;
  const ui = uiOf(c);
  const r = await api(c, `/v1/api-keys/${encodeURIComponent(c.req.param("id"))}`, { method: "DELETE" });
  if (!r.ok) return doneRedirect(c, "/console/settings/api-keys", { kind: "bad", text: problemText(r.body, ui.lang) });
  return doneRedirect(c, "/console/settings/api-keys", { kind: "ok", text: TEXT[ui.lang].key_revoked });
});

// The activity log.

/** The page's filters as the API's query: dates (YYYY-MM-DD) are whole UTC days, `to` inclusive. */
export function activityQuery(q: Record<string, string>): Record<string, string | undefined> {
  const day = (s: string | undefined) => (s && /^\d{4}-\d{2}-\d{2}$/.test(s) ? s : undefined);
  const from = day(q.from);
  const to = day(q.to);
  const next = to ? new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString() : undefined;
  return {
    actor: q.actor?.trim() || undefined,
    action: q.action?.trim() || undefined,
    from: from ? `${from}T00:00:00Z` : undefined,
    to: next,
  };
}

keyActivityPages.get("/console/settings/activity", async (c) => {
  const denied = need(c, "activity:read");
  if (denied) return denied;
  const ui = uiOf(c);
  const t = TEXT[ui.lang];
  const q = c.req.query();
  const filters = activityQuery(q);
  const [r, formats] = await Promise.all([api<z.infer<typeof ActivityList>>(c, "/v1/activity", { query: { ...filters, cursor: q.cursor, limit: 50 } }), formatsOf(c)]);
  const rows = r.ok ? r.body.data : [];
  const keep = new URLSearchParams(Object.entries({ actor: q.actor ?? "", action: q.action ?? "", from: q.from ?? "", to: q.to ?? "" }).filter(([, v]) => v));
  return renderPage(
    c,
    ui,
    { title: t.activity, status: r.ok ? 200 : 422 },
    <>
      <h1>{t.activity}</h1>
      <p class="muted">{t.activity_intro}</p>
      {r.ok ? null : (
        <div class="flash bad" role="alert">
          {problemText(r.body, ui.lang)}
        </div>
      )}
      <form method="get" action="/console/settings/activity" class="filters card">
        <div class="field">
          <label for="a-actor">{t.person}</label>
          <input id="a-actor" name="actor" value={q.actor ?? ""} />
        </div>
        <div class="field">
          <label for="a-action">{t.action}</label>
          <input id="a-action" name="action" value={q.action ?? ""} placeholder="sign_in" />
        </div>
        <div class="field">
          <label for="a-from">{t.from}</label>
          <input id="a-from" name="from" type="date" value={q.from ?? ""} />
        </div>
        <div class="field">
          <label for="a-to">{t.to}</label>
          <input id="a-to" name="to" type="date" value={q.to ?? ""} />
        </div>
        <button type="submit" class="secondary">
          {t.filter}
        </button>
        <a class="button secondary" href={`/console/settings/activity.csv?${keep.toString()}`}>
          {t.csv}
        </a>
      </form>
      {rows.length ? (
        <div class="table-wrap">
          <table class="stack" id="activity">
            <thead>
              <tr>
                <th>{t.when}</th>
                <th>{t.who}</th>
                <th>{t.action}</th>
                <th>{t.target}</th>
                <th class="num">{t.result}</th>
                <th>{t.address}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr>
                  <td data-label={t.when}>{dateTime(e.at, formats.timeZone, ui.lang)}</td>
                  <td data-label={t.who}>{e.actor.name ?? e.actor.id ?? "—"}</td>
                  <td data-label={t.action} class="mono wrap">
                    {e.action}
                  </td>
                  <td data-label={t.target} class="mono wrap">
                    <TargetLink id={e.target} />
                  </td>
                  <td data-label={t.result} class="num">
                    {e.status ?? ""}
                  </td>
                  <td data-label={t.address}>{e.ip ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="card muted">{t.nothing}</p>
      )}
      <div class="pager">
        {q.cursor ? <a href={`/console/settings/activity?${keep.toString()}`}>{t.first_page}</a> : <span />}
        {r.ok && r.body.next_cursor ? <a href={`/console/settings/activity?${new URLSearchParams([...keep, ["cursor", r.body.next_cursor]]).toString()}`}>{t.more}</a> : null}
      </div>
    </>,
  );
});

keyActivityPages.get("/console/settings/activity.csv", async (c) => {
  const denied = need(c, "activity:read");
  if (denied) return denied;
  const res = await apiRaw(c, "/v1/activity", { query: { ...activityQuery(c.req.query()), format: "csv" }, headers: { accept: "text/csv" } });
  return new Response(res.body, { status: res.status, headers: res.headers });
});

/** A target id, linked to its page in the console when it has one. */
function TargetLink({ id }: { id: string | null | undefined }) {
  if (!id) return null;
  const href = pageOfId(id);
  return href ? <a href={href}>{id}</a> : id;
}
