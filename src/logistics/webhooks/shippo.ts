/**
 * Shippo `track_updated`. Shippo's documented, self-serve authentication is
 * a secret token in the webhook URL (`?token=`); an HMAC header
 * (`Shippo-Auth-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`)
 * exists when Shippo provisions it. Every mechanism that is configured must
 * pass, at least one must be configured, and a signed timestamp must be
 * within TOLERANCE_S of now (replays of old signed bodies are refused).
 * There is no event id: dedupe on `data.tracking_status.object_id`.
 */
import { fieldErrors } from "../../http/problem";
import type { TrackingStatus } from "../tracking-status";
import { clip, joinLocation, parseTime, type Parsed, type TrackingPartner, type Verification } from "./partner";
import { ShippoBody } from "./schemas";
import { concatBytes, fromHex, macMatches, timingSafeEqual, utf8 } from "./signatures";

export const TOLERANCE_S = 300;

/** Shippo `status` (+ `substatus.code`) to ours; unknown statuses are exceptions, never a crash. */
export function mapShippo(status: string, substatus: string | null): TrackingStatus {
  if (substatus === "pickup_available" && (status === "TRANSIT" || status === "DELIVERED")) return "available_for_pickup";
  switch (status) {
    case "PRE_TRANSIT":
    case "UNKNOWN": // the carrier has not scanned it yet
      return "pre_transit";
    case "TRANSIT":
      return substatus === "out_for_delivery" ? "out_for_delivery" : "in_transit";
    case "DELIVERED":
      return "delivered";
    case "RETURNED":
      return "returned_to_sender";
    case "FAILURE":
      return substatus === "delivery_attempted" ? "failed_attempt" : "exception";
    default:
      return "exception";
  }
}

/** `t=1750058700,v1=abc...,v1=def...` (several v1 while Shippo rotates). */
export function parseSignatureHeader(header: string): { t: string; v1: string[] } | null {
  let t: string | null = null;
  const v1: string[] = [];
  for (const part of header.split(",")) {
    const [k, v] = part.trim().split("=", 2);
    if (k === "t" && v && /^\d{1,12}$/.test(v)) t = v;
    else if (k === "v1" && v) v1.push(v);
  }
  return t && v1.length ? { t, v1 } : null;
}

async function verifyHmac(secret: string, header: string | null, body: Uint8Array, now: number): Promise<Verification> {
  if (!header) return { ok: false, code: "invalid_signature", detail: "missing Shippo-Auth-Signature" };
  const sig = parseSignatureHeader(header);
  if (!sig) return { ok: false, code: "invalid_signature", detail: "Shippo-Auth-Signature is not t=<unix>,v1=<hex>" };
  if (Math.abs(now / 1000 - Number(sig.t)) > TOLERANCE_S) {
    return { ok: false, code: "invalid_signature", detail: `the signature's timestamp is more than ${TOLERANCE_S}s from now` };
  }
  const signed = concatBytes(utf8(`${sig.t}.`), body);
  let ok = false;
  for (const v of sig.v1) ok = (await macMatches([utf8(secret)], signed, fromHex(v))) || ok;
  return ok ? { ok: true } : { ok: false, code: "invalid_signature", detail: "Shippo-Auth-Signature does not match the body" };
}

export const shippo: TrackingPartner = {
  name: "shippo",

  async verify(req, env, now) {
    const token = env.SHIPPO_WEBHOOK_TOKEN;
    const secret = env.SHIPPO_WEBHOOK_SECRET;
    if (!token && !secret) return { ok: false, code: "not_configured", detail: "neither SHIPPO_WEBHOOK_TOKEN nor SHIPPO_WEBHOOK_SECRET is set" };
    if (token) {
      const given = req.url.searchParams.get("token");
      if (!given) return { ok: false, code: "invalid_signature", detail: "missing ?token= in the webhook URL" };
      if (!timingSafeEqual(utf8(given), utf8(token))) return { ok: false, code: "invalid_signature", detail: "the URL token does not match" };
    }
    if (secret) return verifyHmac(secret, req.headers.get("shippo-auth-signature"), req.body, now);
    return { ok: true };
  },

  parse(body, receivedAt): Parsed {
    const event = (body as { event?: unknown } | null)?.event;
    if (typeof event === "string" && event !== "track_updated") return { kind: "ignored", reason: `event ${event}` };
    const r = ShippoBody.safeParse(body);
    if (!r.success) return { kind: "invalid", errors: fieldErrors(r.error) };
    const { data } = r.data;
    const s = data.tracking_status;
    const sub = s.substatus?.code ?? null;
    return {
      kind: "update",
      update: {
        eventId: s.object_id,
        trackingNumber: data.tracking_number,
        carrier: data.carrier ? data.carrier.toLowerCase() : null,
        partnerStatus: clip([s.status, sub].filter(Boolean).join("/"), 200)!,
        status: mapShippo(s.status, sub),
        message: clip(s.status_details),
        location: joinLocation(s.location?.city, s.location?.state, s.location?.country),
        occurredAt: parseTime(s.status_date) ?? receivedAt,
      },
    };
  },
};
