/**
 * Positions as an admin sees and composes them. Built-in ones come with the
 * product (their permissions are the table in src/auth/roles.ts; a merchant
 * may only describe them differently and require two-factor); custom ones
 * are composed from COMPOSABLE_PERMISSIONS.
 *
 * Rules: positions are shared by every store, so only a principal of all
 * stores changes them; nobody composes or changes a position to grant what
 * they do not hold, nor changes one that grants more than they hold.
 * Archiving is allowed while people or keys hold the position: from then on
 * it grants nothing (src/positions/grants.ts), and the holders keep their
 * other positions. Every change is forgotten by this isolate's grant cache
 * at once and by the others within GRANT_CACHE_MS.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import { builtInGrant, isRole, permissionsOf } from "../auth/roles";
import { directory } from "../db/client";
import { positions } from "../db/schema";
import type { ShardEnv } from "../env";
import type { Principal } from "../http/auth";
import { newId } from "../lib/ids";
import type { Refusal } from "../staff/users";
import { beyondGiver } from "../staff/users-rules";
import { customGrant, forgetPositions } from "./grants";
import type { CreatePositionInput, UpdatePositionInput } from "./schemas";

export type PositionRow = typeof positions.$inferSelect;
type Result<T> = ({ ok: true } & T) | Refusal;

const refused = (detail: string): Refusal => ({ ok: false, status: 403, code: "forbidden", detail });
const invalid = (field: string, message: string): Refusal => ({ ok: false, status: 422, code: "validation_failed", detail: message, errors: [{ field, message }] });

/** What the API shows of a position: built-in permissions from the table, custom ones from the row. */
export function positionView(row: PositionRow, userCount: number) {
  const grant = isRole(row.id) ? builtInGrant(row.id) : customGrant(row);
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    built_in: row.builtIn,
    permissions: isRole(row.id) ? [...permissionsOf(row.id)].filter((p) => p !== "orders:transition") : (row.permissions ?? []),
    contact_scope: grant.contactScope,
    require_two_factor: row.requireTwoFactor,
    user_count: userCount,
    archived_at: row.archivedAt === null ? null : new Date(row.archivedAt).toISOString(),
    version: row.version,
  };
}

const HOLDERS = sql<number>`(SELECT count(*) FROM users, json_each(users.positions) AS held WHERE held.value = "positions"."id" AND users.status != 'deactivated')`;

export async function listPositions(env: ShardEnv, opts: { includeArchived: boolean }) {
  const rows = await directory(env)
    .select({ row: positions, holders: HOLDERS })
    .from(positions)
    .where(opts.includeArchived ? undefined : isNull(positions.archivedAt))
    .orderBy(sql`${positions.builtIn} DESC`, positions.createdAt, positions.id)
    .all();
  return rows.map((r) => positionView(r.row, r.holders));
}

export async function findPosition(env: ShardEnv, id: string) {
  const r = await directory(env).select({ row: positions, holders: HOLDERS }).from(positions).where(eq(positions.id, id)).get();
  return r ? positionView(r.row, r.holders) : null;
}

function mayChange(p: Principal): Refusal | null {
  return p.stores === "*" ? null : refused("Positions are shared by every store: only someone acting for all stores changes them");
}

function withinGiver(p: Principal, permissions: readonly string[]): Refusal | null {
  const beyond = beyondGiver(p.permissions, [customGrant({ id: "new", permissions: [...permissions], contactScope: null })]);
  return beyond.length ? refused("You cannot compose a position with permissions you do not hold") : null;
}

async function nameTaken(env: ShardEnv, name: string, except?: string): Promise<boolean> {
  const row = await directory(env)
    .select({ id: positions.id })
    .from(positions)
    .where(and(sql`lower(${positions.name}) = ${name.toLowerCase()}`, isNull(positions.archivedAt)))
    .all();
  return row.some((r) => r.id !== except);
}

export async function createPosition(env: ShardEnv, body: CreatePositionInput, opts: { principal: Principal }): Promise<Result<{ id: string }>> {
  const problem = mayChange(opts.principal) ?? withinGiver(opts.principal, body.permissions);
  if (problem) return problem;
  if (await nameTaken(env, body.name)) return invalid("name", "another position has this name");
  const now = Date.now();
  const id = newId("pos", now);
  await directory(env)
    .insert(positions)
    .values({
      id,
      name: body.name,
      description: body.description ?? null,
      builtIn: false,
      permissions: [...new Set(body.permissions)],
      contactScope: body.contact_scope,
      requireTwoFactor: body.require_two_factor,
      archivedAt: null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    });
  forgetPositions();
  return { ok: true, id };
}

async function editable(env: ShardEnv, p: Principal, id: string): Promise<Result<{ row: PositionRow }>> {
  const problem = mayChange(p);
  if (problem) return problem;
  const row = await directory(env).select().from(positions).where(eq(positions.id, id)).get();
  if (!row) return { ok: false, status: 404, code: "not_found", detail: "No such position" };
  const grant = isRole(row.id) ? builtInGrant(row.id) : customGrant(row);
  if (beyondGiver(p.permissions, [grant]).length) return refused("This position grants permissions you do not hold: only someone who holds them may change it");
  return { ok: true, row };
}

export async function updatePosition(
  env: ShardEnv,
  id: string,
  body: UpdatePositionInput,
  opts: { principal: Principal; expectedVersion: number | null },
): Promise<Result<{ id: string }>> {
  const found = await editable(env, opts.principal, id);
  if (!found.ok) return found;
  const { row } = found;
  if (row.archivedAt !== null) return { ok: false, status: 409, code: "archived", detail: "This position is archived" };
  if (row.builtIn) {
    const fixed = (["name", "permissions", "contact_scope"] as const).filter((f) => body[f] !== undefined);
    if (fixed.length) return invalid(fixed[0]!, "a built-in position's name, permissions and contact scope are fixed: compose a custom position instead");
  }
  if (body.permissions) {
    const problem = withinGiver(opts.principal, body.permissions);
    if (problem) return problem;
  }
  if (body.name && (await nameTaken(env, body.name, id))) return invalid("name", "another position has this name");
  if (opts.expectedVersion !== null && opts.expectedVersion !== row.version) {
    return { ok: false, status: 412, code: "version_mismatch", detail: `The position is at version ${row.version}`, version: row.version } as Refusal;
  }
  const [changed] = await directory(env)
    .update(positions)
    .set({
      name: body.name ?? row.name,
      description: body.description === undefined ? row.description : body.description,
      permissions: body.permissions ? [...new Set(body.permissions)] : row.permissions,
      contactScope: body.contact_scope ?? row.contactScope,
      requireTwoFactor: body.require_two_factor ?? row.requireTwoFactor,
      updatedAt: Date.now(),
      version: row.version + 1,
    })
    .where(and(eq(positions.id, id), eq(positions.version, row.version)))
    .returning({ id: positions.id });
  if (!changed) return { ok: false, status: 412, code: "version_mismatch", detail: "The position changed meanwhile: read it again" };
  forgetPositions();
  return { ok: true, id };
}

/** Archives a custom position: it stays on its holders (and keys) but grants nothing from now on. */
export async function archivePosition(env: ShardEnv, id: string, opts: { principal: Principal }): Promise<Result<{ id: string }>> {
  const found = await editable(env, opts.principal, id);
  if (!found.ok) return found;
  if (found.row.builtIn) return { ok: false, status: 409, code: "built_in", detail: "Built-in positions cannot be archived" };
  const now = Date.now();
  await directory(env)
    .update(positions)
    .set({ archivedAt: found.row.archivedAt ?? now, updatedAt: now, version: sql`${positions.version} + 1` })
    .where(eq(positions.id, id));
  forgetPositions();
  return { ok: true, id };
}
