/**
 * The stock section's replenishment: the API's suggestions for a warehouse
 * with the numbers behind each (stock in transit split from on order), why
 * in the reader's language, the filters the API takes, choosing suggestions
 * and turning them into draft purchase orders in one action (refusals shown,
 * nothing written; a double tap counted once), a suggestion to transfer
 * leading to a filled-in transfer form, and who may see and do what.
 *
 * Sales history is written as the daily rollup rows the API reads (as in
 * test/replenishment.test.ts): 28 days before today.
 */
import { env } from "./shard-env";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createProduct, createStore, unique } from "./helpers";
import { flashOf, openPage, postForm, signedIn, textOf } from "./console-helpers";
import { createBin, createWarehouse, receive } from "./processing-helpers";

const DAY_MS = 86_400_000;
let store: { id: string };
let main: { id: string };
let spare: { id: string };
let mainName: string;
let spareName: string;
let supplier: string;
const sku = { x: "", y: "", w: "", v: "" };

async function history(warehouseId: string, s: string, perDay: number) {
  const now = Date.now();
  const days = Array.from({ length: 28 }, (_, i) => new Date(now - (i + 1) * DAY_MS).toISOString().slice(0, 10));
  await env.DB.batch(
    days.map((day) =>
      env.DB.prepare(
        "INSERT INTO rollup_sku_days (store_id, day, warehouse_id, sku, currency, units_ordered, revenue_ordered, units_cancelled, revenue_cancelled, units_shipped, revenue_shipped, cost_shipped) VALUES (?, ?, ?, ?, 'USD', ?, 0, 0, 0, ?, 0, NULL)",
      ).bind(store.id, day, warehouseId, s, perDay, perDay),
    ),
  );
}

beforeAll(async () => {
  store = await createStore();
  for (const k of Object.keys(sku) as (keyof typeof sku)[]) {
    sku[k] = unique(`C${k.toUpperCase()}`);
    await createProduct(store.id, sku[k], { name: `Product ${k}` });
  }
  mainName = unique("Main");
  spareName = unique("Spare");
  main = await createWarehouse({ name: mainName, store_ids: [store.id] });
  spare = await createWarehouse({ name: spareName, store_ids: [store.id] });
  await createBin(main.id, "M-01");
  await createBin(spare.id, "S-01");
  await receive(main.id, [
    { sku: sku.x, bin: "M-01", quantity: 40 },
    { sku: sku.y, bin: "M-01", quantity: 10 },
  ]);
  await receive(spare.id, [
    { sku: sku.y, bin: "S-01", quantity: 300 },
    { sku: sku.v, bin: "S-01", quantity: 9 },
  ]);
  // x: 3/day, ordered from the supplier; y: 2/day here, the spare has plenty; w: 1/day, no supplier.
  await history(main.id, sku.x, 3);
  await history(main.id, sku.y, 2);
  await history(spare.id, sku.y, 1);
  await history(main.id, sku.w, 1);
  supplier = (await api("/v1/suppliers", { body: { store_id: store.id, name: unique("Tea Farm"), currency: "USD", lead_time_days: 10 } })).body.id;
  await api(`/v1/suppliers/${supplier}/items/${sku.x}`, { method: "PUT", body: { unit_cost: "1.00", min_order_qty: 12, pack_size: 12 } });
  await api(`/v1/suppliers/${supplier}/items/${sku.v}`, { method: "PUT", body: { unit_cost: "1.00" } });
  // 5 of v on their way from the spare: the API counts them as on order; the screen shows them in transit.
  const t = await api("/v1/transfers", { body: { from_warehouse_id: spare.id, to_warehouse_id: main.id, lines: [{ sku: sku.v, from_bin: "S-01", quantity: 5 }] } });
  expect(t.status).toBe(201);
});

const page = (query = "", session?: { cookie: string }, headers: Record<string, string> = {}) =>
  openPage(`/console/stock/replenishment?warehouse=${main.id}&store=${store.id}${query}`, session, headers);
const draftsOf = async () =>
  ((await api(`/v1/purchase-orders?warehouse_id=${main.id}&limit=200`)).body.data as { id: string; status: string }[]).filter((p) => p.status === "draft");
/** The table row of a SKU, as text. */
const rowOf = (html: string, s: string) => textOf(/<tr>(?:(?!<tr>)[\s\S])*?<\/tr>/g.exec(html.slice(html.lastIndexOf("<tr>", html.indexOf(`>${s}<`))))?.[0] ?? "");

describe("replenishment suggestions", () => {
  it("shows each suggestion with its numbers, supplier and the API's reason; in transit apart from on order", async () => {
    const { session } = await signedIn(["warehouse_lead"]);
    const p = await page("&include_none=true", session);
    expect(p.status).toBe(200);
    const api_ = (await api(`/v1/replenishment?store_id=${store.id}&warehouse_id=${main.id}&include_none=true`)).body.data as Record<string, unknown>[];
    const byS = new Map(api_.map((x) => [x.sku as string, x]));
    const y = rowOf(p.html, sku.y);
    // y: 2/day, no supplier: reorder point = safety stock 14, target 14 + 28 = 42, need 32; the spare keeps 21 of its 300.
    expect(y).toContain("Transfer 32");
    expect(y).toContain(`from ${spareName}`);
    expect(y).toContain("10 / 0 / 10");
    expect(y).toContain(byS.get(sku.y)!.explanation as string);
    const w = rowOf(p.html, sku.w);
    expect(w).toContain("No supplier 21");
    const v = rowOf(p.html, sku.v);
    // On order 0, in transit 5 (the API's on_order of 5 is the transfer).
    expect(byS.get(sku.v)).toMatchObject({ on_order: 5 });
    expect(v).toContain(`${sku.v} Product v 0 / 0 / 0 0 5 0`);
    expect(v).toContain("Nothing to do");
    const x = rowOf(p.html, sku.x);
    // On hand / reserved / available, on order, in transit, per day, lead time, reorder point, the suggestion.
    expect(x).toContain("40 / 0 / 40 0 0 3 10 d 51 Order 60");
    expect(p.html).toContain(`/console/purchasing/suppliers/${supplier}`);
    // Without include_none the SKUs that need nothing are not listed.
    const only = textOf((await page("", session)).html);
    expect(only).toContain(sku.y);
    expect(only).not.toContain(sku.v);
  });

  it("filters by the API's days: more safety stock turns x into an order, rounded to packs", async () => {
    const { session } = await signedIn(["warehouse_lead"]);
    const x = rowOf((await page("&safety_days=14", session)).html, sku.x);
    // 3/day: reorder point 30 + 42 = 72, target 72 + 42 = 114, need 114 - 40 = 74 -> 84 (packs of 12).
    expect(x).toContain("Order 84");
    expect(x).toContain("order 84 from");
    expect(x).toContain("(74 rounded up to the minimum 12 and packs of 12)");
  });

  it.each([
    ["a window of 0 days", "&window_days=0", "window_days"],
    ["safety days that are not a number", "&safety_days=lots", "safety_days"],
    ["cover past a year", "&cover_days=400", "cover_days"],
  ])("refuses %s with a 422 page and the problem beside the field", async (_, query, field) => {
    const { session } = await signedIn(["warehouse_lead"]);
    const p = await page(query, session);
    expect(p.status).toBe(422);
    expect(p.html).toMatch(new RegExp(`id="${field}"[^>]*aria-invalid="true"`));
    expect(textOf(p.html)).toContain("A whole number of days from");
  });

  it("explains each suggestion in Chinese from the API's numbers", async () => {
    const { session } = await signedIn(["warehouse_lead"]);
    const p = await page("&safety_days=14", session, { cookie: "oms_console_lang=zh-CN" });
    expect(p.status).toBe(200);
    const x = rowOf(p.html, sku.x);
    expect(x).toContain("日均销量 3（近 28 天）");
    expect(x).toContain("库存位置 40 = 可用 40 + 已订购及在途 0 − 缺货 0");
    expect(x).toContain("不高于再订货点 72（10 天采购周期 + 14 天安全库存）");
    expect(x).toContain("订购 84，补至 114（覆盖 14 天）");
    expect(x).toContain("74 按供应商起订量和整包向上取整");
    const y = rowOf(p.html, sku.y);
    expect(y).toContain(`${spareName} 库存有富余：调入`);
    const text = textOf(p.html);
    for (const word of ["补货建议", "已订购", "调拨在途", "再订货点", "建议数量", "原因"]) expect(text).toContain(word);
    expect(text).not.toMatch(/sells \d|position \d/);
  });

  it("a suggestion to transfer leads to the transfer form, filled in from the warehouse with stock to spare", async () => {
    const { session } = await signedIn(["warehouse_lead"]);
    const p = await page("", session);
    const link = `/console/stock/transfers/new?warehouse=${spare.id}&amp;to=${main.id}&amp;sku=${encodeURIComponent(sku.y)}&amp;quantity=32`;
    expect(p.html).toContain(link);
    const form = await openPage(link.replaceAll("&amp;", "&"), session);
    expect(form.status).toBe(200);
    expect(form.html).toContain(`<option value="${main.id}" selected="">`);
    expect(form.html).toMatch(new RegExp(`id="sku.0"[^>]*value="${sku.y}"`));
    expect(form.html).toMatch(/id="from_bin.0"[^>]*value="S-01"/);
    expect(form.html).toMatch(/id="quantity.0"[^>]*value="32"/);
    expect(textOf(form.html)).toContain(`${sku.y} is in: S-01 (300)`);
  });
});

describe("draft purchase orders from suggestions", () => {
  it("makes one draft for the chosen suggestions and links to it", async () => {
    const { session } = await signedIn(["admin"]);
    const before = (await draftsOf()).length;
    const r = await postForm("/console/stock/replenishment/purchase-orders", session, {
      warehouse: main.id,
      store: store.id,
      window_days: "28",
      safety_days: "14",
      cover_days: "14",
      sku: [sku.x],
    });
    expect(r.status).toBe(303);
    const made = new URL(r.location!, "http://x").searchParams.get("made")!;
    expect(made).toMatch(/^po_/);
    expect(flashOf(r.headers)).toEqual({ kind: "ok", text: `Draft purchase orders made: ${made}` });
    expect((await draftsOf()).length).toBe(before + 1);
    const po = (await api(`/v1/purchase-orders/${made}`)).body;
    expect(po).toMatchObject({ status: "draft", supplier_id: supplier, warehouse_id: main.id, lines: [{ sku: sku.x, quantity: 84 }] });
    const shown = await openPage(r.location!, session);
    expect(shown.html).toContain(`href="/console/purchasing/orders/${made}"`);
    expect(textOf(shown.html)).toContain(`${sku.x} × 84`);
    await api(`/v1/purchase-orders/${made}/transitions`, { body: { event: "cancel", reason: "test over" } });
  });

  it("says what was skipped and why, in words, when a chosen SKU is better moved than ordered", async () => {
    const { session } = await signedIn(["admin"]);
    const before = (await draftsOf()).length;
    const r = await postForm("/console/stock/replenishment/purchase-orders", session, { warehouse: main.id, store: store.id, sku: [sku.y] });
    expect(r.status).toBe(303);
    expect(flashOf(r.headers)).toEqual({ kind: "warn", text: `No draft was made: nothing chosen still needs ordering. ${sku.y}: move 32 from ${spareName} instead.` });
    expect((await draftsOf()).length).toBe(before);
  });

  it("refuses with nothing chosen, and writes nothing", async () => {
    const { session } = await signedIn(["admin"]);
    const before = (await draftsOf()).length;
    const r = await postForm("/console/stock/replenishment/purchase-orders", session, { warehouse: main.id, store: store.id, safety_days: "14" });
    expect(r.status).toBe(422);
    expect(textOf(r.html)).toContain("Choose at least one suggestion to order.");
    expect((await draftsOf()).length).toBe(before);
  });

  it("shows the API's refusal on the page and writes nothing", async () => {
    const { session } = await signedIn(["admin"]);
    const before = (await draftsOf()).length;
    // A store this warehouse does not ship for.
    const elsewhere = await createStore();
    const r = await postForm("/console/stock/replenishment/purchase-orders", session, { warehouse: main.id, store: elsewhere.id, safety_days: "14", sku: [sku.x] });
    expect(r.status).toBe(422);
    expect(textOf(r.html)).toContain("Some fields need another look.");
    expect((await draftsOf()).length).toBe(before);
  });

  it("a form sent twice (a double tap) makes its drafts once", async () => {
    const { session } = await signedIn(["admin"]);
    const before = (await draftsOf()).length;
    const fields = { warehouse: main.id, store: store.id, safety_days: "14", sku: [sku.x], _idem: crypto.randomUUID() };
    const first = await postForm("/console/stock/replenishment/purchase-orders", session, fields);
    const second = await postForm("/console/stock/replenishment/purchase-orders", session, fields);
    expect([first.status, second.status]).toEqual([303, 303]);
    expect(second.location).toBe(first.location);
    const drafts = await draftsOf();
    expect(drafts.length).toBe(before + 1);
    const made = new URL(first.location!, "http://x").searchParams.get("made")!;
    await api(`/v1/purchase-orders/${made}/transitions`, { body: { event: "cancel", reason: "test over" } });
  });
});

describe("who may see and do what", () => {
  it("the warehouse reads suggestions but gets no boxes or button, and may not make drafts", async () => {
    const { session } = await signedIn(["warehouse"]);
    const p = await page("&safety_days=14", session);
    expect(p.status).toBe(200);
    expect(textOf(p.html)).toContain(sku.x);
    expect(p.html).not.toContain('type="checkbox" name="sku"');
    expect(p.html).not.toContain("Create draft purchase orders");
    const before = (await draftsOf()).length;
    const r = await postForm("/console/stock/replenishment/purchase-orders", session, { warehouse: main.id, store: store.id, safety_days: "14", sku: [sku.x] });
    expect(r.status).toBe(403);
    expect((await draftsOf()).length).toBe(before);
  });

  it("an admin gets a box per suggestion to order and the button", async () => {
    const { session } = await signedIn(["admin"]);
    const p = await page("&safety_days=14", session);
    expect(p.html).toContain(`name="sku" value="${sku.x}"`);
    expect(p.html).not.toContain(`name="sku" value="${sku.y}"`);
    expect(textOf(p.html)).toContain("Create draft purchase orders");
  });

  it("pickers, packers and support get no tab and a 403 page", async () => {
    for (const position of ["picker", "packer", "support"]) {
      const { session } = await signedIn([position]);
      expect((await page("", session)).status).toBe(403);
      if (position !== "support") expect((await openPage(`/console/stock?warehouse=${main.id}`, session)).html).not.toContain("/console/stock/replenishment");
    }
    const lead = await signedIn(["warehouse_lead"]);
    expect((await openPage(`/console/stock?warehouse=${main.id}`, lead.session)).html).toContain(`/console/stock/replenishment?warehouse=${main.id}`);
  });

  it("a person scoped to another warehouse is told it is not found", async () => {
    const { session } = await signedIn(["warehouse_lead"], { warehouseIds: [spare.id] });
    expect((await page("", session)).status).toBe(404);
  });
});
