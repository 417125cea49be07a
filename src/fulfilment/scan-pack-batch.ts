/**
 * A pack station's buffered scans, sent at once: applied in order exactly as
 * if each had been sent alone (src/fulfilment/pack-shipment.ts, `scanForPack`),
 * but with one read of the parcel, one resolution of every code and one D1
 * batch for every count and work-log row.
 *
 * Invariants:
 * - a wrong code or an over-scan refuses that scan only, as alone: a wrong
 *   code is a `scan_mismatch` in the work log, an over-scan is not recorded;
 *   the rest still count, and the work log holds the rows in scan order;
 * - `packed_qty <= picked_qty` (a CHECK) stays the guard against another
 *   station scanning the same parcel meanwhile: if the batch breaks it,
 *   nothing of it is written and the scans are applied one by one, so each
 *   gets the answer it would have had alone.
 */
import { eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { constraintFailed, database } from "../db/client";
import type { Item } from "../db/prepared";
import { shipmentItems, shipments } from "../db/schema";
import { packableItems, packableItemsQuery, packRefusal, scanForPack } from "./pack-shipment";
import { decideScans, type Scan, type ScanRefusal, workLogInserts, workLogRow } from "./parcel-scans";
import { catalogueForScans, skusFromCatalogue } from "./scan";
import type { ShipmentRow } from "./shipment-queries";
import type { ShardScope } from "../db/shard";

type Env = ShardScope;
export type ScanOutcome =
  | { code: string; ok: true; item_id: string; sku: string; packed: number; picked: number; remaining: number }
  | { code: string; ok: false; problem: ScanRefusal };
export type BatchScanResult = { ok: true; results: ScanOutcome[]; packed: number; remaining: number };

/**
 * `shipment`: its id and the read of its row in the station's scope (the route's), which runs in the same round trip
 * as the items and the catalogue. Null when that read does not find it.
 */
export async function scanBatchForPack(
  env: Env,
  shipment: { id: string; read: Item<ShipmentRow[]> },
  { scans, worker }: { scans: readonly Scan[]; worker: string },
): Promise<BatchScanResult | { ok: false; code: string; message: string } | null> {
  const db = database(env);
  // The shipment, its items and what each scanned code is in its store's catalogue, in one round trip.
  const codes = [...new Set(scans.map((x) => x.code))];
  const storeOfShipment = db.select({ id: shipments.storeId }).from(shipments).where(eq(shipments.id, shipment.id));
  const [rows, items, ...catalogue] = await db.batch([shipment.read, packableItemsQuery(db, shipment.id), ...catalogueForScans(db, codes, storeOfShipment)]);
  const s = rows[0];
  if (!s) return null;
  const refusal = packRefusal(s);
  if (refusal) return refusal;
  const skuOf = skusFromCatalogue(
    codes,
    items.map((i) => i.sku),
    catalogue.flat(),
  );

  const { decided, added } = decideScans(scans, items, skuOf);
  const now = Date.now();
  const at = { warehouseId: s.warehouseId, shipmentId: s.id, storeId: s.storeId, waveId: s.waveId, worker, createdAt: now };
  const events = decided.flatMap((d) => workLogRow(d, at));

  const updates = [...added].map(([id, n]) =>
    db
      .update(shipmentItems)
      .set({ packedQty: sql`${shipmentItems.packedQty} + ${n}` })
      .where(eq(shipmentItems.id, id))
      .returning({ id: shipmentItems.id, packedQty: shipmentItems.packedQty, pickedQty: shipmentItems.pickedQty }),
  );
  const inserts = workLogInserts(db, events);
  const statements: BatchItem<"sqlite">[] = [...updates, ...inserts];
  let written: { id: string; packedQty: number; pickedQty: number }[] = [];
  if (statements.length) {
    try {
      const out = await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
      written = (out.slice(0, updates.length) as (typeof written)[]).flat();
    } catch (err) {
      if (constraintFailed(err, "shipment_items_packed_within_picked")) return oneByOne(env, s, { scans, worker });
      throw err;
    }
  }

  // The items counted on as written (another station's scans of them in between included), the others as read;
  // then each scan's answer counted back from them.
  const final = new Map(items.map((i) => [i.id, { packed: i.packedQty, picked: i.pickedQty }]));
  for (const w of written) final.set(w.id, { packed: w.packedQty, picked: w.pickedQty });
  const totals = [...final.values()].reduce((t, i) => ({ packed: t.packed + i.packed, remaining: t.remaining + i.picked - i.packed }), { packed: 0, remaining: 0 });
  const later = new Map(added);
  let acceptedAfter = decided.filter((d) => d.item).length;
  const results = decided.map((d): ScanOutcome => {
    if (!d.item) return { code: d.scan.code, ok: false, problem: d.problem! };
    acceptedAfter--;
    const n = later.get(d.item.id)! - 1;
    later.set(d.item.id, n);
    const f = final.get(d.item.id)!;
    return { code: d.scan.code, ok: true, item_id: d.item.id, sku: d.sku!, packed: f.packed - n, picked: f.picked, remaining: totals.remaining + acceptedAfter };
  });
  return { ok: true, results, ...totals };
}

/** Another station counted some of these units first: each scan alone, so each gets its own true answer. */
async function oneByOne(
  env: Env,
  s: ShipmentRow,
  { scans, worker }: { scans: readonly Scan[]; worker: string },
): Promise<BatchScanResult | { ok: false; code: string; message: string }> {
  const results: ScanOutcome[] = [];
  for (const scan of scans) {
    const r = await scanForPack(env, s, { input: scan, worker });
    if (r.ok) results.push({ code: scan.code, ok: true, item_id: r.itemId, sku: r.sku, packed: r.packed, picked: r.picked, remaining: r.remaining });
    else if (r.code === "wrong_item" || r.code === "already_scanned") results.push({ code: scan.code, ok: false, problem: { code: r.code, detail: r.message } });
    else return r;
  }
  const items = await packableItems(database(env), s.id);
  return { ok: true, results, packed: items.reduce((n, i) => n + i.packedQty, 0), remaining: items.reduce((n, i) => n + i.pickedQty - i.packedQty, 0) };
}
