/**
 * Signing in with email and password: the first factor.
 *
 * Invariants:
 * - A wrong email, a wrong password, an invited or deactivated account: one
 *   and the same answer, after the same work (an unknown email is checked
 *   against a decoy hash), so neither the answer nor its timing says which
 *   addresses are staff.
 * - While the address is locked (src/staff/lockout.ts) the password is not
 *   checked; failures also count per client IP (the API's failed
 *   authentication limit).
 * - Every attempt is in the activity log; the password never is, and an
 *   address with no account is not written down either (it may be a typo of
 *   someone's password).
 * - Success starts a new session (the one the browser came with ends: no
 *   fixation) and clears the address's failure count.
 */
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { recordActivity } from "../activity/record";
import { directory } from "../db/client";
import { users } from "../db/schema";
import type { AppEnv } from "../env";
import { authCutOffSeconds, clientIp, countAuthFailure } from "../http/rate-limit";
import { clearFailures, countFailure, currentLock, normaliseEmail, throttleSubject } from "./lockout";
import { costOf, decoyHash, hashPassword, verifyPassword } from "./password";
import { type SessionRow, type UserRow, startSession } from "./sessions";
import { stageAfterFirstFactor } from "./stage";

export type SignInOutcome =
  | { ok: true; user: UserRow; session: SessionRow }
  | { ok: false; code: "sign_in_failed" }
  | { ok: false; code: "sign_in_locked"; retryAfterMs: number }
  | { ok: false; code: "address_limited"; retryAfterS: number };

const anonymous = { id: null, kind: "anonymous", name: null } as const;

export async function signInWithPassword(c: Context<AppEnv>, input: { email: string; password: string }): Promise<SignInOutcome> {
  const env = c.env;
  const ip = clientIp(c.req.raw.headers);
  const email = normaliseEmail(input.email);
  const user = await directory(env).select().from(users).where(eq(users.email, email)).get();
  const target = user?.id ?? null;

  const addressWait = authCutOffSeconds(ip);
  if (addressWait) {
    await recordActivity(c, { action: "sign_in_locked", actor: anonymous, target, status: 429, detail: { by: "address" } });
    return { ok: false, code: "address_limited", retryAfterS: addressWait };
  }
  const subject = throttleSubject(env, email);
  const locked = await currentLock(env, subject);
  if (locked) {
    await recordActivity(c, { action: "sign_in_locked", actor: anonymous, target, status: 429, detail: { by: "account" } });
    return { ok: false, code: "sign_in_locked", retryAfterMs: locked };
  }

  const cost = costOf(env);
  // Always one hash's work, account or not.
  const verified = await verifyPassword(input.password, user?.passwordHash ?? (await decoyHash(cost)), cost);
  if (!user || !verified.ok || user.status !== "active") {
    const counted = await countFailure(env, subject);
    const addressLimited = await countAuthFailure(env, ip);
    const reason = !user ? "unknown_account" : user.status !== "active" ? `account_${user.status}` : "wrong_password";
    await recordActivity(c, { action: "sign_in_failed", actor: anonymous, target, status: addressLimited ? 429 : 401, detail: { reason, failures: counted.failures } });
    return addressLimited ? { ok: false, code: "address_limited", retryAfterS: addressLimited } : { ok: false, code: "sign_in_failed" };
  }

  await clearFailures(env, subject);
  const now = Date.now();
  const stage = await stageAfterFirstFactor(env, user);
  const changes: Partial<UserRow> = {};
  // A hash made at an older cost is replaced now, while the password is at hand.
  if (verified.needsRehash) changes.passwordHash = await hashPassword(input.password, cost);
  // Signed in is signed in once the second factor is given too; that step records it then.
  if (stage !== "second_factor") changes.lastSignInAt = now;
  if (Object.keys(changes).length) await directory(env).update(users).set(changes).where(eq(users.id, user.id));
  const session = await startSession(c, { userId: user.id, stage, method: "password" });
  await recordActivity(c, { action: "sign_in", actor: { id: user.id, kind: "user", name: user.displayName }, target: user.id, status: 200, detail: { stage, method: "password" } });
  return { ok: true, user: { ...user, ...changes }, session };
}
