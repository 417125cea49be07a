/**
 * Service orders: each service line becomes a task for the service team on
 * approval; assigning one processes a service-only order, and finishing the
 * last one delivers it. Cancelling the order cancels its open tasks.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, createKey, createOrder, createProduct, createStore, transition } from "./helpers";
import { line, waitFor } from "./processing-helpers";

let store: { id: string };
beforeAll(async () => {
  store = await createStore();
  await createProduct(store.id, "INSTALL", { type: "service" });
  await createProduct(store.id, "TRAIN", { type: "service" });
  await createProduct(store.id, "KETTLE", { type: "goods" });
});

const move = (id: string, body: Record<string, unknown>, headers: Record<string, string> = {}, key?: string) =>
  api(`/v1/service-tasks/${id}/transitions`, { body, headers, ...(key ? { key } : {}) });

async function tasksOf(orderId: string, expected: number) {
  let tasks: any[] = [];
  await waitFor(async () => {
    tasks = (await api(`/v1/service-tasks?order_id=${orderId}`)).body.data;
    expect(tasks).toHaveLength(expected);
  });
  return tasks.sort((a, b) => a.line_no - b.line_no);
}

const status = async (orderId: string) => (await api(`/v1/orders/${orderId}`)).body.status;

describe("a service-only order", () => {
  it("becomes a task on approval; assigning processes the order, completing delivers it", async () => {
    const o = await createOrder(store.id, { lines: [line("INSTALL", 1, "50.00")] });
    await transition(o.id, "approve");
    const [task] = await tasksOf(o.id, 1);
    expect(task).toMatchObject({ sku: "INSTALL", status: "open", assignee: null, version: 1, allowed_events: ["assign", "cancel"] });
    expect(await status(o.id)).toBe("approved");

    const assigned = await move(task.id, { event: "assign", assignee: "tech:maria" }, { "if-match": '"1"' });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ status: "assigned", assignee: "tech:maria", version: 2 });
    expect(assigned.headers.get("etag")).toBe('"2"');
    expect(await status(o.id)).toBe("processing");

    expect((await move(task.id, { event: "start" })).body.status).toBe("in_progress");
    const done = await move(task.id, { event: "complete", note: "installed and tested" });
    expect(done.body).toMatchObject({ status: "done", note: "installed and tested", allowed_events: [] });
    expect(done.body.done_at).not.toBeNull();
    expect(await status(o.id)).toBe("delivered");
    const events = (await api(`/v1/orders/${o.id}/events`)).body.data.map((e: any) => [e.type, e.reason]);
    expect(events).toEqual([
      ["received", null],
      ["approve", null],
      ["process", "service task assigned"],
      ["deliver", "service performed"],
    ]);
  });

  it("with two tasks, the order is delivered only when every task not cancelled is done", async () => {
    const o = await createOrder(store.id, { lines: [line("INSTALL", 1), line("TRAIN", 2)] });
    await transition(o.id, "approve");
    const [a, b] = await tasksOf(o.id, 2);
    await move(a.id, { event: "assign", assignee: "tech:ken" });
    await move(a.id, { event: "start" });
    await move(a.id, { event: "complete" });
    expect(await status(o.id)).toBe("processing");
    // Reassigning, then unassigning, then cancelling the second task.
    await move(b.id, { event: "assign", assignee: "tech:ken" });
    expect((await move(b.id, { event: "assign", assignee: "tech:ada" })).body.assignee).toBe("tech:ada");
    expect((await move(b.id, { event: "unassign" })).body).toMatchObject({ status: "open", assignee: null });
    expect(await status(o.id)).toBe("processing");
    // The other task is done; cancelling this one leaves nothing undone.
    expect((await move(b.id, { event: "cancel", note: "customer declined training" })).body.status).toBe("cancelled");
    expect(await status(o.id)).toBe("delivered");
    expect((await move(a.id, { event: "complete" })).status).toBe(409);
  });
});

describe("orders with goods and services", () => {
  it("get tasks too, but are processed by allocation and delivered by shipping, not by their tasks", async () => {
    const o = await createOrder(store.id, { lines: [line("KETTLE", 1), line("INSTALL", 1)] });
    await transition(o.id, "approve");
    const [task] = await tasksOf(o.id, 1);
    for (const event of ["assign", "start", "complete"]) {
      expect((await move(task.id, { event, ...(event === "assign" ? { assignee: "tech:x" } : {}) })).status).toBe(200);
    }
    // No stock anywhere for KETTLE in this store's warehouses: the order waits, approved.
    expect(await status(o.id)).toBe("approved");
  });
});

describe("refusals", () => {
  it("bad bodies are 422, illegal moves 409 with the allowed events, stale versions 412", async () => {
    const o = await createOrder(store.id, { lines: [line("INSTALL", 1)] });
    await transition(o.id, "approve");
    const [task] = await tasksOf(o.id, 1);
    for (const body of [{ event: "assign" }, { event: "teleport" }, { event: "start", assignee: "x" }, {}, { event: "assign", assignee: "" }]) {
      const r = await move(task.id, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
    }
    const illegal = await move(task.id, { event: "complete" });
    expect(illegal.status).toBe(409);
    expect(illegal.body).toMatchObject({ code: "illegal_transition", task_status: "open", allowed_events: ["assign", "cancel"] });
    const stale = await move(task.id, { event: "assign", assignee: "x" }, { "if-match": '"7"' });
    expect(stale.status).toBe(412);
    expect(stale.body.current_version).toBe(1);
    expect((await move(task.id, { event: "assign", assignee: "x" }, { "if-match": "soon" })).status).toBe(400);
    expect((await api(`/v1/service-tasks/${task.id}`)).body).toMatchObject({ status: "open", version: 1 });
    expect((await move("svc_00000000000000000000000000", { event: "cancel" })).status).toBe(404);
    expect((await move("nope", { event: "cancel" })).status).toBe(400);
    expect((await api("/v1/service-tasks/svc_00000000000000000000000000")).status).toBe(404);
    expect((await api("/v1/service-tasks/nope")).status).toBe(400);
    expect((await api("/v1/service-tasks?status=lost")).status).toBe(400);
    expect((await api(`/v1/service-tasks?cursor=${btoa("ord_1")}`)).status).toBe(400);
  });

  it("work cannot start on an order on hold; cancelling the order cancels its tasks", async () => {
    const o = await createOrder(store.id, { lines: [line("INSTALL", 1)] });
    await transition(o.id, "approve");
    const [task] = await tasksOf(o.id, 1);
    await transition(o.id, "hold", { reason: "address unclear" });
    const r = await move(task.id, { event: "assign", assignee: "tech:x" });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: "order_not_ready", order_status: "on_hold" });
    await transition(o.id, "cancel", { reason: "customer cancelled" });
    await waitFor(async () => expect((await api(`/v1/service-tasks/${task.id}`)).body.status).toBe("cancelled"));
  });

  it("another store's tasks are not found", async () => {
    const o = await createOrder(store.id, { lines: [line("INSTALL", 1)] });
    await transition(o.id, "approve");
    const [task] = await tasksOf(o.id, 1);
    const other = await createStore();
    const key = await createKey("support", [other.id]);
    expect((await api(`/v1/service-tasks/${task.id}`, { key })).status).toBe(404);
    expect((await move(task.id, { event: "cancel" }, {}, key)).status).toBe(404);
    expect((await api(`/v1/service-tasks?order_id=${o.id}`, { key })).body.data).toEqual([]);
    const mine = await createKey("support", [store.id]);
    expect((await api(`/v1/service-tasks/${task.id}`, { key: mine })).status).toBe(200);
  });
});
