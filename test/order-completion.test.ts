/**
 * Stage 5: a delivered order completes by itself after the store's window
 * (the order object's alarm), or sooner when the customer confirms receipt;
 * old completed and cancelled orders are archived by a cron.
 */
import { createExecutionContext, createScheduledController, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "./shard-env";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../src/index";
import { api, createOrder, createStore, transition, unique } from "./helpers";
import { mintLink, openLink } from "./customer-visit";

let store: { id: string };
beforeAll(async () => {
  store = await createStore(unique("completing"));
  await api(`/v1/stores/${store.id}`, { method: "PATCH", body: { complete_after_days: 3, archive_after_days: 10 } });
});

async function delivered() {
  const o = await createOrder(store.id);
  for (const e of ["approve", "process", "fulfil_externally", "deliver"]) expect((await transition(o.id, e)).status).toBe(200);
  return (await api(`/v1/orders/${o.id}`)).body;
}

const stubOf = (id: string) => env.ORDER.get(env.ORDER.idFromName(id));

describe("completion", () => {
  it("delivery sets the order's alarm to the store's window; when it fires, the order completes", async () => {
    const o = await delivered();
    const stub = stubOf(o.id);
    const completeAt = await runInDurableObject(stub, (_i, state) => state.storage.get<number>("completeAt"));
    expect(completeAt).toBe(Date.parse(o.delivered_at) + 3 * 86_400_000);
    expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).toBe(completeAt);

    // Not due yet: the alarm runs and leaves the order alone.
    await runInDurableObject(stub, (_i, state) => state.storage.setAlarm(Date.now()));
    await runDurableObjectAlarm(stub);
    expect((await api(`/v1/orders/${o.id}`)).body.status).toBe("delivered");

    await runInDurableObject(stub, async (_i, state) => {
      await state.storage.put("completeAt", Date.now() - 1);
      await state.storage.setAlarm(Date.now());
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const done = (await api(`/v1/orders/${o.id}`)).body;
    expect(done.status).toBe("completed");
    const last = (await api(`/v1/orders/${o.id}/events`)).body.data.at(-1);
    expect(last).toMatchObject({ type: "complete", actor: "system:timer", reason: "completed automatically after delivery" });
    expect(await runInDurableObject(stub, (_i, state) => state.storage.get("completeAt"))).toBeUndefined();

    // An alarm that fires twice completes once.
    await runInDurableObject(stub, async (_i, state) => {
      await state.storage.put("completeAt", Date.now() - 1);
      await state.storage.setAlarm(Date.now());
    });
    await runDurableObjectAlarm(stub);
    expect((await api(`/v1/orders/${o.id}/events`)).body.data.filter((e: any) => e.type === "complete")).toHaveLength(1);
  });

  it("completing by hand first clears the timer", async () => {
    const o = await delivered();
    expect((await transition(o.id, "complete")).status).toBe(200);
    expect(await runInDurableObject(stubOf(o.id), (_i, state) => state.storage.get("completeAt"))).toBeUndefined();
  });

  it("the customer confirms receipt on the order page", async () => {
    const o = await delivered();
    const visit = await openLink(await mintLink(o.id));
    const page = await visit.get();
    expect(page.body).toContain(`action="${visit.base}/received"`);
    const r = await visit.post("/received", { version: String(o.version) });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe(`${visit.base}?done=received`);
    expect((await api(`/v1/orders/${o.id}`)).body.status).toBe("completed");
    expect((await api(`/v1/orders/${o.id}/events`)).body.data.at(-1)).toMatchObject({ type: "complete", actor: "customer" });
    // A second press is told the order moved on.
    const again = await visit.post("/received", { version: String(o.version) });
    expect(again.headers.get("location")).toBe(`${visit.base}?done=conflict`);
  });
});

describe("archive", () => {
  it("archives completed and cancelled orders past the store's window, leaves the rest, and keeps them readable", async () => {
    const old = await delivered();
    await transition(old.id, "complete");
    const cancelled = await createOrder(store.id);
    await transition(cancelled.id, "cancel", { reason: "x" });
    const open = await createOrder(store.id);
    const recent = await delivered();
    await transition(recent.id, "complete");
    // Age two of them past the 10-day window.
    const past = Date.now() - 11 * 86_400_000;
    await env.DB.prepare("UPDATE orders SET completed_at = ?, cancelled_at = ? WHERE id IN (?, ?)").bind(past, past, old.id, cancelled.id).run();

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "30 3 * * *", scheduledTime: Date.now() }), env, ctx);
    const archived = async (id: string) => (await api(`/v1/orders/${id}`)).body.archived_at;
    expect(await archived(old.id)).not.toBeNull();
    expect(await archived(cancelled.id)).not.toBeNull();
    expect(await archived(open.id)).toBeNull();
    expect(await archived(recent.id)).toBeNull();

    const working = (await api(`/v1/orders?store_id=${store.id}&limit=200`)).body.data.map((x: any) => x.id);
    expect(working).not.toContain(old.id);
    expect(working).toContain(open.id);
    const all = (await api(`/v1/orders?store_id=${store.id}&limit=200&include_archived=true`)).body.data.map((x: any) => x.id);
    expect(all).toEqual(expect.arrayContaining([old.id, cancelled.id]));
    // Frozen: nothing applies to an archived order.
    expect((await api(`/v1/orders/${old.id}`, { method: "PATCH", body: { note: "late" } })).status).toBe(409);
    expect((await transition(old.id, "cancel", { reason: "x" })).status).toBe(409);
  });
});
