/**
 * Every API route against every role: a role without the route's declared
 * permission gets a 403 problem; a role with it never does. The route list
 * comes from the app itself, so a new route without a sample here fails.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { can, ROLES, type Role } from "../src/auth/roles";
import { ORDER_EVENTS } from "../src/orders/lifecycle";
import { API_ROUTES } from "../src/http/route";
import "../src/app";
import { api, createKey, createOrder, createProduct, createStore, orderBody, unique } from "./helpers";

let store: { id: string };
let product: { id: string };
const keys = {} as Record<Role, string>;

beforeAll(async () => {
  store = await createStore();
  product = await createProduct(store.id, "TEA-1");
  for (const role of ROLES) keys[role] = await createKey(role, role === "channel" ? [store.id] : ["*"]);
});

/** A request each route would accept from a role allowed to make it. */
async function sample(method: string, path: string, role: Role): Promise<{ path: string; body?: unknown; lifecycleMayRefuse?: boolean }> {
  switch (`${method} ${path}`) {
    case "POST /v1/orders":
      return { path, body: orderBody(store.id) };
    case "GET /v1/orders":
      return { path };
    case "GET /v1/orders/{id}":
    case "GET /v1/orders/{id}/events":
      return { path: path.replace("{id}", (await createOrder(store.id)).id) };
    case "POST /v1/orders/{id}/transitions":
      // An event this role may fire (each event's permission is walked below); from received it may be illegal (409).
      return {
        path: path.replace("{id}", (await createOrder(store.id)).id),
        body: { event: ORDER_EVENTS.find((e) => can(role, `orders:transition:${e}`)) ?? "approve", reason: "matrix" },
        lifecycleMayRefuse: true,
      };
    case "POST /v1/stores":
      return { path, body: { name: unique("s"), currency: "EUR" } };
    case "GET /v1/stores":
      return { path };
    case "GET /v1/stores/{id}":
      return { path: path.replace("{id}", store.id) };
    case "PATCH /v1/stores/{id}":
      return { path: path.replace("{id}", store.id), body: { timezone: "Europe/Berlin" } };
    case "POST /v1/products":
      return { path, body: { store_id: store.id, sku: unique("sku"), name: "Thing", price: "1.00" } };
    case "GET /v1/products":
      return { path };
    case "GET /v1/products/{id}":
      return { path: path.replace("{id}", product.id) };
    case "PATCH /v1/products/{id}":
      return { path: path.replace("{id}", product.id), body: { price: "11.00" } };
    case "POST /v1/api-keys":
      return { path, body: { name: "k", role: "analyst", store_ids: [store.id] } };
    case "GET /v1/api-keys":
      return { path };
    case "GET /v1/reports/orders":
    case "GET /v1/reports/processing-times":
    case "GET /v1/reports/sla-breaches":
    case "GET /v1/reports/staff":
    case "GET /v1/reports/reasons":
    case "GET /v1/reports/skus":
      return { path: `${path}?from=2026-01-01&to=2026-01-31${path.endsWith("sla-breaches") ? "" : "&group_by=day"}` };
    case "GET /v1/reports/freshness":
    case "GET /v1/reports/overdue-orders":
    case "GET /v1/reports/order-export":
      return { path };
    case "POST /v1/reports/rebuild":
      return { path, body: { confirm: true } };
    case "GET /v1/stores/{id}/sla":
      return { path: path.replace("{id}", store.id) };
    case "PUT /v1/stores/{id}/sla":
      return {
        path: path.replace("{id}", store.id),
        body: { received_to_approved_minutes: 60, approved_to_shipped_minutes: null, shipped_to_delivered_minutes: null, received_to_completed_minutes: null },
      };
    case "DELETE /v1/api-keys/{id}": {
      const created = await api("/v1/api-keys", { body: { name: "doomed", role: "analyst", store_ids: [store.id] } });
      return { path: path.replace("{id}", created.body.id) };
    }
  }
  throw new Error(`no sample request for ${method} ${path}: add one so the matrix covers it`);
}

describe("role x route matrix", () => {
  for (const route of API_ROUTES) {
    it(`${route.method} ${route.path} needs ${route.permission}`, async () => {
      for (const role of ROLES) {
        const req = await sample(route.method, route.path, role);
        const r = await api(req.path, { method: route.method, body: req.body, key: keys[role] });
        if (can(role, route.permission)) {
          expect([401, 403, 500], `${role} on ${route.method} ${route.path}: ${JSON.stringify(r.body)}`).not.toContain(r.status);
          expect(r.status < 300 || (req.lifecycleMayRefuse && r.status === 409), `${role} on ${route.method} ${route.path}: ${r.status}`).toBe(true);
        } else {
          expect(r.status, `${role} on ${route.method} ${route.path}`).toBe(403);
          expect(r.headers.get("content-type")).toBe("application/problem+json");
          expect(r.body.code).toBe("forbidden");
        }
      }
    });
  }

  it("each transition event needs its own permission", async () => {
    for (const role of ROLES) {
      for (const event of ORDER_EVENTS) {
        const order = await createOrder(store.id);
        const r = await api(`/v1/orders/${order.id}/transitions`, { body: { event, reason: "matrix" }, key: keys[role] });
        if (can(role, `orders:transition:${event}`)) {
          // Allowed to try: the answer comes from the lifecycle (200 or 409), never from the role check.
          expect([200, 409], `${role} ${event}`).toContain(r.status);
        } else {
          expect(r.status, `${role} ${event}`).toBe(403);
        }
      }
    }
  });

  it("no key, a malformed header, an unknown key and a revoked key are all 401 problems", async () => {
    const none = await api("/v1/orders", { key: null });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect(none.headers.get("content-type")).toBe("application/problem+json");
    expect((await api("/v1/orders", { key: null, headers: { authorization: "Basic abc" } })).status).toBe(401);
    expect((await api("/v1/orders", { key: "oms_not_a_real_key_at_all" })).status).toBe(401);

    const created = await api("/v1/api-keys", { body: { name: "soon revoked", role: "analyst", store_ids: ["*"] } });
    expect((await api("/v1/orders", { key: created.body.key })).status).toBe(200);
    expect((await api(`/v1/api-keys/${created.body.id}`, { method: "DELETE" })).status).toBe(200);
    expect((await api("/v1/orders", { key: created.body.key })).status).toBe(401);
  });
});
