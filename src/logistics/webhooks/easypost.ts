/**
 * EasyPost `tracker.updated` (an Event whose `result` is a Tracker).
 * Signature: `X-Hmac-Signature: hmac-sha256-hex=<hex>` of the raw body under
 * the webhook secret NFKD-normalised then UTF-8 encoded (as EasyPost's own
 * SDKs do). Dedupe on the Event `id`; order by the newest tracking detail.
 */
import { fieldErrors } from "../../http/problem";
import type { TrackingStatus } from "../tracking-status";
import { clip, joinLocation, parseTime, secretsOf, type Parsed, type TrackingPartner } from "./partner";
import { EasyPostBody } from "./schemas";
import { fromHex, macMatches, utf8 } from "./signatures";

const PREFIX = "hmac-sha256-hex=";

/** EasyPost Tracker `status` (+ `status_detail`) to ours; anything unknown is an exception, never a crash. */
export function mapEasyPost(status: string, detail: string | null): TrackingStatus {
  switch (status) {
    case "pre_transit":
    case "unknown": // the carrier has no scan yet: the label exists
      return "pre_transit";
    case "in_transit":
      return "in_transit";
    case "out_for_delivery":
      return "out_for_delivery";
    case "available_for_pickup":
      return "available_for_pickup";
    case "delivered":
      return "delivered";
    case "return_to_sender":
      return "returned_to_sender";
    case "failure":
      return detail === "delivery_exception" ? "failed_attempt" : "exception";
    default: // error, cancelled, and statuses EasyPost adds later
      return "exception";
  }
}

export const easypost: TrackingPartner = {
  name: "easypost",

  async verify(req, env) {
    const secrets = secretsOf(env.EASYPOST_WEBHOOK_SECRET, env.EASYPOST_WEBHOOK_SECRET_PREVIOUS);
    if (!secrets.length) return { ok: false, code: "not_configured", detail: "EASYPOST_WEBHOOK_SECRET is not set" };
    const header = req.headers.get("x-hmac-signature");
    if (!header) return { ok: false, code: "invalid_signature", detail: "missing X-Hmac-Signature" };
    const mac = header.startsWith(PREFIX) ? fromHex(header.slice(PREFIX.length)) : null;
    const ok = await macMatches(
      secrets.map((s) => utf8(s.normalize("NFKD"))),
      req.body,
      mac,
    );
    return ok ? { ok: true } : { ok: false, code: "invalid_signature", detail: "X-Hmac-Signature does not match the body" };
  },

  parse(body, receivedAt): Parsed {
    const description = (body as { description?: unknown } | null)?.description;
    if (typeof description === "string" && !description.startsWith("tracker.")) return { kind: "ignored", reason: `event ${description}` };
    const r = EasyPostBody.safeParse(body);
    if (!r.success) return { kind: "invalid", errors: fieldErrors(r.error) };
    const { id, result } = r.data;
    // Tracking details are oldest first; the newest one is what this event reports.
    const details = (result.tracking_details ?? []).filter((d) => parseTime(d.datetime) !== null);
    const latest = details.reduce<(typeof details)[number] | null>((a, d) => (!a || parseTime(d.datetime)! >= parseTime(a.datetime)! ? d : a), null);
    const loc = latest?.tracking_location;
    return {
      kind: "update",
      update: {
        eventId: id,
        trackingNumber: result.tracking_code,
        carrier: result.carrier ? result.carrier.toLowerCase() : null,
        partnerStatus: clip([result.status, result.status_detail].filter(Boolean).join("/"), 200)!,
        status: mapEasyPost(result.status, result.status_detail ?? null),
        message: clip(latest?.message),
        location: joinLocation(loc?.city, loc?.state, loc?.country),
        occurredAt: parseTime(latest?.datetime) ?? parseTime(result.updated_at) ?? receivedAt,
      },
    };
  },
};
