/** The catalogue (src/products). */
import { integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { stores } from "./stores";

export const products = sqliteTable(
  "products",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id")
      .notNull()
      .references(() => stores.id),
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    type: text("type", { enum: ["goods", "service"] }).notNull(),
    price: integer("price").notNull(),
    currency: text("currency").notNull(),
    weightGrams: integer("weight_grams").notNull().default(0),
    /** What a scanner reads off the item (EAN/UPC/...), accepted at pick and pack as well as the SKU. */
    barcode: text("barcode"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("products_store_sku_uq").on(t.storeId, t.sku)],
);
