/**
 * Staff people, administered by admins (`users:manage`): invite, change,
 * deactivate, re-send an invitation. The rules of who may give whom what
 * live in users-rules.ts; this file applies them to D1.
 *
 * Invariants: the last active admin stays (guarded inside the UPDATE, so two
 * admins deactivating each other at once cannot both succeed); deactivation
 * ends the person's sessions, emailed links and the API keys they made in
 * the same request.
 */
import { and, desc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import { isRole } from "../auth/roles";
import { constraintFailed, directory } from "../db/client";
import { missingInScope } from "../db/homes";
import { apiKeys, positions, users } from "../db/schema";
import type { ShardEnv } from "../env";
import { forgetKey, type Principal } from "../http/auth";
import { cursorKey, pageOf } from "../http/pagination";
import type { FieldError } from "../http/problem";
import { newId } from "../lib/ids";
import { grantsOf } from "../positions/grants";
import { revokeSessions } from "./sessions";
import { sendStaffEmail } from "./staff-mail";
import { issueToken, killTokens } from "./user-tokens";
import type { InviteUserInput, ListUsersFilter, UpdateUserInput } from "./users-schemas";
import { beyondGiver, INTEGRATION_POSITIONS, removesLastAdmin, withinGiver } from "./users-rules";

export type UserRow = typeof users.$inferSelect;
export type Refusal = { ok: false; status: 403 | 404 | 409 | 412 | 422; code: string; detail: string; errors?: FieldError[] };
type Result<T> = ({ ok: true } & T) | Refusal;

const invalid = (field: string, message: string): Refusal => ({ ok: false, status: 422, code: "validation_failed", detail: message, errors: [{ field, message }] });
const refused = (detail: string): Refusal => ({ ok: false, status: 403, code: "forbidden", detail });
const conflict = (code: string, detail: string): Refusal => ({ ok: false, status: 409, code, detail });
const NOT_FOUND: Refusal = { ok: false, status: 404, code: "not_found", detail: "No such user" };

/** Positions a person may be given: built-in staff ones and live custom ones, each within the giver's own permissions. */
export async function checkPositions(env: ShardEnv, p: Principal, ids: readonly string[]): Promise<Refusal | null> {
  if (new Set(ids).size !== ids.length) return invalid("positions", "names a position twice");
  const integration = ids.filter((id) => INTEGRATION_POSITIONS.has(id));
  if (integration.length) return invalid("positions", `${integration.join(", ")} is for integrations (API keys), not people`);
  const custom = ids.filter((id) => !isRole(id));
  if (custom.length) {
    const found = await directory(env)
      .select({ id: positions.id })
      .from(positions)
      .where(and(inArray(positions.id, custom), isNull(positions.archivedAt)))
      .all();
    const missing = custom.filter((id) => !found.some((f) => f.id === id));
    if (missing.length) return invalid("positions", `no such position: ${missing.join(", ")}`);
  }
  const beyond = beyondGiver(p.permissions, await grantsOf(env, ids));
  return beyond.length ? refused(`You cannot give a position with permissions you do not hold: ${beyond.join(", ")}`) : null;
}

async function checkScope(env: ShardEnv, p: Principal, s: { storeIds: string[]; warehouseIds: string[] }): Promise<Refusal | null> {
  for (const [field, ids] of [
    ["store_ids", s.storeIds],
    ["warehouse_ids", s.warehouseIds],
  ] as const) {
    if (ids.includes("*") && ids.length > 1) return invalid(field, '"*" stands alone');
  }
  if (!withinGiver(p, s)) return refused("You cannot give stores or warehouses beyond your own");
  // Stores and warehouses live on the shards, people on the directory: each id is looked for where it lives.
  const gone = await missingInScope(env, { storeIds: s.storeIds, warehouseIds: s.warehouseIds });
  if (gone) return invalid(gone.field, `no such ${gone.kind}: ${gone.ids.join(", ")}`);
  return null;
}

/** A person the principal may see: within their stores and warehouses. */
const visible = (p: Principal, u: UserRow) => withinGiver(p, u);

async function sendInvitation(env: ShardEnv, u: UserRow): Promise<void> {
  const token = await issueToken(env, u.id, "invitation");
  await sendStaffEmail(env, { userId: u.id, email: u.email, name: u.displayName, locale: u.locale, purpose: "invitation", token });
}

export async function inviteUser(env: ShardEnv, body: InviteUserInput, opts: { principal: Principal }): Promise<Result<{ row: UserRow }>> {
  const p = opts.principal;
  const storeIds = [...new Set(body.store_ids)];
  const warehouseIds = [...new Set(body.warehouse_ids)];
  const problem = (await checkScope(env, p, { storeIds, warehouseIds })) ?? (await checkPositions(env, p, body.positions));
  if (problem) return problem;
  const now = Date.now();
  const row: UserRow = {
    id: newId("usr", now),
    email: body.email,
    displayName: body.display_name,
    status: "invited",
    positions: body.positions,
    storeIds,
    warehouseIds,
    passwordHash: null,
    passwordChangedAt: null,
    totpSecret: null,
    totpEnabledAt: null,
    totpLastStep: null,
    locale: body.locale,
    createdBy: p.id,
    createdAt: now,
    updatedAt: now,
    deactivatedAt: null,
    lastSignInAt: null,
    version: 1,
  };
  try {
    await directory(env).insert(users).values(row);
  } catch (err) {
    if (constraintFailed(err, "users")) return conflict("email_taken", "A person with this email is already on the staff");
    throw err;
  }
  await sendInvitation(env, row);
  return { ok: true, row };
}

export async function listUsers(env: ShardEnv, p: Principal, q: ListUsersFilter) {
  const after = cursorKey(q.cursor, (k) => k.startsWith("usr_"));
  const like = q.q ? `%${q.q.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : null;
  const rows = await directory(env)
    .select()
    .from(users)
    .where(
      and(
        q.status ? eq(users.status, q.status) : undefined,
        q.position ? sql`EXISTS (SELECT 1 FROM json_each(${users.positions}) WHERE value = ${q.position})` : undefined,
        like ? sql`(lower(${users.displayName}) LIKE ${like} ESCAPE '\\' OR ${users.email} LIKE ${like} ESCAPE '\\')` : undefined,
        after ? lt(users.id, after) : undefined,
      ),
    )
    .orderBy(desc(users.id))
    .all();
  // Scope is a JSON array per person, so it is filtered here: staff are few.
  return pageOf(
    rows.filter((u) => visible(p, u)),
    q.limit,
    (u) => u.id,
  );
}

export async function findUser(env: ShardEnv, p: Principal, id: string): Promise<UserRow | null> {
  const row = await directory(env).select().from(users).where(eq(users.id, id)).get();
  return row && visible(p, row) ? row : null;
}

/** A person the principal may act on: visible, and holding nothing the principal does not. */
async function actOn(env: ShardEnv, p: Principal, id: string): Promise<Result<{ row: UserRow }>> {
  const row = await findUser(env, p, id);
  if (!row) return NOT_FOUND;
  const beyond = beyondGiver(p.permissions, await grantsOf(env, row.positions));
  if (beyond.length) return refused("This person holds permissions you do not: only someone who holds them may change them");
  return { ok: true, row };
}

const OTHER_ACTIVE_ADMIN = sql`EXISTS (SELECT 1 FROM users AS other, json_each(other.positions) AS pos WHERE other.status = 'active' AND pos.value = 'admin' AND other.id != "users"."id")`;

export async function updateUser(
  env: ShardEnv,
  id: string,
  body: UpdateUserInput,
  opts: { principal: Principal; expectedVersion: number | null },
): Promise<Result<{ row: UserRow }>> {
  const p = opts.principal;
  const found = await actOn(env, p, id);
  if (!found.ok) return found;
  const before = found.row;
  if (opts.expectedVersion !== null && opts.expectedVersion !== before.version) return versionMismatch(before.version);
  const next = {
    displayName: body.display_name ?? before.displayName,
    positions: body.positions ?? before.positions,
    storeIds: body.store_ids ? [...new Set(body.store_ids)] : before.storeIds,
    warehouseIds: body.warehouse_ids ? [...new Set(body.warehouse_ids)] : before.warehouseIds,
    locale: body.locale ?? before.locale,
    status: body.status ?? before.status,
  };
  if (body.store_ids || body.warehouse_ids) {
    const problem = await checkScope(env, p, next);
    if (problem) return problem;
  }
  if (body.positions) {
    const problem = await checkPositions(env, p, body.positions);
    if (problem) return problem;
  }
  const deactivating = next.status === "deactivated" && before.status !== "deactivated";
  if (deactivating && before.id === p.id) return conflict("cannot_deactivate_self", "You cannot deactivate yourself: ask another admin");
  if (next.status === "active" && before.status !== "active" && before.passwordHash === null) {
    return conflict("invitation_pending", "This person has not accepted their invitation yet: re-send it instead");
  }
  const guardAdmin = removesLastAdmin(before, next, 0);
  const now = Date.now();
  const [row] = await directory(env)
    .update(users)
    .set({ ...next, updatedAt: now, version: before.version + 1, deactivatedAt: next.status === "deactivated" ? (before.deactivatedAt ?? now) : null })
    .where(and(eq(users.id, id), eq(users.version, before.version), guardAdmin ? OTHER_ACTIVE_ADMIN : undefined))
    .returning();
  if (!row) {
    const now2 = await directory(env).select({ version: users.version }).from(users).where(eq(users.id, id)).get();
    if (guardAdmin && now2?.version === before.version) return conflict("last_admin", "This is the last active admin: make someone else an admin first");
    return versionMismatch(now2?.version ?? before.version);
  }
  if (deactivating) await deactivated(env, id);
  return { ok: true, row };
}

function versionMismatch(version: number): Refusal & { version: number } {
  return { ok: false, status: 412, code: "version_mismatch", detail: `The user is at version ${version}`, version };
}

/** What deactivation ends at once: sessions, emailed links, and every API key the person made (forgotten by this isolate too). */
async function deactivated(env: ShardEnv, userId: string): Promise<void> {
  await revokeSessions(env, userId, "deactivated");
  await killTokens(env, userId);
  const keys = await directory(env)
    .update(apiKeys)
    .set({ revokedAt: Date.now() })
    .where(and(eq(apiKeys.createdBy, userId), isNull(apiKeys.revokedAt)))
    .returning({ keyHash: apiKeys.keyHash });
  for (const k of keys) forgetKey(k.keyHash);
}

/** A new invitation link for someone who has not accepted yet; the old link dies. */
export async function resendInvitation(env: ShardEnv, id: string, opts: { principal: Principal }): Promise<Result<{ row: UserRow }>> {
  const found = await actOn(env, opts.principal, id);
  if (!found.ok) return found;
  if (found.row.status !== "invited") return conflict("not_invited", `This person is ${found.row.status}: only an invited person gets an invitation`);
  await sendInvitation(env, found.row);
  return found;
}
