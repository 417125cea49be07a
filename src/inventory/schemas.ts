/** The inventory API's shapes: warehouses, zones, bins, stock, the ledger and the operations that write it. */
import { ActorNameFields } from "../activity/schemas";
import { z } from "@hono/zod-openapi";
import { MOVEMENT_KINDS } from "../db/schema";
import { isCountry } from "../lib/countries";
import { csv, ListQuery, listOf, Rfc3339 } from "../http/route";
import { Amount, Currency } from "../orders/schemas";
import { webhookUrlAllowed } from "./warehouse-stores";

const text = (max: number) => z.string().trim().min(1).max(max);
/** Bin and zone codes: what is printed on the shelf label. */
export const Code = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]{0,31}$/, "must be 1 to 32 letters, digits, . _ - or /")
  .openapi({ example: "A-01-03" });
export const Sku = text(64).openapi({ example: "TEA-1" });
const Quantity = z.number().int().min(1).max(1_000_000);

export const WarehouseIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "wh_01KB2R8W3D4C9QJ6H7ZNEXAMPLE" }),
});

export const Warehouse = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(["own", "third_party"]),
    country: z.string(),
    region: z.string().nullable(),
    currency: z.string(),
    active: z.boolean(),
    weight_tolerance_pct: z.number().int(),
    weight_tolerance_grams: z.number().int(),
    webhook_url: z.string().nullable(),
    store_ids: z.array(z.string()).openapi({ description: 'The stores it ships for, or ["*"] for every store' }),
    created_at: Rfc3339,
    updated_at: Rfc3339,
  })
  .openapi("Warehouse");

export const CreatedWarehouse = Warehouse.extend({
  webhook_secret: z.string().nullable().openapi({ description: "3PL only: the Standard Webhooks secret, shown only in this response (null in a replay)" }),
}).openapi("CreatedWarehouse");

const WebhookUrl = z
  .url({ protocol: /^https?$/ })
  .max(500)
  .refine(webhookUrlAllowed, { message: "must be an https URL (plain http only to localhost), without user or password" })
  .openapi({
    description: "3PL only: where dispatches (with the customers' addresses) are POSTed. https; plain http only to localhost for local development",
    example: "https://3pl.example/oms/dispatch",
  });

/** ["*"] alone, or distinct store ids. */
const WarehouseStoreIds = z
  .array(z.string().min(1).max(64))
  .min(1)
  .max(100)
  .refine((ids) => !ids.includes("*") || ids.length === 1, { message: 'is ["*"] alone, or a list of store ids' })
  .refine((ids) => new Set(ids).size === ids.length, { message: "names a store twice" })
  .openapi({
    description:
      'The stores it ships for (allocation sends it only their orders), or ["*"] for every store. A warehouse of more than one store, or of every store, is shared: only a key for every store may create or change it.',
    example: ["*"],
  });

const warehouseFields = {
  name: text(200),
  region: z.string().trim().min(1).max(100).nullable(),
  active: z.boolean(),
  weight_tolerance_pct: z.number().int().min(0).max(100),
  weight_tolerance_grams: z.number().int().min(0).max(100_000),
  webhook_url: WebhookUrl,
  store_ids: WarehouseStoreIds,
};

export const CreateWarehouse = z
  .object({
    name: warehouseFields.name,
    kind: z.enum(["own", "third_party"]).default("own"),
    country: z.string().refine(isCountry, { message: "must be an ISO 3166-1 alpha-2 country code such as US" }),
    region: warehouseFields.region.optional(),
    currency: Currency.default("USD").openapi({ description: "The currency stock costs are kept in" }),
    weight_tolerance_pct: warehouseFields.weight_tolerance_pct.default(5),
    weight_tolerance_grams: warehouseFields.weight_tolerance_grams.default(20),
    webhook_url: WebhookUrl.optional(),
    store_ids: WarehouseStoreIds.default(["*"]),
  })
  .refine((b) => (b.kind === "third_party") === (b.webhook_url !== undefined), {
    message: "a third_party warehouse needs a webhook_url; an own warehouse has none",
    path: ["webhook_url"],
  })
  .openapi("CreateWarehouse");

export const UpdateWarehouse = z
  .object(warehouseFields)
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: "give at least one field to change" })
  .openapi("UpdateWarehouse");

export const Zone = z.object({ id: z.string(), warehouse_id: z.string(), code: z.string(), name: z.string(), created_at: Rfc3339 }).openapi("Zone");
export const CreateZone = z.object({ code: Code, name: text(200) }).openapi("CreateZone");

export const Bin = z
  .object({
    id: z.string(),
    warehouse_id: z.string(),
    zone_id: z.string().nullable(),
    zone_code: z.string().nullable(),
    code: z.string(),
    kind: z.enum(["storage", "outbound"]),
    pick_sequence: z.number().int(),
    active: z.boolean(),
    created_at: Rfc3339,
  })
  .openapi("Bin");
export const CreateBin = z
  .object({
    code: Code,
    zone: Code.optional().openapi({ description: "The zone's code" }),
    pick_sequence: z.number().int().min(0).max(1_000_000_000).default(0).openapi({ description: "Place on the picking path; pick lists follow it" }),
  })
  .openapi("CreateBin");

export const StockLevel = z
  .object({
    warehouse_id: z.string(),
    bin_id: z.string(),
    bin: z.string(),
    sku: z.string(),
    on_hand: z.number().int(),
    reserved: z.number().int(),
    available: z.number().int(),
    updated_at: Rfc3339,
  })
  .openapi("StockLevel");

export const StockQuery = z.object({
  ...ListQuery,
  sku: z.string().max(64).optional(),
  bin: z.string().max(32).optional(),
  zone: z.string().max(32).optional().openapi({ description: "Only the bins of this zone (its code)" }),
});

export const StockSummaryQuery = z.object({ sku: Sku });
export const StockSummary = z
  .object({
    sku: z.string(),
    warehouses: z.array(z.object({ warehouse_id: z.string(), on_hand: z.number().int(), reserved: z.number().int(), available: z.number().int() })),
    on_hand: z.number().int(),
    reserved: z.number().int(),
    available: z.number().int(),
  })
  .openapi("StockSummary");

export const Movement = z
  .object({
    id: z.number().int(),
    warehouse_id: z.string(),
    bin_id: z.string(),
    sku: z.string(),
    kind: z.enum(MOVEMENT_KINDS),
    on_hand_delta: z.number().int(),
    reserved_delta: z.number().int(),
    unit_cost: Amount.nullable(),
    actor: z.string(),
    ...ActorNameFields,
    reason: z.string().nullable(),
    ref_type: z.string().nullable(),
    ref_id: z.string().nullable(),
    created_at: Rfc3339,
  })
  .openapi("StockMovement");

export const MovementsQuery = z.object({
  ...ListQuery,
  sku: z.string().max(64).optional(),
  kind: csv(MOVEMENT_KINDS).optional().openapi({ description: "One kind, or several comma-separated" }),
  ref_id: z.string().max(64).optional(),
});

export const CreateReceipt = z
  .object({
    reference: z.string().trim().min(1).max(100).optional().openapi({ description: "The supplier's delivery note or PO number" }),
    lines: z
      .array(
        z.object({
          sku: Sku,
          bin: Code.openapi({ description: "The bin it was put away to" }),
          quantity: Quantity,
          unit_cost: Amount.openapi({ description: "In the warehouse's currency" }),
        }),
      )
      .min(1)
      .max(100),
  })
  .openapi("CreateReceipt");

export const Receipt = z
  .object({
    id: z.string(),
    warehouse_id: z.string(),
    reference: z.string().nullable(),
    levels: z.array(StockLevel.omit({ updated_at: true })),
    costs: z.array(z.object({ sku: z.string(), avg_unit_cost: Amount, currency: z.string() })),
  })
  .openapi("Receipt");

export const CreateAdjustment = z
  .object({
    bin: Code,
    sku: Sku,
    delta: z
      .number()
      .int()
      .min(-1_000_000)
      .max(1_000_000)
      .refine((d) => d !== 0, { message: "must not be 0" })
      .openapi({ description: "Units to add (positive) or remove (negative)" }),
    reason: text(500),
  })
  .openapi("CreateAdjustment");

export const CreateTransfer = z
  .object({
    sku: Sku,
    quantity: Quantity,
    from_bin: Code,
    to_warehouse_id: z.string().min(1).max(64).openapi({ description: "May be this warehouse (a move between bins)" }),
    to_bin: Code,
    reason: text(500).optional(),
  })
  .openapi("CreateTransfer");

export const Transfer = z
  .object({ id: z.string(), sku: z.string(), quantity: z.number().int(), from: StockLevel.omit({ updated_at: true }), to: StockLevel.omit({ updated_at: true }) })
  .openapi("Transfer");

export const CreateCount = z
  .object({
    reason: text(500).optional(),
    lines: z
      .array(z.object({ bin: Code, sku: Sku, counted: z.number().int().min(0).max(1_000_000) }))
      .min(1)
      .max(100),
  })
  .openapi("CreateCount");

export const StockCount = z
  .object({
    id: z.string(),
    warehouse_id: z.string(),
    reason: z.string().nullable(),
    lines: z.array(z.object({ bin: z.string(), sku: z.string(), expected: z.number().int(), counted: z.number().int(), variance: z.number().int() })),
    created_at: Rfc3339,
  })
  .openapi("StockCount");

export const Cost = z.object({ warehouse_id: z.string(), sku: z.string(), avg_unit_cost: Amount, currency: z.string(), updated_at: Rfc3339 }).openapi("StockCost");

export const StockCheck = z
  .object({
    warehouse_id: z.string(),
    ok: z.boolean(),
    checked: z.number().int().openapi({ description: "Stock rows compared with the ledger" }),
    mismatches: z.array(
      z.object({
        bin_id: z.string(),
        sku: z.string(),
        level: z.object({ on_hand: z.number().int(), reserved: z.number().int() }),
        ledger: z.object({ on_hand: z.number().int(), reserved: z.number().int() }),
      }),
    ),
  })
  .openapi("StockCheck");

export const WarehouseListQuery = z.object(ListQuery);
export const WarehouseList = listOf(Warehouse, "WarehouseList");

export const WarehouseChange = z
  .object({
    id: z.string(),
    warehouse_id: z.string(),
    action: z.enum(["create", "update", "add_layout"]),
    actor: z.string().openapi({ description: "Who made the change: a person (`usr_...`) or a key (`key_...`, or `bootstrap`)" }),
    ...ActorNameFields,
    changes: z
      .record(z.string(), z.object({ from: z.unknown(), to: z.unknown() }))
      .openapi({ description: "Each field changed, with its value before (null on creation) and after. The webhook secret is never recorded." }),
    created_at: Rfc3339,
  })
  .openapi("WarehouseChange");
export const WarehouseChangeList = listOf(WarehouseChange, "WarehouseChangeList");
export const ZoneList = z.object({ data: z.array(Zone) }).openapi("ZoneList");
export const BinListQuery = z.object(ListQuery);
export const BinList = listOf(Bin, "BinList");

export const Adjustment = z.object({ id: z.string(), level: StockLevel.omit({ updated_at: true }) }).openapi("Adjustment");
export const StockLevelList = listOf(StockLevel, "StockLevelList");
export const MovementList = listOf(Movement, "MovementList");
export const CostsQuery = z.object({ sku: z.string().max(64).optional(), after: z.string().max(64).optional() });
export const CostList = z.object({ data: z.array(Cost) }).openapi("CostList");

const Millimetres = z.number().int().min(1).max(10_000);
const PackageTypeFields = {
  name: text(200),
  tare_grams: z.number().int().min(0).max(100_000).openapi({ description: "The empty package's weight: packing expects goods + tare" }),
  length_mm: Millimetres,
  width_mm: Millimetres,
  height_mm: Millimetres,
};

export const PackageType = z
  .object({
    id: z.string(),
    warehouse_id: z.string(),
    code: z.string(),
    ...PackageTypeFields,
    active: z.boolean(),
    created_at: Rfc3339,
    updated_at: Rfc3339,
  })
  .openapi("PackageType");
export const PackageTypeList = z.object({ data: z.array(PackageType) }).openapi("PackageTypeList");
export const CreatePackageType = z
  .object({ code: Code.openapi({ description: "What packers name or scan at the pack station", example: "BOX-M" }), ...PackageTypeFields })
  .strict()
  .openapi("CreatePackageType");
export const UpdatePackageType = z
  .object({
    name: PackageTypeFields.name.optional(),
    tare_grams: PackageTypeFields.tare_grams.optional(),
    length_mm: Millimetres.optional(),
    width_mm: Millimetres.optional(),
    height_mm: Millimetres.optional(),
    active: z.boolean().optional().openapi({ description: "false retires the type: packing no longer accepts it" }),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: "change at least one field" })
  .openapi("UpdatePackageType");
export const PackageTypeParams = WarehouseIdParam.extend({
  code: Code.openapi({ param: { name: "code", in: "path" }, example: "BOX-M" }),
});
