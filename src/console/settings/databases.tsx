/**
 * Databases: the stock pools (stores and the warehouses they share, kept on one database), the database each is on,
 * and moving one to another database while it is served (docs/SHARDING.md section 8). For an admin of every store,
 * as the API's `GET /v1/pools` and `POST /v1/pools/{id}/move` are. Moving runs the API's steps here for up to
 * `STEP_BUDGET_MS`, so a small pool moves in one press; a large one shows where it stands and a button to go on.
 */
import type { z } from "@hono/zod-openapi";
import { Hono } from "hono";
import type { Move, PoolList } from "../../pools/schemas";
import { CACHE_MS, POOL_ZERO } from "../../db/homes";
import { SHARD_ZERO } from "../../db/shard";
import { api, type Problem } from "../api";
import type { ConsoleContext, ConsoleEnv } from "../context";
import { doneRedirect, formValue, forbiddenPage, need, uiOf } from "../guard";
import { dictionary, fill } from "../i18n";
import { Csrf, renderPage } from "../layout";
import { Crumbs, ProblemBox, refusedStatus, type FormPageStatus } from "./parts";

type Pools = z.infer<typeof PoolList>;
type MoveBody = z.infer<typeof Move>;

/** How long one press keeps taking the move's steps before it shows where the move stands. */
const STEP_BUDGET_MS = 15_000;

const TEXT = dictionary(
  {
    title: "Databases",
    intro:
      "Each store lives in a stock pool: the stores that share warehouses, kept together on one database. A pool can move to another database while it keeps serving orders; for its last copy (usually under a second) writes to its stores wait, and storefronts that retry are served.",
    pool: "Pool",
    database: "Database",
    state: "State",
    stores: "Stores",
    warehouses: "Warehouses",
    move: "Move",
    move_to: "Move to",
    start: "Move",
    go_on: "Go on",
    finish: "Remove the old copy",
    none: "none",
    main_pool: "The main pool stays on s0 while it holds stores from before pools: their records name no database.",
    no_other: "No other database to move to.",
    state_live: "In service",
    state_moving: "Being copied",
    state_frozen: "Writes waiting",
    phase_copying: "copying to {to}",
    phase_frozen: "last copy to {to}, writes waiting",
    phase_switched: "on {to}; the old copy goes 30 s after the switch",
    moved: "{pool} is on {to}. Writes waited {ms} ms.",
    moved_clean: "{pool} is on {to}, and the old copy is removed.",
    still: "{pool} is still moving ({phase}). Press “Go on”.",
    shard_line: "Pools: {pools} · stores: {stores} · {state}",
    legacy: "{names} (from before pools)",
    shard_open: "open",
    shard_full: "full",
    shard_draining: "draining",
    databases: "The databases",
    pools: "The pools",
  },
  {
    title: "数据库",
    intro:
      "每个店铺属于一个库存池：共用仓库的店铺保存在同一个数据库。库存池可以在继续接单的同时迁移到另一个数据库；最后一次复制时（通常不到一秒）其店铺的写入会等待，重试的店面请求会得到处理。",
    pool: "库存池",
    database: "数据库",
    state: "状态",
    stores: "店铺",
    warehouses: "仓库",
    move: "迁移",
    move_to: "迁移到",
    start: "迁移",
    go_on: "继续",
    finish: "删除旧副本",
    none: "无",
    main_pool: "主库存池含有早于库存池的店铺，其记录未标明数据库，因此留在 s0。",
    no_other: "没有可迁往的其他数据库。",
    state_live: "服务中",
    state_moving: "复制中",
    state_frozen: "写入等待中",
    phase_copying: "正在复制到 {to}",
    phase_frozen: "正在最后复制到 {to}，写入等待中",
    phase_switched: "已在 {to}；旧副本在切换 30 秒后删除",
    moved: "{pool} 已迁到 {to}。写入等待了 {ms} 毫秒。",
    moved_clean: "{pool} 已迁到 {to}，旧副本已删除。",
    still: "{pool} 仍在迁移（{phase}）。请点“继续”。",
    shard_line: "库存池：{pools} · 店铺：{stores} · {state}",
    legacy: "{names}（早于库存池）",
    shard_open: "开放",
    shard_full: "已满",
    shard_draining: "清空中",
    databases: "数据库列表",
    pools: "库存池列表",
  },
);

export const databasePages = new Hono<ConsoleEnv>();

/** Only an admin of every store sees the pools (the API says the same). */
function refused(c: ConsoleContext): Promise<Response> | null {
  return need(c, "stores:manage") ?? (uiOf(c).principal.stores === "*" ? null : forbiddenPage(c));
}

async function page(c: ConsoleContext, opts: { problem?: Problem; status?: FormPageStatus } = {}) {
  const ui = uiOf(c);
  const t = TEXT[ui.lang];
  const [p, s] = await Promise.all([api<Pools>(c, "/v1/pools"), api<{ data: { id: string; name: string }[] }>(c, "/v1/stores", { query: { limit: 200 } })]);
  const pools = p.ok ? p.body.data : [];
  const names = new Map((s.ok ? s.body.data : []).map((st) => [st.id, st.name]));
  // Stores made before pools have no pool entry: they are the main pool's, on shard 0.
  const pooled = new Set(pools.flatMap((pool) => pool.stores));
  const legacy = [...names.keys()].filter((id) => !pooled.has(id));
  // They keep the main pool on shard 0 (the API refuses its move while one exists there).
  const stuck = (pool: Pools["data"][number]) => pool.id === POOL_ZERO && pool.shard_id === SHARD_ZERO.id && legacy.length > 0;
  const shards = (p.ok ? p.body.shards : []).map((sh) => (sh.id === SHARD_ZERO.id ? { ...sh, stores: sh.stores + legacy.length } : sh));
  const storesOf = (pool: Pools["data"][number]) => {
    const listed = pool.stores.map((id) => names.get(id) ?? id);
    if (stuck(pool)) listed.push(fill(t.legacy, { names: legacy.map((id) => names.get(id) ?? id).join(", ") }));
    return listed.length ? listed.join(", ") : t.none;
  };
  return renderPage(
    c,
    ui,
    { title: t.title, status: opts.status ?? 200 },
    <>
      <Crumbs ui={ui} here={t.title} />
      <h1>{t.title}</h1>
      <p class="muted">{t.intro}</p>
      <ProblemBox problem={opts.problem} lang={ui.lang} />
      <h2>{t.databases}</h2>
      <div class="grid">
        {shards.map((sh) => (
          <div class="card" data-shard={sh.id}>
            <strong>{sh.id}</strong>
            <p class="muted" style="margin:4px 0 0">
              {fill(t.shard_line, { pools: sh.pools, stores: sh.stores, state: t[`shard_${sh.state}`] })}
            </p>
          </div>
        ))}
      </div>
      <h2>{t.pools}</h2>
      <div class="table-wrap">
        {/* stock-stack: cells wrap long ids and text on a phone (src/console/assets.ts) */}
        <table class="stack stock-stack">
          <thead>
            <tr>
              <th>{t.pool}</th>
              <th>{t.database}</th>
              <th>{t.state}</th>
              <th>{t.stores}</th>
              <th>{t.warehouses}</th>
              <th>{t.move}</th>
            </tr>
          </thead>
          <tbody>
            {pools.map((pool) => {
              const others = shards.filter((sh) => sh.id !== pool.shard_id && sh.state !== "draining");
              return (
                <tr data-pool={pool.id}>
                  <td data-label={t.pool}>
                    <code>{pool.id}</code>
                  </td>
                  <td data-label={t.database}>{pool.shard_id}</td>
                  <td data-label={t.state}>
                    <span class={`badge ${pool.state === "live" ? "ok" : "warn"}`}>{t[`state_${pool.state}`]}</span>
                    {pool.move ? <div class="muted">{fill(t[`phase_${pool.move.phase === "cleaned" ? "switched" : pool.move.phase}`], { to: pool.move.to_shard })}</div> : null}
                  </td>
                  <td data-label={t.stores}>{storesOf(pool)}</td>
                  <td data-label={t.warehouses}>{pool.warehouses.length ? pool.warehouses.join(", ") : t.none}</td>
                  <td data-label={t.move}>
                    {stuck(pool) ? (
                      <span class="muted">{t.main_pool}</span>
                    ) : pool.move ? (
                      <form method="post" action={`/console/settings/databases/${encodeURIComponent(pool.id)}/move`}>
                        <Csrf ui={ui} />
                        <input type="hidden" name="to_shard" value={pool.move.to_shard} />
                        <button type="submit">{pool.move.phase === "switched" ? t.finish : t.go_on}</button>
                      </form>
                    ) : others.length ? (
                      <form method="post" action={`/console/settings/databases/${encodeURIComponent(pool.id)}/move`} class="inline-form">
                        <Csrf ui={ui} />
                        <label for={`to-${pool.id}`}>{t.move_to}</label>{" "}
                        <select id={`to-${pool.id}`} name="to_shard">
                          {others.map((sh) => (
                            <option value={sh.id}>{sh.id}</option>
                          ))}
                        </select>{" "}
                        <button type="submit">{t.start}</button>
                      </form>
                    ) : (
                      <span class="muted">{t.no_other}</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>,
  );
}

databasePages.get("/console/settings/databases", (c) => refused(c) ?? page(c));

databasePages.post("/console/settings/databases/:id/move", async (c) => {
  const no = refused(c);
  if (no) return no;
  const ui = uiOf(c);
  const t = TEXT[ui.lang];
  const id = c.req.param("id");
  const to = formValue(c, "to_shard");
  const started = Date.now();
  let move: MoveBody | null = null;
  let first: MoveBody["phase"] | null = null;
  // The steps, until the pool is on the other database, or (pressed once it was) the old copy is gone or must wait
  // for the routes' cache; or until the press's time is up.
  const more = (m: MoveBody) =>
    m.phase === "copying" || m.phase === "frozen" || (m.phase === "switched" && first === "switched" && Date.now() - Date.parse(m.switched_at ?? "") >= CACHE_MS);
  do {
    const r = await api<MoveBody>(c, `/v1/pools/${encodeURIComponent(id)}/move`, { body: { to_shard: to } });
    if (!r.ok) return page(c, { problem: r.body, status: refusedStatus(r.status) });
    move = r.body;
    first ??= move.phase;
  } while (more(move) && Date.now() - started < STEP_BUDGET_MS);
  const values = { pool: id, to: move.to_shard, ms: move.frozen_ms ?? 0 };
  if (move.phase === "cleaned") return doneRedirect(c, "/console/settings/databases", { kind: "ok", text: fill(t.moved_clean, values) });
  if (move.phase === "switched") return doneRedirect(c, "/console/settings/databases", { kind: "ok", text: fill(t.moved, values) });
  const phase = fill(t[`phase_${move.phase}`], values);
  return doneRedirect(c, "/console/settings/databases", { kind: "warn", text: fill(t.still, { pool: id, phase }) });
});
