/**
 * A parcel's scans at the pack station, decided against its counts as read: pure, shared by a batch of scans
 * (src/fulfilment/scan-pack-batch.ts) and a pack that brings its scans (src/fulfilment/pack-shipment.ts), so both
 * count exactly as the same scans sent one by one.
 */
import { chunk, type Database, rowsPerInsert } from "../db/client";
import { warehouseEvents } from "../db/schema";

export type Scan = { code: string; duration_ms?: number | undefined };
export type ScanRefusal = { code: "wrong_item" | "already_scanned"; detail: string };

/** What a refused pack scan says, alone or in a batch. */
export const notInShipment = (code: string) => `${code} is not in this shipment`;
export const allScanned = (sku: string) => `every picked ${sku} is already scanned`;

const wrongItem = (code: string): ScanRefusal => ({ code: "wrong_item", detail: notInShipment(code) });
const alreadyScanned = (sku: string): ScanRefusal => ({ code: "already_scanned", detail: allScanned(sku) });

type CountedItem = { id: string; sku: string; packedQty: number; pickedQty: number };
/** A scan decided: the item it counts on, or why it is refused. */
export type DecidedScan<I extends CountedItem = CountedItem> = { scan: Scan; item?: I; sku?: string; problem?: ScanRefusal };

/**
 * Pure: the scans in order against the parcel's counts as read, as if each were sent alone: which item each counts
 * on (the first of its SKU with units picked and not yet scanned), or why it is refused; and the units each item gains.
 */
export function decideScans<I extends CountedItem>(scans: readonly Scan[], items: readonly I[], skuOf: ReadonlyMap<string, string | null>) {
  const packed = new Map(items.map((i) => [i.id, i.packedQty]));
  const added = new Map<string, number>();
  const decided = scans.map((x): DecidedScan<I> => {
    const sku = skuOf.get(x.code) ?? null;
    if (!sku) return { scan: x, problem: wrongItem(x.code) };
    const item = items.find((i) => i.sku === sku && packed.get(i.id)! < i.pickedQty);
    if (!item) return { scan: x, problem: alreadyScanned(sku) };
    packed.set(item.id, packed.get(item.id)! + 1);
    added.set(item.id, (added.get(item.id) ?? 0) + 1);
    return { scan: x, item, sku };
  });
  return { decided, added };
}

/** What the work log keeps of a decided scan: a pack scan, a wrong item's mismatch, nothing for an over-scan (as alone). */
export function workLogRow(d: DecidedScan, at: Omit<typeof warehouseEvents.$inferInsert, "kind">): (typeof warehouseEvents.$inferInsert)[] {
  const durationMs = d.scan.duration_ms ?? null;
  if (d.item) return [{ ...at, kind: "pack_scan", durationMs, data: { item_id: d.item.id, sku: d.sku, code: d.scan.code } }];
  if (d.problem?.code === "wrong_item") return [{ ...at, kind: "scan_mismatch", durationMs, data: { stage: "pack", code: d.scan.code } }];
  return [];
}

/** The inserts of these work-log rows, as many statements as D1's bound-parameter limit needs (a batch may bring 200 scans). */
export function workLogInserts(db: Database, rows: (typeof warehouseEvents.$inferInsert)[]) {
  return chunk(rows, rowsPerInsert(warehouseEvents)).map((part) => db.insert(warehouseEvents).values(part));
}
