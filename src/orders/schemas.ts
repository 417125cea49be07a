/**
 * The order API's shapes. Inputs are validated here once; types are inferred
 * from these schemas, and the OpenAPI document is generated from them.
 */
import { ActorNameFields } from "../activity/schemas";
import { z } from "@hono/zod-openapi";
import { isCountry } from "../lib/countries";
import { isCurrency, toMinor } from "../lib/money";
import { csv, ListQuery, listOf, Rfc3339 } from "../http/route";
import { ORDER_EVENTS, ORDER_STATUSES } from "./lifecycle";
import { PAYMENT_STATUSES } from "../db/schema/orders";
import { ID_BODY, idPattern } from "../lib/ids";

export { PAYMENT_STATUSES };

export const Amount = z.string().openapi({ description: "Decimal string in the currency's major unit", example: "19.90" });

const text = (max: number) => z.string().trim().min(1).max(max);

export const Currency = z.string().refine(isCurrency, { message: "must be an ISO 4217 currency code such as USD" }).openapi({ example: "USD" });

export const Address = z
  .object({
    name: text(200),
    line1: text(200),
    line2: z.string().trim().max(200).nullish(),
    district: z
      .string()
      .trim()
      .max(100)
      .nullish()
      .openapi({ description: "The district or county below the city where addresses name one (China's 区/县, Korea's 구)", example: "南山区" }),
    city: text(100),
    region: z.string().trim().max(100).nullish(),
    postal_code: text(20),
    country: z.string().refine(isCountry, { message: "must be an ISO 3166-1 alpha-2 country code such as US" }).openapi({ example: "US" }),
  })
  .openapi("Address");

/** A phone as people and marketplaces write it; an extension may follow (masked receivers: 13800138000-1234, 13800138000转1234, 13800138000#1234). */
export const PHONE_PATTERN = /^\+?[0-9 ()\-.]{4,32}(?:\s*(?:转|#|,|ext\.?|x)\s*\d{1,6})?$/i;

export const Customer = z
  .object({
    name: text(200),
    email: z.email().max(254).nullish(),
    phone: z.string().trim().regex(PHONE_PATTERN, "must be a phone number").nullish(),
  })
  .openapi("Customer");

export const LineInput = z.object({
  sku: text(64),
  name: text(200).optional().openapi({ description: "Defaults to the catalogue name of the SKU" }),
  quantity: z.number().int().min(1).max(100_000),
  unit_price: Amount,
});

const AMOUNT_FIELDS = ["shipping_amount", "discount_amount", "tax_amount", "total_amount"] as const;

export const Locale = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "must be a language tag such as en or zh-CN")
  .openapi({ example: "zh-CN" });

export const CreateOrderBody = z
  .object({
    store_id: text(64),
    channel: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, "must be a lowercase slug such as web, pos or shopify")
      .openapi({ example: "web" }),
    external_id: text(128).optional().openapi({ description: "The order's id in the channel; unique per store" }),
    customer: Customer,
    shipping_address: Address,
    lines: z.array(LineInput).min(1).max(250),
    currency: Currency,
    shipping_amount: Amount.optional(),
    discount_amount: Amount.optional(),
    tax_amount: Amount.optional(),
    note: z.string().trim().max(2000).optional(),
    payment_status: z.enum(PAYMENT_STATUSES).default("unpaid"),
    locale: Locale.optional().openapi({ description: "The customer's language for messages; defaults to the store's" }),
    total_amount: Amount.optional().openapi({ description: "The channel's own total, if it has one: the audit checks it against the computed total" }),
  })
  .superRefine((body, ctx) => {
    // Amounts can only be checked against the currency's exponent once both are known.
    if (!isCurrency(body.currency)) return;
    const check = (value: string | undefined, path: (string | number)[]) => {
      if (value === undefined) return;
      const r = toMinor(value, body.currency);
      if (!r.ok) ctx.addIssue({ code: "custom", path, message: r.message });
    };
    for (const [i, l] of body.lines.entries()) check(l.unit_price, ["lines", i, "unit_price"]);
    for (const f of AMOUNT_FIELDS) check(body[f], [f]);
  })
  .openapi("CreateOrder");
export type CreateOrderInput = z.infer<typeof CreateOrderBody>;

export const OrderLine = z
  .object({
    line_no: z.number().int(),
    sku: z.string(),
    name: z.string(),
    type: z.enum(["goods", "service"]),
    quantity: z.number().int(),
    unit_price: Amount,
    total_amount: Amount,
  })
  .openapi("OrderLine");

export const OrderSummary = z
  .object({
    id: z.string().openapi({ example: "ord_01KB2R8W3D4C9QJ6H7ZNEXAMPLE" }),
    store_id: z.string(),
    channel: z.string(),
    external_id: z.string().nullable(),
    status: z.enum(ORDER_STATUSES),
    version: z.number().int(),
    allowed_events: z.array(z.enum(ORDER_EVENTS)).openapi({ description: "Events that are legal in the current status" }),
    status_reason: z.string().nullable(),
    payment_status: z.enum(PAYMENT_STATUSES),
    open_after_sales: z.number().int().openapi({ description: "After-sales requests still open; the order does not complete while there are any" }),
    requires_shipping: z.boolean(),
    customer: z
      .object({
        name: z.string(),
        email: z.string().nullable().optional().openapi({ description: "Not shown to warehouse and logistics keys" }),
        phone: z.string().nullable(),
      })
      .optional()
      .openapi({
        description:
          "The customer's contact, by role: admin, auditor, support and channel keys see all of it; warehouse and logistics keys see the name and phone (for the parcel); analysts do not get it",
      }),
    shipping_address: Address.partial()
      .extend({
        region: z.string().nullable(),
        country: z.string(),
        postal_prefix: z.string().optional().openapi({ description: "Analysts only: the coarse part of the postal code (outward code, or its first three characters)" }),
      })
      .openapi("ShippingAddressView", {
        description: "Analysts get only the country, region and postal prefix; every other role gets the whole address",
      }),
    customer_key: z.string().nullable().optional().openapi({
      description: "Analysts only: a pseudonymous customer id, stable per store for the same email (or phone), to count repeat customers",
      example: "cus_3q2l0mO7ZcJ8yq5n2b7X9A",
    }),
    currency: z.string(),
    subtotal_amount: Amount,
    shipping_amount: Amount,
    discount_amount: Amount,
    tax_amount: Amount,
    total_amount: Amount,
    note: z.string().nullable(),
    locale: z.string().nullable(),
    created_at: Rfc3339,
    updated_at: Rfc3339,
    approved_at: Rfc3339.nullable(),
    held_at: Rfc3339.nullable(),
    processing_at: Rfc3339.nullable(),
    shipped_at: Rfc3339.nullable(),
    delivered_at: Rfc3339.nullable(),
    completed_at: Rfc3339.nullable(),
    cancelled_at: Rfc3339.nullable(),
    archived_at: Rfc3339.nullable(),
  })
  .openapi("OrderSummary");

export const Order = OrderSummary.extend({ lines: z.array(OrderLine) }).openapi("Order");

export const OrderList = listOf(OrderSummary, "OrderList");

export const OrderEventSchema = z
  .object({
    id: z.string(),
    seq: z.number().int().openapi({ description: "The order's version after this event" }),
    type: z.string(),
    from_status: z.enum(ORDER_STATUSES).nullable(),
    to_status: z.enum(ORDER_STATUSES),
    actor: z.string().openapi({ description: "Who did it: a person (`usr_...`), a key (`key_...`, `bootstrap`), `system:<what>`, `channel:<connection>`, `customer`" }),
    ...ActorNameFields,
    reason: z.string().nullable().openapi({ description: "Staff side only" }),
    internal_note: z.string().nullable().openapi({ description: "Staff's internal note; never shown to the customer" }),
    customer_message: z.string().nullable().openapi({ description: "What the customer was told with this change (their message and order page)" }),
    data: z.record(z.string(), z.unknown()).nullable(),
    created_at: Rfc3339,
  })
  .openapi("OrderEvent");

export const OrderEventList = listOf(OrderEventSchema, "OrderEventList");

export const OrderEventsQuery = z.object(ListQuery);

/** The staff events whose customer message says why: the customer is told of each, and may need to act. */
const CUSTOMER_MESSAGE_EVENTS: ReadonlySet<string> = new Set(["hold", "reject", "cancel"]);

export const TransitionBody = z
  .object({
    event: z
      .string()
      .min(1)
      .max(40)
      .openapi({ enum: [...ORDER_EVENTS], example: "approve" }),
    reason: z.string().trim().min(1).max(500).optional().openapi({
      description: "Why, for staff: the timeline, `status_reason` and the review queue. Never shown to the customer (see `customer_message`).",
    }),
    internal_note: z.string().trim().min(1).max(2000).optional().openapi({
      description: "Staff's internal note on the change, kept on the order's timeline (`GET /v1/orders/{id}/events`). Never shown to the customer.",
    }),
    customer_message: z.string().trim().min(1).max(1000).optional().openapi({
      description:
        "For `hold`, `reject` and `cancel` only: what to tell the customer, word for word, in the message this change sends and on their order page. Write it in the customer's language. Nothing else staff type reaches the customer.",
    }),
    stock: z.enum(["consume", "release"]).optional().openapi({
      description:
        "For `fulfil_externally` only: `consume` (default) books the units still reserved or picked out of the warehouse, as shipped from it; `release` gives them back (the goods went from elsewhere)",
    }),
  })
  .refine((b) => b.stock === undefined || b.event === "fulfil_externally", { message: "stock is only for fulfil_externally", path: ["stock"] })
  .refine((b) => b.customer_message === undefined || CUSTOMER_MESSAGE_EVENTS.has(b.event), {
    message: "customer_message is only for hold, reject and cancel",
    path: ["customer_message"],
  })
  .openapi("Transition");

/** A plain non-negative decimal ("50", "19.90"): compared in each order's own currency. */
const DecimalFilter = z.string().regex(/^\d{1,12}(\.\d{1,3})?$/, 'must be a decimal like "19.90"');

export const ListOrdersQuery = z.object({
  ...ListQuery,
  status: csv(ORDER_STATUSES).optional().openapi({ description: "One status, or several comma-separated" }),
  store_id: z.string().max(64).optional(),
  channel: z.string().max(32).optional(),
  created_from: z.iso.datetime({ offset: true }).optional(),
  created_to: z.iso.datetime({ offset: true }).optional().openapi({ description: "Exclusive upper bound" }),
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .openapi({ description: "Search by external id (substring), order id, or a customer's exact email or phone (contact is encrypted at rest, so names are not searchable)" }),
  customer: z
    .string()
    .trim()
    .min(3)
    .max(254)
    .optional()
    .openapi({ description: "A customer's exact email or phone (contact is encrypted at rest: matched through its blind index, so names are not searchable)" }),
  total_min: DecimalFilter.optional().openapi({ description: "Total at least this (decimal string in each order's currency), e.g. 50 or 19.90" }),
  total_max: DecimalFilter.optional().openapi({ description: "Total at most this (decimal string in each order's currency)" }),
  sku: z.string().trim().min(1).max(64).optional().openapi({ description: "Only orders with a line of this exact SKU" }),
  reason: z
    .string()
    .trim()
    .regex(/^[a-z0-9_]{1,64}$/, "must be a reason code")
    .optional()
    .openapi({ description: "Only orders held for this audit or hold reason code (e.g. `high_value`)", example: "high_value" }),
  ids: z
    .string()
    .regex(new RegExp(`^ord_${ID_BODY}(,ord_${ID_BODY}){0,199}$`), "must be up to 200 comma-separated order ids")
    .optional()
    .openapi({ description: "Only these orders (comma-separated ids, up to 200): a selection, e.g. to export" }),
  include_archived: z.enum(["true", "false"]).optional().openapi({ description: "Archived orders are left out unless true" }),
  updated_since: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: "Only those changed at or after this time (RFC 3339): with the list's cursor, a poller's way to catch up" }),
});

/** Retry-safe creation: the key the first response is stored under. */
export const IdempotencyHeader = z.object({
  "idempotency-key": z.string().optional().openapi({ description: "Retry-safe creation: same key and body replay the first response" }),
});

/** The optimistic-concurrency header of every change to an order, shared by each route that asks the order's object for one. */
export const IfMatchHeader = z.object({ "if-match": z.string().optional().openapi({ description: 'The version from the ETag, e.g. "3"' }) });

export const OrderIdParam = z.object({
  id: z
    .string()
    .regex(idPattern("ord"), "must be an order id")
    .openapi({ param: { name: "id", in: "path" } }),
});

export const EditOrderBody = z
  .object({
    customer: Customer.partial().optional(),
    shipping_address: Address.optional().openapi({ description: "Replaces the whole address" }),
    lines: z.array(LineInput).min(1).max(250).optional().openapi({ description: "Replaces every line; totals are recomputed" }),
    shipping_amount: Amount.optional(),
    discount_amount: Amount.optional(),
    tax_amount: Amount.optional(),
    note: z.string().trim().max(2000).nullable().optional(),
    payment_status: z.enum(PAYMENT_STATUSES).optional(),
    reason: z.string().trim().min(1).max(500).optional().openapi({ description: "Why, for the timeline" }),
  })
  .refine((b) => Object.keys(b).some((k) => k !== "reason"), { message: "give at least one field to change" })
  .openapi("EditOrder");
export type EditOrderInput = z.infer<typeof EditOrderBody>;
