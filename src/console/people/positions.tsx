/**
 * Settings -> Positions: the built-in ones (fixed permissions) and custom
 * ones composed by ticking permissions, grouped by area (users:read to see,
 * users:manage to change). Nobody grants what they do not hold: the API says so.
 */
import { Hono } from "hono";
import { COMPOSABLE_PERMISSIONS, CONTACT_SCOPES } from "../../auth/roles";
import { allows } from "../../http/auth";
import { api } from "../api";
import type { ConsoleContext, ConsoleEnv } from "../context";
import { doneRedirect, formValue, formValues, need, notFoundPage, uiOf } from "../guard";
import { fill, type Lang } from "../i18n";
import { Csrf, renderPage } from "../layout";
import { problemText } from "../problems";
import type { PositionView } from "./scope";
import { areaLabel, areaOf, permissionLabel, positionLabel, TEXT } from "./text";

export const positionPages = new Hono<ConsoleEnv>();

/** The composable permissions by area, in the order roles.ts lists them. */
export function permissionGroups(): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const p of COMPOSABLE_PERMISSIONS) {
    const area = areaOf(p);
    groups.set(area, [...(groups.get(area) ?? []), p]);
  }
  return [...groups];
}

type Draft = { name: string; description: string; permissions: string[]; contact_scope: string; require_two_factor: boolean };

function PositionForm(props: { lang: Lang; csrf: string; action: string; draft: Draft; builtIn: boolean; version?: number }) {
  const t = TEXT[props.lang];
  const d = props.draft;
  return (
    <form method="post" action={props.action}>
      <input type="hidden" name="_csrf" value={props.csrf} />
      {props.version !== undefined ? <input type="hidden" name="version" value={String(props.version)} /> : null}
      {props.builtIn ? null : (
        <div class="field">
          <label for="p-name">{t.position_name}</label>
          <input id="p-name" name="name" required maxlength={60} value={d.name} />
        </div>
      )}
      <div class="field">
        <label for="p-description">{t.description}</label>
        <input id="p-description" name="description" maxlength={300} value={d.description} />
      </div>
      <div class="field">
        <label class="tick" for="p-2fa">
          <input type="checkbox" id="p-2fa" name="require_two_factor" value="true" checked={d.require_two_factor} /> {t.require_2fa}
        </label>
      </div>
      {props.builtIn ? null : (
        <>
          <div class="field">
            <label for="p-contact">{t.contact_scope}</label>
            <select id="p-contact" name="contact_scope">
              {CONTACT_SCOPES.map((s) => (
                <option value={s} selected={d.contact_scope === s}>
                  {(t as Record<string, string>)[`contact_${s}`]}
                </option>
              ))}
            </select>
          </div>
          <h2>{t.permissions}</h2>
          <div class="perm-groups">
            {permissionGroups().map(([area, perms]) => (
              <fieldset class="ticks">
                <legend>{areaLabel(props.lang, area)}</legend>
                {perms.map((p) => (
                  <label class="tick" for={`perm-${p}`}>
                    <input type="checkbox" id={`perm-${p}`} name="permissions" value={p} checked={d.permissions.includes(p)} /> {permissionLabel(props.lang, p)}{" "}
                    <span class="muted mono">{p}</span>
                  </label>
                ))}
              </fieldset>
            ))}
          </div>
        </>
      )}
      <button type="submit">{t.save}</button>
    </form>
  );
}

async function positionsPage(c: ConsoleContext, o: { draft?: Draft; error?: string; status?: 200 | 403 | 422 } = {}) {
  const ui = uiOf(c);
  const t = TEXT[ui.lang];
  const r = await api<{ data: PositionView[] }>(c, "/v1/positions", { query: { include_archived: "true" } });
  const rows = r.ok ? r.body.data : [];
  const manage = allows(ui.principal, "users:manage");
  const names = new Map(rows.map((p) => [p.id, p.name]));
  return renderPage(
    c,
    ui,
    { title: t.positions, status: o.status ?? 200 },
    <>
      <h1>{t.positions}</h1>
      <p class="muted">{t.positions_intro}</p>
      <div class="table-wrap">
        <table class="stack" id="positions">
          <thead>
            <tr>
              <th>{t.position_name}</th>
              <th>{t.description}</th>
              <th class="num">{t.people_count}</th>
              <th>{t.status}</th>
              <th>{t.actions}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <tr data-position={p.id}>
                <td data-label={t.position_name}>{positionLabel(ui.lang, p.id, names)}</td>
                <td data-label={t.description}>
                  {/* Built-in descriptions are the API's English: other languages get the count of what it grants. */}
                  {p.built_in && ui.lang !== "en" ? fill(t.permission_count, { n: p.permissions.length }) : (p.description ?? "")}
                </td>
                <td data-label={t.people_count} class="num">
                  {p.user_count}
                </td>
                <td data-label={t.status}>
                  <span class="badge">{p.built_in ? t.built_in : t.custom}</span> {p.require_two_factor ? <span class="badge warn">{t.requires_2fa}</span> : null}{" "}
                  {p.archived_at ? <span class="badge bad">{t.archived_badge}</span> : null}
                </td>
                <td data-label={t.actions}>{manage && !p.archived_at ? <a href={`/console/settings/positions/${p.id}`}>{t.edit}</a> : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {manage ? (
        <details class="card new" id="new-position" open={!!o.error}>
          <summary>{t.new_position}</summary>
          {o.error ? (
            <div class="flash bad" role="alert" id="position-error">
              {o.error}
            </div>
          ) : null}
          <PositionForm
            lang={ui.lang}
            csrf={ui.csrf}
            action="/console/settings/positions"
            builtIn={false}
            draft={o.draft ?? { name: "", description: "", permissions: [], contact_scope: "pseudonymous", require_two_factor: false }}
          />
        </details>
      ) : null}
    </>,
  );
}

const draftOf = (c: ConsoleContext): Draft => ({
  name: formValue(c, "name"),
  description: formValue(c, "description"),
  permissions: formValues(c, "permissions"),
  contact_scope: formValue(c, "contact_scope") || "pseudonymous",
  require_two_factor: formValue(c, "require_two_factor") === "true",
});

positionPages.get("/console/settings/positions", (c) => need(c, "users:read") ?? positionsPage(c));

positionPages.post("/console/settings/positions", async (c) => {
  const denied = need(c, "users:manage");
  if (denied) return denied;
  const ui = uiOf(c);
  const d = draftOf(c);
  const r = await api<PositionView>(c, "/v1/positions", {
    body: { ...d, description: d.description || null },
    headers: { "idempotency-key": crypto.randomUUID() },
  });
  if (!r.ok) return positionsPage(c, { draft: d, error: problemText(r.body, ui.lang), status: r.status === 403 ? 403 : 422 });
  return doneRedirect(c, `/console/settings/positions/${r.body.id}`, { kind: "ok", text: TEXT[ui.lang].created });
});

async function positionPage(c: ConsoleContext, id: string, o: { draft?: Draft; error?: string; status?: 200 | 403 | 409 | 422 } = {}) {
  const ui = uiOf(c);
  const t = TEXT[ui.lang];
  const r = await api<PositionView>(c, `/v1/positions/${encodeURIComponent(id)}`);
  if (!r.ok) return notFoundPage(c);
  const p = r.body;
  const draft = o.draft ?? { name: p.name, description: p.description ?? "", permissions: p.permissions, contact_scope: p.contact_scope, require_two_factor: p.require_two_factor };
  return renderPage(
    c,
    ui,
    { title: positionLabel(ui.lang, p.id, new Map([[p.id, p.name]])), status: o.status ?? 200 },
    <>
      <p>
        <a href="/console/settings/positions">← {t.positions}</a>
      </p>
      <h1>{positionLabel(ui.lang, p.id, new Map([[p.id, p.name]]))}</h1>
      {o.error ? (
        <div class="flash bad" role="alert" id="position-error">
          {o.error}
        </div>
      ) : null}
      <section class="card">
        <PositionForm lang={ui.lang} csrf={ui.csrf} action={`/console/settings/positions/${p.id}`} draft={draft} builtIn={p.built_in} version={p.version} />
        {p.built_in ? (
          <details>
            <summary>{t.permissions}</summary>
            <ul>
              {p.permissions.map((perm) => (
                <li>
                  {permissionLabel(ui.lang, perm)} <span class="muted mono">{perm}</span>
                </li>
              ))}
            </ul>
          </details>
        ) : null}
      </section>
      {!p.built_in && !p.archived_at ? (
        <form method="post" action={`/console/settings/positions/${p.id}/archive`} data-confirm={t.archive_confirm} class="actions">
          <Csrf ui={ui} />
          <button type="submit" class="danger">
            {t.archive}
          </button>
        </form>
      ) : null}
    </>,
  );
}

positionPages.get("/console/settings/positions/:id", (c) => need(c, "users:manage") ?? positionPage(c, c.req.param("id")));

positionPages.post("/console/settings/positions/:id", async (c) => {
  const denied = need(c, "users:manage");
  if (denied) return denied;
  const ui = uiOf(c);
  const id = c.req.param("id");
  const d = draftOf(c);
  const builtIn = !id.startsWith("pos_");
  const body = builtIn ? { description: d.description || null, require_two_factor: d.require_two_factor } : { ...d, description: d.description || null };
  const version = formValue(c, "version");
  const r = await api<PositionView>(c, `/v1/positions/${encodeURIComponent(id)}`, { method: "PATCH", body, headers: version ? { "if-match": `"${version}"` } : {} });
  if (!r.ok) {
    if (r.status === 404) return notFoundPage(c);
    const status = r.status === 403 ? 403 : r.status === 409 || r.status === 412 ? 409 : 422;
    return positionPage(c, id, { draft: d, error: problemText(r.body, ui.lang), status });
  }
  return doneRedirect(c, `/console/settings/positions/${id}`, { kind: "ok", text: TEXT[ui.lang].saved });
});

positionPages.post("/console/settings/positions/:id/archive", async (c) => {
  const denied = need(c, "users:manage");
  if (denied) return denied;
  const ui = uiOf(c);
  const r = await api(c, `/v1/positions/${encodeURIComponent(c.req.param("id"))}`, { method: "DELETE" });
  if (!r.ok) return doneRedirect(c, "/console/settings/positions", { kind: "bad", text: problemText(r.body, ui.lang) });
  return doneRedirect(c, "/console/settings/positions", { kind: "ok", text: TEXT[ui.lang].archived });
});
