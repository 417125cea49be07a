/**
 * Progressive lockout of sign-in by account name. The first FREE_FAILURES
 * wrong passwords cost nothing; each later one locks the name for
 * FIRST_LOCK_MS, doubling with every further failure up to MAX_LOCK_MS. A
 * right password clears the count; a failure more than FORGET_MS after the
 * previous one starts a new count.
 *
 * Invariants:
 * - The state is per normalised email whether or not an account has it
 *   (`sign_in_throttle.subject` is an HMAC under PII_INDEX_KEY, so the table
 *   names no one): a locked unknown address answers exactly as a locked
 *   known one, and the lockout tells no one which addresses are staff.
 * - While locked the password is not checked at all, and the refused attempt
 *   does not count (it cannot lengthen the lock: a stranger can delay a
 *   person by at most MAX_LOCK_MS at a time, and a password reset still works).
 * - Counting is one SQL upsert (`failures = failures + 1`): parallel wrong
 *   attempts are all counted, none is lost to a read-modify-write race.
 */
import { eq, sql } from "drizzle-orm";
import { directory } from "../db/client";
import { signInThrottle } from "../db/schema";
import type { ShardEnv } from "../env";
import { normaliseEmail, throttleSubject } from "./throttle-subject";

export { normaliseEmail, throttleSubject };

export const FREE_FAILURES = 5;
export const FIRST_LOCK_MS = 60 * 1000;
export const MAX_LOCK_MS = 60 * 60 * 1000;
/** A day without a failure and the count starts again. */
export const FORGET_MS = 24 * 60 * 60 * 1000;

/** How long the name is locked once it has this many failures in a row (0: not locked). */
export function lockAfter(failures: number): number {
  if (failures <= FREE_FAILURES) return 0;
  const doublings = failures - FREE_FAILURES - 1;
  // 2^6 minutes already passes the cap; stop before the exponent grows.
  return doublings >= 6 ? MAX_LOCK_MS : Math.min(MAX_LOCK_MS, FIRST_LOCK_MS * 2 ** doublings);
}

/** Milliseconds the name is still locked for, or 0. */
export function lockedFor(state: { lockedUntil: number | null } | null | undefined, now: number): number {
  return state?.lockedUntil && state.lockedUntil > now ? state.lockedUntil - now : 0;
}

/** Whole minutes to tell a person (never "0 minutes"). */
export const minutesOf = (ms: number) => Math.max(1, Math.ceil(ms / 60_000));

/** Milliseconds this name is locked for right now (0: go on and check the password). */
export async function currentLock(env: ShardEnv, subject: string, now = Date.now()): Promise<number> {
  const row = await directory(env).select({ lockedUntil: signInThrottle.lockedUntil }).from(signInThrottle).where(eq(signInThrottle.subject, subject)).get();
  return lockedFor(row, now);
}

/**
 * Counts one failure for the name and locks it when the count says so.
 * Returns the count and the lock it set (0 when none).
 */
export async function countFailure(env: ShardEnv, subject: string, now = Date.now()): Promise<{ failures: number; lockMs: number }> {
  const db = directory(env);
  const counted = await db
    .insert(signInThrottle)
    .values({ subject, failures: 1, lockedUntil: null, lastFailureAt: now })
    .onConflictDoUpdate({
      target: signInThrottle.subject,
      set: {
        failures: sql`CASE WHEN ${signInThrottle.lastFailureAt} < ${now - FORGET_MS} THEN 1 ELSE ${signInThrottle.failures} + 1 END`,
        lastFailureAt: sql`MAX(${signInThrottle.lastFailureAt}, ${now})`,
      },
    })
    .returning({ failures: signInThrottle.failures })
    .get();
  const failures = counted?.failures ?? 1;
  const lockMs = lockAfter(failures);
  if (lockMs) {
    // Never shortens a lock a parallel failure set further out.
    await db
      .update(signInThrottle)
      .set({ lockedUntil: sql`MAX(COALESCE(${signInThrottle.lockedUntil}, 0), ${now + lockMs})` })
      .where(eq(signInThrottle.subject, subject));
  }
  return { failures, lockMs };
}

/** A right password: the count starts again. */
export async function clearFailures(env: ShardEnv, subject: string): Promise<void> {
  await directory(env).delete(signInThrottle).where(eq(signInThrottle.subject, subject));
}

/** A completed password reset: the address's lock and count are gone, as the lock's message promises. */
export async function forgetFailures(env: ShardEnv, email: string): Promise<void> {
  await clearFailures(env, throttleSubject(env, email));
}
