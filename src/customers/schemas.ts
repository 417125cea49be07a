/** Customers over HTTP: what goes in and comes out (src/customers/routes.ts). */
import { z } from "@hono/zod-openapi";
import { CUSTOMER_EVENT_TYPES, CUSTOMER_STATUSES, RFM_SEGMENTS } from "../db/schema/customers";
import { ActorNameFields } from "../activity/schemas";
import { ListQuery, listOf, Rfc3339 } from "../http/route";
import { Amount, OrderSummary } from "../orders/schemas";
import { MAX_TAGS } from "./customer-rules";

export const CustomerIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "cst_01JD..." }),
});

export const ListCustomersQuery = z.object({
  ...ListQuery,
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: "An email, a phone number or words of a name; matched exactly (after normalisation), through blind indexes" }),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional()
    .openapi({ description: "The country a phone number in `q` is read in when it has no international prefix" }),
  tag: z.string().trim().min(1).max(40).optional(),
  segment: z.enum(RFM_SEGMENTS).optional(),
  status: z.enum(CUSTOMER_STATUSES).default("active"),
});
export const CustomerCsvQuery = ListCustomersQuery.omit({ cursor: true, limit: true });

const Money = z.object({ currency: z.string(), amount: Amount });

/** The customer's contact, as much as the caller's position sees (the order API's own projection). */
const Contact = OrderSummary.pick({ customer: true, shipping_address: true, customer_key: true }).partial();

export const CustomerSummary = z
  .object({
    id: z.string(),
    status: z.enum(CUSTOMER_STATUSES),
    merged_into: z.string().nullable(),
    contact: Contact,
    tags: z.array(z.string()),
    orders_count: z.number().int(),
    spent: z.array(Money),
    first_order_at: Rfc3339.nullable(),
    last_order_at: Rfc3339.nullable(),
    rfm: z
      .object({ recency: z.number().int(), frequency: z.number().int(), monetary: z.number().int(), segment: z.enum(RFM_SEGMENTS) })
      .nullable()
      .openapi({ description: "Recomputed by the rollups (docs/customers.md)" }),
    created_at: Rfc3339,
    erased_at: Rfc3339.nullable(),
  })
  .openapi("CustomerSummary");
export const CustomerList = listOf(CustomerSummary, "CustomerList");

const CustomerOrder = z.object({
  id: z.string(),
  store_id: z.string(),
  channel: z.string(),
  status: z.string(),
  payment_status: z.string(),
  currency: z.string(),
  total: Amount,
  created_at: Rfc3339,
});

const CustomerEvent = z.object({
  id: z.string(),
  customer_id: z.string(),
  type: z.enum(CUSTOMER_EVENT_TYPES),
  actor: z.string(),
  ...ActorNameFields,
  other_customer_id: z.string().nullable(),
  body: z.string().nullable().openapi({ description: "A note's text or an erasure's reason; null once erased, and for positions that do not see contact details" }),
  data: z.record(z.string(), z.unknown()).nullable(),
  created_at: Rfc3339,
});

export const CustomerProfile = CustomerSummary.extend({
  version: z.number().int(),
  figures: z
    .object({
      orders_count: z.number().int(),
      spent: z.array(Money),
      average_order_value: z.array(Money),
      first_order_at: Rfc3339.nullable(),
      last_order_at: Rfc3339.nullable(),
    })
    .openapi({ description: "Live, from the orders of the stores the caller sees" }),
  orders: z.array(CustomerOrder),
  after_sales: z.array(
    z.object({ id: z.string(), order_id: z.string(), kind: z.string(), status: z.string(), resolution: z.string().nullable(), refund: Money.nullable(), created_at: Rfc3339 }),
  ),
  blocklist: z
    .array(z.object({ entry_id: z.string(), store_id: z.string(), kind: z.string() }))
    .openapi({ description: "Entries of stores' blocklists that match an email or phone the customer ordered with" }),
  merged_from: z.array(z.string()),
  events: z.array(CustomerEvent),
}).openapi("CustomerProfile");

export const PatchCustomerBody = z
  .object({
    tags: z.array(z.string().trim().min(1).max(40)).max(MAX_TAGS).optional().openapi({ description: "Replaces the tags" }),
    note: z.string().trim().min(1).max(2000).optional().openapi({ description: "Added to the customer's history" }),
  })
  .strict()
  .refine((b) => b.tags !== undefined || b.note !== undefined, { message: "give tags or a note" });

export const MergeBody = z.object({ customer_id: z.string().min(1).max(64).openapi({ description: "The customer merged into this one" }) }).strict();
export const EraseBody = z.object({ reason: z.string().trim().min(3).max(500).openapi({ example: "Customer's request by email of 2026-12-01" }) }).strict();

export const EraseResultSchema = z
  .object({
    id: z.string(),
    status: z.literal("erased"),
    erased_at: Rfc3339,
    orders: z.number().int().openapi({ description: "Orders erased by this call, each through its order's object" }),
    orders_remaining: z.number().int().openapi({ description: "Orders not yet erased (a call takes at most 400): call erase again to go on; 0 when done" }),
  })
  .openapi("CustomerErased");

export const CustomerExport = z
  .object({
    exported_at: Rfc3339,
    customer: CustomerProfile,
    orders: z.array(z.record(z.string(), z.unknown())),
    messages: z.array(z.record(z.string(), z.unknown())),
    invoices: z.array(z.record(z.string(), z.unknown())),
  })
  .openapi("CustomerExport");
export const CsvText = z.string();
