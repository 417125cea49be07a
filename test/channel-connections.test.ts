/**
 * The channel connections API: a store's shops on their platforms as data.
 * Staff who manage channels create, change, pause and rotate them; others
 * may read them or nothing at all; store-scoped keys see only their
 * stores'. Secrets go in and never come out. Bad input is a 4xx problem
 * and writes nothing.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, createKey, createStore } from "./helpers";
import { rowsOf } from "./channel-helpers";
import { env } from "./shard-env";
import { storeTag } from "../src/db/homes";
import { tagOf } from "../src/lib/ids";

let store: { id: string };
let other: { id: string };
const SECRETS = ["shpat_secret_access_token_123", "whsec_connection_secret_456", "rotated_secret_789xyz"];

const body = (over: Record<string, unknown> = {}) => ({
  store_id: store.id,
  platform: "shopify",
  name: "Northfold",
  shop_domain: "northfold-outfitters.myshopify.com",
  api_base_url: "https://northfold-outfitters.myshopify.com/admin/api/2025-07",
  credentials: { access_token: SECRETS[0] },
  webhook_secret: SECRETS[1],
  ...over,
});

const noSecrets = (r: { body: unknown }) => {
  const text = JSON.stringify(r.body);
  for (const s of SECRETS) expect(text).not.toContain(s);
};
const connectionsOf = async (storeId: string) => rowsOf("SELECT * FROM channel_connections WHERE store_id = ?", storeId);

beforeAll(async () => {
  store = await createStore();
  other = await createStore();
});

describe("connecting a shop", () => {
  it("creates a connection, shows where to point the platform's webhooks, and never returns a secret", async () => {
    const r = await api("/v1/channel-connections", { body: body() });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.headers.get("etag")).toBe('"1"');
    // Its id names the store's tag, so the platform's webhooks to /webhooks/channels/{id} find the store's shard.
    expect(tagOf(r.body.id)).toBe(await storeTag(env, store.id));
    expect(tagOf(r.body.id)).not.toBeNull();
    expect(r.body).toMatchObject({
      store_id: store.id,
      platform: "shopify",
      shop_domain: "northfold-outfitters.myshopify.com",
      credential_keys: ["access_token"],
      webhook_secret_set: true,
      previous_webhook_secret_until: null,
      pushes: { fulfillments: true, cancellations: true, refunds: false },
      status: "active",
      version: 1,
    });
    expect(r.body.webhook_url).toMatch(new RegExp(`/webhooks/channels/${r.body.id}$`));
    noSecrets(r);
    // Sealed at rest too.
    const [row] = await rowsOf("SELECT credentials, webhook_secret FROM channel_connections WHERE id = ?", r.body.id);
    expect(`${row!.credentials}${row!.webhook_secret}`).not.toContain("secret");

    for (const read of [await api(`/v1/channel-connections/${r.body.id}`), await api(`/v1/channel-connections?store_id=${store.id}`)]) {
      expect(read.status).toBe(200);
      noSecrets(read);
    }
  });

  it.each([
    ["an unknown platform", { platform: "ebay" }, "platform"],
    ["plain http to another machine", { api_base_url: "http://shop.example.com/api" }, "api_base_url"],
    ["a URL with a password", { api_base_url: "https://user:pw@shop.example.com/api" }, "api_base_url"],
    ["no name", { name: "" }, "name"],
    ["a short webhook secret", { webhook_secret: "short" }, "webhook_secret"],
    ["a credential that is not text", { credentials: { access_token: 5 } }, "credentials.access_token"],
    ["an unknown field", { secret_sauce: true }, ""],
    ["an unknown store", { store_id: "st_nope" }, "store_id"],
  ])("refuses %s with a 422 problem naming the field, writing nothing", async (_what, over, field) => {
    const before = (await connectionsOf(store.id)).length;
    const r = await api("/v1/channel-connections", { body: body(over) });
    expect(r.status, JSON.stringify(r.body)).toBe(422);
    expect(r.headers.get("content-type")).toBe("application/problem+json");
    if (field) expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect((await connectionsOf(store.id)).length).toBe(before);
    noSecrets(r);
  });

  it("refuses malformed JSON and non-JSON bodies", async () => {
    expect((await api("/v1/channel-connections", { body: "{not json" })).status).toBe(400);
    expect((await api("/v1/channel-connections", { body: "x", headers: { "content-type": "text/plain" } })).status).toBe(415);
  });
});

describe("who may do what", () => {
  it("lets support and analysts read but not change, and refuses warehouse staff both", async () => {
    const created = (await api("/v1/channel-connections", { body: body() })).body;
    const before = (await connectionsOf(store.id)).length;
    for (const role of ["support", "analyst"]) {
      const key = await createKey(role, ["*"]);
      expect((await api(`/v1/channel-connections/${created.id}`, { key })).status).toBe(200);
      for (const [method, path, b] of [
        ["POST", "/v1/channel-connections", body()],
        ["PATCH", `/v1/channel-connections/${created.id}`, { name: "x" }],
        ["PUT", `/v1/channel-connections/${created.id}/sku-map`, { entries: [{ platform_key: "A", sku: "B" }] }],
      ] as const) {
        const r = await api(path, { method, body: b, key });
        expect(r.status, `${role} ${method} ${path}`).toBe(403);
        expect(r.body.code).toBe("forbidden");
      }
    }
    const warehouse = await createKey("warehouse", ["*"]);
    for (const path of [`/v1/channel-connections/${created.id}`, "/v1/channel-connections", `/v1/channel-connections/${created.id}/inbox`]) {
      expect((await api(path, { key: warehouse })).status).toBe(403);
    }
    expect((await connectionsOf(store.id)).length).toBe(before);
    expect((await api(`/v1/channel-connections/${created.id}`)).body.name).toBe("Northfold");
    expect(await rowsOf("SELECT * FROM channel_sku_map WHERE connection_id = ?", created.id)).toEqual([]);
  });

  it("keeps a store's admins to their own stores' connections", async () => {
    const mine = (await api("/v1/channel-connections", { body: body() })).body;
    const theirs = (await api("/v1/channel-connections", { body: body({ store_id: other.id }) })).body;
    const key = await createKey("admin", [store.id]);
    const create = await api("/v1/channel-connections", { body: body({ store_id: other.id }), key });
    expect(create.status).toBe(403);
    expect((await api(`/v1/channel-connections/${theirs.id}`, { key })).status).toBe(404);
    expect((await api(`/v1/channel-connections/${theirs.id}`, { method: "PATCH", body: { status: "paused" }, key })).status).toBe(404);
    expect((await api(`/v1/channel-connections/${theirs.id}/inbox`, { key })).status).toBe(404);
    const list = await api("/v1/channel-connections?limit=200", { key });
    const ids = list.body.data.map((c: { id: string }) => c.id);
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(theirs.id);
    expect((await api(`/v1/channel-connections/${theirs.id}`)).body.status).toBe("active");
  });
});

describe("changing a connection", () => {
  it("rotates the webhook secret (the previous one kept for a while), pauses, resumes, and refuses a stale If-Match", async () => {
    const c = (await api("/v1/channel-connections", { body: body() })).body;
    const rotated = await api(`/v1/channel-connections/${c.id}`, { method: "PATCH", body: { webhook_secret: SECRETS[2] }, headers: { "if-match": '"1"' } });
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    expect(rotated.body.version).toBe(2);
    expect(rotated.headers.get("etag")).toBe('"2"');
    const until = Date.parse(rotated.body.previous_webhook_secret_until);
    expect(until - Date.now()).toBeGreaterThan(110 * 60_000);
    expect(until - Date.now()).toBeLessThanOrEqual(120 * 60_000);
    noSecrets(rotated);

    const stale = await api(`/v1/channel-connections/${c.id}`, { method: "PATCH", body: { status: "paused" }, headers: { "if-match": '"1"' } });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: "version_mismatch", current_version: 2 });
    expect((await api(`/v1/channel-connections/${c.id}`)).body.status).toBe("active");

    const paused = await api(`/v1/channel-connections/${c.id}`, { method: "PATCH", body: { status: "paused", pushes: { refunds: true } } });
    expect(paused.body).toMatchObject({ status: "paused", pushes: { fulfillments: true, cancellations: true, refunds: true }, version: 3 });
    const cleared = await api(`/v1/channel-connections/${c.id}`, { method: "PATCH", body: { previous_webhook_secret: null, status: "active" } });
    expect(cleared.body).toMatchObject({ status: "active", previous_webhook_secret_until: null });
  });

  it.each([
    ["nothing to change", {}],
    ["an unknown status", { status: "deleted" }],
    ["an unsafe API URL", { api_base_url: "ftp://shop.example.com" }],
    ["a platform change", { platform: "woocommerce" }],
  ])("refuses %s with a 422 and changes nothing", async (_what, patch) => {
    const c = (await api("/v1/channel-connections", { body: body() })).body;
    const r = await api(`/v1/channel-connections/${c.id}`, { method: "PATCH", body: patch });
    expect(r.status, JSON.stringify(r.body)).toBe(422);
    expect(r.headers.get("content-type")).toBe("application/problem+json");
    expect((await api(`/v1/channel-connections/${c.id}`)).body.version).toBe(1);
  });

  it("answers 404 for an unknown connection and 400 for a malformed id or If-Match", async () => {
    expect((await api("/v1/channel-connections/chn_01KB2R8W3D4C9QJ6H7ZNEXAMPL")).status).toBe(404);
    expect((await api("/v1/channel-connections/nope")).status).toBe(400);
    const c = (await api("/v1/channel-connections", { body: body() })).body;
    expect((await api(`/v1/channel-connections/${c.id}`, { method: "PATCH", body: { name: "x" }, headers: { "if-match": "yesterday" } })).status).toBe(400);
  });
});

describe("the SKU map", () => {
  it("adds, replaces and removes entries, and pages through them", async () => {
    const c = (await api("/v1/channel-connections", { body: body() })).body;
    const entries = Array.from({ length: 5 }, (_, i) => ({ platform_key: `SKU-${i}`, sku: `OURS-${i}` }));
    const put = await api(`/v1/channel-connections/${c.id}/sku-map`, { method: "PUT", body: { entries } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toEqual({ upserted: 5, removed: 0 });
    const again = await api(`/v1/channel-connections/${c.id}/sku-map`, {
      method: "PUT",
      body: {
        entries: [
          { platform_key: "SKU-0", sku: "NEW-0" },
          { platform_key: "SKU-1", sku: null },
          { platform_key: "variant:44123776155665", sku: "OURS-V" },
        ],
      },
    });
    expect(again.body).toEqual({ upserted: 2, removed: 1 });
    const first = await api(`/v1/channel-connections/${c.id}/sku-map?limit=3`);
    expect(first.body.data).toEqual([
      { platform_key: "SKU-0", sku: "NEW-0" },
      { platform_key: "SKU-2", sku: "OURS-2" },
      { platform_key: "SKU-3", sku: "OURS-3" },
    ]);
    const second = await api(`/v1/channel-connections/${c.id}/sku-map?limit=3&cursor=${first.body.next_cursor}`);
    expect(second.body).toEqual({
      data: [
        { platform_key: "SKU-4", sku: "OURS-4" },
        { platform_key: "variant:44123776155665", sku: "OURS-V" },
      ],
      next_cursor: null,
    });
  });

  it.each([
    ["no entries", { entries: [] }],
    [
      "a key twice",
      {
        entries: [
          { platform_key: "A", sku: "X" },
          { platform_key: "A", sku: "Y" },
        ],
      },
    ],
    ["an SKU too long", { entries: [{ platform_key: "A", sku: "X".repeat(65) }] }],
    ["no list", { platform_key: "A", sku: "X" }],
  ])("refuses %s with a 422 and writes nothing", async (_what, b) => {
    const c = (await api("/v1/channel-connections", { body: body() })).body;
    const r = await api(`/v1/channel-connections/${c.id}/sku-map`, { method: "PUT", body: b });
    expect(r.status, JSON.stringify(r.body)).toBe(422);
    expect(r.headers.get("content-type")).toBe("application/problem+json");
    expect(await rowsOf("SELECT * FROM channel_sku_map WHERE connection_id = ?", c.id)).toEqual([]);
  });
});
