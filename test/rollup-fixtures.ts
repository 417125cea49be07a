/** Rollup test data: generated orders written straight into D1, and the rollup cron driven to completion. */
import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { env } from "./shard-env";
import { ROLLUP_CRON, ROLLUP_LAG_MS, runRollups } from "../src/analytics/run-rollups";
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
];
const LINE_COLUMNS = ["order_id", "line_no", "sku", "name", "type", "quantity", "unit_price", "total_amount"];
const EVENT_COLUMNS = ["id", "order_id", "seq", "type", "from_status", "to_status", "actor", "reason", "data", "created_at"];

/** `INSERT ... SELECT` from a JSON array of objects: one bound parameter per statement. */
function insertJson(table: string, columns: string[], rows: object[], onConflict: string) {
  const values = columns.map((c) => `json_extract(value, '$.${c}')`).join(", ");
  return env.DB.prepare(`INSERT INTO ${table} (${columns.join(", ")}) SELECT ${values} FROM json_each(?1) WHERE true ${onConflict}`).bind(JSON.stringify(rows));
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

/** Inserts orders, or brings existing ones up to date (new events, new state), the way the order object would; with their facts. */
export async function writeOrders(generated: readonly GeneratedOrder[]) {
  for (let i = 0; i < generated.length; i += 400) {
    const part = generated.slice(i, i + 400);
    const facts = FACT_TABLES.flatMap(([table, key]) => {
      const rows = part.flatMap((g) => g.facts?.[table] ?? []);
      if (!rows.length) return [];
      const columns = Object.keys(rows[0]!);
      return [insertJson(table, columns, rows, key ? upsert(columns, key) : "ON CONFLICT DO NOTHING")];
    });
    await env.DB.batch([
      insertJson(
        "orders",
        ORDER_COLUMNS,
        part.map((g) => g.order),
        upsert(ORDER_COLUMNS, "id"),
      ),
      insertJson(
        "order_lines",
        LINE_COLUMNS,
        part.flatMap((g) => g.lines),
        "ON CONFLICT DO NOTHING",
      ),
      // The process event gains its allocation data in the wave that sees it; events are otherwise immutable.
      insertJson(
        "order_events",
        EVENT_COLUMNS,
        part.flatMap((g) => g.events),
        "ON CONFLICT(id) DO UPDATE SET data = excluded.data",
      ),
      ...facts,
    ]);
  }
}

/** Warehouses the generated allocations use: the currency their stock costs are kept in matters to margins. */
export async function writeWarehouses(warehouses: readonly { id: string; currency: string; name?: string }[]) {
  const now = Date.now();
  await env.DB.batch(
    warehouses.map((w) => env.DB.prepare("INSERT INTO warehouses (id, name, country, currency, created_at) VALUES (?, ?, 'US', ?, ?)").bind(w.id, w.name ?? w.id, w.currency, now)),
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

/** Runs the rollups without lag until nothing is left, waiting out a run that holds the lease. */
export async function caughtUp() {
  for (let i = 0; i < 100; i++) {
    const r = await runRollups(env, { lagMs: 0 });
    if (r.status === "caught_up") return;
    if (r.status === "busy") await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error("rollups did not catch up");
}

/** Every row of a rollup table for the given stores, in a stable order. */
export async function rollupRows(table: string, storeIds: readonly string[], orderBy: string) {
  const r = await env.DB.prepare(`SELECT * FROM ${table} WHERE store_id IN (SELECT value FROM json_each(?)) ORDER BY ${orderBy}`)
    .bind(JSON.stringify(storeIds))
    .all<Record<string, unknown>>();
  return r.results;
}

export { exports };
