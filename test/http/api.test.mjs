// Black-box tests of the real system over HTTP: `scripts/start.mjs` (migrations,
// seed, wrangler dev with its queue consumers, cron firing) on a free port with
// a throwaway state directory. Run with `npm run test:http`.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import { Webhook } from "standardwebhooks";
import { readFixtures } from "../read-fixtures.mjs";
import { startStandIn } from "../stand-in/server.mjs";
import { readFileSync } from "node:fs";
import { openSealed } from "../../scripts/open-sealed.mjs";
import { DEMO_PASSWORD, DEMO_STAFF } from "../../scripts/seed.mjs";
import { startedForFile } from "./hooks.mjs";
import { DEMO_KEYS, startServer } from "./server.mjs";

const CHANNEL_KEY = DEMO_KEYS.find((k) => k.role === "channel").key;
const AUDITOR_KEY = DEMO_KEYS.find((k) => k.role === "auditor").key;
const STORE = "st_demo";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let seq = 0;
const unique = (prefix) => `${prefix}-${Date.now().toString(36)}-${(seq++).toString(36)}`;

function orderBody(overrides = {}) {
  return {
    store_id: STORE,
    channel: "web",
    customer: { name: "Ada Lovelace", email: "ada@example.com", phone: "+1 212 555 0100" },
    shipping_address: { name: "Ada Lovelace", line1: "350 Fifth Avenue", city: "New York", region: "NY", postal_code: "10118", country: "US" },
    lines: [
      { sku: "TEA-1", quantity: 2, unit_price: "12.50" },
      { sku: "SETUP-1", quantity: 1, unit_price: "25.00" },
    ],
    currency: "USD",
    shipping_amount: "4.50",
    ...overrides,
  };
}

let server;
let api;
let failed = false;

startedForFile(startServer, {
  started: (s) => {
    server = s;
    api = s.api;
  },
  stop: async (s) => {
    if (failed) console.log(`---- server output (last lines) ----\n${s.logTail(120)}`);
    await s.stop();
  },
});

afterEach((t) => {
  if (t.passed === false) failed = true;
});

async function createOrder(overrides = {}, key = CHANNEL_KEY, headers = {}) {
  const r = await api("/v1/orders", { body: orderBody(overrides), key, headers });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r;
}

describe("service basics", () => {
  test("GET /healthz answers ok", async () => {
    const r = await api("/healthz", { key: null });
    assert.equal(r.status, 200);
    assert.equal(r.body.status, "ok");
  });

  test("the OpenAPI document and the docs page are served", async () => {
    const spec = await api("/openapi.json", { key: null });
    assert.equal(spec.status, 200);
    assert.equal(spec.body.openapi, "3.1.0");
    assert.ok(spec.body.paths["/v1/orders"], "the spec lists /v1/orders");
    const docs = await api("/docs", { key: null });
    assert.equal(docs.status, 200);
    assert.match(docs.text, /swagger-ui-bundle\.js/);
    const bundle = await fetch(`${server.base}${/src="([^"]+swagger-ui-bundle\.js[^"]*)"/.exec(docs.text)[1]}`);
    assert.equal(bundle.status, 200, "the Worker serves Swagger UI (npm install builds it in)");
    await bundle.arrayBuffer();
  });

  test("the API refuses requests without a valid key (401 problem+json)", async () => {
    const none = await api("/v1/orders", { key: null });
    assert.equal(none.status, 401);
    assert.match(none.headers.get("content-type"), /application\/problem\+json/);
    assert.equal(none.body.code, "unauthorized");
    assert.match(none.headers.get("www-authenticate") ?? "", /^Bearer/);
    const wrong = await api("/v1/orders", { key: "oms_not_a_real_key_at_all" });
    assert.equal(wrong.status, 401);
  });
});

describe("admin key", () => {
  test("creates a store, a product and a scoped key that works", async () => {
    const store = await api("/v1/stores", { body: { name: unique("Berlin shop"), currency: "EUR", timezone: "Europe/Berlin" } });
    assert.equal(store.status, 201, JSON.stringify(store.body));
    assert.match(store.body.id, /^st_/);
    assert.equal(store.headers.get("location"), `/v1/stores/${store.body.id}`);

    const product = await api("/v1/products", {
      body: { store_id: store.body.id, sku: "BAG-1", name: "Canvas bag", price: "9.90", weight_grams: 200 },
    });
    assert.equal(product.status, 201, JSON.stringify(product.body));
    assert.equal(product.body.price, "9.90");
    assert.equal(product.body.currency, "EUR");

    const key = await api("/v1/api-keys", { body: { name: "Berlin storefront", role: "channel", store_ids: [store.body.id] } });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    assert.match(key.body.key, /^oms_/);
    assert.equal(key.body.key_prefix, key.body.key.slice(0, 10));

    const order = await api("/v1/orders", {
      key: key.body.key,
      body: orderBody({ store_id: store.body.id, currency: "EUR", lines: [{ sku: "BAG-1", quantity: 1, unit_price: "9.90" }] }),
    });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    assert.equal(order.body.lines[0].name, "Canvas bag");

    // The new key is scoped to its store: the demo store is out of reach.
    const elsewhere = await api("/v1/orders", { key: key.body.key, body: orderBody() });
    assert.equal(elsewhere.status, 403);
  });

  test("sees the seeded demo data", async () => {
    const stores = await api("/v1/stores?limit=200");
    assert.equal(stores.status, 200);
    const demo = stores.body.data.find((s) => s.id === STORE);
    assert.ok(demo, "st_demo is seeded");
    assert.equal(demo.currency, "USD");
    assert.equal(demo.timezone, "America/New_York");

    const products = await api(`/v1/products?store_id=${STORE}&limit=200`, { key: CHANNEL_KEY });
    assert.equal(products.status, 200, JSON.stringify(products.body));
    const bySku = Object.fromEntries(products.body.data.map((p) => [p.sku, p]));
    assert.deepEqual(Object.keys(bySku).sort(), ["FILTER-1", "KETTLE-1", "MUG-1", "SETUP-1", "TEA-1"]);
    assert.equal(bySku["TEA-1"].price, "12.50");
    assert.equal(bySku["TEA-1"].weight_grams, 120);
    assert.equal(bySku["SETUP-1"].type, "service");
  });
});

describe("orders through the demo keys", () => {
  let order;

  test("the demo channel key creates an order for st_demo and gets it back", async () => {
    const r = await createOrder();
    order = r.body;
    assert.match(order.id, /^ord_(?:[0-9A-Z]{26}|[0-9A-Z]{10}-[0-9A-Z]{16})$/);
    assert.equal(r.headers.get("location"), `/v1/orders/${order.id}`);
    assert.equal(r.headers.get("etag"), '"1"');
    assert.equal(order.status, "received");
    assert.equal(order.version, 1);
    assert.equal(order.subtotal_amount, "50.00");
    assert.equal(order.total_amount, "54.50");
    assert.equal(order.requires_shipping, true);
    assert.deepEqual(
      order.lines.map((l) => [l.sku, l.name, l.type, l.total_amount]),
      [
        ["TEA-1", "Sencha green tea 100g", "goods", "25.00"],
        ["SETUP-1", "Kettle installation", "service", "25.00"],
      ],
    );

    // The store audits new orders from a queue, and on a fast machine the audit can land between these two requests:
    // then only what an audit writes may differ (version, status and its reason and time, allowed events).
    const got = await api(`/v1/orders/${order.id}`, { key: CHANNEL_KEY });
    assert.equal(got.status, 200);
    assert.equal(got.headers.get("etag"), `"${got.body.version}"`);
    const auditWrites = ["version", "status", "status_reason", "allowed_events", "updated_at", "held_at"];
    const unaudited = (o) => Object.fromEntries(Object.entries(o).filter(([k]) => !auditWrites.includes(k)));
    assert.deepEqual(unaudited(got.body), unaudited(order));
    if (got.body.version === 1) assert.deepEqual(got.body, order);
    else assert.ok(["received", "on_hold"].includes(got.body.status), got.body.status);
  });

  test("the demo auditor approves it (If-Match), the channel key may not", async () => {
    // The demo store audits new orders from the queue; the auditor decides once that audit is in.
    const audited = await server.audited(order.id);
    assert.ok(["received", "on_hold"].includes(audited.status), audited.status);
    const denied = await api(`/v1/orders/${order.id}/transitions`, { key: CHANNEL_KEY, body: { event: "approve" } });
    assert.equal(denied.status, 403);

    const stale = await api(`/v1/orders/${order.id}/transitions`, {
      key: AUDITOR_KEY,
      body: { event: "approve" },
      headers: { "if-match": '"7"' },
    });
    assert.equal(stale.status, 412);

    const r = await api(`/v1/orders/${order.id}/transitions`, {
      key: AUDITOR_KEY,
      body: { event: "approve" },
      headers: { "if-match": `"${audited.version}"` },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.status, "approved");
    assert.equal(r.body.version, audited.version + 1);
    assert.equal(r.headers.get("etag"), `"${audited.version + 1}"`);
    assert.ok(r.body.approved_at);

    const again = await api(`/v1/orders/${order.id}/transitions`, { key: AUDITOR_KEY, body: { event: "approve" } });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, "illegal_transition");

    const events = await api(`/v1/orders/${order.id}/events`, { key: AUDITOR_KEY });
    assert.equal(events.status, 200);
    // Received, the audit's own event (a hold if it found something), then the auditor's approval: one event per version.
    const statuses = events.body.data.map((e) => e.to_status);
    assert.equal(statuses.length, audited.version + 1, statuses.join());
    assert.equal(statuses[0], "received");
    assert.equal(statuses.at(-2), audited.status);
    assert.equal(statuses.at(-1), "approved");
  });

  test("lists orders with filters", async () => {
    const ext = unique("POS");
    const pos = (await createOrder({ channel: "pos", external_id: ext, customer: { name: "Grace Hopper", email: "grace@example.com" } })).body;

    const approved = await api(`/v1/orders?store_id=${STORE}&status=approved`, { key: AUDITOR_KEY });
    assert.equal(approved.status, 200);
    assert.ok(approved.body.data.some((o) => o.id === order.id));
    assert.ok(approved.body.data.every((o) => o.status === "approved"));
    assert.ok(!approved.body.data.some((o) => o.id === pos.id));

    const byChannel = await api(`/v1/orders?channel=pos&status=received,on_hold`, { key: AUDITOR_KEY });
    assert.equal(byChannel.status, 200);
    assert.ok(byChannel.body.data.some((o) => o.id === pos.id));
    assert.ok(byChannel.body.data.every((o) => o.channel === "pos"));

    const search = await api(`/v1/orders?q=${encodeURIComponent(ext)}`, { key: CHANNEL_KEY });
    assert.deepEqual(
      search.body.data.map((o) => o.id),
      [pos.id],
    );

    // Newest first, paged by cursor.
    const page1 = await api(`/v1/orders?store_id=${STORE}&limit=1`, { key: CHANNEL_KEY });
    assert.equal(page1.body.data.length, 1);
    assert.equal(page1.body.data[0].id, pos.id);
    assert.ok(page1.body.next_cursor);
    const page2 = await api(`/v1/orders?store_id=${STORE}&limit=1&cursor=${page1.body.next_cursor}`, { key: CHANNEL_KEY });
    assert.equal(page2.body.data.length, 1);
    assert.ok(page2.body.data[0].id < pos.id);

    const bad = await api(`/v1/orders?status=lost`, { key: CHANNEL_KEY });
    assert.equal(bad.status, 400);
  });

  test("an Idempotency-Key replays the first response; another body under it is a 422", async () => {
    const key = unique("idem");
    const body = orderBody({ external_id: unique("WEB") });
    const first = await api("/v1/orders", { key: CHANNEL_KEY, body, headers: { "idempotency-key": key } });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.headers.get("idempotent-replayed"), null);

    const replay = await api("/v1/orders", { key: CHANNEL_KEY, body, headers: { "idempotency-key": key } });
    assert.equal(replay.status, 201);
    assert.equal(replay.headers.get("idempotent-replayed"), "true");
    assert.equal(replay.text, first.text);
    assert.equal(replay.headers.get("location"), first.headers.get("location"));

    const other = await api("/v1/orders", {
      key: CHANNEL_KEY,
      body: { ...body, note: "a different request" },
      headers: { "idempotency-key": key },
    });
    assert.equal(other.status, 422);
    assert.equal(other.body.code, "idempotency_key_reused");

    const listed = await api(`/v1/orders?q=${encodeURIComponent(body.external_id)}`, { key: CHANNEL_KEY });
    assert.equal(listed.body.data.length, 1, "one order, however many retries");
  });

  test("an action POSTed with no body over HTTP (content-length: 0) is taken; a body that is not JSON is a 415", async () => {
    const o = (await createOrder()).body;
    const link = await api(`/v1/orders/${o.id}/customer-link`, { method: "POST" });
    assert.equal(link.status, 201, JSON.stringify(link.body));
    assert.match(link.body.url, /\/o\/(?:[0-9A-Z]{4}\.)?[0-9A-Za-z]{32}$/);
    const text = await api(`/v1/orders/${o.id}/customer-link`, { body: "link please", headers: { "content-type": "text/plain" } });
    assert.equal(text.status, 415);
  });
});

describe("a seeded auditor in a browser's shoes", () => {
  test("signs in with the printed demo password, holds an order with the cookie and CSRF token, and signs out", { timeout: 60_000 }, async () => {
    const auditor = DEMO_STAFF.find((s) => s.position === "auditor");
    const origin = server.base;
    const wrong = await api("/v1/auth/sign-in", { key: null, body: { email: auditor.email, password: "not the password" }, headers: { origin } });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.code, "sign_in_failed");

    const signIn = await api("/v1/auth/sign-in", { key: null, body: { email: auditor.email, password: DEMO_PASSWORD }, headers: { origin } });
    assert.equal(signIn.status, 200, JSON.stringify(signIn.body));
    assert.equal(signIn.body.stage, "full");
    const setCookie = signIn.headers.getSetCookie().find((c) => c.startsWith("__Host-oms_session="));
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /Secure/i);
    assert.match(setCookie, /SameSite=Lax/i);
    const cookie = setCookie.split(";")[0];
    const csrf = signIn.body.csrf_token;

    const me = await api("/v1/me", { key: null, headers: { cookie } });
    assert.equal(me.status, 200);
    assert.equal(me.body.user.display_name, auditor.name);

    // A customer of its own: the file's other orders share Ada's email, phone and items, so the audit (from the
    // queue, racing this test) would hold this one as a possible duplicate before the auditor does.
    const { body: order } = await createOrder({ customer: { name: "Ada Lovelace", email: `ada+sign-in-${Date.now()}@example.com` } });
    const forged = await api(`/v1/orders/${order.id}/transitions`, { key: null, body: { event: "hold", reason: "call the customer" }, headers: { cookie, origin } });
    assert.equal(forged.status, 401);
    assert.equal(forged.body.code, "csrf_failed");
    const held = await api(`/v1/orders/${order.id}/transitions`, {
      key: null,
      body: { event: "hold", reason: "call the customer" },
      headers: { cookie, origin, "x-csrf-token": csrf },
    });
    assert.equal(held.status, 200, JSON.stringify(held.body));
    assert.equal(held.body.status, "on_hold");

    const events = await api(`/v1/orders/${order.id}/events`, { key: AUDITOR_KEY });
    const hold = events.body.data.at(-1);
    assert.equal(hold.actor, auditor.id);
    assert.equal(hold.actor_name, auditor.name);

    const out = await api("/v1/me/sign-out", { key: null, method: "POST", headers: { cookie, origin, "x-csrf-token": csrf } });
    assert.equal(out.status, 204);
    const after = await api("/v1/me", { key: null, headers: { cookie } });
    assert.equal(after.status, 401);
    assert.equal(after.body.code, "session_expired");
  });
});

describe("a new packer joins", () => {
  test("the admin invites them, the emailed link (kept locally, read as npm run staff-mail does) lets them in once", { timeout: 90_000 }, async () => {
    const origin = server.base;
    const email = `${unique("packer")}@shop.example`;
    const invite = await api("/v1/users", { body: { email, display_name: "Nia Packer", positions: ["packer"], locale: "zh-CN" } });
    assert.equal(invite.status, 201, JSON.stringify(invite.body));
    assert.equal(invite.body.status, "invited");
    assert.ok(!JSON.stringify(invite.body).includes("token"), "the API never returns the link");

    let rows = [];
    for (let i = 0; i < 40 && !rows.length; i++) {
      rows = await server.d1(`SELECT body FROM staff_emails WHERE recipient = '${email}'`, "DIRECTORY");
      if (!rows.length) await sleep(250);
    }
    assert.equal(rows.length, 1);
    const piiKeys = /^PII_KEYS=(.*)$/m.exec(readFileSync(new URL("../../.dev.vars", import.meta.url), "utf8"))[1];
    const text = openSealed(rows[0].body, piiKeys);
    assert.match(text, /您已受邀加入订单处理控制台/, "in the invitee's language");
    const token = /#token=([A-Za-z0-9_-]+)/.exec(text)[1];

    const accepted = await api("/v1/auth/invitations/accept", { key: null, body: { token, password: "boxes and tape 2026" }, headers: { origin } });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal(accepted.body.stage, "full");
    const again = await api("/v1/auth/invitations/accept", { key: null, body: { token, password: "boxes and tape 2026" }, headers: { origin } });
    assert.equal(again.status, 400);
    assert.equal(again.body.code, "invalid_token");

    const signIn = await api("/v1/auth/sign-in", { key: null, body: { email, password: "boxes and tape 2026" }, headers: { origin } });
    assert.equal(signIn.status, 200, JSON.stringify(signIn.body));
    const cookie = signIn.headers
      .getSetCookie()
      .find((c) => c.startsWith("__Host-oms_session="))
      .split(";")[0];
    const waves = await api("/v1/waves", { key: null, headers: { cookie } });
    assert.equal(waves.status, 200);
    const orders = await api("/v1/orders", { key: null, headers: { cookie } });
    assert.equal(orders.status, 403, "a packer does not browse orders");
  });
});

describe("a newcomer's local server", () => {
  test("customers' links point at the port this server runs on, not wrangler.toml's default", async () => {
    const o = (await createOrder()).body;
    const link = await api(`/v1/orders/${o.id}/customer-link`, { method: "POST" });
    assert.equal(link.status, 201, JSON.stringify(link.body));
    assert.ok(link.body.url.startsWith(`${server.base}/o/`), `${link.body.url} should start with ${server.base}/o/`);
  });

  test("the seeded demo warehouse has its OUTBOUND bin and a storage bin", async () => {
    const bins = await api("/v1/warehouses/wh_main/bins");
    assert.equal(bins.status, 200, JSON.stringify(bins.body));
    const kinds = Object.fromEntries(bins.body.data.map((b) => [b.code, b.kind]));
    assert.equal(kinds.OUTBOUND, "outbound");
    assert.equal(kinds["A-01"], "storage");
  });
});

describe("background work", () => {
  test("the fulfilment queue consumer marks the new order's outbox row delivered", { timeout: 90_000 }, async () => {
    const { body: order } = await createOrder();
    const deadline = Date.now() + 45_000;
    let rows = [];
    while (Date.now() < deadline) {
      rows = await server.d1(`SELECT topic, type, delivered_at FROM outbox WHERE order_id = '${order.id}'`);
      if (rows.length > 0 && rows.every((r) => r.delivered_at !== null)) break;
      await sleep(1_000);
    }
    assert.ok(
      rows.some((r) => r.topic === "fulfilment" && r.type === "order.received"),
      `intake wrote a fulfilment outbox row: ${JSON.stringify(rows)}`,
    );
    assert.ok(
      rows.every((r) => r.delivered_at !== null),
      `outbox rows still owed after 45s: ${JSON.stringify(rows)}`,
    );
    const receipts = await server.d1(`SELECT consumer FROM consumed_messages WHERE order_id = '${order.id}'`);
    assert.ok(
      receipts.some((r) => r.consumer === "fulfilment"),
      `the fulfilment consumer left a receipt: ${JSON.stringify(receipts)}`,
    );
  });

  test("cron triggers run through /cdn-cgi/local/scheduled", async () => {
    for (const cron of ["*+*+*+*+*", encodeURIComponent("17 * * * *")]) {
      const res = await fetch(`${server.base}/cdn-cgi/local/scheduled?cron=${cron}`);
      assert.equal(res.status, 200, `cron ${cron}`);
      assert.equal((await res.text()).trim(), "ok");
    }
  });
});

describe("a Shopify shop and a partner's endpoint, over HTTP", () => {
  // The stand-in shop and partner endpoint: a real HTTP server beside the system under test.
  let standIn;
  const fixtures = readFixtures("../shared/fixtures", "./test/fixtures/partners");
  const bytesOf = (file) => Buffer.from(fixtures[file], "base64");
  const signatures = () => JSON.parse(bytesOf("signatures.json").toString("utf8"));
  before(async () => {
    standIn = await startStandIn();
  });
  after(() => standIn?.close());

  test("a signed orders/create becomes one order (a bad signature none), the feed shows it and the partner hears it signed", { timeout: 90_000 }, async () => {
    const receiver = `receiver~${unique("http")}`;
    const conn = await api("/v1/channel-connections", {
      body: {
        store_id: STORE,
        platform: "shopify",
        name: "Northfold",
        shop_domain: "northfold-outfitters.myshopify.com",
        api_base_url: `${standIn.url}/shopify~${unique("shop")}/admin/api/2025-07`,
        credentials: { access_token: "shpat_test" },
        webhook_secret: "shpss_fixture_0123456789abcdef",
      },
    });
    assert.equal(conn.status, 201, JSON.stringify(conn.body));
    assert.equal(conn.body.webhook_secret, undefined);
    assert.equal(JSON.stringify(conn.body).includes("shpss_fixture"), false);
    const sub = await api("/v1/webhook-subscriptions", { body: { store_id: STORE, url: `${standIn.url}/${receiver}/hook`, event_types: ["order.*"] } });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));

    const file = "shopify-orders-create.json";
    const headers = signatures()[file].headers;
    const body = bytesOf(file);
    const url = `${server.base}/webhooks/channels/${conn.body.id}`;
    const tampered = Buffer.from(body);
    tampered[tampered.indexOf("71.27")] = "9".charCodeAt(0);
    assert.equal((await fetch(url, { method: "POST", headers, body: tampered })).status, 401);
    for (let i = 0; i < 3; i++) assert.equal((await fetch(url, { method: "POST", headers, body })).status, 200);

    let entries = [];
    for (let i = 0; i < 120; i++) {
      entries = (await api(`/v1/channel-connections/${conn.body.id}/inbox`)).body.data;
      if (entries.length && entries.every((e) => e.status !== "pending")) break;
      await sleep(250);
    }
    assert.equal(entries.length, 1, JSON.stringify(entries));
    assert.equal(entries[0].outcome, "created", JSON.stringify(entries[0]));
    const orderId = entries[0].order_id;
    const order = await api(`/v1/orders/${orderId}`);
    assert.equal(order.body.channel, "shopify");
    assert.equal(order.body.total_amount, "71.27");

    const feed = await api(`/v1/events?store_id=${STORE}&type=order.*&limit=200`);
    assert.equal(feed.status, 200);
    assert.ok(
      feed.body.data.some((e) => e.type === "order.created" && e.order_id === orderId),
      JSON.stringify(feed.body.data.slice(-3)),
    );
    assert.ok(feed.body.next_cursor);

    const verifier = new Webhook(sub.body.secret);
    let heard = [];
    for (let i = 0; i < 120 && !heard.some((e) => e.type === "order.created" && e.data.order_id === orderId); i++) {
      const requests = await (await fetch(`${standIn.url}/_control/${receiver}/requests`)).json();
      heard = requests.map((r) => verifier.verify(r.body, r.headers));
      await sleep(250);
    }
    const created = heard.find((e) => e.type === "order.created" && e.data.order_id === orderId);
    assert.ok(created, JSON.stringify(heard));
    assert.equal(typeof created.data.order_version, "number");
  });
});

describe("buying stock, over HTTP", () => {
  // The supplier's system is the stand-in's receiver: a real HTTP server the Worker POSTs the order to.
  let standIn;
  before(async () => {
    standIn = await startStandIn();
  });
  after(() => standIn?.close());

  test("a buyer orders from a supplier (signed webhook and PDF), the dock receives it, the backorder waiting for it ships, the reports show it", { timeout: 120_000 }, async () => {
    const sku = unique("BUY");
    const store = (await api("/v1/stores", { body: { name: unique("buying"), currency: "USD", auto_audit: false } })).body;
    assert.equal((await api("/v1/products", { body: { store_id: store.id, sku, name: "Kettle", price: "30.00" } })).status, 201);
    const wh = (await api("/v1/warehouses", { body: { name: unique("dock"), country: "US", region: "NY", store_ids: [store.id] } })).body;
    assert.equal((await api(`/v1/warehouses/${wh.id}/bins`, { body: { code: "RCV-1" } })).status, 201);
    const receiver = `receiver~${unique("supplier")}`;
    const supplier = await api("/v1/suppliers", { body: { store_id: store.id, name: "Kettle Works", currency: "USD", webhook_url: `${standIn.url}/${receiver}/orders` } });
    assert.equal(supplier.status, 201, JSON.stringify(supplier.body));
    assert.match(supplier.body.webhook_secret, /^whsec_/);
    assert.equal((await api(`/v1/suppliers/${supplier.body.id}/items/${sku}`, { method: "PUT", body: { unit_cost: "12.00", pack_size: 2 } })).status, 201);

    // A customer's order waits for stock nobody has.
    const order = await api("/v1/orders", { body: orderBody({ store_id: store.id, lines: [{ sku, quantity: 2, unit_price: "30.00" }] }) });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    assert.equal((await api(`/v1/orders/${order.body.id}/transitions`, { body: { event: "approve" } })).status, 200);
    let allocation;
    for (let i = 0; i < 120 && allocation?.status !== "backordered"; i++) {
      allocation = (await api(`/v1/orders/${order.body.id}/allocation`)).body;
      await sleep(250);
    }
    assert.equal(allocation.status, "backordered", JSON.stringify(allocation));

    // Replenishment says what to buy; the buyer turns it into a draft, at the supplier's price and packs.
    const suggested = await api(`/v1/replenishment?store_id=${store.id}&warehouse_id=${wh.id}`);
    const line = suggested.body.data.find((s) => s.sku === sku);
    assert.equal(line?.action, "order", JSON.stringify(suggested.body));
    assert.equal(line.quantity, 2);
    const drafts = await api("/v1/replenishment/purchase-orders", { body: { store_id: store.id, warehouse_id: wh.id, skus: [sku] } });
    assert.equal(drafts.status, 201, JSON.stringify(drafts.body));
    const poId = drafts.body.data[0].id;
    // The wrong moment: nothing arrives against a draft.
    assert.equal((await api(`/v1/purchase-orders/${poId}/receipts`, { body: { lines: [{ line_no: 1, bin: "RCV-1", quantity: 2 }] } })).body.code, "not_receivable");
    assert.equal((await api(`/v1/purchase-orders/${poId}/transitions`, { body: { event: "submit" } })).status, 200);

    // The supplier hears it, signed.
    const verifier = new Webhook(supplier.body.webhook_secret);
    let heard = [];
    for (let i = 0; i < 120 && !heard.length; i++) {
      const requests = await (await fetch(`${standIn.url}/_control/${receiver}/requests`)).json();
      heard = requests.map((r) => verifier.verify(r.body, r.headers)).filter((e) => e.data.purchase_order_id === poId);
      await sleep(250);
    }
    assert.equal(heard.length, 1, JSON.stringify(heard));
    assert.deepEqual(
      heard[0].data.lines.map((l) => [l.sku, l.quantity, l.unit_cost]),
      [[sku, 2, "12.00"]],
    );
    const pdf = await fetch(`${server.base}/v1/purchase-orders/${poId}/pdf`, { headers: { authorization: `Bearer ${server.adminKey}` } });
    assert.equal(pdf.headers.get("content-type"), "application/pdf");
    assert.equal(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
      "%PDF-",
    );

    // Another store's key neither sees nor receives it.
    const otherStore = (await api("/v1/stores", { body: { name: unique("other"), currency: "USD" } })).body;
    const outsider = (await api("/v1/api-keys", { body: { name: "outsider", role: "warehouse", store_ids: [otherStore.id] } })).body.key;
    assert.equal((await api(`/v1/purchase-orders/${poId}/receipts`, { body: { lines: [{ line_no: 1, bin: "RCV-1", quantity: 2 }] }, key: outsider })).status, 404);

    // The dock receives; the backorder is allocated from the receipt (no cron needed).
    const received = await api(`/v1/purchase-orders/${poId}/receipts`, {
      body: { lines: [{ line_no: 1, bin: "RCV-1", quantity: 2 }], reference: "DN-1" },
      headers: { "idempotency-key": unique("dn") },
    });
    assert.equal(received.status, 201, JSON.stringify(received.body));
    assert.equal(received.body.status, "received");
    for (let i = 0; i < 120 && allocation?.status !== "allocated"; i++) {
      allocation = (await api(`/v1/orders/${order.body.id}/allocation`)).body;
      await sleep(250);
    }
    assert.equal(allocation.status, "allocated", JSON.stringify(allocation));
    assert.equal((await api(`/v1/purchase-orders/${poId}/receipts`, { body: { lines: [{ line_no: 1, bin: "RCV-1", quantity: 1 }] } })).body.code, "not_receivable");

    // The numbers: valued at 12.00, reserved for the order; the supplier delivered in full, on time.
    const stock = await fetch(`${server.base}/v1/reports/stock?warehouse_id=${wh.id}&format=csv`, { headers: { authorization: `Bearer ${server.adminKey}` } });
    assert.ok((await stock.text()).includes(`${wh.id},${sku},2,2,0,USD,12.00,24.00`));
    const today = new Date().toISOString().slice(0, 10);
    const rated = (await api(`/v1/reports/suppliers?from=${today}&to=${today}&store_id=${store.id}`)).body.data[0];
    assert.equal(rated.fill_rate, 1);
    assert.equal(rated.on_time_rate, 1);
  });
});

describe("shutdown", () => {
  test("SIGTERM to start.mjs stops wrangler and exits 0", { timeout: 60_000 }, async () => {
    const s = server;
    server = null;
    const { exit, groupLeft } = await s.stop();
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.equal(groupLeft, false, "no process of the server's group is left");
  });
});
