/** Rollup test data: generated orders written straight into D1, and the rollup cron driven to completion. */
import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { env } from "./shard-env";
import { ROLLUP_CRON, ROLLUP_LAG_MS, runRollups } from "../src/analytics/run-rollups";
import { shardOf, shardsInUse } from "../src/db/homes";
import { onShard } from "../src/db/shard";
import worker from "../src/index";
import type { FactTable, GeneratedOrder } from "../bench/lib/generate-orders.mjs";

export type TestStore = { id: string; name: string; currency: string; timezone: string };

const ORDER_COLUMNS = [
  "id",
  "store_id",
  "channel",
  "external_id",
  "status",
  "version",
  "payment_status",
  "requires_shipping",
  "customer_name",
  "customer_email",
  "customer_phone",
  "shipping_address",
  "currency",
  "subtotal_amount",
  "shipping_amount",
  "discount_amount",
  "tax_amount",
  "total_amount",
  "note",
  "status_reason",
  "created_at",
  "updated_at",
  "approved_at",
  "held_at",
  "processing_at",
  "shipped_at",
  "delivered_at",
  "completed_at",
  "cancelled_at",
  "archived_at",
  "primary_warehouse_id",
];
const LINE_COLUMNS = ["order_id", "line_no", "sku", "name", "type", "quantity", "unit_price", "total_amount"];
const EVENT_COLUMNS = ["id", "order_id", "seq", "type", "from_status", "to_status", "actor", "reason", "data", "created_at", "previous_at", "last_approved_at", "last_shipped_at"];

/** `INSERT ... SELECT` from a JSON array of objects: one bound parameter per statement. */
function insertJson(table: string, columns: string[], rows: object[], onConflict: string, db: D1Database = env.DB) {
  const values = columns.map((c) => `json_extract(value, '$.${c}')`).join(", ");
  return db.prepare(`INSERT INTO ${table} (${columns.join(", ")}) SELECT ${values} FROM json_each(?1) WHERE true ${onConflict}`).bind(JSON.stringify(rows));
}

const upsert = (columns: readonly string[], key: string) =>
  `ON CONFLICT(${key}) DO UPDATE SET ${columns
    .filter((c) => c !== key)
    .map((c) => `${c} = excluded.${c}`)
    .join(", ")}`;

/** Fact tables in insert order; rows that change in place (shipments, items, tracking) are brought up to date, the others only grow. */
const FACT_TABLES: [FactTable, string | null][] = [
  ["shipments", "id"],
  ["shipment_items", "id"],
  ["stock_movements", null],
  ["warehouse_events", null],
  ["audit_results", null],
  ["shipment_tracking", "shipment_id"],
  ["logistics_exceptions", null],
];

/**
 * Every other floor event as the floor wrote it before `warehouse_events.store_id` existed (null): the floor's
 * rollup must count those in their shipment's store too, so both kinds are in every comparison.
 */
function beforeTheStoreColumn(row: Record<string, unknown>): Record<string, unknown> {
  return Number(row.id) % 2 === 0 ? { ...row, store_id: null } : row;
}

/**
 * Every other order's events as they were written before the events carried the order's history (migration 0049:
 * null): the rollups' staging looks those up instead, so both kinds are in every comparison.
 */
function beforeTheHistoryColumns(event: Record<string, unknown>): Record<string, unknown> {
  const legacy = [...String(event.order_id)].reduce((n, c) => n + c.charCodeAt(0), 0) % 2 === 0;
  return legacy ? { ...event, previous_at: null, last_approved_at: null, last_shipped_at: null } : event;
}

/** The shard binding of each order's store (a store with no home is shard 0's, as the Worker finds it), in first-seen order. */
async function byStoreShard(generated: readonly GeneratedOrder[]): Promise<{ db: D1Database; orders: GeneratedOrder[] }[]> {
  const groups = new Map<string, { db: D1Database; orders: GeneratedOrder[] }>();
  for (const g of generated) {
    const shard = await shardOf(env, { store: g.order.store_id });
    let group = groups.get(shard.id);
    if (!group) groups.set(shard.id, (group = { db: env[shard.binding], orders: [] }));
    group.orders.push(g);
  }
  return [...groups.values()];
}

/**
 * Inserts orders, or brings existing ones up to date (new events, new state), the way the order object would; with their facts.
 * Each order goes to its store's shard: the stores of one call may live on different databases.
 */
export async function writeOrders(generated: readonly GeneratedOrder[]) {
  for (const { db, orders } of await byStoreShard(generated)) {
    for (let i = 0; i < orders.length; i += 400) {
      const part = orders.slice(i, i + 400);
      const facts = FACT_TABLES.flatMap(([table, key]) => {
        const rows = part.flatMap((g) => g.facts?.[table] ?? []).map((r) => (table === "warehouse_events" ? beforeTheStoreColumn(r) : r));
        if (!rows.length) return [];
        const columns = Object.keys(rows[0]!);
        return [insertJson(table, columns, rows, key ? upsert(columns, key) : "ON CONFLICT DO NOTHING", db)];
      });
      await db.batch([
        insertJson(
          "orders",
          ORDER_COLUMNS,
          part.map((g) => g.order),
          upsert(ORDER_COLUMNS, "id"),
          db,
        ),
        insertJson(
          "order_lines",
          LINE_COLUMNS,
          part.flatMap((g) => g.lines),
          "ON CONFLICT DO NOTHING",
          db,
        ),
        // The process event gains its allocation data in the wave that sees it; events are otherwise immutable.
        insertJson(
          "order_events",
          EVENT_COLUMNS,
          part.flatMap((g) => g.events.map(beforeTheHistoryColumns)),
          "ON CONFLICT(id) DO UPDATE SET data = excluded.data",
          db,
        ),
        ...facts,
      ]);
    }
  }
}

/**
 * Warehouses the generated allocations use: the currency their stock costs are kept in matters to margins. Written
 * to `db` (shard 0's unless given: the shard of the stores whose orders ship from them), with no home in the directory.
 */
export async function writeWarehouses(warehouses: readonly { id: string; currency: string; name?: string }[], db: D1Database = env.DB) {
  const now = Date.now();
  await db.batch(
    warehouses.map((w) => db.prepare("INSERT INTO warehouses (id, name, country, currency, created_at) VALUES (?, ?, 'US', ?, ?)").bind(w.id, w.name ?? w.id, w.currency, now)),
  );
}

export async function writeStores(stores: readonly TestStore[]) {
  const now = Date.now();
  await env.DB.batch(
    stores.map((s) =>
      env.DB.prepare("INSERT INTO stores (id, name, currency, timezone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)").bind(s.id, s.name, s.currency, s.timezone, now, now),
    ),
  );
}

/** API keys that act as staff in generated events (never used to authenticate), on the directory with every key. */
export async function writeActorKeys(keys: readonly { id: string; role: string }[]) {
  const now = Date.now();
  await env.DIRECTORY.batch(
    keys.map((k) =>
      env.DIRECTORY.prepare(
        "INSERT INTO api_keys (id, name, role, store_ids, key_hash, key_prefix, created_by, created_at) VALUES (?, ?, ?, '[\"*\"]', ?, 'oms_test', 'test', ?)",
      ).bind(k.id, `${k.role} ${k.id}`, k.role, `hash-${k.id}-${Math.random()}`, now),
    ),
  );
}

export async function rollupState() {
  const state = await env.DB.prepare("SELECT watermark, lease_owner, last_run FROM rollup_state WHERE id = 1").first<{
    watermark: number;
    lease_owner: string | null;
    last_run: string | null;
  }>();
  const dirty = await env.DB.prepare("SELECT COUNT(*) AS n FROM rollup_dirty").first<{ n: number }>();
  return { watermark: state?.watermark ?? 0, lastRun: state?.last_run ? JSON.parse(state.last_run) : null, dirty: dirty!.n };
}

/**
 * Fires the rollup cron through the worker's scheduled() until it has caught
 * up with `scheduledTime - lag` and no bucket is dirty. Returns how many runs it took.
 */
export async function rollUntilCaughtUp(scheduledTime = Date.now(), maxRuns = 50): Promise<number> {
  for (let run = 1; run <= maxRuns; run++) {
    const ctx = createExecutionContext();
    await worker.scheduled!(createScheduledController({ cron: ROLLUP_CRON, scheduledTime }), env, ctx);
    const s = await rollupState();
    const target = Math.min(scheduledTime, Date.now()) - ROLLUP_LAG_MS;
    if (s.watermark >= target && s.dirty === 0 && s.lastRun?.status === "caught_up") return run;
  }
  throw new Error(`rollups did not catch up in ${maxRuns} runs: ${JSON.stringify(await rollupState())}`);
}

/** Runs the rollups without lag until nothing is left, waiting out a run that holds the lease: on every shard in use, as the cron does. */
export async function caughtUp() {
  for (const shard of await shardsInUse(env)) {
    const onIt = onShard(env, shard);
    let done = false;
    for (let i = 0; i < 100 && !done; i++) {
      const r = await runRollups(onIt, { lagMs: 0 });
      if (r.status === "caught_up") done = true;
      else if (r.status === "busy") await new Promise((res) => setTimeout(res, 50));
    }
    if (!done) throw new Error(`rollups did not catch up on shard ${shard.id}`);
  }
}

/**
 * Every row of a rollup table for the given stores, in a stable order: read on each store's shard (the stores of one
 * shard in `orderBy` order, the shards in the order their first store is given).
 */
export async function rollupRows(table: string, storeIds: readonly string[], orderBy: string) {
  const shards = new Map<string, { db: D1Database; stores: string[] }>();
  for (const id of storeIds) {
    const shard = await shardOf(env, { store: id });
    let group = shards.get(shard.id);
    if (!group) shards.set(shard.id, (group = { db: env[shard.binding], stores: [] }));
    group.stores.push(id);
  }
  const out: Record<string, unknown>[] = [];
  for (const { db, stores } of shards.size ? shards.values() : [{ db: env.DB, stores: [] as string[] }]) {
    const r = await db
      .prepare(`SELECT * FROM ${table} WHERE store_id IN (SELECT value FROM json_each(?)) ORDER BY ${orderBy}`)
      .bind(JSON.stringify(stores))
      .all<Record<string, unknown>>();
    out.push(...r.results);
  }
  return out;
}

export { exports };
