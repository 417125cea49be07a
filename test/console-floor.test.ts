/**
 * The floor's console screens: waves and their release, picking by scan in
 * bin order (a wrong scan never counts), short picks, and the pack station
 * (open by scan, scan each unit, weigh in a package type, label and print),
 * with the red stop for a cancelled order's shipment.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { flashOf, openPage, postForm, signedIn, textOf } from "./console-helpers";
import { api, createProduct, createStore, transition, unique } from "./helpers";
import { allocatedOrder, createBin, createWarehouse, line, receive, waitFor } from "./processing-helpers";

let store: { id: string };
let wh: { id: string };
const SKU = { tea: "", mug: "" };
let teaBarcode = "";
type Session = Awaited<ReturnType<typeof signedIn>>["session"];
const who: Record<"lead" | "picker" | "packer" | "support" | "analyst" | "finance", Session> = {} as never;

beforeAll(async () => {
  store = await createStore();
  SKU.tea = unique("TEA");
  SKU.mug = unique("MUG");
  teaBarcode = `401${Date.now()}`;
  await createProduct(store.id, SKU.tea, { name: "Sencha green tea", weight_grams: 100, barcode: teaBarcode });
  await createProduct(store.id, SKU.mug, { name: "Stoneware mug", weight_grams: 400 });
  wh = await createWarehouse({ weight_tolerance_pct: 5, weight_tolerance_grams: 20 });
  await createBin(wh.id, "A-02-01", { pick_sequence: 20 });
  await createBin(wh.id, "A-01-01", { pick_sequence: 10 });
  await receive(wh.id, [
    { sku: SKU.tea, bin: "A-02-01", quantity: 50 },
    { sku: SKU.mug, bin: "A-01-01", quantity: 50 },
  ]);
  const box = await api(`/v1/warehouses/${wh.id}/package-types`, { body: { code: "BOX-M", name: "Medium box", tare_grams: 50, length_mm: 300, width_mm: 200, height_mm: 100 } });
  expect(box.status).toBe(201);
  for (const [k, position] of [
    ["lead", "warehouse_lead"],
    ["picker", "picker"],
    ["packer", "packer"],
    ["support", "support"],
    ["analyst", "analyst"],
    ["finance", "finance"],
  ] as const)
    who[k] = (await signedIn([position])).session;
});

/** An allocated order whose shipment waits to be released (its own carrier, so a wave by carrier holds it alone). */
async function pendingOrder(lines: unknown[]) {
  const carrier = unique("car");
  await api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id], default_carrier: carrier } });
  const { order, allocation } = await allocatedOrder(store.id, { lines });
  return { order, shipmentId: allocation.shipments[0].id as string, carrier };
}

async function wavedOrder(lines: unknown[]) {
  const o = await pendingOrder(lines);
  const r = await api("/v1/waves", { body: { warehouse_id: wh.id, group_by: "carrier" } });
  const wave = r.body.data.find((w: any) => w.group_key === o.carrier);
  return { ...o, wave };
}

const waveLines = async (id: string) => (await api(`/v1/waves/${id}`)).body.pick_list as any[];
const shipment = async (id: string) => (await api(`/v1/shipments/${id}`)).body;

describe("waves", () => {
  it("lists the waves to pick with their progress, and the lead releases pending shipments into a wave", async () => {
    const { shipmentId, carrier } = await pendingOrder([line(SKU.mug, 1), line(SKU.tea, 2)]);
    const before = await openPage("/console/waves", who.lead);
    expect(before.status).toBe(200);
    expect(before.html).toContain('action="/console/waves"');

    const done = await postForm("/console/waves", who.lead, { warehouse_id: wh.id, group_by: "carrier", max_shipments: "20" });
    expect(done.status).toBe(303);
    expect(flashOf(done.headers)?.text).toMatch(/^Released (1 wave|([02-9]|[1-9]\d+) waves)\.$/);
    const s = await shipment(shipmentId);
    expect(s.status).toBe("picking");
    expect(s.wave_id).toMatch(/^wv_/);

    const after = await openPage("/console/waves", who.picker);
    const text = textOf(after.html);
    expect(text).toContain(s.wave_id);
    expect(text).toContain(carrier);
    expect(text).toContain("0 of 3 picked");
    expect(after.html).toContain(`href="/console/waves/${s.wave_id}/pick"`);
  });

  it("refuses a wave size that is not a number, and releases nothing", async () => {
    const { shipmentId } = await pendingOrder([line(SKU.mug, 1)]);
    const r = await postForm("/console/waves", who.lead, { warehouse_id: wh.id, group_by: "carrier", max_shipments: "lots" });
    expect(r.status).toBe(422);
    expect(textOf(r.html)).toContain("Shipments per wave: a whole number from 1 to 200.");
    expect(r.html).toContain('value="lots"');
    expect((await shipment(shipmentId)).status).toBe("pending");
    // Released afterwards, so the next test's wave holds only its own shipment.
    await api("/v1/waves", { body: { warehouse_id: wh.id, group_by: "carrier" } });
  });

  it("is read-only for support (no release form, no picking) and refused to finance", async () => {
    const support = await openPage("/console/waves", who.support);
    expect(support.status).toBe(200);
    expect(support.html).not.toContain('action="/console/waves"');
    expect(support.html).not.toContain("/pick");
    const finance = await openPage("/console/waves", who.finance);
    expect(finance.status).toBe(403);
    expect(textOf(finance.html)).toContain("Not for your position");
  });
});

describe("picking by scan", () => {
  it("walks the wave in bin order: a wrong scan shows red and counts nothing, right scans advance, a short pick closes the line", async () => {
    const { wave } = await wavedOrder([line(SKU.tea, 2), line(SKU.mug, 1)]);
    const path = `/console/waves/${wave.id}/pick`;
    const first = await openPage(path, who.picker);
    expect(first.status).toBe(200);
    const text = textOf(first.html);
    // A-01-01 comes before A-02-01 on the path although the mug is the order's second line.
    expect(text).toMatch(/Current pick Bin A-01-01 SKU MUG-\S+ Product Stoneware mug To pick 1 · 0 of 1 done/);
    expect(text).toContain("0 of 3 units picked in this wave");
    expect(first.html).toMatch(/<input id="scan-code" name="code" class="scan" data-scan="true" autofocus="" autocomplete="off"/);
    expect(first.html).toContain('<label for="scan-code">');
    const mugLine = (await waveLines(wave.id)).find((l) => l.sku === SKU.mug);

    const wrong = await postForm(path, who.picker, { item_id: mugLine.item_id, code: SKU.tea });
    expect(wrong.status).toBe(409);
    expect(wrong.html).toContain('class="scan-result bad" role="alert"');
    expect(textOf(wrong.html)).toContain(`Wrong item: scanned ${SKU.tea}, expected ${SKU.mug} from bin A-01-01`);
    expect((await waveLines(wave.id)).every((l) => l.picked === 0)).toBe(true);

    const right = await postForm(path, who.picker, { item_id: mugLine.item_id, code: SKU.mug });
    expect(right.status).toBe(303);
    expect(flashOf(right.headers)).toEqual({ kind: "ok", text: `Picked 1 of 1 ${SKU.mug}` });
    const next = await openPage(path, { cookie: `${who.picker.cookie}; ${right.headers.getSetCookie()[0]?.split(";")[0]}` });
    expect(next.html).toContain('class="scan-result ok" role="status"');
    expect(textOf(next.html)).toContain("Bin A-02-01");
    expect(textOf(next.html)).toContain("Sencha green tea");

    const teaLine = (await waveLines(wave.id)).find((l) => l.sku === SKU.tea);
    const byBarcode = await postForm(path, who.picker, { item_id: teaLine.item_id, code: teaBarcode });
    expect(flashOf(byBarcode.headers)?.text).toBe(`Picked 1 of 2 ${SKU.tea}`);

    const badShort = await postForm(`${path}/short`, who.picker, { item_id: teaLine.item_id, found: "5" });
    expect(badShort.status).toBe(422);
    expect(textOf(badShort.html)).toContain("Enter how many you found: a whole number from 0 to 0.");
    const short = await postForm(`${path}/short`, who.picker, { item_id: teaLine.item_id, found: "0" });
    expect(short.status).toBe(303);
    expect(flashOf(short.headers)?.text).toBe(`Short pick reported: 1 of 2 ${SKU.tea} found.`);
    const lines = await waveLines(wave.id);
    expect(lines.find((l) => l.sku === SKU.tea)).toMatchObject({ picked: 1, short: 1, to_pick: 0 });
    expect((await api(`/v1/waves/${wave.id}`)).body.status).toBe("picked");
    const finished = await openPage(path, who.picker);
    expect(textOf(finished.html)).toContain("This wave is picked: every line is done.");
    expect(finished.html).toContain('href="/console/waves"');
  });

  it("is refused to support and analyst", async () => {
    const { wave } = await wavedOrder([line(SKU.mug, 1)]);
    for (const s of [who.support, who.analyst]) {
      expect((await openPage(`/console/waves/${wave.id}/pick`, s)).status).toBe(403);
      expect((await postForm(`/console/waves/${wave.id}/pick`, s, { item_id: "x", code: SKU.mug })).status).toBe(403);
    }
    expect((await waveLines(wave.id))[0].picked).toBe(0);
  });

  it("speaks Chinese to a Chinese reader", async () => {
    const { wave } = await wavedOrder([line(SKU.mug, 1)]);
    const zh = await openPage(`/console/waves/${wave.id}/pick`, who.picker, { cookie: "oms_console_lang=zh-CN" });
    expect(zh.html).toContain('<html lang="zh-CN">');
    expect(textOf(zh.html)).toContain("当前拣货 库位 A-01-01");
    expect(textOf(zh.html)).toContain("本波次已拣 0 / 1 件");
    expect(textOf((await openPage(`/console/waves/${wave.id}/pick`, who.picker)).html)).toMatch(/0 of 1 unit picked in this wave/);
    const list = await openPage("/console/waves", who.picker, { cookie: "oms_console_lang=zh-CN" });
    expect(textOf(list.html)).toContain("待拣货");
  });
});

/** A wave of one order, picked through the API: its shipment is at the pack station. */
async function pickedOrder(lines: ReturnType<typeof line>[]) {
  const o = await wavedOrder(lines);
  for (const l of await waveLines(o.wave.id)) await api(`/v1/waves/${o.wave.id}/picks`, { body: { item_id: l.item_id, scanned: l.sku, quantity: l.to_pick } });
  return o;
}

describe("the pack station", () => {
  it("opens by scanning the order, scans each unit, refuses a bad weight, packs in a package type and prints the label", async () => {
    const { order, shipmentId } = await pickedOrder([line(SKU.mug, 1), line(SKU.tea, 2)]);
    const home = await openPage("/console/pack", who.packer);
    expect(home.status).toBe(200);
    expect(home.html).toContain('class="scan" data-scan');

    const unknown = await postForm("/console/pack", who.packer, { code: "ord_NOPE" });
    expect(unknown.status).toBe(404);
    expect(textOf(unknown.html)).toContain("Nothing to pack for ord_NOPE.");
    const opened = await postForm("/console/pack", who.packer, { code: order.id });
    expect(opened.status).toBe(303);
    expect(opened.location).toBe(`/console/pack/${shipmentId}`);
    const page = `/console/pack/${shipmentId}`;
    expect(textOf((await openPage(page, who.packer)).html)).toContain("3 units left to scan");

    const wrong = await postForm(`${page}/scan`, who.packer, { code: "NOT-HERE" });
    expect(wrong.status).toBe(409);
    expect(wrong.html).toContain('class="scan-result bad" role="alert"');
    expect(textOf(wrong.html)).toContain("Wrong item: NOT-HERE is not in this shipment");
    expect((await shipment(shipmentId)).items.every((i: any) => i.packed === 0)).toBe(true);

    const first = await postForm(`${page}/scan`, who.packer, { code: SKU.mug });
    expect(flashOf(first.headers)).toEqual({ kind: "ok", text: `Scanned ${SKU.mug}: 2 units left` });
    const byBarcode = await postForm(`${page}/scan`, who.packer, { code: teaBarcode });
    expect(flashOf(byBarcode.headers)).toEqual({ kind: "ok", text: `Scanned ${SKU.tea}: 1 unit left` });
    expect((await postForm(`${page}/scan`, who.packer, { code: SKU.tea })).status).toBe(303);
    const extra = await postForm(`${page}/scan`, who.packer, { code: SKU.tea });
    expect(extra.status).toBe(409);
    expect(textOf(extra.html)).toContain(`Already scanned: every picked ${SKU.tea} is in the package`);

    const ready = await openPage(page, who.packer);
    expect(textOf(ready.html)).toContain("Every unit is scanned: weigh and pack.");
    expect(ready.html).toContain('<option value="BOX-M">');

    const bad = await postForm(`${page}/pack`, who.packer, { weight: "heavy", unit: "g", package_type: "BOX-M" });
    expect(bad.status).toBe(422);
    expect(textOf(bad.html)).toContain("Enter the weight the scale shows: a number above 0.");
    expect(bad.html).toContain('value="heavy"');
    expect((await shipment(shipmentId)).status).toBe("picking");

    // Expected 400 + 2 x 100 + 50 tare = 650 g, tolerance max(5% of 650, 20) = 33 g.
    const heavy = await postForm(`${page}/pack`, who.packer, { weight: "0.9", unit: "kg", package_type: "BOX-M" });
    expect(heavy.status).toBe(409);
    expect(textOf(heavy.html)).toContain("Weight 900 g is outside 650 g ± 33 g");
    expect(heavy.html).toContain('name="weight_override_reason"');
    expect((await shipment(shipmentId)).status).toBe("picking");

    const packed = await postForm(`${page}/pack`, who.packer, { weight: "0.655", unit: "kg", package_type: "BOX-M" });
    expect(packed.status).toBe(303);
    expect(flashOf(packed.headers)?.text).toBe("Packed: ready for its label.");
    const s = await shipment(shipmentId);
    expect(s.status).toBe("packed");
    expect(s.packages[0]).toMatchObject({ package_type: "BOX-M", weight_grams: 655 });

    const label = await postForm(`${page}/label`, who.packer, {});
    expect(label.status).toBe(303);
    expect(flashOf(label.headers)?.text).toMatch(/^Label bought: /);
    expect((await shipment(shipmentId)).status).toBe("labelled");
    const labelled = await openPage(page, who.packer);
    expect(labelled.html).toContain(`href="/console/pack/${shipmentId}/label.pdf"`);
    const { exports } = await import("cloudflare:workers");
    const pdf = await exports.default.fetch(`http://oms.test/console/pack/${shipmentId}/label.pdf`, { headers: { cookie: who.packer.cookie } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(new TextDecoder().decode((await pdf.arrayBuffer()).slice(0, 5))).toBe("%PDF-");
  });

  it("packs in a package measured by hand, and refuses one without dimensions", async () => {
    const { shipmentId } = await pickedOrder([line(SKU.mug, 1)]);
    const page = `/console/pack/${shipmentId}`;
    await postForm(`${page}/scan`, who.packer, { code: SKU.mug });
    const noDims = await postForm(`${page}/pack`, who.packer, { weight: "400", unit: "g", package_type: "" });
    expect(noDims.status).toBe(422);
    expect(textOf(noDims.html)).toContain("Choose a package type, or enter length, width and height in millimetres.");
    expect((await shipment(shipmentId)).status).toBe("picking");
    const ok = await postForm(`${page}/pack`, who.packer, { weight: "405", unit: "g", package_type: "", length_mm: "200", width_mm: "150", height_mm: "100" });
    expect(ok.status).toBe(303);
    expect((await shipment(shipmentId)).packages[0]).toMatchObject({ length_mm: 200, weight_grams: 405 });
  });

  it("stops a cancelled order's shipment in red and will not pack it", async () => {
    const { order, shipmentId } = await pickedOrder([line(SKU.mug, 1)]);
    expect((await transition(order.id, "cancel", { reason: "customer changed their mind" })).status).toBe(200);
    await waitFor(async () => expect((await shipment(shipmentId)).status).toBe("intercepted"));
    const page = await openPage(`/console/pack/${shipmentId}`, who.packer);
    expect(page.html).toContain('class="scan-result bad floor-stop" role="alert"');
    expect(textOf(page.html)).toContain("Do not ship: order cancelled");
    expect(page.html).not.toContain(`/console/pack/${shipmentId}/pack`);
    const tried = await postForm(`/console/pack/${shipmentId}/pack`, who.packer, { weight: "400", unit: "g", package_type: "BOX-M" });
    expect(tried.status).toBe(409);
    expect((await shipment(shipmentId)).status).toBe("intercepted");
  });

  it("is refused to support and analyst", async () => {
    for (const s of [who.support, who.analyst]) {
      expect((await openPage("/console/pack", s)).status).toBe(403);
      expect((await postForm("/console/pack", s, { code: "ord_x" })).status).toBe(403);
    }
  });
});
