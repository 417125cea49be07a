/** Routing policy per store, allocation of an order (and its dry run), with the policy's explanation. */
import { OpenAPIHono } from "@hono/zod-openapi";
import { eq, inArray } from "drizzle-orm";
import { database } from "../db/client";
import { allocations, routingPolicies, stores, warehouses } from "../db/schema";
import { servesStore } from "../inventory/warehouse-stores";
import type { AppEnv } from "../env";
import { seesStore, type Principal } from "../http/auth";
import { ApiError, notFound, validationFailed } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { getOrder } from "../orders/queries";
import { OrderIdParam } from "../orders/schemas";
import { iso } from "../orders/serialize";
import { allocateOrder } from "./allocate-order";
import { loadPolicy, planAllocation } from "./plan-allocation";
import type { AllocationPlan, Explanation } from "./routing-policy";
import { Allocation, DryRunBody, PlanResult, RoutingPolicySchema, StoredRoutingPolicy, StoreIdParam } from "./schemas";
import { shipmentsOfOrder } from "./shipment-queries";

export const allocationRoutes = new OpenAPIHono<AppEnv>();

async function storeOr404(env: AppEnv["Bindings"], p: Principal, id: string) {
  if (!seesStore(p, id)) throw notFound("store");
  const row = await database(env).select({ id: stores.id }).from(stores).where(eq(stores.id, id)).get();
  if (!row) throw notFound("store");
  return row;
}

allocationRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/stores/{id}/routing-policy",
    permission: "routing:read",
    tags: ["Allocation"],
    summary: "A store's routing policy (or the default)",
    request: { params: StoreIdParam },
    responses: { 200: jsonResponse(StoredRoutingPolicy, "The policy"), ...problems(404) },
  }),
  async (c) => {
    const store = await storeOr404(c.env, c.get("principal"), c.req.valid("param").id);
    const db = database(c.env);
    const { policy, stored } = await loadPolicy(db, store.id);
    const row = stored ? await db.select({ updatedAt: routingPolicies.updatedAt }).from(routingPolicies).where(eq(routingPolicies.storeId, store.id)).get() : null;
    return c.json({ ...policy, store_id: store.id, is_default: !stored, updated_at: row ? iso(row.updatedAt) : null }, 200);
  },
);

allocationRoutes.openapi(
  apiRoute({
    method: "put",
    path: "/v1/stores/{id}/routing-policy",
    permission: "routing:manage",
    tags: ["Allocation"],
    summary: "Replace a store's routing policy",
    description: "Applies to allocations from now on. Every warehouse named must exist and ship for this store (`store_ids`).",
    request: { params: StoreIdParam, body: jsonBody(RoutingPolicySchema) },
    responses: { 200: jsonResponse(StoredRoutingPolicy, "The policy"), ...problems(404, 413, 415, 422) },
  }),
  async (c) => {
    const store = await storeOr404(c.env, c.get("principal"), c.req.valid("param").id);
    const policy = c.req.valid("json");
    const named = [...new Set([...policy.default_warehouses, ...policy.rules.flatMap((r) => r.warehouses)])];
    const db = database(c.env);
    if (named.length) {
      // A warehouse that ships only for other stores is no warehouse of this store's policy.
      const rows = await db.select({ id: warehouses.id, storeIds: warehouses.storeIds }).from(warehouses).where(inArray(warehouses.id, named)).all();
      const found = new Set(rows.filter((w) => servesStore(w.storeIds, store.id)).map((w) => w.id));
      const missing = (w: string) => `no warehouse ${w} ships for this store`;
      const errors = [
        ...policy.default_warehouses.flatMap((w, i) => (found.has(w) ? [] : [{ field: `default_warehouses.${i}`, message: missing(w) }])),
        ...policy.rules.flatMap((r, ri) => r.warehouses.flatMap((w, i) => (found.has(w) ? [] : [{ field: `rules.${ri}.warehouses.${i}`, message: missing(w) }]))),
      ];
      if (errors.length) throw validationFailed(errors);
    }
    const now = Date.now();
    await db
      .insert(routingPolicies)
      .values({ storeId: store.id, policy, updatedBy: c.get("principal").id, updatedAt: now })
      .onConflictDoUpdate({ target: routingPolicies.storeId, set: { policy, updatedBy: c.get("principal").id, updatedAt: now } });
    return c.json({ ...policy, store_id: store.id, is_default: false, updated_at: iso(now) }, 200);
  },
);

function planBody(plan: AllocationPlan) {
  return {
    ok: plan.ok,
    reason: plan.ok ? null : plan.reason,
    message: plan.ok ? null : plan.message,
    shipments: plan.ok
      ? plan.shipments.map((s) => ({
          warehouse_id: s.warehouseId,
          carrier: s.carrier,
          items: s.items.map((i) => ({ line_no: i.lineNo, sku: i.sku, bin_id: i.binId, bin: i.binCode, quantity: i.quantity })),
        }))
      : [],
    shortages: plan.ok ? [] : plan.shortages,
    explanation: plan.explanation,
  };
}

allocationRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/allocations/dry-run",
    permission: "fulfilment:read",
    tags: ["Allocation"],
    summary: "Plan an allocation without reserving anything",
    description:
      "For an existing order (`order_id`) or a hypothetical one (`store_id`, `destination`, `lines`): the shipments the store's policy would make now, and why each warehouse was or was not chosen. Nothing is written.",
    request: { body: jsonBody(DryRunBody) },
    responses: { 200: jsonResponse(PlanResult, "The plan and its explanation"), ...problems(404, 413, 415, 422) },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const p = c.get("principal");
    let req;
    if (body.order_id) {
      const found = await getOrder(c.env, p, body.order_id);
      if (!found) throw notFound("order");
      const goods = found.lines.filter((l) => l.type === "goods");
      if (!goods.length) throw new ApiError(409, "no_goods", "Nothing to allocate", "The order has no goods lines");
      const a = found.order.shippingAddress;
      req = {
        storeId: found.order.storeId,
        destination: { country: a.country ?? "", region: a.region ?? null },
        lines: goods.map((l) => ({ lineNo: l.lineNo, sku: l.sku, quantity: l.quantity })),
      };
    } else {
      await storeOr404(c.env, p, body.store_id!);
      req = {
        storeId: body.store_id!,
        destination: { country: body.destination!.country, region: body.destination!.region ?? null },
        lines: body.lines!.map((l, i) => ({ lineNo: i + 1, sku: l.sku, quantity: l.quantity })),
      };
    }
    const { plan } = await planAllocation(c.env, req);
    return c.json(planBody(plan), 200);
  },
);

async function allocationBody(env: AppEnv["Bindings"], p: Principal, orderId: string) {
  const row = await database(env).select().from(allocations).where(eq(allocations.orderId, orderId)).get();
  return {
    order_id: orderId,
    status: row?.status ?? ("none" as const),
    reason: row?.reason ?? null,
    attempts: row?.attempts ?? 0,
    last_attempt_at: row ? iso(row.lastAttemptAt) : null,
    explanation: (row?.explanation as Explanation | undefined) ?? null,
    shipments: await shipmentsOfOrder(env, p, orderId),
  };
}

allocationRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/orders/{id}/allocation",
    permission: "fulfilment:read",
    tags: ["Allocation"],
    summary: "An order's allocation: status, explanation and shipments",
    request: { params: OrderIdParam },
    responses: { 200: jsonResponse(Allocation, "The allocation"), ...problems(404) },
  }),
  async (c) => {
    const p = c.get("principal");
    const { id } = c.req.valid("param");
    if (!(await getOrder(c.env, p, id))) throw notFound("order");
    return c.json(await allocationBody(c.env, p, id), 200);
  },
);

allocationRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/orders/{id}/allocation",
    permission: "fulfilment:allocate",
    tags: ["Allocation"],
    summary: "Allocate an approved order now",
    description:
      "Runs the allocation that an approval triggers (useful after receiving stock for a backorder). An order that is not approved is left as it is (409); one already allocated answers with its allocation.",
    request: { params: OrderIdParam },
    responses: { 200: jsonResponse(Allocation, "The allocation after the attempt"), ...problems(404, 409) },
  }),
  async (c) => {
    const p = c.get("principal");
    const { id } = c.req.valid("param");
    const found = await getOrder(c.env, p, id);
    if (!found) throw notFound("order");
    const result = await allocateOrder(c.env, id, { actor: p.id });
    if (result.status === "skipped") {
      const existing = await allocationBody(c.env, p, id);
      if (existing.status === "allocated") return c.json(existing, 200);
      const noGoods = result.reason === "no_goods";
      throw new ApiError(
        409,
        noGoods ? "no_goods" : "not_approved",
        "Nothing to allocate",
        noGoods ? "The order has no goods lines" : `Only approved orders are allocated; this one is ${found.order.status}`,
      );
    }
    return c.json(await allocationBody(c.env, p, id), 200);
  },
);
