/**
 * Helpers for the channel tests: a Shopify connection for a fresh store,
 * Shopify's fixture bodies (exact bytes) and headers, signing as Shopify
 * signs (WebCrypto here, independently of src/), posting to the channel
 * webhook endpoint and waiting for the queue to work a delivery.
 */
import { exports } from "cloudflare:workers";
import { env } from "./shard-env";
import { expect, vi } from "vitest";
import { api, createStore } from "./helpers";
import { bytes, fixture, text } from "./logistics-helpers";
import type { Key } from "../src/db/homes";
import { dbOf } from "./shard-helpers";

export const SHOPIFY_SECRET = "shpss_fixture_0123456789abcdef";
export const SHOP = "northfold-outfitters.myshopify.com";
export const SIGNATURES = JSON.parse(text(fixture("signatures.json"))) as Record<string, { body_bytes: number; body_sha256: string; headers: Record<string, string> }>;
export const SHOPIFY_FILES = ["shopify-orders-create.json", "shopify-orders-updated.json", "shopify-orders-cancelled.json", "shopify-orders-create-bigint-escaped.json"] as const;

export async function shopifyConnection(opts: { storeId?: string; secret?: string; autoAudit?: boolean } = {}) {
  const storeId = opts.storeId ?? (await createStore(undefined, "USD", { autoAudit: opts.autoAudit ?? false })).id;
  const r = await api("/v1/channel-connections", {
    body: {
      store_id: storeId,
      platform: "shopify",
      name: "Northfold",
      shop_domain: SHOP,
      api_base_url: "https://northfold-outfitters.myshopify.com/admin/api/2025-07",
      credentials: { access_token: "shpat_test_token_never_returned" },
      webhook_secret: opts.secret ?? SHOPIFY_SECRET,
    },
  });
  if (r.status !== 201) throw new Error(`connection: ${r.status} ${JSON.stringify(r.body)}`);
  return { storeId, id: r.body.id as string, body: r.body };
}

export async function shopifyHmac(secret: string, body: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey("raw", bytes(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.sign("HMAC", key, body))));
}

/** A fixture as Shopify sent it: its exact bytes and its recorded headers (signature included). */
export function shopifyFixture(file: (typeof SHOPIFY_FILES)[number]) {
  return { body: fixture(file), headers: { ...SIGNATURES[file]!.headers } };
}

/** A derived delivery: the fixture with replacements, a fresh webhook id, signed again with the fixtures' secret. */
export async function derived(file: (typeof SHOPIFY_FILES)[number], opts: { topic?: string; pairs?: [string, string][]; secret?: string } = {}) {
  let s = text(fixture(file));
  for (const [from, to] of opts.pairs ?? []) {
    if (!s.includes(from)) throw new Error(`derived: ${from} not in ${file}`);
    s = s.split(from).join(to);
  }
  const body = bytes(s);
  const headers = {
    ...SIGNATURES[file]!.headers,
    "X-Shopify-Webhook-Id": crypto.randomUUID(),
    "X-Shopify-Hmac-Sha256": await shopifyHmac(opts.secret ?? SHOPIFY_SECRET, body),
    ...(opts.topic ? { "X-Shopify-Topic": opts.topic } : {}),
  };
  return { body, headers };
}

export async function postChannelWebhook(connectionId: string, d: { body: Uint8Array; headers: Record<string, string> }) {
  const res = await exports.default.fetch(`http://oms.test/webhooks/channels/${connectionId}`, { method: "POST", headers: d.headers, body: d.body });
  const raw = await res.text();
  let json: any = null;
  try {
    json = raw ? JSON.parse(raw) : null;
  } catch {
    json = raw;
  }
  return { status: res.status, headers: res.headers, body: json };
}

export type InboxRow = { id: string; status: string; outcome: string | null; order_id: string | null; detail: string | null; delivery_id: string; topic: string };

/** The connection's inbox entries, newest first. */
export async function inboxOf(connectionId: string): Promise<InboxRow[]> {
  const r = await api(`/v1/channel-connections/${connectionId}/inbox?limit=200`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.data;
}

/** Waits until every inbox entry of the connection has been worked (the queue is real: no sleeping, polling). */
export async function worked(connectionId: string, count = 1): Promise<InboxRow[]> {
  let rows: InboxRow[] = [];
  await vi.waitFor(
    async () => {
      rows = await inboxOf(connectionId);
      expect(rows.length).toBeGreaterThanOrEqual(count);
      expect(rows.filter((r) => r.status === "pending")).toEqual([]);
    },
    { timeout: 15_000, interval: 50 },
  );
  return rows;
}

export const rowsOf = async (sql: string, ...binds: unknown[]) =>
  (
    await env.DB.prepare(sql)
      .bind(...binds)
      .all<Record<string, any>>()
  ).results;

/** As `rowsOf`, on the database that holds what `key` names (a store's rows, or the record an id names): its shard. */
export async function rowsAt(key: Key, sql: string, ...binds: unknown[]) {
  const db = await dbOf(key);
  return (
    await db
      .prepare(sql)
      .bind(...binds)
      .all<Record<string, any>>()
  ).results;
}
