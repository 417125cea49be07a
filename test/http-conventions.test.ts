/** Cross-cutting HTTP behaviour: problem+json everywhere, 404/405, OpenAPI, pagination and filters, and no input that makes a 500. */
import { env } from "./shard-env";
import { beforeAll, describe, expect, it } from "vitest";
import { API_ROUTES } from "../src/http/route";
import "../src/app";
import { api, createOrder, createStore, orderBody, transition } from "./helpers";

let store: { id: string };
beforeAll(async () => {
  store = await createStore();
});

describe("routing", () => {
  it("an unknown path is a 404 problem", async () => {
    const r = await api("/v1/nothing-here");
    expect(r.status).toBe(404);
    expect(r.headers.get("content-type")).toBe("application/problem+json");
    expect(r.body).toMatchObject({ status: 404, code: "not_found", type: "/problems/not_found", instance: "/v1/nothing-here" });
  });

  it("a known path with another method is a 405 naming the allowed methods", async () => {
    const r = await api("/v1/orders", { method: "DELETE" });
    expect(r.status).toBe(405);
    expect(r.headers.get("allow")).toBe("POST, GET");
    expect(r.body.code).toBe("method_not_allowed");
    const t = await api("/v1/orders/ord_00000000000000000000000000/transitions");
    expect(t.status).toBe(405);
    expect(t.headers.get("allow")).toBe("POST");
  });

  it("serves health, the OpenAPI 3.1 document with every route, and the docs page", async () => {
    expect((await api("/healthz", { key: null })).body.status).toBe("ok");
    const spec = await api("/openapi.json", { key: null });
    expect(spec.status).toBe(200);
    expect(spec.body.openapi).toBe("3.1.0");
    for (const r of API_ROUTES) {
      const op = spec.body.paths[r.path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op.security).toEqual([{ bearer: [] }]);
      expect(op.description).toContain(r.permission);
    }
    expect(spec.body.components.schemas.CreateOrder.properties.lines).toBeDefined();
    expect(spec.body.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    // Partners' webhooks are signed, not keyed: documented with their own schemes.
    const tracking = spec.body.paths["/webhooks/tracking/{partner}"].post;
    expect(tracking.security).toEqual([{ easypostSignature: [] }, { aftershipSignature: [] }, { shippoSignature: [] }, { shippoToken: [] }]);
    expect(tracking.parameters[0].schema.enum).toEqual(["easypost", "aftership", "shippo"]);
    expect(Object.keys(tracking.responses)).toEqual(expect.arrayContaining(["200", "401", "503"]));
    expect(spec.body.components.securitySchemes.aftershipSignature).toMatchObject({ type: "apiKey", in: "header", name: "aftership-hmac-sha256" });
    const tpl = spec.body.paths["/webhooks/3pl/{warehouseId}"].post;
    expect(tpl.security).toEqual([{ standardWebhooks: [] }]);
    expect(tpl.requestBody.content["application/json"].schema.$ref).toBe("#/components/schemas/ThirdPartyEvent");
    const docs = await api("/docs", { key: null });
    expect(docs.status).toBe(200);
    expect(docs.body).toContain("/docs/vendor/swagger-ui-bundle.js");
  });

  it("serves Swagger UI from the Worker itself: the page's script and stylesheet, cacheable, and nothing else under /docs/vendor", async () => {
    const page = await api("/docs", { key: null });
    const [script, style] = [/src="(\/docs\/vendor\/swagger-ui-bundle\.js[^"]*)"/, /href="(\/docs\/vendor\/swagger-ui\.css[^"]*)"/].map((re) => re.exec(page.body)?.[1]);
    expect(script).toMatch(/\?v=\d+\.\d+\.\d+$/);
    const js = await api(script!, { key: null });
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(js.headers.get("cache-control")).toContain("immutable");
    expect(js.body).toContain("SwaggerUIBundle");
    const css = await api(style!, { key: null });
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toMatch(/^text\/css/);
    expect(css.body.length).toBeGreaterThan(10_000);
    for (const path of ["/docs/vendor/package.json", "/docs/vendor/__proto__", "/docs/vendor/toString"]) {
      const r = await api(path, { key: null });
      expect(r.status, path).toBe(404);
      expect(r.headers.get("content-type")).toMatch(/problem\+json/);
    }
  });
});

describe("listing orders", () => {
  it("pages newest first with a cursor until next_cursor is null", async () => {
    const s = await createStore();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await createOrder(s.id)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await api(`/v1/orders?store_id=${s.id}&limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(r.status).toBe(200);
      seen.push(...r.body.data.map((o: any) => o.id));
      cursor = r.body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it("filters by status, channel, created range, external id and a customer's email", async () => {
    const s = await createStore();
    const a = await createOrder(s.id, { channel: "pos", customer: { name: "Grace Hopper", email: "grace@navy.example" }, external_id: "PO-100_%" });
    const b = await createOrder(s.id, { channel: "web", customer: { name: "Alan Turing", email: "alan@bletchley.example" } });
    await transition(b.id, "approve");
    const q = (qs: string) => api(`/v1/orders?store_id=${s.id}&${qs}`).then((r) => r.body.data.map((o: any) => o.id));
    expect(await q("status=approved")).toEqual([b.id]);
    expect(await q("status=approved,received")).toEqual([b.id, a.id]);
    expect(await q("channel=pos")).toEqual([a.id]);
    // Contact is encrypted at rest: a customer is found by their whole email (any case), not by a name or part of it.
    expect(await q("q=grace%40navy.example")).toEqual([a.id]);
    expect(await q("q=ALAN%40BLETCHLEY.EXAMPLE")).toEqual([b.id]);
    expect(await q("q=hopper")).toEqual([]);
    expect(await q("q=bletchley")).toEqual([]);
    expect(await q("q=PO-100")).toEqual([a.id]);
    // % and _ are literal characters in a search, not wildcards.
    expect(await q("q=_%")).toEqual([a.id]);
    expect(await q("q=%25")).toEqual([a.id]);
    const t = Date.parse(b.created_at);
    expect(await q(`created_from=${new Date(t).toISOString()}`)).toEqual([b.id]);
    expect(await q(`created_to=${new Date(t).toISOString()}`)).toEqual([a.id]);
  });

  it("refuses bad list parameters with a 400 naming each", async () => {
    const bad = ["limit=0", "limit=201", "limit=ten", "status=lost", "created_from=yesterday", "cursor=%%%"];
    for (const qs of bad) {
      const r = await api(`/v1/orders?${qs}`);
      expect(r.status, qs).toBe(400);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
      expect(r.body.errors.length, qs).toBeGreaterThan(0);
    }
    const foreign = await api(`/v1/orders?cursor=${btoa("st_x")}`);
    expect(foreign.status).toBe(400);
  });

  it("the events of an order page by sequence", async () => {
    const o = await createOrder(store.id);
    await transition(o.id, "hold", { reason: "a" });
    await transition(o.id, "approve");
    const first = await api(`/v1/orders/${o.id}/events?limit=2`);
    expect(first.body.data.map((e: any) => e.seq)).toEqual([1, 2]);
    const second = await api(`/v1/orders/${o.id}/events?limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body.data.map((e: any) => e.seq)).toEqual([3]);
    expect(second.body.next_cursor).toBeNull();
  });
});

describe("no input makes a 500", () => {
  const junk: unknown[] = [
    null,
    0,
    -1,
    1e308,
    "x",
    "",
    [],
    {},
    [[]],
    { "": null },
    true,
    { store_id: { $ne: 1 } },
    { lines: "all" },
    { lines: [null] },
    { lines: [{ quantity: "1" }] },
    { currency: "💸" },
    { store_id: "a".repeat(10_000) },
    { __proto__: { admin: true } },
    { constructor: { prototype: 1 } },
    { event: null },
    { event: "approve", reason: 42 },
    { name: "\u0000" },
    { price: "1".repeat(400) },
    { role: "root", store_ids: "*" },
    { store_ids: [1, 2] },
    { timezone: "Mars/Olympus" },
  ];

  // Every route x 5 ids x 26 bodies: the time grows with the API, so it gets its own timeout.
  it("fuzzes every route's body, params and query with junk", async () => {
    const o = await createOrder(store.id);
    const fills = ["ord_%00", "..%2F..%2Fetc", "'; DROP TABLE orders; --", o.id, "💥"];
    const statuses = new Set<number>();
    for (const route of API_ROUTES) {
      for (const fill of fills) {
        const path = route.path.replace("{id}", fill);
        for (const body of route.method === "GET" || route.method === "DELETE" ? [undefined] : junk) {
          const r = await api(`${path}?limit=${encodeURIComponent(String(fill))}&cursor=${encodeURIComponent(fill)}&created_from=${fill}`, {
            method: route.method,
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          statuses.add(r.status);
          expect(r.status, `${route.method} ${path} ${JSON.stringify(body)?.slice(0, 80)}`).toBeLessThan(500);
          if (r.status >= 400) expect(r.headers.get("content-type")).toBe("application/problem+json");
        }
      }
    }
    expect([...statuses].some((s) => s >= 400)).toBe(true);
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM orders WHERE id = ?").bind(o.id).first<{ n: number }>();
    expect(count!.n).toBe(1);
  }, 300_000);

  it("a huge but valid order goes through the chunked line inserts", async () => {
    const lines = Array.from({ length: 250 }, (_, i) => ({ sku: `SKU-${i}`, quantity: 1 + (i % 3), unit_price: "0.99" }));
    const r = await api("/v1/orders", { body: orderBody(store.id, { lines }) });
    expect(r.status).toBe(201);
    expect(r.body.lines).toHaveLength(250);
    const n = await env.DB.prepare("SELECT COUNT(*) AS n FROM order_lines WHERE order_id = ?").bind(r.body.id).first<{ n: number }>();
    expect(n!.n).toBe(250);
  });
});
