/** Webhook subscriptions, their deliveries and the merchant's notices: the API's shapes. */
import { z } from "@hono/zod-openapi";
import { EVENT_GROUPS, EVENT_TYPES, validPattern } from "../events/event-types";
import { ListQuery, Rfc3339 } from "../http/route";
import { outboundUrlAllowed } from "../lib/outbound-url";

const Url = z
  .string()
  .max(2000)
  .refine(outboundUrlAllowed, { message: "must be an https URL (plain http only to localhost), without user or password" })
  .openapi({ example: "https://erp.example.com/hooks/oms" });

const EventTypes = z
  .array(
    z
      .string()
      .max(64)
      .refine(validPattern, { message: `is not an event type (${EVENT_TYPES.join(", ")}), a group (${EVENT_GROUPS.map((g) => `${g}.*`).join(", ")}) or *` }),
  )
  .min(1)
  .max(20)
  .openapi({ example: ["order.*", "shipment.status_changed", "tracking.*"] });

export const CreateSubscription = z
  .object({
    store_id: z.string().min(1).max(64),
    url: Url,
    event_types: EventTypes,
    description: z.string().max(500).optional(),
  })
  .strict()
  .openapi("CreateWebhookSubscription");
export type CreateSubscriptionInput = z.infer<typeof CreateSubscription>;

export const UpdateSubscription = z
  .object({
    url: Url.optional(),
    event_types: EventTypes.optional(),
    description: z.string().max(500).nullable().optional(),
    status: z.enum(["active", "paused"]).optional().openapi({ description: "`active` also re-enables a subscription that was disabled after failing" }),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "nothing to change" })
  .openapi("UpdateWebhookSubscription");
export type UpdateSubscriptionInput = z.infer<typeof UpdateSubscription>;

export const Subscription = z
  .object({
    id: z.string(),
    store_id: z.string(),
    url: z.string(),
    event_types: z.array(z.string()),
    description: z.string().nullable(),
    status: z.enum(["active", "paused", "disabled"]),
    disabled_at: Rfc3339.nullable(),
    disabled_reason: z.string().nullable(),
    failing_since: Rfc3339.nullable(),
    last_success_at: Rfc3339.nullable(),
    created_at: Rfc3339,
    updated_at: Rfc3339,
  })
  .openapi("WebhookSubscription");

export const WithSecret = z.object({ secret: z.string().openapi({ description: "The signing secret (`whsec_...`). Shown only now: store it." }) });
export const CreatedSubscription = Subscription.extend(WithSecret.shape).openapi("CreatedWebhookSubscription");

export const SubscriptionIdParam = z.object({ id: z.string().max(64) });
export const DeliveryParams = z.object({ id: z.string().max(64), delivery_id: z.string().max(64) });

export const ListSubscriptionsQuery = z.object({ ...ListQuery, store_id: z.string().max(64).optional() });
export type ListSubscriptionsFilter = z.infer<typeof ListSubscriptionsQuery>;

export const ListDeliveriesQuery = z.object({ ...ListQuery, status: z.enum(["pending", "delivered", "failed"]).optional() });
export type ListDeliveriesFilter = z.infer<typeof ListDeliveriesQuery>;

export const Attempt = z
  .object({
    attempted_at: Rfc3339,
    status_code: z.number().int().nullable(),
    duration_ms: z.number().int(),
    response_excerpt: z.string().nullable(),
    error: z.string().nullable(),
  })
  .openapi("WebhookAttempt");

export const Delivery = z
  .object({
    id: z.string().openapi({ description: "The `webhook-id` header: the same on every attempt and replay" }),
    subscription_id: z.string(),
    event_seq: z.number().int(),
    event_type: z.string(),
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number().int(),
    next_attempt_at: Rfc3339.nullable(),
    last_status_code: z.number().int().nullable(),
    delivered_at: Rfc3339.nullable(),
    created_at: Rfc3339,
  })
  .openapi("WebhookDelivery");
export const DeliveryWithAttempts = Delivery.extend({ attempts_log: z.array(Attempt) }).openapi("WebhookDeliveryWithAttempts");

export const ReplaySince = z
  .object({ since: z.iso.datetime({ offset: true }).openapi({ description: "Send again every matching event from this time on (events are kept 30 days)" }) })
  .strict()
  .openapi("ReplayWebhookEvents");
export const ReplayResult = z.object({ queued: z.number().int(), truncated: z.boolean() }).openapi("ReplayResult");

export const Notice = z
  .object({ id: z.string(), store_id: z.string(), kind: z.string(), resource_id: z.string(), message: z.string(), created_at: Rfc3339 })
  .openapi("MerchantNotice");
export const ListNoticesQuery = z.object({ ...ListQuery, store_id: z.string().max(64).optional() });
export type ListNoticesFilter = z.infer<typeof ListNoticesQuery>;
