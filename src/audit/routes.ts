/** The audit API: rules per store, the blocklist, audit history, re-runs, the dry run, and the auditors' review queue. */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { and, asc, desc, eq, gt, inArray, or, sql } from "drizzle-orm";
import { constraintFailed, database } from "../db/client";
import { auditResults, auditRuleSets, blocklistEntries, orderLines, orders, stores } from "../db/schema";
import type { AppEnv } from "../env";
import { seesStore, type Principal } from "../http/auth";
import { idempotent } from "../http/idempotency";
import { ApiError, notFound, validationFailed } from "../http/problem";
import { cursorKey, pageOf } from "../http/pagination";
import { apiRoute, jsonBody, jsonResponse, ListQuery, listOf, problems, Rfc3339 } from "../http/route";
import { newId } from "../lib/ids";
import { lookupSkus } from "../products/catalogue";
import { buildOrder } from "../orders/build-order";
import { CreateOrderBody, OrderIdParam, OrderSummary } from "../orders/schemas";
import { iso, orderSummary } from "../orders/serialize";
import { problemFor } from "../orders/refusals";
import { can } from "../auth/roles";
import { auditOrder } from "./audit-stage";
import { evaluate } from "./evaluate";
import { gather, loadRules } from "./gather";
import { normaliseAddress, normaliseEmail, normalisePhone } from "./normalise";
import { normaliseRules, RuleConfigSchema, RuleSetBody, RULE_KINDS } from "./rule-set";
import { AuditResultSchema, AuditSummarySchema, auditSummary, finding, FindingSchema } from "./schemas";

export const auditRoutes = new OpenAPIHono<AppEnv>();

const StoreParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }) });

async function visibleStore(env: AppEnv["Bindings"], p: Principal, id: string) {
  if (!seesStore(p, id)) throw notFound("store");
  const row = await database(env).select({ id: stores.id }).from(stores).where(eq(stores.id, id)).get();
  if (!row) throw notFound("store");
}

const RuleSetSchema = z
  .object({
    store_id: z.string(),
    version: z.number().int().openapi({ description: "0 while the store uses the default rules" }),
    rules: z.array(RuleConfigSchema.extend({ description: z.string() })),
    kinds: z.array(z.string()).openapi({ description: "Every rule kind this system knows" }),
  })
  .openapi("StoreAuditRules");

const ruleSetBody = (storeId: string, version: number, rules: ReturnType<typeof normaliseRules>) => ({
  store_id: storeId,
  version,
  rules: rules.map((r) => ({ ...r, description: RULE_KINDS[r.kind]!.description })),
  kinds: Object.keys(RULE_KINDS),
});

auditRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/stores/{id}/audit-rules",
    permission: "audit:read",
    tags: ["Audit"],
    summary: "The store's audit rules (the defaults until it sets its own)",
    request: { params: StoreParam },
    responses: { 200: jsonResponse(RuleSetSchema, "The rule set"), ...problems(404) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    await visibleStore(c.env, c.get("principal"), id);
    const { rules, version } = await loadRules(c.env, id);
    return c.json(ruleSetBody(id, version, rules), 200);
  },
);

auditRoutes.openapi(
  apiRoute({
    method: "put",
    path: "/v1/stores/{id}/audit-rules",
    permission: "audit:manage",
    tags: ["Audit"],
    summary: "Replace the store's audit rules",
    description: "Kinds left out do not run. Each change bumps the version that every later audit result records.",
    request: { params: StoreParam, body: jsonBody(RuleSetBody) },
    responses: { 200: jsonResponse(RuleSetSchema, "The new rule set"), ...problems(404, 413, 415, 422) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    await visibleStore(c.env, c.get("principal"), id);
    const rules = normaliseRules(c.req.valid("json").rules);
    const now = Date.now();
    const [row] = await database(c.env)
      .insert(auditRuleSets)
      .values({ storeId: id, version: 1, rules, updatedAt: now, updatedBy: c.get("principal").id })
      .onConflictDoUpdate({
        target: auditRuleSets.storeId,
        set: { rules, version: sql`${auditRuleSets.version} + 1`, updatedAt: now, updatedBy: c.get("principal").id },
      })
      .returning();
    return c.json(ruleSetBody(id, row!.version, rules), 200);
  },
);

const BlockEntry = z
  .object({ id: z.string(), store_id: z.string(), kind: z.enum(["email", "phone", "address"]), value: z.string(), note: z.string().nullable(), created_by: z.string(), created_at: Rfc3339 })
  .openapi("BlocklistEntry");
const NewBlockEntry = z
  .object({
    kind: z.enum(["email", "phone", "address"]),
    email: z.email().optional(),
    phone: z.string().trim().min(4).max(32).optional(),
    address: z.object({ line1: z.string().trim().min(1).max(200), postal_code: z.string().trim().min(1).max(20), country: z.string().length(2) }).optional(),
    note: z.string().trim().max(500).optional(),
  })
  .superRefine((b, ctx) => {
    if (!b[b.kind]) ctx.addIssue({ code: "custom", path: [b.kind], message: `give the ${b.kind} to block` });
  })
  .openapi("NewBlocklistEntry");
type BlockRow = typeof blocklistEntries.$inferSelect;
const blockBody = (b: BlockRow) => ({ id: b.id, store_id: b.storeId, kind: b.kind, value: b.value, note: b.note, created_by: b.createdBy, created_at: iso(b.createdAt) });

auditRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/stores/{id}/blocklist",
    permission: "blocklist:manage",
    tags: ["Audit"],
    summary: "Customers the store refuses",
    request: { params: StoreParam, query: z.object(ListQuery) },
    responses: { 200: jsonResponse(listOf(BlockEntry, "BlocklistPage"), "A page of entries"), ...problems(404) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    await visibleStore(c.env, c.get("principal"), id);
    const { cursor, limit } = c.req.valid("query");
    const after = cursorKey(cursor);
    const rows = await database(c.env)
      .select()
      .from(blocklistEntries)
      .where(and(eq(blocklistEntries.storeId, id), after ? gt(blocklistEntries.id, after) : undefined))
      .orderBy(asc(blocklistEntries.id))
      .limit(limit + 1)
      .all();
    const page = pageOf(rows, limit, (b) => b.id);
    return c.json({ ...page, data: page.data.map(blockBody) }, 200);
  },
);

auditRoutes.post("/v1/stores/:id/blocklist", idempotent());
auditRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/stores/{id}/blocklist",
    permission: "blocklist:manage",
    tags: ["Audit"],
    summary: "Block a customer's email, phone or address",
    description: "Values are normalised (case, spacing, punctuation) before they are stored and compared.",
    request: { params: StoreParam, body: jsonBody(NewBlockEntry) },
    responses: { 201: jsonResponse(BlockEntry, "The entry"), ...problems(404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    await visibleStore(c.env, c.get("principal"), id);
    const b = c.req.valid("json");
    const value = b.kind === "email" ? normaliseEmail(b.email!) : b.kind === "phone" ? normalisePhone(b.phone!) : normaliseAddress(b.address!);
    const now = Date.now();
    const row: BlockRow = { id: newId("blk", now), storeId: id, kind: b.kind, value, note: b.note ?? null, createdBy: c.get("principal").id, createdAt: now };
    try {
      await database(c.env).insert(blocklistEntries).values(row);
    } catch (err) {
      if (constraintFailed(err, "blocklist_entries")) throw new ApiError(409, "already_blocked", "Already blocked", `This ${b.kind} is already on the blocklist`);
      throw err;
    }
    return c.json(blockBody(row), 201);
  },
);

auditRoutes.openapi(
  apiRoute({
    method: "delete",
    path: "/v1/stores/{id}/blocklist/{entry_id}",
    permission: "blocklist:manage",
    tags: ["Audit"],
    summary: "Unblock",
    request: { params: StoreParam.extend({ entry_id: z.string().min(1).max(64).openapi({ param: { name: "entry_id", in: "path" } }) }) },
    responses: { 200: jsonResponse(BlockEntry, "The removed entry"), ...problems(404) },
  }),
  async (c) => {
    const { id, entry_id } = c.req.valid("param");
    await visibleStore(c.env, c.get("principal"), id);
    const [row] = await database(c.env)
      .delete(blocklistEntries)
      .where(and(eq(blocklistEntries.storeId, id), eq(blocklistEntries.id, entry_id)))
      .returning();
    if (!row) throw notFound("blocklist entry");
    return c.json(blockBody(row), 200);
  },
);

auditRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/orders/{id}/audits",
    permission: "audit:read",
    tags: ["Audit"],
    summary: "Every audit of the order, newest first",
    request: { params: OrderIdParam },
    responses: { 200: jsonResponse(z.object({ data: z.array(AuditResultSchema) }).openapi("AuditHistory"), "The audits"), ...problems(404) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const p = c.get("principal");
    const db = database(c.env);
    const [order, results] = await db.batch([
      db.select({ storeId: orders.storeId }).from(orders).where(eq(orders.id, id)),
      db.select().from(auditResults).where(eq(auditResults.orderId, id)).orderBy(desc(auditResults.createdAt)).limit(100),
    ]);
    if (!order[0] || !seesStore(p, order[0].storeId)) throw notFound("order");
    return c.json(
      {
        data: results.map((r) => ({
          ...auditSummary({ id: r.id, outcome: r.outcome, ruleSetVersion: r.ruleSetVersion, findings: r.findings as never }),
          order_version: r.orderVersion,
          trigger: r.trigger,
          duration_ms: r.durationMs,
          created_at: iso(r.createdAt),
        })),
      },
      200,
    );
  },
);

auditRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/orders/{id}/audit",
    permission: "audit:run",
    tags: ["Audit"],
    summary: "Audit the order again now",
    description: "For a received or held order: applies the outcome (approve, hold, reject or wait) like the automatic audit.",
    request: { params: OrderIdParam },
    responses: {
      200: jsonResponse(z.object({ order: OrderSummary, audit: AuditSummarySchema }).openapi("AuditRun"), "The outcome and the order after it"),
      ...problems(404, 409),
    },
  }),
  async (c) => {
    const p = c.get("principal");
    const { id } = c.req.valid("param");
    const r = await auditOrder(c.env, { orderId: id, trigger: "manual", actor: p.id, stores: p.stores, atVersion: null, mayDoFinanceCheck: can(p.role, "orders:review:finance") });
    if (r.ok) return c.json({ order: orderSummary(r.order), audit: auditSummary(r.result) }, 200);
    if (r.code === "skipped") throw new ApiError(409, "not_auditable", "The order is not awaiting audit", r.message);
    throw problemFor(r);
  },
);

const DryRunBody = z
  .object({
    order_id: z.string().regex(/^ord_[0-9A-Z]{26}$/).optional().openapi({ description: "Audit an existing order as it is now" }),
    order: CreateOrderBody.optional().openapi({ description: "Or a payload, as it would be created" }),
    rules: RuleSetBody.shape.rules.optional().openapi({ description: "Rules to try instead of the store's" }),
  })
  .refine((b) => (b.order_id === undefined) !== (b.order === undefined), { message: "give exactly one of order_id and order" })
  .superRefine((b, ctx) => {
    if (!b.rules) return;
    const r = RuleSetBody.safeParse({ rules: b.rules });
    if (!r.success) for (const i of r.error.issues) ctx.addIssue({ code: "custom", path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)), message: i.message });
  })
  .openapi("AuditDryRun");

auditRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/audit/dry-run",
    permission: "audit:run",
    tags: ["Audit"],
    summary: "Explain what the rules would decide, changing nothing",
    request: { body: jsonBody(DryRunBody) },
    responses: {
      200: jsonResponse(
        z.object({ outcome: z.enum(["approve", "hold", "reject", "wait"]), rule_set_version: z.number().int().nullable(), findings: z.array(FindingSchema) }).openapi("AuditExplanation"),
        "What would happen and why",
      ),
      ...problems(404, 413, 415, 422),
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const p = c.get("principal");
    const db = database(c.env);
    let subject;
    if (body.order_id) {
      const [o, lines] = await db.batch([
        db.select().from(orders).where(eq(orders.id, body.order_id)),
        db.select().from(orderLines).where(eq(orderLines.orderId, body.order_id)).orderBy(asc(orderLines.lineNo)),
      ]);
      if (!o[0] || !seesStore(p, o[0].storeId)) throw notFound("order");
      subject = { order: o[0], lines };
    } else {
      const input = body.order!;
      if (!seesStore(p, input.store_id)) throw notFound("store");
      const built = buildOrder(input, { catalogue: await lookupSkus(c.env, input.store_id, input.lines.map((l) => l.sku)), actor: p.id, now: Date.now() });
      if (!built.ok) throw validationFailed(built.errors.map((e) => ({ ...e, field: `order.${e.field}` })));
      subject = { order: built.value.order, lines: built.value.lines };
    }
    const g = await gather(c.env, subject);
    const rules = body.rules ? normaliseRules(body.rules) : g.rules;
    const decision = evaluate(subject, g.ctx, rules);
    return c.json({ outcome: decision.outcome, rule_set_version: body.rules ? null : g.ruleSetVersion, findings: decision.findings.map(finding) }, 200);
  },
);

const QueueItem = z
  .object({
    order: OrderSummary,
    reasons: z.array(z.object({ code: z.string(), message: z.string() })),
    held_since: Rfc3339.nullable(),
    held_for_ms: z.number().int(),
  })
  .openapi("ReviewQueueItem");

auditRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/review-queue",
    permission: "audit:read",
    tags: ["Audit"],
    summary: "Held orders to review, oldest first",
    description: "Filter by store and by hold reason code; each item lists every reason the order is held for.",
    request: {
      query: z.object({
        ...ListQuery,
        store_id: z.string().max(64).optional(),
        reason: z.string().regex(/^[a-z_]{1,64}$/).optional().openapi({ description: "A hold reason code, e.g. postal_code_invalid" }),
        order: z.enum(["oldest", "newest"]).default("oldest"),
      }),
    },
    responses: { 200: jsonResponse(listOf(QueueItem, "ReviewQueue"), "A page of held orders"), ...problems() },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const p = c.get("principal");
    const QUEUE_KEY = /^(\d+):(ord_[0-9A-Z]{26})$/;
    const raw = cursorKey(q.cursor, (k) => QUEUE_KEY.test(k));
    const m = raw === undefined ? undefined : QUEUE_KEY.exec(raw);
    const heldAt = sql`coalesce(${orders.heldAt}, ${orders.createdAt})`;
    const newest = q.order === "newest";
    const after = m
      ? newest
        ? or(sql`${heldAt} < ${Number(m[1])}`, and(sql`${heldAt} = ${Number(m[1])}`, sql`${orders.id} < ${m[2]}`))
        : or(sql`${heldAt} > ${Number(m[1])}`, and(sql`${heldAt} = ${Number(m[1])}`, sql`${orders.id} > ${m[2]}`))
      : undefined;
    const rows = await database(c.env)
      .select({
        order: orders,
        reasons: sql<string>`(SELECT json_group_array(json_object('code', code, 'message', message)) FROM order_hold_reasons r WHERE r.order_id = ${orders.id})`,
      })
      .from(orders)
      .where(
        and(
          eq(orders.status, "on_hold"),
          p.stores === "*" ? undefined : inArray(orders.storeId, [...p.stores]),
          q.store_id ? eq(orders.storeId, q.store_id) : undefined,
          q.reason ? sql`EXISTS (SELECT 1 FROM order_hold_reasons r WHERE r.order_id = ${orders.id} AND r.code = ${q.reason})` : undefined,
          after,
        ),
      )
      .orderBy(newest ? sql`${heldAt} DESC, ${orders.id} DESC` : sql`${heldAt} ASC, ${orders.id} ASC`)
      .limit(q.limit + 1)
      .all();
    const now = Date.now();
    const page = pageOf(rows, q.limit, ({ order }) => `${order.heldAt ?? order.createdAt}:${order.id}`);
    return c.json(
      {
        data: page.data.map(({ order, reasons }) => ({
          order: orderSummary(order),
          reasons: JSON.parse(reasons) as { code: string; message: string }[],
          held_since: order.heldAt === null ? null : iso(order.heldAt),
          held_for_ms: now - (order.heldAt ?? order.createdAt),
        })),
        next_cursor: page.next_cursor,
      },
      200,
    );
  },
);
