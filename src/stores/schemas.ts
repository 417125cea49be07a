/** The stores API's shapes. */
import { z } from "@hono/zod-openapi";
import { ListQuery, listOf, Rfc3339 } from "../http/route";
import { isCurrency, toMinor } from "../lib/money";
import { LANGUAGES, TEMPLATES } from "../notifications/templates";
import { Currency } from "../orders/schemas";

export const TimeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: "must be an IANA time zone such as Europe/Berlin" },
);

export const Language = z.enum(LANGUAGES).openapi({ description: "Default language of customer messages" });

export const AutoAudit = z.boolean().openapi({ description: "Audit new orders automatically (default); off: staff decide each order" });

export const NotifyOn = z
  .array(z.enum(Object.keys(TEMPLATES) as [string, ...string[]]))
  .max(20)
  .openapi({ description: "The order milestones the customer is told about" });

export const Days = z.number().int().min(0).max(365);
export const ReturnWindowDays = Days.nullable().openapi({
  description: "Days after delivery in which customers may ask to return or exchange goods (0: final sale); null, the default: no limit. Support may still open one later.",
});

export const FinanceReview = z
  .object({
    thresholds: z.record(z.string(), z.string()).superRefine((t, ctx) => {
      for (const [currency, amount] of Object.entries(t)) {
        if (!isCurrency(currency)) ctx.addIssue({ code: "custom", path: [currency], message: "not an ISO 4217 currency" });
        else if (!toMinor(amount, currency).ok) ctx.addIssue({ code: "custom", path: [currency], message: "not an amount in this currency" });
      }
    }),
  })
  .openapi({ description: "Two-level review: approving a held order above these totals takes a customer-service check and then a finance check by someone else" });

export const BackorderPriority = z.enum(["oldest", "largest_value", "fewest_units"]).openapi({
  description:
    "Which backorders get arriving stock first: `oldest` (first backordered, the default), `largest_value` (the highest order total) or `fewest_units` (the smallest orders, so the most customers are served)",
});

export const Invoicing = z
  .object({
    legal_name: z.string().trim().min(1).max(200).optional().openapi({ description: "The seller's legal name on invoices (else the store's name)" }),
    address: z.string().trim().min(1).max(500).optional().openapi({ description: "The seller's address on invoices, lines separated by newlines" }),
    tax_id: z.string().trim().min(1).max(64).optional().openapi({ description: "VAT, GST or tax registration number printed on invoices" }),
    prefix: z
      .string()
      .max(12)
      .regex(/^[A-Za-z0-9/_-]*$/, "letters, digits, -, _ and / only")
      .optional()
      .openapi({ description: 'Printed before the invoice number (default "INV-"); a change applies to invoices issued after it', example: "INV-" }),
  })
  .strict()
  .openapi("StoreInvoicing");

export const Stock = z
  .union([z.enum(["shared", "own"]), z.object({ with_store: z.string().min(1).max(64).openapi({ description: "The store whose stock pool this one joins" }) }).strict()])
  .openapi("StoreStock", {
    description:
      'Which warehouses\' stock the store can share, which decides the database it lives on (docs/SHARDING.md): `shared`, the main stock pool, with every warehouse of every store ("*"); `own`, a pool of its own on the database with the most room (refused with 409 `pool_split` while a warehouse of every store exists); `{"with_store": id}`, that store\'s pool. Unset: the deployment\'s `STORE_PLACEMENT` (`shared` unless set to `spread`, which gives a store its own pool when no warehouse of every store exists). Set once, at creation.',
  });

export const Store = z
  .object({
    id: z.string(),
    name: z.string(),
    currency: z.string(),
    timezone: z.string(),
    language: z.string(),
    auto_audit: z.boolean(),
    notify_on: z.array(z.string()),
    finance_review: FinanceReview.nullable(),
    complete_after_days: z.number().int(),
    archive_after_days: z.number().int(),
    return_window_days: z.number().int().nullable(),
    backorder_priority: BackorderPriority,
    invoicing: Invoicing.nullable(),
    created_at: Rfc3339,
    updated_at: Rfc3339,
  })
  .openapi("Store");
export const CreateStore = z
  .object({
    name: z.string().trim().min(1).max(200),
    currency: Currency,
    timezone: TimeZone.default("UTC"),
    language: Language.default("en"),
    auto_audit: AutoAudit.default(true),
    notify_on: NotifyOn.optional(),
    finance_review: FinanceReview.nullable().optional(),
    complete_after_days: Days.optional(),
    archive_after_days: Days.optional(),
    return_window_days: ReturnWindowDays.optional(),
    backorder_priority: BackorderPriority.optional(),
    invoicing: Invoicing.nullable().optional(),
    stock: Stock.optional(),
  })
  .openapi("CreateStore");
export const UpdateStore = z
  .object({
    name: z.string().trim().min(1).max(200),
    currency: Currency,
    timezone: TimeZone,
    language: Language,
    auto_audit: AutoAudit,
    notify_on: NotifyOn,
    finance_review: FinanceReview.nullable(),
    complete_after_days: Days,
    archive_after_days: Days,
    return_window_days: ReturnWindowDays,
    backorder_priority: BackorderPriority,
    invoicing: Invoicing.nullable(),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: "give at least one field to change" })
  .openapi("UpdateStore");
export const StoreIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});
export type CreateStoreInput = z.infer<typeof CreateStore>;
export type UpdateStoreInput = z.infer<typeof UpdateStore>;
export type StockInput = z.infer<typeof Stock>;

export const StoreListQuery = z.object(ListQuery);

export const StoreList = listOf(Store, "StoreList");
