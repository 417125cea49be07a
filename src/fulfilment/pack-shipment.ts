/**
 * Packing. Every picked unit is scanned against the shipment (an item that
 * is not in it, or one already fully scanned, is refused); then the packer
 * gives the packages (each of one of the warehouse's package types, or with
 * its dimensions) and their measured weights, which must be within the
 * warehouse's tolerance of the catalogue weight of what was picked plus the
 * packages' tare (or carry an override reason). Then the shipment is packed and
 * ready for its label, which the logistics stage prints. An intercepted
 * shipment cannot be packed.
 */
import type { z } from "@hono/zod-openapi";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { constraintFailed, database, type Database, nonEmpty } from "../db/client";
import type { Item } from "../db/prepared";
import { fulfilmentExceptions, products, shipmentItems, shipments, warehouseEvents, warehouses } from "../db/schema";
import { activePackageTypesQuery } from "../inventory/package-types";
import type { WarehouseRow } from "../inventory/scope";
import type { FieldError } from "../http/problem";
import { randomToken } from "../lib/ids";
import type { PackBody } from "./schemas";
import { allScanned, decideScans, type DecidedScan, notInShipment, workLogInserts, workLogRow } from "./parcel-scans";
import { catalogueForScans, recordScanMismatch, skuForScan, skusFromCatalogue } from "./scan";
import { moveShipments } from "./shipment-lifecycle";
import type { ShipmentRow } from "./shipment-queries";
import type { ShardScope } from "../db/shard";

type Env = ShardScope;
type Refusal = { ok: false; code: string; message: string; extra?: Record<string, unknown> };

/** Why a shipment cannot take scans or be packed now, or null when it can. */
export const packRefusal = (s: ShipmentRow): Refusal | null =>
  s.status === "intercepted"
    ? { ok: false, code: "intercepted", message: `the shipment is intercepted (${s.interceptReason}); resolve the interception first` }
    : s.status !== "picking"
      ? { ok: false, code: "not_packable", message: `a ${s.status} shipment cannot be packed` }
      : null;

/** The shipment's items still to ship (a cancelled line is not packed), read once per scan or batch of scans. */
export const packableItems = (db: Database, shipmentId: string) => packableItemsQuery(db, shipmentId).all();

/** The same read, for a caller's batch. */
export const packableItemsQuery = (db: Database, shipmentId: string) =>
  db
    .select()
    .from(shipmentItems)
    .where(and(eq(shipmentItems.shipmentId, shipmentId), isNull(shipmentItems.cancelledAt)));

export async function scanForPack(
  env: Env,
  s: ShipmentRow,
  { input, worker }: { input: { code: string; duration_ms?: number | undefined }; worker: string },
): Promise<{ ok: true; itemId: string; sku: string; packed: number; picked: number; remaining: number } | Refusal> {
  const refusal = packRefusal(s);
  if (refusal) return refusal;
  const db = database(env);
  const items = await packableItems(db, s.id);
  const sku = await skuForScan(db, input.code, { storeId: s.storeId, skus: items.map((i) => i.sku) });
  if (!sku) {
    await recordScanMismatch(
      db,
      { stage: "pack", code: input.code, durationMs: input.duration_ms },
      { at: { warehouseId: s.warehouseId, shipmentId: s.id, waveId: s.waveId, storeId: s.storeId }, worker },
    );
    return { ok: false, code: "wrong_item", message: notInShipment(input.code) };
  }
  const item = items.find((i) => i.sku === sku && i.packedQty < i.pickedQty);
  if (!item) return { ok: false, code: "already_scanned", message: allScanned(sku) };
  const now = Date.now();
  try {
    const [updated] = await db.batch([
      // packed_qty <= picked_qty is a CHECK: two packers scanning the last unit at once cannot both count it.
      db
        .update(shipmentItems)
        .set({ packedQty: sql`${shipmentItems.packedQty} + 1` })
        .where(eq(shipmentItems.id, item.id))
        .returning(),
      db.insert(warehouseEvents).values({
        warehouseId: s.warehouseId,
        shipmentId: s.id,
        storeId: s.storeId,
        waveId: s.waveId,
        kind: "pack_scan",
        worker,
        durationMs: input.duration_ms ?? null,
        data: { item_id: item.id, sku, code: input.code },
        createdAt: now,
      }),
    ]);
    const remaining = items.reduce((n, i) => n + i.pickedQty - i.packedQty, 0) - 1;
    return { ok: true, itemId: item.id, sku, packed: updated[0]!.packedQty, picked: updated[0]!.pickedQty, remaining };
  } catch (err) {
    if (constraintFailed(err, "shipment_items_packed_within_picked")) return { ok: false, code: "already_scanned", message: allScanned(sku) };
    throw err;
  }
}

export type PackInput = Omit<z.input<typeof PackBody>, "accept_short"> & { accept_short?: boolean | undefined };

export type PackResult = { ok: true; expected: number; measured: number; tolerance: number; answer: unknown[] } | Refusal | { ok: false; code: "invalid"; errors: FieldError[] };

/** A package as packed: its dimensions (given, or its type's) and its type's code and tare, if it has one. */
type PackedPackage = { package_type?: string; tare_grams?: number; length_mm: number; width_mm: number; height_mm: number; weight_grams: number };

/**
 * The packages with their types resolved, or the fields naming a type this warehouse does not have (or retired).
 * Pure over the types found.
 */
export function resolvePackages(
  packages: PackInput["packages"],
  types: ReadonlyMap<string, { tareGrams: number; lengthMm: number; widthMm: number; heightMm: number }>,
): { ok: true; packages: PackedPackage[]; tare: number } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const out: PackedPackage[] = [];
  for (const [i, p] of packages.entries()) {
    const type = p.package_type === undefined ? undefined : types.get(p.package_type);
    if (p.package_type !== undefined && !type) {
      errors.push({ field: `packages.${i}.package_type`, message: `no active package type ${p.package_type} in this warehouse` });
      continue;
    }
    out.push({
      ...(type ? { package_type: p.package_type!, tare_grams: type.tareGrams } : {}),
      length_mm: p.length_mm ?? type!.lengthMm,
      width_mm: p.width_mm ?? type!.widthMm,
      height_mm: p.height_mm ?? type!.heightMm,
      weight_grams: p.weight_grams,
    });
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, packages: out, tare: out.reduce((g, p) => g + (p.tare_grams ?? 0), 0) };
}

/** Pure: the accepted weight window around the catalogue weight. */
export function weightTolerance(expectedGrams: number, pct: number, grams: number): number {
  return Math.max(Math.round((expectedGrams * pct) / 100), grams);
}

/**
 * Packs the shipment `target.read` finds (the route's read of it in the caller's scope; null when it finds none).
 * Everything it checks is read with it in one round trip (the warehouse's tolerance, the package types named, the
 * items, open exceptions and the catalogue weights of what is packed, found through the shipment's own columns), and
 * the write is one batch that also reads back whether this pack is the one that committed, then `answer` (the
 * route's reads of the shipment as it now is, whose rows come back as `answer`). `visible` says whether the caller
 * may see the warehouse (a `no_warehouse` result when not, which the route answers as a 404, as for a warehouse that
 * is gone).
 */
export async function packShipment(
  env: Env,
  target: { id: string; read: Item<ShipmentRow[]> },
  { visible, input, worker, answer = [] }: { visible: (wh: WarehouseRow) => boolean; input: PackInput; worker: string; answer?: readonly BatchItem<"sqlite">[] },
): Promise<PackResult | null> {
  const db = database(env);
  const typeCodes = [...new Set(input.packages.flatMap((p) => (p.package_type === undefined ? [] : [p.package_type])))].slice(0, 90);
  const id = target.id;
  const live = and(eq(shipmentItems.shipmentId, id), isNull(shipmentItems.cancelledAt));
  const of = (column: typeof shipments.warehouseId | typeof shipments.storeId) => sql`(SELECT ${column} FROM ${shipments} WHERE ${shipments.id} = ${id})`;
  const codes = [...new Set((input.scans ?? []).map((x) => x.code))];
  const [sRows, whRows, typeRows, items, openExceptions, catalogue, ...scanned] = await db.batch([
    target.read,
    db
      .select()
      .from(warehouses)
      .where(eq(warehouses.id, of(shipments.warehouseId))),
    activePackageTypesQuery(db, of(shipments.warehouseId), typeCodes),
    packableItemsQuery(db, id),
    db
      .select({ id: fulfilmentExceptions.id })
      .from(fulfilmentExceptions)
      .where(and(eq(fulfilmentExceptions.shipmentId, id), eq(fulfilmentExceptions.status, "open"))),
    db
      .select({ sku: products.sku, weight: products.weightGrams })
      .from(products)
      .where(and(eq(products.storeId, of(shipments.storeId)), inArray(products.sku, db.selectDistinct({ sku: shipmentItems.sku }).from(shipmentItems).where(live)))),
    // What each code the station scanned is in the store's catalogue (none without scans).
    ...(codes.length ? catalogueForScans(db, codes, db.select({ id: shipments.storeId }).from(shipments).where(eq(shipments.id, id))) : []),
  ]);
  const s = sRows[0];
  if (!s) return null;
  const wh = whRows[0];
  if (!wh || !visible(wh)) return { ok: false, code: "no_warehouse", message: "no such warehouse" };
  // Validation first: a package type this warehouse does not have is a bad request, whatever the shipment's state.
  const resolved = resolvePackages(input.packages, new Map(typeRows.map((r) => [r.code, r])));
  if (!resolved.ok) return { ok: false, code: "invalid", errors: resolved.errors };
  const refusal = packRefusal(s);
  if (refusal) return refusal;
  const unpicked = items.filter((i) => i.reservedQty > 0);
  if (unpicked.length) return { ok: false, code: "not_picked", message: `still to pick: ${unpicked.map((i) => `${i.reservedQty} x ${i.sku}`).join(", ")}` };
  // The station's scans first, as if sent before the pack; one refused refuses the pack (a wrong item is still logged).
  // The pack knows its own commit by its token (`packedNow`), not by its instant: two packs of one parcel on two
  // isolates can stamp the same millisecond (a double click), and then both would believe they packed it.
  const now = Date.now();
  const token = randomToken(16);
  const at = { warehouseId: s.warehouseId, shipmentId: s.id, storeId: s.storeId, waveId: s.waveId, worker, createdAt: now };
  const { decided, added } = input.scans
    ? decideScans(input.scans, items, skusFromCatalogue(codes, [...new Set(items.map((i) => i.sku))], scanned.flat()))
    : { decided: [] as DecidedScan[], added: new Map<string, number>() };
  if (decided.some((d) => d.problem)) {
    const mismatches = decided.filter((d) => d.problem?.code === "wrong_item").flatMap((d) => workLogRow(d, at));
    const logged = workLogInserts(db, mismatches);
    if (logged.length) await db.batch(nonEmpty(logged));
    const results = decided.map((d) => (d.problem ? { code: d.scan.code, ok: false, problem: d.problem } : { code: d.scan.code, ok: true, item_id: d.item!.id, sku: d.sku! }));
    const refused = results.filter((r) => !r.ok).length;
    return {
      ok: false,
      code: "scan_refused",
      message: `${refused} of the ${decided.length} scans ${refused === 1 ? "was" : "were"} refused: nothing was packed`,
      extra: { results },
    };
  }
  const counted = items.map((i) => ({ ...i, packedQty: i.packedQty + (added.get(i.id) ?? 0) }));
  const missing = counted.filter((i) => i.packedQty < i.pickedQty);
  if (missing.length) {
    return {
      ok: false,
      code: "missing_items",
      message: `not scanned yet: ${missing.map((i) => `${i.pickedQty - i.packedQty} x ${i.sku}`).join(", ")}`,
      extra: { missing: missing.map((i) => ({ item_id: i.id, sku: i.sku, units: i.pickedQty - i.packedQty })) },
    };
  }
  if (items.every((i) => i.pickedQty === 0)) return { ok: false, code: "empty", message: "nothing was picked for this shipment" };
  if (openExceptions.length && !input.accept_short) {
    return { ok: false, code: "short_picked", message: "the shipment was short-picked; pack it with accept_short: true to ship what is there" };
  }

  const weightOf = new Map(catalogue.map((p) => [p.sku, p.weight]));
  const goods = items.reduce((g, i) => g + (weightOf.get(i.sku) ?? 0) * i.pickedQty, 0);
  // The scale weighs the packaging too: a package with a type adds its tare (one without adds nothing, as before).
  const expected = goods + resolved.tare;
  const measured = input.packages.reduce((g, p) => g + p.weight_grams, 0);
  const tolerance = weightTolerance(expected, wh.weightTolerancePct, wh.weightToleranceGrams);
  if (Math.abs(measured - expected) > tolerance && !input.weight_override_reason) {
    return {
      ok: false,
      code: "weight_mismatch",
      message: `measured ${measured} g, expected ${expected} g (goods ${goods} g + packaging ${resolved.tare} g, ± ${tolerance} g); check the contents or give weight_override_reason`,
      extra: { expected_grams: expected, goods_grams: goods, tare_grams: resolved.tare, measured_grams: measured, tolerance_grams: tolerance },
    };
  }

  const packedNow = sql`EXISTS (SELECT 1 FROM shipments WHERE id = ${s.id} AND pack_token = ${token})`;
  const event = (kind: "weigh" | "pack", data: Record<string, unknown>, durationMs: number | null) =>
    // Recorded only if this pack is the one that committed (an interception may have won the race).
    db
      .insert(warehouseEvents)
      .select(sql`SELECT NULL, ${s.warehouseId}, ${s.id}, ${s.waveId}, ${kind}, ${worker}, ${durationMs}, ${JSON.stringify(data)}, ${now}, ${s.storeId} WHERE ${packedNow}`);
  const scanRows = decided.flatMap((d) => workLogRow(d, at));
  const statements: BatchItem<"sqlite">[] = [
    moveShipments(db, {
      event: "pack",
      where: eq(shipments.id, s.id),
      set: {
        packages: resolved.packages,
        expectedWeightGrams: expected,
        weightOverrideReason: input.weight_override_reason ?? null,
        packedAt: now,
        packToken: token,
        readyForLabelAt: now,
      },
      now,
    }),
    // The scans this request brought, counted only if this pack committed; packed_qty <= picked_qty (a CHECK) fails
    // the whole batch if another station counted some of these units meanwhile.
    ...[...added].map(([itemId, n]) =>
      db
        .update(shipmentItems)
        .set({ packedQty: sql`${shipmentItems.packedQty} + ${n}` })
        .where(and(eq(shipmentItems.id, itemId), packedNow)),
    ),
    ...(scanRows.length
      ? [
          db
            .insert(warehouseEvents)
            .select(
              sql`SELECT NULL, ${s.warehouseId}, ${s.id}, ${s.waveId}, 'pack_scan', ${worker}, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), ${now}, ${s.storeId} FROM json_each(${JSON.stringify(scanRows.map((r) => [r.durationMs, r.data]))}) j WHERE ${packedNow} ORDER BY j.key`,
            ),
        ]
      : []),
    ...resolved.packages.map((p, i) =>
      event(
        "weigh",
        {
          package: i + 1,
          package_type: p.package_type ?? null,
          tare_grams: p.tare_grams ?? 0,
          weight_grams: p.weight_grams,
          expected_grams: expected,
          within_tolerance: Math.abs(measured - expected) <= tolerance,
        },
        null,
      ),
    ),
    event(
      "pack",
      { packages: input.packages.length, measured_grams: measured, expected_grams: expected, override: input.weight_override_reason ?? null },
      input.duration_ms ?? null,
    ),
  ];
  if (openExceptions.length) {
    statements.push(
      db
        .update(fulfilmentExceptions)
        .set({ status: "resolved", resolution: "shipped short", resolvedBy: worker, resolvedAt: now })
        .where(and(eq(fulfilmentExceptions.shipmentId, s.id), eq(fulfilmentExceptions.status, "open"), packedNow)),
    );
  }
  // Read back in the same batch, after the writes: whether this pack is the one that committed, then the answer.
  let results: unknown[];
  try {
    results = await db.batch([
      ...(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]),
      db.select({ packToken: shipments.packToken }).from(shipments).where(eq(shipments.id, s.id)),
      ...answer,
    ]);
  } catch (err) {
    if (added.size && constraintFailed(err, "shipment_items_packed_within_picked")) {
      return { ok: false, code: "conflict", message: "another station scanned units of this parcel meanwhile; nothing was packed: reload it" };
    }
    throw err;
  }
  const after = (results[statements.length] as { packToken: string | null }[])[0];
  if (after?.packToken !== token) return { ok: false, code: "conflict", message: "the shipment changed while packing (intercepted?); reload it" };
  return { ok: true, expected, measured, tolerance, answer: results.slice(statements.length + 1) };
}
