/**
 * Reads what an allocation plan needs (the store's policy, the warehouses,
 * the stock of the order's SKUs in storage bins) and asks the policy. Used
 * by allocation itself and by the dry-run endpoint. The plan is computed on
 * a read that may be stale by the time it is written: the stock CHECKs
 * catch that when the reservation commits, and allocation re-plans.
 */
import { and, eq, gt, inArray, sql } from "drizzle-orm";
import { chunk, database, type Database } from "../db/client";
import { bins, routingPolicies, stockLevels, warehouses } from "../db/schema";
import { defaultAllocationPolicy } from "./default-allocation-policy";
import {
  DEFAULT_POLICY,
  RoutingPolicySchema,
  type AllocationPlan,
  type AllocationPolicy,
  type BinStock,
  type CandidateWarehouse,
  type DemandLine,
  type Destination,
  type RoutingPolicy,
} from "./routing-policy";

export async function loadPolicy(db: Database, storeId: string): Promise<{ policy: RoutingPolicy; stored: boolean }> {
  const row = await db.select({ policy: routingPolicies.policy }).from(routingPolicies).where(eq(routingPolicies.storeId, storeId)).get();
  if (!row) return { policy: DEFAULT_POLICY, stored: false };
  const parsed = RoutingPolicySchema.safeParse(row.policy);
  // Policies are validated on write; one that no longer parses (an older shape) falls back rather than blocking orders.
  return parsed.success ? { policy: parsed.data, stored: true } : { policy: DEFAULT_POLICY, stored: false };
}

export async function loadCandidates(db: Database): Promise<CandidateWarehouse[]> {
  return db
    .select({ id: warehouses.id, name: warehouses.name, kind: warehouses.kind, country: warehouses.country, region: warehouses.region, active: warehouses.active })
    .from(warehouses)
    .all();
}

export async function loadStock(db: Database, warehouseIds: readonly string[], skus: readonly string[]): Promise<BinStock[]> {
  if (!warehouseIds.length || !skus.length) return [];
  const wanted = new Set(warehouseIds);
  const parts = await Promise.all(
    chunk([...new Set(skus)], 90).map((part) =>
      db
        .select({
          warehouseId: stockLevels.warehouseId,
          binId: stockLevels.binId,
          binCode: bins.code,
          pickSequence: bins.pickSequence,
          sku: stockLevels.sku,
          available: sql<number>`${stockLevels.onHand} - ${stockLevels.reserved}`.mapWith(Number),
        })
        .from(stockLevels)
        .innerJoin(bins, eq(bins.id, stockLevels.binId))
        .where(
          and(
            inArray(stockLevels.sku, part),
            eq(bins.kind, "storage"),
            eq(bins.active, true),
            gt(sql`${stockLevels.onHand} - ${stockLevels.reserved}`, 0),
          ),
        )
        .all(),
    ),
  );
  // Filtered here rather than in SQL: SKUs and warehouses together could pass D1's 100 bound parameters.
  return parts.flat().filter((s) => wanted.has(s.warehouseId));
}

export type PlanRequest = { storeId: string; destination: Destination; lines: DemandLine[] };

export async function planAllocation(
  env: { DB: D1Database },
  req: PlanRequest,
  policyImpl: AllocationPolicy = defaultAllocationPolicy,
): Promise<{ plan: AllocationPlan; policy: RoutingPolicy; candidates: CandidateWarehouse[] }> {
  const db = database(env);
  const [{ policy }, candidates] = await Promise.all([loadPolicy(db, req.storeId), loadCandidates(db)]);
  const active = candidates.filter((w) => w.active).map((w) => w.id);
  const stock = await loadStock(db, active, req.lines.map((l) => l.sku));
  return { plan: policyImpl.plan({ destination: req.destination, lines: req.lines, warehouses: candidates, stock, policy }), policy, candidates };
}
