/**
 * The logistics screens in workerd: the dock lists labelled parcels by
 * carrier and hands them over (ticked or scanned), a parcel not ready is
 * refused in words with nothing changed, a packed parcel shows the carrier
 * the policy would choose and gets its label, tracking is recorded by hand,
 * and exceptions are resolved; each for the positions that may.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, createStore, unique } from "./helpers";
import { openPage, postForm, signedIn, textOf, flashOf } from "./console-helpers";
import { packedOrder } from "./logistics-helpers";
import { count } from "./processing-helpers";
import { env } from "./shard-env";
import { newId } from "../src/lib/ids";

let store: { id: string };
let logistics: Awaited<ReturnType<typeof signedIn>>;
beforeAll(async () => {
  store = await createStore(unique("console-logistics"));
  logistics = await signedIn(["logistics"]);
});

async function labelled() {
  const p = await packedOrder(store.id);
  const r = await api(`/v1/shipments/${p.shipmentId}/label`, { body: {} });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { ...p, tracking: r.body.tracking_number as string };
}

const shipmentOf = async (id: string) => (await api(`/v1/shipments/${id}`)).body;

describe("the dock", () => {
  it("lists labelled parcels by carrier and packed ones waiting for a label, in English and Chinese", async () => {
    const a = await labelled();
    const b = await packedOrder(store.id);
    const page = await openPage(`/console/logistics?store=${store.id}`, logistics.session);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain("Labelled, ready to hand over");
    expect(text).toMatch(/sandbox \(\d+\)/);
    expect(text).toContain(a.tracking);
    expect(text).toContain(b.shipmentId);
    expect(page.html).toContain(`href="/console/orders/${a.order.id}"`);
    // One "Select all" for the list; each parcel's own box is "Select", not another "Select all" on a phone's card.
    expect(page.html.match(/Select all/g)).toHaveLength(1);
    expect(page.html).toContain('<td data-label="Select">');

    const zh = await openPage(`/console/logistics?store=${store.id}`, logistics.session, { cookie: "oms_console_lang=zh-CN" });
    expect(zh.status).toBe(200);
    expect(zh.html).toContain('lang="zh-CN"');
    expect(textOf(zh.html)).toContain("已打单，待交接");
    expect(textOf(zh.html)).toContain("已打包，待打单");
  });

  it("hands over ticked parcels and the order ships; a scanned tracking number hands over its parcel", async () => {
    const a = await labelled();
    const r = await postForm("/console/logistics/handover", logistics.session, { shipment: [a.shipmentId], back: "/console/logistics" });
    expect(r.status).toBe(303);
    expect(r.location).toBe("/console/logistics");
    expect(flashOf(r.headers)).toMatchObject({ kind: "ok" });
    expect(flashOf(r.headers)!.text).toContain(a.tracking);
    expect((await shipmentOf(a.shipmentId)).status).toBe("shipped");
    expect((await api(`/v1/orders/${a.order.id}`)).body.status).toBe("shipped");

    const b = await labelled();
    const scanned = await postForm("/console/logistics/handover", logistics.session, { codes: b.tracking.toLowerCase() });
    expect(scanned.status).toBe(303);
    expect((await shipmentOf(b.shipmentId)).status).toBe("shipped");
  });

  it("refuses a parcel that is not ready in words, and changes nothing", async () => {
    const p = await packedOrder(store.id);
    const r = await postForm("/console/logistics/handover", logistics.session, { shipment: [p.shipmentId], codes: "NOT-A-PARCEL" });
    expect(r.status).toBe(409);
    const text = textOf(r.html);
    expect(text).toContain("This parcel has no label yet: buy its label before handing it over.");
    expect(text).toContain("NOT-A-PARCEL is not a labelled parcel waiting here.");
    expect((await shipmentOf(p.shipmentId)).status).toBe("packed");

    const zh = await postForm("/console/logistics/handover", logistics.session, { shipment: [p.shipmentId] }, { headers: { cookie: "oms_console_lang=zh-CN" } });
    expect(textOf(zh.html)).toContain("此包裹还没有面单");
    const empty = await postForm("/console/logistics/handover", logistics.session, {});
    expect(empty.status).toBe(422);
    expect(textOf(empty.html)).toContain("Tick or scan at least one parcel.");
  });
});

describe("a packed parcel's carrier and label", () => {
  it("shows the policy's choice with every service judged, and buys the label with an overridden service", async () => {
    const p = await packedOrder(store.id);
    const page = await openPage(`/console/logistics/shipments/${p.shipmentId}`, logistics.session);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain("The store's policy would choose sandbox / standard");
    expect(text).toContain("Every service judged");
    expect(page.html).toContain('value="sandbox/express"');

    const r = await postForm(`/console/logistics/shipments/${p.shipmentId}/label`, logistics.session, { carrier_service: "sandbox/express" });
    expect(r.status).toBe(303);
    expect(flashOf(r.headers)!.text).toMatch(/^Label bought: sandbox \/ express, tracking SB\d{9}ZZ\.$/);
    const label = (await api(`/v1/shipments/${p.shipmentId}/label`)).body;
    expect(label).toMatchObject({ carrier: "sandbox", service: "express" });

    // Twice is refused in words, and the label stays the one bought.
    const again = await postForm(`/console/logistics/shipments/${p.shipmentId}/label`, logistics.session, { carrier_service: "" });
    expect(again.status).toBe(409);
    expect(textOf(again.html)).toContain("This parcel already has a label.");
    expect((await api(`/v1/shipments/${p.shipmentId}/label`)).body.tracking_number).toBe(label.tracking_number);

    const pdf = await openPage(`/console/logistics/shipments/${p.shipmentId}/label.pdf`, logistics.session);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
  });

  it("records what happened by hand; a time in the future is refused and nothing is recorded", async () => {
    const a = await labelled();
    await api(`/v1/shipments/${a.shipmentId}/handover`, { body: {} });
    const bad = await postForm(`/console/logistics/shipments/${a.shipmentId}/tracking-events`, logistics.session, {
      store_id: store.id,
      status: "delivered",
      occurred_at: "2099-01-01T10:00",
      message: "Confirmed by phone",
    });
    expect(bad.status).toBe(422);
    expect(textOf(bad.html)).toContain("Enter a date and time, not in the future.");
    expect(bad.html).toContain("Confirmed by phone");
    expect(await count("tracking_events", "shipment_id = ? AND partner = 'manual'", a.shipmentId)).toBe(0);

    const ok = await postForm(`/console/logistics/shipments/${a.shipmentId}/tracking-events`, logistics.session, {
      store_id: store.id,
      status: "delivered",
      message: "Confirmed by phone",
    });
    expect(ok.status).toBe(303);
    expect(flashOf(ok.headers)).toEqual({ kind: "ok", text: "Recorded: the parcel is now Delivered." });
    expect((await shipmentOf(a.shipmentId)).status).toBe("delivered");
    const page = await openPage(`/console/logistics/shipments/${a.shipmentId}`, logistics.session);
    expect(textOf(page.html)).toContain("Confirmed by phone");
  });
});

describe("exceptions", () => {
  it("lists a delivery exception in words and resolves it; an empty resolution is refused and changes nothing", async () => {
    const a = await labelled();
    await api(`/v1/shipments/${a.shipmentId}/handover`, { body: {} });
    const rec = await api(`/v1/shipments/${a.shipmentId}/tracking-events`, { body: { status: "failed_attempt", message: "Nobody home" } });
    expect(rec.status, JSON.stringify(rec.body)).toBe(201);
    const ex = (await api(`/v1/logistics/exceptions?shipment_id=${a.shipmentId}&status=open`)).body.data[0];
    expect(ex.kind).toBe("failed_attempt");

    const page = await openPage("/console/logistics/exceptions", logistics.session);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain("Delivery attempt failed");
    expect(text).toContain("The carrier tried to deliver and could not.");
    expect(page.html).toContain(`action="/console/logistics/exceptions/${ex.id}/resolve"`);

    const empty = await postForm(`/console/logistics/exceptions/${ex.id}/resolve`, logistics.session, { resolution: " " });
    expect(empty.status).toBe(422);
    expect(textOf(empty.html)).toContain("Say how it was resolved.");
    expect((await api(`/v1/logistics/exceptions?shipment_id=${a.shipmentId}&status=open`)).body.data).toHaveLength(1);

    const r = await postForm(`/console/logistics/exceptions/${ex.id}/resolve`, logistics.session, { resolution: "Called the customer; delivery on Tuesday" });
    expect(r.status).toBe(303);
    expect(flashOf(r.headers)).toEqual({ kind: "ok", text: "Exception resolved." });
    const after = (await api(`/v1/logistics/exceptions?shipment_id=${a.shipmentId}`)).body.data[0];
    expect(after).toMatchObject({ status: "resolved", resolution: "Called the customer; delivery on Tuesday" });

    const twice = await postForm(`/console/logistics/exceptions/${ex.id}/resolve`, logistics.session, { resolution: "again" });
    expect(twice.status).toBe(409);

    const zh = await openPage("/console/logistics/exceptions?show=resolved", logistics.session, { cookie: "oms_console_lang=zh-CN" });
    expect(textOf(zh.html)).toContain("派送失败");
  });

  it("dismisses a floor exception with a note", async () => {
    const p = await packedOrder(store.id);
    const id = newId("exc");
    const item = await env.DB.prepare("SELECT id FROM shipment_items WHERE shipment_id = ?").bind(p.shipmentId).first<{ id: string }>();
    await env.DB.prepare(
      "INSERT INTO fulfilment_exceptions (id, shipment_id, item_id, kind, status, quantity, note, created_by, created_at) VALUES (?, ?, ?, 'short_pick', 'open', 1, 'bin empty', 'test', ?)",
    )
      .bind(id, p.shipmentId, item!.id, Date.now())
      .run();
    const admin = await signedIn(["admin"]);
    const page = await openPage("/console/logistics/exceptions", admin.session);
    expect(textOf(page.html)).toContain("1 unit was not found in the bin when picking.");
    const noNote = await postForm(`/console/logistics/exceptions/${id}/resolve`, admin.session, { action: "dismiss", note: "" });
    expect(noNote.status).toBe(422);
    const r = await postForm(`/console/logistics/exceptions/${id}/resolve`, admin.session, { action: "dismiss", note: "found it on the shelf below" });
    expect(r.status).toBe(303);
    expect((await api(`/v1/fulfilment-exceptions/${id}`)).body).toMatchObject({ status: "resolved", resolution: "dismissed" });
  });
});

describe("times on the exceptions page", () => {
  it("tells each exception in its own store's time zone, not the first store's", async () => {
    const tokyo = (await api("/v1/stores", { body: { name: unique("Tokyo"), currency: "JPY", timezone: "Asia/Tokyo" } })).body;
    const p = await packedOrder(tokyo.id);
    const id = newId("exc");
    const item = await env.DB.prepare("SELECT id FROM shipment_items WHERE shipment_id = ?").bind(p.shipmentId).first<{ id: string }>();
    // 03:00 UTC is noon in Tokyo.
    await env.DB.prepare(
      "INSERT INTO fulfilment_exceptions (id, shipment_id, item_id, kind, status, quantity, note, created_by, created_at) VALUES (?, ?, ?, 'short_pick', 'open', 2, 'bin empty', 'test', ?)",
    )
      .bind(id, p.shipmentId, item!.id, Date.UTC(2026, 0, 15, 3, 0))
      .run();
    const admin = await signedIn(["admin"]);
    const card = /<article class="card" id="[^"]+">(?:(?!<\/article>)[\s\S])*<\/article>/g;
    const html = (await openPage("/console/logistics/exceptions", admin.session)).html;
    const mine = [...html.matchAll(card)].map((m) => m[0]).find((a) => a.includes(`id="${id}"`))!;
    expect(textOf(mine)).toContain("Jan 15, 2026, 12:00");
  });
});

describe("who may", () => {
  it("refuses pickers and packers; analysts and support read exceptions but not the dock; logistics cannot dismiss floor exceptions", async () => {
    const a = await labelled();
    for (const position of ["picker", "packer"]) {
      const { session } = await signedIn([position]);
      expect((await openPage("/console/logistics", session)).status).toBe(403);
      expect((await openPage("/console/logistics/exceptions", session)).status).toBe(403);
      const r = await postForm("/console/logistics/handover", session, { shipment: [a.shipmentId] });
      expect(r.status).toBe(403);
    }
    for (const position of ["analyst", "support"]) {
      const { session } = await signedIn([position]);
      const home = await openPage("/console/logistics", session);
      expect(home.status).toBe(303);
      expect(home.location).toBe("/console/logistics/exceptions");
      const ex = await openPage("/console/logistics/exceptions", session);
      expect(ex.status).toBe(200);
      expect(ex.html).not.toContain('name="resolution"');
      expect((await postForm("/console/logistics/handover", session, { shipment: [a.shipmentId] })).status).toBe(403);
    }
    expect((await shipmentOf(a.shipmentId)).status).toBe("labelled");
    expect((await postForm(`/console/logistics/exceptions/${newId("exc")}/resolve`, logistics.session, { action: "dismiss", note: "x" })).status).toBe(403);
  });
});
