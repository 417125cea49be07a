/** Stores, products and API keys: what a merchant needs to set up without touching the database. */
import { env } from "./shard-env";
import { describe, expect, it } from "vitest";
import { api, createOrder, createProduct, createStore, unique } from "./helpers";

const count = (table: string) =>
  env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`)
    .first<{ n: number }>()
    .then((r) => r!.n);

describe("stores", () => {
  it("creates, reads, lists and updates a store", async () => {
    const created = await api("/v1/stores", { body: { name: "Tea House", currency: "EUR", timezone: "Europe/Berlin" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Tea House", currency: "EUR", timezone: "Europe/Berlin" });
    expect(created.body.id).toMatch(/^st_/);
    expect(created.headers.get("location")).toBe(`/v1/stores/${created.body.id}`);
    expect((await api(`/v1/stores/${created.body.id}`)).body).toEqual(created.body);
    const patched = await api(`/v1/stores/${created.body.id}`, { method: "PATCH", body: { name: "Tea House Berlin" } });
    expect(patched.body).toMatchObject({ name: "Tea House Berlin", currency: "EUR" });
    const list = await api("/v1/stores?limit=200");
    expect(list.body.data.map((s: any) => s.id)).toContain(created.body.id);
    expect(created.body.timezone).toBe("Europe/Berlin");
  });

  it("refuses bad stores with 422 and writes nothing", async () => {
    const before = await count("stores");
    for (const body of [{ name: "x", currency: "EURO" }, { name: "", currency: "EUR" }, { name: "x", currency: "EUR", timezone: "Mars/Base" }, {}]) {
      const r = await api("/v1/stores", { body });
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.code).toBe("validation_failed");
    }
    expect(await count("stores")).toBe(before);
    const s = await createStore();
    expect((await api(`/v1/stores/${s.id}`, { method: "PATCH", body: {} })).status).toBe(422);
    expect((await api("/v1/stores/st_missing", { method: "PATCH", body: { name: "x" } })).status).toBe(404);
    expect((await api("/v1/stores/st_missing")).status).toBe(404);
  });

  it("replays a store creation for the same Idempotency-Key, refuses it with another body", async () => {
    const key = unique("idem");
    const body = { name: unique("Idem store"), currency: "USD" };
    const a = await api("/v1/stores", { body, headers: { "idempotency-key": key } });
    const b = await api("/v1/stores", { body, headers: { "idempotency-key": key } });
    expect(b.status).toBe(201);
    expect(b.body).toEqual(a.body);
    expect(b.headers.get("idempotent-replayed")).toBe("true");
    expect(b.headers.get("location")).toBe(a.headers.get("location"));
    const c = await api("/v1/stores", { body: { ...body, currency: "EUR" }, headers: { "idempotency-key": key } });
    expect(c.status).toBe(422);
    // On whichever shard it was placed, and nowhere else.
    let n = 0;
    for (const db of [env.DB, env.DB_1]) n += (await db.prepare("SELECT COUNT(*) AS n FROM stores WHERE name = ?").bind(body.name).first<number>("n"))!;
    expect(n).toBe(1);
  });

  it("parallel store creations with one Idempotency-Key make one store", async () => {
    const key = unique("idem");
    const body = { name: unique("Parallel store"), currency: "USD" };
    const results = await Promise.all(Array.from({ length: 8 }, () => api("/v1/stores", { body, headers: { "idempotency-key": key } })));
    // The first runs; the rest replay it or are told it is still running (409, retry), never a second store.
    expect(results.every((r) => r.status === 201 || (r.status === 409 && r.body.code === "idempotency_in_progress"))).toBe(true);
    expect(new Set(results.filter((r) => r.status === 201).map((r) => r.body.id)).size).toBe(1);
    // On whichever shard it was placed, and nowhere else.
    let n = 0;
    for (const db of [env.DB, env.DB_1]) n += (await db.prepare("SELECT COUNT(*) AS n FROM stores WHERE name = ?").bind(body.name).first<number>("n"))!;
    expect(n).toBe(1);
  });
});

describe("products", () => {
  it("creates a product priced in the store's currency, reads, lists and updates it", async () => {
    const s = await createStore(unique("yen store"), "JPY");
    const p = await createProduct(s.id, "MATCHA", { name: "Matcha 30g", price: "1800", weight_grams: 30 });
    expect(p).toMatchObject({ sku: "MATCHA", price: "1800", currency: "JPY", type: "goods", active: true, weight_grams: 30 });
    expect((await api(`/v1/products/${p.id}`)).body).toEqual(p);
    const patched = await api(`/v1/products/${p.id}`, { method: "PATCH", body: { price: "2000", active: false, type: "service" } });
    expect(patched.body).toMatchObject({ price: "2000", active: false, type: "service" });
    const list = await api(`/v1/products?store_id=${s.id}&active=false`);
    expect(list.body.data.map((x: any) => x.id)).toEqual([p.id]);
  });

  it("a product change is what the next order on this instance sees", async () => {
    const s = await createStore();
    const p = await createProduct(s.id, "KIT", { name: "Old name" });
    expect((await createOrder(s.id, { lines: [{ sku: "KIT", quantity: 1, unit_price: "1.00" }] })).lines[0].name).toBe("Old name");
    await api(`/v1/products/${p.id}`, { method: "PATCH", body: { name: "New name", type: "service" } });
    const o = await createOrder(s.id, { lines: [{ sku: "KIT", quantity: 1, unit_price: "1.00" }] });
    expect(o.lines[0]).toMatchObject({ name: "New name", type: "service" });
    expect(o.requires_shipping).toBe(false);
  });

  it("refuses a duplicate SKU (409), bad prices and unknown stores (422), writing nothing", async () => {
    const s = await createStore();
    await createProduct(s.id, "DUP");
    const before = await count("products");
    const dup = await api("/v1/products", { body: { store_id: s.id, sku: "DUP", name: "x", price: "1.00" } });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe("duplicate_sku");
    for (const body of [
      { store_id: s.id, sku: "A", name: "x", price: "1.001" },
      { store_id: s.id, sku: "A", name: "x", price: 1 },
      { store_id: s.id, sku: "A", name: "x", price: "1.00", type: "digital" },
      { store_id: s.id, sku: "A", name: "x", price: "1.00", weight_grams: -1 },
      { store_id: "st_missing", sku: "A", name: "x", price: "1.00" },
    ]) {
      const r = await api("/v1/products", { body });
      expect(r.status, JSON.stringify(body)).toBe(422);
    }
    expect(await count("products")).toBe(before);
  });
});

describe("API keys", () => {
  it("shows the key once; lists never show it or its hash; the key works at once", async () => {
    const s = await createStore();
    const created = await api("/v1/api-keys", { body: { name: "Storefront", role: "channel", store_ids: [s.id] } });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^oms_[0-9A-Za-z]{40}$/);
    expect(created.body).toMatchObject({ name: "Storefront", role: "channel", store_ids: [s.id], created_by: "bootstrap", revoked_at: null });
    expect(created.body.key_prefix).toBe(created.body.key.slice(0, 10));
    const stored = await env.DIRECTORY.prepare("SELECT * FROM api_keys WHERE id = ?").bind(created.body.id).first<Record<string, unknown>>();
    expect(JSON.stringify(stored)).not.toContain(created.body.key);
    const list = await api("/v1/api-keys?limit=200");
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    expect(JSON.stringify(list.body)).not.toContain("key_hash");
    expect((await api("/v1/orders", { key: created.body.key })).status).toBe(200);
  });

  it("a replayed key creation returns the record without the secret, and stores no secret", async () => {
    const key = unique("idem");
    const body = { name: "Replayed", role: "analyst", store_ids: ["*"] };
    const a = await api("/v1/api-keys", { body, headers: { "idempotency-key": key } });
    const b = await api("/v1/api-keys", { body, headers: { "idempotency-key": key } });
    expect(a.body.key).toMatch(/^oms_/);
    expect(b.status).toBe(201);
    expect(b.body).toEqual({ ...a.body, key: null });
    const rows = await env.DB.prepare("SELECT response_body FROM idempotency_keys WHERE key = ?").bind(key).all<{ response_body: string }>();
    expect(rows.results[0]!.response_body).not.toContain(a.body.key);
  });

  it("refuses keys that make no sense", async () => {
    const s = await createStore();
    const before = await count("api_keys");
    const cases: [unknown, number][] = [
      [{ name: "x", role: "root", store_ids: ["*"] }, 422],
      [{ name: "x", role: "channel", store_ids: ["*"] }, 422],
      [{ name: "x", role: "channel", store_ids: [s.id, "st_other"] }, 422],
      [{ name: "x", role: "auditor", store_ids: ["*", s.id] }, 422],
      [{ name: "x", role: "auditor", store_ids: [] }, 422],
      [{ name: "x", role: "auditor", store_ids: ["st_missing"] }, 422],
    ];
    for (const [body, status] of cases) expect((await api("/v1/api-keys", { body })).status, JSON.stringify(body)).toBe(status);
    expect(await count("api_keys")).toBe(before);
  });

  it("revoking is idempotent and unknown keys are 404", async () => {
    const created = await api("/v1/api-keys", { body: { name: "tmp", role: "analyst", store_ids: ["*"] } });
    const first = await api(`/v1/api-keys/${created.body.id}`, { method: "DELETE" });
    const second = await api(`/v1/api-keys/${created.body.id}`, { method: "DELETE" });
    expect(first.body.revoked_at).not.toBeNull();
    expect(second.body.revoked_at).toBe(first.body.revoked_at);
    expect((await api("/v1/api-keys/key_missing", { method: "DELETE" })).status).toBe(404);
    const listed = await api("/v1/api-keys?include_revoked=true&limit=200");
    expect(listed.body.data.find((k: any) => k.id === created.body.id)).toBeDefined();
    const active = await api("/v1/api-keys?limit=200");
    expect(active.body.data.find((k: any) => k.id === created.body.id)).toBeUndefined();
  });
});
