/**
 * A store's routing policy is data (stored per store, edited through the
 * API); an `AllocationPolicy` turns it, an order's destination and lines and
 * the stock it can see into a plan: which warehouse ships what from which
 * bins, and why each warehouse was or was not chosen. Policies are pure (no
 * I/O), so a merchant's variant is a new implementation of the interface.
 */
import type { z } from "@hono/zod-openapi";
import { RoutingPolicySchema } from "./schemas";

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
