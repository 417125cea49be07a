/** The channel connections API's shapes. */
import { z } from "@hono/zod-openapi";
import { CHANNEL_PLATFORMS, INBOX_STATUSES } from "../db/schema/channels";
import { csv, ListQuery, listOf, Rfc3339 } from "../http/route";
import { isCurrency, toMinor } from "../lib/money";
import { outboundUrlAllowed } from "../lib/outbound-url";
import { idPattern } from "../lib/ids";

const text = (max: number) => z.string().trim().min(1).max(max);

const ApiBaseUrl = z
  .string()
  .trim()
  .max(500)
  .refine(outboundUrlAllowed, { message: "must be an https URL (plain http only to this machine), without a user or password" })
  .openapi({
    description: "Where the platform's REST API answers, e.g. `https://shop.myshopify.com/admin/api/2025-07`",
    example: "https://northfold-outfitters.myshopify.com/admin/api/2025-07",
  });

const Credentials = z
  .record(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "must be a lowercase key such as access_token"), z.string().min(1).max(2000))
  .refine((r) => Object.keys(r).length <= 10, { message: "at most 10 entries" })
  .openapi({
    description:
      "API credentials as the platform needs them: Shopify `{ access_token }`, WooCommerce `{ consumer_key, consumer_secret }`, BigCommerce `{ access_token }`. Sealed at rest; never returned.",
    example: { access_token: "shpat_..." },
  });

const WebhookSecret = z
  .string()
  .min(8)
  .max(500)
  .openapi({ description: "The secret the platform signs webhooks with (Shopify: the app's client secret). Sealed at rest; never returned." });

const Pushes = z.object({ fulfillments: z.boolean(), cancellations: z.boolean(), refunds: z.boolean() }).openapi("ChannelPushes", {
  description: "What is pushed back to the platform: fulfillments with tracking, cancellations, refunds",
});

/** The marketplace's fee per order as the merchant's contract states it; stored in minor units (src/finance/platform-fee.ts). */
export const PlatformFee = z
  .object({
    percent_bps: z.number().int().min(0).max(10_000).openapi({ description: "Percent of each capture in basis points (1.5% = 150)", example: 150 }),
    fixed: z.string().default("0").openapi({ description: "A fixed amount per capture, a decimal string in `currency`", example: "0.30" }),
    currency: z.string().openapi({ description: "The fee applies to orders in this currency only (ISO 4217)", example: "USD" }),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (!isCurrency(f.currency)) return void ctx.addIssue({ code: "custom", path: ["currency"], message: "is not an ISO 4217 code" });
    const r = toMinor(f.fixed, f.currency);
    if (!r.ok) ctx.addIssue({ code: "custom", path: ["fixed"], message: r.message });
  })
  .openapi("PlatformFee");
export type PlatformFeeInput = z.infer<typeof PlatformFee>;

export const CreateChannelConnection = z
  .object({
    store_id: text(64),
    platform: z.enum(CHANNEL_PLATFORMS),
    name: text(100),
    shop_domain: text(255).openapi({
      description: "Shopify: the myshopify domain; WooCommerce: the site URL; BigCommerce: the store hash",
      example: "northfold-outfitters.myshopify.com",
    }),
    api_base_url: ApiBaseUrl,
    credentials: Credentials.default({}),
    webhook_secret: WebhookSecret.optional(),
    pushes: Pushes.partial().optional(),
    platform_fee: PlatformFee.optional().openapi({
      description: "The marketplace's fee per order, if the merchant knows their contract: booked as `platform_fee` at each capture",
    }),
  })
  .strict()
  .openapi("CreateChannelConnection");
export type CreateChannelConnectionInput = z.infer<typeof CreateChannelConnection>;

export const UpdateChannelConnection = z
  .object({
    name: text(100).optional(),
    shop_domain: text(255).optional(),
    api_base_url: ApiBaseUrl.optional(),
    credentials: Credentials.optional().openapi({ description: "Replaces every credential" }),
    webhook_secret: WebhookSecret.optional().openapi({
      description: "Rotates the webhook secret: the one it replaces keeps verifying for 2 hours (or until `previous_webhook_secret: null`)",
    }),
    previous_webhook_secret: z.null().optional().openapi({ description: "null: stop accepting the previous secret now" }),
    pushes: Pushes.partial().optional(),
    status: z.enum(["active", "paused"]).optional().openapi({ description: "paused: webhooks are refused with a 503 (the platform retries later) and nothing is pushed" }),
    platform_fee: PlatformFee.nullable()
      .optional()
      .openapi({ description: "Replaces the fee schedule (null: none). Applies to captures after the change; entries booked before stay." }),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined) || "previous_webhook_secret" in b, { message: "give at least one field to change" })
  .openapi("UpdateChannelConnection");
export type UpdateChannelConnectionInput = z.infer<typeof UpdateChannelConnection>;

export const ChannelConnection = z
  .object({
    id: z.string(),
    store_id: z.string(),
    platform: z.enum(CHANNEL_PLATFORMS),
    name: z.string(),
    shop_domain: z.string(),
    api_base_url: z.string(),
    credential_keys: z.array(z.string()).openapi({ description: "Which credentials are set (their values are never returned)" }),
    webhook_secret_set: z.boolean(),
    previous_webhook_secret_until: Rfc3339.nullable().openapi({ description: "Until when the secret replaced by the last rotation still verifies" }),
    webhook_url: z.string().openapi({ description: "Paste this into the platform as the webhook address" }),
    pushes: Pushes,
    platform_fee: z
      .object({ percent_bps: z.number().int(), fixed: z.string(), currency: z.string() })
      .nullable()
      .openapi({ description: "The fee schedule booked at each capture, or null" }),
    status: z.enum(["active", "paused"]),
    version: z.number().int(),
    created_at: Rfc3339,
    updated_at: Rfc3339,
  })
  .openapi("ChannelConnection");

export const ChannelConnectionList = listOf(ChannelConnection, "ChannelConnectionList");

export const ConnectionIdParam = z.object({
  id: z
    .string()
    .regex(idPattern("chn"), "must be a channel connection id")
    .openapi({ param: { name: "id", in: "path" }, example: "chn_01KB2R8W3D4C9QJ6H7ZNEXAMPL" }),
});

export const ListConnectionsQuery = z.object({
  ...ListQuery,
  store_id: z.string().max(64).optional(),
  platform: z.enum(CHANNEL_PLATFORMS).optional(),
  status: z.enum(["active", "paused"]).optional(),
});

export const ConnectionIfMatch = z.object({ "if-match": z.string().optional().openapi({ description: 'The connection\'s version from its ETag, e.g. "3"' }) });

const PlatformKey = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .openapi({ description: "The platform's SKU, or `variant:<id>` / `product:<id>` for lines without one", example: "SOCK-MER-CHR-M" });

export const SkuMapEntry = z.object({ platform_key: PlatformKey, sku: z.string().trim().min(1).max(64) }).openapi("SkuMapEntry");
export const PutSkuMap = z
  .object({
    entries: z
      .array(z.object({ platform_key: PlatformKey, sku: z.string().trim().min(1).max(64).nullable().openapi({ description: "null removes the entry" }) }))
      .min(1)
      .max(500),
  })
  .strict()
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.entries.forEach((e, i) => {
      if (seen.has(e.platform_key)) ctx.addIssue({ code: "custom", path: ["entries", i, "platform_key"], message: "appears twice" });
      seen.add(e.platform_key);
    });
  })
  .openapi("PutSkuMap");
export const SkuMapPage = listOf(SkuMapEntry, "SkuMapPage");
export const SkuMapResult = z.object({ upserted: z.number().int(), removed: z.number().int() }).openapi("SkuMapResult");

export const InboxEntry = z
  .object({
    id: z.string(),
    delivery_id: z.string(),
    topic: z.string(),
    kind: z.enum(["order", "ignored", "unreadable"]),
    external_id: z.string().nullable(),
    status: z.enum(INBOX_STATUSES),
    outcome: z.string().nullable().openapi({ description: "created, updated, cancelled, unchanged, stale, skipped, failed, ignored, unreadable" }),
    order_id: z.string().nullable(),
    detail: z.string().nullable().openapi({ description: "Why it failed, or what staff should know (held for an unmapped SKU, parcels intercepted, a refund opened)" }),
    attempts: z.number().int(),
    received_at: Rfc3339,
    processed_at: Rfc3339.nullable(),
  })
  .openapi("ChannelInboxEntry");
export const InboxPage = listOf(InboxEntry, "ChannelInboxPage");
export const ListInboxQuery = z.object({
  ...ListQuery,
  status: csv(INBOX_STATUSES).optional(),
  outcome: z.string().max(40).optional(),
  external_id: z.string().max(64).optional(),
});
