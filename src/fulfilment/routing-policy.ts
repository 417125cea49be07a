/**
 * A store's routing policy is data (stored per store, edited through the
 * API); an `AllocationPolicy` turns it, an order's destination and lines and
 * the stock it can see into a plan: which warehouse ships what from which
 * bins, and why each warehouse was or was not chosen. Policies are pure (no
 * I/O), so a merchant's variant is a new implementation of the interface.
 */
import { z } from "@hono/zod-openapi";
import { isCountry } from "../lib/countries";

const WarehouseIds = z.array(z.string().min(1).max(64)).max(50);

export const RoutingRule = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    countries: z
      .array(z.string().refine(isCountry, { message: "must be an ISO 3166-1 alpha-2 country code" }))
      .min(1)
      .max(250)
      .optional()
      .openapi({ description: "Destination countries this rule applies to (any when absent)" }),
    regions: z
      .array(z.string().trim().min(1).max(100))
      .min(1)
      .max(500)
      .optional()
      .openapi({ description: "Destination regions (state, province...), compared without case (any when absent)" }),
    warehouses: WarehouseIds.min(1).openapi({ description: "Warehouses in priority order" }),
    carrier: z.string().trim().min(1).max(64).optional().openapi({ description: "Carrier for shipments routed by this rule" }),
  })
  .openapi("RoutingRule");

export const RoutingPolicySchema = z
  .object({
    rules: z.array(RoutingRule).max(100).default([]).openapi({ description: "The first rule matching the destination decides the warehouse priority" }),
    default_warehouses: WarehouseIds.default([]).openapi({
      description: "Priority when no rule matches; empty means every active warehouse, nearest first (same region, then same country)",
    }),
    ship_complete: z
      .enum(["prefer", "require"])
      .default("prefer")
      .openapi({ description: "prefer: one warehouse that has everything, else split; require: never split (wait for stock)" }),
    max_shipments: z.number().int().min(1).max(10).default(3).openapi({ description: "Most shipments one order may be split into" }),
    merge_hold_minutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60)
      .default(0)
      .openapi({ description: "New shipments wait this long before picking, and merge with others to the same customer and address meanwhile" }),
    default_carrier: z.string().trim().min(1).max(64).nullable().default(null),
    reroute_on_reject: z
      .boolean()
      .default(false)
      .openapi({
        description:
          "When a third-party warehouse rejects a dispatch, re-route its goods at once with this policy (excluding every warehouse that rejected the order's goods). When no warehouse can take them, the exception stays open for a person (GET /v1/fulfilment-exceptions).",
      }),
  })
  .openapi("RoutingPolicy");

export type RoutingPolicy = z.infer<typeof RoutingPolicySchema>;
export const DEFAULT_POLICY: RoutingPolicy = RoutingPolicySchema.parse({});

export type Destination = { country: string; region: string | null };
export type CandidateWarehouse = { id: string; name: string; kind: "own" | "third_party"; country: string; region: string | null; active: boolean };
/** Available units of one SKU in one storage bin. */
export type BinStock = { warehouseId: string; binId: string; binCode: string; pickSequence: number; sku: string; available: number };
export type DemandLine = { lineNo: number; sku: string; quantity: number };

export type AllocationInput = {
  destination: Destination;
  lines: readonly DemandLine[];
  warehouses: readonly CandidateWarehouse[];
  stock: readonly BinStock[];
  policy: RoutingPolicy;
};

export type PlannedItem = { lineNo: number; sku: string; binId: string; binCode: string; quantity: number };
export type PlannedShipment = { warehouseId: string; carrier: string | null; items: PlannedItem[] };

export type WarehouseVerdict = {
  warehouse_id: string;
  name: string | null;
  rank: number | null;
  chosen: boolean;
  can_fill: "all" | "some" | "none";
  reasons: string[];
};
export type Explanation = { rule: string | null; priority: string[]; warehouses: WarehouseVerdict[]; summary: string };
export type Shortage = { sku: string; requested: number; available: number };

export type AllocationPlan =
  | { ok: true; shipments: PlannedShipment[]; explanation: Explanation }
  | {
      ok: false;
      reason: "no_warehouse" | "insufficient_stock" | "cannot_ship_complete" | "too_many_shipments";
      message: string;
      shortages: Shortage[];
      explanation: Explanation;
    };

export interface AllocationPolicy {
  plan(input: AllocationInput): AllocationPlan;
}
