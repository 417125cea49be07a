// Logistics at the dock: a labelled parcel is ticked and handed over, another
// is handed over by scanning its label; a packed parcel shows the carrier the
// store's policy would choose. Every logistics page at 360 and 1280 px, en and zh-CN.
import assert from "node:assert/strict";
import { test } from "./harness.mjs";
import { ctx, newPage, shot, shotsEverywhere, signIn, WIDTHS } from "./harness.mjs";
import { labelledParcel } from "./parcels.mjs";

test("logistics hands over a labelled parcel by ticking it, and another by scanning its label", { timeout: 180_000 }, async () => {
  const server = ctx.server;
  const first = await labelledParcel(server, { tag: "dock" });
  const second = await labelledParcel(server, { tag: "dock" });
  const page = await newPage({ width: WIDTHS.desktop });
  page.on("dialog", (d) => d.accept());
  try {
    await signIn(page, "logistics");
    assert.equal(new URL(page.url()).pathname, "/console/logistics");
    await page.goto(`${server.base}/console/logistics?store=${first.store.id}`);
    await page.getByLabel(`Select ${first.trackingNumber}`).check();
    await shot(page, "logistics-dock-ticked-en-1280");
    await Promise.all([page.waitForURL(/\/console\/logistics/), page.getByRole("button", { name: "Hand over selected" }).click()]);
    await page.waitForSelector(".flash.ok");
    assert.match(await page.locator(".flash.ok").textContent(), new RegExp(`Handed over 1: ${first.trackingNumber}`));
    await shot(page, "logistics-dock-handed-over-en-1280");
    assert.equal((await server.api(`/v1/shipments/${first.shipmentId}`)).body.status, "shipped");
    assert.equal((await server.api(`/v1/orders/${first.order.id}`)).body.status, "shipped");

    // The scanner types the label's number and Enter into the field that keeps the focus.
    await page.goto(`${server.base}/console/logistics?store=${second.store.id}`);
    await page.keyboard.type(second.trackingNumber);
    await Promise.all([page.waitForEvent("load"), page.keyboard.press("Enter")]);
    await page.waitForSelector(".flash.ok");
    assert.equal((await server.api(`/v1/shipments/${second.shipmentId}`)).body.status, "shipped");

    // A code that is no parcel here is refused in words.
    await page.getByLabel("Tracking number or shipment id").fill("SB000000000ZZ");
    await page.keyboard.press("Enter");
    await page.waitForSelector(".flash.bad");
    assert.match(await page.locator("main").textContent(), /SB000000000ZZ is not a labelled parcel waiting here/);
    await shot(page, "logistics-dock-refused-en-1280");
  } finally {
    await page.context().close();
  }
});

test("every logistics page reads well at 360 and 1280 px in both languages", { timeout: 300_000 }, async () => {
  const server = ctx.server;
  const labelled = await labelledParcel(server, { tag: "shots" });
  const packed = await labelledParcel(server, { tag: "shots", label: false });
  await labelledParcel(server, { tag: "shots", beside: packed });
  // A parcel with news and an exception, for the exceptions page and the timeline.
  await server.api(`/v1/shipments/${labelled.shipmentId}/handover`, { body: {} });
  await server.api(`/v1/shipments/${labelled.shipmentId}/tracking-events`, { body: { status: "failed_attempt", message: "Nobody home", location: "Lobby" } });
  const pages = [
    [`/console/logistics?store=${packed.store.id}`, "logistics-dock"],
    [`/console/logistics/shipments/${packed.shipmentId}`, "logistics-shipment-packed"],
    [`/console/logistics/shipments/${labelled.shipmentId}`, "logistics-shipment-tracking"],
    ["/console/logistics/exceptions", "logistics-exceptions"],
  ];
  for (const [path, name] of pages) {
    const results = await shotsEverywhere(path, { position: "logistics", name });
    for (const r of results) {
      assert.equal(r.status, 200, `${path} ${r.lang} ${r.width}`);
      assert.equal(r.htmlLang, r.lang);
      assert.ok(r.overflow <= 0, `${path}: no sideways scrolling at ${r.width}px (${r.lang}): ${r.overflow}px`);
    }
  }
});
