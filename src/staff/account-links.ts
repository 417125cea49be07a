/**
 * The two emailed one-time links a person follows without being signed in:
 * accepting an invitation and completing a password reset. Both set a
 * password, spend the token (one UPDATE: of concurrent uses exactly one
 * wins), and sign the person in fresh, at the stage their second factors
 * and positions call for (`stageAfterFirstFactor`). Every step is in the
 * activity log.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Context } from "hono";
import { recordActivity } from "../activity/record";
import { directory } from "../db/client";
import { signInThrottle, users, userTokens } from "../db/schema";
import type { AppEnv } from "../env";
import { sha256Hex } from "../lib/ids";
import { costOf, hashPassword, passwordProblem } from "./password";
import { revokeSessions, type SessionRow, startSession, type UserRow } from "./sessions";
import { stageAfterFirstFactor } from "./stage";
import { sendStaffEmail } from "./staff-mail";
import { normaliseEmail, throttleSubject } from "./throttle-subject";
import { issueToken, lastIssuedAt, spendToken, type TokenPurpose } from "./user-tokens";

export type LinkOutcome = { ok: true; user: UserRow; session: SessionRow } | { ok: false; code: "invalid_token" } | { ok: false; code: "weak_password"; message: string };

const anonymous = { id: null, kind: "anonymous" as const, name: null };
const actorOf = (u: UserRow) => ({ id: u.id, kind: "user" as const, name: u.displayName });

/**
 * Checks the password against the person the token names before spending
 * it, so a weak password does not burn the link; then spends it.
 */
async function personOf(c: Context<AppEnv>, purpose: TokenPurpose, token: string, password: string, displayName?: string) {
  const db = directory(c.env);
  const peek = await db
    .select({ user: users })
    .from(userTokens)
    .innerJoin(users, eq(users.id, userTokens.userId))
    .where(and(eq(userTokens.id, await sha256Hex(token)), eq(userTokens.purpose, purpose)))
    .get();
  if (peek) {
    const problem = passwordProblem(password, { email: peek.user.email, displayName: displayName ?? peek.user.displayName });
    if (problem) return { ok: false as const, code: "weak_password" as const, message: problem };
  }
  const userId = await spendToken(c.env, token, purpose);
  if (!userId || !peek) return { ok: false as const, code: "invalid_token" as const };
  return { ok: true as const, user: peek.user };
}

export async function acceptInvitation(c: Context<AppEnv>, input: { token: string; password: string; display_name?: string | undefined }): Promise<LinkOutcome> {
  const found = await personOf(c, "invitation", input.token, input.password, input.display_name);
  if (!found.ok) {
    if (found.code === "invalid_token") await recordActivity(c, { action: "invitation_accept_failed", actor: anonymous, status: 400 });
    return found;
  }
  const now = Date.now();
  const [user] = await directory(c.env)
    .update(users)
    .set({
      status: "active",
      displayName: input.display_name ?? found.user.displayName,
      passwordHash: await hashPassword(input.password, costOf(c.env)),
      passwordChangedAt: now,
      lastSignInAt: now,
      updatedAt: now,
      version: sql`${users.version} + 1`,
    })
    // Deactivated after the link was sent: the link opens nothing.
    .where(and(eq(users.id, found.user.id), eq(users.status, "invited")))
    .returning();
  if (!user) {
    await recordActivity(c, { action: "invitation_accept_failed", actor: actorOf(found.user), target: found.user.id, status: 400 });
    return { ok: false, code: "invalid_token" };
  }
  const session = await startSession(c, { userId: user.id, stage: await stageAfterFirstFactor(c.env, user), method: "invitation" });
  await recordActivity(c, { action: "invitation_accepted", actor: actorOf(user), target: user.id, status: 200, detail: { stage: session.stage } });
  return { ok: true, user, session };
}

/**
 * Emails a reset link to an active person with this address; for anyone
 * else nothing is sent, and the caller cannot tell: the answer leaves after
 * the same one read either way, and the link is made and sent after it.
 */
export async function requestPasswordReset(c: Context<AppEnv>, email: string): Promise<void> {
  const user = await directory(c.env)
    .select()
    .from(users)
    .where(eq(users.email, normaliseEmail(email)))
    .get();
  c.executionCtx.waitUntil(sendResetLink(c, user?.status === "active" ? user : null));
}

/** The least time between two reset emails to one person. */
export const RESET_EMAIL_GAP_MS = 2 * 60 * 1000;

async function sendResetLink(c: Context<AppEnv>, user: UserRow | null): Promise<void> {
  if (!user) {
    await recordActivity(c, { action: "password_reset_requested", actor: anonymous, status: 202, detail: { sent: false } });
    return;
  }
  // One reset email per person per RESET_EMAIL_GAP_MS: asking again and again (or a stranger asking for them)
  // does not fill their inbox. The answer is the same either way; the link already sent still works.
  const last = await lastIssuedAt(c.env, user.id, "password_reset");
  if (last !== null && Date.now() - last < RESET_EMAIL_GAP_MS) {
    await recordActivity(c, {
      action: "password_reset_requested",
      actor: { ...anonymous, id: user.id, name: user.displayName },
      target: user.id,
      status: 202,
      detail: { sent: false, reason: "sent_recently" },
    });
    return;
  }
  const token = await issueToken(c.env, user.id, "password_reset");
  await sendStaffEmail(c.env, { userId: user.id, email: user.email, name: user.displayName, locale: user.locale, purpose: "password_reset", token });
  await recordActivity(c, {
    action: "password_reset_requested",
    actor: { ...anonymous, id: user.id, name: user.displayName },
    target: user.id,
    status: 202,
    detail: { sent: true },
  });
}

/** Sets the new password, ends every session and the sign-in lockout, and signs in fresh. */
export async function completePasswordReset(c: Context<AppEnv>, input: { token: string; password: string }): Promise<LinkOutcome> {
  const found = await personOf(c, "password_reset", input.token, input.password);
  if (!found.ok) {
    if (found.code === "invalid_token") await recordActivity(c, { action: "password_reset_failed", actor: anonymous, status: 400 });
    return found;
  }
  const now = Date.now();
  const db = directory(c.env);
  const [user] = await db
    .update(users)
    .set({ passwordHash: await hashPassword(input.password, costOf(c.env)), passwordChangedAt: now, lastSignInAt: now, updatedAt: now, version: sql`${users.version} + 1` })
    .where(and(eq(users.id, found.user.id), eq(users.status, "active")))
    .returning();
  if (!user) {
    await recordActivity(c, { action: "password_reset_failed", actor: actorOf(found.user), target: found.user.id, status: 400 });
    return { ok: false, code: "invalid_token" };
  }
  await revokeSessions(c.env, user.id, "password_reset");
  await db.delete(signInThrottle).where(eq(signInThrottle.subject, throttleSubject(c.env, user.email)));
  const session = await startSession(c, { userId: user.id, stage: await stageAfterFirstFactor(c.env, user), method: "password_reset" });
  await recordActivity(c, { action: "password_reset", actor: actorOf(user), target: user.id, status: 200, detail: { stage: session.stage } });
  return { ok: true, user, session };
}
