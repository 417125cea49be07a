/** Stock: levels, the ledger, costs, and the operations that move stock (receive, adjust, transfer, count). */
import { actorNames, namedActor } from "../activity/actor-names";
import { OpenAPIHono } from "@hono/zod-openapi";
import { and, asc, desc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import { database, readDatabase, directoryD1 } from "../db/client";
import { acrossShards } from "../db/fan-out";
import { bins, stockCosts, stockLevels, stockMovements, warehouses, zones } from "../db/schema";
import type { AppEnv } from "../env";
import { idempotent } from "../http/idempotency";
import { ApiError, validationFailed } from "../http/problem";
import { apiRoute, decodeCursor, encodeCursor, jsonBody, jsonResponse, problems } from "../http/route";
import { fromMinor } from "../lib/money";
import { iso } from "../orders/serialize";
import { adjustStock, transferStock, type StockChangeResult } from "./adjust-stock";
import { checkLedger } from "./check-ledger";
import { countStock } from "./count-stock";
import { receiveStock } from "./receive-stock";
import {
  Adjustment,
  CostList,
  CostsQuery,
  CreateAdjustment,
  CreateCount,
  CreateReceipt,
  CreateTransfer,
  MovementList,
  MovementsQuery,
  Receipt,
  StockCheck,
  StockCount,
  StockLevelList,
  StockQuery,
  StockSummary,
  StockSummaryQuery,
  Transfer,
  WarehouseIdParam,
} from "./schemas";
import { foreignRefs, visibleWarehouse, warehouseOr404, warehouseScope, warehouseStoreScope } from "./scope";
import { levelBody } from "./stock";

export const stockRoutes = new OpenAPIHono<AppEnv>();

/** Turns an operation's expected failure into its problem. */
function unwrap<T>(r: StockChangeResult<T>): T {
  if (r.ok) return r.value;
  if (r.code === "invalid") throw validationFailed(r.errors);
  throw new ApiError(409, "insufficient_stock", "Not enough stock", r.message);
}

const badCursor = () => validationFailed([{ field: "cursor", message: "is not a cursor from this list" }], 400);

stockRoutes.post("/v1/warehouses/:id/receipts", idempotent());
stockRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/warehouses/{id}/receipts",
    permission: "inventory:write",
    tags: ["Inventory"],
    summary: "Receive goods and put them away to bins",
    description: "Each line is a `receive` movement; the SKU's moving average cost in this warehouse takes in the unit cost.",
    request: { params: WarehouseIdParam, body: jsonBody(CreateReceipt) },
    responses: { 201: jsonResponse(Receipt, "What is now on hand, and the new average costs"), ...problems(404, 413, 415, 422) },
  }),
  async (c) => {
    const wh = await warehouseOr404(c.env, c.get("principal"), c.req.valid("param").id);
    const body = c.req.valid("json");
    const r = await receiveStock(c.env, wh, { input: body, actor: c.get("principal").id });
    if (!r.ok) throw validationFailed(r.errors);
    return c.json(
      {
        id: r.id,
        warehouse_id: wh.id,
        reference: body.reference ?? null,
        levels: r.levels.map((l) => ({ warehouse_id: wh.id, bin_id: l.binId, bin: l.bin, sku: l.sku, on_hand: l.onHand, reserved: l.reserved, available: l.onHand - l.reserved })),
        costs: r.costs.map((x) => ({ sku: x.sku, avg_unit_cost: fromMinor(x.avgUnitCost, x.currency), currency: x.currency })),
      },
      201,
    );
  },
);

stockRoutes.post("/v1/warehouses/:id/adjustments", idempotent());
stockRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/warehouses/{id}/adjustments",
    permission: "inventory:write",
    tags: ["Inventory"],
    summary: "Adjust on-hand stock in a bin (with a reason)",
    description: "Never below zero or below what is reserved for orders (409 `insufficient_stock`).",
    request: { params: WarehouseIdParam, body: jsonBody(CreateAdjustment) },
    responses: { 201: jsonResponse(Adjustment, "The new level"), ...problems(404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const wh = await warehouseOr404(c.env, c.get("principal"), c.req.valid("param").id);
    const v = unwrap(await adjustStock(c.env, wh, { input: c.req.valid("json"), actor: c.get("principal").id }));
    return c.json({ id: v.id, level: levelBody(v.level, v.bin.code) }, 201);
  },
);

stockRoutes.post("/v1/warehouses/:id/transfers", idempotent());
stockRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/warehouses/{id}/transfers",
    permission: "inventory:write",
    tags: ["Inventory"],
    summary: "Transfer stock to another bin or warehouse",
    description: "A `transfer_out` and a `transfer_in` movement in one change. Both warehouses must be visible to the key.",
    request: { params: WarehouseIdParam, body: jsonBody(CreateTransfer) },
    responses: { 201: jsonResponse(Transfer, "Both levels after the transfer"), ...problems(404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const p = c.get("principal");
    const from = await warehouseOr404(c.env, p, c.req.valid("param").id);
    const body = c.req.valid("json");
    const to = body.to_warehouse_id === from.id ? from : await visibleWarehouse(c.env, p, body.to_warehouse_id);
    if (!to) throw validationFailed([{ field: "to_warehouse_id", message: "no such warehouse" }]);
    const v = unwrap(await transferStock(c.env, from, { to, input: body, actor: p.id }));
    return c.json({ id: v.id, sku: body.sku, quantity: body.quantity, from: levelBody(v.from, v.fromBin.code), to: levelBody(v.to, v.toBin.code) }, 201);
  },
);

stockRoutes.post("/v1/warehouses/:id/counts", idempotent());
stockRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/warehouses/{id}/counts",
    permission: "inventory:write",
    tags: ["Inventory"],
    summary: "Record a stocktake count",
    description: "Counted quantities replace on-hand; each variance is a `count` movement. A count below what is reserved is a 409.",
    request: { params: WarehouseIdParam, body: jsonBody(CreateCount) },
    responses: { 201: jsonResponse(StockCount, "Expected, counted and variance per line"), ...problems(404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const wh = await warehouseOr404(c.env, c.get("principal"), c.req.valid("param").id);
    const body = c.req.valid("json");
    const v = unwrap(await countStock(c.env, wh, { input: body, actor: c.get("principal").id }));
    return c.json({ id: v.id, warehouse_id: wh.id, reason: body.reason ?? null, lines: v.lines, created_at: iso(v.createdAt) }, 201);
  },
);

stockRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/warehouses/{id}/stock",
    permission: "inventory:read",
    tags: ["Inventory"],
    summary: "Stock per bin and SKU: on hand, reserved, available",
    request: { params: WarehouseIdParam, query: StockQuery },
    responses: { 200: jsonResponse(StockLevelList, "A page of stock rows"), ...problems(404) },
  }),
  async (c) => {
    const wh = await warehouseOr404(c.env, c.get("principal"), c.req.valid("param").id);
    const q = c.req.valid("query");
    const after = q.cursor === undefined ? undefined : Number(decodeCursor(q.cursor));
    if (after !== undefined && (!Number.isSafeInteger(after) || after <= 0)) throw badCursor();
    // Pages by rowid: stable and cheap, and SKUs may hold characters a cursor should not carry.
    const rowid = sql<number>`${stockLevels}.rowid`.mapWith(Number);
    // For display, so it may be a little stale (a read replica; src/db/client.ts): reserving stock never reads this,
    // it is a conditional update on the primary.
    const rows = await readDatabase(c.env)
      .select({ level: stockLevels, binCode: bins.code, rowid })
      .from(stockLevels)
      .innerJoin(bins, eq(bins.id, stockLevels.binId))
      .where(
        and(
          eq(stockLevels.warehouseId, wh.id),
          q.sku ? eq(stockLevels.sku, q.sku) : undefined,
          q.bin ? eq(bins.code, q.bin) : undefined,
          q.zone
            ? inArray(
                bins.zoneId,
                readDatabase(c.env)
                  .select({ id: zones.id })
                  .from(zones)
                  .where(and(eq(zones.warehouseId, wh.id), eq(zones.code, q.zone))),
              )
            : undefined,
          after !== undefined ? gt(rowid, after) : undefined,
        ),
      )
      .orderBy(asc(rowid))
      .limit(q.limit + 1)
      .all();
    const page = rows.slice(0, q.limit);
    return c.json(
      {
        data: page.map((r) => ({ ...levelBody(r.level, r.binCode), updated_at: iso(r.level.updatedAt) })),
        next_cursor: rows.length > q.limit ? encodeCursor(String(page.at(-1)!.rowid)) : null,
      },
      200,
    );
  },
);

stockRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/stock",
    permission: "inventory:read",
    tags: ["Inventory"],
    summary: "One SKU's stock across the warehouses this key may see",
    request: { query: StockSummaryQuery },
    responses: { 200: jsonResponse(StockSummary, "Per warehouse and in total"), ...problems() },
  }),
  async (c) => {
    const { sku } = c.req.valid("query");
    const p = c.get("principal");
    // What a storefront shows as available: may be a little stale (a read replica); reserving is decided on the primary.
    // Each warehouse's stock is on its pool's shard: every shard holding one of the key's stores is asked.
    const ofMyStores = warehouseStoreScope(p);
    const rows = await acrossShards(
      c.env,
      p.stores,
      (onIt) => {
        const db = readDatabase(onIt);
        return db
          .select({
            warehouseId: stockLevels.warehouseId,
            onHand: sql<number>`SUM(${stockLevels.onHand})`.mapWith(Number),
            reserved: sql<number>`SUM(${stockLevels.reserved})`.mapWith(Number),
          })
          .from(stockLevels)
          .where(
            and(
              eq(stockLevels.sku, sku),
              warehouseScope(p, stockLevels.warehouseId),
              // Warehouses of other stores only are not this key's to see.
              ofMyStores ? inArray(stockLevels.warehouseId, db.select({ id: warehouses.id }).from(warehouses).where(ofMyStores)) : undefined,
            ),
          )
          .groupBy(stockLevels.warehouseId)
          .orderBy(asc(stockLevels.warehouseId))
          .all();
      },
      (r) => r.warehouseId,
      "asc",
    );
    const list = rows.map((r) => ({ warehouse_id: r.warehouseId, on_hand: r.onHand, reserved: r.reserved, available: r.onHand - r.reserved }));
    const sum = (k: "on_hand" | "reserved" | "available") => list.reduce((s, r) => s + r[k], 0);
    return c.json({ sku, warehouses: list, on_hand: sum("on_hand"), reserved: sum("reserved"), available: sum("available") }, 200);
  },
);

stockRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/warehouses/{id}/movements",
    permission: "inventory:read",
    tags: ["Inventory"],
    summary: "The stock ledger, newest first",
    request: { params: WarehouseIdParam, query: MovementsQuery },
    responses: { 200: jsonResponse(MovementList, "A page of movements"), ...problems(404) },
  }),
  async (c) => {
    const wh = await warehouseOr404(c.env, c.get("principal"), c.req.valid("param").id);
    const q = c.req.valid("query");
    const after = q.cursor === undefined ? undefined : Number(decodeCursor(q.cursor));
    if (after !== undefined && (!Number.isSafeInteger(after) || after <= 0)) throw badCursor();
    const rows = await database(c.env)
      .select()
      .from(stockMovements)
      .where(
        and(
          eq(stockMovements.warehouseId, wh.id),
          q.sku ? eq(stockMovements.sku, q.sku) : undefined,
          q.kind ? inArray(stockMovements.kind, q.kind) : undefined,
          q.ref_id ? eq(stockMovements.refId, q.ref_id) : undefined,
          after !== undefined ? lt(stockMovements.id, after) : undefined,
        ),
      )
      .orderBy(desc(stockMovements.id))
      .limit(q.limit + 1)
      .all();
    const page = rows.slice(0, q.limit);
    const p = c.get("principal");
    if (
      q.ref_id &&
      (
        await foreignRefs(c.env, p, [
          { refType: "order", refId: q.ref_id },
          { refType: "shipment", refId: q.ref_id },
        ])
      ).size
    ) {
      return c.json({ data: [], next_cursor: null }, 200);
    }
    const [hidden, names] = await Promise.all([
      foreignRefs(c.env, p, page),
      actorNames(
        directoryD1(c.env),
        page.map((m) => m.actor),
      ),
    ]);
    return c.json(
      {
        data: page.map((m) => ({
          id: m.id,
          warehouse_id: m.warehouseId,
          bin_id: m.binId,
          sku: m.sku,
          kind: m.kind,
          on_hand_delta: m.onHandDelta,
          reserved_delta: m.reservedDelta,
          unit_cost: m.unitCost === null ? null : fromMinor(m.unitCost, wh.currency),
          actor: m.actor,
          ...namedActor(names, m.actor),
          // Another store's order or shipment: the quantities stay, what caused them does not leak.
          reason: m.refId !== null && hidden.has(m.refId) ? null : m.reason,
          ref_type: m.refType,
          ref_id: m.refId !== null && hidden.has(m.refId) ? null : m.refId,
          created_at: iso(m.createdAt),
        })),
        next_cursor: rows.length > q.limit ? encodeCursor(String(page.at(-1)!.id)) : null,
      },
      200,
    );
  },
);

stockRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/warehouses/{id}/costs",
    permission: "inventory:read",
    tags: ["Inventory"],
    summary: "Moving average unit cost per SKU in this warehouse",
    request: { params: WarehouseIdParam, query: CostsQuery },
    responses: { 200: jsonResponse(CostList, "Up to 200 SKUs after `after`"), ...problems(404) },
  }),
  async (c) => {
    const wh = await warehouseOr404(c.env, c.get("principal"), c.req.valid("param").id);
    const q = c.req.valid("query");
    const rows = await database(c.env)
      .select()
      .from(stockCosts)
      .where(and(eq(stockCosts.warehouseId, wh.id), q.sku ? eq(stockCosts.sku, q.sku) : undefined, q.after ? gt(stockCosts.sku, q.after) : undefined))
      .orderBy(asc(stockCosts.sku))
      .limit(200)
      .all();
    return c.json(
      {
        data: rows.map((r) => ({
          warehouse_id: r.warehouseId,
          sku: r.sku,
          avg_unit_cost: fromMinor(r.avgUnitCost, r.currency),
          currency: r.currency,
          updated_at: iso(r.updatedAt),
        })),
      },
      200,
    );
  },
);

stockRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/warehouses/{id}/stock-check",
    permission: "inventory:read",
    tags: ["Inventory"],
    summary: "Recompute levels from the ledger and compare",
    description: "`ok` is true when every stock row equals the sum of its movements.",
    request: { params: WarehouseIdParam },
    responses: { 200: jsonResponse(StockCheck, "The comparison"), ...problems(404) },
  }),
  async (c) => {
    const wh = await warehouseOr404(c.env, c.get("principal"), c.req.valid("param").id);
    const r = await checkLedger(c.env, wh.id);
    return c.json({ warehouse_id: wh.id, ok: r.mismatches.length === 0, checked: r.checked, mismatches: r.mismatches }, 200);
  },
);
