// The warehouse floor: a picker picks a wave by scanning; a packer packs and prints.
// Each run makes its own store (with the demo SKUs TEA-1 and MUG-1), warehouse, bins,
// stock and package type through the API, so the wave holds only this journey's goods.
import assert from "node:assert/strict";
import { test } from "./harness.mjs";
import { ctx, newPage, shot, shotsEverywhere, signIn, WIDTHS } from "./harness.mjs";

const run = Date.now().toString(36);
const US = { name: "Maya Chen", line1: "350 5th Ave", city: "New York", region: "NY", postal_code: "10118", country: "US" };

async function ok(r, what) {
  assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${r.text}`);
  return r.body;
}

/** A store of its own routed to a warehouse of its own, with stock of TEA-1 and MUG-1 in two bins along the path. */
async function floorSetup() {
  const api = ctx.server.api;
  const store = await ok(await api("/v1/stores", { body: { name: `Floor journey ${run}`, currency: "USD", auto_audit: false } }), "store");
  await ok(await api("/v1/products", { body: { store_id: store.id, sku: "TEA-1", name: "Sencha green tea 100g", price: "12.50", weight_grams: 120 } }), "tea");
  await ok(await api("/v1/products", { body: { store_id: store.id, sku: "MUG-1", name: "Stoneware mug", price: "18.00", weight_grams: 350 } }), "mug");
  const wh = await ok(
    await api("/v1/warehouses", { body: { name: `Floor ${run}`, country: "US", region: "NJ", weight_tolerance_pct: 5, weight_tolerance_grams: 20, store_ids: [store.id] } }),
    "warehouse",
  );
  await ok(await api(`/v1/warehouses/${wh.id}/bins`, { body: { code: "A-01-01", pick_sequence: 10 } }), "bin A-01-01");
  await ok(await api(`/v1/warehouses/${wh.id}/bins`, { body: { code: "A-02-01", pick_sequence: 20 } }), "bin A-02-01");
  await ok(
    await api(`/v1/warehouses/${wh.id}/receipts`, {
      body: {
        lines: [
          { sku: "TEA-1", bin: "A-02-01", quantity: 40, unit_cost: "3.00" },
          { sku: "MUG-1", bin: "A-01-01", quantity: 40, unit_cost: "6.00" },
        ],
      },
    }),
    "receipt",
  );
  await ok(
    await api(`/v1/warehouses/${wh.id}/package-types`, { body: { code: "BOX-S", name: "Small box", tare_grams: 60, length_mm: 250, width_mm: 180, height_mm: 120 } }),
    "package type",
  );
  await ok(await api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id] } }), "routing");
  return { store, wh };
}

/** An order approved through the API; the queue allocates it to the journey's warehouse. */
async function allocatedOrder(storeId, lines) {
  const api = ctx.server.api;
  const order = await ok(
    await api("/v1/orders", {
      body: {
        store_id: storeId,
        channel: "web",
        customer: { name: "Maya Chen", email: "maya@example.com", phone: "+1 212 555 0100" },
        shipping_address: US,
        lines,
        currency: "USD",
      },
    }),
    "order",
  );
  await ok(await api(`/v1/orders/${order.id}/transitions`, { body: { event: "approve" } }), "approve");
  for (let i = 0; i < 100; i++) {
    const s = (await api(`/v1/shipments?order_id=${order.id}`)).body?.data ?? [];
    if (s.length) return { order, shipmentId: s[0].id };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`order ${order.id} was not allocated`);
}

const waveOf = async (shipmentId) => (await ctx.server.api(`/v1/shipments/${shipmentId}`)).body.wave_id;

test("a picker picks a wave by scanning; a packer packs and prints", { timeout: 480_000 }, async () => {
  const { store, wh } = await floorSetup();
  const { order, shipmentId } = await allocatedOrder(store.id, [
    { sku: "TEA-1", quantity: 2, unit_price: "12.50" },
    { sku: "MUG-1", quantity: 1, unit_price: "18.00" },
  ]);

  // The lead releases the warehouse's pending shipments in a wave, at the desk.
  const lead = await newPage({ width: WIDTHS.desktop });
  try {
    await signIn(lead, "warehouse_lead");
    assert.equal(new URL(lead.url()).pathname, "/console/waves");
    await lead.getByLabel("Warehouse", { exact: true }).selectOption(wh.id);
    await lead.getByLabel("Group by").selectOption("carrier");
    await shot(lead, "floor-waves-release-en-1280");
    await Promise.all([lead.waitForURL("**/console/waves"), lead.getByRole("button", { name: "Release" }).click()]);
    assert.match(await lead.locator(".flash.ok").textContent(), /^Released (1 wave|([02-9]|[1-9]\d+) waves)\.$/);
  } finally {
    await lead.context().close();
  }
  const waveId = await waveOf(shipmentId);
  assert.match(waveId, /^wv_/);

  // The picker walks it on a phone: bin by bin, typing each code and Enter as a wedge scanner does.
  const picker = await newPage({ width: WIDTHS.phone });
  try {
    await signIn(picker, "picker");
    await picker.locator(`a[href="/console/waves/${waveId}/pick"]`).click();
    await picker.waitForURL(`**/console/waves/${waveId}/pick`);
    assert.equal(await picker.locator(".floor-bin strong").textContent(), "A-01-01");
    assert.ok(await picker.locator("input.scan[data-scan]").evaluate((el) => el === document.activeElement));
    await shot(picker, "floor-pick-first-en-360");
    // The wrong item first: red, and it counts nothing.
    await picker.locator("input.scan").fill("TEA-1");
    await Promise.all([picker.waitForEvent("load"), picker.locator("input.scan").press("Enter")]);
    assert.equal(await picker.locator(".scan-result.bad[role=alert]").textContent(), "✗ Wrong item: scanned TEA-1, expected MUG-1 from bin A-01-01");
    await shot(picker, "floor-pick-wrong-en-360");
    const after = (await ctx.server.api(`/v1/waves/${waveId}`)).body.pick_list;
    assert.ok(after.every((l) => l.picked === 0));
    // Then each unit of each pick, in bin order.
    const bins = [];
    for (let i = 0; i < 10 && (await picker.locator(".floor-bin").count()); i++) {
      bins.push(await picker.locator(".floor-bin strong").textContent());
      const sku = await picker.locator(".floor-pick dd.mono").first().textContent();
      await picker.locator("input.scan").fill(sku);
      await Promise.all([picker.waitForURL(`**/console/waves/${waveId}/pick`), picker.locator("input.scan").press("Enter")]);
      assert.match(await picker.locator(".scan-result.ok").first().textContent(), new RegExp(`Picked \\d of \\d ${sku}|every line is done`));
      if (i === 1) await shot(picker, "floor-pick-ok-en-360");
    }
    assert.deepEqual(bins, ["A-01-01", "A-02-01", "A-02-01"]);
    assert.match(await picker.locator("main").textContent(), /This wave is picked: every line is done\./);
    await shot(picker, "floor-pick-done-en-360");
  } finally {
    await picker.context().close();
  }

  // The packer opens the shipment by scanning the order, scans, weighs, packs and prints.
  const packer = await newPage({ width: WIDTHS.phone });
  try {
    await signIn(packer, "packer");
    assert.equal(new URL(packer.url()).pathname, "/console/pack");
    await packer.locator("input.scan").fill(order.id);
    await Promise.all([packer.waitForURL(`**/console/pack/${shipmentId}`), packer.locator("input.scan").press("Enter")]);
    await shot(packer, "floor-pack-open-en-360");
    await packer.locator("input.scan").fill("KETTLE-1");
    await Promise.all([packer.waitForEvent("load"), packer.locator("input.scan").press("Enter")]);
    assert.equal(await packer.locator(".scan-result.bad[role=alert]").textContent(), "✗ Wrong item: KETTLE-1 is not in this shipment");
    await shot(packer, "floor-pack-wrong-en-360");
    for (const code of ["MUG-1", "TEA-1", "TEA-1"]) {
      await packer.locator("input.scan").fill(code);
      await Promise.all([packer.waitForURL(`**/console/pack/${shipmentId}`), packer.locator("input.scan").press("Enter")]);
      assert.match(await packer.locator(".scan-result.ok").textContent(), new RegExp(`Scanned ${code}`));
    }
    // Expected: 350 + 2 x 120 + 60 tare = 650 g.
    await packer.getByLabel("Weight", { exact: true }).fill("0.655");
    await packer.getByLabel("Unit").selectOption("kg");
    await packer.getByLabel("Package type").selectOption("BOX-S");
    await shot(packer, "floor-pack-weigh-en-360");
    await Promise.all([packer.waitForURL(`**/console/pack/${shipmentId}`), packer.getByRole("button", { name: "Pack", exact: true }).click()]);
    assert.match(await packer.locator(".scan-result.ok").textContent(), /Packed: ready for its label\./);
    await Promise.all([packer.waitForURL(`**/console/pack/${shipmentId}`), packer.getByRole("button", { name: "Buy label" }).click()]);
    assert.match(await packer.locator(".scan-result.ok").textContent(), /Label bought: /);
    await shot(packer, "floor-pack-labelled-en-360");
    const href = await packer.getByRole("link", { name: "Print label" }).getAttribute("href");
    assert.equal(href, `/console/pack/${shipmentId}/label.pdf`);
    const pdf = await packer.request.get(`${ctx.server.base}${href}`);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()["content-type"], "application/pdf");
    assert.equal((await pdf.body()).subarray(0, 5).toString(), "%PDF-");
  } finally {
    await packer.context().close();
  }
  assert.equal((await ctx.server.api(`/v1/shipments/${shipmentId}`)).body.status, "labelled");

  // Every floor screen at 360 and 1280 px, in English and Chinese: a wave in progress, the pack bench, a stopped shipment.
  const two = await allocatedOrder(store.id, [{ sku: "MUG-1", quantity: 1, unit_price: "18.00" }]);
  const three = await allocatedOrder(store.id, [{ sku: "TEA-1", quantity: 1, unit_price: "12.50" }]);
  await ok(await ctx.server.api("/v1/waves", { body: { warehouse_id: wh.id, group_by: "carrier" } }), "release");
  const openWave = await waveOf(two.shipmentId);
  const screens = [
    ["/console/waves", "warehouse_lead", "floor-waves"],
    [`/console/waves/${openWave}/pick`, "picker", "floor-pick"],
    ["/console/pack", "packer", "floor-pack-home"],
    [`/console/pack/${shipmentId}`, "packer", "floor-pack-labelled"],
  ];
  for (const [path, position, name] of screens) {
    for (const r of await shotsEverywhere(path, { position, name })) {
      assert.equal(r.status, 200, `${path} ${r.lang} ${r.width}`);
      assert.equal(r.htmlLang, r.lang);
      assert.ok(r.overflow <= 0, `${path}: no sideways scrolling at ${r.width}px (${r.lang}): ${r.overflow}px`);
    }
  }
  for (const l of (await ctx.server.api(`/v1/waves/${openWave}`)).body.pick_list)
    await ok(await ctx.server.api(`/v1/waves/${openWave}/picks`, { body: { item_id: l.item_id, scanned: l.sku, quantity: l.to_pick } }), "pick");
  await ok(await ctx.server.api(`/v1/orders/${three.order.id}/transitions`, { body: { event: "cancel", reason: "customer changed their mind" } }), "cancel");
  for (let i = 0; i < 100 && (await ctx.server.api(`/v1/shipments/${three.shipmentId}`)).body.status !== "intercepted"; i++) await new Promise((r) => setTimeout(r, 200));
  for (const [path, name] of [
    [`/console/pack/${two.shipmentId}`, "floor-pack-scan"],
    [`/console/pack/${three.shipmentId}`, "floor-pack-stop"],
  ]) {
    for (const r of await shotsEverywhere(path, { position: "packer", name })) {
      assert.equal(r.status, 200);
      assert.ok(r.overflow <= 0, `${path}: no sideways scrolling at ${r.width}px (${r.lang}): ${r.overflow}px`);
    }
  }
  const stop = await newPage({ width: WIDTHS.phone, lang: "zh-CN" });
  try {
    await stop.context().addCookies([{ name: "oms_console_lang", value: "zh-CN", url: ctx.server.base }]);
    await signIn(stop, "packer");
    await stop.goto(`${ctx.server.base}/console/pack/${three.shipmentId}`);
    assert.match(await stop.locator(".floor-stop[role=alert]").textContent(), /请勿发货：订单已取消/);
  } finally {
    await stop.context().close();
  }
});
