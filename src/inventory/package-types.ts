/**
 * A warehouse's package types: the cartons and mailers its packers use, with
 * their tare (empty weight) and outer dimensions. Packing names the type of
 * each package; its tare is added to the goods' catalogue weight to get the
 * weight the scale should show. Codes are unique per warehouse; a type is
 * retired (active: false), never deleted.
 */
import { and, asc, eq, inArray, type SQLWrapper } from "drizzle-orm";
import { constraintFailed, database, type Database } from "../db/client";
import { packageTypes } from "../db/schema";
import { newId } from "../lib/ids";
import { iso } from "../orders/serialize";
import type { WarehouseRow } from "./scope";
import type { ShardScope } from "../db/shard";

export type PackageTypeRow = typeof packageTypes.$inferSelect;
type Fields = { name: string; tare_grams: number; length_mm: number; width_mm: number; height_mm: number };
export type PackageTypeInput = Fields & { code: string };
export type PackageTypeChanges = Partial<Fields> & { active?: boolean | undefined };

export const packageTypeBody = (r: PackageTypeRow) => ({
  id: r.id,
  warehouse_id: r.warehouseId,
  code: r.code,
  name: r.name,
  tare_grams: r.tareGrams,
  length_mm: r.lengthMm,
  width_mm: r.widthMm,
  height_mm: r.heightMm,
  active: r.active,
  created_at: iso(r.createdAt),
  updated_at: iso(r.updatedAt),
});

export async function createPackageType(
  env: ShardScope,
  wh: WarehouseRow,
  input: PackageTypeInput,
): Promise<{ ok: true; row: PackageTypeRow } | { ok: false; code: "duplicate_code" }> {
  const now = Date.now();
  const row: PackageTypeRow = {
    id: newId("pkt", now),
    warehouseId: wh.id,
    code: input.code,
    name: input.name,
    tareGrams: input.tare_grams,
    lengthMm: input.length_mm,
    widthMm: input.width_mm,
    heightMm: input.height_mm,
    active: true,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await database(env).insert(packageTypes).values(row);
  } catch (err) {
    if (constraintFailed(err, "package_types.warehouse_id, package_types.code")) return { ok: false, code: "duplicate_code" };
    throw err;
  }
  return { ok: true, row };
}

export function listPackageTypes(env: ShardScope, warehouseId: string): Promise<PackageTypeRow[]> {
  return database(env).select().from(packageTypes).where(eq(packageTypes.warehouseId, warehouseId)).orderBy(asc(packageTypes.code)).all();
}

/** The changed type, or null when the warehouse has no type with that code. */
export async function updatePackageType(env: ShardScope, wh: WarehouseRow, { code, changes }: { code: string; changes: PackageTypeChanges }): Promise<PackageTypeRow | null> {
  const [row] = await database(env)
    .update(packageTypes)
    .set({
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.tare_grams !== undefined ? { tareGrams: changes.tare_grams } : {}),
      ...(changes.length_mm !== undefined ? { lengthMm: changes.length_mm } : {}),
      ...(changes.width_mm !== undefined ? { widthMm: changes.width_mm } : {}),
      ...(changes.height_mm !== undefined ? { heightMm: changes.height_mm } : {}),
      ...(changes.active !== undefined ? { active: changes.active } : {}),
      updatedAt: Date.now(),
    })
    .where(and(eq(packageTypes.warehouseId, wh.id), eq(packageTypes.code, code)))
    .returning();
  return row ?? null;
}

/** The warehouse's active types among `codes` (for packing; no codes: no rows), for a caller's batch. */
export function activePackageTypesQuery(db: Database, warehouseId: string | SQLWrapper, codes: readonly string[]) {
  return db
    .select()
    .from(packageTypes)
    .where(and(eq(packageTypes.warehouseId, warehouseId), inArray(packageTypes.code, [...codes]), eq(packageTypes.active, true)));
}
