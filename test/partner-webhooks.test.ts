/**
 * Partner webhooks: a store subscribes an endpoint to its events; each is
 * delivered per the Standard Webhooks spec (checked here with the published
 * `standardwebhooks` package, not our code) to a real HTTP receiver (the
 * stand-in server), retried on a schedule of more than a day, logged per
 * attempt, replayable, and a subscription that fails for a day is disabled
 * with a notice to the merchant. Time is driven by the dispatcher's `now`:
 * a day of retries runs in seconds. (The dispatcher's own loop runs beside
 * the test on the real clock; claims keep the two from sending one attempt
 * twice, so the assertions hold whichever of them sends.)
 */
import { env } from "./shard-env";
import { dbOf } from "./shard-helpers";
import { CACHE_MS, shardsInUse } from "../src/db/homes";
import { onShard } from "../src/db/shard";
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, inject, it, vi } from "vitest";
import { DISABLE_AFTER_MS, dispatchWebhooks, RETRY_DELAYS_MS } from "../src/partner-webhooks/dispatch";
import { api, createKey, createOrder, createStore, transition, unique } from "./helpers";

type Received = { path: string; body: string; headers: Record<string, string>; status: number };

const base = () => inject("standInUrl");
const newReceiver = () => `receiver~${crypto.randomUUID()}`;
const control = (scope: string, action: string, body?: unknown) =>
  fetch(`${base()}/_control/${scope}/${action}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });
const received = async (scope: string) => (await (await control(scope, "requests")).json()) as Received[];

/** Rows on both shards. */
const count = async (table: string, where = "1=1", ...binds: unknown[]) => {
  let n = 0;
  for (const db of [env.DB, env.DB_1])
    n += (await db
      .prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`)
      .bind(...binds)
      .first<{ n: number }>())!.n;
  return n;
};

async function subscribe(storeId: string, scope: string, eventTypes = ["order.*"], key?: string) {
  const r = await api("/v1/webhook-subscriptions", { body: { store_id: storeId, url: `${base()}/${scope}/hook`, event_types: eventTypes, description: "ERP" }, key });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; secret: string; status: string };
}

/** Runs dispatch passes at `now` until nothing more is due then. */
/** Runs every shard's dispatcher pass until none has anything left: this file's stores are on both shards. */
async function drain(now: number) {
  for (const shard of await shardsInUse(env, Date.now() + CACHE_MS)) {
    for (let i = 0; i < 20; i++) {
      const r = await dispatchWebhooks(onShard(env, shard), { now });
      if (r.attempted === 0 && r.fannedOut === 0) break;
    }
  }
}

/** Each request verified with the published package; returns the payloads by webhook-id. */
function verifyAll(requests: Received[], secret: string) {
  const wh = new Webhook(secret);
  return requests.map((r) => ({
    id: r.headers["webhook-id"]!,
    payload: wh.verify(r.body, r.headers) as { type: string; timestamp: string; data: Record<string, any> },
    status: r.status,
  }));
}

function expectProblem(r: { status: number; headers: Headers; body: any }, status: number) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.headers.get("content-type")).toContain("application/problem+json");
}

let store: { id: string };
beforeAll(async () => {
  store = await createStore(unique("Hooked Tea"));
});

describe("subscribing", () => {
  it("shows the secret once: at creation and at rotation, never in reads, and sealed at rest", async () => {
    const scope = newReceiver();
    const sub = await subscribe(store.id, scope);
    expect(sub.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(sub).toMatchObject({ status: "active", store_id: store.id, event_types: ["order.*"], description: "ERP" });
    const one = await api(`/v1/webhook-subscriptions/${sub.id}`);
    expect(one.status).toBe(200);
    expect(one.body).not.toHaveProperty("secret");
    const list = await api(`/v1/webhook-subscriptions?store_id=${store.id}`);
    expect(list.body.data.map((s: { id: string }) => s.id)).toContain(sub.id);
    expect(JSON.stringify(list.body)).not.toContain(sub.secret);
    const stored = await (await dbOf({ id: sub.id })).prepare("SELECT secret FROM webhook_subscriptions WHERE id = ?").bind(sub.id).first<{ secret: string }>();
    expect(stored!.secret).not.toContain(sub.secret.slice(6));

    const rotated = await api(`/v1/webhook-subscriptions/${sub.id}/rotate-secret`, { method: "POST" });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(sub.secret);

    // For a day both secrets sign, so the receiver can switch without losing a delivery; then the new one alone.
    const o = await createOrder(store.id);
    await drain(Date.now());
    const mine = (await received(scope)).filter((r) => JSON.parse(r.body).data.order_id === o.id);
    expect(mine.length).toBeGreaterThan(0);
    expect(verifyAll(mine, rotated.body.secret)[0]!.payload.type).toBe("order.created");
    expect(verifyAll(mine, sub.secret)[0]!.payload.type).toBe("order.created");
    // A day later (the overlap's end moved back, as the dispatcher's own loop runs on the real clock).
    await (await dbOf({ id: sub.id }))
      .prepare("UPDATE webhook_subscriptions SET previous_secret_until = ? WHERE id = ?")
      .bind(Date.now() - 1, sub.id)
      .run();
    const later = await createOrder(store.id);
    await drain(Date.now());
    const next = (await received(scope)).filter((r) => JSON.parse(r.body).data.order_id === later.id);
    expect(next.length).toBeGreaterThan(0);
    expect(verifyAll(next, rotated.body.secret)[0]!.payload.data.order_id).toBe(later.id);
    expect(() => verifyAll(next, sub.secret)).toThrow();
    await api(`/v1/webhook-subscriptions/${sub.id}`, { method: "DELETE" });
  });

  it("replays a retried create without the secret", async () => {
    const body = { store_id: store.id, url: "https://erp.example.com/hook", event_types: ["stock.*"] };
    const key = unique("idem");
    const first = await api("/v1/webhook-subscriptions", { body, headers: { "idempotency-key": key } });
    expect(first.status).toBe(201);
    const again = await api("/v1/webhook-subscriptions", { body, headers: { "idempotency-key": key } });
    expect(again.body).toMatchObject({ id: first.body.id, secret: null });
    await api(`/v1/webhook-subscriptions/${first.body.id}`, { method: "DELETE" });
  });

  it("refuses bad input with problem+json and writes nothing", async () => {
    const before = await count("webhook_subscriptions");
    const good = { store_id: store.id, url: "https://erp.example.com/hook", event_types: ["order.*"] };
    for (const bad of [
      { ...good, url: "http://erp.example.com/hook" },
      { ...good, url: "https://user:pw@erp.example.com/hook" },
      { ...good, url: "ftp://erp.example.com" },
      { ...good, url: "not a url" },
      { ...good, event_types: [] },
      { ...good, event_types: ["orders"] },
      { ...good, event_types: ["order.shipped"] },
      { ...good, event_types: ["refund.*"] },
      { ...good, store_id: "st_nope" },
      { ...good, secret: "whsec_mine" },
      { url: good.url, event_types: good.event_types },
    ]) {
      const r = await api("/v1/webhook-subscriptions", { body: bad });
      expectProblem(r, 422);
      expect(r.body.errors.length).toBeGreaterThan(0);
    }
    expect(await count("webhook_subscriptions")).toBe(before);

    const sub = await subscribe(store.id, newReceiver(), ["stock.*"]);
    for (const bad of [{}, { status: "disabled" }, { url: "http://erp.example.com" }, { event_types: ["nope"] }]) {
      expectProblem(await api(`/v1/webhook-subscriptions/${sub.id}`, { method: "PATCH", body: bad }), 422);
    }
    expect((await api(`/v1/webhook-subscriptions/${sub.id}`)).body).toMatchObject({ status: "active", event_types: ["stock.*"] });
    expectProblem(await api(`/v1/webhook-subscriptions/${sub.id}/replay`, { body: { since: "yesterday" } }), 422);
    expectProblem(await api("/v1/webhook-subscriptions/whs_nope"), 404);
    expectProblem(await api("/v1/webhook-subscriptions/whs_nope/deliveries/msg_nope/replay", { method: "POST" }), 404);
    await api(`/v1/webhook-subscriptions/${sub.id}`, { method: "DELETE" });
    expectProblem(await api(`/v1/webhook-subscriptions/${sub.id}`), 404);
  });

  it("keeps a store's key to its own store's subscriptions, and everything to admins", async () => {
    const other = await createStore(unique("Other hooks"));
    const theirs = await subscribe(other.id, newReceiver(), ["stock.*"]);
    // Only admins manage webhooks; a store-scoped admin sees its own store only.
    const scoped = await createKey("admin", [store.id]);
    expectProblem(await api(`/v1/webhook-subscriptions/${theirs.id}`, { key: scoped }), 404);
    expect((await api("/v1/webhook-subscriptions", { key: scoped })).body.data.every((s: { store_id: string }) => s.store_id === store.id)).toBe(true);
    expectProblem(await api("/v1/webhook-subscriptions", { key: scoped, body: { store_id: other.id, url: "https://x.example/h", event_types: ["*"] } }), 403);
    expectProblem(await api(`/v1/webhook-subscriptions?store_id=${other.id}`, { key: scoped }), 403);
    expectProblem(await api(`/v1/webhook-subscriptions/${theirs.id}`, { key: scoped, method: "DELETE" }), 404);
    expect((await api(`/v1/webhook-subscriptions/${theirs.id}`)).status).toBe(200);

    for (const role of ["auditor", "warehouse", "logistics", "support", "analyst", "partner"]) {
      const key = await createKey(role, ["*"]);
      expectProblem(await api("/v1/webhook-subscriptions", { key }), 403);
      expectProblem(await api("/v1/webhook-subscriptions", { key, body: { store_id: store.id, url: "https://x.example/h", event_types: ["*"] } }), 403);
      expectProblem(await api("/v1/notices", { key }), 403);
    }
    expectProblem(await api("/v1/webhook-subscriptions", { key: await createKey("channel", [store.id]) }), 403);
    await api(`/v1/webhook-subscriptions/${theirs.id}`, { method: "DELETE" });
  });
});

describe("delivering", () => {
  it("reaches the receiver within seconds of the change, by the dispatcher alone", async () => {
    const scope = newReceiver();
    const sub = await subscribe(store.id, scope, ["order.created"]);
    const o = await createOrder(store.id);
    const started = Date.now();
    await vi.waitFor(
      async () => {
        const got = verifyAll(await received(scope), sub.secret);
        expect(got.map((g) => g.payload.data.order_id)).toContain(o.id);
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    await api(`/v1/webhook-subscriptions/${sub.id}`, { method: "DELETE" });
  });

  it("signs each event per Standard Webhooks with the order's version, and sends only the subscribed types of its store", async () => {
    const scope = newReceiver();
    const sub = await subscribe(store.id, scope, ["order.created", "order.status_changed"]);
    const other = await createStore(unique("Not mine"));
    const o = await createOrder(store.id);
    await createOrder(other.id);
    expect((await transition(o.id, "approve")).status).toBe(200);
    await drain(Date.now());
    const got = verifyAll(await received(scope), sub.secret);
    expect(got.map((g) => [g.payload.type, g.payload.data.order_id, g.payload.data.order_version, g.payload.data.status])).toEqual([
      ["order.created", o.id, 1, "received"],
      ["order.status_changed", o.id, 2, "approved"],
    ]);
    expect(got[0]!.payload.data.store_id).toBe(store.id);
    expect(got[0]!.payload.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(got[1]!.payload.data.event_seq).toBeGreaterThan(got[0]!.payload.data.event_seq);
    expect(new Set(got.map((g) => g.id)).size).toBe(2);
    for (const g of got) expect(g.id).toMatch(/^msg_/);

    const deliveries = (await api(`/v1/webhook-subscriptions/${sub.id}/deliveries`)).body.data;
    expect(deliveries.map((d: { status: string; attempts: number; last_status_code: number }) => [d.status, d.attempts, d.last_status_code])).toEqual([
      ["delivered", 1, 200],
      ["delivered", 1, 200],
    ]);
    const one = await api(`/v1/webhook-subscriptions/${sub.id}/deliveries/${deliveries[0].id}`);
    expect(one.body.attempts_log).toEqual([{ attempted_at: expect.any(String), status_code: 200, duration_ms: expect.any(Number), response_excerpt: '{"ok":true}', error: null }]);
    await api(`/v1/webhook-subscriptions/${sub.id}`, { method: "DELETE" });
  });

  it("a receiver down for an hour loses nothing: the same webhook-id is retried with backoff until it answers", async () => {
    const scope = newReceiver();
    await control(scope, "state", { status: 503 });
    const sub = await subscribe(store.id, scope);
    const orders: string[] = [];
    for (let i = 0; i < 3; i++) {
      const o = await createOrder(store.id);
      expect((await transition(o.id, "approve")).status).toBe(200);
      orders.push(o.id);
    }
    const t0 = Date.now();
    // An hour of the schedule, down: attempts at 0 s, 5 s, 5 min and 35 min all fail.
    for (const at of [0, 5_000, 5 * 60_000 + 5_000, 35 * 60_000 + 5_000, 60 * 60_000]) await drain(t0 + at + 1_000);
    const down = await received(scope);
    expect(down.length).toBeGreaterThanOrEqual(6 * 4);
    expect(down.every((r) => r.status === 503)).toBe(true);
    const pending = (await api(`/v1/webhook-subscriptions/${sub.id}/deliveries?status=pending`)).body.data;
    expect(pending.length).toBe(6);
    expect(pending.every((d: { attempts: number }) => d.attempts >= 4)).toBe(true);

    await control(scope, "state", { status: null });
    // The next attempt (2 h 35 min after the first) finds it up.
    await drain(t0 + 2 * 3_600_000 + 35 * 60_000 + 10_000);
    const all = verifyAll(await received(scope), sub.secret);
    const ok = all.filter((g) => g.status === 200);
    const byId = new Map(all.map((g) => [g.id, g.payload]));
    // Six events, each delivered, each under one webhook-id across all its attempts.
    expect(byId.size).toBe(6);
    expect(new Set(ok.map((g) => g.id)).size).toBe(6);
    for (const g of all) expect(g.payload).toEqual(byId.get(g.id));
    expect(new Set(ok.map((g) => g.payload.data.order_id))).toEqual(new Set(orders));
    expect((await api(`/v1/webhook-subscriptions/${sub.id}/deliveries?status=pending`)).body.data).toEqual([]);
    const log = (await api(`/v1/webhook-subscriptions/${sub.id}/deliveries/${ok[0]!.id}`)).body.attempts_log;
    expect(log.at(-1)).toMatchObject({ status_code: 200 });
    expect(log.filter((a: { status_code: number }) => a.status_code === 503).length).toBeGreaterThanOrEqual(4);
    expect((await api(`/v1/webhook-subscriptions/${sub.id}`)).body).toMatchObject({ status: "active", failing_since: null });
    await api(`/v1/webhook-subscriptions/${sub.id}`, { method: "DELETE" });
  });

  it("replays one delivery with its webhook-id, and every event since a time, older than the subscription included", async () => {
    const before = new Date().toISOString();
    const early = await createOrder(store.id);
    const scope = newReceiver();
    const sub = await subscribe(store.id, scope, ["order.created"]);
    const later = await createOrder(store.id);
    await drain(Date.now());
    let got = verifyAll(await received(scope), sub.secret);
    expect(got.map((g) => g.payload.data.order_id)).toEqual([later.id]);

    const replayed = await api(`/v1/webhook-subscriptions/${sub.id}/deliveries/${got[0]!.id}/replay`, { method: "POST" });
    expect(replayed.status).toBe(202);
    expect(replayed.body).toMatchObject({ id: got[0]!.id, status: "pending", attempts: 0 });
    await drain(Date.now());
    got = verifyAll(await received(scope), sub.secret);
    expect(got.map((g) => g.id)).toEqual([got[0]!.id, got[0]!.id]);

    const since = await api(`/v1/webhook-subscriptions/${sub.id}/replay`, { body: { since: before } });
    expect(since.status).toBe(202);
    expect(since.body.queued).toBeGreaterThanOrEqual(2);
    await drain(Date.now());
    const ids = verifyAll(await received(scope), sub.secret).map((g) => g.payload.data.order_id);
    expect(ids).toContain(early.id);
    expect(ids.filter((id) => id === later.id).length).toBe(3);
    await api(`/v1/webhook-subscriptions/${sub.id}`, { method: "DELETE" });
  });

  it("disables a subscription whose every attempt failed for a day, tells the merchant, and sends what waited once it is enabled again", async () => {
    const shop = await createStore(unique("Failing hooks"));
    const scope = newReceiver();
    await control(scope, "state", { status: 500 });
    const sub = await subscribe(shop.id, scope, ["order.created"]);
    const o = await createOrder(shop.id);
    const t0 = Date.now();
    let at = t0;
    await drain(at);
    for (const delay of RETRY_DELAYS_MS) {
      at += delay + 1_000;
      await drain(at);
    }
    expect(at - t0).toBeGreaterThan(DISABLE_AFTER_MS);
    const state = (await api(`/v1/webhook-subscriptions/${sub.id}`)).body;
    expect(state).toMatchObject({ status: "disabled", disabled_reason: "every delivery attempt failed for 24 hours" });
    const [delivery] = (await api(`/v1/webhook-subscriptions/${sub.id}/deliveries`)).body.data;
    expect(delivery).toMatchObject({ status: "failed", next_attempt_at: null, last_status_code: 500 });
    expect(delivery.attempts).toBeGreaterThanOrEqual(RETRY_DELAYS_MS.length + 1);
    const log = (await api(`/v1/webhook-subscriptions/${sub.id}/deliveries/${delivery.id}`)).body.attempts_log;
    expect(log.length).toBe(delivery.attempts);
    expect(log.every((a: { status_code: number }) => a.status_code === 500)).toBe(true);

    const notices = (await api(`/v1/notices?store_id=${shop.id}`)).body.data;
    expect(notices).toEqual([
      {
        id: expect.stringMatching(/^ntc_/),
        store_id: shop.id,
        kind: "webhook_subscription_disabled",
        resource_id: sub.id,
        message: expect.stringContaining(sub.id),
        created_at: expect.any(String),
      },
    ]);

    // Disabled: a new event waits and nothing is sent.
    const waiting = await createOrder(shop.id);
    const sentBefore = (await received(scope)).length;
    await drain(at + 60_000);
    expect((await received(scope)).length).toBe(sentBefore);

    await control(scope, "state", { status: null });
    const enabled = await api(`/v1/webhook-subscriptions/${sub.id}`, { method: "PATCH", body: { status: "active" } });
    expect(enabled.body).toMatchObject({ status: "active", disabled_at: null, failing_since: null });
    await drain(at + 120_000);
    const delivered = verifyAll(await received(scope), sub.secret).filter((g) => g.status === 200);
    expect(delivered.map((g) => g.payload.data.order_id)).toEqual([waiting.id]);
    // The failed one goes again on replay.
    await api(`/v1/webhook-subscriptions/${sub.id}/deliveries/${delivery.id}/replay`, { method: "POST" });
    await drain(at + 180_000);
    const after = verifyAll(await received(scope), sub.secret).filter((g) => g.status === 200);
    expect(after.map((g) => g.payload.data.order_id)).toEqual([waiting.id, o.id]);
    expect(await count("merchant_notices", "resource_id = ?", sub.id)).toBe(1);
    await api(`/v1/webhook-subscriptions/${sub.id}`, { method: "DELETE" });
  });
});
