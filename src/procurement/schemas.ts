/** The procurement API's shapes: suppliers, their items, purchase orders, their changes and receipts. */
import { z } from "@hono/zod-openapi";
import { ActorNameFields } from "../activity/schemas";
import { PURCHASE_ORDER_STATUSES, TRANSFER_STATUSES } from "../db/schema";
import { csv, ListQuery, listOf, Rfc3339 } from "../http/route";
import { outboundUrlAllowed } from "../lib/outbound-url";
import { Code, Sku } from "../inventory/schemas";
import { Amount, Currency } from "../orders/schemas";
import { PO_EVENTS } from "./purchase-order-rules";

const text = (max: number) => z.string().trim().min(1).max(max);
const Days = z.number().int().min(0).max(365);
const Quantity = z.number().int().min(1).max(1_000_000);

const idParam = (example: string) =>
  z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example });
export const SupplierIdParam = z.object({ id: idParam("sup_01KB2R8W3D4C9QJ6H7ZNEXAMPLE") });
export const SupplierItemParams = z.object({
  id: idParam("sup_01KB2R8W3D4C9QJ6H7ZNEXAMPLE"),
  sku: Sku.openapi({ param: { name: "sku", in: "path" } }),
});
export const PurchaseOrderIdParam = z.object({ id: idParam("po_01KB2R8W3D4C9QJ6H7ZNEXAMPLE") });

const supplierFields = {
  name: text(200),
  contact_name: text(200).nullable().optional(),
  email: z.string().trim().email().max(254).nullable().optional(),
  phone: text(40).nullable().optional(),
  payment_terms: text(200).nullable().optional().openapi({ example: "NET 30" }),
  payment_days: Days.optional().openapi({ description: "Days to pay after receipt (default 30)" }),
  lead_time_days: Days.optional().openapi({ description: "Days from submitting an order to the goods arriving (default 7)" }),
  over_receipt_pct: z.number().int().min(0).max(100).optional().openapi({ description: "Receiving up to this % more than ordered needs no reason (default 0)" }),
  note: text(2000).nullable().optional(),
  webhook_url: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .refine(outboundUrlAllowed, { message: "must be an https URL (plain http only to localhost), without user or password" })
    .nullable()
    .optional()
    .openapi({ description: "Where submitted orders are POSTed as signed Standard Webhooks; without it they are emailed to `email` as a PDF" }),
};

export const CreateSupplier = z
  .object({ store_id: text(64), currency: Currency, ...supplierFields })
  .strict()
  .openapi("CreateSupplier");

export const UpdateSupplier = z
  .object({
    ...supplierFields,
    name: text(200).optional(),
    active: z.boolean().optional(),
    rotate_webhook_secret: z
      .boolean()
      .optional()
      .openapi({ description: "Draw a new signing secret for the webhook_url (returned in this answer only); the old one stops working at once" }),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: "nothing to change" })
  .openapi("UpdateSupplier");

export const Supplier = z
  .object({
    id: z.string(),
    store_id: z.string(),
    name: z.string(),
    contact_name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    currency: z.string(),
    payment_terms: z.string().nullable(),
    payment_days: z.number().int(),
    lead_time_days: z.number().int(),
    over_receipt_pct: z.number().int(),
    note: z.string().nullable(),
    webhook_url: z.string().nullable(),
    webhook_secret_set: z.boolean().openapi({ description: "Whether orders to the webhook_url are signed with a secret (shown only when it is drawn)" }),
    webhook_secret: z
      .string()
      .nullable()
      .optional()
      .openapi({ description: "The Standard Webhooks secret orders are signed with: only in the answer that set a new webhook_url or rotated the secret (null in a replay)" }),
    active: z.boolean(),
    created_at: Rfc3339,
    updated_at: Rfc3339,
  })
  .openapi("Supplier");
export const SupplierList = listOf(Supplier, "SupplierList");

export const ListSuppliersQuery = z.object({
  ...ListQuery,
  store_id: z.string().max(64).optional(),
  active: z.enum(["true", "false"]).optional(),
});

export const PutSupplierItem = z
  .object({
    supplier_sku: text(64).nullable().optional(),
    unit_cost: Amount.openapi({ description: "Per unit, in the supplier's currency" }),
    min_order_qty: Quantity.optional(),
    pack_size: Quantity.optional(),
    lead_time_days: Days.nullable().optional().openapi({ description: "Overrides the supplier's lead time for this item" }),
    preferred: z.boolean().optional().openapi({ description: "Replenishment orders the SKU from this supplier (else from the one with the shortest lead time)" }),
  })
  .strict()
  .openapi("PutSupplierItem");

export const SupplierItem = z
  .object({
    supplier_id: z.string(),
    sku: z.string(),
    supplier_sku: z.string().nullable(),
    unit_cost: Amount,
    currency: z.string(),
    min_order_qty: z.number().int(),
    pack_size: z.number().int(),
    lead_time_days: z.number().int().nullable(),
    preferred: z.boolean(),
    updated_at: Rfc3339,
  })
  .openapi("SupplierItem");
export const SupplierItemList = z.object({ data: z.array(SupplierItem) }).openapi("SupplierItemList");

const PoLineInput = z
  .object({
    sku: Sku,
    quantity: Quantity,
    unit_cost: Amount.optional().openapi({ description: "Per unit, in the supplier's currency; the supplier item's cost when left out" }),
  })
  .strict();

export const CreatePurchaseOrder = z
  .object({
    supplier_id: text(64),
    warehouse_id: text(64),
    expected_at: Rfc3339.pipe(z.string().datetime({ offset: true }))
      .optional()
      .openapi({ description: "When the goods are due; submit sets it from the lead time when left out" }),
    note: text(2000).nullable().optional(),
    lines: z.array(PoLineInput).min(1).max(200),
  })
  .strict()
  .openapi("CreatePurchaseOrder");

export const UpdatePurchaseOrder = z
  .object({
    expected_version: z.number().int().min(1).optional().openapi({ description: "Refuse (409) if the order changed since this version" }),
    expected_at: Rfc3339.pipe(z.string().datetime({ offset: true }))
      .nullable()
      .optional(),
    note: text(2000).nullable().optional(),
    lines: z.array(PoLineInput).min(1).max(200).optional().openapi({ description: "A draft's lines, all of them (replaces the lines); once submitted, use `quantities`" }),
    quantities: z
      .array(z.object({ line_no: z.number().int().min(1), quantity: z.number().int().min(0).max(1_000_000) }).strict())
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: "New quantities of existing lines, never below what arrived (a submitted order's change, recorded in its history)" }),
  })
  .strict()
  .refine((b) => Object.keys(b).some((k) => k !== "expected_version"), { message: "nothing to change" })
  .openapi("UpdatePurchaseOrder");

export const PurchaseOrderTransition = z
  .object({
    event: z.enum(PO_EVENTS),
    reason: text(500).optional(),
    expected_version: z.number().int().min(1).optional(),
  })
  .strict()
  .openapi("PurchaseOrderTransition");

const LandedCost = z.object({ kind: z.enum(["freight", "duty", "insurance", "other"]), amount: Amount.openapi({ description: "In the warehouse's currency" }) }).strict();

export const ReceivePurchaseOrder = z
  .object({
    lines: z
      .array(z.object({ line_no: z.number().int().min(1), bin: Code, quantity: Quantity }).strict())
      .min(1)
      .max(200),
    fx_rate: z
      .string()
      .max(24)
      .optional()
      .openapi({ description: "Warehouse currency per unit of the order's currency, as on the day (required when they differ)", example: "7.1234" }),
    landed_costs: z.array(LandedCost).max(20).optional(),
    allocate_by: z.enum(["value", "weight"]).optional().openapi({ description: "How landed costs are spread over the lines (default value)" }),
    reason: text(500).optional().openapi({ description: "Required to receive more than the supplier's tolerance over what was ordered" }),
    reference: text(200).optional().openapi({ description: "The supplier's delivery note or ASN number" }),
  })
  .strict()
  .openapi("ReceivePurchaseOrder");

export const PurchaseOrderLine = z.object({
  line_no: z.number().int(),
  sku: z.string(),
  supplier_sku: z.string().nullable(),
  quantity: z.number().int(),
  unit_cost: Amount,
  received_qty: z.number().int(),
  line_total: Amount,
});

export const PurchaseOrderEvent = z.object({
  seq: z.number().int(),
  type: z.string(),
  from_status: z.string().nullable(),
  to_status: z.string(),
  actor: z.string(),
  ...ActorNameFields,
  reason: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
  created_at: Rfc3339,
});

export const PurchaseOrderReceipt = z
  .object({
    id: z.string(),
    warehouse_id: z.string(),
    fx_rate: z.string(),
    allocate_by: z.enum(["value", "weight"]),
    landed_costs: z.array(z.object({ kind: z.string(), amount: Amount })),
    lines: z.array(z.object({ line_no: z.number().int(), sku: z.string(), bin_id: z.string(), quantity: z.number().int(), unit_cost: Amount, landed_unit_cost: Amount })),
    currency: z.string().openapi({ description: "The warehouse's currency, of every amount in the receipt" }),
    reason: z.string().nullable(),
    reference: z.string().nullable(),
    actor: z.string(),
    ...ActorNameFields,
    created_at: Rfc3339,
  })
  .openapi("PurchaseOrderReceipt");

export const PurchaseOrderSummary = z
  .object({
    id: z.string(),
    store_id: z.string(),
    supplier_id: z.string(),
    supplier_name: z.string(),
    warehouse_id: z.string(),
    status: z.enum(PURCHASE_ORDER_STATUSES),
    currency: z.string(),
    total: Amount,
    units: z.number().int(),
    received_units: z.number().int(),
    expected_at: Rfc3339.nullable(),
    version: z.number().int(),
    created_at: Rfc3339,
    updated_at: Rfc3339,
  })
  .openapi("PurchaseOrderSummary");
export const PurchaseOrderList = listOf(PurchaseOrderSummary, "PurchaseOrderList");

export const PurchaseOrder = PurchaseOrderSummary.extend({
  over_receipt_pct: z.number().int(),
  note: z.string().nullable(),
  created_by: z.string(),
  submitted_at: Rfc3339.nullable(),
  received_at: Rfc3339.nullable(),
  closed_at: Rfc3339.nullable(),
  cancelled_at: Rfc3339.nullable(),
  close_reason: z.string().nullable(),
  sent_via: z
    .enum(["webhook", "email", "manual"])
    .nullable()
    .openapi({ description: "How the submitted order reached the supplier; `manual`: it has no webhook or email (or the email was refused): send it by hand" }),
  sent_to: z.string().nullable(),
  sent_at: Rfc3339.nullable(),
  allowed_events: z.array(z.enum(PO_EVENTS)),
  lines: z.array(PurchaseOrderLine),
  events: z.array(PurchaseOrderEvent),
  receipts: z.array(PurchaseOrderReceipt),
}).openapi("PurchaseOrder");

export const ListPurchaseOrdersQuery = z.object({
  ...ListQuery,
  store_id: z.string().max(64).optional(),
  supplier_id: z.string().max(64).optional(),
  warehouse_id: z.string().max(64).optional(),
  status: csv(PURCHASE_ORDER_STATUSES).optional(),
});

const replenishmentParams = {
  window_days: z.coerce.number().int().min(1).max(365).default(28).openapi({ description: "Days of sales the velocity is taken over (default 28)" }),
  safety_days: z.coerce.number().int().min(0).max(365).default(7).openapi({ description: "Days of sales kept as safety stock (default 7)" }),
  cover_days: z.coerce.number().int().min(0).max(365).default(14).openapi({ description: "Days of sales an order covers once it arrives (default 14)" }),
};

export const ReplenishmentQuery = z.object({
  store_id: text(64),
  warehouse_id: text(64),
  ...replenishmentParams,
  include_none: z.enum(["true", "false"]).optional().openapi({ description: "Also list the SKUs that need nothing (default false)" }),
});

export const ReplenishmentSuggestion = z
  .object({
    sku: z.string(),
    name: z.string(),
    action: z.enum(["none", "order", "transfer", "no_supplier"]),
    quantity: z.number().int(),
    velocity: z.number().openapi({ description: "Units sold per day over the window" }),
    safety_stock: z.number().int(),
    reorder_point: z.number().int(),
    on_hand: z.number().int().openapi({ description: "On the shelves of this warehouse" }),
    reserved: z.number().int().openapi({ description: "Of them, promised to orders being fulfilled" }),
    available: z.number().int(),
    on_order: z.number().int().openapi({ description: "Purchase orders to this warehouse not yet received (drafts included) and transfers in transit to it" }),
    in_transit: z.number().int().openapi({ description: "Of on_order, units of transfers on their way here" }),
    backordered: z.number().int(),
    position: z.number().int().openapi({ description: "available + on order - backordered" }),
    target: z.number().int(),
    lead_time_days: z.number().int().nullable(),
    supplier_id: z.string().nullable(),
    supplier_name: z.string().nullable(),
    transfer_from: z.string().nullable(),
    explanation: z.string(),
  })
  .openapi("ReplenishmentSuggestion");

export const ReplenishmentList = z
  .object({
    data: z.array(ReplenishmentSuggestion),
    params: z.object({ window_days: z.number().int(), safety_days: z.number().int(), cover_days: z.number().int() }),
  })
  .openapi("ReplenishmentList");

export const DraftFromSuggestions = z
  .object({
    store_id: text(64),
    warehouse_id: text(64),
    skus: z.array(Sku).min(1).max(200).optional().openapi({ description: "Only these SKUs' suggestions (default: every suggestion to order)" }),
    window_days: replenishmentParams.window_days.optional(),
    safety_days: replenishmentParams.safety_days.optional(),
    cover_days: replenishmentParams.cover_days.optional(),
  })
  .strict()
  .openapi("DraftFromSuggestions");

export const DraftsMade = z
  .object({
    data: z.array(z.object({ id: z.string(), supplier_id: z.string(), skus: z.array(z.string()) })),
    skipped: z.array(z.object({ sku: z.string(), action: z.string(), reason: z.string() })),
  })
  .openapi("DraftsMade");

const UtcDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a day like 2026-12-01")
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), { message: "must be a real day" });

export const SupplierReportQuery = z
  .object({
    from: UtcDay.openapi({ description: "First day (UTC) of the orders submitted, inclusive", example: "2026-11-01" }),
    to: UtcDay.openapi({ description: "Last day (UTC), inclusive", example: "2026-11-30" }),
    store_id: z.string().max(64).optional(),
    format: z.enum(["json", "csv"]).default("json"),
  })
  .refine((q) => q.to >= q.from, { message: "must not be before from", path: ["to"] });

export const SupplierReport = z
  .object({
    data: z.array(
      z.object({
        supplier_id: z.string(),
        supplier_name: z.string(),
        store_id: z.string(),
        currency: z.string(),
        orders_submitted: z.number().int(),
        orders_completed: z.number().int().openapi({ description: "Of those, received or closed" }),
        orders_on_time: z.number().int().openapi({ description: "Of those, every unit in by the due time" }),
        on_time_rate: z.number().nullable(),
        units_ordered: z.number().int(),
        units_received: z.number().int(),
        fill_rate: z.number().nullable().openapi({ description: "Units received of units ordered, over the completed orders" }),
        open_orders: z.number().int().openapi({ description: "Submitted or partly received now, whenever submitted" }),
        open_value: Amount.openapi({ description: "What is still to come on them, at their prices, in the supplier's currency" }),
      }),
    ),
  })
  .openapi("SupplierReport");

export const StockReportQuery = z.object({
  warehouse_id: z.string().max(64).optional(),
  format: z.enum(["json", "csv"]).default("json"),
});

export const StockReport = z
  .object({
    data: z.array(
      z.object({
        warehouse_id: z.string(),
        sku: z.string(),
        on_hand: z.number().int(),
        reserved: z.number().int(),
        available: z.number().int(),
        currency: z.string(),
        avg_unit_cost: Amount.nullable(),
        value: Amount.nullable().openapi({ description: "On hand at the moving-average cost" }),
        units_per_day: z.number().openapi({ description: "Sold over the last 28 days, per day (from the daily rollups)" }),
        days_of_cover: z.number().int().nullable().openapi({ description: "Available / units per day; null without sales" }),
        age_0_30: z.number().int(),
        age_31_60: z.number().int(),
        age_61_90: z.number().int(),
        age_over_90: z.number().int().openapi({ description: "Including units older than any receipt in the ledger" }),
      }),
    ),
  })
  .openapi("StockReport");

export const TransferIdParam = z.object({ id: idParam("stt_01KB2R8W3D4C9QJ6H7ZNEXAMPLE") });

export const SendTransfer = z
  .object({
    from_warehouse_id: text(64),
    to_warehouse_id: text(64),
    note: text(500).optional(),
    lines: z
      .array(z.object({ sku: Sku, from_bin: Code, quantity: Quantity }).strict())
      .min(1)
      .max(200),
  })
  .strict()
  .openapi("SendTransfer");

export const ReceiveTransfer = z
  .object({
    lines: z
      .array(z.object({ line_no: z.number().int().min(1), bin: Code, quantity: Quantity }).strict())
      .min(1)
      .max(200),
  })
  .strict()
  .openapi("ReceiveTransfer");

export const StockTransfer = z
  .object({
    id: z.string(),
    from_warehouse_id: z.string(),
    to_warehouse_id: z.string(),
    status: z.enum(TRANSFER_STATUSES),
    note: z.string().nullable(),
    created_by: z.string(),
    created_at: Rfc3339,
    received_at: Rfc3339.nullable(),
    units: z.number().int(),
    received_units: z.number().int(),
    lines: z.array(
      z.object({
        line_no: z.number().int(),
        sku: z.string(),
        from_bin_id: z.string(),
        quantity: z.number().int(),
        received_qty: z.number().int(),
        unit_cost: Amount.nullable().openapi({ description: "The source's moving-average cost when it left" }),
        currency: z.string(),
      }),
    ),
  })
  .openapi("StockTransfer");
export const StockTransferList = listOf(StockTransfer, "StockTransferList");

export const ListTransfersQuery = z.object({
  ...ListQuery,
  warehouse_id: z.string().max(64).optional().openapi({ description: "Transfers from or to this warehouse" }),
  status: csv(TRANSFER_STATUSES).optional(),
});
