/** The tracking partners' webhook bodies (as each documents them) and the webhook route's own shapes. */
import { z } from "@hono/zod-openapi";

/** EasyPost: an Event whose `result` is a Tracker. */
const EasyPostLocation = z.object({ city: z.string().nullish(), state: z.string().nullish(), country: z.string().nullish() }).nullish();
export const EasyPostBody = z.object({
  id: z.string().min(1).max(200),
  description: z.string(),
  result: z.object({
    tracking_code: z.string().trim().min(1).max(100),
    carrier: z.string().nullish(),
    status: z.string().min(1).max(100),
    status_detail: z.string().nullish(),
    updated_at: z.string().nullish(),
    tracking_details: z.array(z.object({ message: z.string().nullish(), datetime: z.string().nullish(), tracking_location: EasyPostLocation })).nullish(),
  }),
});

/** AfterShip: the tracking webhook, every checkpoint included. */
export const AfterShipCheckpoint = z.object({
  checkpoint_time: z.string().nullish(),
  created_at: z.string().nullish(),
  message: z.string().nullish(),
  city: z.string().nullish(),
  state: z.string().nullish(),
  country_region: z.string().nullish(),
  location: z.string().nullish(),
});
export const AfterShipBody = z.object({
  event: z.string(),
  event_id: z.string().min(1).max(200),
  ts: z.number().nullish(),
  msg: z.object({
    tracking_number: z.string().trim().min(1).max(100),
    slug: z.string().nullish(),
    tag: z.string().min(1).max(100),
    subtag: z.string().nullish(),
    subtag_message: z.string().nullish(),
    return_to_sender: z.boolean().nullish(),
    updated_at: z.string().nullish(),
    checkpoints: z.array(AfterShipCheckpoint).nullish(),
  }),
});
export type AfterShipCheckpointInput = z.infer<typeof AfterShipCheckpoint>;

/** Shippo: `track_updated`. */
const ShippoTrackingStatus = z.object({
  object_id: z.string().min(1).max(200),
  status: z.string().min(1).max(100),
  status_details: z.string().nullish(),
  status_date: z.string().nullish(),
  substatus: z.object({ code: z.string().nullish() }).nullish(),
  location: z.object({ city: z.string().nullish(), state: z.string().nullish(), country: z.string().nullish() }).nullish(),
});
export const ShippoBody = z.object({
  event: z.string(),
  data: z.object({ carrier: z.string().nullish(), tracking_number: z.string().trim().min(1).max(100), tracking_status: ShippoTrackingStatus }),
});

export const TrackingWebhookParams = z.object({ partner: z.enum(["easypost", "aftership", "shippo"]).openapi({ param: { name: "partner", in: "path" } }) });
/** Documented only: the body is verified as raw bytes, then parsed by the partner's own schema above. */
export const TrackingWebhookBody = z.object({}).passthrough().openapi({ description: "The partner's event, byte for byte as it signed it" });
export const TrackingWebhookReceipt = z
  .object({ received: z.literal(true), duplicate: z.boolean().optional(), id: z.string().optional(), ignored: z.string().optional() })
  .openapi("TrackingWebhookReceipt");
