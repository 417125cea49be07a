// The actors of the whole-order scenario (bench/whole-order.mjs), over HTTP only, each with its own key:
// the storefront checks out, the floor releases waves and a picker scans each pick, a packer scans, weighs,
// packs and prints the label, logistics hands over, the carrier posts signed tracking webhooks, and the
// customer reads the delivered notice and confirms receipt on their page. Every request is timed per route
// and counted by kind: an action, a poll (asking whether something is ready) or a look in the mailbox.
import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import { FIXTURES, SIGNED_HEADERS } from "./partners.mjs";
import { sleep } from "./procs.mjs";

/** A request that did not get the answer its actor needed: the order's journey stops there. */
export class ActorError extends Error {
  constructor(route, status, detail) {
    super(`${route} answered ${status}: ${detail}`);
    this.route = route;
    this.status = status;
    this.detail = detail;
  }
}

/** Every request of a pass: route, kind, milliseconds, status (0: no answer). */
export function recorder() {
  const requests = [];
  return {
    requests,
    add: (route, kind, ms, status) => requests.push({ route, kind, ms, status }),
  };
}

/**
 * A JSON API caller for one recorder. `kind` may be a function of the answer
 * (a wave release that finds nothing is a poll). `raw` returns the bytes.
 */
export function apiCaller(base, rec) {
  return async function call(route, path, { kind = "action", method, key, body, expect = [200, 201], raw = false, headers = {} } = {}) {
    const h = { ...headers };
    if (key) h.authorization = `Bearer ${key}`;
    if (body !== undefined) h["content-type"] = "application/json";
    const t0 = performance.now();
    let res;
    let bytes;
    try {
      res = await fetch(`${base}${path}`, {
        method: method ?? (body !== undefined ? "POST" : "GET"),
        headers: h,
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      bytes = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      rec.add(route, typeof kind === "function" ? "action" : kind, performance.now() - t0, 0);
      throw new ActorError(route, 0, `${method ?? "GET"} ${path}: ${err.cause?.code ?? err.message}`);
    }
    const ms = performance.now() - t0;
    let json = null;
    if (!raw) {
      try {
        json = bytes.length ? JSON.parse(bytes.toString("utf8")) : null;
      } catch {
        json = bytes.toString("utf8");
      }
    }
    rec.add(route, typeof kind === "function" ? kind(res.status, json) : kind, ms, res.status);
    if (!expect.includes(res.status)) {
      const sent = body === undefined ? "" : ` with ${typeof body === "string" ? body.slice(0, 200) : JSON.stringify(body).slice(0, 300)}`;
      throw new ActorError(route, res.status, `${method ?? (body !== undefined ? "POST" : "GET")} ${path}${sent} -> ${bytes.toString("utf8").slice(0, 500)}`);
    }
    return { status: res.status, body: raw ? bytes : json, headers: res.headers };
  };
}

/**
 * A browser's request from `localAddress`: each customer comes from an address
 * of their own (127.x.y.z), as real customers do, so the pages' per-address
 * rate limit sees one customer per address. No redirect is followed.
 */
function browserRequest(url, { method = "GET", headers = {}, body, localAddress }) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request({ hostname: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, method, headers, localAddress, agent: false, timeout: 30_000 }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export function browser(rec, localAddress) {
  return async function visit(route, url, { method, headers, body, expect }) {
    const t0 = performance.now();
    let res;
    try {
      res = await browserRequest(url, { method, headers, body, localAddress });
    } catch (err) {
      rec.add(route, "action", performance.now() - t0, 0);
      throw new ActorError(route, 0, `${method ?? "GET"} ${url}: ${err.code ?? err.message}`);
    }
    rec.add(route, "action", performance.now() - t0, res.status);
    if (res.status !== expect) throw new ActorError(route, res.status, `${method ?? "GET"} ${url} -> ${res.headers.location ?? res.text.slice(0, 300)}`);
    return res;
  };
}

/** Customer n's own address on the loopback network (Linux answers on all of 127.0.0.0/8). */
export const customerAddress = (n) => `127.${1 + ((n >> 16) & 0x7f)}.${(n >> 8) & 255}.${n & 255}`;

// ---- the carrier's webhooks ----------------------------------------------------

const CARRIER_EVENTS = {
  in_transit: readFileSync(join(FIXTURES, "easypost-tracker-updated-in-transit.json"), "utf8"),
  delivered: readFileSync(join(FIXTURES, "easypost-tracker-updated-delivered.json"), "utf8"),
};
const FIXTURE_NUMBER = "9400136208303389427536";
const FIXTURE_TRACKER = "trk_5d7f0b2c9e3a4f61a8b7c6d5e4f3a2b1";

/**
 * The fixture's EasyPost `tracker.updated` for one parcel, happening now: its
 * label's tracking code and carrier, a tracker of its own, a new event id, and
 * every time moved so the newest scan is now (none later). The fixtures'
 * events are from June 2025: sent as they are, they would be acknowledged as
 * too old and not applied.
 */
export function carrierEvent(status, { trackingNumber, carrier, shipmentId, now = Date.now() }) {
  const text = CARRIER_EVENTS[status];
  const scans = [...text.matchAll(/"datetime": "([^"]+)"/g)].map((m) => Date.parse(m[1]));
  const shift = now - Math.max(...scans);
  const tracker = `trk_${createHash("sha256").update(shipmentId).digest("hex").slice(0, 32)}`;
  return text
    .replace(/"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{3})?Z"/g, (_, time, ms) => {
      const moved = new Date(Math.min(now, Date.parse(`${time}${ms ?? ""}Z`) + shift)).toISOString();
      return `"${ms ? moved : moved.replace(/\.\d{3}Z$/, "Z")}"`;
    })
    .replace(/"id": "evt_[0-9a-f]+"/, `"id": "evt_${randomUUID().replace(/-/g, "")}"`)
    .split(FIXTURE_NUMBER)
    .join(trackingNumber)
    .split(FIXTURE_TRACKER)
    .join(tracker)
    .replace(/"carrier": "USPS"/, `"carrier": ${JSON.stringify(carrier)}`);
}

// ---- the floor -----------------------------------------------------------------

/**
 * The floor's wave releases: `POST /v1/waves` for whatever is allocated in the
 * warehouse, again at once while releases find work, every `pollMs` while
 * they find none (then the release is counted as a poll: it only asked). Each
 * order's picker gets its order's lines of the pick list it was released in.
 */
export function waveReleaser({ call, key, warehouseId, pollMs }) {
  const released = new Map(); // order id -> { waveId, lines }
  const waiting = new Map(); // order id -> resolve
  let stopped = false;
  let wake = null;
  const nap = (ms) =>
    new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  const errors = [];
  const loop = (async () => {
    while (!stopped) {
      let found = 0;
      try {
        const r = await call("POST /v1/waves", "/v1/waves", {
          key,
          body: { warehouse_id: warehouseId, group_by: "carrier" },
          kind: (status, json) => (status === 201 && json?.data?.length ? "action" : "poll"),
        });
        for (const wave of r.body.data) {
          const byOrder = new Map();
          for (const l of wave.pick_list) byOrder.set(l.order_id, [...(byOrder.get(l.order_id) ?? []), l]);
          for (const [orderId, lines] of byOrder) {
            found++;
            const entry = { waveId: wave.id, lines };
            const resolve = waiting.get(orderId);
            if (resolve) {
              waiting.delete(orderId);
              resolve(entry);
            } else released.set(orderId, entry);
          }
        }
      } catch (err) {
        errors.push(err);
      }
      if (!found && !stopped) await nap(pollMs);
    }
  })();
  return {
    errors,
    /** The pick lines of an order once a wave holds it; rejects after `timeoutMs`. */
    linesFor(orderId, timeoutMs) {
      const ready = released.get(orderId);
      if (ready) {
        released.delete(orderId);
        return Promise.resolve(ready);
      }
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => {
          waiting.delete(orderId);
          reject(new ActorError("waiting for a wave", 0, `no wave released ${orderId} within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        waiting.set(orderId, (entry) => {
          clearTimeout(t);
          resolve(entry);
        });
      });
    },
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}

// ---- one order, checkout to completed ------------------------------------------

// `/o/<store tag>.<token>`, or `/o/<token>` for a store made before tags (src/customer/tokens.ts).
const LINK = /https?:\/\/[^\s]+\/o\/(?:[0-9A-Z]{4}\.)?[0-9A-Za-z]{32}/;

/**
 * One order's journey through every actor. `ctx` holds the keys, the catalogue
 * (barcode and weight by SKU), the package type, the wave releaser, the poll
 * interval and the carrier's delay. Resolves to what the journey saw; throws an
 * ActorError at the first answer an actor could not work with.
 */
export async function journey(ctx, o) {
  const { call, keys, catalogue, floor } = ctx;
  const at = (step) => {
    o.step = step;
  };

  at("checkout");
  o.sentAt = Date.now();
  const created = await call("POST /v1/orders", "/v1/orders", { key: keys.channel, body: o.body, expect: [201] });
  o.id = created.body.id;

  at("waiting for a wave");
  const { waveId, lines } = await floor.linesFor(o.id, ctx.stageTimeoutMs);
  const shipments = [...new Set(lines.map((l) => l.shipment_id))];
  if (shipments.length !== 1 || lines.some((l) => l.cancelled || l.intercepted)) {
    throw new ActorError("waiting for a wave", 0, `${o.id}: expected one live shipment, the pick list has ${JSON.stringify(lines)}`);
  }
  o.shipmentId = shipments[0];
  o.waveId = waveId;

  at("picking");
  // One request per scan, along the picking path: the handheld reads the item's barcode, the picker keys in the count.
  for (const l of [...lines].sort((a, b) => a.pick_sequence - b.pick_sequence)) {
    await call("POST /v1/waves/{id}/picks", `/v1/waves/${waveId}/picks`, {
      key: keys.picker,
      body: { item_id: l.item_id, scanned: catalogue.get(l.sku).barcode, quantity: l.to_pick, duration_ms: 4000 },
    });
  }

  at("packing");
  // The station reads each unit's barcode. By default it sends them with the pack, as a station closing the parcel
  // does; "batch": in one pack-scans request first; "single": one request per scan, as a handheld without a buffer.
  const scans = lines.flatMap((l) => Array.from({ length: l.to_pick }, () => ({ code: catalogue.get(l.sku).barcode, duration_ms: 800 })));
  if (ctx.scans === "single") {
    for (const scan of scans) await call("POST /v1/shipments/{id}/pack-scans", `/v1/shipments/${o.shipmentId}/pack-scans`, { key: keys.packer, body: scan });
  } else if (ctx.scans === "batch") {
    const r = await call("POST /v1/shipments/{id}/pack-scans", `/v1/shipments/${o.shipmentId}/pack-scans`, { key: keys.packer, body: { scans } });
    if (r.body.remaining !== 0 || r.body.results.some((x) => !x.ok))
      throw new ActorError("POST /v1/shipments/{id}/pack-scans", r.status, `${o.shipmentId}: ${JSON.stringify(r.body)}`);
  }
  const grams = lines.reduce((g, l) => g + catalogue.get(l.sku).weight_grams * l.to_pick, ctx.packageType.tare_grams);
  await call("POST /v1/shipments/{id}/pack", `/v1/shipments/${o.shipmentId}/pack`, {
    key: keys.packer,
    body: { ...(ctx.scans === "pack" ? { scans } : {}), packages: [{ package_type: ctx.packageType.code, weight_grams: grams }], duration_ms: 15000 },
  });
  // Bought and printed in one request; code from before `include_pdf` ignores it, and the station then GETs the PDF.
  const label = (await call("POST /v1/shipments/{id}/label", `/v1/shipments/${o.shipmentId}/label`, { key: keys.packer, body: { include_pdf: true }, expect: [201] })).body;
  o.trackingNumber = label.tracking_number;
  const pdf = label.label_pdf ? Buffer.from(label.label_pdf, "base64") : (await call("GET /v1/shipments/{id}/label.pdf", label.label_url, { key: keys.packer, raw: true })).body;
  if (pdf.subarray(0, 5).toString("latin1") !== "%PDF-") throw new ActorError("POST /v1/shipments/{id}/label", 201, `${o.shipmentId}: the label printed is not a PDF`);
  o.labelBytes = pdf.length;

  at("handover");
  const handover = (await call("POST /v1/shipments/{id}/handover", `/v1/shipments/${o.shipmentId}/handover`, { key: keys.logistics, body: {} })).body;
  if (!handover.orders_shipped?.includes(o.id)) throw new ActorError("POST /v1/shipments/{id}/handover", 200, `${o.id} did not ship: ${JSON.stringify(handover)}`);

  at("carrier");
  for (const status of ["in_transit", "delivered"]) {
    await sleep(ctx.carrierDelayMs);
    const body = carrierEvent(status, { trackingNumber: label.tracking_number, carrier: label.carrier, shipmentId: o.shipmentId });
    const r = await call("POST /webhooks/tracking/easypost", "/webhooks/tracking/easypost", { body, headers: SIGNED_HEADERS.easypost(body) });
    if (r.body?.received !== true || r.body.duplicate !== false) throw new ActorError("POST /webhooks/tracking/easypost", r.status, `${status}: ${JSON.stringify(r.body)}`);
  }

  at("waiting for the delivered notice");
  const deadline = Date.now() + ctx.stageTimeoutMs;
  let link = null;
  while (!link) {
    if (Date.now() > deadline) throw new ActorError("GET /v1/notifications", 0, `no order.delivered notice for ${o.id} within ${ctx.stageTimeoutMs / 1000} s`);
    await sleep(ctx.pollMs);
    const mail = await call("GET /v1/notifications?order_id", `/v1/notifications?order_id=${o.id}`, { kind: "mailbox", key: keys.support });
    const notice = mail.body.data.find((n) => n.template === "order.delivered" && n.status === "sent");
    if (notice) link = LINK.exec(notice.body)?.[0] ?? null;
  }

  at("confirming receipt");
  const visit = browser(ctx.rec, o.address);
  const opened = await visit("GET /o/{token}", link, { expect: 303 });
  const cookie = [opened.headers["set-cookie"] ?? []].flat()[0]?.split(";")[0];
  const pageUrl = new URL(opened.headers.location, link).href;
  const page = await visit("GET /o/order/{id}", pageUrl, { headers: { cookie }, expect: 200 });
  const version = /name="version" value="(\d+)"/.exec(page.text)?.[1];
  if (!version) {
    const readOnly = /data-read-only="([^"]+)"/.exec(page.text)?.[1];
    throw new ActorError("GET /o/order/{id}", 200, `${pageUrl} offers no receipt form${readOnly ? ` (the page is read-only: ${readOnly})` : ""}`);
  }
  const origin = new URL(pageUrl).origin;
  const confirmed = await visit("POST /o/order/{id}/received", `${pageUrl}/received`, {
    method: "POST",
    headers: { cookie, origin, "sec-fetch-site": "same-origin", "content-type": "application/x-www-form-urlencoded" },
    body: `version=${version}`,
    expect: 303,
  });
  if (!/[?&]done=received\b/.test(confirmed.headers.location ?? "")) {
    throw new ActorError("POST /o/order/{id}/received", 303, `${o.id}: the page answered ${confirmed.headers.location}`);
  }
  await visit("GET /o/order/{id}?done=received", new URL(confirmed.headers.location, pageUrl).href, { headers: { cookie }, expect: 200 });
  o.doneAt = Date.now();
  at("done");
}
