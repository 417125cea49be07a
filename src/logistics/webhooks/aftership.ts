/**
 * AfterShip Tracking webhook (`tracking_update`). Signature:
 * `aftership-hmac-sha256: base64(HMAC-SHA256(secret, raw body))` (header name
 * matched without case, as Headers do). Dedupe on `event_id`; order by the
 * latest checkpoint's time.
 */
import { fieldErrors } from "../../http/problem";
import type { TrackingStatus } from "../tracking-status";
import { clip, joinLocation, parseTime, secretsOf, type Parsed, type TrackingPartner } from "./partner";
import { AfterShipBody, type AfterShipCheckpointInput } from "./schemas";
import { fromBase64, macMatches, utf8 } from "./signatures";

/** Subtags under Exception that mean the parcel is going or has gone back to the sender. */
const RETURN_SUBTAGS = new Set(["Exception_010", "Exception_011"]);

/** AfterShip `tag` (+ `subtag`, `return_to_sender`) to ours; unknown tags are exceptions, never a crash. */
export function mapAfterShip(tag: string, subtag: string | null, returnToSender: boolean): TrackingStatus {
  // Set once any checkpoint says returning/returned; a "Delivered" after it is the delivery back to the sender.
  if (returnToSender) return "returned_to_sender";
  switch (tag) {
    case "Pending": // registered, nothing from the carrier yet
    case "InfoReceived":
      return "pre_transit";
    case "InTransit":
      return "in_transit";
    case "OutForDelivery":
      return "out_for_delivery";
    case "AvailableForPickup":
      return "available_for_pickup";
    case "Delivered":
      return "delivered";
    case "AttemptFail":
      return "failed_attempt";
    case "Exception":
      return subtag && RETURN_SUBTAGS.has(subtag) ? "returned_to_sender" : "exception";
    default: // Expired (no news for 30 days) and tags AfterShip adds later
      return "exception";
  }
}

const checkpointTime = (c: AfterShipCheckpointInput) => parseTime(c.checkpoint_time) ?? parseTime(c.created_at);

export const aftership: TrackingPartner = {
  name: "aftership",

  async verify(req, env) {
    const secrets = secretsOf(env.AFTERSHIP_WEBHOOK_SECRET, env.AFTERSHIP_WEBHOOK_SECRET_PREVIOUS);
    if (!secrets.length) return { ok: false, code: "not_configured", detail: "AFTERSHIP_WEBHOOK_SECRET is not set" };
    const header = req.headers.get("aftership-hmac-sha256");
    if (!header) return { ok: false, code: "invalid_signature", detail: "missing aftership-hmac-sha256" };
    const ok = await macMatches(secrets.map(utf8), req.body, fromBase64(header.trim()));
    return ok ? { ok: true } : { ok: false, code: "invalid_signature", detail: "aftership-hmac-sha256 does not match the body" };
  },

  parse(body, receivedAt): Parsed {
    const event = (body as { event?: unknown } | null)?.event;
    if (typeof event === "string" && event !== "tracking_update") return { kind: "ignored", reason: `event ${event}` };
    const r = AfterShipBody.safeParse(body);
    if (!r.success) return { kind: "invalid", errors: fieldErrors(r.error) };
    const { event_id, msg, ts } = r.data;
    const checkpoints = (msg.checkpoints ?? []).filter((c) => checkpointTime(c) !== null);
    const latest = checkpoints.reduce<(typeof checkpoints)[number] | null>((a, c) => (!a || checkpointTime(c)! >= checkpointTime(a)! ? c : a), null);
    return {
      kind: "update",
      update: {
        eventId: event_id,
        trackingNumber: msg.tracking_number,
        carrier: msg.slug ? msg.slug.toLowerCase() : null,
        partnerStatus: clip([msg.tag, msg.subtag].filter(Boolean).join("/"), 200)!,
        status: mapAfterShip(msg.tag, msg.subtag ?? null, msg.return_to_sender === true),
        message: clip(latest?.message ?? msg.subtag_message),
        location: latest ? (joinLocation(latest.city, latest.state, latest.country_region) ?? clip(latest.location, 200)) : null,
        occurredAt: (latest ? checkpointTime(latest) : null) ?? parseTime(msg.updated_at) ?? (ts ? ts * 1000 : receivedAt),
      },
    };
  },
};
