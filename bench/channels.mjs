// Platform webhook scenarios for `npm run bench` (bench/run.mjs runs them on its main server):
//   platform webhook ingest   signed Shopify orders/create deliveries, each a new order (its own order id,
//                             webhook id and customer), POSTed to /webhooks/channels/<connection>: verified,
//                             stored and answered; each is then taken in from the channels queue (the
//                             consumers share the machine). Compared with GET /healthz on the same server.
//   webhook -> approved       deliveries sent at a steady pace to a store that audits new orders; the time
//                             from sending each to the order's `approved_at` (p50/p99), read back at the end,
//                             so no polling loads the server while it works.
import { createHmac, randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./lib/procs.mjs";

const SHARED = join(ROOT, "..", "shared", "fixtures");
const FIXTURES = existsSync(join(SHARED, "signatures.json")) ? SHARED : join(ROOT, "test", "fixtures", "partners");
export const SHOPIFY_SECRET = "shpss_fixture_0123456789abcdef";
const SHOP = "northfold-outfitters.myshopify.com";
const ORDER_ID = "5893406212113";

const template = () => readFileSync(join(FIXTURES, "shopify-orders-create.json"), "utf8");

let seq = 0;
/** A new Shopify order (fresh order id, customer and webhook id), signed as Shopify signs it. */
export function shopifyDelivery(text = template()) {
  const n = ++seq;
  const orderId = `${Date.now()}${String(n % 100).padStart(2, "0")}`;
  const body = Buffer.from(
    text
      .split(ORDER_ID)
      .join(orderId)
      .split("maya.chen@example.com")
      .join(`bench-${orderId}@example.com`)
      .split("+12125550143")
      .join(`+1212${4000000 + (n % 5000000)}`),
  );
  return {
    orderId,
    body,
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": "orders/create",
      "x-shopify-shop-domain": SHOP,
      "x-shopify-api-version": "2025-07",
      "x-shopify-webhook-id": randomUUID(),
      "x-shopify-hmac-sha256": createHmac("sha256", SHOPIFY_SECRET).update(body).digest("base64"),
    },
  };
}

/** A store (auditing new orders or not), #1042's products, and a Shopify connection with the fixtures' secret. */
export async function channelSetup({ base, adminKey, must, autoAudit, tag }) {
  const admin = { key: adminKey };
  const store = await must(base, "/v1/stores", { ...admin, body: { name: `Bench channel store ${tag}`, currency: "USD", auto_audit: autoAudit } }, 201);
  for (const [sku, price] of [
    ["SOCK-MER-CHR-M", "18.00"],
    ["CAP-TRL-OLV", "29.00"],
  ]) {
    await must(base, "/v1/products", { ...admin, body: { store_id: store.id, sku, name: sku, price, type: "goods" } }, 201);
  }
  const connection = await must(
    base,
    "/v1/channel-connections",
    {
      ...admin,
      body: {
        store_id: store.id,
        platform: "shopify",
        name: "bench shop",
        shop_domain: SHOP,
        api_base_url: `https://${SHOP}/admin/api/2025-07`,
        webhook_secret: SHOPIFY_SECRET,
      },
    },
    201,
  );
  return { storeId: store.id, connectionId: connection.id };
}

export function webhookIngest(connectionId, sampler) {
  const s = sampler();
  const text = template();
  return {
    samples: s.samples,
    opts: {
      method: "POST",
      requests: [
        {
          path: `/webhooks/channels/${connectionId}`,
          setupRequest: (req) => {
            const d = shopifyDelivery(text);
            return { ...req, headers: { ...req.headers, ...d.headers }, body: d.body };
          },
          onResponse: s.onResponse,
        },
      ],
    },
  };
}

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null);

/**
 * Sends `count` deliveries at `perSecond`, then waits (at most `timeoutMs`) for their orders to be decided and
 * reads `approved_at` back: the time from each webhook leaving the client to its order's approval.
 */
export async function timeToApproved({ base, adminKey, call, connectionId, storeId, count = 60, perSecond = 10, timeoutMs = 90_000 }) {
  // The fixture's buyer note would hold every order for a person to read (the default audit rules): without it, nothing does.
  const text = template().replace('"note": "Please leave with the doorman."', '"note": null');
  const sentAt = new Map();
  const sends = [];
  for (let i = 0; i < count; i++) {
    const d = shopifyDelivery(text);
    sentAt.set(d.orderId, Date.now());
    sends.push(fetch(`${base}/webhooks/channels/${connectionId}`, { method: "POST", headers: d.headers, body: d.body, signal: AbortSignal.timeout(15_000) }).then((r) => r.status));
    await new Promise((r) => setTimeout(r, 1000 / perSecond));
  }
  const statuses = await Promise.all(sends);
  const deadline = Date.now() + timeoutMs;
  let orders = [];
  for (;;) {
    const r = await call(base, `/v1/orders?store_id=${storeId}&limit=200`, { key: adminKey });
    orders = r.status === 200 ? r.body.data : [];
    const decided = orders.filter((o) => o.status !== "received");
    if ((decided.length >= count && orders.length >= count) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const latencies = orders
    .filter((o) => o.approved_at && sentAt.has(o.external_id))
    .map((o) => Date.parse(o.approved_at) - sentAt.get(o.external_id))
    .sort((a, b) => a - b);
  const notApproved = orders.filter((o) => !o.approved_at).map((o) => `${o.status}${o.status_reason ? ` (${o.status_reason})` : ""}`);
  return {
    sent: count,
    per_second: perSecond,
    accepted: statuses.filter((s) => s === 200).length,
    orders: orders.length,
    approved: latencies.length,
    not_approved: notApproved.slice(0, 5),
    p50_ms: percentile(latencies, 50),
    p99_ms: percentile(latencies, 99),
    max_ms: latencies.at(-1) ?? null,
  };
}
