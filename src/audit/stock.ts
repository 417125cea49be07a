/**
 * Stock availability for the audit's stock rule, summed over every
 * warehouse. Until the store keeps inventory in the system there is nothing
 * to ask, and the rule is skipped (null) rather than guessing.
 */
import type { Env } from "../env";

export type StockLookup = (env: Env, storeId: string, skus: readonly string[]) => Promise<ReadonlyMap<string, number> | null>;

export const noInventory: StockLookup = async () => null;

let lookup: StockLookup = noInventory;

/** The inventory module registers its lookup here. */
export function useStockLookup(fn: StockLookup): void {
  lookup = fn;
}

export function stockLookup(): StockLookup {
  return lookup;
}
