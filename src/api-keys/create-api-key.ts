/** A new key: "*" stands alone, single-store roles act for one store, and no key grants beyond its own stores or warehouses. */
import { and, eq, isNull } from "drizzle-orm";
import { isRole, SINGLE_STORE_ROLES } from "../auth/roles";
import { directory } from "../db/client";
import { missingInScope } from "../db/homes";
import { apiKeys, positions } from "../db/schema";
import type { ShardEnv } from "../env";
import type { Principal } from "../http/auth";
import type { FieldError } from "../http/problem";
import { newId, randomToken, sha256Hex } from "../lib/ids";
import type { CreateApiKeyInput } from "./schemas";
import { grantsOf } from "../positions/grants";
import { beyondGiver } from "../staff/users-rules";
import { withinScope } from "./scope";

export type KeyRow = typeof apiKeys.$inferSelect;

export type CreateApiKeyResult = { ok: true; row: KeyRow; key: string } | { ok: false; code: "invalid"; errors: FieldError[] } | { ok: false; code: "forbidden"; message: string };

export async function createApiKey(env: ShardEnv, body: CreateApiKeyInput, opts: { principal: Principal }): Promise<CreateApiKeyResult> {
  const p = opts.principal;
  const invalid = (field: string, message: string): CreateApiKeyResult => ({ ok: false, code: "invalid", errors: [{ field, message }] });
  const storeIds = [...new Set(body.store_ids)];
  if (storeIds.includes("*") && storeIds.length > 1) return invalid("store_ids", '"*" stands alone');
  if (isRole(body.role) && SINGLE_STORE_ROLES.has(body.role) && (storeIds.length !== 1 || storeIds[0] === "*")) {
    return invalid("store_ids", `a ${body.role} key acts for exactly one store`);
  }
  const warehouseIds = [...new Set(body.warehouse_ids)];
  if (warehouseIds.includes("*") && warehouseIds.length > 1) return invalid("warehouse_ids", '"*" stands alone');
  if (!withinScope(p.stores, storeIds)) return { ok: false, code: "forbidden", message: "A key cannot grant stores beyond its own" };
  if (!withinScope(p.warehouses, warehouseIds)) return { ok: false, code: "forbidden", message: "A key cannot grant warehouses beyond its own" };
  const db = directory(env);
  if (!isRole(body.role)) {
    const live = await db
      .select({ id: positions.id })
      .from(positions)
      .where(and(eq(positions.id, body.role), isNull(positions.archivedAt)))
      .get();
    if (!live) return invalid("role", `no such position: ${body.role}`);
  }
  // No key grants what its maker does not hold (a custom position with api_keys:manage makes no admin keys).
  if (beyondGiver(p.permissions, await grantsOf(env, [body.role])).length) {
    return { ok: false, code: "forbidden", message: "A key cannot hold a position with permissions its maker does not hold" };
  }
  // Stores and warehouses live on the shards, keys on the directory: each id is looked for where it lives.
  const gone = await missingInScope(env, { storeIds: storeIds, warehouseIds: warehouseIds });
  if (gone) return invalid(gone.field, `no such ${gone.kind}: ${gone.ids.join(", ")}`);
  const now = Date.now();
  const key = `oms_${randomToken(40)}`;
  const row: KeyRow = {
    id: newId("key", now),
    name: body.name,
    role: body.role,
    storeIds,
    warehouseIds,
    keyHash: await sha256Hex(key),
    keyPrefix: key.slice(0, 10),
    createdBy: p.id,
    createdAt: now,
    revokedAt: null,
  };
  await db.insert(apiKeys).values(row);
  return { ok: true, row, key };
}
