/**
 * Reads what an allocation plan needs (the store's policy, the warehouses,
 * the stock of the order's SKUs in storage bins) and asks the policy. Used
 * by allocation itself and by the dry-run endpoint. The plan is computed on
 * a read that may be stale by the time it is written: the stock CHECKs
 * catch that when the reservation commits, and allocation re-plans.
 */
import { and, eq, gt, inArray, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { chunk, database, nonEmpty, type Database } from "../db/client";
import { bins, routingPolicies, stockLevels, warehouses } from "../db/schema";
import { servesStore } from "../inventory/warehouse-stores";
import { defaultAllocationPolicy } from "./default-allocation-policy";
import {
  DEFAULT_POLICY,
  type AllocationPlan,
  type AllocationPolicy,
  type BinStock,
  type CandidateWarehouse,
  type DemandLine,
  type Destination,
  type RoutingPolicy,
} from "./routing-policy";
import { RoutingPolicySchema } from "./schemas";
import type { ShardScope } from "../db/shard";

export const policyQuery = (db: Database, storeId: string) => db.select({ policy: routingPolicies.policy }).from(routingPolicies).where(eq(routingPolicies.storeId, storeId));

export function policyOf(row: { policy: unknown } | undefined): { policy: RoutingPolicy; stored: boolean } {
  if (!row) return { policy: DEFAULT_POLICY, stored: false };
  const parsed = RoutingPolicySchema.safeParse(row.policy);
  // Policies are validated on write; one that no longer parses (an older shape) falls back rather than blocking orders.
  return parsed.success ? { policy: parsed.data, stored: true } : { policy: DEFAULT_POLICY, stored: false };
}

export async function loadPolicy(db: Database, storeId: string): Promise<{ policy: RoutingPolicy; stored: boolean }> {
  return policyOf((await policyQuery(db, storeId))[0]);
}

export const candidatesQuery = (db: Database) =>
  db
    .select({
      id: warehouses.id,
      name: warehouses.name,
      kind: warehouses.kind,
      country: warehouses.country,
      region: warehouses.region,
      active: warehouses.active,
      storeIds: warehouses.storeIds,
    })
    .from(warehouses);

/** Sellable stock of these SKUs in every warehouse's active storage bins, a query per 90 SKUs (D1's bound-parameter limit). */
const stockQueries = (db: Database, skus: readonly string[]) =>
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
      .where(and(inArray(stockLevels.sku, part), eq(bins.kind, "storage"), eq(bins.active, true), gt(sql`${stockLevels.onHand} - ${stockLevels.reserved}`, 0))),
  );

export type PlanRequest = { storeId: string; destination: Destination; lines: DemandLine[] };

/** A warehouse and the stores it ships for (`["*"]`: every store). */
export type ServingWarehouse = CandidateWarehouse & { storeIds: readonly string[] };

/** What plans are made from: the stores' policies, every warehouse, and sellable stock in active warehouses. */
export type PlanningFacts = { policies: ReadonlyMap<string, RoutingPolicy>; candidates: ServingWarehouse[]; stock: BinStock[] };

/** Planning facts for several stores and SKUs at once (a queue batch's approvals): one round trip. */
export async function loadPlanningFacts(env: ShardScope, storeIds: readonly string[], skus: readonly string[]): Promise<PlanningFacts> {
  const db = database(env);
  const stores = [...new Set(storeIds)];
  const policyParts = chunk(stores, 90);
  const results = await db.batch(
    nonEmpty<BatchItem<"sqlite">>([
      candidatesQuery(db),
      ...policyParts.map((part) =>
        db.select({ storeId: routingPolicies.storeId, policy: routingPolicies.policy }).from(routingPolicies).where(inArray(routingPolicies.storeId, part)),
      ),
      ...stockQueries(db, skus),
    ]),
  );
  const candidates = results[0] as ServingWarehouse[];
  const stored = new Map((results.slice(1, 1 + policyParts.length).flat() as { storeId: string; policy: unknown }[]).map((r) => [r.storeId, r]));
  const policies = new Map(stores.map((id) => [id, policyOf(stored.get(id)).policy]));
  const active = new Set(candidates.filter((w) => w.active).map((w) => w.id));
  const stock = (results.slice(1 + policyParts.length).flat() as BinStock[]).filter((s) => active.has(s.warehouseId));
  return { policies, candidates, stock };
}

/**
 * Plans an order's allocation. With `facts` (read for a whole queue batch)
 * it reads nothing; a plan made on them may be stale by the time it commits,
 * which the reservation's CHECKs catch like any other stale plan.
 */
export async function planAllocation(
  env: ShardScope,
  req: PlanRequest,
  { allocationPolicy: policyImpl = defaultAllocationPolicy, facts }: { allocationPolicy?: AllocationPolicy; facts?: PlanningFacts | undefined } = {},
): Promise<{ plan: AllocationPlan; policy: RoutingPolicy; candidates: CandidateWarehouse[] }> {
  const skus = new Set(req.lines.map((l) => l.sku));
  const f = facts?.policies.has(req.storeId) ? facts : await loadPlanningFacts(env, [req.storeId], [...skus]);
  const policy = f.policies.get(req.storeId)!;
  // A warehouse of other stores is no candidate for this one, whatever its stock.
  const candidates = f.candidates.filter((w) => servesStore(w.storeIds, req.storeId));
  const serving = new Set(candidates.map((w) => w.id));
  const stock = f.stock.filter((s) => skus.has(s.sku) && serving.has(s.warehouseId));
  return { plan: policyImpl.plan({ destination: req.destination, lines: req.lines, warehouses: candidates, stock, policy }), policy, candidates };
}
