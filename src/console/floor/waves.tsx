/** Waves: what the floor has to pick and how far each wave is; the lead releases new waves from pending shipments. */
import type { z } from "@hono/zod-openapi";
import type { WaveSummary } from "../../fulfilment/schemas";
import { allows } from "../../http/auth";
import type { Warehouse } from "../../inventory/schemas";
import { api } from "../api";
import { type ConsoleContext, formatsOf } from "../context";
import { doneRedirect, formValue, need, uiOf } from "../guard";
import { fill, fillCount } from "../i18n";
import { Csrf, renderPage } from "../layout";
import { dateTime } from "../format";
import { problemText } from "../problems";
import { FLOOR, type FloorText } from "./text";

type Summary = z.infer<typeof WaveSummary>;
type WarehouseBody = z.infer<typeof Warehouse>;

const GROUPS = ["carrier", "zone", "single_item"] as const;
const groupLabel = (f: FloorText, g: string) => (f as Record<string, string>)[`group_${g}`] ?? g;

export async function wavesPage(c: ConsoleContext, problem?: { text: string; fields: Record<string, string>; status: 409 | 422 }) {
  const denied = need(c, "fulfilment:read");
  if (denied) return denied;
  const ui = uiOf(c);
  const f = FLOOR[ui.lang];
  const mayRelease = allows(ui.principal, "picking:execute");
  const [open, picked, warehouses, formats] = await Promise.all([
    api<{ data: Summary[] }>(c, "/v1/waves", { query: { status: "open", limit: 50 } }),
    api<{ data: Summary[] }>(c, "/v1/waves", { query: { status: "picked", limit: 10 } }),
    mayRelease ? api<{ data: WarehouseBody[] }>(c, "/v1/warehouses", { query: { limit: 100 } }) : null,
    formatsOf(c),
  ]);
  const own = warehouses?.ok ? warehouses.body.data.filter((w) => w.kind === "own" && w.active) : [];
  const names = new Map((warehouses?.ok ? warehouses.body.data : []).map((w) => [w.id, w.name]));
  const at = (s: string | null) => dateTime(s, formats.timeZone, ui.lang);

  const table = (rows: Summary[], done: boolean) => (
    <div class="table-wrap">
      <table class="stack">
        <thead>
          <tr>
            <th>{f.wave}</th>
            <th>{ui.t.warehouse}</th>
            <th>{f.group}</th>
            <th>{f.progress}</th>
            <th>{done ? f.completed : f.created}</th>
            <th>{ui.t.actions}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((w) => (
            <tr>
              <td data-label={f.wave} class="mono floor-wrap">
                {w.id}
              </td>
              <td data-label={ui.t.warehouse}>{names.get(w.warehouse_id) ?? w.warehouse_id}</td>
              <td data-label={f.group}>
                {groupLabel(f, w.group_by)} · {w.group_by === "carrier" && w.group_key === "unassigned" ? f.no_carrier : <span class="mono">{w.group_key}</span>}
              </td>
              <td data-label={f.progress}>
                <div class="floor-wrap">
                  <span class={`badge ${done ? "ok" : "warn"}`}>{done ? f.status_picked : f.status_open}</span>{" "}
                  {fill(f.progress_of, { picked: w.progress.picked, units: w.progress.units })}
                  {w.progress.short ? " " : null}
                  {w.progress.short ? <span class="badge bad">{fill(f.short_n, { n: w.progress.short })}</span> : null}
                  <progress class="floor-progress" max={Math.max(1, w.progress.units)} value={w.progress.picked + w.progress.short} aria-label={f.progress} />
                </div>
              </td>
              <td data-label={done ? f.completed : f.created}>{at(done ? w.completed_at : w.created_at)}</td>
              <td data-label={ui.t.actions}>
                {!done && allows(ui.principal, "picking:execute") ? (
                  <a class="button" href={`/console/waves/${w.id}/pick`}>
                    {f.pick_action}
                  </a>
                ) : (
                  <span class="muted">—</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );

  return renderPage(
    c,
    ui,
    { title: f.waves_title, status: problem?.status },
    <>
      <h1>{f.waves_title}</h1>
      {mayRelease && own.length ? (
        <section class="card" aria-labelledby="release-title">
          <h2 id="release-title">{f.release_title}</h2>
          <p class="hint">{f.release_hint}</p>
          {problem ? (
            <div class="flash bad" role="alert">
              {problem.text}
            </div>
          ) : null}
          <form method="post" action="/console/waves" class="filters">
            <Csrf ui={ui} />
            <div class="field">
              <label for="wave-warehouse">{ui.t.warehouse}</label>
              <select id="wave-warehouse" name="warehouse_id">
                {own.map((w) => (
                  <option value={w.id} selected={formValue(c, "warehouse_id") === w.id}>
                    {w.name}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="wave-group">{f.group_by}</label>
              <select id="wave-group" name="group_by">
                {GROUPS.map((g) => (
                  <option value={g} selected={formValue(c, "group_by") === g}>
                    {groupLabel(f, g)}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="wave-max">{f.max_shipments}</label>
              <input id="wave-max" name="max_shipments" type="number" inputmode="numeric" min="1" max="200" value={formValue(c, "max_shipments") || "20"} />
              {problem?.fields.max_shipments ? <p class="error-text">{problem.fields.max_shipments}</p> : null}
            </div>
            <div class="actions">
              <button type="submit">{f.release}</button>
            </div>
          </form>
        </section>
      ) : null}
      <h2>{f.open_waves}</h2>
      {open.ok && open.body.data.length ? table(open.body.data, false) : <p class="card muted">{f.no_open_waves}</p>}
      <h2>{f.picked_waves}</h2>
      {picked.ok && picked.body.data.length ? table(picked.body.data, true) : <p class="card muted">{f.no_picked_waves}</p>}
    </>,
  );
}

export async function releaseWave(c: ConsoleContext) {
  const denied = need(c, "picking:execute");
  if (denied) return denied;
  const ui = uiOf(c);
  const f = FLOOR[ui.lang];
  const max = formValue(c, "max_shipments") || "20";
  if (!/^\d{1,3}$/.test(max) || Number(max) < 1 || Number(max) > 200) {
    return wavesPage(c, { text: f.max_shipments_bad, fields: { max_shipments: f.max_shipments_bad }, status: 422 });
  }
  const r = await api<{ data: unknown[] }>(c, "/v1/waves", {
    body: { warehouse_id: formValue(c, "warehouse_id"), group_by: formValue(c, "group_by"), max_shipments: Number(max) },
    headers: { "idempotency-key": crypto.randomUUID() },
  });
  if (!r.ok) return wavesPage(c, { text: problemText(r.body, ui.lang), fields: {}, status: r.status === 409 ? 409 : 422 });
  if (!r.body.data.length) return doneRedirect(c, "/console/waves", { kind: "warn", text: f.nothing_to_release });
  return doneRedirect(c, "/console/waves", { kind: "ok", text: fillCount(f, "released", r.body.data.length) });
}
