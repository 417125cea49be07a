/** Test helpers for channels: a connection pointed at a fresh stand-in Shopify scope, its orders, and reading what the stand-in recorded. */
import { inject } from "vitest";
import { database } from "../src/db/client";
import { type ChannelPushes, channelConnections, channelOrders } from "../src/db/schema";
import { newId } from "../src/lib/ids";
import { platformConnection } from "../src/channels/connections";
import { storeTag } from "../src/db/homes";
import { env } from "./shard-env";
import { envOf } from "./shard-helpers";

export const TOKEN = "shpat_test";

/** A fresh stand-in Shopify shop (its own scope): its API base, and how to steer and read it. */
export function standInShop() {
  const base = inject("standInUrl");
  const scope = `shopify~${crypto.randomUUID()}`;
  const control = (path: string, body?: unknown) =>
    fetch(`${base}/_control/${scope}/${path}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) }).then((r) => r.json() as Promise<any>);
  return {
    apiBaseUrl: `${base}/${scope}/admin/api/2025-07`,
    set: (state: Record<string, unknown>) => control("state", state),
    state: () => control("state"),
    requests: () => control("requests") as Promise<{ method: string; path: string; query: Record<string, string>; body: string; status: number }[]>,
  };
}

/** A Shopify order as the REST API returns it (the fields the engine and the stand-in use). */
export function shopifyOrder(id: string, updatedAt: string, extra: Record<string, unknown> = {}) {
  return {
    id: /^\d{1,15}$/.test(id) ? Number(id) : id,
    name: `#${id.slice(-4)}`,
    currency: "USD",
    created_at: updatedAt,
    updated_at: updatedAt,
    cancelled_at: null,
    line_items: [{ id: Number(`1${id.slice(-6)}`), sku: "TEA-1", quantity: 2, price: "19.90" }],
    transactions: [{ id: 555, kind: "sale", gateway: "shopify_payments" }],
    ...extra,
  };
}

export async function insertConnection(
  storeId: string,
  a: { apiBaseUrl: string; pushes?: Partial<ChannelPushes>; createdAt?: number; status?: "active" | "paused"; token?: string },
) {
  const now = Date.now();
  const row = {
    // Tagged with its store, as the Worker makes it (src/channels/manage-connections.ts), so it is found on its shard.
    id: newId("chn", now, await storeTag(env, storeId)),
    storeId,
    platform: "shopify" as const,
    name: "Shopify",
    shopDomain: `${crypto.randomUUID().slice(0, 8)}.myshopify.com`,
    apiBaseUrl: a.apiBaseUrl,
    credentials: { access_token: a.token ?? TOKEN },
    webhookSecret: "whsec",
    previousWebhookSecret: null,
    previousWebhookSecretUntil: null,
    pushes: { fulfillments: true, cancellations: true, refunds: true, ...a.pushes },
    status: a.status ?? ("active" as const),
    version: 1,
    createdAt: a.createdAt ?? now,
    updatedAt: now,
    platformFee: null,
  };
  await database(await envOf({ store: storeId }))
    .insert(channelConnections)
    .values(row);
  return { row, connection: platformConnection(row) };
}

export async function linkOrder(a: { connectionId: string; storeId: string; orderId: string; externalId: string; platformUpdatedAt: number }) {
  const now = Date.now();
  await database(await envOf({ store: a.storeId }))
    .insert(channelOrders)
    .values({ ...a, externalName: null, createdAt: now, updatedAt: now });
}
