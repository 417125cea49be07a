/**
 * Races on one order. The order's Durable Object serializes transitions and
 * the version guard backs it up in D1: whatever arrives at once, exactly one
 * change wins per version, and the event log stays gapless and agrees with
 * the order row.
 */
import { env } from "./shard-env";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createOrder, createStore, transition } from "./helpers";

let store: { id: string };
beforeAll(async () => {
  store = await createStore();
});

async function eventLog(orderId: string) {
  const rows = await env.DB.prepare("SELECT seq, type, from_status, to_status FROM order_events WHERE order_id = ? ORDER BY seq")
    .bind(orderId)
    .all<{ seq: number; type: string; from_status: string | null; to_status: string }>();
  return rows.results;
}

function expectConsistent(log: Awaited<ReturnType<typeof eventLog>>, final: { status: string; version: number }) {
  expect(log.map((e) => e.seq)).toEqual(Array.from({ length: log.length }, (_, i) => i + 1));
  for (let i = 1; i < log.length; i++) expect(log[i]!.from_status).toBe(log[i - 1]!.to_status);
  expect(log.at(-1)!.to_status).toBe(final.status);
  expect(log.length).toBe(final.version);
}

describe("concurrent transitions on one order", () => {
  it("cancel and ship at the same moment: one wins, the other gets a clear 409", async () => {
    const order = await createOrder(store.id);
    await transition(order.id, "approve");
    await transition(order.id, "process");
    const [cancel, ship] = await Promise.all([transition(order.id, "cancel", { reason: "customer changed mind" }), transition(order.id, "fulfil_externally")]);
    const statuses = [cancel.status, ship.status].sort();
    expect(statuses).toEqual([200, 409]);
    const loser = cancel.status === 409 ? cancel : ship;
    expect(loser.body.code).toBe("illegal_transition");
    const final = (await api(`/v1/orders/${order.id}`)).body;
    expect(["cancelled", "shipped"]).toContain(final.status);
    expectConsistent(await eventLog(order.id), final);
  });

  it("24 conflicting transitions guarded by the same If-Match: exactly one winner, the rest 412", async () => {
    const order = await createOrder(store.id);
    const events = ["approve", "hold", "reject", "cancel"];
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => transition(order.id, events[i % 4]!, { reason: "race", ifMatch: '"1"' })));
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status === 412)).toHaveLength(23);
    const final = (await api(`/v1/orders/${order.id}`)).body;
    expect(final.version).toBe(2);
    expect(final.status).toBe(winners[0]!.body.status);
    expectConsistent(await eventLog(order.id), final);
  });

  it("30 unguarded hold/approve requests at once: each applies or is refused, none is lost or doubled", async () => {
    const order = await createOrder(store.id);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => transition(order.id, i % 2 ? "approve" : "hold", { reason: "race" })));
    const applied = results.filter((r) => r.status === 200);
    expect(results.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    // Every applied change got its own version: no two winners for one version.
    const versions = applied.map((r) => r.body.version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: applied.length }, (_, i) => i + 2));
    const final = (await api(`/v1/orders/${order.id}`)).body;
    expect(final.version).toBe(1 + applied.length);
    expectConsistent(await eventLog(order.id), final);
  });

  it("a stale writer that bypasses the object is refused by D1 and changes nothing", async () => {
    // Simulates a second writer holding version 1 after the object moved the order on.
    const order = await createOrder(store.id);
    await transition(order.id, "approve");
    const stale = env.DB.batch([
      env.DB.prepare(
        "INSERT INTO order_events (id, order_id, seq, type, from_status, to_status, actor, created_at) VALUES ('evt_stale', ?, 2, 'hold', 'received', 'on_hold', 'ghost', 0)",
      ).bind(order.id),
      env.DB.prepare("UPDATE orders SET status = 'on_hold', version = 2 WHERE id = ? AND version = 1").bind(order.id),
    ]);
    await expect(stale).rejects.toThrow(/UNIQUE constraint failed/);
    const final = (await api(`/v1/orders/${order.id}`)).body;
    expect(final).toMatchObject({ status: "approved", version: 2 });
    expectConsistent(await eventLog(order.id), final);
  });
});
