/**
 * Reconciliation against the stand-in Shopify: only missing or stale orders
 * are taken in, paging goes to the end, a rate limit mid-run parks the run
 * and the next step resumes from the saved cursor, and every run reports
 * what it did. The take-in is injected here (its own tests are the intake's);
 * the platform, the network, D1 and the queue are real.
 */
import { and, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import type { PlatformConnection, PlatformOrder } from "../src/channels/platforms/platform";
import { type Identify, reconcileChannels, type TakeIn, workRun } from "../src/channels/reconcile";
import { requestBackfill } from "../src/channels/reconcile-backfill";
import { database } from "../src/db/client";
import { channelOrders, channelSyncRuns, channelSyncState } from "../src/db/schema";
import { insertConnection, linkOrder, shopifyOrder, standInShop } from "./channel-sync-helpers";
import { ADMIN, api, createKey, createStore, unique } from "./helpers";
import { envOf } from "./shard-helpers";

const raw = (o: PlatformOrder) => o.raw as { id: number | string; updated_at: string };
const identify: Identify = (_adapter, o) => ({ externalId: String(raw(o).id), updatedAt: Date.parse(raw(o).updated_at) });

/** A take-in that records what it was given and links the order as the real one would. */
function recordingTakeIn(connectionId: string) {
  const taken: string[] = [];
  const takeIn: TakeIn = async (e, connection: PlatformConnection, order) => {
    if (connection.id !== connectionId) return { outcome: "unchanged", orderId: null };
    const id = String(raw(order).id);
    const at = Date.parse(raw(order).updated_at);
    taken.push(id);
    const db = database(e);
    const had = await db
      .select()
      .from(channelOrders)
      .where(and(eq(channelOrders.connectionId, connectionId), eq(channelOrders.externalId, id)))
      .get();
    if (had) {
      await db
        .update(channelOrders)
        .set({ platformUpdatedAt: at })
        .where(and(eq(channelOrders.connectionId, connectionId), eq(channelOrders.externalId, id)));
      return { outcome: "updated", orderId: had.orderId };
    }
    await linkOrder({ connectionId, storeId: connection.storeId, orderId: unique("ord_fake"), externalId: id, platformUpdatedAt: at });
    return { outcome: "created", orderId: null };
  };
  return { taken, takeIn };
}

async function setup(options: { pageSize?: number } = {}) {
  const shop = standInShop();
  const store = await createStore();
  const c = await insertConnection(store.id, { apiBaseUrl: shop.apiBaseUrl, createdAt: Date.parse("2026-11-01T00:00:00Z") });
  if (options.pageSize) await shop.set({ page_size: options.pageSize });
  // The env on the store's shard, as the Worker's entry points (the cron, the channels queue) hand it to this work.
  const env = await envOf({ store: store.id });
  return { shop, store, env, ...c, ...recordingTakeIn(c.row.id) };
}

const NOV = { from: Date.parse("2026-11-01T00:00:00Z"), to: Date.parse("2026-11-02T00:00:00Z") };
const at = (minute: number) => new Date(NOV.from + minute * 60_000).toISOString();

describe("reconciliation", () => {
  it("takes in only the orders that are missing or stale, and reports the rest as unchanged", async () => {
    const s = await setup();
    const orders = [shopifyOrder("101", at(1)), shopifyOrder("102", at(2)), shopifyOrder("103", at(3)), shopifyOrder("104", at(4))];
    await s.shop.set({ orders });
    const link = (id: string, updatedAt: number) =>
      linkOrder({ connectionId: s.row.id, storeId: s.store.id, orderId: unique("ord_fake"), externalId: id, platformUpdatedAt: updatedAt });
    await link("102", Date.parse(at(2))); // as we have it
    await link("103", Date.parse(at(1))); // we missed its last update
    await link("104", Date.parse(at(9))); // a webhook brought a newer state than the page shows
    const { run } = await requestBackfill(s.env, { connection: s.row, from: NOV.from, to: NOV.to, actor: "test" });
    const done = await workRun(s.env, run.id, { takeIn: s.takeIn, identify });
    expect(s.taken.sort()).toEqual(["101", "103"]);
    expect(done).toMatchObject({ status: "done", pages: 1, seen: 4, created: 1, updated: 1, unchanged: 2, skipped: 0, errors: 0, cursor: null });
    expect(done!.finishedAt).not.toBeNull();
    expect(done!.startedAt).not.toBeNull();
  });

  it("pages to the end, and after a 429 mid-run resumes from the saved cursor, taking nothing twice", async () => {
    const s = await setup({ pageSize: 2 });
    const orders = Array.from({ length: 5 }, (_, i) => shopifyOrder(String(200 + i), at(i + 1)));
    await s.shop.set({ orders });
    const { run } = await requestBackfill(s.env, { connection: s.row, from: NOV.from, to: NOV.to, actor: "test" });
    const opts = { takeIn: s.takeIn, identify, pagesPerStep: 1 };

    const first = await workRun(s.env, run.id, opts);
    expect(first).toMatchObject({ status: "running", pages: 1, seen: 2 });
    expect(first!.cursor).toBeTruthy();

    await s.shop.set({ fail: [{ status: 429, retry_after: "3.0" }] });
    const limited = await workRun(s.env, run.id, opts);
    expect(limited).toMatchObject({ status: "waiting", pages: 1, cursor: first!.cursor });
    expect(limited!.resumeAt! - Date.now()).toBeGreaterThan(1000);
    // Parked: a step before the platform's Retry-After does nothing.
    expect(await workRun(s.env, run.id, opts)).toBeNull();

    const later = { ...opts, pagesPerStep: 10, now: limited!.resumeAt! + 1 };
    const done = await workRun(s.env, run.id, later);
    expect(done).toMatchObject({ status: "done", pages: 3, seen: 5, created: 5, errors: 0 });
    expect(s.taken).toEqual(orders.map((o) => String(o.id)));

    const listCalls = (await s.shop.requests()).filter((r) => r.path.endsWith("/orders.json"));
    expect(listCalls.map((r) => r.status)).toEqual([200, 429, 200, 200]);
    // The call after the 429 asks for the same page the 429 refused.
    expect(listCalls[2]!.query.page_info).toBe(listCalls[1]!.query.page_info);
    expect(listCalls[1]!.query.page_info).toBeTruthy();
  });

  it("parks a run while the platform is down and fails it when the platform refuses us, saying why", async () => {
    const s = await setup();
    await s.shop.set({ orders: [shopifyOrder("301", at(1))], fail: [{ status: 503 }] });
    const { run } = await requestBackfill(s.env, { connection: s.row, from: NOV.from, to: NOV.to, actor: "test" });
    const down = await workRun(s.env, run.id, { takeIn: s.takeIn, identify });
    expect(down).toMatchObject({ status: "waiting", errors: 1 });
    expect(down!.errorLog[0]!.message).toContain("503");
    await s.shop.set({ access_token: "rotated" });
    const refused = await workRun(s.env, run.id, { takeIn: s.takeIn, identify, now: down!.resumeAt! + 1 });
    expect(refused).toMatchObject({ status: "failed", errors: 2 });
    expect(refused!.errorLog[1]!.message).toContain("401");
    expect(s.taken).toEqual([]);
  });

  it("counts an order that fails to take in as an error and goes on with the others", async () => {
    const s = await setup();
    await s.shop.set({ orders: [shopifyOrder("401", at(1)), shopifyOrder("402", at(2))] });
    const { run } = await requestBackfill(s.env, { connection: s.row, from: NOV.from, to: NOV.to, actor: "test" });
    const takeIn: TakeIn = async (e, c, o, opts) => {
      if (String(raw(o).id) === "401") throw new Error("no such SKU");
      return s.takeIn(e, c, o, opts);
    };
    const done = await workRun(s.env, run.id, { takeIn, identify });
    expect(done).toMatchObject({ status: "done", seen: 2, created: 1, errors: 1 });
    expect(done!.errorLog).toEqual([expect.objectContaining({ externalId: "401", message: "no such SKU" })]);
  });

  it("the cron opens a run per connection from its watermark, moves the watermark when the run completes, and starts the next one from there", async () => {
    const s = await setup();
    // Changed a minute before the first run's end: the next run's overlap sees it again.
    await s.shop.set({ orders: [shopifyOrder("501", new Date(NOV.to - 60_000).toISOString())] });
    const now = NOV.to;
    await reconcileChannels(s.env, { takeIn: s.takeIn, identify, now });
    const runs = await database(s.env).select().from(channelSyncRuns).where(eq(channelSyncRuns.connectionId, s.row.id)).all();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ kind: "scheduled", status: "done", created: 1, windowUntil: now });
    expect(runs[0]!.windowFrom).toBeLessThan(s.row.createdAt);
    const state = await database(s.env).select().from(channelSyncState).where(eq(channelSyncState.connectionId, s.row.id)).get();
    expect(state?.watermark).toBe(now);

    await reconcileChannels(s.env, { takeIn: s.takeIn, identify, now: now + 300_000 });
    const next = await database(s.env).select().from(channelSyncRuns).where(eq(channelSyncRuns.connectionId, s.row.id)).orderBy(channelSyncRuns.id).all();
    expect(next).toHaveLength(2);
    // The overlap looks at the order again; it is unchanged, so it is not taken twice.
    expect(next[1]).toMatchObject({ status: "done", windowUntil: now + 300_000, seen: 1, unchanged: 1, created: 0 });
    expect(next[1]!.windowFrom).toBeLessThan(now);
    expect(s.taken).toEqual(["501"]);
  });
});

describe("the backfill and sync-run routes", () => {
  it("queues a backfill (202) that the channels queue works, and lists its report", async () => {
    const s = await setup();
    await s.shop.set({ orders: [] });
    const r = await api(`/v1/channel-connections/${s.row.id}/backfills`, { body: { from: "2026-11-01T00:00:00Z", to: "2026-11-02T00:00:00+00:00" } });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect(r.body).toMatchObject({ kind: "backfill", status: "queued", connection_id: s.row.id, window: { from: "2026-11-01T00:00:00.000Z", to: "2026-11-02T00:00:00.000Z" } });
    await vi.waitFor(
      async () => {
        const list = await api(`/v1/channel-connections/${s.row.id}/sync-runs`);
        expect(list.status).toBe(200);
        expect(list.body.data[0]).toMatchObject({ id: r.body.id, status: "done", pages: 1, seen: 0, errors: 0 });
        expect(list.body.data[0].finished_at).toBeTruthy();
      },
      { timeout: 10_000, interval: 100 },
    );
    expect((await s.shop.requests()).map((q) => q.path)).toEqual(["/admin/api/2025-07/orders.json"]);
  });

  it("refuses a bad range or body with problem+json and writes nothing", async () => {
    const s = await setup();
    const bodies = [
      { from: "2026-11-02T00:00:00Z", to: "2026-11-01T00:00:00Z" },
      { from: "2026-11-01T00:00:00Z" },
      { from: "yesterday", to: "2026-11-01T00:00:00Z" },
      { from: "2020-01-01T00:00:00Z", to: "2026-11-01T00:00:00Z" },
      { from: "2026-11-01T00:00:00Z", to: "2026-11-02T00:00:00Z", extra: 1 },
    ];
    for (const body of bodies) {
      const r = await api(`/v1/channel-connections/${s.row.id}/backfills`, { body });
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
      expect(r.body.errors.length).toBeGreaterThan(0);
    }
    const notJson = await api(`/v1/channel-connections/${s.row.id}/backfills`, { body: "{", headers: { "content-type": "application/json" } });
    expect(notJson.status).toBe(400);
    expect(notJson.headers.get("content-type")).toBe("application/problem+json");
    expect((await api(`/v1/channel-connections/${s.row.id}/sync-runs`)).body.data).toEqual([]);
  });

  it("is for those who manage channels; others may read or are refused; another store's connection is not found", async () => {
    const s = await setup();
    const other = await createStore();
    const body = { from: "2026-11-01T00:00:00Z", to: "2026-11-02T00:00:00Z" };
    const post = (key: string) => api(`/v1/channel-connections/${s.row.id}/backfills`, { body, key });
    const get = (key: string) => api(`/v1/channel-connections/${s.row.id}/sync-runs`, { key });

    for (const role of ["support", "analyst", "warehouse", "auditor"]) {
      const key = await createKey(role, [s.store.id]);
      const r = await post(key);
      expect(r.status, role).toBe(403);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
    }
    expect((await get(await createKey("support", [s.store.id]))).status).toBe(200);
    expect((await get(await createKey("warehouse", [s.store.id]))).status).toBe(403);

    const otherAdmin = await createKey("admin", [other.id]);
    expect((await post(otherAdmin)).status).toBe(404);
    expect((await get(otherAdmin)).status).toBe(404);
    expect((await api("/v1/channel-connections/chn_nope/sync-runs")).status).toBe(404);
    expect((await api(`/v1/channel-connections/${s.row.id}/sync-runs`, { key: ADMIN })).body.data).toEqual([]);

    const paused = await insertConnection(s.store.id, { apiBaseUrl: s.shop.apiBaseUrl, status: "paused" });
    const r = await api(`/v1/channel-connections/${paused.row.id}/backfills`, { body });
    expect(r.status).toBe(409);
    expect((await api(`/v1/channel-connections/${paused.row.id}/sync-runs`)).body.data).toEqual([]);
  });

  it("lists runs newest first, a page at a time", async () => {
    const s = await setup();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await requestBackfill(s.env, { connection: s.row, from: NOV.from, to: NOV.to, actor: "test", now: Date.now() + i })).run.id);
    const first = await api(`/v1/channel-connections/${s.row.id}/sync-runs?limit=2`);
    expect(first.body.data.map((r: any) => r.id)).toEqual([ids[2], ids[1]]);
    const second = await api(`/v1/channel-connections/${s.row.id}/sync-runs?limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body).toMatchObject({ data: [{ id: ids[0] }], next_cursor: null });
    const bad = await api(`/v1/channel-connections/${s.row.id}/sync-runs?cursor=nonsense`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toBe("application/problem+json");
    expect((await api(`/v1/channel-connections/${s.row.id}/sync-runs?limit=0`)).status).toBe(400);
  });
});
