/**
 * Warehouse execution: waves and pick lists along the bin path, pick by
 * scan (short picks become exceptions), pack by scan with weight check,
 * interception by cancellation or by hand, restocking, and the work log.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { floorEventKinds, floorEventStores } from "./databases";
import { api, createProduct, createStore, transition, unique } from "./helpers";
import { allocatedOrder, count, createBin, createWarehouse, createZone, ledgerOk, level, line, receive, waitFor } from "./processing-helpers";

let store: { id: string };
let wh: { id: string };
let floor: string;
let otherFloor: string;
const SKU = { tea: "", mug: "" };

beforeAll(async () => {
  store = await createStore();
  SKU.tea = unique("TEA");
  SKU.mug = unique("MUG");
  await createProduct(store.id, SKU.tea, { weight_grams: 100, barcode: `400${Date.now()}1` });
  await createProduct(store.id, SKU.mug, { weight_grams: 400 });
  wh = await createWarehouse({ weight_tolerance_pct: 5, weight_tolerance_grams: 20 });
  await createZone(wh.id, "A");
  await createZone(wh.id, "B");
  await createBin(wh.id, "B-01", { zone: "B", pick_sequence: 30 });
  await createBin(wh.id, "A-02", { zone: "A", pick_sequence: 20 });
  await createBin(wh.id, "A-01", { zone: "A", pick_sequence: 10 });
  await receive(wh.id, [
    { sku: SKU.tea, bin: "A-02", quantity: 50 },
    { sku: SKU.mug, bin: "A-01", quantity: 50 },
    { sku: SKU.mug, bin: "B-01", quantity: 50 },
  ]);
  await api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id], default_carrier: "ups" } });
  floor = (await api("/v1/api-keys", { body: { name: "picker", role: "warehouse", store_ids: ["*"], warehouse_ids: [wh.id] } })).body.key;
  const other = await createWarehouse();
  otherFloor = (await api("/v1/api-keys", { body: { name: "elsewhere", role: "warehouse", store_ids: ["*"], warehouse_ids: [other.id] } })).body.key;
});

const barcode = async () => (await api(`/v1/products?store_id=${store.id}&sku=${SKU.tea}`)).body.data[0].barcode as string;

/** An allocated order released in its own wave (grouped by the order's own carrier so no other shipment joins). */
async function wavedOrder(lines: unknown[]) {
  const carrier = unique("car");
  await api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id], default_carrier: carrier } });
  const { order, allocation } = await allocatedOrder(store.id, { lines });
  const waves = await api("/v1/waves", { body: { warehouse_id: wh.id, group_by: "carrier" }, key: floor });
  expect(waves.status).toBe(201);
  const wave = waves.body.data.find((w: any) => w.group_key === carrier);
  expect(wave.shipment_ids).toEqual([allocation.shipments[0].id]);
  return { order, shipment: allocation.shipments[0], wave };
}

const pick = (waveId: string, body: Record<string, unknown>, key = floor) => api(`/v1/waves/${waveId}/picks`, { body, key });
const scan = (shipmentId: string, code: string, key = floor) => api(`/v1/shipments/${shipmentId}/pack-scans`, { body: { code, duration_ms: 800 }, key });
const pack = (shipmentId: string, body: Record<string, unknown>, key = floor) => api(`/v1/shipments/${shipmentId}/pack`, { body, key });
const box = (weight_grams: number) => ({ length_mm: 300, width_mm: 200, height_mm: 100, weight_grams });

describe("pick, pack, weigh", () => {
  it("walks the bin path, picks by barcode or SKU, packs by scan and weighs within tolerance", async () => {
    const { shipment, wave } = await wavedOrder([line(SKU.mug, 1), line(SKU.tea, 2)]);
    expect(wave.pick_list.map((l: any) => [l.bin, l.sku, l.to_pick])).toEqual([
      ["A-01", SKU.mug, 1],
      ["A-02", SKU.tea, 2],
    ]);
    expect((await api(`/v1/shipments/${shipment.id}`)).body.status).toBe("picking");
    // Each line names its store, whose catalogue names the SKU (one warehouse serves several stores).
    expect(wave.pick_list.every((l: any) => l.store_id === store.id)).toBe(true);
    const [mugLine, teaLine] = wave.pick_list;

    const wrong = await pick(wave.id, { item_id: mugLine.item_id, scanned: SKU.tea, quantity: 1 });
    expect(wrong.status).toBe(409);
    expect(wrong.body.code).toBe("wrong_item");
    expect((await pick(wave.id, { item_id: mugLine.item_id, scanned: SKU.mug, quantity: 2 })).body.code).toBe("over_pick");
    const first = await pick(wave.id, { item_id: mugLine.item_id, scanned: SKU.mug, quantity: 1, duration_ms: 4200 });
    expect(first.body).toMatchObject({ picked: 1, remaining: 0, short: 0, wave_status: "open" });
    expect((await pick(wave.id, { item_id: mugLine.item_id, scanned: SKU.mug, quantity: 1 })).body.code).toBe("nothing_to_pick");
    const second = await pick(wave.id, { item_id: teaLine.item_id, scanned: await barcode(), quantity: 2, duration_ms: 3000 });
    expect(second.body).toMatchObject({ picked: 2, remaining: 0, wave_status: "picked" });
    const picked = await api(`/v1/waves/${wave.id}`);
    expect(picked.body).toMatchObject({ status: "picked" });
    expect(picked.body.completed_at).not.toBeNull();
    // The list of waves says how far each one is, without opening it.
    const listed = (await api(`/v1/waves?warehouse_id=${wh.id}&status=picked`, { key: floor })).body.data.find((w: any) => w.id === wave.id);
    expect(listed.progress).toEqual({ units: 3, picked: 3, short: 0 });

    // Picked goods moved from their bins to OUTBOUND, still reserved for the shipment.
    const outbound = (await api(`/v1/warehouses/${wh.id}/stock?bin=OUTBOUND&sku=${SKU.tea}`)).body.data[0];
    expect(outbound).toMatchObject({ on_hand: 2, reserved: 2, available: 0 });
    expect((await ledgerOk(wh.id)).ok).toBe(true);

    expect((await scan(shipment.id, "NOT-HERE")).body.code).toBe("wrong_item");
    expect((await pack(shipment.id, { packages: [box(600)] })).body.code).toBe("missing_items");
    for (const code of [SKU.mug, await barcode(), SKU.tea]) expect((await scan(shipment.id, code)).status).toBe(200);
    const extra = await scan(shipment.id, SKU.tea);
    expect(extra.status).toBe(409);
    expect(extra.body.code).toBe("already_scanned");

    // Expected 400 + 2 x 100 = 600 g; tolerance max(5% = 30, 20) = 30 g.
    const heavy = await pack(shipment.id, { packages: [box(700)] });
    expect(heavy.status).toBe(409);
    expect(heavy.body).toMatchObject({ code: "weight_mismatch", expected_grams: 600, measured_grams: 700, tolerance_grams: 30 });
    const packed = await pack(shipment.id, { packages: [box(400), box(225)], duration_ms: 15000 });
    expect(packed.status).toBe(200);
    expect(packed.body).toMatchObject({ status: "packed", ready_for_label: true, expected_weight_grams: 600, weight_override_reason: null });
    expect(packed.body.packages).toHaveLength(2);
    expect((await pack(shipment.id, { packages: [box(600)] })).body.code).toBe("not_packable");

    const log = await api(`/v1/warehouse-events?shipment_id=${shipment.id}&limit=50`, { key: floor });
    const kinds = log.body.data.map((e: any) => e.kind).reverse();
    // Both wrong scans (the pick and the pack) are in the log as scan mismatches, in order.
    expect(kinds).toEqual(["scan_mismatch", "pick", "pick", "scan_mismatch", "pack_scan", "pack_scan", "pack_scan", "weigh", "weigh", "pack"]);
    expect(
      log.body.data
        .filter((e: any) => e.kind === "scan_mismatch")
        .map((e: any) => e.data)
        .reverse(),
    ).toEqual([
      { stage: "pick", code: SKU.tea, expected: SKU.mug },
      { stage: "pack", code: "NOT-HERE" },
    ]);
    expect(log.body.data.every((e: any) => e.worker.startsWith("key_"))).toBe(true);
    expect(log.body.data.find((e: any) => e.kind === "pack").duration_ms).toBe(15000);
    expect((await api(`/v1/warehouse-events?worker=${log.body.data[0].worker}&kind=pick`, { key: floor })).body.data.length).toBeGreaterThanOrEqual(2);
  });

  it("a weight outside the tolerance is accepted with a reason; packing needs every line picked", async () => {
    const { shipment, wave } = await wavedOrder([line(SKU.mug, 2)]);
    const [l] = wave.pick_list;
    await pick(wave.id, { item_id: l.item_id, scanned: SKU.mug, quantity: 1 });
    expect((await pack(shipment.id, { packages: [box(800)] })).body.code).toBe("not_picked");
    await pick(wave.id, { item_id: l.item_id, scanned: SKU.mug, quantity: 1 });
    await scan(shipment.id, SKU.mug);
    await scan(shipment.id, SKU.mug);
    const r = await pack(shipment.id, { packages: [box(950)], weight_override_reason: "mugs shipped in foam" });
    expect(r.status).toBe(200);
    expect(r.body.weight_override_reason).toBe("mugs shipped in foam");
  });

  it("a short pick books the missing units off the bin, opens an exception and needs accept_short to pack", async () => {
    const sku = unique("SHORT");
    await receive(wh.id, [{ sku, bin: "B-01", quantity: 3 }]);
    const { shipment, wave } = await wavedOrder([line(sku, 3)]);
    const [l] = wave.pick_list;
    const r = await pick(wave.id, { item_id: l.item_id, scanned: sku, quantity: 1, short: true });
    expect(r.body).toMatchObject({ picked: 1, short: 2, remaining: 0, wave_status: "picked" });
    expect(r.body.exception_id).toMatch(/^exc_/);
    expect(await level(wh.id, sku)).toEqual({ on_hand: 1, reserved: 1 });
    const moves = await api(`/v1/warehouses/${wh.id}/movements?sku=${sku}&kind=adjust`);
    expect(moves.body.data).toMatchObject([{ on_hand_delta: -2, reserved_delta: -2 }]);
    expect((await api(`/v1/shipments/${shipment.id}`)).body.open_exceptions).toBe(1);
    await scan(shipment.id, sku);
    // No catalogue weight for this SKU: expected 0 g, tolerance 20 g.
    expect((await pack(shipment.id, { packages: [box(15)] })).body.code).toBe("short_picked");
    const ok = await pack(shipment.id, { packages: [box(15)], accept_short: true });
    expect(ok.status).toBe(200);
    expect(ok.body.open_exceptions).toBe(0);
    expect((await ledgerOk(wh.id)).ok).toBe(true);
  });
});

describe("waves", () => {
  it("group single-item shipments, keep held shipments back, and refuse 3PL warehouses", async () => {
    const sku = unique("WAVE");
    const w = await createWarehouse();
    await createBin(w.id, "S-01");
    await receive(w.id, [{ sku, bin: "S-01", quantity: 20 }]);
    const s = await createStore();
    await api(`/v1/stores/${s.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [w.id] } });
    const single = await allocatedOrder(s.id, { lines: [line(sku, 1)] });
    const multi = await allocatedOrder(s.id, { lines: [line(sku, 3)] });
    const r = await api("/v1/waves", { body: { warehouse_id: w.id, group_by: "single_item" } });
    expect(r.status).toBe(201);
    expect(r.body.data.map((x: any) => [x.group_key, x.shipment_ids])).toEqual([["single-item", [single.allocation.shipments[0].id]]]);
    const byZone = await api("/v1/waves", { body: { warehouse_id: w.id, group_by: "zone", max_shipments: 5 } });
    expect(byZone.body.data.map((x: any) => [x.group_key, x.shipment_ids])).toEqual([["no-zone", [multi.allocation.shipments[0].id]]]);
    const none = await api("/v1/waves", { body: { warehouse_id: w.id, group_by: "carrier" } });
    expect(none.status).toBe(200);
    expect(none.body.data).toEqual([]);

    await api(`/v1/stores/${s.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [w.id], merge_hold_minutes: 30 } });
    await allocatedOrder(s.id, { lines: [line(sku, 1)] });
    expect((await api("/v1/waves", { body: { warehouse_id: w.id, group_by: "carrier" } })).body.data).toEqual([]);

    const tpl = await createWarehouse({ kind: "third_party", webhook_url: "https://3pl.example/in" });
    expect((await api("/v1/waves", { body: { warehouse_id: tpl.id, group_by: "carrier" } })).body.code).toBe("third_party");
    const list = await api(`/v1/waves?warehouse_id=${w.id}`);
    expect(list.body.data.map((x: any) => x.group_key).sort()).toEqual(["no-zone", "single-item"]);
  });

  it("refuses bad requests with 422/400 and hides other warehouses' waves (404)", async () => {
    const { shipment, wave } = await wavedOrder([line(SKU.mug, 1)]);
    const before = await count("warehouse_events");
    for (const body of [
      { warehouse_id: wh.id, group_by: "colour" },
      { warehouse_id: wh.id, group_by: "zone", max_shipments: 0 },
      { group_by: "zone" },
      { warehouse_id: "wh_missing", group_by: "zone" },
    ]) {
      expect((await api("/v1/waves", { body })).status, JSON.stringify(body)).toBe(422);
    }
    const l = wave.pick_list[0];
    for (const body of [
      { item_id: l.item_id, quantity: 1 },
      { item_id: l.item_id, scanned: SKU.mug, quantity: 0 },
      { item_id: l.item_id, scanned: SKU.mug, quantity: 1, duration_ms: -5 },
      { item_id: "si_nope", scanned: SKU.mug, quantity: 1 },
    ]) {
      expect((await pick(wave.id, body)).status, JSON.stringify(body)).toBe(422);
    }
    expect((await api(`/v1/shipments/${shipment.id}/pack-scans`, { body: { code: "" } })).status).toBe(422);
    for (const body of [{ packages: [] }, { packages: [box(0)] }, { packages: [{ length_mm: 1 }] }, {}]) {
      expect((await pack(shipment.id, body)).status, JSON.stringify(body)).toBe(422);
    }
    expect((await api(`/v1/shipments/${shipment.id}/intercept`, { body: {} })).status).toBe(422);
    expect((await api(`/v1/shipments/${shipment.id}/interception/resolve`, { body: { action: "burn" } })).status).toBe(422);
    expect(await count("warehouse_events")).toBe(before);
    for (const qs of ["status=done", `cursor=${btoa("ord_1")}`]) expect((await api(`/v1/waves?${qs}`)).status, qs).toBe(400);
    for (const bad of ["x", "0", "-3", "1.5"]) expect((await api(`/v1/warehouse-events?cursor=${btoa(bad)}`)).status, bad).toBe(400);
    // The work log pages newest first by its numeric id.
    const first = (await api("/v1/warehouse-events?limit=2")).body;
    const second = (await api(`/v1/warehouse-events?limit=2&cursor=${first.next_cursor}`)).body;
    expect(first.data).toHaveLength(2);
    expect(second.data[0].id).toBeLessThan(first.data[1].id);

    expect((await api(`/v1/waves/${wave.id}`, { key: otherFloor })).status).toBe(404);
    expect((await pick(wave.id, { item_id: l.item_id, scanned: SKU.mug, quantity: 1 }, otherFloor)).status).toBe(404);
    expect((await scan(shipment.id, SKU.mug, otherFloor)).status).toBe(404);
    expect((await pack(shipment.id, { packages: [box(400)] }, otherFloor)).status).toBe(404);
    expect((await api(`/v1/shipments/${shipment.id}/intercept`, { body: { reason: "x" }, key: otherFloor })).status).toBe(404);
    expect((await api(`/v1/waves?warehouse_id=${wh.id}`, { key: otherFloor })).body.data).toEqual([]);
    expect((await api(`/v1/warehouse-events?shipment_id=${shipment.id}`, { key: otherFloor })).body.data).toEqual([]);
    expect((await api("/v1/waves/wv_00000000000000000000000000")).status).toBe(404);
    expect((await api("/v1/waves/nope")).status).toBe(400);
    expect((await pick("nope", { item_id: l.item_id, scanned: SKU.mug, quantity: 1 })).status).toBe(400);
    expect((await api("/v1/shipments/nope/pack", { body: { packages: [box(1)] } })).status).toBe(400);
  });
});

describe("interception", () => {
  it("a cancellation after release to the floor intercepts the shipment; restocking puts picked goods back", async () => {
    const sku = unique("ICX");
    await receive(wh.id, [
      { sku, bin: "A-01", quantity: 5 },
      { sku: `${sku}-2`, bin: "B-01", quantity: 5 },
    ]);
    const { order, shipment, wave } = await wavedOrder([line(sku, 2), line(`${sku}-2`, 1)]);
    const [first, secondLine] = wave.pick_list;
    await pick(wave.id, { item_id: first.item_id, scanned: sku, quantity: 2 });
    expect((await transition(order.id, "cancel", { reason: "customer cancelled" })).status).toBe(200);
    // In the cancel's own batch: the very next floor request already sees it.
    const s = (await api(`/v1/shipments/${shipment.id}`)).body;
    expect(s).toMatchObject({ status: "intercepted", intercepted: true, intercepted_from: "picking", intercept_reason: "order cancelled" });
    // The unpicked line's reservation is released at once; the picked units wait in OUTBOUND.
    expect(await level(wh.id, `${sku}-2`)).toEqual({ on_hand: 5, reserved: 0 });
    expect(await level(wh.id, sku)).toEqual({ on_hand: 5, reserved: 2 });
    expect((await pick(wave.id, { item_id: secondLine.item_id, scanned: `${sku}-2`, quantity: 1 })).body.code).toBe("intercepted");
    expect((await scan(shipment.id, sku)).body.code).toBe("intercepted");
    expect((await pack(shipment.id, { packages: [box(10)] })).body.code).toBe("intercepted");
    expect((await api(`/v1/shipments/${shipment.id}/interception/resolve`, { body: { action: "release" }, key: floor })).body.code).toBe("must_restock");

    const restocked = await api(`/v1/shipments/${shipment.id}/interception/resolve`, { body: { action: "restock", note: "back to A-01" }, key: floor });
    expect(restocked.status).toBe(200);
    expect(restocked.body).toMatchObject({ status: "cancelled", intercepted: false });
    expect(await level(wh.id, sku)).toEqual({ on_hand: 5, reserved: 0 });
    const bins = (await api(`/v1/warehouses/${wh.id}/stock?sku=${sku}`)).body.data;
    expect(bins.map((b: any) => [b.bin, b.on_hand, b.reserved])).toEqual([
      ["A-01", 5, 0],
      ["OUTBOUND", 0, 0],
    ]);
    const moves = await api(`/v1/warehouses/${wh.id}/movements?sku=${sku}&kind=restock`);
    expect(moves.body.data).toHaveLength(2);
    expect((await ledgerOk(wh.id)).ok).toBe(true);
    expect((await api(`/v1/shipments/${shipment.id}/interception/resolve`, { body: { action: "restock" }, key: floor })).body.code).toBe("not_intercepted");
  });

  it("an interception by hand blocks a packed shipment; releasing it sends it back to be scanned and weighed again", async () => {
    const { shipment, wave } = await wavedOrder([line(SKU.mug, 1)]);
    await pick(wave.id, { item_id: wave.pick_list[0].item_id, scanned: SKU.mug, quantity: 1 });
    await scan(shipment.id, SKU.mug);
    expect((await pack(shipment.id, { packages: [box(400)] })).body.status).toBe("packed");
    const support = (await api("/v1/api-keys", { body: { name: "support", role: "support", store_ids: [store.id] } })).body.key;
    const held = await api(`/v1/shipments/${shipment.id}/intercept`, { body: { reason: "customer called: check the address" }, key: support });
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ status: "intercepted", intercepted_from: "packed", intercepted: true, intercept_reason: "customer called: check the address" });
    expect((await api(`/v1/shipments/${shipment.id}/intercept`, { body: { reason: "again" } })).body.code).toBe("already_intercepted");
    // Support may stop a shipment but resolving is floor work.
    expect((await api(`/v1/shipments/${shipment.id}/interception/resolve`, { body: { action: "release" }, key: support })).status).toBe(403);
    const released = await api(`/v1/shipments/${shipment.id}/interception/resolve`, { body: { action: "release" }, key: floor });
    expect(released.body).toMatchObject({ status: "picking", intercepted: false, ready_for_label: false, packages: null });
    expect(released.body.items[0]).toMatchObject({ picked: 1, packed: 0 });
    await scan(shipment.id, SKU.mug);
    expect((await pack(shipment.id, { packages: [box(410)] })).body.status).toBe("packed");
  });

  it("a cancelled shipment cannot be intercepted", async () => {
    const { order, allocation } = await allocatedOrder(store.id, { lines: [line(SKU.mug, 1)] });
    await transition(order.id, "cancel", { reason: "changed mind" });
    const id = allocation.shipments[0].id;
    await waitFor(async () => expect((await api(`/v1/shipments/${id}`)).body.status).toBe("cancelled"));
    expect((await api(`/v1/shipments/${id}/intercept`, { body: { reason: "x" } })).body.code).toBe("not_interceptable");
  });
});

describe("pack scans in a batch", () => {
  /** A waved order with every line picked: the parcel waits at the pack station. */
  async function pickedParcel(lines: unknown[]) {
    const { shipment, wave } = await wavedOrder(lines);
    for (const l of wave.pick_list) expect((await pick(wave.id, { item_id: l.item_id, scanned: l.sku, quantity: l.to_pick })).status).toBe(200);
    return shipment.id as string;
  }
  const scans = (shipmentId: string, body: unknown, key = floor) => api(`/v1/shipments/${shipmentId}/pack-scans`, { body, key });
  const packedOf = async (shipmentId: string) => Object.fromEntries(((await api(`/v1/shipments/${shipmentId}`)).body.items as any[]).map((i) => [i.sku, [i.packed, i.picked]]));
  /** The parcel's pack scans and mismatches in the work log, oldest first, without the ids that differ between parcels. */
  const scanLog = async (shipmentId: string) =>
    ((await api(`/v1/warehouse-events?shipment_id=${shipmentId}&kind=pack_scan,scan_mismatch&limit=200`, { key: floor })).body.data as any[])
      .reverse()
      .map((e) => ({ kind: e.kind, duration_ms: e.duration_ms, sku: e.data.sku ?? null, code: e.data.code }));

  it("a whole parcel in one request counts exactly as the same scans sent one by one", async () => {
    const lines = [line(SKU.mug, 2), line(SKU.tea, 3)];
    const codes = [SKU.mug, await barcode(), SKU.tea, SKU.mug, await barcode()];
    const alone = await pickedParcel(lines);
    const answers = [];
    for (const code of codes) answers.push((await scan(alone, code)).body);
    const batched = await pickedParcel(lines);
    const r = await scans(batched, { scans: codes.map((code) => ({ code, duration_ms: 800 })) });
    expect(r.status).toBe(200);
    // Each scan's answer is the one it had alone (but for the item ids, which are the other parcel's).
    expect(r.body.results.map(({ item_id, ...rest }: any) => rest)).toEqual(answers.map(({ item_id, ...rest }: any, i) => ({ code: codes[i], ok: true, ...rest })));
    expect(r.body.results.every((x: any) => x.item_id.startsWith("si_"))).toBe(true);
    expect(r.body).toMatchObject({ packed: 5, remaining: 0 });
    expect(await packedOf(batched)).toEqual(await packedOf(alone));
    expect(await scanLog(batched)).toEqual(await scanLog(alone));
    expect((await pack(batched, { packages: [box(1100)] })).body.status).toBe("packed");
  });

  it("a wrong code in the middle refuses that scan only, recorded as a mismatch in its place", async () => {
    const id = await pickedParcel([line(SKU.mug, 2), line(SKU.tea, 1)]);
    const r = await scans(id, { scans: [{ code: SKU.mug }, { code: "NOT-HERE", duration_ms: 300 }, { code: SKU.mug }] });
    expect(r.status).toBe(200);
    expect(r.body.results).toMatchObject([
      { code: SKU.mug, ok: true, sku: SKU.mug, packed: 1, picked: 2, remaining: 2 },
      { code: "NOT-HERE", ok: false, problem: { code: "wrong_item", detail: "NOT-HERE is not in this shipment" } },
      { code: SKU.mug, ok: true, sku: SKU.mug, packed: 2, picked: 2, remaining: 1 },
    ]);
    expect(r.body).toMatchObject({ packed: 2, remaining: 1 });
    expect(await scanLog(id)).toEqual([
      { kind: "pack_scan", duration_ms: null, sku: SKU.mug, code: SKU.mug },
      { kind: "scan_mismatch", duration_ms: 300, sku: null, code: "NOT-HERE" },
      { kind: "pack_scan", duration_ms: null, sku: SKU.mug, code: SKU.mug },
    ]);
    expect((await pack(id, { packages: [box(900)] })).body.code).toBe("missing_items");
  });

  it("scans beyond what was picked are refused one by one and the rest still count", async () => {
    const id = await pickedParcel([line(SKU.mug, 1), line(SKU.tea, 1)]);
    const r = await scans(id, { scans: [SKU.mug, SKU.mug, SKU.tea, SKU.mug].map((code) => ({ code })) });
    expect(r.status).toBe(200);
    expect(r.body.results.map((x: any) => (x.ok ? x.remaining : x.problem.code))).toEqual([1, "already_scanned", 0, "already_scanned"]);
    expect(r.body.results[1].problem.detail).toBe(`every picked ${SKU.mug} is already scanned`);
    expect(r.body).toMatchObject({ packed: 2, remaining: 0 });
    // An over-scan is not a mismatch: as alone, it is not in the work log.
    expect((await scanLog(id)).map((e) => e.kind)).toEqual(["pack_scan", "pack_scan"]);
    // A parcel already complete refuses every scan of a later batch, and writes nothing.
    const again = await scans(id, { scans: [{ code: SKU.tea }] });
    expect(again.body).toMatchObject({ results: [{ ok: false, problem: { code: "already_scanned" } }], packed: 2, remaining: 0 });
    expect(await scanLog(id)).toHaveLength(2);
    expect((await pack(id, { packages: [box(500)] })).body.status).toBe("packed");
  });

  it("refuses a bad body whole with a 422 naming the field, and writes nothing", async () => {
    const id = await pickedParcel([line(SKU.mug, 1)]);
    const before = await count("warehouse_events");
    const cases: [unknown, string][] = [
      [{ scans: [] }, "scans"],
      [{ scans: Array.from({ length: 201 }, () => ({ code: SKU.mug })) }, "scans"],
      [{ code: SKU.mug, scans: [{ code: SKU.mug }] }, "code"],
      [{ scans: [{ code: SKU.mug }], duration_ms: 5 }, "duration_ms"],
      [{ scans: [{ code: SKU.mug }, { duration_ms: 5 }] }, "scans.1.code"],
      [{ scans: [{ code: " " }] }, "scans.0.code"],
      [{ duration_ms: 5 }, "code"],
      [{}, "code"],
    ];
    for (const [body, field] of cases) {
      const r = await scans(id, body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(422);
      expect(r.headers.get("content-type")).toContain("application/problem+json");
      expect(r.body.code).toBe("validation_failed");
      expect(r.body.errors.map((e: any) => e.field)).toContain(field);
    }
    expect(await count("warehouse_events")).toBe(before);
    expect(await packedOf(id)).toEqual({ [SKU.mug]: [0, 1] });
    // 200 scans is the most a batch takes.
    const most = await scans(id, { scans: Array.from({ length: 200 }, () => ({ code: SKU.mug })) });
    expect(most.body).toMatchObject({ packed: 1, remaining: 0 });
    expect(most.body.results.filter((x: any) => x.ok)).toHaveLength(1);
  });

  it("is refused to the same keys as a single scan, and whole for a shipment that cannot be packed", async () => {
    const id = await pickedParcel([line(SKU.mug, 1)]);
    const body = { scans: [{ code: SKU.mug }] };
    for (const role of ["support", "channel"]) {
      const key = (await api("/v1/api-keys", { body: { name: role, role, store_ids: [store.id] } })).body.key;
      expect((await scans(id, body, key)).status, role).toBe(403);
      expect((await scan(id, SKU.mug, key)).status, role).toBe(403);
    }
    const elsewhere = await scans(id, body, otherFloor);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.detail).toBe("No such shipment");
    const packer = (await api("/v1/api-keys", { body: { name: "packer", role: "packer", store_ids: ["*"], warehouse_ids: [wh.id] } })).body.key;
    expect((await api(`/v1/shipments/${id}/intercept`, { body: { reason: "check the address" } })).status).toBe(200);
    const held = await scans(id, body, packer);
    expect(held.status).toBe(409);
    expect(held.body.code).toBe("intercepted");
    expect(await scanLog(id)).toEqual([]);
    expect((await api(`/v1/shipments/${id}/interception/resolve`, { body: { action: "release" }, key: floor })).status).toBe(200);
    expect((await scans(id, body, packer)).body).toMatchObject({ results: [{ ok: true }], packed: 1, remaining: 0 });
  });

  it("two stations sending the same parcel's scans at once never count more than was picked", async () => {
    const id = await pickedParcel([line(SKU.mug, 3), line(SKU.tea, 1)]);
    const body = { scans: [SKU.mug, SKU.mug, SKU.tea, SKU.mug].map((code) => ({ code })) };
    const [a, b] = await Promise.all([scans(id, body), scans(id, body)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const accepted = [...a.body.results, ...b.body.results].filter((x: any) => x.ok);
    expect(accepted).toHaveLength(4);
    expect(await packedOf(id)).toEqual({ [SKU.mug]: [3, 3], [SKU.tea]: [1, 1] });
    expect((await scanLog(id)).filter((e) => e.kind === "pack_scan")).toHaveLength(4);
    // Each answer is true when it is given: the last unit counted leaves nothing to scan.
    expect(Math.min(...accepted.map((x: any) => x.remaining))).toBe(0);
    expect([a.body.remaining, b.body.remaining]).toEqual([0, 0]);
  });
});

describe("a pack that brings its scans", () => {
  async function pickedParcel(lines: unknown[]) {
    const { shipment, wave } = await wavedOrder(lines);
    for (const l of wave.pick_list) expect((await pick(wave.id, { item_id: l.item_id, scanned: l.sku, quantity: l.to_pick })).status).toBe(200);
    return shipment.id as string;
  }
  const packedOf = async (shipmentId: string) => Object.fromEntries(((await api(`/v1/shipments/${shipmentId}`)).body.items as any[]).map((i) => [i.sku, [i.packed, i.picked]]));
  /** The parcel's work log, oldest first, as kinds with what identifies each scan. */
  const workLog = async (shipmentId: string) =>
    ((await api(`/v1/warehouse-events?shipment_id=${shipmentId}&limit=200`, { key: floor })).body.data as any[])
      .reverse()
      .filter((e) => e.kind !== "pick")
      .map((e) => [e.kind, e.duration_ms, e.data.sku ?? e.data.code ?? null]);
  const status = async (shipmentId: string) => (await api(`/v1/shipments/${shipmentId}`)).body.status;

  it("scans and packs the parcel in one request, with the same counts and work log as scans and then a pack", async () => {
    const lines = [line(SKU.mug, 2), line(SKU.tea, 1)];
    const scans = [{ code: SKU.mug, duration_ms: 700 }, { code: await barcode() }, { code: SKU.mug, duration_ms: 900 }];
    const twoSteps = await pickedParcel(lines);
    expect((await api(`/v1/shipments/${twoSteps}/pack-scans`, { body: { scans }, key: floor })).body.remaining).toBe(0);
    expect((await pack(twoSteps, { packages: [box(900)], duration_ms: 5000 })).status).toBe(200);

    const oneStep = await pickedParcel(lines);
    const r = await pack(oneStep, { scans, packages: [box(900)], duration_ms: 5000 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ id: oneStep, status: "packed" });
    expect(await packedOf(oneStep)).toEqual({ [SKU.mug]: [2, 2], [SKU.tea]: [1, 1] });
    expect(await workLog(oneStep)).toEqual(await workLog(twoSteps));
    expect((await workLog(oneStep)).map((e) => e[0])).toEqual(["pack_scan", "pack_scan", "pack_scan", "weigh", "pack"]);
    // Packed is packed: scans sent again are refused like any scan of a packed parcel, and count nothing.
    expect((await pack(oneStep, { scans, packages: [box(900)] })).body.code).toBe("not_packable");
  });

  it("one refused scan refuses the pack and counts nothing; a wrong item is still logged as a mismatch", async () => {
    const id = await pickedParcel([line(SKU.mug, 2), line(SKU.tea, 1)]);
    const wrong = await pack(id, { scans: [{ code: SKU.mug }, { code: "NOT-HERE", duration_ms: 300 }, { code: SKU.mug }, { code: SKU.tea }], packages: [box(900)] });
    expect(wrong.status).toBe(409);
    expect(wrong.headers.get("content-type")).toContain("application/problem+json");
    expect(wrong.body).toMatchObject({
      code: "scan_refused",
      detail: "1 of the 4 scans was refused: nothing was packed",
      results: [
        { code: SKU.mug, ok: true, sku: SKU.mug },
        { code: "NOT-HERE", ok: false, problem: { code: "wrong_item", detail: "NOT-HERE is not in this shipment" } },
        { code: SKU.mug, ok: true, sku: SKU.mug },
        { code: SKU.tea, ok: true, sku: SKU.tea },
      ],
    });
    expect(await packedOf(id)).toEqual({ [SKU.mug]: [0, 2], [SKU.tea]: [0, 1] });
    expect(await workLog(id)).toEqual([["scan_mismatch", 300, "NOT-HERE"]]);
    expect(await status(id)).toBe("picking");

    // More than was picked: refused as alone (not a mismatch), nothing written.
    const over = await pack(id, { scans: [SKU.mug, SKU.mug, SKU.mug, SKU.tea].map((code) => ({ code })), packages: [box(900)] });
    expect(over.body).toMatchObject({ code: "scan_refused", results: [{ ok: true }, { ok: true }, { ok: false, problem: { code: "already_scanned" } }, { ok: true }] });
    // Scans that leave units unscanned: the pack's own refusal, and nothing counted either.
    const short = await pack(id, { scans: [{ code: SKU.mug }, { code: SKU.tea }], packages: [box(900)] });
    expect(short.body).toMatchObject({ code: "missing_items", missing: [{ sku: SKU.mug, units: 1 }] });
    const heavy = await pack(id, { scans: [SKU.mug, SKU.mug, SKU.tea].map((code) => ({ code })), packages: [box(5000)] });
    expect(heavy.body.code).toBe("weight_mismatch");
    expect(await packedOf(id)).toEqual({ [SKU.mug]: [0, 2], [SKU.tea]: [0, 1] });
    expect(await workLog(id)).toEqual([["scan_mismatch", 300, "NOT-HERE"]]);
    // The scans already counted and the rest brought by the pack.
    expect((await scan(id, SKU.mug)).status).toBe(200);
    expect((await pack(id, { scans: [{ code: SKU.mug }, { code: SKU.tea }], packages: [box(900)] })).body.status).toBe("packed");
    expect(await packedOf(id)).toEqual({ [SKU.mug]: [2, 2], [SKU.tea]: [1, 1] });
  });

  it("refuses bad scans whole with a 422 naming the field, and writes nothing; the same keys as a pack", async () => {
    const id = await pickedParcel([line(SKU.mug, 1)]);
    const before = await count("warehouse_events");
    const cases: [unknown, string][] = [
      [{ scans: [], packages: [box(400)] }, "scans"],
      [{ scans: Array.from({ length: 201 }, () => ({ code: SKU.mug })), packages: [box(400)] }, "scans"],
      [{ scans: [{ code: " " }], packages: [box(400)] }, "scans.0.code"],
      [{ scans: [{ code: SKU.mug, duration_ms: -1 }], packages: [box(400)] }, "scans.0.duration_ms"],
      [{ scans: [{ code: SKU.mug }] }, "packages"],
    ];
    for (const [body, field] of cases) {
      const r = await pack(id, body as Record<string, unknown>);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(422);
      expect(r.body.errors.map((e: any) => e.field)).toContain(field);
    }
    const body = { scans: [{ code: SKU.mug }], packages: [box(400)] };
    for (const role of ["support", "channel"]) {
      const key = (await api("/v1/api-keys", { body: { name: role, role, store_ids: [store.id] } })).body.key;
      expect((await pack(id, body, key)).status, role).toBe(403);
    }
    expect((await pack(id, body, otherFloor)).status).toBe(404);
    expect(await count("warehouse_events")).toBe(before);
    expect(await packedOf(id)).toEqual({ [SKU.mug]: [0, 1] });
    expect(await status(id)).toBe("picking");
  });

  it("a double click in one millisecond packs once, on one isolate or two: the second is refused and logs nothing", async () => {
    const id = await pickedParcel([line(SKU.mug, 1)]);
    expect((await scan(id, SKU.mug)).status).toBe(200);
    // Both requests read the same Date.now(), as two requests between the same two I/O events do in Workers, and as
    // two requests on two isolates in the same millisecond do: each pack knows its commit by its own token.
    const clock = vi.spyOn(Date, "now").mockReturnValue(Date.now());
    let answers;
    try {
      answers = await Promise.all([pack(id, { packages: [box(400)] }), pack(id, { packages: [box(400)] })]);
    } finally {
      clock.mockRestore();
    }
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(["conflict", "not_packable"]).toContain(answers.find((a) => a.status === 409)!.body.code);
    expect((await workLog(id)).map((e) => e[0])).toEqual(["pack_scan", "weigh", "pack"]);
  });

  it("two stations packing the same parcel with its scans at once: one packs, the other writes nothing", async () => {
    const id = await pickedParcel([line(SKU.mug, 2), line(SKU.tea, 1)]);
    const body = { scans: [SKU.mug, SKU.tea, SKU.mug].map((code) => ({ code })), packages: [box(900)] };
    const answers = await Promise.all([pack(id, body), pack(id, body)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(["conflict", "not_packable"]).toContain(answers.find((a) => a.status === 409)!.body.code);
    expect(await packedOf(id)).toEqual({ [SKU.mug]: [2, 2], [SKU.tea]: [1, 1] });
    expect((await workLog(id)).map((e) => e[0])).toEqual(["pack_scan", "pack_scan", "pack_scan", "weigh", "pack"]);
  });
});

describe("the floor's work log", () => {
  it("names the store of each event's shipment, for every kind of event this file wrote", async () => {
    expect((await floorEventKinds()).filter((k) => ["intercept", "pack", "pack_scan", "pick", "resolve", "restock", "scan_mismatch", "short_pick", "weigh"].includes(k))).toEqual([
      "intercept",
      "pack",
      "pack_scan",
      "pick",
      "resolve",
      "restock",
      "scan_mismatch",
      "short_pick",
      "weigh",
    ]);
    expect(await floorEventStores()).toEqual({ wrong: 0, missing: 0 });
  });
});
