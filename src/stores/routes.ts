/** Stores: the merchant's shops. Creating one needs an admin key for every store. */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { forgetFinanceReview } from "./finance-review-cache";
import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { database } from "../db/client";
import { stores } from "../db/schema";
import type { AppEnv } from "../env";
import { seesStore, type Principal } from "../http/auth";
import { idempotent } from "../http/idempotency";
import { forbidden, notFound } from "../http/problem";
import { cursorKey, pageOf } from "../http/pagination";
import { apiRoute, jsonBody, jsonResponse, ListQuery, listOf, problems, Rfc3339 } from "../http/route";
import { newId } from "../lib/ids";
import { Currency } from "../orders/schemas";
import { isCurrency, toMinor } from "../lib/money";
import { LANGUAGES, TEMPLATES } from "../notifications/templates";
import { iso } from "../orders/serialize";

const TimeZone = z.string().refine(
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

const Language = z.enum(LANGUAGES).openapi({ description: "Default language of customer messages" });

const AutoAudit = z.boolean().openapi({ description: "Audit new orders automatically (default); off: staff decide each order" });

const NotifyOn = z
  .array(z.enum(Object.keys(TEMPLATES) as [string, ...string[]]))
  .max(20)
  .openapi({ description: "The order milestones the customer is told about" });

const Days = z.number().int().min(0).max(365);
const ReturnWindowDays = Days.nullable().openapi({
  description: "Days after delivery in which customers may ask to return or exchange goods (0: final sale); null, the default: no limit. Support may still open one later.",
});

const FinanceReview = z
  .object({
    thresholds: z
      .record(z.string(), z.string())
      .superRefine((t, ctx) => {
        for (const [currency, amount] of Object.entries(t)) {
          if (!isCurrency(currency)) ctx.addIssue({ code: "custom", path: [currency], message: "not an ISO 4217 currency" });
          else if (!toMinor(amount, currency).ok) ctx.addIssue({ code: "custom", path: [currency], message: "not an amount in this currency" });
        }
      }),
  })
  .openapi({ description: "Two-level review: approving a held order above these totals takes a customer-service check and then a finance check by someone else" });

/** API fields to columns: the snake_case names that differ. */
const columns = ({
  auto_audit,
  notify_on,
  finance_review,
  complete_after_days,
  archive_after_days,
  return_window_days,
  ...rest
}: {
  auto_audit?: boolean;
  notify_on?: string[];
  finance_review?: { thresholds: Record<string, string> } | null;
  complete_after_days?: number;
  archive_after_days?: number;
  return_window_days?: number | null;
} & Record<string, unknown>) => ({
  ...rest,
  ...(complete_after_days === undefined ? {} : { completeAfterDays: complete_after_days }),
  ...(archive_after_days === undefined ? {} : { archiveAfterDays: archive_after_days }),
  ...(return_window_days === undefined ? {} : { returnWindowDays: return_window_days }),
  ...(finance_review === undefined ? {} : { financeReview: finance_review?.thresholds ?? null }),
  ...(auto_audit === undefined ? {} : { autoAudit: auto_audit }),
  ...(notify_on === undefined ? {} : { notifyOn: [...new Set(notify_on)] }),
});

const Store = z
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
    created_at: Rfc3339,
    updated_at: Rfc3339,
  })
  .openapi("Store");
const CreateStore = z
  .object({ name: z.string().trim().min(1).max(200), currency: Currency, timezone: TimeZone.default("UTC"), language: Language.default("en"), auto_audit: AutoAudit.default(true), notify_on: NotifyOn.optional(), finance_review: FinanceReview.nullable().optional(), complete_after_days: Days.optional(), archive_after_days: Days.optional(), return_window_days: ReturnWindowDays.optional() })
  .openapi("CreateStore");
const UpdateStore = z
  .object({ name: z.string().trim().min(1).max(200), currency: Currency, timezone: TimeZone, language: Language, auto_audit: AutoAudit, notify_on: NotifyOn, finance_review: FinanceReview.nullable(), complete_after_days: Days, archive_after_days: Days, return_window_days: ReturnWindowDays })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: "give at least one field to change" })
  .openapi("UpdateStore");
const StoreIdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }) });

type StoreRow = typeof stores.$inferSelect;
const storeBody = (s: StoreRow) => ({
  id: s.id,
  name: s.name,
  currency: s.currency,
  timezone: s.timezone,
  language: s.language,
  auto_audit: s.autoAudit,
  notify_on: s.notifyOn,
  finance_review: s.financeReview ? { thresholds: s.financeReview } : null,
  complete_after_days: s.completeAfterDays,
  archive_after_days: s.archiveAfterDays,
  return_window_days: s.returnWindowDays,
  created_at: iso(s.createdAt),
  updated_at: iso(s.updatedAt),
});

async function visibleStore(env: AppEnv["Bindings"], p: Principal, id: string) {
  if (!seesStore(p, id)) return null;
  return (await database(env).select().from(stores).where(eq(stores.id, id)).get()) ?? null;
}

export const storeRoutes = new OpenAPIHono<AppEnv>();

storeRoutes.post("/v1/stores", idempotent());
storeRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/stores",
    permission: "stores:manage",
    tags: ["Stores"],
    summary: "Create a store",
    request: { body: jsonBody(CreateStore) },
    responses: { 201: jsonResponse(Store, "The store"), ...problems(413, 415, 422) },
  }),
  async (c) => {
    if (c.get("principal").stores !== "*") throw forbidden("Only an admin key for every store may create stores");
    const body = c.req.valid("json");
    const now = Date.now();
    const [row] = await database(c.env)
      .insert(stores)
      .values({ id: newId("st", now), ...columns(body), name: body.name, currency: body.currency, createdAt: now, updatedAt: now })
      .returning();
    return c.json(storeBody(row!), 201, { location: `/v1/stores/${row!.id}` });
  },
);

storeRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/stores",
    permission: "stores:read",
    tags: ["Stores"],
    summary: "List the stores this key may see",
    request: { query: z.object(ListQuery) },
    responses: { 200: jsonResponse(listOf(Store, "StoreList"), "A page of stores"), ...problems() },
  }),
  async (c) => {
    const { cursor, limit } = c.req.valid("query");
    const after = cursorKey(cursor);
    const p = c.get("principal");
    const rows = await database(c.env)
      .select()
      .from(stores)
      .where(and(p.stores === "*" ? undefined : inArray(stores.id, [...p.stores]), after ? lt(stores.id, after) : undefined))
      .orderBy(desc(stores.id))
      .limit(limit + 1)
      .all();
    const page = pageOf(rows, limit, (s) => s.id);
    return c.json({ ...page, data: page.data.map(storeBody) }, 200);
  },
);

storeRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/stores/{id}",
    permission: "stores:read",
    tags: ["Stores"],
    summary: "Get a store",
    request: { params: StoreIdParam },
    responses: { 200: jsonResponse(Store, "The store"), ...problems(404) },
  }),
  async (c) => {
    const row = await visibleStore(c.env, c.get("principal"), c.req.valid("param").id);
    if (!row) throw notFound("store");
    return c.json(storeBody(row), 200);
  },
);

storeRoutes.openapi(
  apiRoute({
    method: "patch",
    path: "/v1/stores/{id}",
    permission: "stores:manage",
    tags: ["Stores"],
    summary: "Update a store",
    request: { params: StoreIdParam, body: jsonBody(UpdateStore) },
    responses: { 200: jsonResponse(Store, "The store"), ...problems(404, 413, 415, 422) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    if (!seesStore(c.get("principal"), id)) throw notFound("store");
    const [row] = await database(c.env)
      .update(stores)
      .set({ ...columns(c.req.valid("json")), updatedAt: Date.now() })
      .where(eq(stores.id, id))
      .returning();
    if (!row) throw notFound("store");
    forgetFinanceReview(id);
    return c.json(storeBody(row), 200);
  },
);

