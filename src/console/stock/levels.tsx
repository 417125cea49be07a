/** Reading stock: levels per bin and SKU, and the ledger of movements with who did what and why. */
import type { z } from "@hono/zod-openapi";
import type { Bin, Movement, StockLevel, StockSummary, Zone } from "../../inventory/schemas";
import { api } from "../api";
import type { ConsoleContext } from "../context";
import { formatsOf } from "../context";
import { count, dateTime } from "../format";
import { fill } from "../i18n";
import { actorLabel } from "../text";
import { MOVEMENT_KINDS } from "../../db/schema";
import { type StockScreen, stockPage, whLink } from "./frame";
import type { StockText } from "./text";

type Level = z.infer<typeof StockLevel>;
type BinView = z.infer<typeof Bin>;

/** Words for how much of a row can still be promised: status in words, not only colour. */
export function availabilityBadge(s: StockText, l: Pick<Level, "on_hand" | "available">): { kind: "bad" | "warn"; text: string } | null {
  if (l.available > 0) return null;
  return l.on_hand > 0 ? { kind: "warn", text: s.all_reserved } : { kind: "bad", text: s.none_available };
}

export async function levelsPage(c: ConsoleContext, screen: StockScreen): Promise<Response> {
  const { ui, s, wh } = screen;
  const f = { sku: c.req.query("sku")?.trim() ?? "", bin: c.req.query("bin")?.trim().toUpperCase() ?? "", zone: c.req.query("zone") ?? "", cursor: c.req.query("cursor") ?? "" };
  const [levels, zones, bins, summary] = await Promise.all([
    api<{ data: Level[]; next_cursor: string | null }>(c, `/v1/warehouses/${wh.id}/stock`, { query: { ...f, limit: 100 } }),
    api<{ data: z.infer<typeof Zone>[] }>(c, `/v1/warehouses/${wh.id}/zones`),
    api<{ data: BinView[] }>(c, `/v1/warehouses/${wh.id}/bins`, { query: { limit: 200 } }),
    f.sku ? api<z.infer<typeof StockSummary>>(c, "/v1/stock", { query: { sku: f.sku } }) : Promise.resolve(null),
  ]);
  const rows = levels.ok ? levels.body.data : [];
  const zoneOfBin = new Map((bins.ok ? bins.body.data : []).map((b) => [b.id, b.zone_code]));
  const zoneList = zones.ok ? zones.body.data : [];
  return stockPage(
    c,
    screen,
    { title: s.title },
    <>
      <form method="get" action="/console/stock" class="filters card">
        <input type="hidden" name="warehouse" value={wh.id} />
        <div class="field">
          <label for="f-sku">{ui.t.sku}</label>
          <input id="f-sku" name="sku" value={f.sku} autocomplete="off" />
        </div>
        <div class="field">
          <label for="f-bin">{s.bin}</label>
          <input id="f-bin" name="bin" value={f.bin} autocomplete="off" />
        </div>
        {zoneList.length ? (
          <div class="field">
            <label for="f-zone">{s.zone}</label>
            <select id="f-zone" name="zone">
              <option value="">{s.any_zone}</option>
              {zoneList.map((z) => (
                <option value={z.code} selected={z.code === f.zone}>{`${z.code} · ${z.name}`}</option>
              ))}
            </select>
          </div>
        ) : null}
        <div class="actions">
          <button type="submit">{ui.t.filter}</button>
          <a class="button secondary" href={whLink("/console/stock", wh.id)}>
            {ui.t.reset}
          </a>
        </div>
      </form>
      {summary?.ok ? <p>{fill(s.totals, { sku: summary.body.sku, on_hand: count(summary.body.on_hand, ui.lang), available: count(summary.body.available, ui.lang) })}</p> : null}
      {rows.length === 0 ? (
        <p class="card">{s.no_stock}</p>
      ) : (
        <div class="table-wrap">
          <table class="stack stock-stack">
            <thead>
              <tr>
                <th scope="col">{s.bin}</th>
                <th scope="col">{s.zone}</th>
                <th scope="col">{ui.t.sku}</th>
                <th scope="col" class="num">
                  {s.on_hand}
                </th>
                <th scope="col" class="num">
                  {s.reserved}
                </th>
                <th scope="col" class="num">
                  {s.available}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((l) => {
                const badge = availabilityBadge(s, l);
                return (
                  <tr>
                    <td data-label={s.bin} class="mono">
                      {l.bin}
                    </td>
                    <td data-label={s.zone}>{zoneOfBin.get(l.bin_id) ?? "—"}</td>
                    <td data-label={ui.t.sku} class="mono">
                      {l.sku}
                    </td>
                    <td data-label={s.on_hand} class="num" data-on-hand>
                      {count(l.on_hand, ui.lang)}
                    </td>
                    <td data-label={s.reserved} class="num">
                      {count(l.reserved, ui.lang)}
                    </td>
                    <td data-label={s.available} class="num">
                      {count(l.available, ui.lang)} {badge ? <span class={`badge ${badge.kind}`}>{badge.text}</span> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {levels.ok && levels.body.next_cursor ? (
        <div class="pager">
          <a href={whLink("/console/stock", wh.id, { sku: f.sku, bin: f.bin, zone: f.zone, cursor: levels.body.next_cursor })}>{ui.t.next_page}</a>
        </div>
      ) : null}
    </>,
  );
}

export const kindLabel = (s: StockText, kind: string) => (s as Record<string, string>)[`kind_${kind}`] ?? kind;
const signed = (n: number, lang: "en" | "zh-CN") => (n > 0 ? `+${count(n, lang)}` : count(n, lang));

export async function movementsPage(c: ConsoleContext, screen: StockScreen): Promise<Response> {
  const { ui, s, wh } = screen;
  const kind = (MOVEMENT_KINDS as readonly string[]).includes(c.req.query("kind") ?? "") ? c.req.query("kind")! : "";
  const f = { sku: c.req.query("sku")?.trim() ?? "", kind, cursor: c.req.query("cursor") ?? "" };
  const [moves, bins, formats] = await Promise.all([
    api<{ data: z.infer<typeof Movement>[]; next_cursor: string | null }>(c, `/v1/warehouses/${wh.id}/movements`, { query: { ...f, limit: 50 } }),
    api<{ data: BinView[] }>(c, `/v1/warehouses/${wh.id}/bins`, { query: { limit: 200 } }),
    formatsOf(c),
  ]);
  const binCode = new Map((bins.ok ? bins.body.data : []).map((b) => [b.id, b.code]));
  const rows = moves.ok ? moves.body.data : [];
  return stockPage(
    c,
    screen,
    { title: s.movements_title },
    <>
      <form method="get" action="/console/stock/movements" class="filters card">
        <input type="hidden" name="warehouse" value={wh.id} />
        <div class="field">
          <label for="m-sku">{ui.t.sku}</label>
          <input id="m-sku" name="sku" value={f.sku} autocomplete="off" />
        </div>
        <div class="field">
          <label for="m-kind">{s.kind}</label>
          <select id="m-kind" name="kind">
            <option value="">{s.any_kind}</option>
            {MOVEMENT_KINDS.map((k) => (
              <option value={k} selected={k === f.kind}>
                {kindLabel(s, k)}
              </option>
            ))}
          </select>
        </div>
        <div class="actions">
          <button type="submit">{ui.t.filter}</button>
        </div>
      </form>
      {rows.length === 0 ? (
        <p class="card">{s.movements_empty}</p>
      ) : (
        <div class="table-wrap">
          <table class="stack stock-stack">
            <thead>
              <tr>
                <th scope="col">{s.when}</th>
                <th scope="col">{s.kind}</th>
                <th scope="col">{s.bin}</th>
                <th scope="col">{ui.t.sku}</th>
                <th scope="col" class="num">
                  {s.change}
                </th>
                <th scope="col">{s.who}</th>
                <th scope="col">{ui.t.reason}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((m) => (
                <tr>
                  <td data-label={s.when}>{dateTime(m.created_at, formats.timeZone, ui.lang)}</td>
                  <td data-label={s.kind}>{kindLabel(s, m.kind)}</td>
                  <td data-label={s.bin} class="mono">
                    {binCode.get(m.bin_id) ?? m.bin_id}
                  </td>
                  <td data-label={ui.t.sku} class="mono">
                    {m.sku}
                  </td>
                  <td data-label={s.change} class="num">
                    {m.on_hand_delta !== 0 ? signed(m.on_hand_delta, ui.lang) : ""}
                    {m.reserved_delta !== 0 ? <span class="muted"> {fill(s.reserved_change, { n: signed(m.reserved_delta, ui.lang) })}</span> : null}
                  </td>
                  <td data-label={s.who}>{actorLabel(ui.lang, m.actor, m.actor_name)}</td>
                  <td data-label={ui.t.reason}>{m.reason ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {moves.ok && moves.body.next_cursor ? (
        <div class="pager">
          <a href={whLink("/console/stock/movements", wh.id, { sku: f.sku, kind: f.kind, cursor: moves.body.next_cursor })}>{ui.t.next_page}</a>
        </div>
      ) : null}
    </>,
  );
}
