/**
 * Emailed one-time links (invitations, password resets). The token is
 * random and goes only into the email; D1 keeps its SHA-256 as the row id.
 * Invariants: a person has at most one live token per purpose (issuing one
 * kills the earlier ones, in the same batch), and spending is one guarded
 * UPDATE, so of two concurrent uses exactly one gets the person.
 */
import { and, eq, gt, isNull, max } from "drizzle-orm";
import { directory } from "../db/client";
import { type USER_TOKEN_PURPOSES, userTokens } from "../db/schema";
import type { ShardEnv } from "../env";
import { randomToken, sha256Hex } from "../lib/ids";

export type TokenPurpose = (typeof USER_TOKEN_PURPOSES)[number];

export const TOKEN_TTL_MS: Record<TokenPurpose, number> = {
  invitation: 7 * 24 * 60 * 60 * 1000,
  password_reset: 60 * 60 * 1000,
};

/** A new token for this person and purpose; earlier live ones of the same purpose die with it. */
export async function issueToken(env: ShardEnv, userId: string, purpose: TokenPurpose, now = Date.now()): Promise<string> {
  const token = randomToken(43);
  const db = directory(env);
  await db.batch([
    db
      .update(userTokens)
      .set({ usedAt: now })
      .where(and(eq(userTokens.userId, userId), eq(userTokens.purpose, purpose), isNull(userTokens.usedAt))),
    db.insert(userTokens).values({ id: await sha256Hex(token), userId, purpose, createdAt: now, expiresAt: now + TOKEN_TTL_MS[purpose], usedAt: null }),
  ]);
  return token;
}

/** When this person was last sent a token of this purpose (epoch ms), or null. */
export async function lastIssuedAt(env: ShardEnv, userId: string, purpose: TokenPurpose): Promise<number | null> {
  const row = await directory(env)
    .select({ at: max(userTokens.createdAt) })
    .from(userTokens)
    .where(and(eq(userTokens.userId, userId), eq(userTokens.purpose, purpose)))
    .get();
  return row?.at ?? null;
}

/** Spends a live token: the person it was for, or null (unknown, expired, used, or another purpose). */
export async function spendToken(env: ShardEnv, token: string, purpose: TokenPurpose, now = Date.now()): Promise<string | null> {
  if (!token || token.length > 200) return null;
  const [row] = await directory(env)
    .update(userTokens)
    .set({ usedAt: now })
    .where(and(eq(userTokens.id, await sha256Hex(token)), eq(userTokens.purpose, purpose), isNull(userTokens.usedAt), gt(userTokens.expiresAt, now)))
    .returning({ userId: userTokens.userId });
  return row?.userId ?? null;
}

/** Kills every live token of this person (deactivation). */
export async function killTokens(env: ShardEnv, userId: string, now = Date.now()) {
  await directory(env)
    .update(userTokens)
    .set({ usedAt: now })
    .where(and(eq(userTokens.userId, userId), isNull(userTokens.usedAt)));
}
