/**
 * A store's channel connections as data: created, read, changed (with the
 * version as an optimistic lock) and paused by staff. Secrets are written
 * sealed and never read back out: the API says only which are set.
 */
import { and, asc, desc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import { chunk, constraintFailed, database } from "../db/client";
import { listedAcross } from "../db/fan-out";
import { channelConnections, channelInbox, channelSkuMap } from "../db/schema";
import type { ChannelPushes, PlatformFeeSchedule } from "../db/schema/channels";
import { fromMinor, toMinor } from "../lib/money";
import type { Env, ShardEnv } from "../env";
import { type Principal, seesStore, storeScope } from "../http/auth";
import { cursorKey, pageOf } from "../http/pagination";
import { newId } from "../lib/ids";
import { iso } from "../orders/serialize";
import { type ConnectionRow, PREVIOUS_SECRET_GRACE_MS } from "./connections";
import type { CreateChannelConnectionInput, PlatformFeeInput, UpdateChannelConnectionInput } from "./schemas";
import { storeTag } from "../db/homes";

const DEFAULT_PUSHES: ChannelPushes = { fulfillments: true, cancellations: true, refunds: false };

/** The API's fee schedule (a decimal `fixed`, checked by the schema) as stored, in minor units. */
function feeSchedule(f: PlatformFeeInput): PlatformFeeSchedule {
  const fixed = toMinor(f.fixed, f.currency);
  return { percent_bps: f.percent_bps, fixed_minor: fixed.ok ? fixed.minor : 0, currency: f.currency };
}

/** Where the platform sends webhooks for this connection. */
export function webhookUrl(env: Pick<Env, "PUBLIC_URL">, id: string): string {
  return `${(env.PUBLIC_URL ?? "http://127.0.0.1:8787").replace(/\/+$/, "")}/webhooks/channels/${id}`;
}

export function connectionBody(env: Pick<Env, "PUBLIC_URL">, row: ConnectionRow, now = Date.now()) {
  const previousUntil = row.previousWebhookSecret && row.previousWebhookSecretUntil !== null && row.previousWebhookSecretUntil > now ? row.previousWebhookSecretUntil : null;
  return {
    id: row.id,
    store_id: row.storeId,
    platform: row.platform,
    name: row.name,
    shop_domain: row.shopDomain,
    api_base_url: row.apiBaseUrl,
    credential_keys: Object.keys(row.credentials).sort(),
    webhook_secret_set: !!row.webhookSecret,
    previous_webhook_secret_until: previousUntil === null ? null : iso(previousUntil),
    webhook_url: webhookUrl(env, row.id),
    pushes: row.pushes,
    platform_fee: row.platformFee
      ? { percent_bps: row.platformFee.percent_bps, fixed: fromMinor(row.platformFee.fixed_minor, row.platformFee.currency), currency: row.platformFee.currency }
      : null,
    status: row.status,
    version: row.version,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}

export async function createConnection(env: ShardEnv, input: CreateChannelConnectionInput): Promise<{ ok: true; row: ConnectionRow } | { ok: false; code: "unknown_store" }> {
  const now = Date.now();
  const row: ConnectionRow = {
    id: newId("chn", now, await storeTag(env, input.store_id)),
    storeId: input.store_id,
    platform: input.platform,
    name: input.name,
    shopDomain: input.shop_domain,
    apiBaseUrl: input.api_base_url,
    credentials: input.credentials,
    webhookSecret: input.webhook_secret ?? null,
    previousWebhookSecret: null,
    previousWebhookSecretUntil: null,
    pushes: { ...DEFAULT_PUSHES, ...input.pushes },
    platformFee: input.platform_fee ? feeSchedule(input.platform_fee) : null,
    status: "active",
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await database(env).insert(channelConnections).values(row);
  } catch (err) {
    if (constraintFailed(err, "FOREIGN KEY")) return { ok: false, code: "unknown_store" };
    throw err;
  }
  return { ok: true, row };
}

/** The connection if the caller's keys see its store; otherwise as if it did not exist. */
export async function getConnection(env: ShardEnv, p: Pick<Principal, "stores">, id: string): Promise<ConnectionRow | null> {
  const row = await database(env).select().from(channelConnections).where(eq(channelConnections.id, id)).get();
  return row && seesStore(p, row.storeId) ? row : null;
}

export async function listConnections(env: ShardEnv, p: Pick<Principal, "stores">, q: { cursor?: string; limit: number; store_id?: string; platform?: string; status?: string }) {
  const after = cursorKey(q.cursor, (k) => k.startsWith("chn_"));
  const rows = await listedAcross(
    env,
    p,
    q.store_id,
    (onIt) =>
      database(onIt)
        .select()
        .from(channelConnections)
        .where(
          and(
            storeScope(p, channelConnections.storeId),
            q.store_id ? eq(channelConnections.storeId, q.store_id) : undefined,
            q.platform ? eq(channelConnections.platform, q.platform as ConnectionRow["platform"]) : undefined,
            q.status ? eq(channelConnections.status, q.status as ConnectionRow["status"]) : undefined,
            after ? gt(channelConnections.id, after) : undefined,
          ),
        )
        .orderBy(asc(channelConnections.id))
        .limit(q.limit + 1)
        .all(),
    (r) => r.id,
    "asc",
  );
  return pageOf(rows, q.limit, (r) => r.id);
}

export type UpdateResult = { ok: true; row: ConnectionRow } | { ok: false; code: "not_found" } | { ok: false; code: "version_mismatch"; version: number };

export async function updateConnection(
  env: ShardEnv,
  p: Pick<Principal, "stores">,
  opts: { id: string; input: UpdateChannelConnectionInput; expectedVersion: number | null },
): Promise<UpdateResult> {
  const { id, input, expectedVersion } = opts;
  const row = await getConnection(env, p, id);
  if (!row) return { ok: false, code: "not_found" };
  if (expectedVersion !== null && expectedVersion !== row.version) return { ok: false, code: "version_mismatch", version: row.version };
  const now = Date.now();
  const set: Partial<ConnectionRow> = { version: row.version + 1, updatedAt: now };
  if (input.name !== undefined) set.name = input.name;
  if (input.shop_domain !== undefined) set.shopDomain = input.shop_domain;
  if (input.api_base_url !== undefined) set.apiBaseUrl = input.api_base_url;
  if (input.credentials !== undefined) set.credentials = input.credentials;
  if (input.pushes !== undefined) set.pushes = { ...row.pushes, ...input.pushes };
  if (input.status !== undefined) set.status = input.status;
  if (input.platform_fee !== undefined) set.platformFee = input.platform_fee === null ? null : feeSchedule(input.platform_fee);
  if (input.webhook_secret !== undefined && input.webhook_secret !== row.webhookSecret) {
    // Rotation: the platform may still sign with the old secret for a while (Shopify: up to an hour).
    set.webhookSecret = input.webhook_secret;
    set.previousWebhookSecret = row.webhookSecret;
    set.previousWebhookSecretUntil = row.webhookSecret ? now + PREVIOUS_SECRET_GRACE_MS : null;
  }
  if (input.previous_webhook_secret === null) {
    set.previousWebhookSecret = null;
    set.previousWebhookSecretUntil = null;
  }
  // The version in the WHERE: of two changes racing from the same read, one wins and the other is told.
  const [updated] = await database(env)
    .update(channelConnections)
    .set(set)
    .where(and(eq(channelConnections.id, id), eq(channelConnections.version, row.version)))
    .returning();
  if (!updated) {
    const now2 = await getConnection(env, p, id);
    return now2 ? { ok: false, code: "version_mismatch", version: now2.version } : { ok: false, code: "not_found" };
  }
  return { ok: true, row: updated };
}

export async function putSkuMap(env: ShardEnv, connectionId: string, entries: readonly { platform_key: string; sku: string | null }[]) {
  const db = database(env);
  const upserts = entries.filter((e): e is { platform_key: string; sku: string } => e.sku !== null);
  const removals = entries.filter((e) => e.sku === null).map((e) => e.platform_key);
  const statements = [
    // 3 columns a row: 30 rows keep a statement under D1's 100 bound parameters.
    ...chunk(upserts, 30).map((part) =>
      db
        .insert(channelSkuMap)
        .values(part.map((e) => ({ connectionId, platformKey: e.platform_key, sku: e.sku })))
        .onConflictDoUpdate({ target: [channelSkuMap.connectionId, channelSkuMap.platformKey], set: { sku: sql`excluded.sku` } }),
    ),
    ...chunk(removals, 90).map((part) => db.delete(channelSkuMap).where(and(eq(channelSkuMap.connectionId, connectionId), inArray(channelSkuMap.platformKey, part)))),
  ];
  if (statements.length) await db.batch(statements as [(typeof statements)[number], ...(typeof statements)[number][]]);
  return { upserted: upserts.length, removed: removals.length };
}

export async function listSkuMap(env: ShardEnv, connectionId: string, q: { cursor?: string; limit: number }) {
  const after = cursorKey(q.cursor);
  const rows = await database(env)
    .select({ platform_key: channelSkuMap.platformKey, sku: channelSkuMap.sku })
    .from(channelSkuMap)
    .where(and(eq(channelSkuMap.connectionId, connectionId), after ? gt(channelSkuMap.platformKey, after) : undefined))
    .orderBy(asc(channelSkuMap.platformKey))
    .limit(q.limit + 1)
    .all();
  return pageOf(rows, q.limit, (r) => r.platform_key);
}

/** The connection's inbox, newest first. */
export async function listInbox(env: ShardEnv, connectionId: string, q: { cursor?: string; limit: number; status?: string[]; outcome?: string; external_id?: string }) {
  const before = cursorKey(q.cursor, (k) => k.startsWith("chi_"));
  const rows = await database(env)
    .select({
      id: channelInbox.id,
      deliveryId: channelInbox.deliveryId,
      topic: channelInbox.topic,
      kind: channelInbox.kind,
      externalId: channelInbox.externalId,
      status: channelInbox.status,
      outcome: channelInbox.outcome,
      orderId: channelInbox.orderId,
      detail: channelInbox.detail,
      attempts: channelInbox.attempts,
      receivedAt: channelInbox.receivedAt,
      processedAt: channelInbox.processedAt,
    })
    .from(channelInbox)
    .where(
      and(
        eq(channelInbox.connectionId, connectionId),
        q.status?.length ? inArray(channelInbox.status, q.status as ("pending" | "done" | "failed")[]) : undefined,
        q.outcome ? eq(channelInbox.outcome, q.outcome) : undefined,
        q.external_id ? eq(channelInbox.externalId, q.external_id) : undefined,
        before ? lt(channelInbox.id, before) : undefined,
      ),
    )
    .orderBy(desc(channelInbox.id))
    .limit(q.limit + 1)
    .all();
  const page = pageOf(rows, q.limit, (r) => r.id);
  return {
    next_cursor: page.next_cursor,
    data: page.data.map((r) => ({
      id: r.id,
      delivery_id: r.deliveryId,
      topic: r.topic,
      kind: r.kind,
      external_id: r.externalId,
      status: r.status,
      outcome: r.outcome,
      order_id: r.orderId,
      detail: r.detail,
      attempts: r.attempts,
      received_at: iso(r.receivedAt),
      processed_at: r.processedAt === null ? null : iso(r.processedAt),
    })),
  };
}
