/** Warehouses, bins, stock and its ledger (src/inventory). */
import { sql } from "drizzle-orm";
import { encryptedText } from "../encrypted";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * A place that holds stock: our own, or a third-party logistics provider
 * (3PL) that we dispatch to by signed webhook and that confirms shipments
 * back through /webhooks/3pl/:id, signed with the same secret.
 */
export const warehouses = sqliteTable("warehouses", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  kind: text("kind", { enum: ["own", "third_party"] })
    .notNull()
    .default("own"),
  country: text("country").notNull(),
  region: text("region"),
  /** The currency stock costs are kept in. */
  currency: text("currency").notNull().default("USD"),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  /** Packing accepts a measured weight within max(pct of expected, grams) of the catalogue weight. */
  weightTolerancePct: integer("weight_tolerance_pct").notNull().default(5),
  weightToleranceGrams: integer("weight_tolerance_grams").notNull().default(20),
  /** 3PL only: where dispatches are POSTed, and the Standard Webhooks secret (whsec_...) for both directions. */
  webhookUrl: text("webhook_url"),
  /** Sealed at rest (src/db/encrypted.ts). */
  webhookSecret: encryptedText("webhook_secret"),
  /**
   * The stores this warehouse ships for: a JSON array of store ids, or ["*"]
   * for every store of the merchant. Allocation considers it only for these
   * stores. A warehouse of exactly one store may be managed by that store's
   * admins; a shared one (["*"] or several stores) only by a merchant-wide key.
   */
  storeIds: text("store_ids", { mode: "json" }).$type<string[]>().notNull().default(["*"]),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull().default(0),
});

/**
 * Who changed a warehouse's configuration, when, and what: append-only,
 * written in the same batch as the change. `changes` maps each field to its
 * value before and after (`from` is null on creation). The webhook secret is
 * never recorded.
 */
export const warehouseChanges = sqliteTable(
  "warehouse_changes",
  {
    id: text("id").primaryKey(),
    warehouseId: text("warehouse_id").notNull(),
    /** `add_layout`: a zone or bin added (layout is configuration too). */
    action: text("action", { enum: ["create", "update", "add_layout"] }).notNull(),
    actor: text("actor").notNull(),
    changes: text("changes", { mode: "json" }).$type<Record<string, { from: unknown; to: unknown }>>().notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("warehouse_changes_wh_idx").on(t.warehouseId, t.id)],
);

export const zones = sqliteTable(
  "zones",
  {
    id: text("id").primaryKey(),
    warehouseId: text("warehouse_id")
      .notNull()
      .references(() => warehouses.id),
    code: text("code").notNull(),
    name: text("name").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("zones_wh_code_uq").on(t.warehouseId, t.code)],
);

/**
 * A bin location. `pick_sequence` is its place on the walking path: pick
 * lists are sorted by it. Every warehouse has one `outbound` bin (OUTBOUND)
 * where picked goods wait for packing and shipping. Bins are never deleted
 * (only deactivated), so a stock row's bin always exists.
 */
export const bins = sqliteTable(
  "bins",
  {
    id: text("id").primaryKey(),
    warehouseId: text("warehouse_id")
      .notNull()
      .references(() => warehouses.id),
    zoneId: text("zone_id").references(() => zones.id),
    code: text("code").notNull(),
    kind: text("kind", { enum: ["storage", "outbound"] })
      .notNull()
      .default("storage"),
    pickSequence: integer("pick_sequence").notNull().default(0),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("bins_wh_code_uq").on(t.warehouseId, t.code)],
);

/**
 * Stock per (bin, sku). Rows are never deleted. The CHECKs are what make
 * reservation race-free: a batch that would reserve more than is on hand,
 * or take on-hand below what is reserved, fails as a whole (D1 rolls the
 * batch back), so concurrent allocations can never oversell. SKUs are the
 * merchant's, shared by its stores.
 */
export const stockLevels = sqliteTable(
  "stock_levels",
  {
    binId: text("bin_id")
      .notNull()
      .references(() => bins.id),
    sku: text("sku").notNull(),
    warehouseId: text("warehouse_id")
      .notNull()
      .references(() => warehouses.id),
    onHand: integer("on_hand").notNull().default(0),
    reserved: integer("reserved").notNull().default(0),
    available: integer("available").generatedAlwaysAs(sql`on_hand - reserved`, { mode: "virtual" }),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.binId, t.sku] }),
    index("stock_levels_wh_sku_idx").on(t.warehouseId, t.sku),
    check("stock_levels_on_hand_nonneg", sql`${t.onHand} >= 0`),
    check("stock_levels_reserved_nonneg", sql`${t.reserved} >= 0`),
    check("stock_levels_reserved_within_on_hand", sql`${t.reserved} <= ${t.onHand}`),
  ],
);

export const MOVEMENT_KINDS = ["receive", "adjust", "transfer_out", "transfer_in", "count", "reserve", "release", "pick", "restock", "ship", "return"] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

/**
 * The append-only stock ledger: every change of a stock row is a movement
 * written in the same batch, so summing the deltas per (bin, sku) gives the
 * levels back (checked by GET /v1/warehouses/:id/stock-check).
 */
export const stockMovements = sqliteTable(
  "stock_movements",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    warehouseId: text("warehouse_id").notNull(),
    binId: text("bin_id").notNull(),
    sku: text("sku").notNull(),
    kind: text("kind", { enum: MOVEMENT_KINDS }).notNull(),
    onHandDelta: integer("on_hand_delta").notNull(),
    reservedDelta: integer("reserved_delta").notNull(),
    /** Receipts and transfers in: the unit cost paid; ship movements: the moving average at the time the goods left. Minor units of the warehouse's currency. */
    unitCost: integer("unit_cost"),
    actor: text("actor").notNull(),
    reason: text("reason"),
    /** What caused it: a receipt, adjustment, transfer, count, order or shipment id. */
    refType: text("ref_type"),
    refId: text("ref_id"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("stock_movements_wh_sku_idx").on(t.warehouseId, t.sku, t.id),
    // Covering for the unit cost of what a shipment took of a SKU (analytics/folds/sku-sales.ts), asked for every
    // shipped sale a rollup unit counts; with only the reference each answer read the movements' rows. One 7-day
    // unit's SKU sales (node:sqlite, issue #18's bench data): 208-217 ms and 20,960 page reads beyond the cache with
    // the reference only, 189 ms and 12,354 covered.
    index("stock_movements_ref_idx").on(t.refId, t.kind, t.sku, t.onHandDelta, t.unitCost),
  ],
);

/** Moving average unit cost per (warehouse, sku), recomputed on every receipt and transfer in. */
export const stockCosts = sqliteTable(
  "stock_costs",
  {
    warehouseId: text("warehouse_id").notNull(),
    sku: text("sku").notNull(),
    /** Minor units of `currency`, rounded to the nearest unit at each receipt. */
    avgUnitCost: integer("avg_unit_cost").notNull(),
    currency: text("currency").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.warehouseId, t.sku] })],
);

/** A stocktake: what was counted where, what the system expected, and the variance booked. */
export const stockCounts = sqliteTable("stock_counts", {
  id: text("id").primaryKey(),
  warehouseId: text("warehouse_id").notNull(),
  actor: text("actor").notNull(),
  reason: text("reason"),
  createdAt: integer("created_at").notNull(),
});

export const stockCountLines = sqliteTable(
  "stock_count_lines",
  {
    countId: text("count_id").notNull(),
    binId: text("bin_id").notNull(),
    sku: text("sku").notNull(),
    expected: integer("expected").notNull(),
    counted: integer("counted").notNull(),
  },
  (t) => [primaryKey({ columns: [t.countId, t.binId, t.sku] })],
);

/**
 * The packaging a warehouse packs into (cartons, mailers, pallets), each with
 * its own empty weight: packing expects the goods' catalogue weight plus the
 * tare of the packages used, so a real carton on the scale passes. Codes are
 * what the packer scans or picks; a type is retired (inactive), never deleted,
 * so a packed shipment's package type always exists.
 */
export const packageTypes = sqliteTable(
  "package_types",
  {
    id: text("id").primaryKey(),
    warehouseId: text("warehouse_id")
      .notNull()
      .references(() => warehouses.id),
    code: text("code").notNull(),
    name: text("name").notNull(),
    tareGrams: integer("tare_grams").notNull(),
    lengthMm: integer("length_mm").notNull(),
    widthMm: integer("width_mm").notNull(),
    heightMm: integer("height_mm").notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("package_types_wh_code_uq").on(t.warehouseId, t.code), check("package_types_tare_nonneg", sql`${t.tareGrams} >= 0`)],
);
