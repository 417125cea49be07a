/** The audit API: rules per store, the blocklist, audit history, re-runs, the dry run, and the auditors' review queue. */
import { OpenAPIHono } from "@hono/zod-openapi";
import { actorNames, nameIn } from "../activity/actor-names";
import { eq } from "drizzle-orm";
import { database, directoryD1 } from "../db/client";
import { stores } from "../db/schema";
import type { AppEnv } from "../env";
import { allows, seesStore, type Principal } from "../http/auth";
import { idempotent } from "../http/idempotency";
import { ApiError, notFound, validationFailed } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { OrderIdParam } from "../orders/schemas";
import { iso, orderSummary } from "../orders/serialize";
import { problemFor } from "../orders/refusals";
import { auditOrder } from "./audit-stage";
import { wholeOrder } from "../orders/stage";
import { dryRunAudit } from "./dry-run-audit";
import { loadRules } from "./gather";
import { listAudits } from "./list-audits";
import { listReviewQueue } from "./list-review-queue";
import { blockCustomer, listBlocklist, unblockCustomer, type BlockRow } from "./manage-blocklist";
import { normaliseRules, RULE_KINDS } from "./rule-set";
import { saveAuditRules } from "./save-audit-rules";
import {
  AuditExplanation,
  AuditHistory,
  AuditRun,
  auditSummary,
  BlockEntry,
  BlockEntryParam,
  BlocklistPage,
  BlocklistQuery,
  DryRunBody,
  finding,
  NewBlockEntry,
  ReviewQueue,
  ReviewQueueQuery,
  RuleSetBody,
  RuleSetSchema,
  StoreParam,
} from "./schemas";

export const auditRoutes = new OpenAPIHono<AppEnv>();

async function visibleStore(env: AppEnv["Bindings"], p: Principal, id: string) {
  if (!seesStore(p, id)) throw notFound("store");
  const row = await database(env).select({ id: stores.id }).from(stores).where(eq(stores.id, id)).get();
  if (!row) throw notFound("store");
}

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
    const { version } = await saveAuditRules(c.env, id, { rules, actor: c.get("principal").id });
    return c.json(ruleSetBody(id, version, rules), 200);
  },
);

const blockBody = (b: BlockRow) => ({ id: b.id, store_id: b.storeId, kind: b.kind, value: b.value, note: b.note, created_by: b.createdBy, created_at: iso(b.createdAt) });

auditRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/stores/{id}/blocklist",
    permission: "blocklist:manage",
    tags: ["Audit"],
    summary: "Customers the store refuses",
    request: { params: StoreParam, query: BlocklistQuery },
    responses: { 200: jsonResponse(BlocklistPage, "A page of entries"), ...problems(404) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    await visibleStore(c.env, c.get("principal"), id);
    const page = await listBlocklist(c.env, id, c.req.valid("query"));
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
    description:
      "Values are normalised before they are stored and compared: emails and addresses without case, spacing or punctuation; phone numbers in international form (E.164, read in `country` when written without their country code).",
    request: { params: StoreParam, body: jsonBody(NewBlockEntry) },
    responses: { 201: jsonResponse(BlockEntry, "The entry"), ...problems(404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    await visibleStore(c.env, c.get("principal"), id);
    const b = c.req.valid("json");
    const r = await blockCustomer(c.env, id, { entry: b, actor: c.get("principal").id });
    if (!r.ok) throw new ApiError(409, "already_blocked", "Already blocked", `This ${b.kind} is already on the blocklist`);
    return c.json(blockBody(r.row), 201);
  },
);

auditRoutes.openapi(
  apiRoute({
    method: "delete",
    path: "/v1/stores/{id}/blocklist/{entry_id}",
    permission: "blocklist:manage",
    tags: ["Audit"],
    summary: "Unblock",
    request: { params: BlockEntryParam },
    responses: { 200: jsonResponse(BlockEntry, "The removed entry"), ...problems(404) },
  }),
  async (c) => {
    const { id, entry_id } = c.req.valid("param");
    await visibleStore(c.env, c.get("principal"), id);
    const row = await unblockCustomer(c.env, id, entry_id);
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
    responses: { 200: jsonResponse(AuditHistory, "The audits"), ...problems(404) },
  }),
  async (c) => {
    const results = await listAudits(c.env, c.req.valid("param").id, { principal: c.get("principal") });
    if (!results) throw notFound("order");
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
      200: jsonResponse(AuditRun, "The outcome and the order after it"),
      ...problems(404, 409),
    },
  }),
  async (c) => {
    const p = c.get("principal");
    const { id } = c.req.valid("param");
    const r = await auditOrder(c.env, {
      orderId: id,
      trigger: "manual",
      actor: p.id,
      stores: p.stores,
      atVersion: null,
      mayDoFinanceCheck: allows(p, "orders:review:finance"),
      wholeOrder: true,
    });
    if (r.ok) return c.json({ order: orderSummary(wholeOrder(r), p.contactScope), audit: auditSummary(r.result) }, 200);
    if (r.code === "skipped") throw new ApiError(409, "not_auditable", "The order is not awaiting audit", r.message);
    throw problemFor(r);
  },
);

auditRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/audit/dry-run",
    permission: "audit:run",
    tags: ["Audit"],
    summary: "Explain what the rules would decide, changing nothing",
    request: { body: jsonBody(DryRunBody) },
    responses: {
      200: jsonResponse(AuditExplanation, "What would happen and why"),
      ...problems(404, 413, 415, 422),
    },
  }),
  async (c) => {
    const r = await dryRunAudit(c.env, c.req.valid("json"), { principal: c.get("principal") });
    if (!r.ok) throw r.code === "invalid" ? validationFailed(r.errors) : notFound(r.code === "order_not_found" ? "order" : "store");
    const { decision, ruleSetVersion } = r;
    return c.json({ outcome: decision.outcome, rule_set_version: ruleSetVersion, findings: decision.findings.map(finding) }, 200);
  },
);

auditRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/review-queue",
    permission: "audit:read",
    tags: ["Audit"],
    summary: "Held orders to review, oldest first",
    description:
      "Filter by store, by hold reason code and by claim (`claimed=mine|others|none`); each item lists every reason the order is held for and who has claimed it (`claimed_by`).",
    request: { query: ReviewQueueQuery },
    responses: { 200: jsonResponse(ReviewQueue, "A page of held orders"), ...problems() },
  }),
  async (c) => {
    const principal = c.get("principal");
    const page = await listReviewQueue(c.env, principal, c.req.valid("query"));
    const scope = principal.contactScope;
    const now = Date.now();
    const names = await actorNames(
      directoryD1(c.env),
      page.data.map((i) => i.claim?.id),
    );
    return c.json(
      {
        data: page.data.map(({ order, reasons, claim }) => ({
          order: orderSummary(order, scope),
          reasons,
          held_since: order.heldAt === null ? null : iso(order.heldAt),
          held_for_ms: now - (order.heldAt ?? order.createdAt),
          claimed_by: claim ? { id: claim.id, name: nameIn(names, claim.id).name, until: iso(claim.until) } : null,
        })),
        next_cursor: page.next_cursor,
      },
      200,
    );
  },
);
