/**
 * Which stores a warehouse ships for, and who may manage it. A warehouse's
 * `store_ids` is ["*"] (every store of the merchant) or a list of stores.
 * One that serves more than one store, or every store, is shared: its
 * layout, tolerances and 3PL webhook concern several stores' customers, so
 * only a merchant-wide key (stores ["*"]) may change it. A warehouse of one
 * store may be managed by a key of that store. Pure: no I/O.
 */
import type { Principal } from "../http/auth";

export type StoreIds = readonly string[];

export const servesEveryStore = (storeIds: StoreIds) => storeIds.includes("*");

export const isShared = (storeIds: StoreIds) => servesEveryStore(storeIds) || storeIds.length > 1;

/** Whether allocation may send this store's orders to the warehouse. */
export const servesStore = (storeIds: StoreIds, storeId: string) => servesEveryStore(storeIds) || storeIds.includes(storeId);

/** Whether a key sees the warehouse at all: it ships for at least one of the key's stores. */
export function servesAnyOf(storeIds: StoreIds, stores: Principal["stores"]): boolean {
  return stores === "*" || servesEveryStore(storeIds) || storeIds.some((s) => stores.includes(s));
}

/** Whether a key may create or change a warehouse serving `storeIds` (before and after a change: both must pass). */
export function mayManage(p: Pick<Principal, "stores">, storeIds: StoreIds): boolean {
  if (p.stores === "*") return true;
  return !isShared(storeIds) && p.stores.includes(storeIds[0]!);
}

export { outboundUrlAllowed as webhookUrlAllowed } from "../lib/outbound-url";

/** The fields that differ between two configurations, each with its value before and after. */
export function changedFields(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const [k, to] of Object.entries(after)) {
    if (to === undefined) continue;
    const from = before[k];
    if (JSON.stringify(from) !== JSON.stringify(to)) out[k] = { from: from ?? null, to };
  }
  return out;
}
