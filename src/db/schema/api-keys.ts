/** API keys and what each may reach (src/api-keys, src/http/auth.ts). */
import { integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Only the SHA-256 of a key is stored; the key itself is shown once, at creation. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    role: text("role").notNull(),
    /** JSON array of store ids, or ["*"] for every store. */
    storeIds: text("store_ids", { mode: "json" }).$type<string[]>().notNull(),
    /** JSON array of warehouse ids, or ["*"] for every warehouse: what warehouse staff may see and work in. */
    warehouseIds: text("warehouse_ids", { mode: "json" }).$type<string[]>().notNull().default(["*"]),
    keyHash: text("key_hash").notNull(),
    /** The first characters of the key, so a person can tell keys apart. */
    keyPrefix: text("key_prefix").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_hash_uq").on(t.keyHash)],
);
