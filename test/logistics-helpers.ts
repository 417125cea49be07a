/**
 * Helpers for the logistics tests: the partners' fixture bodies (exact bytes),
 * signing as each partner signs (computed here with WebCrypto, independently
 * of src/), posting webhooks, and shipments brought to packed or labelled.
 */
import { exports } from "cloudflare:workers";
import { env } from "./shard-env";
import { newId } from "../src/lib/ids";
import { allocatedOrder, stockedWarehouse, waitFor } from "./processing-helpers";
import { api, unique } from "./helpers";
import { dbOf, envOf } from "./shard-helpers";
import { routeTracking } from "../src/logistics/tracking-route";

export const FIXTURE_TRACKING_NUMBER = "9400136208303389427536";

export function fixture(name: string): Uint8Array {
  const b64 = env.TEST_FIXTURES[name];
  if (!b64) throw new Error(`fixture ${name} not found: the tests read ../shared/fixtures beside the repository`);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

export const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
export const bytes = (s: string) => new TextEncoder().encode(s);

/** A derived event: the fixture's text with replacements (new event id, tracking number, status), to be signed again. */
export function rewrite(body: Uint8Array, ...pairs: [string, string][]): Uint8Array {
  let s = text(body);
  for (const [from, to] of pairs) {
    if (!s.includes(from)) throw new Error(`rewrite: ${from} not in body`);
    s = s.split(from).join(to);
  }
  return bytes(s);
}

async function hmac(secret: string, data: Uint8Array): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", bytes(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, data));
}
const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));

export const SECRETS = {
  easypost: "fixture-s\u00e9cret",
  aftership: "as_fixture_webhook_secret",
  shippoToken: "shippo_fixture_url_token",
  shippoHmac: "shippo_fixture_hmac_secret",
};

export const sign = {
  easypost: async (body: Uint8Array, secret = SECRETS.easypost.normalize("NFKD")) => ({ "x-hmac-signature": `hmac-sha256-hex=${hex(await hmac(secret, body))}` }),
  aftership: async (body: Uint8Array, secret = SECRETS.aftership) => ({ "aftership-hmac-sha256": b64(await hmac(secret, body)) }),
  shippo: async (body: Uint8Array, t = Math.floor(Date.now() / 1000), secret = SECRETS.shippoHmac) => {
    const signed = new Uint8Array([...bytes(`${t}.`), ...body]);
    return { "shippo-auth-signature": `t=${t},v1=${hex(await hmac(secret, signed))}` };
  },
};

export async function postWebhook(partner: string, body: Uint8Array, headers: Record<string, string>, query = partner === "shippo" ? `?token=${SECRETS.shippoToken}` : "") {
  const res = await exports.default.fetch(`http://oms.test/webhooks/tracking/${partner}${query}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  const t = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(t);
  } catch {
    json = t;
  }
  return { status: res.status, headers: res.headers, body: json };
}

/** Signs and posts a partner's body as that partner would. */
export async function deliverSigned(partner: "easypost" | "aftership" | "shippo", body: Uint8Array) {
  return postWebhook(partner, body, await sign[partner](body));
}

export const trackingRows = (where: string, ...binds: unknown[]) =>
  env.DB.prepare(`SELECT * FROM tracking_events WHERE ${where} ORDER BY occurred_at, id`)
    .bind(...binds)
    .all<Record<string, any>>()
    .then((r) => r.results);

export async function processed(eventRowId: string, db: D1Database = env.DB) {
  return waitFor(async () => {
    const row = await db.prepare("SELECT * FROM tracking_events WHERE id = ?").bind(eventRowId).first<Record<string, any>>();
    if (!row?.processed_at) throw new Error(`tracking event ${eventRowId} not processed yet`);
    return row;
  });
}

/**
 * Brings an allocated shipment to `packed` as processing's pick and pack
 * would: goods move from their bins to OUTBOUND (still reserved), every
 * unit is packed, the parcel is weighed. (Pick and pack routes live on the
 * processing branch; this writes the same rows.) `db`: the shard the shipment is on.
 */
export async function packShipment(shipmentId: string, packages = [{ length_mm: 300, width_mm: 200, height_mm: 100, weight_grams: 800 }], on?: D1Database) {
  // Where the shipment lives (its id's tag), unless the caller says.
  const db = on ?? (await dbOf({ id: shipmentId }));
  const now = Date.now();
  const items = await db.prepare("SELECT * FROM shipment_items WHERE shipment_id = ? AND cancelled_at IS NULL").bind(shipmentId).all<Record<string, any>>();
  const stmts: D1PreparedStatement[] = [];
  for (const i of items.results) {
    const q = i.reserved_qty as number;
    const outbound = await db.prepare("SELECT id FROM bins WHERE warehouse_id = ? AND kind = 'outbound'").bind(i.warehouse_id).first<{ id: string }>();
    stmts.push(
      db.prepare("UPDATE stock_levels SET on_hand = on_hand - ?1, reserved = reserved - ?1 WHERE bin_id = ?2 AND sku = ?3").bind(q, i.bin_id, i.sku),
      db
        .prepare(
          "INSERT INTO stock_levels (bin_id, sku, warehouse_id, on_hand, reserved, updated_at) VALUES (?1, ?2, ?3, ?4, ?4, ?5) ON CONFLICT (bin_id, sku) DO UPDATE SET on_hand = on_hand + ?4, reserved = reserved + ?4",
        )
        .bind(outbound!.id, i.sku, i.warehouse_id, q, now),
      db
        .prepare(
          "INSERT INTO stock_movements (warehouse_id, bin_id, sku, kind, on_hand_delta, reserved_delta, actor, ref_type, ref_id, created_at) VALUES (?1, ?2, ?3, 'pick', ?4, ?4, 'test', 'shipment', ?5, ?6), (?1, ?7, ?3, 'pick', ?8, ?8, 'test', 'shipment', ?5, ?6)",
        )
        .bind(i.warehouse_id, i.bin_id, i.sku, -q, shipmentId, now, outbound!.id, q),
      db.prepare("UPDATE shipment_items SET reserved_qty = 0, picked_qty = picked_qty + ?1, packed_qty = packed_qty + ?1 WHERE id = ?2").bind(q, i.id),
    );
  }
  stmts.push(
    db
      .prepare("UPDATE shipments SET status = 'packed', packages = ?, packed_at = ?, ready_for_label_at = ?, updated_at = ? WHERE id = ?")
      .bind(JSON.stringify(packages), now, now, now, shipmentId),
  );
  await db.batch(stmts);
}

/**
 * An order of one unit of a fresh SKU, allocated and packed: its shipment is ready for a label. `warehouse` are the
 * new warehouse's fields (e.g. `{ store_ids: [storeId] }` where the file's stores live on different shards, so a `*`
 * warehouse would be refused as `pool_split`).
 */
export async function packedOrder(
  storeId: string,
  opts: { quantity?: number; address?: Record<string, unknown>; weightGrams?: number; channel?: string; warehouse?: Record<string, unknown> } = {},
) {
  const sku = unique("LOG");
  const wh = await stockedWarehouse({ ...(opts.warehouse ? { fields: opts.warehouse } : {}), bins: ["A-01"], stock: [["A-01", sku, 50]] });
  await api(`/v1/stores/${storeId}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id] } });
  const { order, allocation } = await allocatedOrder(storeId, {
    ...(opts.channel ? { channel: opts.channel } : {}),
    lines: [{ sku, quantity: opts.quantity ?? 1, unit_price: "10.00" }],
    shipping_address: { name: "Maya Chen", line1: "350 5th Ave", city: "New York", region: "NY", postal_code: "10118", country: "US", ...opts.address },
  });
  const shipmentId = allocation.shipments[0].id as string;
  await packShipment(shipmentId, [{ length_mm: 300, width_mm: 200, height_mm: 100, weight_grams: opts.weightGrams ?? 800 }], await dbOf({ store: storeId }));
  return { order, shipmentId, sku, warehouse: wh };
}

/**
 * Records a label bought elsewhere (a real carrier's number, as in the
 * partners' fixtures) straight in D1, so webhook tests can use any number.
 */
export async function labelDirectly(shipmentId: string, trackingNumber: string, carrier = "usps") {
  // On the shipment's shard, with its tracking route as a bought label writes it, so webhooks for the number find it.
  const onIt = await envOf({ id: shipmentId });
  const db = await dbOf({ id: shipmentId });
  const s = await db.prepare("SELECT store_id, order_id FROM shipments WHERE id = ?").bind(shipmentId).first<{ store_id: string; order_id: string }>();
  const now = Date.now();
  await routeTracking(onIt, { trackingNumber, carrier, storeId: s!.store_id, now });
  await db.batch([
    db
      .prepare(
        `INSERT INTO shipment_tracking (shipment_id, store_id, order_id, carrier, service, adapter, carrier_ref, tracking_number, tracking_url, rate_amount, currency, package_count, explanation, last_update_at, labelled_by, labelled_at)
       VALUES (?, ?, ?, ?, 'ground', 'external', ?, ?, ?, 500, 'USD', 1, '{}', ?, 'test', ?)`,
      )
      .bind(shipmentId, s!.store_id, s!.order_id, carrier, newId("tev"), trackingNumber, `https://track.example/${trackingNumber}`, now, now),
    db.prepare("UPDATE shipments SET status = 'labelled', carrier = ?, updated_at = ? WHERE id = ?").bind(carrier, now, shipmentId),
  ]);
}

export const shipmentStatus = async (id: string, on?: D1Database) =>
  (on ?? (await dbOf({ id })))
    .prepare("SELECT s.status, t.status AS tracking_status, t.status_at, t.peak_rank FROM shipments s LEFT JOIN shipment_tracking t ON t.shipment_id = s.id WHERE s.id = ?")
    .bind(id)
    .first<{ status: string; tracking_status: string | null; status_at: number | null; peak_rank: number }>();

export const orderStatus = async (id: string) => (await api(`/v1/orders/${id}`)).body.status as string;

/** A fresh tracking number (digits, like USPS's) so tests do not see each other's events. */
export const freshTrackingNumber = () => `94001${String(Date.now()).slice(-9)}${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;

/**
 * Points the store's first carrier at a carrier's HTTP API and returns the `fetch` that API answers with: every label
 * bought carries `trackingNumber`, so a test can send a partner's event about it before the label exists.
 */
export async function carrierIssuing(storeId: string, trackingNumber: string) {
  const config = (await api(`/v1/stores/${storeId}/logistics`)).body.config;
  config.carriers[0].adapter = { type: "http", endpoint: "https://carrier.example", key_secret: "CARRIER_KEY_TEST" };
  const put = await api(`/v1/stores/${storeId}/logistics`, { method: "PUT", body: config });
  if (put.status !== 200) throw new Error(`logistics: ${put.status} ${JSON.stringify(put.body)}`);
  return (async () =>
    Response.json(
      { id: `car_${trackingNumber}`, tracking_number: trackingNumber, label: { content_type: "application/pdf", data: btoa("%PDF-1.7 x") } },
      { status: 201 },
    )) as unknown as typeof globalThis.fetch;
}
