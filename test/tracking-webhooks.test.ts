/**
 * Tracking webhooks from EasyPost, AfterShip and Shippo, with the partners'
 * own sample bodies (../shared/fixtures, exact bytes): each signature scheme
 * accepts what the partner signs and refuses anything else with a 401
 * problem; a replay is a no-op; events apply forward only whatever order they
 * arrive in; unknown statuses become exceptions; the last parcel delivered
 * delivers the order through its Durable Object.
 */
import { env } from "./shard-env";
import { beforeAll, describe, expect, it } from "vitest";
import { easypost } from "../src/logistics/webhooks/easypost";
import { shippo } from "../src/logistics/webhooks/shippo";
import { aftership } from "../src/logistics/webhooks/aftership";
import type { Env } from "../src/env";
import { createLabel } from "../src/logistics/create-label";
import { open, parseKeyring } from "../src/lib/pii-crypto";
import { ingestTrackingEvent } from "../src/logistics/ingest-tracking-event";
import { logisticsHandlers } from "../src/logistics/handlers";
import { consumeMessages } from "../src/outbox/consume";
import { tracedD1 } from "../src/db/trace";
import type { TrackingStatus } from "../src/db/schema";
import { vi } from "vitest";
import { createStore, principalOf } from "./helpers";
import {
  bytes,
  deliverSigned,
  FIXTURE_TRACKING_NUMBER,
  fixture,
  freshTrackingNumber,
  labelDirectly,
  orderStatus,
  packedOrder,
  postWebhook,
  processed,
  rewrite,
  SECRETS,
  shipmentStatus,
  sign,
  text,
  trackingRows,
  carrierIssuing,
} from "./logistics-helpers";
import { count, waitFor } from "./processing-helpers";

const SIGNATURES = JSON.parse(text(fixture("signatures.json")));
const header = (file: string) => SIGNATURES[file].headers as Record<string, string>;

type Partner = "easypost" | "aftership" | "shippo";
const PARTNERS: Partner[] = ["easypost", "aftership", "shippo"];

/** Each partner's fixtures and the strings that make a derived event: its event id, and its status words. */
const SAMPLES = {
  easypost: {
    inTransit: { file: "easypost-tracker-updated-in-transit.json", id: "evt_8c4e2a1f4b6d11f0a9e3b5c7d9f1a2c4" },
    delivered: { file: "easypost-tracker-updated-delivered.json", id: "evt_e1d7a3b54b8f11f0b2c4d6e8f0a1b3c5" },
    status: '    "status": "in_transit",\n    "status_detail": "arrived_at_facility"',
    unknown: '    "status": "teleported",\n    "status_detail": "arrived_at_facility"',
  },
  aftership: {
    inTransit: { file: "aftership-intransit.json", id: "6b1e9d2a-3c4f-4a5b-9e8d-7f6a5b4c3d2e" },
    delivered: { file: "aftership-delivered.json", id: "0f3c7a9e-1b2d-4e6f-8a0c-2d4e6f8a0b1c" },
    status: '    "tag": "InTransit",\n    "subtag": "InTransit_003"',
    unknown: '    "tag": "Teleported",\n    "subtag": "Teleported_001"',
  },
  shippo: {
    inTransit: { file: "shippo-track-updated.json", id: "9c4d5e6f7a8b40213c4d5e6f7a8b9c0d" },
    delivered: { file: "shippo-track-updated-delivered.json", id: "be6f7a8b9c0d42435e6f7a8b9c0d1e2f" },
    status: '      "status": "TRANSIT",\n      "status_details": "Arrived at USPS Regional Facility"',
    unknown: '      "status": "TELEPORTED",\n      "status_details": "Arrived at USPS Regional Facility"',
  },
} as const;

/** A partner's fixture as a new event (fresh id) about another parcel. */
function derived(partner: Partner, kind: "inTransit" | "delivered", trackingNumber: string, ...pairs: [string, string][]) {
  const s = SAMPLES[partner][kind];
  return rewrite(fixture(s.file), [s.id, `${partner === "easypost" ? "evt_" : ""}${crypto.randomUUID().replace(/-/g, "")}`], [FIXTURE_TRACKING_NUMBER, trackingNumber], ...pairs);
}

async function sha256Hex(b: Uint8Array) {
  return [...new Uint8Array(await crypto.subtle.digest("SHA-256", b))].map((x) => x.toString(16).padStart(2, "0")).join("");
}

let store: { id: string };
beforeAll(async () => {
  store = await createStore();
});

/** A labelled shipment with its own tracking number, on an order in processing. */
async function parcel(trackingNumber = freshTrackingNumber()) {
  const { order, shipmentId } = await packedOrder(store.id);
  await labelDirectly(shipmentId, trackingNumber);
  return { orderId: order.id as string, shipmentId, trackingNumber };
}

describe("the fixtures are read byte for byte", () => {
  it("has every tracking fixture with the SHA-256 that signatures.json lists", async () => {
    for (const p of PARTNERS) {
      for (const k of ["inTransit", "delivered"] as const) {
        const file = SAMPLES[p][k].file;
        const b = fixture(file);
        expect(b.byteLength, file).toBe(SIGNATURES[file].body_bytes);
        expect(await sha256Hex(b), file).toBe(SIGNATURES[file].body_sha256);
      }
    }
  });
});

describe("one parcel's story, with the partners' exact sample bodies", () => {
  it("in transit from all three partners, then delivered: the order is shipped, then delivered; replays change nothing", async () => {
    const { orderId, shipmentId } = await parcel(FIXTURE_TRACKING_NUMBER);
    expect(await orderStatus(orderId)).toBe("processing");

    const ep = await postWebhook("easypost", fixture(SAMPLES.easypost.inTransit.file), header(SAMPLES.easypost.inTransit.file));
    expect(ep.status, JSON.stringify(ep.body)).toBe(200);
    expect(ep.body).toMatchObject({ received: true, duplicate: false });
    const stored = await processed(ep.body.id);
    // The raw body is kept exactly as it came, sealed at rest (partners may send the recipient's contact).
    expect(stored.body).toMatch(/^enc1:/);
    expect(open(stored.body, parseKeyring(env.PII_KEYS, env.PII_INDEX_KEY))).toBe(text(fixture(SAMPLES.easypost.inTransit.file)));
    expect(stored).toMatchObject({
      partner: "easypost",
      event_id: SAMPLES.easypost.inTransit.id,
      tracking_number: FIXTURE_TRACKING_NUMBER,
      carrier: "usps",
      status: "in_transit",
      partner_status: "in_transit/arrived_at_facility",
      outcome: "applied",
      shipment_id: shipmentId,
    });
    expect(stored.occurred_at).toBe(Date.parse("2025-06-16T07:15:00Z"));
    // The carrier scanned it before anyone pressed "hand over": it left, and the order with it.
    expect(await shipmentStatus(shipmentId)).toMatchObject({ status: "in_transit", tracking_status: "in_transit" });
    await waitFor(async () => expect(await orderStatus(orderId)).toBe("shipped"));

    const as = await postWebhook("aftership", fixture(SAMPLES.aftership.inTransit.file), header(SAMPLES.aftership.inTransit.file));
    expect(as.status).toBe(200);
    expect(await processed(as.body.id)).toMatchObject({ status: "in_transit", partner_status: "InTransit/InTransit_003", shipment_id: shipmentId });

    // Shippo signs a timestamp: a real-time verifier needs a fresh one; the body is still the file's exact bytes.
    const sp = await postWebhook("shippo", fixture(SAMPLES.shippo.inTransit.file), await sign.shippo(fixture(SAMPLES.shippo.inTransit.file)));
    expect(sp.status, JSON.stringify(sp.body)).toBe(200);
    expect(await processed(sp.body.id)).toMatchObject({ event_id: SAMPLES.shippo.inTransit.id, status: "in_transit", shipment_id: shipmentId });

    const delivered = await postWebhook("easypost", fixture(SAMPLES.easypost.delivered.file), header(SAMPLES.easypost.delivered.file));
    expect(delivered.status).toBe(200);
    expect(await processed(delivered.body.id)).toMatchObject({ status: "delivered", outcome: "applied" });
    expect(await shipmentStatus(shipmentId)).toMatchObject({ status: "delivered", tracking_status: "delivered" });
    await waitFor(async () => expect(await orderStatus(orderId)).toBe("delivered"));

    // The other partners' news of the same delivery joins the timeline without changing anything.
    const asDelivered = await postWebhook("aftership", fixture(SAMPLES.aftership.delivered.file), header(SAMPLES.aftership.delivered.file));
    expect(await processed(asDelivered.body.id)).toMatchObject({ status: "delivered", outcome: "kept" });
    const spDelivered = await postWebhook("shippo", fixture(SAMPLES.shippo.delivered.file), await sign.shippo(fixture(SAMPLES.shippo.delivered.file)));
    expect(await processed(spDelivered.body.id)).toMatchObject({ status: "delivered", outcome: "kept" });

    // Every delivery again: 200, marked as a duplicate, nothing stored or owed twice.
    const events = await count("tracking_events", "tracking_number = ?", FIXTURE_TRACKING_NUMBER);
    const owed = await count("outbox", "type = 'tracking.received'");
    for (const [p, file] of [
      ["easypost", SAMPLES.easypost.inTransit.file],
      ["easypost", SAMPLES.easypost.delivered.file],
      ["aftership", SAMPLES.aftership.inTransit.file],
      ["aftership", SAMPLES.aftership.delivered.file],
    ] as const) {
      const again = await postWebhook(p, fixture(file), header(file));
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ received: true, duplicate: true });
    }
    const spAgain = await postWebhook("shippo", fixture(SAMPLES.shippo.delivered.file), await sign.shippo(fixture(SAMPLES.shippo.delivered.file)));
    expect(spAgain.body).toEqual({ received: true, duplicate: true });
    expect(await count("tracking_events", "tracking_number = ?", FIXTURE_TRACKING_NUMBER)).toBe(events);
    expect(await count("outbox", "type = 'tracking.received'")).toBe(owed);

    const timeline = await trackingRows("shipment_id = ?", shipmentId);
    expect(timeline.map((e) => `${e.partner}:${e.status}:${e.outcome}`)).toEqual([
      "easypost:in_transit:applied",
      "aftership:in_transit:kept",
      "shippo:in_transit:kept",
      "easypost:delivered:applied",
      "aftership:delivered:kept",
      "shippo:delivered:kept",
    ]);
  }, 60_000);
});

describe("a queue batch of tracking events", () => {
  it("reads every event of the batch in one round trip, then applies each as alone, two about one parcel included", async () => {
    const a = await parcel();
    const b = await parcel();
    const c = await parcel();
    const at = Date.now() - 60_000;
    const update = (trackingNumber: string, status: TrackingStatus, minutes: number) => ({
      eventId: `evt_${crypto.randomUUID().replace(/-/g, "")}`,
      trackingNumber,
      carrier: "usps",
      partnerStatus: status,
      status,
      message: null,
      location: null,
      occurredAt: at + minutes * 60_000,
    });
    // Stored as the webhook route stores them; the batch is handed to the logistics consumer as the queue would.
    const updates = [
      update(a.trackingNumber, "in_transit", 0),
      update(b.trackingNumber, "in_transit", 0),
      update(a.trackingNumber, "delivered", 5),
      update(c.trackingNumber, "delivered", 0),
    ];
    const stored = [];
    for (const u of updates) {
      const r = await ingestTrackingEvent(env, { partner: "easypost", update: u, rawBody: JSON.stringify(u) });
      if (r.duplicate) throw new Error("stored twice");
      stored.push(r);
    }
    const messages = stored.map((r) => ({ id: r.outbox.id, type: r.outbox.type, order_id: null, payload: r.outbox.payload, created_at: r.outbox.createdAt }));

    // The shard's binding traced: each round trip is one `[d1] <statements> ...` line.
    const lines: string[] = [];
    const spy = vi.spyOn(console, "warn").mockImplementation((line: string) => void lines.push(...String(line).split("\n")));
    let results;
    try {
      results = await consumeMessages({ ...env, DB: tracedD1(env.DB) } as typeof env, "logistics", messages, logisticsHandlers);
    } finally {
      spy.mockRestore();
    }
    expect(results).toEqual(["done", "done", "done", "done"]);
    const eventReads = lines.filter((l) => /^\[d1\] \d+ @\S+ select "id", "partner", "event_id"/.test(l));
    expect(eventReads, lines.join("\n")).toEqual([expect.stringMatching(/^\[d1\] 20 /)]);

    // Each as if alone. The two about one parcel ran at once, as two deliveries of the queue may: whichever came
    // second saw the other's change (its guard lost, it read again), so the delivery moved the parcel either way and
    // the earlier in-transit is applied or kept in the timeline, never lost.
    const outcomes = [];
    for (const r of stored) outcomes.push((await processed(r.id)).outcome);
    expect(outcomes[0]).toMatch(/^(applied|kept)$/);
    expect(outcomes.slice(1)).toEqual(["applied", "applied", "applied"]);
    expect(await shipmentStatus(a.shipmentId)).toMatchObject({ status: "delivered", tracking_status: "delivered" });
    expect(await shipmentStatus(b.shipmentId)).toMatchObject({ status: "in_transit", tracking_status: "in_transit" });
    expect(await shipmentStatus(c.shipmentId)).toMatchObject({ status: "delivered", tracking_status: "delivered" });
    expect((await trackingRows("shipment_id = ?", a.shipmentId)).map((e) => e.status)).toEqual(["in_transit", "delivered"]);
    await waitFor(async () => expect(await orderStatus(a.orderId)).toBe("delivered"));
    await waitFor(async () => expect(await orderStatus(b.orderId)).toBe("shipped"));
    await waitFor(async () => expect(await orderStatus(c.orderId)).toBe("delivered"));
  }, 60_000);
});

describe.each(PARTNERS)("%s signatures", (partner) => {
  it("accepts a body signed with the partner's scheme and stores it", async () => {
    const { trackingNumber } = await parcel();
    const body = derived(partner, "inTransit", trackingNumber);
    const r = await deliverSigned(partner, body);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ received: true, duplicate: false });
    expect(await count("tracking_events", "tracking_number = ? AND partner = ?", trackingNumber, partner)).toBe(1);
  });

  it("refuses a missing signature, a wrong one, one byte changed and the other encoding with a 401 problem, storing nothing", async () => {
    const trackingNumber = freshTrackingNumber();
    const body = derived(partner, "inTransit", trackingNumber);
    const good = await sign[partner](body);
    const changed = new Uint8Array(body);
    changed[changed.length - 3]! ^= 0x01;
    const name = Object.keys(good)[0]!;
    const value = Object.values(good)[0]!;
    const attempts: [Uint8Array, Record<string, string>, string?][] = [
      [body, {}],
      [changed, good],
      [body, await sign[partner](body, ...((partner === "shippo" ? [Math.floor(Date.now() / 1000), "another secret"] : ["another secret"]) as [any, any]))],
      // The last character changed (hex and base64 alike; hex compares without case, so never just re-cased).
      [body, { [name]: `${value.slice(0, -1)}${value.slice(-1).toLowerCase() === "0" ? "1" : "0"}` }],
      [body, { [name]: "" }],
    ];
    if (partner === "easypost") {
      // Hex where base64 belongs, and the MAC under the secret not NFKD-normalised (the fixture's own negative vector).
      attempts.push([body, { "x-hmac-signature": value.replace("hmac-sha256-hex=", "") }]);
      attempts.push([body, await sign.easypost(body, SECRETS.easypost)]);
      const file = SAMPLES.easypost.inTransit.file;
      attempts.push([fixture(file), { "x-hmac-signature": SIGNATURES[file].negative_test_signature_if_secret_NOT_normalised }]);
    }
    if (partner === "aftership") {
      const mac = Uint8Array.from(atob(value), (c) => c.charCodeAt(0));
      attempts.push([body, { "aftership-hmac-sha256": [...mac].map((x) => x.toString(16).padStart(2, "0")).join("") }]);
    }
    if (partner === "shippo") {
      attempts.push([body, good, ""]); // no ?token=
      attempts.push([body, good, "?token=wrong_token_of_the_same_size!"]);
      const old = Math.floor(Date.now() / 1000) - 301;
      attempts.push([body, await sign.shippo(body, old)]); // outside the tolerance
      // A minute past the tolerance: the requests below may be sent seconds after this is signed.
      attempts.push([body, await sign.shippo(body, Math.floor(Date.now() / 1000) + 360)]);
      // t is signed: another t (one second before the signed one, whenever this runs) with the same MAC is refused.
      const signedAt = Number(/t=(\d+)/.exec(value)![1]);
      attempts.push([body, { "shippo-auth-signature": value.replace(/t=\d+/, `t=${signedAt - 1}`) }]);
    }
    for (const [b, h, query] of attempts) {
      const r = await postWebhook(partner, b, h, query);
      expect(r.status, `${JSON.stringify(h)} ${query ?? ""}`).toBe(401);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
      expect(r.body.code).toBe("invalid_signature");
    }
    expect(await count("tracking_events", "tracking_number = ?", trackingNumber)).toBe(0);
  });

  it("treats a replayed event as a no-op 200", async () => {
    const { trackingNumber } = await parcel();
    const body = derived(partner, "inTransit", trackingNumber);
    const first = await deliverSigned(partner, body);
    await processed(first.body.id);
    const again = await Promise.all([deliverSigned(partner, body), deliverSigned(partner, body), deliverSigned(partner, body)]);
    for (const r of again) expect(r).toMatchObject({ status: 200, body: { received: true, duplicate: true } });
    expect(await count("tracking_events", "tracking_number = ?", trackingNumber)).toBe(1);
    expect(await count("outbox", "payload LIKE ?", `%${first.body.id}%`)).toBe(1);
  });

  it("stores one of many simultaneous first deliveries of an event", async () => {
    const trackingNumber = freshTrackingNumber();
    const body = derived(partner, "inTransit", trackingNumber);
    const results = await Promise.all(Array.from({ length: 8 }, () => deliverSigned(partner, body)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    expect(await count("tracking_events", "tracking_number = ?", trackingNumber)).toBe(1);
  });

  it("keeps a late in-transit event after the delivery in the timeline without moving the shipment back", async () => {
    const { orderId, shipmentId, trackingNumber } = await parcel();
    const delivered = await deliverSigned(partner, derived(partner, "delivered", trackingNumber));
    expect(await processed(delivered.body.id)).toMatchObject({ status: "delivered", outcome: "applied" });
    const late = await deliverSigned(partner, derived(partner, "inTransit", trackingNumber));
    expect(await processed(late.body.id)).toMatchObject({ status: "in_transit", outcome: "kept", shipment_id: shipmentId });
    expect(await shipmentStatus(shipmentId)).toMatchObject({ status: "delivered", tracking_status: "delivered" });
    // Handed over by the scan, then delivered: the order went through shipped to delivered.
    await waitFor(async () => expect(await orderStatus(orderId)).toBe("delivered"));
    const timeline = await trackingRows("shipment_id = ?", shipmentId);
    expect(timeline.map((e) => e.status)).toEqual(["in_transit", "delivered"]);
  });

  it("maps a status it has never seen to an exception instead of failing, and raises it for the logistics team", async () => {
    const { shipmentId, orderId, trackingNumber } = await parcel();
    const s = SAMPLES[partner];
    const r = await deliverSigned(partner, derived(partner, "inTransit", trackingNumber, [s.status, s.unknown]));
    expect(r.status).toBe(200);
    const row = await processed(r.body.id);
    expect(row).toMatchObject({ status: "exception", outcome: "applied" });
    expect(row.partner_status).toMatch(/^(teleported|Teleported|TELEPORTED)/);
    expect(await shipmentStatus(shipmentId)).toMatchObject({ tracking_status: "exception" });
    const exc = await env.DB.prepare("SELECT * FROM logistics_exceptions WHERE shipment_id = ?").bind(shipmentId).all<Record<string, any>>();
    expect(exc.results).toMatchObject([{ kind: "exception", status: "open", order_id: orderId }]);
  });

  it("stores and reports an event for a tracking number we never issued, without failing", async () => {
    const trackingNumber = freshTrackingNumber();
    const r = await deliverSigned(partner, derived(partner, "inTransit", trackingNumber));
    expect(r.status).toBe(200);
    expect(await processed(r.body.id)).toMatchObject({ outcome: "unmatched", shipment_id: null });
  });

  it("applies an event that came before its label once the label is recorded", async () => {
    const trackingNumber = freshTrackingNumber();
    const early = await deliverSigned(partner, derived(partner, "inTransit", trackingNumber));
    expect(await processed(early.body.id)).toMatchObject({ outcome: "unmatched" });
    const { order, shipmentId } = await packedOrder(store.id);
    const fetch = await carrierIssuing(store.id, trackingNumber);
    try {
      const r = await createLabel(env, shipmentId, { principal: principalOf("admin", "test"), input: {}, deps: { fetch } });
      expect(r.ok).toBe(true);
      await waitFor(async () => expect(await trackingRows("id = ?", early.body.id)).toMatchObject([{ outcome: "applied", shipment_id: shipmentId }]));
      expect(await shipmentStatus(shipmentId)).toMatchObject({ tracking_status: "in_transit" });
      await waitFor(async () => expect(await orderStatus(order.id)).toBe("shipped"));
    } finally {
      // Back to the sandbox default for the other tests of this store.
      await env.DB.prepare("DELETE FROM store_logistics WHERE store_id = ?").bind(store.id).run();
    }
  });

  it("answers a valid signature over a broken body with 400/422 problems and stores nothing", async () => {
    const notJson = bytes("{ not json");
    const r1 = await deliverSigned(partner, notJson);
    expect(r1.status).toBe(400);
    expect(r1.body.code).toBe("malformed_json");
    const shapes: Record<Partner, string> = {
      easypost: JSON.stringify({ id: "evt_x", description: "tracker.updated", result: { status: "in_transit" } }),
      aftership: JSON.stringify({ event: "tracking_update", event_id: "e1", msg: { tag: "InTransit" } }),
      shippo: JSON.stringify({ event: "track_updated", data: { tracking_number: "X1", tracking_status: { status: "TRANSIT" } } }),
    };
    const r2 = await deliverSigned(partner, bytes(shapes[partner]));
    expect(r2.status).toBe(422);
    expect(r2.headers.get("content-type")).toBe("application/problem+json");
    expect(r2.body.errors.length).toBeGreaterThan(0);
    expect(await count("tracking_events", "partner = ? AND (event_id = 'evt_x' OR event_id = 'e1' OR tracking_number = 'X1')", partner)).toBe(0);
  });

  it("acknowledges events that are not tracking updates without storing them", async () => {
    const other: Record<Partner, unknown> = {
      easypost: { id: "evt_batch", description: "batch.created", result: {} },
      aftership: { event: "edd_revise", event_id: "e-edd", msg: {} },
      shippo: { event: "transaction_created", data: {} },
    };
    const r = await deliverSigned(partner, bytes(JSON.stringify(other[partner])));
    expect(r.status).toBe(200);
    expect(r.body.ignored).toBeTruthy();
  });
});

describe("the verifiers alone", () => {
  const req = (body: Uint8Array, headers: Record<string, string>, url = "https://oms.example.com/webhooks/tracking/x") => ({
    body,
    headers: new Headers(headers),
    url: new URL(url),
  });

  it("accept the fixtures' precomputed signatures, and Shippo's only with its clock at the signing time", async () => {
    for (const [partner, verifier] of [
      ["easypost", easypost],
      ["aftership", aftership],
    ] as const) {
      for (const k of ["inTransit", "delivered"] as const) {
        const file = SAMPLES[partner][k].file;
        expect(await verifier.verify(req(fixture(file), header(file)), env as Env, Date.now()), file).toEqual({ ok: true });
      }
    }
    for (const k of ["inTransit", "delivered"] as const) {
      const file = SAMPLES.shippo[k].file;
      const h = header(file);
      const t = Number(/t=(\d+)/.exec(h["Shippo-Auth-Signature"]!)![1]) * 1000;
      const url = `https://oms.example.com/webhooks/tracking/shippo?token=${SECRETS.shippoToken}`;
      expect(await shippo.verify(req(fixture(file), h, url), env as Env, t + 60_000)).toEqual({ ok: true });
      expect(await shippo.verify(req(fixture(file), h, url), env as Env, t + 301_000)).toMatchObject({ ok: false, code: "invalid_signature" });
      expect(await shippo.verify(req(fixture(file), h, url), env as Env, Date.now())).toMatchObject({ ok: false, code: "invalid_signature" });
    }
  });

  it("accept the previous secret while rotating, and refuse everything when no secret is configured", async () => {
    const body = fixture(SAMPLES.aftership.inTransit.file);
    const h = await sign.aftership(body, "old secret");
    expect(await aftership.verify(req(body, h), { ...env, AFTERSHIP_WEBHOOK_SECRET_PREVIOUS: "old secret" } as Env, 0)).toEqual({ ok: true });
    expect(await aftership.verify(req(body, h), env as Env, 0)).toMatchObject({ ok: false, code: "invalid_signature" });
    const none = { ...env, EASYPOST_WEBHOOK_SECRET: undefined, AFTERSHIP_WEBHOOK_SECRET: undefined, SHIPPO_WEBHOOK_TOKEN: undefined, SHIPPO_WEBHOOK_SECRET: undefined } as Env;
    expect(await aftership.verify(req(body, header(SAMPLES.aftership.inTransit.file)), none, 0)).toMatchObject({ ok: false, code: "not_configured" });
    expect(await easypost.verify(req(body, {}), none, 0)).toMatchObject({ ok: false, code: "not_configured" });
    expect(await shippo.verify(req(body, {}), none, 0)).toMatchObject({ ok: false, code: "not_configured" });
    // Shippo with only the URL token configured (its self-serve option).
    const tokenOnly = { ...none, SHIPPO_WEBHOOK_TOKEN: SECRETS.shippoToken } as Env;
    expect(await shippo.verify(req(body, {}, `https://x/y?token=${SECRETS.shippoToken}`), tokenOnly, 0)).toEqual({ ok: true });
    expect(await shippo.verify(req(body, {}, "https://x/y?token=nope"), tokenOnly, 0)).toMatchObject({ ok: false });
  });
});

describe("the endpoint", () => {
  it("is 404 for an unknown partner and 405 for other methods", async () => {
    const body = fixture(SAMPLES.easypost.inTransit.file);
    for (const name of ["fedex-direct", "constructor", "__proto__", "toString", "hasOwnProperty"]) {
      const r = await postWebhook(name, body, {});
      expect(r.status, name).toBe(404);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
    }
    const { exports } = await import("cloudflare:workers");
    const get = await exports.default.fetch("http://oms.test/webhooks/tracking/easypost");
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });

  it("refuses bodies over 1 MiB with 413 before verifying", async () => {
    const r = await postWebhook("aftership", new Uint8Array(1024 * 1024 + 1).fill(32), { "aftership-hmac-sha256": "x" });
    expect(r.status).toBe(413);
  });
});
