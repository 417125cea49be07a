/**
 * The stock screens: levels per bin as the API counts them, receiving,
 * adjusting and counting through forms (each refusal a 4xx page with nothing
 * written), the movements ledger with names and reasons, interceptions, who
 * may see what, and both languages.
 */
import { describe, expect, it } from "vitest";
import { api, createProduct, createStore, unique } from "./helpers";
import { flashOf, openPage, postForm, signedIn, textOf } from "./console-helpers";
import { floorShipment, level, stockedWarehouse } from "./processing-helpers";

/** A warehouse of its own with zone A (bins) and bin B-01, stocked, and products for its SKUs. */
async function site() {
  const store = await createStore();
  const sku = unique("TEA");
  const other = unique("MUG");
  await createProduct(store.id, sku);
  await createProduct(store.id, other);
  const wh = await stockedWarehouse({
    fields: { store_ids: [store.id] },
    zones: ["A"],
    bins: [{ code: "A-01", zone: "A" }, { code: "A-02", zone: "A" }, "B-01"],
    stock: [
      ["A-01", sku, 7],
      ["B-01", other, 3],
    ],
  });
  return { store, wh, sku, other };
}

const stockRows = async (whId: string, query = "") =>
  (await api(`/v1/warehouses/${whId}/stock${query}`)).body.data as { bin: string; sku: string; on_hand: number; reserved: number; available: number }[];
const movementCount = async (whId: string) => ((await api(`/v1/warehouses/${whId}/movements?limit=200`)).body.data as unknown[]).length;

describe("stock levels", () => {
  it("shows each bin's on hand, reserved and available as the API counts them, filtered by SKU, bin and zone", async () => {
    const { wh, sku, other } = await site();
    const { session } = await signedIn(["warehouse_lead"]);
    const page = await openPage(`/console/stock?warehouse=${wh.id}`, session);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    for (const row of await stockRows(wh.id)) {
      expect(text).toContain(`${row.bin} `);
      expect(page.html).toMatch(new RegExp(`${row.sku}[\\s\\S]*?data-on-hand="true">${row.on_hand}<`));
    }
    const byZone = textOf((await openPage(`/console/stock?warehouse=${wh.id}&zone=A`, session)).html);
    expect(byZone).toContain(sku);
    expect(byZone).not.toContain(other);
    const bySku = textOf((await openPage(`/console/stock?warehouse=${wh.id}&sku=${other}`, session)).html);
    expect(bySku).toContain(`${other}: 3 on hand, 3 available across your warehouses`);
    expect(bySku).not.toContain(`${sku} `);
    const byBin = textOf((await openPage(`/console/stock?warehouse=${wh.id}&bin=b-01`, session)).html);
    expect(byBin).toContain(other);
    expect(byBin).not.toContain(sku);
  });

  it("the API filters stock by zone", async () => {
    const { wh, sku } = await site();
    expect((await stockRows(wh.id, "?zone=A")).map((r) => r.sku)).toEqual([sku]);
    expect(await stockRows(wh.id, "?zone=NOPE")).toEqual([]);
  });

  it("says in words when nothing is available", async () => {
    const { wh, sku } = await site();
    await api(`/v1/warehouses/${wh.id}/adjustments`, { body: { bin: "A-01", sku, delta: -7, reason: "written off" } });
    const { session } = await signedIn(["warehouse"]);
    expect(textOf((await openPage(`/console/stock?warehouse=${wh.id}&sku=${sku}`, session)).html)).toContain("None available");
  });

  it("is refused to support and auditors; analysts read stock but may not change it", async () => {
    const { wh } = await site();
    for (const position of ["support", "auditor"]) {
      const { session } = await signedIn([position]);
      expect((await openPage(`/console/stock?warehouse=${wh.id}`, session)).status).toBe(403);
      expect((await openPage(`/console/stock/interceptions?warehouse=${wh.id}`, session)).status).toBe(403);
    }
    const { session } = await signedIn(["analyst"]);
    expect((await openPage(`/console/stock?warehouse=${wh.id}`, session)).status).toBe(200);
    expect((await openPage(`/console/stock/movements?warehouse=${wh.id}`, session)).status).toBe(200);
    for (const path of ["receive", "adjust", "count"]) expect((await openPage(`/console/stock/${path}?warehouse=${wh.id}`, session)).status).toBe(403);
    const before = await movementCount(wh.id);
    expect((await postForm("/console/stock/adjust", session, { warehouse: wh.id, sku: "X", bin: "A-01", delta: "1", reason: "x" })).status).toBe(403);
    expect(await movementCount(wh.id)).toBe(before);
  });

  it("a person scoped to one warehouse sees only that one", async () => {
    const mine = await site();
    const theirs = await site();
    const { session } = await signedIn(["warehouse"], { warehouseIds: [mine.wh.id] });
    const page = await openPage("/console/stock", session);
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain(mine.sku);
    expect(page.html).not.toContain(theirs.wh.id);
    expect((await openPage(`/console/stock?warehouse=${theirs.wh.id}`, session)).status).toBe(404);
    const before = await level(theirs.wh.id, theirs.sku);
    const r = await postForm("/console/stock/receive", session, { warehouse: theirs.wh.id, sku: theirs.sku, bin: "A-01", quantity: "5" });
    expect(r.status).toBe(404);
    expect(await level(theirs.wh.id, theirs.sku)).toEqual(before);
  });

  it("speaks Chinese to a Chinese reader", async () => {
    const { wh } = await site();
    const { session } = await signedIn(["warehouse_lead"]);
    const page = await openPage(`/console/stock?warehouse=${wh.id}`, session, { cookie: "oms_console_lang=zh-CN" });
    expect(page.html).toContain('lang="zh-CN"');
    const text = textOf(page.html);
    for (const word of ["在库", "已预留", "可用", "库位", "收货", "盘点", "库存流水", "拦截"]) expect(text).toContain(word);
    expect(text).not.toMatch(/On hand|Reserved|Available/);
  });
});

describe("receiving", () => {
  it("receives goods into a bin: stock goes up, the flash says how much is on hand now", async () => {
    const { wh, sku } = await site();
    const { session } = await signedIn(["warehouse_lead"]);
    const form = await openPage(`/console/stock/receive?warehouse=${wh.id}`, session);
    expect(form.status).toBe(200);
    expect(form.html).toContain("data-scan");
    const r = await postForm("/console/stock/receive", session, { warehouse: wh.id, sku: ` ${sku} `, bin: "a-01", quantity: "10", unit_cost: "2.50", reference: "PO-1" });
    expect(r.status).toBe(303);
    expect(r.location).toBe(`/console/stock/receive?warehouse=${wh.id}&bin=A-01`);
    expect(flashOf(r.headers)?.text).toBe(`Received 10 × ${sku} into A-01: 17 on hand now.`);
    expect((await stockRows(wh.id, `?sku=${sku}`))[0]).toMatchObject({ bin: "A-01", on_hand: 17 });
    const moves = (await api(`/v1/warehouses/${wh.id}/movements?kind=receive&sku=${sku}`)).body.data;
    expect(moves[0]).toMatchObject({ on_hand_delta: 10, reason: "PO-1", unit_cost: "2.50" });
  });

  it.each([
    ["an unknown SKU", { sku: "NO-SUCH-SKU" }, "No product with this SKU in this warehouse's stores."],
    ["a negative quantity", { quantity: "-3" }, "A whole number of at least 1."],
    ["no quantity", { quantity: "" }, "Required."],
    ["an unknown bin", { bin: "Z-99" }, "No active storage bin with this code in this warehouse."],
    ["the outbound bin", { bin: "OUTBOUND" }, "No active storage bin with this code in this warehouse."],
    ["a bad cost", { unit_cost: "cheap" }, "An amount such as 5.00."],
  ])("refuses %s with a 422 page that keeps the input, and writes nothing", async (_, change, message) => {
    const { wh, sku } = await site();
    const { session } = await signedIn(["warehouse"]);
    const before = await movementCount(wh.id);
    const fields = { warehouse: wh.id, sku, bin: "A-01", quantity: "4", unit_cost: "1.00", reference: "PO-keep", ...change };
    const r = await postForm("/console/stock/receive", session, fields);
    expect(r.status).toBe(422);
    const text = textOf(r.html);
    expect(text).toContain("Nothing was saved. Fix the fields below.");
    expect(text).toContain(message);
    expect(r.html).toContain('value="PO-keep"');
    expect(r.html).toContain('aria-invalid="true"');
    expect(await movementCount(wh.id)).toBe(before);
    expect((await stockRows(wh.id, `?sku=${sku}`))[0]?.on_hand).toBe(7);
  });

  it("a SKU of a store the warehouse does not serve is unknown here", async () => {
    const { wh } = await site();
    const elsewhere = await createStore();
    const foreign = unique("FOREIGN");
    await createProduct(elsewhere.id, foreign);
    const { session } = await signedIn(["warehouse_lead"]);
    const r = await postForm("/console/stock/receive", session, { warehouse: wh.id, sku: foreign, bin: "A-01", quantity: "1" });
    expect(r.status).toBe(422);
    expect(await stockRows(wh.id, `?sku=${foreign}`)).toEqual([]);
  });

  it("a form sent twice (a double tap) receives once", async () => {
    const { wh, sku } = await site();
    const { session } = await signedIn(["warehouse_lead"]);
    const fields = { warehouse: wh.id, sku, bin: "A-02", quantity: "2", _idem: crypto.randomUUID() };
    expect((await postForm("/console/stock/receive", session, fields)).status).toBe(303);
    expect((await postForm("/console/stock/receive", session, fields)).status).toBe(303);
    expect((await stockRows(wh.id, "?bin=A-02"))[0]?.on_hand).toBe(2);
  });
});

describe("adjusting and counting", () => {
  it("adjusts with a reason; the movement names the person and the reason", async () => {
    const { wh, sku } = await site();
    const { user, session } = await signedIn(["warehouse_lead"]);
    const r = await postForm("/console/stock/adjust", session, { warehouse: wh.id, sku, bin: "A-01", delta: "-2", reason: "damaged in transit" });
    expect(r.status).toBe(303);
    expect(flashOf(r.headers)?.text).toBe(`${sku} in A-01 changed by -2: 5 on hand now.`);
    expect((await stockRows(wh.id, `?sku=${sku}`))[0]?.on_hand).toBe(5);
    const movements = textOf((await openPage(`/console/stock/movements?warehouse=${wh.id}&sku=${sku}`, session)).html);
    expect(movements).toContain("Adjusted");
    expect(movements).toContain("damaged in transit");
    expect(movements).toContain(user.displayName);
  });

  it.each([
    ["no reason", { reason: "" }, 422, "Required."],
    ["a change of 0", { delta: "0" }, 422, "A whole number, not 0"],
    ["an unknown bin", { bin: "Q-1" }, 422, "No active storage bin"],
    ["more than is there", { delta: "-50" }, 409, "Not enough stock."],
  ])("refuses %s and writes nothing", async (_, change, status, message) => {
    const { wh, sku } = await site();
    const { session } = await signedIn(["warehouse"]);
    const before = await movementCount(wh.id);
    const r = await postForm("/console/stock/adjust", session, { warehouse: wh.id, sku, bin: "A-01", delta: "1", reason: "found", ...change });
    expect(r.status).toBe(status);
    expect(textOf(r.html)).toContain(message);
    expect(await movementCount(wh.id)).toBe(before);
  });

  it("counts a bin: the API books the difference, and the movements show it", async () => {
    const { wh, sku, other } = await site();
    const { session } = await signedIn(["warehouse_lead"]);
    const form = await openPage(`/console/stock/count?warehouse=${wh.id}&bin=A-01`, session);
    expect(form.status).toBe(200);
    expect(textOf(form.html)).toContain(`Counted: ${sku}`);
    expect(form.html).not.toContain(">7<");
    // The SKU the bin held, and one found there that the system did not expect.
    const r = await postForm("/console/stock/count", session, {
      warehouse: wh.id,
      bin: "A-01",
      rows: "3",
      "sku.0": sku,
      "counted.0": "5",
      "sku.1": other,
      "counted.1": "1",
      "sku.2": "",
      "counted.2": "",
      reason: "monthly",
    });
    expect(r.status).toBe(303);
    expect(flashOf(r.headers)).toEqual({ kind: "warn", text: "Count recorded for A-01: 2 SKUs, difference -1." });
    const rows = await stockRows(wh.id, "?bin=A-01");
    expect(rows.find((x) => x.sku === sku)?.on_hand).toBe(5);
    expect(rows.find((x) => x.sku === other)?.on_hand).toBe(1);
    const movements = textOf((await openPage(`/console/stock/movements?warehouse=${wh.id}&kind=count`, session)).html);
    expect(movements).toContain("Counted");
    expect(movements).toContain("-2");
    expect(movements).toContain("monthly");
  });

  it.each([
    ["nothing counted", { "counted.0": "" }, "Nothing was counted"],
    ["a negative count", { "counted.0": "-1" }, "A whole number, 0 or more."],
    ["an unknown bin", { bin: "NOPE-1" }, "No active storage bin"],
  ])("refuses a count with %s and writes nothing", async (_, change, message) => {
    const { wh, sku } = await site();
    const { session } = await signedIn(["warehouse_lead"]);
    const before = await movementCount(wh.id);
    const r = await postForm("/console/stock/count", session, { warehouse: wh.id, bin: "A-01", rows: "1", "sku.0": sku, "counted.0": "3", ...change });
    expect(r.status).toBe(422);
    expect(textOf(r.html)).toContain(message);
    expect(await movementCount(wh.id)).toBe(before);
  });
});

describe("interceptions", () => {
  it("lists a shipment stopped by a cancellation mid-pick; putting the goods back cancels it and restocks the bin", async () => {
    const f = await floorShipment("picked", { storeOnly: true });
    const order = (await api(`/v1/shipments/${f.shipmentId}`)).body.order_id as string;
    const cancel = await api(`/v1/orders/${order}/transitions`, { body: { event: "cancel", reason: "customer changed their mind" } });
    expect(cancel.status).toBe(200);
    const { session } = await signedIn(["warehouse_lead"]);
    const page = await openPage(`/console/stock/interceptions?warehouse=${f.warehouseId}`, session);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain(f.shipmentId);
    expect(text).toContain("Put goods back");
    expect(text).toContain("cancelled");
    const r = await postForm("/console/stock/interceptions/resolve", session, { warehouse: f.warehouseId, shipment: f.shipmentId, action: "restock", note: "back to F-01" });
    expect(r.status).toBe(303);
    expect(flashOf(r.headers)).toEqual({ kind: "ok", text: `Shipment ${f.shipmentId}: goods put back; it is now Cancelled.` });
    expect((await api(`/v1/shipments/${f.shipmentId}`)).body).toMatchObject({ status: "cancelled", intercepted: false });
    expect((await stockRows(f.warehouseId, "?bin=F-01"))[0]?.on_hand).toBe(5);
    expect(textOf((await openPage(`/console/stock/interceptions?warehouse=${f.warehouseId}`, session)).html)).toContain("No shipment is stopped in this warehouse.");
  });

  it("a lead stops a shipment by its id and releases it again", async () => {
    const f = await floorShipment("waved", { storeOnly: true });
    const { session } = await signedIn(["warehouse_lead"]);
    const stop = await postForm("/console/stock/interceptions/intercept", session, { warehouse: f.warehouseId, shipment: f.shipmentId, reason: "customer called" });
    expect(stop.status).toBe(303);
    expect((await api(`/v1/shipments/${f.shipmentId}`)).body).toMatchObject({ status: "intercepted", intercept_reason: "customer called" });
    const again = await postForm("/console/stock/interceptions/intercept", session, { warehouse: f.warehouseId, shipment: f.shipmentId, reason: "twice" });
    expect(again.status).toBe(409);
    expect(textOf(again.html)).toContain("This shipment is already stopped.");
    const page = textOf((await openPage(`/console/stock/interceptions?warehouse=${f.warehouseId}`, session)).html);
    expect(page).toContain("Let work continue");
    const r = await postForm("/console/stock/interceptions/resolve", session, { warehouse: f.warehouseId, shipment: f.shipmentId, action: "release" });
    expect(flashOf(r.headers)?.kind).toBe("ok");
    expect((await api(`/v1/shipments/${f.shipmentId}`)).body).toMatchObject({ status: "picking", intercepted: false });
  });

  it("refuses an unknown shipment id or a missing reason with a 4xx page", async () => {
    const { wh } = await site();
    const { session } = await signedIn(["warehouse_lead"]);
    const unknown = await postForm("/console/stock/interceptions/intercept", session, { warehouse: wh.id, shipment: "shp_01KB2R8W3D4C9QJ6H7ZNEXAMPL", reason: "x" });
    expect(unknown.status).toBe(404);
    expect(textOf(unknown.html)).toContain("There is no shipment with this id in your warehouses.");
    const garbled = await postForm("/console/stock/interceptions/intercept", session, { warehouse: wh.id, shipment: "TEA-1", reason: "x" });
    expect(garbled.status).toBe(422);
    expect(textOf(garbled.html)).toContain("There is no shipment with this id in your warehouses.");
    const noReason = await postForm("/console/stock/interceptions/intercept", session, { warehouse: wh.id, shipment: "shp_nope", reason: "" });
    expect(noReason.status).toBe(422);
    expect(noReason.html).toContain('value="shp_nope"');
  });

  it("an analyst reads the list but gets no buttons, and may not resolve", async () => {
    const f = await floorShipment("intercepted", { storeOnly: true });
    const { session } = await signedIn(["analyst"]);
    const page = await openPage(`/console/stock/interceptions?warehouse=${f.warehouseId}`, session);
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain(f.shipmentId);
    expect(page.html).not.toContain("/console/stock/interceptions/resolve");
    expect((await postForm("/console/stock/interceptions/resolve", session, { warehouse: f.warehouseId, shipment: f.shipmentId, action: "release" })).status).toBe(403);
    expect((await api(`/v1/shipments/${f.shipmentId}`)).body.status).toBe("intercepted");
  });
});
