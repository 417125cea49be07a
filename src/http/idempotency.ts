/**
 * `Idempotency-Key` on POSTs that create something. The first response is
 * stored under (api key, idempotency key) with a hash of the request; the
 * same key and body replay it, the same key with another request is a 422.
 *
 * Order intake writes its record inside the order's own D1 batch (see
 * `createOrder`), so a replay can never see an order without its record or
 * the reverse. Admin routes use `idempotent()`, which claims the key before
 * the handler runs so parallel retries wait for the first instead of racing it.
 */
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { constraintFailed, database, type Database } from "../db/client";
import { idempotencyKeys } from "../db/schema";
import type { AppEnv } from "../env";
import { sha256Hex } from "../lib/ids";
import { ApiError } from "./problem";

/** Records are kept this long; the hourly housekeeping cron deletes older ones. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export type IdempotencyRecord = typeof idempotencyKeys.$inferInsert;

export function idempotencyKeyOf(c: Context): string | null {
  const key = c.req.header("idempotency-key");
  if (key === undefined) return null;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new ApiError(400, "invalid_idempotency_key", "Invalid Idempotency-Key", "Use 1 to 255 visible ASCII characters");
  }
  return key;
}

export async function requestHash(c: Context): Promise<string> {
  return sha256Hex(`${c.req.method} ${new URL(c.req.url).pathname}\n${await c.req.text()}`);
}

export function insertRecord(db: Database, record: IdempotencyRecord) {
  return db.insert(idempotencyKeys).values(record);
}

export function isKeyConflict(err: unknown): boolean {
  return constraintFailed(err, "idempotency_keys");
}

/** Answers a request whose key is already recorded: a replay, a 422 or "still running". */
export async function replay(db: Database, principalId: string, key: string, hash: string): Promise<Response> {
  const row = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.principalId, principalId), eq(idempotencyKeys.key, key)))
    .get();
  if (!row) {
    // The first request failed and released its claim between our insert and this read: let the client retry.
    throw new ApiError(409, "idempotency_retry", "Retry the request", "The first request with this key did not complete", {}, { "retry-after": "1" });
  }
  if (row.requestHash !== hash) {
    throw new ApiError(
      422,
      "idempotency_key_reused",
      "Idempotency-Key reused with a different request",
      "This key was first used with another body or endpoint; use a new key for a new request",
    );
  }
  if (row.status === 0) {
    throw new ApiError(409, "idempotency_in_progress", "Request in progress", "The first request with this key is still running", {}, { "retry-after": "1" });
  }
  return new Response(row.responseBody, {
    status: row.status,
    headers: { "content-type": "application/json", "idempotent-replayed": "true", ...row.responseHeaders },
  });
}

const KEPT_HEADERS = ["location", "etag"];

/**
 * Claim-then-record idempotency for admin creates. `redact` may rewrite the
 * stored body: a created API key's secret is never stored, so its replay says so.
 */
export function idempotent(options: { redact?: (body: Record<string, unknown>) => Record<string, unknown> } = {}) {
  return createMiddleware<AppEnv>(async function idempotent(c, next) {
    const key = idempotencyKeyOf(c);
    if (key === null) return next();
    const db = database(c.env);
    const principalId = c.get("principal").id;
    const hash = await requestHash(c);
    const claim: IdempotencyRecord = {
      principalId,
      key,
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      requestHash: hash,
      status: 0,
      responseBody: "",
      responseHeaders: {},
      createdAt: Date.now(),
    };
    try {
      await insertRecord(db, claim);
    } catch (err) {
      if (!isKeyConflict(err)) throw err;
      c.res = await replay(db, principalId, key, hash);
      return;
    }
    const where = and(eq(idempotencyKeys.principalId, principalId), eq(idempotencyKeys.key, key));
    try {
      await next();
    } catch (err) {
      await db.delete(idempotencyKeys).where(where);
      throw err;
    }
    if (c.res.status >= 500 || c.error) {
      await db.delete(idempotencyKeys).where(where);
      return;
    }
    let body = await c.res.clone().text();
    if (options.redact && c.res.status < 300) body = JSON.stringify(options.redact(JSON.parse(body)));
    const headers = Object.fromEntries(KEPT_HEADERS.flatMap((h) => (c.res.headers.has(h) ? [[h, c.res.headers.get(h)!]] : [])));
    await db.update(idempotencyKeys).set({ status: c.res.status, responseBody: body, responseHeaders: headers }).where(where);
  });
}
