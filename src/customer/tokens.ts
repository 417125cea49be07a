/**
 * Links to the customer's own order page: `/o/<token>`. The token is 190 bits
 * of randomness, only its hash is stored, and each one expires; a new one
 * is minted for every message, so old emails stop working in time.
 */
import { and, eq, gt } from "drizzle-orm";
import { database, type Database } from "../db/client";
import { customerTokens } from "../db/schema";
import type { Env } from "../env";
import { randomToken, sha256Hex } from "../lib/ids";

export const TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** A new link: the row that stores it (for the caller's batch), that row's statement, and the URL to send. */
export async function mintCustomerLink(env: Env, orderId: string, { db, now = Date.now() }: { db: Database; now?: number }) {
  const token = randomToken(32);
  const expiresAt = now + TOKEN_TTL_MS;
  const row = { tokenHash: await sha256Hex(token), orderId, expiresAt, createdAt: now };
  return {
    url: `${(env.PUBLIC_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "")}/o/${token}`,
    expiresAt,
    row,
    statement: db.insert(customerTokens).values(row),
  };
}

/** The order a token opens, or null for an unknown or expired token. */
export async function orderForToken(env: Env, token: string, { now = Date.now() }: { now?: number } = {}): Promise<string | null> {
  if (!/^[0-9A-Za-z]{32}$/.test(token)) return null;
  const row = await database(env)
    .select({ orderId: customerTokens.orderId })
    .from(customerTokens)
    .where(and(eq(customerTokens.tokenHash, await sha256Hex(token)), gt(customerTokens.expiresAt, now)))
    .get();
  return row?.orderId ?? null;
}
