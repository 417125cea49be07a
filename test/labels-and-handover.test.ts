/**
 * Carriers as data, the carrier choice (and its dry run), labels bought
 * through the sandbox and an HTTP carrier, the printable 4x6 PDF with a
 * barcode that a real decoder reads, and handover: the shipment is shipped,
 * its goods leave OUTBOUND, and the order ships with its last parcel.
 */
import { env } from "./shard-env";
import { BarcodeFormat, BitArray, Code128Reader, DecodeHintType } from "@zxing/library";
import { decodePDFRawStream, PDFArray, PDFDocument, type PDFRawStream } from "pdf-lib";
import { beforeAll, describe, expect, it } from "vitest";
import { code128Bars } from "../src/logistics/barcode";
import { isValidS10 } from "../src/logistics/carriers/tracking-number";
import { createLabel } from "../src/logistics/create-label";
import { httpCarrier } from "../src/logistics/carriers/http-carrier";
import type { Principal } from "../src/http/auth";
import { api, createKey, createStore, principalOf, unique } from "./helpers";
import { pdfFonts, pdfText } from "./pdf-helpers";
import { labelDirectly, packedOrder, packShipment } from "./logistics-helpers";
import { allocatedOrder, count, ledgerOk, level, stockedWarehouse } from "./processing-helpers";

const ADMIN: Principal = principalOf("admin");

let store: { id: string };
beforeAll(async () => {
  store = await createStore();
});

async function pdfOf(shipmentId: string, key?: string) {
  const { exports } = await import("cloudflare:workers");
  const res = await exports.default.fetch(`http://oms.test/v1/shipments/${shipmentId}/label.pdf`, { headers: { authorization: `Bearer ${key ?? "test_bootstrap_admin_key"}` } });
  return { status: res.status, type: res.headers.get("content-type"), bytes: new Uint8Array(await res.arrayBuffer()) };
}

/** The filled rectangles 80 pt high on a page of the PDF: the barcode's bars, as [x, width] in points. */
async function barsOnPage(pdf: Uint8Array, pageIndex: number): Promise<[number, number][]> {
  const doc = await PDFDocument.load(pdf);
  const contents = doc.getPage(pageIndex).node.Contents()!;
  const streams = contents instanceof PDFArray ? contents.asArray().map((r) => doc.context.lookup(r)) : [contents];
  const text = streams.map((s) => new TextDecoder().decode(decodePDFRawStream(s as PDFRawStream).decode())).join("\n");
  const re = /1 0 0 1 ([\d.]+) ([\d.]+) cm\n1 0 0 1 0 0 cm\n1 0 0 1 0 0 cm\n0 0 m\n0 ([\d.]+) l\n([\d.]+) [\d.]+ l\n[\d.]+ 0 l\nh\nf/g;
  return [...text.matchAll(re)].filter((m) => Number(m[3]) === 80).map((m) => [Number(m[1]), Number(m[4])] as [number, number]);
}

/** Rasterises bars (in points) into one scan line and reads it with ZXing's Code 128 reader: what a scanner would see. */
function scan(bars: [number, number][], pxPerPt = 8): string {
  const left = Math.min(...bars.map((b) => b[0]));
  const right = Math.max(...bars.map((b) => b[0] + b[1]));
  const quiet = 20 * pxPerPt;
  const row = new BitArray(Math.ceil((right - left) * pxPerPt) + 2 * quiet);
  for (const [x, w] of bars) for (let p = Math.round((x - left) * pxPerPt); p < Math.round((x - left + w) * pxPerPt); p++) row.set(quiet + p);
  const hints = new Map([[DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.CODE_128]]]);
  return new Code128Reader().decodeRow(0, row, hints).getText();
}

const sandboxLike = (code: string, extra: Record<string, unknown> = {}) => ({
  code,
  name: code.toUpperCase(),
  adapter: { type: "sandbox" },
  tracking_url: `https://track.example/${code}/{tracking_number}`,
  services: [
    {
      code: "ground",
      name: "Ground",
      transit_days: { min: 2, max: 5 },
      zones: [{ code: "us", countries: ["US"] }],
      max_weight_grams: 20000,
      max_dimensions_mm: { length: 1000, width: 600, height: 600 },
      rates: [{ zone: "us", max_weight_grams: 20000, price: "6.50" }],
    },
  ],
  ...extra,
});

describe("labels from the sandbox carrier (a store without a config of its own)", () => {
  it("chooses, buys and stores a label: a valid S10 number, a 4x6 PDF whose barcode scans as that number", async () => {
    const { order, shipmentId } = await packedOrder(store.id);
    const r = await api(`/v1/shipments/${shipmentId}/label`, { body: {} });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      shipment_id: shipmentId,
      order_id: order.id,
      carrier: "sandbox",
      service: "standard",
      adapter: "sandbox",
      rate: "5.00",
      currency: "USD",
      packages: 1,
    });
    expect(isValidS10(r.body.tracking_number)).toBe(true);
    expect(r.body.explanation.summary).toBe("sandbox/standard for 5.00 USD, 3-5 days: cheapest of 2 eligible");
    expect(r.body.explanation.services).toHaveLength(2);
    expect((await api(`/v1/shipments/${shipmentId}`)).body).toMatchObject({ status: "labelled", carrier: "sandbox", tracking_number: r.body.tracking_number });
    // The dock finds the parcel by the number it scans off the label.
    const ready = (await api(`/v1/shipments?store_id=${store.id}&status=labelled`)).body.data;
    expect(ready.find((s: any) => s.id === shipmentId).tracking_number).toBe(r.body.tracking_number);
    expect((await api(`/v1/shipments/${shipmentId}/label`)).body.tracking_number).toBe(r.body.tracking_number);

    const pdf = await pdfOf(shipmentId);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe("application/pdf");
    expect(new TextDecoder().decode(pdf.bytes.subarray(0, 5))).toBe("%PDF-");
    const doc = await PDFDocument.load(pdf.bytes);
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getPage(0).getSize()).toEqual({ width: 288, height: 432 });
    // A Latin address embeds no font: Helvetica only, as before Chinese labels.
    expect(await pdfFonts(pdf.bytes)).toEqual(["Helvetica", "Helvetica-Bold"]);
    const bars = await barsOnPage(pdf.bytes, 0);
    expect(bars.length).toBeGreaterThan(20);
    expect(scan(bars)).toBe(r.body.tracking_number);
  });

  it("buys and prints in one request when asked (include_pdf): the answer carries the PDF it stored, and a replay carries it again", async () => {
    const { shipmentId } = await packedOrder(store.id);
    const bad = await api(`/v1/shipments/${shipmentId}/label`, { body: { include_pdf: "yes" } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain("include_pdf");
    expect(await count("shipment_tracking", "shipment_id = ?", shipmentId)).toBe(0);

    const headers = { "idempotency-key": `print-${shipmentId}` };
    const r = await api(`/v1/shipments/${shipmentId}/label`, { body: { include_pdf: true }, headers });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const printed = Uint8Array.from(atob(r.body.label_pdf), (ch) => ch.charCodeAt(0));
    expect(new TextDecoder().decode(printed.subarray(0, 5))).toBe("%PDF-");
    // The very bytes GET label.pdf serves, whose barcode is the parcel's number.
    expect(printed).toEqual((await pdfOf(shipmentId)).bytes);
    expect(scan(await barsOnPage(printed, 0))).toBe(r.body.tracking_number);
    const replay = await api(`/v1/shipments/${shipmentId}/label`, { body: { include_pdf: true }, headers });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.label_pdf).toBe(r.body.label_pdf);
    expect(await count("shipment_tracking", "shipment_id = ?", shipmentId)).toBe(1);
    // Without it, the answer stays small: the PDF is a GET of label_url away.
    const { shipmentId: other } = await packedOrder(store.id);
    const plain = await api(`/v1/shipments/${other}/label`, { body: {} });
    expect(plain.status).toBe(201);
    expect(plain.body).not.toHaveProperty("label_pdf");
  });

  it("prints a Chinese address in the embedded Chinese font, not as ?", async () => {
    const { shipmentId } = await packedOrder(store.id, {
      address: { name: "张三", line1: "浦东新区世纪大道100号", city: "上海市", region: "上海", postal_code: "200120", country: "CN" },
    });
    const r = await api(`/v1/shipments/${shipmentId}/label`, { body: {} });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const pdf = await pdfOf(shipmentId);
    expect(await pdfFonts(pdf.bytes)).toEqual(["Helvetica", "Helvetica-Bold", expect.stringMatching(/^NotoSansCJKsc-Regular/)]);
    const shown = await pdfText(pdf.bytes);
    expect(shown.find((t) => t.text === "张三")?.font).toMatch(/^NotoSansCJKsc/);
    expect(shown.map((t) => t.text)).toContain("浦东新区世纪大道100号");
    expect(shown.map((t) => t.text).join("\n")).not.toContain("?");
    // The barcode is drawn as before.
    expect(scan(await barsOnPage(pdf.bytes, 0))).toBe(r.body.tracking_number);
  });

  it("prints a page per package, and a name in two scripts prints in full", async () => {
    const { shipmentId } = await packedOrder(store.id, { address: { name: "陈美 Mäya Çhen" } });
    await env.DB.prepare("UPDATE shipments SET packages = ? WHERE id = ?")
      .bind(
        JSON.stringify([
          { length_mm: 300, width_mm: 200, height_mm: 100, weight_grams: 400 },
          { length_mm: 300, width_mm: 200, height_mm: 100, weight_grams: 2500 },
        ]),
        shipmentId,
      )
      .run();
    const r = await api(`/v1/shipments/${shipmentId}/label`, { body: {} });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ packages: 2, rate: "14.00" });
    const pdf = await pdfOf(shipmentId);
    expect((await PDFDocument.load(pdf.bytes)).getPageCount()).toBe(2);
    expect(scan(await barsOnPage(pdf.bytes, 1))).toBe(r.body.tracking_number);
    expect((await pdfText(pdf.bytes)).filter((t) => t.text === "陈美 Mäya Çhen")).toHaveLength(2);
  });

  it("encodes any tracking number's bars so ZXing reads them back", () => {
    for (const n of ["SB473124829ZZ", "9400136208303389427536", "1Z999AA10123456784", "JD014600006281234567"]) {
      const { bars } = code128Bars(n);
      expect(scan(bars.map((b) => [b.x * 1.2, b.width * 1.2]))).toBe(n);
    }
  });
});

describe("a store's carriers as data", () => {
  it("serves the sandbox default, takes a config of its own, and the choice follows it (fixed rule by SKU)", async () => {
    const s = await createStore();
    const before = await api(`/v1/stores/${s.id}/logistics`);
    expect(before.body).toMatchObject({ store_id: s.id, is_default: true, updated_at: null });
    expect(before.body.config.carriers[0].code).toBe("sandbox");
    const { shipmentId, sku } = await packedOrder(s.id);
    const config = {
      carriers: [
        sandboxLike("acme"),
        sandboxLike("zip", {
          services: [{ ...sandboxLike("zip").services[0], code: "air", transit_days: { min: 1, max: 1 }, rates: [{ zone: "us", max_weight_grams: 20000, price: "9.00" }] }],
        }),
      ],
      selection: { strategy: "cheapest", fixed: [{ name: "this SKU flies", skus: [sku], carrier: "zip", service: "air" }] },
      stale_tracking_days: 3,
    };
    const put = await api(`/v1/stores/${s.id}/logistics`, { method: "PUT", body: config });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ is_default: false, config: { stale_tracking_days: 3 } });
    expect((await api(`/v1/stores/${s.id}/logistics`)).body.config.selection.fixed[0].name).toBe("this SKU flies");

    const dry = await api("/v1/carrier-choices/dry-run", { body: { shipment_id: shipmentId } });
    expect(dry.body).toMatchObject({ ok: true, carrier: "zip", service: "air", price: "9.00", explanation: { rule: "this SKU flies" } });
    const label = await api(`/v1/shipments/${shipmentId}/label`, { body: {} });
    expect(label.body).toMatchObject({ carrier: "zip", service: "air", rate: "9.00" });
    expect(label.body.tracking_url).toBe(`https://track.example/zip/${label.body.tracking_number}`);
  });

  it("refuses a config whose prices the store's currency cannot hold, or whose HTTP carrier has no key secret (422, nothing stored)", async () => {
    const yen = await createStore(unique("yen"), "JPY");
    const http = { ...sandboxLike("api"), adapter: { type: "http", endpoint: "https://carrier.example/v1", key_secret: "CARRIER_KEY_MISSING" } };
    const r = await api(`/v1/stores/${yen.id}/logistics`, { method: "PUT", body: { carriers: [sandboxLike("acme"), http] } });
    expect(r.status).toBe(422);
    expect(r.body.errors.map((e: any) => e.field)).toEqual(["carriers.0.services.0.rates.0.price", "carriers.1.adapter.key_secret", "carriers.1.services.0.rates.0.price"]);
    const shape = await api(`/v1/stores/${yen.id}/logistics`, { method: "PUT", body: { carriers: [{ code: "Bad Code!", name: "x", adapter: { type: "pigeon" }, services: [] }] } });
    expect(shape.status).toBe(422);
    expect(shape.body.errors.map((e: any) => e.field)).toEqual(expect.arrayContaining(["carriers.0.code", "carriers.0.adapter.type", "carriers.0.services"]));
    expect((await api(`/v1/stores/${yen.id}/logistics`)).body.is_default).toBe(true);
    expect((await api("/v1/stores/st_nope/logistics", { method: "PUT", body: { carriers: [] } })).status).toBe(404);
  });

  it("dry-runs a destination and packages, explaining refusals, and validates its body", async () => {
    const r = await api("/v1/carrier-choices/dry-run", {
      body: { store_id: store.id, destination: { country: "US", region: "NY" }, packages: [{ weight_grams: 25000, length_mm: 500, width_mm: 400, height_mm: 300 }] },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, carrier: "sandbox", service: "standard", price: "19.00" });
    expect(r.body.explanation.services.find((s: any) => s.service === "express")).toMatchObject({
      eligible: false,
      price: null,
      reasons: ["25000 g is over the 20000 g limit", "no rate for 25000 g in zone world"],
    });
    const forced = await api("/v1/carrier-choices/dry-run", {
      body: {
        store_id: store.id,
        destination: { country: "US" },
        packages: [{ weight_grams: 25000, length_mm: 1, width_mm: 1, height_mm: 1 }],
        carrier: "sandbox",
        service: "express",
      },
    });
    expect(forced.body).toMatchObject({ ok: false, reason: "forced_not_eligible" });
    for (const body of [{}, { shipment_id: "shp_x" }, { store_id: store.id }, { store_id: store.id, destination: { country: "XX" }, packages: [] }, { carrier: "sandbox" }]) {
      const bad = await api("/v1/carrier-choices/dry-run", { body });
      expect(bad.status, JSON.stringify(body)).toBe(422);
      expect(bad.headers.get("content-type")).toBe("application/problem+json");
    }
    expect((await api("/v1/carrier-choices/dry-run", { body: { shipment_id: "shp_00000000000000000000000000" } })).status).toBe(404);
  });
});

describe("label refusals", () => {
  it("answers each bad request with its problem and writes nothing", async () => {
    const { allocation } = await allocatedOrder(store.id, { lines: [{ sku: (await packedOrder(store.id)).sku, quantity: 1, unit_price: "1.00" }] });
    const pending = allocation.shipments[0].id;
    const notPacked = await api(`/v1/shipments/${pending}/label`, { body: {} });
    expect(notPacked).toMatchObject({ status: 409, body: { code: "not_packed" } });

    const { shipmentId } = await packedOrder(store.id);
    const forced = await api(`/v1/shipments/${shipmentId}/label`, { body: { carrier: "sandbox", service: "overnight" } });
    expect(forced).toMatchObject({ status: 422, body: { code: "forced_not_eligible" } });
    expect(forced.body.explanation.currency).toBe("USD");
    expect((await api(`/v1/shipments/${shipmentId}/label`, { body: { carrier: "sandbox" } })).status).toBe(422);
    expect((await api(`/v1/shipments/${shipmentId}/label`, { body: "[" })).status).toBe(400);
    expect((await api(`/v1/shipments/${shipmentId}/label`, { body: "{}", headers: { "content-type": "text/plain" } })).status).toBe(415);
    expect((await api("/v1/shipments/not-an-id/label", { body: {} })).status).toBe(400);
    expect((await api("/v1/shipments/shp_00000000000000000000000000/label", { body: {} })).status).toBe(404);
    expect((await api(`/v1/shipments/${shipmentId}/label.pdf`)).status).toBe(404);
    expect(await count("shipment_tracking", "shipment_id IN (?, ?)", pending, shipmentId)).toBe(0);

    await env.DB.prepare("UPDATE shipments SET intercepted_at = 1, intercept_reason = 'order cancelled', intercepted_from = status, status = 'intercepted' WHERE id = ?")
      .bind(shipmentId)
      .run();
    expect((await api(`/v1/shipments/${shipmentId}/label`, { body: {} })).body.code).toBe("intercepted");
    const { shipmentId: other } = await packedOrder(store.id);
    const first = await api(`/v1/shipments/${other}/label`, { body: {}, headers: { "idempotency-key": `lbl-${other}` } });
    const replay = await api(`/v1/shipments/${other}/label`, { body: {}, headers: { "idempotency-key": `lbl-${other}` } });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.tracking_number).toBe(first.body.tracking_number);
    expect((await api(`/v1/shipments/${other}/label`, { body: {} })).body.code).toBe("already_labelled");
    expect(await count("shipment_tracking", "shipment_id = ?", other)).toBe(1);
  });

  it("two label requests at once buy and keep one label", async () => {
    const { shipmentId } = await packedOrder(store.id);
    const results = await Promise.all([0, 1, 2, 3].map(() => api(`/v1/shipments/${shipmentId}/label`, { body: {} })));
    // Each answer with its code, should this ever fail again (it did once in a full run, and not since alone).
    const answers = JSON.stringify(results.map((r) => [r.status, r.body?.code, r.body?.detail]));
    expect(
      results.filter((r) => r.status === 201),
      answers,
    ).toHaveLength(1);
    expect(
      results.filter((r) => r.status === 409),
      answers,
    ).toHaveLength(3);
    expect(await count("shipment_tracking", "shipment_id = ?", shipmentId)).toBe(1);
  });

  it("keeps a warehouse key to its own warehouses, and a role without the permission out", async () => {
    const { shipmentId, warehouse } = await packedOrder(store.id);
    const otherWh = await stockedWarehouse({ bins: [], stock: [] });
    const scoped = await api("/v1/api-keys", { body: { name: "other floor", role: "warehouse", store_ids: ["*"], warehouse_ids: [otherWh.id] } });
    expect((await api(`/v1/shipments/${shipmentId}/label`, { body: {}, key: scoped.body.key })).status).toBe(404);
    const mine = await api("/v1/api-keys", { body: { name: "this floor", role: "warehouse", store_ids: ["*"], warehouse_ids: [warehouse.id] } });
    expect((await api(`/v1/shipments/${shipmentId}/label`, { body: {}, key: mine.body.key })).status).toBe(201);
    expect((await pdfOf(shipmentId, scoped.body.key)).status).toBe(404);
    expect((await pdfOf(shipmentId, mine.body.key)).status).toBe(200);
    const auditor = await createKey("auditor", ["*"]);
    expect((await api(`/v1/shipments/${shipmentId}/handover`, { body: {}, key: auditor })).status).toBe(403);
    expect((await api(`/v1/shipments/${shipmentId}/handover`, { body: {}, key: mine.body.key })).status).toBe(403);
  });
});

describe("an HTTP carrier, configured by endpoint and key", () => {
  const PDF = new TextEncoder().encode("%PDF-1.7\n% a carrier's label\n%%EOF\n");
  const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));
  type Call = { url: string; method: string; headers: Record<string, string>; body: any };

  function fakeCarrier(answer: (call: Call) => Response | Promise<Response>) {
    const calls: Call[] = [];
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const call = {
        url: String(input),
        method: init?.method ?? "GET",
        headers: (init?.headers ?? {}) as Record<string, string>,
        body: init?.body ? JSON.parse(String(init.body)) : null,
      };
      calls.push(call);
      return answer(call);
    }) as typeof globalThis.fetch;
    return { calls, fetch };
  }
  const created = (n = "1Z999AA10123456784") => Response.json({ id: "car_123", tracking_number: n, label: { content_type: "application/pdf", data: b64(PDF) } }, { status: 201 });

  it("creates, fetches and cancels with the key and our shipment id as idempotency key", async () => {
    const fake = fakeCarrier((c) =>
      c.url.endsWith("/label")
        ? new Response(PDF, { headers: { "content-type": "application/pdf" } })
        : c.url.endsWith("/cancel")
          ? new Response(null, { status: 204 })
          : created(),
    );
    const a = httpCarrier({ endpoint: "https://api.carrier.example/v2/", key: "k_live", trackingUrlTemplate: "https://t.example/{tracking_number}", fetch: fake.fetch });
    const r = await a.createShipment({
      shipmentId: "shp_1",
      reference: "ord_1 shp_1",
      service: { code: "ground", name: "Ground" },
      from: { name: "WH", lines: [], country: "US" },
      to: { name: "Ada", lines: ["1 Main St"], country: "US" },
      packages: [{ weight_grams: 800, length_mm: 1, width_mm: 1, height_mm: 1 }],
    });
    expect(r).toMatchObject({ ok: true, value: { carrierRef: "car_123", trackingNumber: "1Z999AA10123456784", trackingUrl: "https://t.example/1Z999AA10123456784" } });
    expect(fake.calls[0]).toMatchObject({
      url: "https://api.carrier.example/v2/shipments",
      method: "POST",
      headers: { authorization: "Bearer k_live", "idempotency-key": "shp_1" },
      body: { service: "ground", reference: "ord_1 shp_1" },
    });
    expect(await a.getLabel("car_123")).toEqual({ ok: true, value: PDF });
    expect(await a.cancel("car_123")).toEqual({ ok: true, value: null });
    expect(fake.calls.map((c) => `${c.method} ${c.url}`).slice(1)).toEqual([
      "GET https://api.carrier.example/v2/shipments/car_123/label",
      "POST https://api.carrier.example/v2/shipments/car_123/cancel",
    ]);
  });

  it("tells a refusal from an outage, and never trusts a malformed answer", async () => {
    const req = {
      shipmentId: "s",
      reference: "r",
      service: { code: "g", name: "G" },
      from: { name: null, lines: [], country: "US" },
      to: { name: null, lines: [], country: "US" },
      packages: [],
    };
    const answer = async (res: () => Response | Promise<Response>) => httpCarrier({ endpoint: "https://c.example", key: "k", fetch: fakeCarrier(res).fetch }).createShipment(req);
    expect(await answer(() => new Response("address invalid", { status: 422 }))).toMatchObject({
      ok: false,
      code: "carrier_refused",
      message: "the carrier answered 422: address invalid",
    });
    expect(await answer(() => new Response("down", { status: 503 }))).toMatchObject({ ok: false, code: "carrier_unavailable" });
    expect(await answer(() => new Response("slow down", { status: 429 }))).toMatchObject({ ok: false, code: "carrier_unavailable" });
    expect(await answer(() => Promise.reject(new TypeError("network down")))).toMatchObject({ ok: false, code: "carrier_unavailable" });
    expect(await answer(() => Response.json({ id: "x" }))).toMatchObject({ ok: false, code: "carrier_refused" });
    expect(
      await answer(() => Response.json({ id: "x", tracking_number: "1", label: { content_type: "application/pdf", data: b64(new TextEncoder().encode("<html>")) } })),
    ).toMatchObject({ ok: false, code: "carrier_refused" });
    expect(await httpCarrier({ endpoint: "https://c.example", key: undefined }).createShipment(req)).toMatchObject({ ok: false, code: "carrier_unavailable" });
  });

  it("labels a shipment through it, and cancels the bought label when the shipment changed meanwhile", async () => {
    const s = await createStore();
    const config = { carriers: [{ ...sandboxLike("ups"), adapter: { type: "http", endpoint: "https://ups.example/api", key_secret: "CARRIER_KEY_TEST" } }] };
    expect((await api(`/v1/stores/${s.id}/logistics`, { method: "PUT", body: config })).status).toBe(200);
    const ok = fakeCarrier(() => created(`1Z${Date.now()}`));
    const { shipmentId } = await packedOrder(s.id);
    const r = await createLabel(env, shipmentId, { principal: ADMIN, input: {}, deps: { fetch: ok.fetch } });
    expect(r).toMatchObject({ ok: true, tracking: { carrier: "ups", adapter: "http", carrierRef: "car_123", rateAmount: 650 } });
    expect(ok.calls[0]!.headers.authorization).toBe("Bearer carrier_test_key");
    expect((await pdfOf(shipmentId)).bytes).toEqual(PDF);

    // The order is cancelled while the carrier is selling us the label: the label must not stay bought.
    const { shipmentId: racing } = await packedOrder(s.id);
    const race = fakeCarrier(async (c) => {
      if (c.url.endsWith("/cancel")) return new Response(null, { status: 204 });
      await env.DB.prepare("UPDATE shipments SET intercepted_at = ?, intercept_reason = 'order cancelled', intercepted_from = status, status = 'intercepted' WHERE id = ?")
        .bind(Date.now(), racing)
        .run();
      return created(`1Z${Date.now()}R`);
    });
    expect(await createLabel(env, racing, { principal: ADMIN, input: {}, deps: { fetch: race.fetch } })).toMatchObject({ ok: false, code: "conflict" });
    expect(race.calls.map((c) => c.url)).toEqual(["https://ups.example/api/shipments", "https://ups.example/api/shipments/car_123/cancel"]);
    expect(await count("shipment_tracking", "shipment_id = ?", racing)).toBe(0);
    expect(await count("shipment_labels", "shipment_id = ?", racing)).toBe(0);
    expect((await api(`/v1/shipments/${racing}`)).body.status).toBe("intercepted");

    const down = fakeCarrier(() => new Response("maintenance", { status: 503 }));
    const { shipmentId: third } = await packedOrder(s.id);
    expect(await createLabel(env, third, { principal: ADMIN, input: {}, deps: { fetch: down.fetch } })).toMatchObject({ ok: false, code: "carrier_unavailable" });
  });
});

describe("voiding a label", () => {
  it("cancels at the carrier, forgets the label and reopens the shipment for a new one", async () => {
    const s = await createStore();
    const config = { carriers: [{ ...sandboxLike("ups"), adapter: { type: "http", endpoint: "https://ups.example/api", key_secret: "CARRIER_KEY_TEST" } }] };
    expect((await api(`/v1/stores/${s.id}/logistics`, { method: "PUT", body: config })).status).toBe(200);
    const { shipmentId } = await packedOrder(s.id);
    const calls: string[] = [];
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      calls.push(`${init?.method} ${String(input)}`);
      if (String(input).endsWith("/cancel")) return new Response("already in a truck", { status: 409 });
      return Response.json({ id: "car_9", tracking_number: `1Z${Date.now()}`, label: { content_type: "application/pdf", data: btoa("%PDF-1.7 x") } }, { status: 201 });
    }) as typeof globalThis.fetch;
    expect((await createLabel(env, shipmentId, { principal: ADMIN, input: {}, deps: { fetch } })).ok).toBe(true);
    const { voidLabel } = await import("../src/logistics/void-label");
    // The carrier refuses: nothing changes here.
    expect(await voidLabel(env, shipmentId, { principal: ADMIN, deps: { fetch } })).toMatchObject({ ok: false, code: "carrier_refused" });
    expect((await api(`/v1/shipments/${shipmentId}`)).body.status).toBe("labelled");
    expect(calls.at(-1)).toBe("POST https://ups.example/api/shipments/car_9/cancel");

    const { shipmentId: sandboxed } = await packedOrder(store.id);
    const first = await api(`/v1/shipments/${sandboxed}/label`, { body: {} });
    const voided = await api(`/v1/shipments/${sandboxed}/label`, { method: "DELETE" });
    expect(voided.status).toBe(200);
    expect(voided.body).toEqual({ shipment_id: sandboxed, status: "packed", voided_tracking_number: first.body.tracking_number });
    expect(await count("shipment_tracking", "shipment_id = ?", sandboxed)).toBe(0);
    expect((await api(`/v1/shipments/${sandboxed}/label.pdf`)).status).toBe(404);
    expect((await api(`/v1/shipments/${sandboxed}/label`, { method: "DELETE" })).body.code).toBe("not_labelled");
    const second = await api(`/v1/shipments/${sandboxed}/label`, { body: { carrier: "sandbox", service: "express" } });
    expect(second.status).toBe(201);
    expect(second.body.tracking_number).not.toBe(first.body.tracking_number);
    expect((await api(`/v1/shipments/${sandboxed}/handover`, { body: {} })).status).toBe(200);
    expect((await api(`/v1/shipments/${sandboxed}/label`, { method: "DELETE" })).body.code).toBe("already_shipped");
  });

  it("will not hand over a parcel whose orders were all cancelled after labelling", async () => {
    const { shipmentId } = await packedOrder(store.id);
    expect((await api(`/v1/shipments/${shipmentId}/label`, { body: {} })).status).toBe(201);
    await env.DB.prepare("UPDATE shipment_items SET cancelled_at = ? WHERE shipment_id = ?").bind(Date.now(), shipmentId).run();
    expect(await api(`/v1/shipments/${shipmentId}/handover`, { body: {} })).toMatchObject({ status: 409, body: { code: "nothing_to_ship" } });
    expect((await api(`/v1/shipments/${shipmentId}/label`, { method: "DELETE" })).status).toBe(200);
  });
});

describe("a cancelled order's labelled parcel", () => {
  it("is intercepted at the dock: the handover refuses it, the label is voided, the goods go back to their bin", async () => {
    const { order, shipmentId, sku, warehouse } = await packedOrder(store.id, { quantity: 2 });
    expect((await api(`/v1/shipments/${shipmentId}/label`, { body: {} })).status).toBe(201);
    expect((await api(`/v1/orders/${order.id}/transitions`, { body: { event: "cancel", reason: "customer changed their mind" } })).status).toBe(200);
    // The cancellation intercepts what is still in the building, labelled parcels included, in its own batch.
    expect((await api(`/v1/shipments/${shipmentId}`)).body).toMatchObject({ status: "intercepted", intercepted_from: "labelled", intercept_reason: "order cancelled" });
    expect((await api(`/v1/shipments/${shipmentId}/handover`, { body: {} })).status).toBe(409);
    const early = await api(`/v1/shipments/${shipmentId}/interception/resolve`, { body: { action: "restock" } });
    expect(early).toMatchObject({ status: 409, body: { code: "label_active" } });

    expect((await api(`/v1/shipments/${shipmentId}/label`, { method: "DELETE" })).status).toBe(200);
    const restocked = await api(`/v1/shipments/${shipmentId}/interception/resolve`, { body: { action: "restock" } });
    expect(restocked.status, JSON.stringify(restocked.body)).toBe(200);
    expect((await api(`/v1/shipments/${shipmentId}`)).body.status).toBe("cancelled");
    expect(await level(warehouse.id, sku)).toEqual({ on_hand: 50, reserved: 0 });
    expect((await ledgerOk(warehouse.id)).ok).toBe(true);
  });
});

describe("handover", () => {
  it("ships the shipment, takes its goods out of OUTBOUND with ship movements, and ships the order with its tracking", async () => {
    const { order, shipmentId, sku, warehouse } = await packedOrder(store.id, { quantity: 3 });
    const label = await api(`/v1/shipments/${shipmentId}/label`, { body: {} });
    expect(await level(warehouse.id, sku)).toEqual({ on_hand: 50, reserved: 3 });
    const r = await api(`/v1/shipments/${shipmentId}/handover`, { body: {} });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ shipment_id: shipmentId, status: "shipped", orders_shipped: [order.id] });
    expect((await api(`/v1/shipments/${shipmentId}`)).body.status).toBe("shipped");
    expect(await level(warehouse.id, sku)).toEqual({ on_hand: 47, reserved: 0 });
    const moves = await api(`/v1/warehouses/${warehouse.id}/movements?kind=ship`);
    // At the moving-average cost of the moment (received at 1.00): the cost of what shipped never changes afterwards.
    expect(moves.body.data).toMatchObject([{ sku, on_hand_delta: -3, reserved_delta: -3, unit_cost: "1.00", ref_type: "shipment", ref_id: shipmentId }]);
    expect((await ledgerOk(warehouse.id)).ok).toBe(true);

    const o = await api(`/v1/orders/${order.id}`);
    expect(o.body.status).toBe("shipped");
    const shipped = (await api(`/v1/orders/${order.id}/events`)).body.data.find((e: any) => e.type === "ship");
    expect(shipped).toMatchObject({ actor: "bootstrap", to_status: "shipped" });
    expect(shipped.data).toMatchObject({ tracking: { number: label.body.tracking_number, carrier: "sandbox" }, shipment_ids: [shipmentId] });

    expect((await api(`/v1/shipments/${shipmentId}/handover`, { body: {} })).body.code).toBe("already_shipped");
    expect(await level(warehouse.id, sku)).toEqual({ on_hand: 47, reserved: 0 });
  });

  it("refuses a shipment without a label, and bodies that are not an empty object", async () => {
    const { shipmentId } = await packedOrder(store.id);
    expect(await api(`/v1/shipments/${shipmentId}/handover`, { body: {} })).toMatchObject({ status: 409, body: { code: "not_labelled" } });
    expect((await api(`/v1/shipments/${shipmentId}/handover`, { body: { force: true } })).status).toBe(422);
    expect((await api("/v1/shipments/shp_00000000000000000000000000/handover", { body: {} })).status).toBe(404);
    expect((await api(`/v1/shipments/${shipmentId}`)).body.status).toBe("packed");
  });

  it("ships an order split in two only with its second parcel, and a double click hands over once", async () => {
    const [a, b] = [unique("SPL"), unique("SPL")];
    const east = await stockedWarehouse({ fields: { region: "NJ" }, bins: ["E-01"], stock: [["E-01", a, 5]] });
    const west = await stockedWarehouse({ fields: { region: "CA" }, bins: ["W-01"], stock: [["W-01", b, 5]] });
    const s = await createStore();
    await api(`/v1/stores/${s.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [east.id, west.id] } });
    const { order, allocation } = await allocatedOrder(s.id, {
      lines: [
        { sku: a, quantity: 1, unit_price: "1.00" },
        { sku: b, quantity: 1, unit_price: "1.00" },
      ],
    });
    expect(allocation.shipments).toHaveLength(2);
    const [first, second] = allocation.shipments.map((x: any) => x.id as string);
    for (const id of [first, second]) {
      await packShipment(id);
      expect((await api(`/v1/shipments/${id}/label`, { body: {} })).status).toBe(201);
    }
    expect((await api(`/v1/shipments/${first}/handover`, { body: {} })).body.orders_shipped).toEqual([]);
    expect((await api(`/v1/orders/${order.id}`)).body.status).toBe("processing");
    const clicks = await Promise.all([0, 1, 2].map(() => api(`/v1/shipments/${second}/handover`, { body: {} })));
    expect(clicks.filter((c) => c.status === 200)).toHaveLength(1);
    expect(clicks.find((c) => c.status === 200)!.body.orders_shipped).toEqual([order.id]);
    expect((await api(`/v1/orders/${order.id}`)).body.status).toBe("shipped");
    expect(await level(west.id, b)).toEqual({ on_hand: 4, reserved: 0 });
    const ship = (await api(`/v1/orders/${order.id}/events`)).body.data.find((e: any) => e.type === "ship");
    expect(ship.data.shipment_ids.sort()).toEqual([first, second].sort());
  });

  it("refuses when OUTBOUND holds fewer units than were packed, and changes nothing", async () => {
    const { shipmentId } = await packedOrder(store.id);
    await labelDirectly(shipmentId, `EXT${Date.now()}`);
    await env.DB.prepare("UPDATE shipment_items SET packed_qty = packed_qty + 5, picked_qty = picked_qty + 5, quantity = quantity + 5 WHERE shipment_id = ?")
      .bind(shipmentId)
      .run();
    expect(await api(`/v1/shipments/${shipmentId}/handover`, { body: {} })).toMatchObject({ status: 409, body: { code: "stock_mismatch" } });
    expect((await api(`/v1/shipments/${shipmentId}`)).body.status).toBe("labelled");
  });
});
