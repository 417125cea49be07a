/**
 * What a list of position ids grants. Built-in positions come from the table
 * in src/auth/roles.ts; custom ones from D1, kept in this isolate for a short
 * while (like API keys, src/http/auth.ts), so resolving a person or a key
 * costs no extra read on a busy path. A changed custom position takes effect
 * everywhere within GRANT_CACHE_MS; in this isolate at once
 * (`forgetPositions`).
 */
import { and, inArray, isNull } from "drizzle-orm";
import { type Access, accessOf, builtInGrant, CONTACT_SCOPES, type ContactScope, isRole, PERMISSIONS, type Permission, type PositionGrant } from "../auth/roles";
import { directory } from "../db/client";
import { positions } from "../db/schema";
import type { ShardEnv } from "../env";

export const GRANT_CACHE_MS = 30_000;
const cache = new Map<string, { grant: PositionGrant | null; expires: number }>();

export function forgetPositions(): void {
  cache.clear();
}

const KNOWN = new Set<string>(PERMISSIONS);

/** A custom position's row as a grant: unknown permissions (from an older release) grant nothing. */
export function customGrant(row: { id: string; permissions: string[] | null; contactScope: string | null }): PositionGrant {
  const scope = (CONTACT_SCOPES as readonly string[]).includes(row.contactScope ?? "") ? (row.contactScope as ContactScope) : "pseudonymous";
  return { id: row.id, permissions: new Set((row.permissions ?? []).filter((p) => KNOWN.has(p)) as Permission[]), contactScope: scope, outside: false };
}

/** The grants of these positions, in their order; an unknown or archived custom position grants nothing and is left out. */
export async function grantsOf(env: ShardEnv, ids: readonly string[]): Promise<PositionGrant[]> {
  const now = Date.now();
  const custom = ids.filter((id) => !isRole(id));
  const missing = custom.filter((id) => {
    const hit = cache.get(id);
    return !hit || hit.expires <= now;
  });
  if (missing.length) {
    const rows = await directory(env)
      .select({ id: positions.id, permissions: positions.permissions, contactScope: positions.contactScope })
      .from(positions)
      .where(and(inArray(positions.id, missing), isNull(positions.archivedAt)))
      .all();
    if (cache.size > 10_000) cache.clear();
    for (const id of missing) {
      const row = rows.find((r) => r.id === id);
      cache.set(id, { grant: row ? customGrant(row) : null, expires: now + GRANT_CACHE_MS });
    }
  }
  const out: PositionGrant[] = [];
  for (const id of ids) {
    const grant = isRole(id) ? builtInGrant(id) : cache.get(id)?.grant;
    if (grant) out.push(grant);
  }
  return out;
}

export async function resolveAccess(env: ShardEnv, ids: readonly string[]): Promise<Access> {
  return accessOf(await grantsOf(env, ids));
}
