/**
 * The buying side (src/procurement): suppliers, what each supplies at what
 * cost, purchase orders with their lines and their history, and receipts of
 * goods against them. Money is integer minor units of the row's currency.
 */
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";
import { encryptedText } from "../encrypted";

/** A supplier of one store: whom purchase orders go to, in which currency, on what terms. */
export const suppliers = sqliteTable(
  "suppliers",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id").notNull(),
    name: text("name").notNull(),
    contactName: text("contact_name"),
    email: text("email"),
    phone: text("phone"),
    /** ISO 4217: the currency its purchase orders are priced in. */
    currency: text("currency").notNull(),
    /** Free text as agreed ("NET 30", "50% upfront"), and the days to pay after receipt, for cash planning. */
    paymentTerms: text("payment_terms"),
    paymentDays: integer("payment_days").notNull().default(30),
    /** Days from submitting an order to the goods arriving, unless a supplier item says otherwise. */
    leadTimeDays: integer("lead_time_days").notNull().default(7),
    /** Receiving up to this percentage more than ordered needs no reason; beyond it, a reason. */
    overReceiptPct: integer("over_receipt_pct").notNull().default(0),
    note: text("note"),
    /** Where submitted orders are POSTed as signed Standard Webhooks; without it they are emailed (as a PDF) to `email`. */
    webhookUrl: text("webhook_url"),
    /** Sealed at rest (src/db/encrypted.ts). */
    webhookSecret: encryptedText("webhook_secret"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("suppliers_store").on(t.storeId, t.name)],
);

/** What a supplier supplies: its own code for our SKU, the price, and how it must be ordered. */
export const supplierItems = sqliteTable(
  "supplier_items",
  {
    supplierId: text("supplier_id").notNull(),
    sku: text("sku").notNull(),
    supplierSku: text("supplier_sku"),
    /** Minor units of the supplier's currency, per unit. */
    unitCost: integer("unit_cost").notNull(),
    minOrderQty: integer("min_order_qty").notNull().default(1),
    /** Units per pack: order quantities are whole packs. */
    packSize: integer("pack_size").notNull().default(1),
    /** Overrides the supplier's lead time for this item. */
    leadTimeDays: integer("lead_time_days"),
    /** Replenishment orders this SKU from this supplier (else from the one with the shortest lead time). */
    preferred: integer("preferred", { mode: "boolean" }).notNull().default(false),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.supplierId, t.sku] }),
    index("supplier_items_sku").on(t.sku),
    check("supplier_items_positive", sql`${t.unitCost} >= 0 AND ${t.minOrderQty} >= 1 AND ${t.packSize} >= 1`),
  ],
);

export const PURCHASE_ORDER_STATUSES = ["draft", "submitted", "partially_received", "received", "closed", "cancelled"] as const;
export type PurchaseOrderStatus = (typeof PURCHASE_ORDER_STATUSES)[number];

/**
 * An order to a supplier for goods delivered to one warehouse. `version`
 * counts its changes; each change is an event with that sequence number, and
 * (purchase_order_id, seq) being unique is what serializes two changes at once.
 */
export const purchaseOrders = sqliteTable(
  "purchase_orders",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id").notNull(),
    supplierId: text("supplier_id").notNull(),
    warehouseId: text("warehouse_id").notNull(),
    status: text("status", { enum: PURCHASE_ORDER_STATUSES }).notNull(),
    currency: text("currency").notNull(),
    /** The supplier's over-receipt tolerance when the order was made. */
    overReceiptPct: integer("over_receipt_pct").notNull(),
    expectedAt: integer("expected_at"),
    note: text("note"),
    version: integer("version").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    submittedAt: integer("submitted_at"),
    /** When the last of its goods arrived (status received), for the supplier's on-time rate. */
    receivedAt: integer("received_at"),
    closedAt: integer("closed_at"),
    cancelledAt: integer("cancelled_at"),
    /** Why it was closed short of what was ordered, or cancelled. */
    closeReason: text("close_reason"),
    /** How the submitted order reached the supplier: by webhook, by email, or not at all (no webhook or email: sent by hand). */
    sentVia: text("sent_via", { enum: ["webhook", "email", "manual"] }),
    sentTo: text("sent_to"),
    sentAt: integer("sent_at"),
  },
  (t) => [index("purchase_orders_store").on(t.storeId, t.status, t.createdAt), index("purchase_orders_supplier").on(t.supplierId, t.createdAt)],
);

export const purchaseOrderLines = sqliteTable(
  "purchase_order_lines",
  {
    purchaseOrderId: text("purchase_order_id").notNull(),
    lineNo: integer("line_no").notNull(),
    sku: text("sku").notNull(),
    supplierSku: text("supplier_sku"),
    quantity: integer("quantity").notNull(),
    /** Minor units of the order's currency, per unit. */
    unitCost: integer("unit_cost").notNull(),
    receivedQty: integer("received_qty").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.purchaseOrderId, t.lineNo] }),
    index("purchase_order_lines_sku").on(t.sku),
    check("purchase_order_lines_counts", sql`${t.quantity} >= 0 AND ${t.receivedQty} >= 0 AND ${t.unitCost} >= 0`),
  ],
);

/** A purchase order's history: made, changed (what, from what), submitted, each receipt, closed, cancelled. */
export const purchaseOrderEvents = sqliteTable(
  "purchase_order_events",
  {
    id: text("id").primaryKey(),
    purchaseOrderId: text("purchase_order_id").notNull(),
    seq: integer("seq").notNull(),
    type: text("type").notNull(),
    fromStatus: text("from_status"),
    toStatus: text("to_status").notNull(),
    actor: text("actor").notNull(),
    reason: text("reason"),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("purchase_order_events_seq").on(t.purchaseOrderId, t.seq)],
);

/**
 * Goods received against a purchase order: where each line went, at what
 * rate the order's currency was converted to the warehouse's, and the landed
 * costs spread over the lines. Each line is also a `receive` movement in the
 * stock ledger (ref_type purchase_order).
 */
export const purchaseOrderReceipts = sqliteTable(
  "purchase_order_receipts",
  {
    id: text("id").primaryKey(),
    purchaseOrderId: text("purchase_order_id").notNull(),
    warehouseId: text("warehouse_id").notNull(),
    /** Warehouse currency per unit of the order's currency, as a decimal string ("1" when they are the same). */
    fxRate: text("fx_rate").notNull(),
    /** Minor units of the warehouse's currency: freight, duty and other costs of getting the goods here. */
    landedCosts: text("landed_costs", { mode: "json" }).$type<{ kind: string; amount: number }[]>().notNull(),
    allocateBy: text("allocate_by", { enum: ["value", "weight"] }).notNull(),
    lines: text("lines", { mode: "json" }).$type<{ line_no: number; sku: string; bin_id: string; quantity: number; unit_cost: number; landed_unit_cost: number }[]>().notNull(),
    reason: text("reason"),
    reference: text("reference"),
    actor: text("actor").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("purchase_order_receipts_po").on(t.purchaseOrderId, t.createdAt)],
);

export const TRANSFER_STATUSES = ["in_transit", "partially_received", "received"] as const;

/**
 * Which end of a transfer this row is. `both`: the two warehouses are on one database and this row is the transfer.
 * Between databases (docs/SHARDING.md, build step 10) the transfer is two rows with one id: `source` on the sending
 * warehouse's database (what left, and what the destination has said it received), `destination` on the receiving
 * one's (what is on its way there, and what came in).
 */
export const TRANSFER_SIDES = ["both", "source", "destination"] as const;

/**
 * Stock sent from one of our warehouses to another: it leaves the source's
 * bins when sent (transfer_out movements) and is in transit, counted on
 * neither warehouse's shelves but on order for the destination, until
 * received into the destination's bins (transfer_in), at the cost it left with.
 */
export const stockTransfers = sqliteTable(
  "stock_transfers",
  {
    id: text("id").primaryKey(),
    fromWarehouseId: text("from_warehouse_id").notNull(),
    toWarehouseId: text("to_warehouse_id").notNull(),
    status: text("status", { enum: TRANSFER_STATUSES }).notNull(),
    note: text("note"),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    receivedAt: integer("received_at"),
    side: text("side", { enum: TRANSFER_SIDES }).notNull().default("both"),
  },
  (t) => [
    index("stock_transfers_to").on(t.toWarehouseId, t.status),
    index("stock_transfers_from").on(t.fromWarehouseId, t.createdAt),
    check("stock_transfers_side", sql`${t.side} IN ('both', 'source', 'destination')`),
  ],
);

export const stockTransferLines = sqliteTable(
  "stock_transfer_lines",
  {
    transferId: text("transfer_id").notNull(),
    lineNo: integer("line_no").notNull(),
    sku: text("sku").notNull(),
    fromBinId: text("from_bin_id").notNull(),
    quantity: integer("quantity").notNull(),
    /** The source's moving-average cost when the goods left, in `currency` (null: none recorded). */
    unitCost: integer("unit_cost"),
    currency: text("currency").notNull(),
    receivedQty: integer("received_qty").notNull().default(0),
  },
  // Never more received than was sent: two receipts of the last units at once cannot both count.
  (t) => [primaryKey({ columns: [t.transferId, t.lineNo] }), check("stock_transfer_lines_received_within_sent", sql`${t.receivedQty} >= 0 AND ${t.receivedQty} <= ${t.quantity}`)],
);
