/**
 * Links to the customer's own order page: `/o/<tag>.<token>`, or `/o/<token>` for an order whose id has no store
 * tag (made before tags). The tag sends the visit to the order's shard (src/http/route-shard.ts): a token's hash
 * names no store, and its row lives on the order's shard. The token is 190 bits
 * of randomness, only its hash is stored, and each one expires; a new one
 * is minted for every message, so old emails stop working in time.
 *
 * Invariant: only an order's newest link acts. Minting a link supersedes
 * every older link of the same order at once: an older link still shows the
 * order (until its own expiry) but can change nothing. "Newest" is the
 * latest `created_at`, then the latest row: no column to keep in step.
 */
import { and, eq, gt, sql } from "drizzle-orm";
import { database, type Database } from "../db/client";
import { inBatch, perDatabase } from "../db/prepared";
import { customerTokens } from "../db/schema";
import type { ShardEnv } from "../env";
import { randomToken, sha256Hex, TAG, tagOf } from "../lib/ids";

export const TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** A new link: the row that stores it (for the caller's batch), that row's statement, and the URL to send. */
export async function mintCustomerLink(env: ShardEnv, orderId: string, { db, now = Date.now(), reply = false }: { db: Database; now?: number; reply?: boolean }) {
  const token = randomToken(32);
  const expiresAt = now + TOKEN_TTL_MS;
  const row = { tokenHash: await sha256Hex(token), orderId, expiresAt, createdAt: now, reply };
  return {
    url: `${(env.PUBLIC_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "")}/o/${linkPath(orderId, token)}`,
    expiresAt,
    row,
    statement: db.insert(customerTokens).values(row),
  };
}

export const isTokenShape = (token: string) => /^[0-9A-Za-z]{32}$/.test(token);

/** The link's last segment: the order's store tag and a dot before the token, when the order's id has a tag. Pure. */
export function linkPath(orderId: string, token: string): string {
  const tag = tagOf(orderId);
  return tag ? `${tag}.${token}` : token;
}

/** A link's last segment split into its store tag (null for a link without one) and its token. Pure. */
export function splitLink(segment: string): { tag: string | null; token: string } {
  const dot = segment.indexOf(".");
  if (dot === -1) return { tag: null, token: segment };
  const tag = segment.slice(0, dot);
  return TAG.test(tag) ? { tag, token: segment.slice(dot + 1) } : { tag: null, token: segment };
}

/**
 * What a token opens: its order, when it expires, and whether it is current (the only kind that acts): no link
 * the shop sent on its own account is newer. A link sent in reply to the customer's own act on their page
 * (`reply`) retires nothing, so the page they are using keeps working while our answer reaches them.
 */
export type OpenedToken = { orderId: string; expiresAt: number; current: boolean };

/** The order a token opens, or null for an unknown or expired token. */
export async function openToken(env: ShardEnv, token: string, { now = Date.now() }: { now?: number } = {}): Promise<OpenedToken | null> {
  if (!isTokenShape(token)) return null;
  return openedFrom(await openTokenStatement(database(env)).get({ hash: await sha256Hex(token), now }));
}

/** The lookup behind `openToken`, by the token's hash, for a caller's batch. */
export function openTokenQuery(db: Database, hash: string, now: number) {
  return inBatch(openTokenStatement(db), { hash, now });
}

/** Built once per binding (src/db/prepared.ts): every visit of a customer's page runs it. */
const openTokenStatement = perDatabase((db: Database) =>
  db
    .select({
      orderId: customerTokens.orderId,
      expiresAt: customerTokens.expiresAt,
      // Qualified by hand: drizzle writes a single-table select's columns bare ("order_id"), which inside this
      // subquery would be n's own column, and the newest link of any order would supersede every other order's.
      superseded: sql<number>`EXISTS (SELECT 1 FROM customer_tokens n WHERE n.order_id = "customer_tokens"."order_id" AND n.reply = 0 AND (n.created_at > "customer_tokens"."created_at" OR (n.created_at = "customer_tokens"."created_at" AND n.rowid > "customer_tokens"."rowid")))`,
    })
    .from(customerTokens)
    .where(and(eq(customerTokens.tokenHash, sql.placeholder("hash")), gt(customerTokens.expiresAt, sql.placeholder("now"))))
    .prepare(),
);

export function openedFrom(row: { orderId: string; expiresAt: number; superseded: number } | undefined): OpenedToken | null {
  return row ? { orderId: row.orderId, expiresAt: row.expiresAt, current: !row.superseded } : null;
}
