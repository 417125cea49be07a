/**
 * The sharding directory's routing tables (docs/SHARDING.md, section 3): which database holds a store's rows. They
 * live on the directory database (binding `DIRECTORY`), and, like every table, exist on every database because one
 * migration set goes everywhere (section 7); on a shard they stay empty.
 *
 * In use since build step 4: creating a store or a warehouse writes its home (`shards`, `pools`, `store_homes`,
 * `warehouse_homes`, src/db/homes.ts), and `shardOf` reads them; requests route by the answer since step 5. Each label
 * writes its `tracking_routes` row since step 6 (src/logistics/tracking-route.ts); `legacy_homes` is not written by the
 * Worker yet (step 9). There are no foreign keys to `stores` or
 * `warehouses`: those rows are on the shards, and a key cannot point into another database.
 */
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export const SHARD_STATES = ["open", "full", "draining"] as const;

/** A database that holds pools: the Worker reaches it through the D1 binding named here (a deploy adds one). */
export const shards = sqliteTable(
  "shards",
  {
    /** Stable name, e.g. `s0`; `DB`, the database from before sharding, is shard 0. */
    id: text("id").primaryKey(),
    /** The wrangler.toml D1 binding (`DB`, `DB_1`, …): bindings are static, so a new shard is a deploy. */
    binding: text("binding").notNull().unique(),
    /** `open`: new pools may be placed here; `full`: no new pools; `draining`: its pools are being moved away. */
    state: text("state", { enum: SHARD_STATES }).notNull().default("open"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [check("shards_state", sql`${t.state} IN ('open', 'full', 'draining')`)],
);

export const POOL_STATES = ["live", "moving", "frozen"] as const;

/**
 * A stock pool (SHARDING.md section 2): stores and the warehouses that serve them, the smallest thing that can be
 * placed, since every batch that writes a store's rows with a warehouse's stock stays inside one.
 */
export const pools = sqliteTable(
  "pools",
  {
    id: text("id").primaryKey(),
    shardId: text("shard_id")
      .notNull()
      .references(() => shards.id),
    /** `live`: served from its shard; `moving`: being copied (still served); `frozen`: writes refused until the switch. */
    state: text("state", { enum: POOL_STATES }).notNull().default("live"),
    /** Bumped by every switch of shard, so a cached route can tell it is stale. */
    version: integer("version").notNull().default(1),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("pools_shard").on(t.shardId), check("pools_state", sql`${t.state} IN ('live', 'moving', 'frozen')`)],
);

/** Which pool a store is in, and the short tag its new ids will carry (so an id finds its shard without a lookup). */
export const storeHomes = sqliteTable(
  "store_homes",
  {
    storeId: text("store_id").primaryKey(),
    poolId: text("pool_id")
      .notNull()
      .references(() => pools.id),
    tag: text("tag").notNull().unique(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("store_homes_pool").on(t.poolId)],
);

/** Which pool a warehouse is in, and the tag new wave and transfer ids will carry. */
export const warehouseHomes = sqliteTable(
  "warehouse_homes",
  {
    warehouseId: text("warehouse_id").primaryKey(),
    poolId: text("pool_id")
      .notNull()
      .references(() => pools.id),
    tag: text("tag").notNull().unique(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("warehouse_homes_pool").on(t.poolId)],
);

/**
 * A tracking number's store, for carriers' webhooks that name only the number (SHARDING.md section 5). Written
 * when a label is bought, through the outbox, so it may lag a few seconds behind the label.
 */
export const trackingRoutes = sqliteTable(
  "tracking_routes",
  {
    trackingNumber: text("tracking_number").notNull(),
    carrier: text("carrier").notNull(),
    storeId: text("store_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.trackingNumber, t.carrier] })],
);

/** The store of an id made before ids carried a store tag, for stores that moved off shard 0 (the move script writes it). */
export const legacyHomes = sqliteTable("legacy_homes", {
  id: text("id").primaryKey(),
  storeId: text("store_id").notNull(),
  createdAt: integer("created_at").notNull(),
});
