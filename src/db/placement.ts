/**
 * Where every table lives once D1 is sharded by store (issue #18; the plan is docs/SHARDING.md). NOT BUILT: today
 * there is one database and nothing reads this map at run time. It is the contract the build follows, and
 * test/structure/placement.test.mjs fails when a table in src/db/schema has no entry, so a new table is placed
 * when it is made, not when the shards break on it.
 *
 * Homes:
 * - `directory`: one copy per merchant, on the directory database (people, keys, customers, the store → shard map).
 * - `store`: each row belongs to one store, reached from the row by `by` (a column, or a column `via` the table
 *   whose row carries the store); it lives on that store's shard and moves with it.
 * - `warehouse`: each row belongs to one warehouse (`by`); it lives on the shard of the stock pool the warehouse
 *   serves (the stores its `store_ids` name share one shard; `["*"]` puts every store of the merchant there).
 * - `shard`: machinery of one database, present on every database (directory and shards) and about no one store:
 *   dedupe receipts, cursors, leases, the outbox. A store move never copies these rows; it drains or re-keys them.
 *
 * Invariants: every table has exactly one home (the type below refuses a missing or unknown table name); a `store`
 * or `warehouse` entry says how a row finds its owner, which is what the store-move script copies by.
 *
 * Node's type stripping imports this file as it is (the structure test and scripts/move-guards.mjs do), so it holds
 * data, types and pure functions of them only, and imports nothing but types.
 */
import type { Table } from "drizzle-orm";
import type * as schema from "./schema";

type Schema = typeof schema;
/** The SQL name of every table the schema declares. */
export type TableName = { [K in keyof Schema]: Schema[K] extends Table ? Schema[K]["_"]["name"] : never }[keyof Schema];

export type Home = "directory" | "store" | "warehouse" | "shard";

export type Placement = {
  home: Home;
  /** `store`/`warehouse`: this table's column that names the owner (a store or warehouse id), or, with `via`, the row of `via` that does. */
  by?: string;
  /** The table `by` points into when the row does not name its owner itself; that table's own `by` names it (one hop). */
  via?: TableName;
  /** A second column naming an owner: the row belongs to both (a transfer to a warehouse of another pool). */
  also?: string;
  /** `store`/`warehouse`: the primary key's columns when it is not `id` (what a move names a changed row by). */
  key?: readonly string[];
  /** Why it lives there, where that is not obvious. */
  why?: string;
  /**
   * `store`: rows only a rollup run writes, recomputed from the store's raw data. A move copies them like any owned
   * row but puts no guard triggers on them (scripts/move-guards.mjs): the rollup runs write none of a store's rows
   * from the moment its move starts (`noneOnTheMove`, checked by each batch as it writes, src/analytics/refold-dirty.ts),
   * so the copy finds them as they stay, and the target refolds what was marked meanwhile. A trigger runs for every
   * row written even when nothing moves, and a refold writes tens of thousands (docs/analytics.md).
   */
  derived?: true;
};

export const PLACEMENT = {
  // --- the directory: merchant-wide, one copy ---------------------------------------------------------------------
  api_keys: { home: "directory", why: "a key names many stores (store_ids, or *); auth reads it before any store is known" },
  positions: { home: "directory" },
  users: { home: "directory", why: "staff sign in once for every store they may reach" },
  user_recovery_codes: { home: "directory" },
  passkeys: { home: "directory" },
  sessions: { home: "directory", why: "read on every console request before its store is known" },
  user_tokens: { home: "directory" },
  auth_challenges: { home: "directory" },
  sign_in_throttle: { home: "directory" },
  staff_emails: { home: "directory" },
  saved_views: { home: "directory" },
  activity_log: {
    home: "directory",
    why: "who did what across stores, sign-ins with no store at all; the busiest directory writer (a row per change), so the first candidate to move to the shards (store_id is on the row)",
  },
  customers: { home: "directory", why: "one person across every store, recognised by merchant-wide blind indexes" },
  customer_identities: { home: "directory", why: "the merchant-wide index → customer map a merge rewrites with customers in one batch" },
  customer_links: {
    home: "directory",
    why: "merge and unmerge move links and customers in one batch; no FK to orders (it cannot cross databases): a link carries its order's store and facts",
  },
  customer_events: { home: "directory" },
  customer_sync_state: { home: "directory", why: "the linker's cursor over each shard's orders: one row per shard (`shard_id`)" },
  dead_letters: { home: "directory", why: "the operator's one list of messages that exhausted their retries, whatever their store" },
  // The routing tables (src/db/schema/directory.ts; SHARDING.md section 3): the map from a store, a warehouse, a
  // tracking number or an old id to its shard. Not read at run time yet (build step 1).
  shards: { home: "directory", why: "the list of databases and the binding that reaches each: read to route, written by a deploy" },
  pools: { home: "directory", why: "pool → shard, with the state a move freezes: the one place a switch of shard is made" },
  store_homes: { home: "directory", why: "store → pool, read before any store row can be found (stores live on the shards)" },
  warehouse_homes: { home: "directory", why: "warehouse → pool, for routes and 3PL webhooks that name only a warehouse" },
  tracking_routes: { home: "directory", why: "a carrier's webhook names only the tracking number: number → store, before any shard is known" },
  legacy_homes: { home: "directory", why: "ids made before store tags, of stores that moved off shard 0: id → store" },
  pool_moves: { home: "directory", why: "a move's phase and progress, read by every step of the move whichever isolate runs it" },

  // --- a store's own data -----------------------------------------------------------------------------------------
  stores: {
    home: "store",
    by: "id",
    why: "the settings every order read joins (currency, time zone, notify_on) and the FK target of orders; the directory keeps id → shard",
  },
  products: { home: "store", by: "store_id" },
  orders: { home: "store", by: "store_id" },
  order_lines: { key: ["order_id", "line_no"], home: "store", by: "order_id", via: "orders" },
  order_events: { home: "store", by: "order_id", via: "orders" },
  order_hold_reasons: { key: ["order_id", "code"], home: "store", by: "order_id", via: "orders" },
  order_claims: { key: ["order_id"], home: "store", by: "order_id", via: "orders" },
  order_notes: { home: "store", by: "store_id" },
  audit_rule_sets: { key: ["store_id"], home: "store", by: "store_id" },
  audit_results: { home: "store", by: "order_id", via: "orders" },
  blocklist_entries: { home: "store", by: "store_id" },
  notifications: { home: "store", by: "store_id" },
  customer_tokens: { key: ["token_hash"], home: "store", by: "order_id", via: "orders", why: "the customer's link must carry its shard: the token hash alone names no store" },
  routing_policies: { key: ["store_id"], home: "store", by: "store_id" },
  allocations: { key: ["order_id"], home: "store", by: "store_id" },
  shipments: {
    home: "store",
    by: "store_id",
    why: "the customer's parcel, written with its order (cancel intercepts it in the order's batch); its warehouse is in the store's pool",
  },
  shipment_items: {
    home: "store",
    by: "shipment_id",
    via: "shipments",
    why: "the reservation itself: written in one batch with stock_levels, so it must share the warehouse's shard (the pool)",
  },
  fulfilment_exceptions: { home: "store", by: "shipment_id", via: "shipments" },
  service_tasks: { home: "store", by: "store_id" },
  store_slas: { key: ["store_id"], home: "store", by: "store_id" },
  store_logistics: { key: ["store_id"], home: "store", by: "store_id" },
  shipment_tracking: { key: ["shipment_id"], home: "store", by: "store_id" },
  shipment_labels: { key: ["shipment_id"], home: "store", by: "shipment_id", via: "shipments" },
  tracking_events: {
    home: "store",
    by: "shipment_id",
    via: "shipments",
    why: "a partner's event names only a tracking number: ingest needs tracking number → shard in the directory (unmatched ones stay on the directory)",
  },
  logistics_exceptions: { home: "store", by: "store_id" },
  after_sales_requests: { home: "store", by: "store_id" },
  channel_connections: { home: "store", by: "store_id", why: "a platform webhook names only the connection (in its path): new connection ids carry their store's tag" },
  channel_sku_map: { key: ["connection_id", "platform_key"], home: "store", by: "connection_id", via: "channel_connections" },
  channel_orders: { key: ["connection_id", "external_id"], home: "store", by: "store_id" },
  channel_inbox: { home: "store", by: "store_id" },
  channel_refunds: { key: ["connection_id", "refund_id"], home: "store", by: "connection_id", via: "channel_connections" },
  channel_sync_state: { key: ["connection_id"], home: "store", by: "connection_id", via: "channel_connections" },
  channel_sync_runs: { home: "store", by: "store_id" },
  channel_pushes: { home: "store", by: "store_id" },
  channel_push_attempts: { key: ["push_id", "attempt"], home: "store", by: "push_id", via: "channel_pushes" },
  events: {
    key: ["seq"],
    home: "store",
    by: "store_id",
    why: "written by triggers in the batch of the change it records; seq is per database, so the feed's cursor becomes one seq per shard. A stock event gets a row per store its warehouse names, or one with store_id '*' for a ['*'] warehouse: the move copies those with that warehouse's pool",
  },
  webhook_subscriptions: { home: "store", by: "store_id", why: "its deliveries fan out from its shard's events: a dispatcher per shard" },
  webhook_deliveries: { home: "store", by: "subscription_id", via: "webhook_subscriptions" },
  webhook_attempts: { home: "store", by: "subscription_id", via: "webhook_subscriptions" },
  merchant_notices: { home: "store", by: "store_id", why: "written in the dispatcher's batch that disables the subscription; the notices list fans out" },
  invoices: { home: "store", by: "store_id", why: "numbers run per store without gaps: drawn inside the insert from the store's own rows" },
  ledger_entries: { home: "store", by: "store_id", why: "each entry is written in the batch of the fact it records (capture, label, handover)" },
  settlements: { home: "store", by: "store_id" },
  settlement_lines: { key: ["settlement_id", "line_no"], home: "store", by: "settlement_id", via: "settlements" },
  suppliers: { home: "store", by: "store_id" },
  supplier_items: { key: ["supplier_id", "sku"], home: "store", by: "supplier_id", via: "suppliers" },
  purchase_orders: { home: "store", by: "store_id", why: "receiving writes its lines with the warehouse's stock in one batch: the warehouse must be in the store's pool" },
  purchase_order_lines: { key: ["purchase_order_id", "line_no"], home: "store", by: "purchase_order_id", via: "purchase_orders" },
  purchase_order_events: { home: "store", by: "purchase_order_id", via: "purchase_orders" },
  purchase_order_receipts: { home: "store", by: "purchase_order_id", via: "purchase_orders" },
  // Rollups are derived per (store, local day): each shard rolls up its own stores; reports fan out and add up. The
  // configuration they were built with and their dirty marks are guarded like any owned row; the rollup rows are
  // `derived`.
  rollup_stores: { key: ["store_id"], home: "store", by: "store_id" },
  rollup_dirty: { key: ["store_id", "day"], home: "store", by: "store_id" },
  rollup_order_hours: { key: ["store_id", "day", "channel", "warehouse_id", "currency"], home: "store", by: "store_id", derived: true },
  rollup_order_days: { key: ["store_id", "day", "channel", "warehouse_id", "currency"], home: "store", by: "store_id", derived: true },
  rollup_durations: { key: ["store_id", "day", "span", "channel"], home: "store", by: "store_id", derived: true },
  rollup_sla_breaches: { key: ["order_id", "span"], home: "store", by: "store_id", derived: true },
  rollup_staff_days: { key: ["store_id", "day", "actor", "metric"], home: "store", by: "store_id", derived: true },
  rollup_reason_days: { key: ["store_id", "day", "event", "reason"], home: "store", by: "store_id", derived: true },
  rollup_sku_days: { key: ["store_id", "day", "warehouse_id", "sku", "currency"], home: "store", by: "store_id", derived: true },
  rollup_floor_days: { key: ["store_id", "day", "warehouse_id", "worker", "metric"], home: "store", by: "store_id", derived: true },
  rollup_audit_days: { key: ["store_id", "day", "outcome", "code", "severity"], home: "store", by: "store_id", derived: true },
  rollup_carrier_days: { key: ["store_id", "day", "carrier", "service"], home: "store", by: "store_id", derived: true },
  rollup_gross_profit_days: { key: ["store_id", "day", "channel", "currency", "sku"], home: "store", by: "store_id", derived: true },
  rollup_finance_days: { key: ["store_id", "day", "channel", "currency"], home: "store", by: "store_id", derived: true },

  // --- a warehouse's own data: on the shard of the pool of stores it serves ---------------------------------------
  warehouses: { home: "warehouse", by: "id", why: "store_ids decides the pool; the stock triggers read it in the stock batch" },
  warehouse_changes: { home: "warehouse", by: "warehouse_id" },
  zones: { home: "warehouse", by: "warehouse_id" },
  bins: { home: "warehouse", by: "warehouse_id" },
  stock_levels: { key: ["bin_id", "sku"], home: "warehouse", by: "warehouse_id", why: "reserved by CHECKs inside the batch that writes the order's shipment items" },
  stock_movements: { home: "warehouse", by: "warehouse_id" },
  stock_costs: { key: ["warehouse_id", "sku"], home: "warehouse", by: "warehouse_id" },
  stock_counts: { home: "warehouse", by: "warehouse_id" },
  stock_count_lines: { key: ["count_id", "bin_id", "sku"], home: "warehouse", by: "count_id", via: "stock_counts" },
  package_types: { home: "warehouse", by: "warehouse_id" },
  waves: { home: "warehouse", by: "warehouse_id", why: "a wave gathers the shipments of every store the warehouse serves" },
  warehouse_events: { home: "warehouse", by: "warehouse_id" },
  stock_transfers: {
    home: "warehouse",
    by: "from_warehouse_id",
    also: "to_warehouse_id",
    why: "sent from one warehouse and received at another: between two pools the send and the receipt are on two shards, each row a copy of the other's pool's too",
  },
  stock_transfer_lines: { key: ["transfer_id", "line_no"], home: "warehouse", by: "transfer_id", via: "stock_transfers" },

  // --- every database's own machinery -----------------------------------------------------------------------------
  outbox: { home: "shard", why: "written in the batch of the change that owes it, on that change's database; the sweep runs per database" },
  consumed_messages: { home: "shard", why: "a consumer's receipt commits with its writes, on the database they go to" },
  idempotency_keys: { home: "shard", why: "the record commits with the request's writes (intake's batch), on the database they go to" },
  inbound_webhooks: { home: "shard", why: "a partner event's dedupe row commits with its effect (a 3PL's confirmation on the warehouse's shard)" },
  batch_assertions: { home: "shard", why: "holds no row: the CHECK that fails a batch from inside, needed by every database's batches" },
  rollup_state: { home: "shard", why: "the change scan's watermark and lease over this database's orders (one row)" },
  rollup_unit_events: { home: "shard", why: "the rollup run's working copy of one unit's order events, emptied by each run: never moved, rebuilt by the next run" },
  rollup_unit_offsets: { home: "shard", why: "the rollup run's working copy of one unit's local time per store, emptied by each run: never moved, rebuilt by the next run" },
  webhook_dispatch_cursor: { home: "shard", why: "how far this database's events have been fanned out (one row): seq is per database" },
  moving_owners: { home: "shard", why: "the owners whose rows this database's guard triggers refuse to write during a move (src/db/schema/pool-moves.ts)" },
  move_writer: { home: "shard", why: "holds no row outside the move's own copy batches" },
  move_changes: { home: "shard", why: "the keys of a copying pool's rows written on this database since its copy began: the move's catch-up" },
  moved_rows: { home: "shard", why: "a moved pool's log rows' keys on this database by their keys on the source: those keys are per database" },
} as const satisfies Record<TableName, Placement>;

/**
 * How a row of `table` names its owners, as SQL: the columns of the row itself, or the columns of the `via` row its
 * `by` points to (whose key is `id`). What a move copies by (src/pools/copy-rows.ts) and what the guard triggers of
 * migration 0041 check (scripts/move-guards.mjs), so both read one definition.
 */
export function ownerPath(table: TableName): { columns: string[]; via?: { table: TableName; by: string } } {
  const p: Placement = PLACEMENT[table];
  if (!p.by || (p.home !== "store" && p.home !== "warehouse")) throw new Error(`${table} is not owned by a store or a warehouse`);
  if (!p.via) return { columns: p.also ? [p.by, p.also] : [p.by] };
  return { columns: ownerPath(p.via).columns, via: { table: p.via, by: p.by } };
}

/** The primary key's columns of an owned table: `key`, else `id`. */
export const keyOf = (table: TableName): readonly string[] => (PLACEMENT[table] as Placement).key ?? ["id"];

/** The tables with the given home. */
export function tablesAt(home: Home): TableName[] {
  return (Object.keys(PLACEMENT) as TableName[]).filter((t) => PLACEMENT[t].home === home);
}

/**
 * The directory tables the Worker reads and writes on the directory (build step 3 of docs/SHARDING.md): people, keys,
 * sessions, positions, saved views, the activity log, dead letters and the customers (whose links carry the facts of
 * their orders, so no read joins a shard). The routing tables have been on the directory from the start. `scripts/copy-directory.mjs` copies these from shard 0
 * when a deployment made before them upgrades, and the test setup checks after every file that no shard holds a
 * row of one.
 */
export const ON_DIRECTORY = [
  "positions",
  "users",
  "user_recovery_codes",
  "passkeys",
  "sessions",
  "user_tokens",
  "auth_challenges",
  "sign_in_throttle",
  "staff_emails",
  "saved_views",
  "api_keys",
  "activity_log",
  "dead_letters",
  // Customers: a customer before what points at it, for the upgrade's copy (scripts/copy-directory.mjs).
  "customers",
  "customer_identities",
  "customer_links",
  "customer_events",
  "customer_sync_state",
] as const satisfies readonly TableName[];
