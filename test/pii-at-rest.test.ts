/**
 * Customer data and partner secrets at rest: what D1 itself holds after
 * intake, a hold message, a label, a blocklist entry and a 3PL's creation
 * is ciphertext; the API reads
 * it back; data sealed under an older key still reads after rotation and the
 * housekeeping job re-seals it; rows from before encryption read and get
 * sealed; duplicate detection finds one customer across phone formats
 * through the blind index.
 */
import { exports } from "cloudflare:workers";
import { env } from "./shard-env";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { resealPii } from "../src/db/reseal-pii";
import { emailIndex } from "../src/db/contact-index";
import { parseKeyring, seal, sealedWith } from "../src/lib/pii-crypto";
import { ADMIN, api, createProduct, createStore, orderBody, unique } from "./helpers";
import { packedOrder } from "./logistics-helpers";

let store: { id: string };

const PLAIN = ["Ada Lovelace", "ada", "7946", "James", "SW1Y"];

async function rawOrder(id: string) {
  return (await env.DB.prepare("SELECT * FROM orders WHERE id = ?").bind(id).first<Record<string, unknown>>())!;
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  let v!: T;
  await vi.waitFor(
    async () => {
      v = await read();
      expect(ok(v)).toBe(true);
    },
    { timeout: 10_000, interval: 50 },
  );
  return v;
}

beforeAll(async () => {
  store = await createStore(unique("pii"), "USD", { autoAudit: true });
  await createProduct(store.id, "TEA-1", { price: "19.90" });
});

describe("at rest", () => {
  it("an order's name, email, phone and address are ciphertext in D1, and the API reads them back", async () => {
    const email = `${unique("ada")}@example.com`;
    const created = await api("/v1/orders", {
      body: orderBody(store.id, { customer: { name: "Ada Lovelace", email, phone: "+44 20 7946 0958" } }),
      headers: { "idempotency-key": unique("idem") },
    });
    expect(created.status).toBe(201);
    const row = await rawOrder(created.body.id);
    for (const col of ["customer_name", "customer_email", "customer_phone", "shipping_address"]) {
      expect(String(row[col])).toMatch(/^enc1:test2:/);
      for (const p of [...PLAIN, email]) expect(String(row[col])).not.toContain(p);
    }
    expect(row.customer_email_index).toBe(emailIndex(store.id, email));
    expect(row.customer_phone_index).toEqual(expect.any(String));
    // The stored first response (replayed for the same Idempotency-Key) carries the contact: sealed too.
    const idem = await env.DB.prepare("SELECT response_body FROM idempotency_keys").all<{ response_body: string }>();
    expect(idem.results.length).toBeGreaterThan(0);
    for (const r of idem.results) expect(r.response_body).not.toContain(email);

    const read = await api(`/v1/orders/${created.body.id}`);
    expect(read.body.customer).toEqual({ name: "Ada Lovelace", email, phone: "+44 20 7946 0958" });
    expect(read.body.shipping_address).toMatchObject({ line1: "12 St James's Square", postal_code: "SW1Y 4JH", country: "GB" });
  });

  it("the message a held customer gets is sealed, recipient and text", async () => {
    const email = `${unique("held")}@example.com`;
    const body = orderBody(store.id, {
      payment_status: "paid",
      customer: { name: "Ada Lovelace", email },
      shipping_address: { name: "Ada Lovelace", line1: "1 Market St", city: "San Francisco", region: "CA", postal_code: "9410", country: "US" },
    });
    const created = await api("/v1/orders", { body });
    const [message] = await until(
      async () => (await api(`/v1/notifications?order_id=${created.body.id}`)).body.data as any[],
      (d) => d.length > 0,
    );
    expect(message.recipient).toBe(email);
    const raw = (await env.DB.prepare("SELECT recipient, body FROM notifications WHERE id = ?").bind(message.id).first<{ recipient: string; body: string }>())!;
    expect(raw.recipient).toMatch(/^enc1:/);
    expect(raw.body).toMatch(/^enc1:/);
    expect(raw.recipient + raw.body).not.toContain(email);
    // The greeting's name: whole, as the text would hold it ("Ada" alone turns up in random ciphertext now and then).
    expect(raw.body).not.toContain("Ada Lovelace");
  });

  it("a 3PL's webhook secret is sealed; the one response that shows it shows the real one", async () => {
    const r = await api("/v1/warehouses", { body: { name: unique("3pl"), kind: "third_party", country: "DE", webhook_url: "https://3pl.example/hook" } });
    expect(r.status).toBe(201);
    expect(r.body.webhook_secret).toMatch(/^whsec_/);
    const raw = (await env.DB.prepare("SELECT webhook_secret FROM warehouses WHERE id = ?").bind(r.body.id).first<{ webhook_secret: string }>())!;
    expect(raw.webhook_secret).toMatch(/^enc1:test2:/);
    expect(raw.webhook_secret).not.toContain(r.body.webhook_secret.slice(6));
  });

  it("a printed label (it carries the ship-to) is sealed, and still downloads as the PDF", async () => {
    const s = await createStore(unique("pii-label"));
    const { shipmentId } = await packedOrder(s.id);
    const r = await api(`/v1/shipments/${shipmentId}/label`, { body: {} });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const raw = (await env.DB.prepare("SELECT data FROM shipment_labels WHERE shipment_id = ?").bind(shipmentId).first<{ data: string }>())!;
    expect(raw.data).toMatch(/^enc1:test2:/);
    const pdf = await exports.default.fetch(`http://oms.test/v1/shipments/${shipmentId}/label.pdf`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(pdf.status).toBe(200);
    expect(new TextDecoder().decode(new Uint8Array(await pdf.arrayBuffer()).subarray(0, 5))).toBe("%PDF-");
  });

  it("a blocklist value is sealed and found by its blind index", async () => {
    const s = await createStore(unique("pii-block"), "USD", { autoAudit: true });
    await createProduct(s.id, "TEA-1", { price: "19.90" });
    const blocked = await api(`/v1/stores/${s.id}/blocklist`, { body: { kind: "phone", phone: "+1 (415) 555-0199" } });
    expect(blocked.status, JSON.stringify(blocked.body)).toBe(201);
    const raw = (await env.DB.prepare("SELECT value, value_index FROM blocklist_entries WHERE id = ?").bind(blocked.body.id).first<{ value: string; value_index: string }>())!;
    expect(raw.value).toMatch(/^enc1:/);
    expect(raw.value).not.toContain("555");
    expect(raw.value_index).toEqual(expect.any(String));
    const created = await api("/v1/orders", {
      body: orderBody(s.id, { payment_status: "paid", customer: { name: "Eve", email: `${unique("eve")}@example.com`, phone: "+14155550199" } }),
    });
    const order = await until(
      async () => (await api(`/v1/orders/${created.body.id}`)).body,
      (o) => o.status !== "received",
    );
    expect(order.status).toBe("cancelled");
    const audits = (await api(`/v1/orders/${created.body.id}/audits`)).body.data;
    expect(audits[0].findings.map((f: any) => f.code)).toContain("customer_blocked");
  });
});

describe("rotation and plaintext from before", () => {
  it("data sealed under an older key reads after a new key is put first, and the job re-seals it with the newest", async () => {
    const created = await api("/v1/orders", { body: orderBody(store.id, { customer: { name: "Old Key", email: `${unique("old")}@example.com` } }) });
    // Written as a Worker with only the older key would have written it.
    const onlyOld = parseKeyring(env.PII_KEYS!.split(",")[1], env.PII_INDEX_KEY);
    await env.DB.prepare("UPDATE orders SET customer_name = ? WHERE id = ?").bind(seal("Old Key", onlyOld), created.body.id).run();
    expect(sealedWith(String((await rawOrder(created.body.id)).customer_name))).toBe("test1");
    expect((await api(`/v1/orders/${created.body.id}`)).body.customer.name).toBe("Old Key");

    await drainReseal();
    expect(sealedWith(String((await rawOrder(created.body.id)).customer_name))).toBe("test2");
    expect((await api(`/v1/orders/${created.body.id}`)).body.customer.name).toBe("Old Key");
  });

  it("rows written before encryption read as they are; the job seals them and fills their blind indexes", async () => {
    const email = `${unique("legacy")}@example.com`;
    const created = await api("/v1/orders", { body: orderBody(store.id, { customer: { name: "Legacy", email, phone: "+44 20 7946 0958" } }) });
    const address = JSON.stringify({ name: "Legacy", line1: "1 Old Rd", line2: null, city: "Leeds", region: null, postal_code: "LS1 1AA", country: "GB" });
    await env.DB.prepare(
      "UPDATE orders SET customer_name = 'Legacy', customer_email = ?, customer_phone = '+44 20 7946 0958', shipping_address = ?, customer_email_index = NULL, customer_phone_index = NULL WHERE id = ?",
    )
      .bind(email, address, created.body.id)
      .run();
    const before = await api(`/v1/orders/${created.body.id}`);
    expect(before.body.customer).toEqual({ name: "Legacy", email, phone: "+44 20 7946 0958" });
    expect(before.body.shipping_address.line1).toBe("1 Old Rd");

    await drainReseal();
    const row = await rawOrder(created.body.id);
    for (const col of ["customer_name", "customer_email", "customer_phone", "shipping_address"]) expect(String(row[col])).toMatch(/^enc1:test2:/);
    expect(row.customer_email_index).toBe(emailIndex(store.id, email));
    expect(row.customer_phone_index).toEqual(expect.any(String));
    expect((await api(`/v1/orders/${created.body.id}`)).body.customer).toEqual({ name: "Legacy", email, phone: "+44 20 7946 0958" });
  });
});

/** Runs the re-encryption job until a run finds nothing left (other tests' rows included). */
async function drainReseal() {
  for (let i = 0; i < 50; i++) {
    const done = await resealPii(env, { limit: 500 });
    if (Object.values(done).every((n) => n === 0)) return;
  }
  throw new Error("the re-encryption job did not finish");
}

describe("duplicates across phone formats", () => {
  it("holds a second identical order whose phone is the same number written another way", async () => {
    const first = await api("/v1/orders", {
      body: orderBody(store.id, { payment_status: "paid", customer: { name: "Grace", email: `${unique("g1")}@example.com`, phone: "+1 (415) 555-0100" } }),
    });
    const firstOrder = await until(
      async () => (await api(`/v1/orders/${first.body.id}`)).body,
      (o) => o.status !== "received",
    );
    // Other tests in this file add warehouses, so the stock rule may hold it too: only the duplicate finding matters here.
    const codes = async (id: string) => ((await api(`/v1/orders/${id}/audits`)).body.data[0].findings as any[]).map((f) => f.code);
    expect(firstOrder.status).not.toBe("received");
    expect(await codes(first.body.id)).not.toContain("possible_duplicate");
    const second = await api("/v1/orders", {
      body: orderBody(store.id, { payment_status: "paid", customer: { name: "Grace H.", email: `${unique("g2")}@example.com`, phone: "+14155550100" } }),
    });
    const secondOrder = await until(
      async () => (await api(`/v1/orders/${second.body.id}`)).body,
      (o) => o.status !== "received",
    );
    expect(secondOrder.status).toBe("on_hold");
    expect(await codes(second.body.id)).toContain("possible_duplicate");
  });
});
