/**
 * A person's TOTP and recovery codes in D1. D1 has no interactive
 * transactions, so "each code counts once" is a guard in SQL: the write that
 * accepts a code is conditional, and of two requests with the same code only
 * the one whose UPDATE changed a row wins.
 */
import { and, eq, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import { directory } from "../db/client";
import { passkeys, recoveryCodes, users } from "../db/schema";
import type { ShardEnv } from "../env";
import { hashRecoveryCode, newRecoveryCodes, newTotpSecret, normaliseRecoveryCode, totpStep } from "./two-factor";
import type { UserRow } from "./sessions";

type Changed = { meta: { changes?: number } };
const changed = (r: unknown) => ((r as Changed).meta.changes ?? 0) > 0;

/** A new secret, stored sealed and not yet live (a pending enrolment is simply replaced). */
export async function startTotpEnrolment(env: ShardEnv, user: Pick<UserRow, "id" | "email">): Promise<{ secret: string; uri: string }> {
  const fresh = newTotpSecret(user.email);
  await directory(env)
    .update(users)
    .set({ totpSecret: fresh.secret, totpLastStep: null, updatedAt: Date.now() })
    .where(and(eq(users.id, user.id), isNull(users.totpEnabledAt)));
  return fresh;
}

/** Later than the last accepted step (or none yet): the guard every accepted code writes through. */
const stepIsNew = (step: number) => or(isNull(users.totpLastStep), lt(users.totpLastStep, step));

/** Confirms a pending enrolment with a first code: TOTP is live from now. False when the code is wrong or already used. */
export async function confirmTotp(env: ShardEnv, user: Pick<UserRow, "id" | "email" | "totpSecret">, code: string): Promise<boolean> {
  if (!user.totpSecret) return false;
  const step = totpStep({ secret: user.totpSecret, email: user.email, code });
  if (step === null) return false;
  const now = Date.now();
  const r = await directory(env)
    .update(users)
    .set({ totpEnabledAt: now, totpLastStep: step, updatedAt: now })
    .where(and(eq(users.id, user.id), isNull(users.totpEnabledAt), isNotNull(users.totpSecret), stepIsNew(step)));
  return changed(r);
}

/** Accepts a code of live TOTP, once: its step must be later than any accepted before. */
export async function acceptTotpCode(env: ShardEnv, user: Pick<UserRow, "id" | "email" | "totpSecret" | "totpEnabledAt">, code: string): Promise<boolean> {
  if (!user.totpSecret || user.totpEnabledAt === null) return false;
  const step = totpStep({ secret: user.totpSecret, email: user.email, code });
  if (step === null) return false;
  const r = await directory(env)
    .update(users)
    .set({ totpLastStep: step })
    .where(and(eq(users.id, user.id), isNotNull(users.totpEnabledAt), stepIsNew(step)));
  return changed(r);
}

/** Spends one recovery code. False when it is not one of the person's or is already spent. */
export async function spendRecoveryCode(env: ShardEnv, userId: string, input: string): Promise<boolean> {
  const code = normaliseRecoveryCode(input);
  if (!code) return false;
  const r = await directory(env)
    .update(recoveryCodes)
    .set({ usedAt: Date.now() })
    .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, await hashRecoveryCode(code)), isNull(recoveryCodes.usedAt)));
  return changed(r);
}

/** A fresh set of recovery codes; the old ones, spent or not, stop working in the same batch. */
export async function replaceRecoveryCodes(env: ShardEnv, userId: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  const now = Date.now();
  const rows = await Promise.all(codes.map(async (c) => ({ userId, codeHash: await hashRecoveryCode(c), createdAt: now, usedAt: null })));
  const db = directory(env);
  await db.batch([db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)), db.insert(recoveryCodes).values(rows)]);
  return codes;
}

export async function unusedRecoveryCodes(env: ShardEnv, userId: string): Promise<number> {
  const rows = await directory(env)
    .select({ hash: recoveryCodes.codeHash })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return rows.length;
}

/**
 * Turns TOTP off: the secret is forgotten and the recovery codes issued with
 * it die. When two-factor is `required`, only if a passkey remains, checked
 * in the same statement, so a passkey removed at the same moment cannot
 * leave the person with neither. False when refused.
 */
export async function disableTotp(env: ShardEnv, userId: string, opts: { required: boolean }): Promise<boolean> {
  const db = directory(env);
  const keepsOne = opts.required ? sql`exists (select 1 from ${passkeys} where ${passkeys.userId} = ${userId})` : sql`1`;
  const [updated] = await db.batch([
    db
      .update(users)
      .set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null, updatedAt: Date.now() })
      .where(and(eq(users.id, userId), isNotNull(users.totpEnabledAt), keepsOne)),
    db.delete(recoveryCodes).where(and(eq(recoveryCodes.userId, userId), sql`(select ${users.totpEnabledAt} from ${users} where ${users.id} = ${userId}) is null`)),
  ]);
  return changed(updated);
}
