/** Test helpers: call the Worker in-process, set up a store with keys and products, check problems. */
import { exports } from "cloudflare:workers";
import { expect, vi } from "vitest";
import { accessOfRole, type Role } from "../src/auth/roles";
import type { Principal } from "../src/http/auth";

export const ADMIN = "test_bootstrap_admin_key";

type Init = { method?: string; body?: unknown; key?: string | null; headers?: Record<string, string> };

export async function api(path: string, init: Init = {}) {
  const headers: Record<string, string> = { ...init.headers };
  const key = init.key === undefined ? ADMIN : init.key;
  if (key) headers.authorization = `Bearer ${key}`;
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await exports.default.fetch(`http://oms.test${path}`, { method: init.method ?? (body ? "POST" : "GET"), headers, body, redirect: "manual" });
  return answerOf(res);
}

/** A response as tests read it: status, headers, and the body as JSON (or text when it is not JSON). */
export async function answerOf(res: Response) {
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, body: json };
}

let seq = 0;
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(seq++).toString(36)}`;

/**
 * A store for a test. Its new orders are not audited automatically unless
 * asked: the audit runs from the queue, and tests of the lifecycle itself
 * should not race it.
 */
/**
 * A store, placed as the suite's deployment places them ("spread": a pool of its own on the shard with the fewest
 * stores, so a file's stores alternate between the shards) unless `stock` says otherwise: `{ with_store }` for stores
 * that will share a warehouse (a warehouse serves stores of one pool, docs/SHARDING.md), `"shared"` for the main pool.
 */
export async function createStore(name = unique("store"), currency = "USD", options: { autoAudit?: boolean; stock?: "shared" | "own" | { with_store: string } } = {}) {
  const r = await api("/v1/stores", { body: { name, currency, auto_audit: options.autoAudit ?? false, ...(options.stock ? { stock: options.stock } : {}) } });
  if (r.status !== 201) throw new Error(`store: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: string; name: string; currency: string };
}

export async function createKey(role: string, storeIds: string[]) {
  const r = await api("/v1/api-keys", { body: { name: `${role} key`, role, store_ids: storeIds } });
  if (r.status !== 201) throw new Error(`key: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.key as string;
}

export async function createProduct(storeId: string, sku: string, fields: Record<string, unknown> = {}) {
  const r = await api("/v1/products", { body: { store_id: storeId, sku, name: `Product ${sku}`, price: "10.00", ...fields } });
  if (r.status !== 201) throw new Error(`product: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export function orderBody(storeId: string, overrides: Record<string, unknown> = {}) {
  return {
    store_id: storeId,
    channel: "web",
    customer: { name: "Ada Lovelace", email: "ada@example.com", phone: "+44 20 7946 0958" },
    shipping_address: { name: "Ada Lovelace", line1: "12 St James's Square", city: "London", postal_code: "SW1Y 4JH", country: "GB" },
    lines: [{ sku: "TEA-1", quantity: 2, unit_price: "19.90" }],
    currency: "USD",
    shipping_amount: "4.50",
    ...overrides,
  };
}

export async function createOrder(storeId: string, overrides: Record<string, unknown> = {}, key: string = ADMIN) {
  const r = await api("/v1/orders", { body: orderBody(storeId, overrides), key });
  if (r.status !== 201) throw new Error(`order: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function transition(id: string, event: string, opts: { reason?: string; key?: string; ifMatch?: string } = {}) {
  return api(`/v1/orders/${id}/transitions`, {
    body: { event, ...(opts.reason ? { reason: opts.reason } : {}) },
    key: opts.key,
    headers: opts.ifMatch ? { "if-match": opts.ifMatch } : {},
  });
}

/** A 400 invalid_parameters problem that names `field` (a query field, or "cursor"). */
export function expectInvalidQuery(r: Awaited<ReturnType<typeof api>>, field: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(400);
  expect(r.headers.get("content-type")).toBe("application/problem+json");
  expect(r.body.code).toBe("invalid_parameters");
  expect(r.body.errors.map((e: any) => e.field)).toContain(field === "cursor" ? field : `query.${field}`);
}

/** An order created through the API (201 expected) and read again once the audit from the queue has decided it. */
export async function auditedOrder(body: unknown) {
  const created = await api("/v1/orders", { body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  let order: any;
  await vi.waitFor(
    async () => {
      order = (await api(`/v1/orders/${created.body.id}`)).body;
      expect(order.status).not.toBe("received");
    },
    { timeout: 10_000, interval: 50 },
  );
  return order;
}

/** The service tasks the approval opens for an order's service lines (from the queue: waited for). */
export async function serviceTasksOf(orderId: string, count = 1) {
  let tasks: { id: string; status: string }[] = [];
  await vi.waitFor(
    async () => {
      tasks = (await api(`/v1/service-tasks?order_id=${orderId}`)).body.data;
      expect(tasks.length).toBeGreaterThanOrEqual(count);
    },
    { timeout: 10_000, interval: 50 },
  );
  return tasks;
}

/** The service team does the work: each task assigned, started and completed (the last one delivers the order). */
export async function performServiceTasks(orderId: string) {
  for (const t of await serviceTasksOf(orderId)) {
    for (const body of [{ event: "assign", assignee: "tech:test" }, { event: "start" }, { event: "complete" }]) {
      const r = await api(`/v1/service-tasks/${t.id}/transitions`, { body });
      if (r.status !== 200) throw new Error(`task ${body.event}: ${r.status} ${JSON.stringify(r.body)}`);
    }
  }
}

/** A principal of a built-in position acting in every store, for calling domain functions directly. */
export function principalOf(role: Role, id = `test:${role}`): Principal {
  return { id, kind: "key", name: `test ${role}`, ...accessOfRole(role), stores: "*", warehouses: "*" };
}
