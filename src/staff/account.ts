/**
 * A signed-in person's own account: their live sessions, ending them, and
 * changing their password.
 *
 * Invariants:
 * - A person sees and ends only their own sessions; a session id is the
 *   SHA-256 of its cookie token, which signs no one in.
 * - A password change ends every other session of the person at once and
 *   renews this browser's (new token, new CSRF token): whoever else knew the
 *   old password or held a session is out.
 * - Checking the current password counts towards the same lockout as
 *   signing in, so a borrowed session cannot be used to guess it.
 */
import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import type { Context } from "hono";
import { recordActivity } from "../activity/record";
import { directory } from "../db/client";
import { sessions, users } from "../db/schema";
import type { AppEnv, ShardEnv } from "../env";
import type { Principal } from "../http/auth";
import { clearFailures, countFailure, currentLock, throttleSubject } from "./lockout";
import { costOf, hashPassword, passwordProblem, verifyPassword } from "./password";
import { IDLE_MS, revokeSessions, type SessionRow, startSession, type UserRow } from "./sessions";
import type { UpdateMeInput } from "./sign-in-schemas";

/** The principal's person and session rows (the principal holds only what authorisation needs). */
export async function ownRows(env: ShardEnv, p: Principal): Promise<{ user: UserRow; session: SessionRow } | null> {
  if (p.kind !== "user" || !p.session) return null;
  const found = await directory(env)
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, p.session.id))
    .get();
  return found ?? null;
}

/** The person's sessions that are still live: not revoked, not past either expiry. Newest first. */
export async function liveSessions(env: ShardEnv, userId: string, now = Date.now()): Promise<SessionRow[]> {
  return directory(env)
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now), gt(sessions.lastSeenAt, now - IDLE_MS)))
    .orderBy(desc(sessions.createdAt))
    .limit(200)
    .all();
}

/** Ends one of the person's sessions; false when they have no such live session. */
export async function endSession(env: ShardEnv, userId: string, sessionId: string): Promise<boolean> {
  const ended = await directory(env)
    .update(sessions)
    .set({ revokedAt: Date.now(), revokedReason: "ended_by_user" })
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return ended.length > 0;
}

/**
 * A person's own name and language. Positions, scope and status are not
 * theirs to change (`PATCH /v1/users/{id}` with `users:manage` is).
 */
export async function updateOwnProfile(env: ShardEnv, userId: string, body: UpdateMeInput): Promise<UserRow | null> {
  const [row] = await directory(env)
    .update(users)
    .set({
      ...(body.display_name !== undefined ? { displayName: body.display_name } : {}),
      ...(body.locale !== undefined ? { locale: body.locale } : {}),
      updatedAt: Date.now(),
      version: sql`${users.version} + 1`,
    })
    .where(and(eq(users.id, userId), eq(users.status, "active")))
    .returning();
  return row ?? null;
}

export type PasswordChange =
  | { ok: true; session: SessionRow; sessionsEnded: number }
  | { ok: false; code: "current_password_wrong" }
  | { ok: false; code: "locked"; retryAfterMs: number }
  | { ok: false; code: "weak"; problem: string };

export async function changePassword(
  c: Context<AppEnv>,
  own: { user: UserRow; session: SessionRow },
  input: { current_password: string; new_password: string },
): Promise<PasswordChange> {
  const env = c.env;
  const { user, session } = own;
  const actor = { id: user.id, kind: "user", name: user.displayName } as const;
  const subject = throttleSubject(env, user.email);
  const locked = await currentLock(env, subject);
  if (locked) return { ok: false, code: "locked", retryAfterMs: locked };
  const cost = costOf(env);
  const verified = user.passwordHash ? await verifyPassword(input.current_password, user.passwordHash, cost) : { ok: false };
  if (!verified.ok) {
    const counted = await countFailure(env, subject);
    await recordActivity(c, { action: "password_change_failed", actor, target: user.id, status: 422, detail: { reason: "current_password_wrong", failures: counted.failures } });
    return { ok: false, code: "current_password_wrong" };
  }
  await clearFailures(env, subject);
  const problem =
    input.new_password === input.current_password
      ? "must differ from the current password"
      : passwordProblem(input.new_password, { email: user.email, displayName: user.displayName });
  if (problem) return { ok: false, code: "weak", problem };
  const now = Date.now();
  await directory(env)
    .update(users)
    .set({ passwordHash: await hashPassword(input.new_password, cost), passwordChangedAt: now, updatedAt: now, version: user.version + 1 })
    .where(eq(users.id, user.id));
  const ended = await revokeSessions(env, user.id, "password_changed", { except: session.id });
  // This browser keeps going, on a new token (the old one is revoked as `replaced`).
  const renewed = await startSession(c, { userId: user.id, stage: session.stage, method: session.method });
  await recordActivity(c, { action: "password_changed", actor, target: user.id, status: 200, detail: { sessions_ended: ended } });
  return { ok: true, session: renewed, sessionsEnded: ended };
}
