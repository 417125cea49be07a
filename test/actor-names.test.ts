/**
 * Where people read who did something, the actor is named: order timelines,
 * stock movements, warehouse changes, the floor's work log, and the staff
 * and floor reports, which count each person apart under their first
 * position.
 */
import { describe, expect, it } from "vitest";
import { localDay } from "../src/analytics/time-zones";
import { api, createKey, createOrder, createStore, transition, unique } from "./helpers";
import { csvObjects } from "./csv-parse";
import { floorShipment, stockedWarehouse } from "./processing-helpers";
import { caughtUp } from "./rollup-fixtures";
import { asPerson, createUser, sessionFor } from "./staff-helpers";

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

describe("actor names", () => {
  it("names the people, keys and the bootstrap key on an order's timeline", async () => {
    const store = await createStore();
    const order = await createOrder(store.id);
    const ada = await createUser({ positions: ["auditor"], displayName: unique("Ada") });
    expect((await asPerson(await sessionFor(ada.id), `/v1/orders/${order.id}/transitions`, { body: { event: "hold", reason: "check" } })).status).toBe(200);
    const keyR = await api("/v1/api-keys", { body: { name: unique("Audit bot"), role: "auditor", store_ids: [store.id] } });
    expect((await transition(order.id, "approve", { key: keyR.body.key })).status).toBe(200);
    const r = await api(`/v1/orders/${order.id}/events`);
    expect(r.status).toBe(200);
    expect(r.body.data.map((e: any) => [e.actor, e.actor_kind, e.actor_name])).toEqual([
      ["bootstrap", "key", "bootstrap admin key"],
      [ada.id, "user", ada.displayName],
      [keyR.body.id, "key", keyR.body.name],
    ]);
  });

  it("names who moved stock and who changed the warehouse", async () => {
    const wh = await stockedWarehouse({ bins: ["A-01"], stock: [["A-01", "MUG", 5]] });
    const lead = await createUser({ positions: ["warehouse_lead"], displayName: unique("Lin") });
    const s = await sessionFor(lead.id);
    const adj = await asPerson(s, `/v1/warehouses/${wh.id}/adjustments`, { body: { bin: "A-01", sku: "MUG", delta: -1, reason: "broken" } });
    expect(adj.status, JSON.stringify(adj.body)).toBe(201);
    const moves = (await api(`/v1/warehouses/${wh.id}/movements`)).body.data;
    expect(moves.find((m: any) => m.kind === "adjust")).toMatchObject({ actor: lead.id, actor_kind: "user", actor_name: lead.displayName });
    expect(moves.find((m: any) => m.kind === "receive")).toMatchObject({ actor: "bootstrap", actor_kind: "key", actor_name: "bootstrap admin key" });
    const changes = (await api(`/v1/warehouses/${wh.id}/changes`)).body.data;
    expect(changes.length).toBeGreaterThan(0);
    for (const ch of changes) expect(ch).toMatchObject({ actor: "bootstrap", actor_kind: "key", actor_name: "bootstrap admin key" });
  });

  it("names who opened and who decided an after-sales request", async () => {
    const store = await createStore();
    const order = await createOrder(store.id, { payment_status: "paid" });
    for (const event of ["approve", "process", "fulfil_externally", "deliver"]) expect((await transition(order.id, event)).status).toBe(200);
    const sup = await createUser({ positions: ["admin"], displayName: unique("Sue") });
    const opened = await asPerson(await sessionFor(sup.id), `/v1/orders/${order.id}/after-sales`, {
      body: { kind: "claim", reason: "damaged", lines: [{ sku: "TEA-1", quantity: 1 }] },
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(opened.body).toMatchObject({ opened_by: sup.id, opened_by_name: sup.displayName, decided_by: null, decided_by_name: null });
    const listed = await api(`/v1/orders/${order.id}/after-sales`);
    expect(listed.body.data[0]).toMatchObject({ opened_by_name: sup.displayName });
  });
});

describe("staff reports by person", () => {
  it("counts two people's audit decisions apart, named, under their first position, in JSON and CSV", async () => {
    const store = await createStore();
    const ada = await createUser({ positions: ["auditor", "support"], displayName: unique("Ada") });
    const bob = await createUser({ positions: ["finance"], displayName: unique("Bob") });
    const [sa, sb] = [await sessionFor(ada.id), await sessionFor(bob.id)];
    for (let i = 0; i < 2; i++) {
      const o = await createOrder(store.id);
      expect((await asPerson(sa, `/v1/orders/${o.id}/transitions`, { body: { event: "approve" } })).status).toBe(200);
    }
    const held = await createOrder(store.id);
    expect((await asPerson(sb, `/v1/orders/${held.id}/transitions`, { body: { event: "hold", reason: "payment check" } })).status).toBe(200);
    await caughtUp();
    const day = localDay((await api(`/v1/stores/${store.id}`)).body.timezone, Date.now());
    const analyst = await createKey("analyst", ["*"]);
    const r = await api(`/v1/reports/staff?${q({ from: day, to: day, store_id: store.id })}`, { key: analyst });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const people = r.body.data.filter((d: any) => d.actor_kind === "user");
    expect(people.map((d: any) => [d.actor, d.actor_name, d.role, d.metric, d.count])).toEqual(
      expect.arrayContaining([
        [ada.id, ada.displayName, "auditor", "approve", 2],
        [bob.id, bob.displayName, "finance", "hold", 1],
      ]),
    );
    expect(people).toHaveLength(2);
    const csv = await api(`/v1/reports/staff?${q({ from: day, to: day, store_id: store.id, actor: ada.id, format: "csv" })}`, { key: analyst });
    expect(csv.status).toBe(200);
    expect(csvObjects(csv.body)).toEqual([
      expect.objectContaining({ actor: ada.id, actor_kind: "user", actor_name: ada.displayName, role: "auditor", metric: "approve", count: "2" }),
    ]);
  });

  it("names each person's floor work in the work log and the floor report", async () => {
    const picker = await createUser({ positions: ["picker"], displayName: unique("Pia") });
    const packer = await createUser({ positions: ["packer"], displayName: unique("Pat") });
    const f = await floorShipment("waved");
    const pick = await asPerson(await sessionFor(picker.id), `/v1/waves/${f.waveId}/picks`, { body: { item_id: f.itemId, scanned: f.sku, quantity: 1 } });
    expect(pick.status, JSON.stringify(pick.body)).toBe(200);
    const scan = await asPerson(await sessionFor(packer.id), `/v1/shipments/${f.shipmentId}/pack-scans`, { body: { code: f.sku } });
    expect(scan.status, JSON.stringify(scan.body)).toBe(200);
    const log = (await api(`/v1/warehouse-events?${q({ shipment_id: f.shipmentId })}`)).body.data;
    expect(log.map((e: any) => [e.kind, e.worker, e.worker_kind, e.worker_name])).toEqual([
      ["pack_scan", packer.id, "user", packer.displayName],
      ["pick", picker.id, "user", picker.displayName],
    ]);
    await caughtUp();
    const day = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect(day >= from).toBe(true);
    const r = await api(`/v1/reports/floor?${q({ from, to, worker: `${picker.id},${packer.id}` })}`, { key: await createKey("analyst", ["*"]) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.data.map((d: any) => [d.worker, d.worker_kind, d.worker_name, d.role, d.picks, d.pack_scans]).sort()).toEqual(
      [
        [picker.id, "user", picker.displayName, "picker", 1, 0],
        [packer.id, "user", packer.displayName, "packer", 0, 1],
      ].sort(),
    );
  });
});
