/**
 * Purchasing over HTTP: suppliers and their items, purchase orders, their
 * changes and transitions, and receiving goods against them. Thin: the work
 * is in ./suppliers.ts, ./purchase-orders.ts and ./receive-purchase-order.ts.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { assertStoreInScope } from "../http/auth";
import { idempotent } from "../http/idempotency";
import { cursorKey, encodeCursor, pageOf } from "../http/pagination";
import { ApiError, forbidden, notFound, validationFailed } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { type ChangeResult, createPurchaseOrder, getPurchaseOrder, listPurchaseOrders, transitionPurchaseOrder, updatePurchaseOrder } from "./purchase-orders";
import { receivePurchaseOrder } from "./receive-purchase-order";
import { getTransfer, linesOfTransfers, listTransfers, readTransfer, receiveTransfer, sendTransfer, transferBody } from "./transfers";
import { oneRowPerTransfer } from "./transfers-between";
import { byWarehouseAndSku, STOCK_COLUMNS, SUPPLIER_COLUMNS, stockReport, supplierReport } from "./reports";
import { csvResponse } from "../analytics/csv";
import { compareKeys } from "../analytics/report-query";
import { acrossShards, byShardOfIds, listedAcross } from "../db/fan-out";
import { purchaseOrderDocument } from "./send-purchase-order";
import { draftsFromSuggestions, replenishment } from "./replenishment";
import { DEFAULT_PARAMS } from "./replenishment-rules";
import {
  ListTransfersQuery,
  ReceiveTransfer,
  SendTransfer,
  StockTransfer,
  StockTransferList,
  TransferIdParam,
  StockReport,
  StockReportQuery,
  SupplierReport,
  SupplierReportQuery,
  DraftFromSuggestions,
  DraftsMade,
  ReplenishmentList,
  ReplenishmentQuery,
  CreatePurchaseOrder,
  CreateSupplier,
  ListPurchaseOrdersQuery,
  ListSuppliersQuery,
  PurchaseOrder,
  PurchaseOrderIdParam,
  PurchaseOrderList,
  PurchaseOrderTransition,
  PutSupplierItem,
  ReceivePurchaseOrder,
  Supplier,
  SupplierIdParam,
  SupplierItem,
  SupplierItemList,
  SupplierItemParams,
  SupplierList,
  UpdatePurchaseOrder,
  UpdateSupplier,
} from "./schemas";
import {
  createSupplier,
  deleteSupplierItem,
  listSupplierItems,
  listSuppliers,
  putSupplierItem,
  supplierBody,
  supplierItemBody,
  updateSupplier,
  visibleSupplier,
} from "./suppliers";

export const procurementRoutes = new OpenAPIHono<AppEnv>();

const TAG = ["Purchasing"];

/** A change's refusal as its problem: 404, 422 with the fields, or 409 with the reason. */
function orThrow(r: ChangeResult | { ok: true; receiptId: string }, what = "purchase order"): void {
  if (r.ok) return;
  if (r.code === "not_found") throw notFound(what);
  if (r.code === "invalid" && "errors" in r) throw validationFailed(r.errors);
  if ("message" in r) throw new ApiError(409, r.code, "Refused", r.message, r.extra ?? {});
}

// A replayed answer does not show the webhook secret again.
procurementRoutes.post("/v1/suppliers", idempotent({ redact: (b) => ({ ...b, webhook_secret: null }) }));
procurementRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/suppliers",
    permission: "procurement:manage",
    tags: TAG,
    summary: "Add a supplier to a store",
    request: { body: jsonBody(CreateSupplier) },
    responses: { 201: jsonResponse(Supplier, "The supplier"), ...problems(403, 413, 415, 422) },
  }),
  async (c) => {
    const body = c.req.valid("json");
    assertStoreInScope(c.get("principal"), body.store_id);
    const r = await createSupplier(c.env, body);
    if (!r.ok) throw validationFailed(r.errors);
    return c.json({ ...supplierBody(r.row), webhook_secret: r.row.webhookSecret }, 201, { location: `/v1/suppliers/${r.row.id}` });
  },
);

procurementRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/suppliers",
    permission: "procurement:read",
    tags: TAG,
    summary: "List suppliers",
    request: { query: ListSuppliersQuery },
    responses: { 200: jsonResponse(SupplierList, "A page of suppliers"), ...problems(400, 422) },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const after = cursorKey(q.cursor, (k) => k.startsWith("sup_"));
    const rows = await listSuppliers(c.env, c.get("principal"), {
      ...(q.store_id === undefined ? {} : { storeId: q.store_id }),
      ...(q.active === undefined ? {} : { active: q.active === "true" }),
      ...(after === undefined ? {} : { after }),
      limit: q.limit,
    });
    const page = pageOf(rows, q.limit, (s) => s.id);
    return c.json({ data: page.data.map(supplierBody), next_cursor: page.next_cursor }, 200);
  },
);

procurementRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/suppliers/{id}",
    permission: "procurement:read",
    tags: TAG,
    summary: "A supplier",
    request: { params: SupplierIdParam },
    responses: { 200: jsonResponse(Supplier, "The supplier"), ...problems(404) },
  }),
  async (c) => {
    const s = await visibleSupplier(c.env, c.get("principal"), c.req.valid("param").id);
    if (!s) throw notFound("supplier");
    return c.json(supplierBody(s), 200);
  },
);

procurementRoutes.openapi(
  apiRoute({
    method: "patch",
    path: "/v1/suppliers/{id}",
    permission: "procurement:manage",
    tags: TAG,
    summary: "Change a supplier, or deactivate it (`active: false`: no new purchase orders)",
    description:
      "Its currency cannot change: its items and orders are priced in it. A changed `webhook_url`, or `rotate_webhook_secret: true`, gets a new signing secret, in this answer only; the same address sent again keeps the secret.",
    request: { params: SupplierIdParam, body: jsonBody(UpdateSupplier) },
    responses: { 200: jsonResponse(Supplier, "The supplier"), ...problems(404, 413, 415, 422) },
  }),
  async (c) => {
    const s = await visibleSupplier(c.env, c.get("principal"), c.req.valid("param").id);
    if (!s) throw notFound("supplier");
    const body = c.req.valid("json");
    if (body.rotate_webhook_secret && (body.webhook_url === undefined ? s.webhookUrl : body.webhook_url) === null)
      throw validationFailed([{ field: "rotate_webhook_secret", message: "the supplier has no webhook_url to sign for" }]);
    const row = await updateSupplier(c.env, s, body);
    // A new secret (new address or rotation) is shown in this answer only.
    return c.json({ ...supplierBody(row), ...(row.webhookSecret !== s.webhookSecret && row.webhookSecret !== null ? { webhook_secret: row.webhookSecret } : {}) }, 200);
  },
);

procurementRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/suppliers/{id}/items",
    permission: "procurement:read",
    tags: TAG,
    summary: "What a supplier supplies, at what price and on what terms",
    request: { params: SupplierIdParam },
    responses: { 200: jsonResponse(SupplierItemList, "Its items by SKU"), ...problems(404) },
  }),
  async (c) => {
    const s = await visibleSupplier(c.env, c.get("principal"), c.req.valid("param").id);
    if (!s) throw notFound("supplier");
    return c.json({ data: (await listSupplierItems(c.env, s.id)).map((i) => supplierItemBody(i, s.currency)) }, 200);
  },
);

procurementRoutes.openapi(
  apiRoute({
    method: "put",
    path: "/v1/suppliers/{id}/items/{sku}",
    permission: "procurement:manage",
    tags: TAG,
    summary: "Set what a supplier charges for a SKU, its minimum order, pack size and lead time",
    description: "The SKU must be a product of the supplier's store. Orders already made keep their prices.",
    request: { params: SupplierItemParams, body: jsonBody(PutSupplierItem) },
    responses: { 200: jsonResponse(SupplierItem, "The item, changed"), 201: jsonResponse(SupplierItem, "The item, new"), ...problems(404, 413, 415, 422) },
  }),
  async (c) => {
    const { id, sku } = c.req.valid("param");
    const s = await visibleSupplier(c.env, c.get("principal"), id);
    if (!s) throw notFound("supplier");
    const r = await putSupplierItem(c.env, s, sku, c.req.valid("json"));
    if (!r.ok) throw validationFailed(r.errors);
    return c.json(supplierItemBody(r.row, s.currency), r.created ? 201 : 200);
  },
);

procurementRoutes.openapi(
  apiRoute({
    method: "delete",
    path: "/v1/suppliers/{id}/items/{sku}",
    permission: "procurement:manage",
    tags: TAG,
    summary: "Take a SKU off a supplier's list",
    request: { params: SupplierItemParams },
    responses: { 204: { description: "Removed" }, ...problems(404) },
  }),
  async (c) => {
    const { id, sku } = c.req.valid("param");
    const s = await visibleSupplier(c.env, c.get("principal"), id);
    if (!s || !(await deleteSupplierItem(c.env, s.id, sku))) throw notFound("supplier item");
    return c.body(null, 204);
  },
);

procurementRoutes.post("/v1/purchase-orders", idempotent());
procurementRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/purchase-orders",
    permission: "procurement:manage",
    tags: TAG,
    summary: "Make a draft purchase order to a supplier, for goods to one of our warehouses",
    description:
      "Each line's price is the supplier item's unless `unit_cost` is given (in the supplier's currency); quantities must meet the item's minimum order and be whole packs. The warehouse must ship for the supplier's store and be our own (a 3PL receives its own goods).",
    request: { body: jsonBody(CreatePurchaseOrder) },
    responses: { 201: jsonResponse(PurchaseOrder, "The draft"), ...problems(413, 415, 422) },
  }),
  async (c) => {
    const p = c.get("principal");
    const r = await createPurchaseOrder(c.env, p, c.req.valid("json"), p.id);
    if (!r.ok) throw validationFailed(r.errors);
    return c.json((await getPurchaseOrder(c.env, p, r.id))!, 201, { location: `/v1/purchase-orders/${r.id}` });
  },
);

procurementRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/purchase-orders",
    permission: "procurement:read",
    tags: TAG,
    summary: "List purchase orders, newest first",
    request: { query: ListPurchaseOrdersQuery },
    responses: { 200: jsonResponse(PurchaseOrderList, "A page of purchase orders"), ...problems(400, 422) },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const before = cursorKey(q.cursor, (k) => k.startsWith("po_"));
    const rows = await listPurchaseOrders(c.env, c.get("principal"), {
      ...(q.store_id === undefined ? {} : { storeId: q.store_id }),
      ...(q.supplier_id === undefined ? {} : { supplierId: q.supplier_id }),
      ...(q.warehouse_id === undefined ? {} : { warehouseId: q.warehouse_id }),
      ...(q.status === undefined ? {} : { statuses: q.status }),
      ...(before === undefined ? {} : { before }),
      limit: q.limit,
    });
    return c.json(
      pageOf(rows, q.limit, (r) => r.id),
      200,
    );
  },
);

procurementRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/purchase-orders/{id}",
    permission: "procurement:read",
    tags: TAG,
    summary: "A purchase order with its lines, history and receipts",
    request: { params: PurchaseOrderIdParam },
    responses: { 200: jsonResponse(PurchaseOrder, "The purchase order"), ...problems(404) },
  }),
  async (c) => {
    const po = await getPurchaseOrder(c.env, c.get("principal"), c.req.valid("param").id);
    if (!po) throw notFound("purchase order");
    return c.json(po, 200);
  },
);

procurementRoutes.openapi(
  apiRoute({
    method: "patch",
    path: "/v1/purchase-orders/{id}",
    permission: "procurement:manage",
    tags: TAG,
    summary: "Change a purchase order: a draft's lines, or a submitted order's quantities, due date and note",
    description:
      "Every change is recorded in the order's history (`events`, type `changed`) with what it was before. A received, closed or cancelled order does not change (409 `not_editable`). `expected_version` refuses (409 `version_mismatch`) if the order moved on since it was read.",
    request: { params: PurchaseOrderIdParam, body: jsonBody(UpdatePurchaseOrder) },
    responses: { 200: jsonResponse(PurchaseOrder, "The purchase order"), ...problems(404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const p = c.get("principal");
    const { id } = c.req.valid("param");
    orThrow(await updatePurchaseOrder(c.env, p, id, c.req.valid("json"), p.id));
    return c.json((await getPurchaseOrder(c.env, p, id))!, 200);
  },
);

procurementRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/purchase-orders/{id}/transitions",
    permission: "procurement:manage",
    tags: TAG,
    summary: "Submit, cancel or close a purchase order",
    description:
      "`submit` a draft (its due date is set from the lead times when it has none); `cancel` a draft or a submitted order nothing was received against, with a `reason`; `close` an order once goods arrived: with a `reason` when some never will. A move the order's state does not allow is a 409 `illegal_transition` listing the allowed ones.",
    request: { params: PurchaseOrderIdParam, body: jsonBody(PurchaseOrderTransition) },
    responses: { 200: jsonResponse(PurchaseOrder, "The purchase order"), ...problems(404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const p = c.get("principal");
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    orThrow(await transitionPurchaseOrder(c.env, p, id, { event: body.event, reason: body.reason ?? null, expectedVersion: body.expected_version }, p.id));
    return c.json((await getPurchaseOrder(c.env, p, id))!, 200);
  },
);

procurementRoutes.post("/v1/purchase-orders/:id/receipts", idempotent());
procurementRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/purchase-orders/{id}/receipts",
    permission: "procurement:receive",
    tags: TAG,
    summary: "Receive goods against a purchase order into storage bins",
    description:
      "Each line is a `receive` movement into its bin. The unit cost, converted at `fx_rate` (the warehouse's currency per unit of the order's, required when they differ) and with its share of `landed_costs` (spread by value or weight), is folded into the SKU's moving average cost. Receiving more than the supplier's tolerance over what was ordered is a 409 `over_receipt` unless a `reason` is given. Backorders waiting for these SKUs are allocated at once. Send an `Idempotency-Key` so a receipt retried after a lost answer is not booked twice.",
    request: { params: PurchaseOrderIdParam, body: jsonBody(ReceivePurchaseOrder) },
    responses: { 201: jsonResponse(PurchaseOrder, "The purchase order with the new receipt"), ...problems(404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const p = c.get("principal");
    const { id } = c.req.valid("param");
    const r = await receivePurchaseOrder(c.env, p, id, c.req.valid("json"), p.id);
    orThrow(r);
    return c.json((await getPurchaseOrder(c.env, p, id))!, 201);
  },
);

procurementRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/replenishment",
    permission: "procurement:read",
    tags: TAG,
    summary: "What to order (or move between warehouses) for a store's SKUs in a warehouse, and why",
    description:
      "Per SKU: units sold per day over `window_days` (from the daily rollups), the supplier's lead time (the preferred supplier item's, else the shortest), safety stock, reorder point, available, on order, backordered, and a suggestion (`order`, `transfer` from a warehouse with more than it needs, `no_supplier`, or `none`) explained in words and numbers. See docs/procurement.md.",
    request: { query: ReplenishmentQuery },
    responses: { 200: jsonResponse(ReplenishmentList, "The suggestions, by SKU"), ...problems(403, 422) },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const p = c.get("principal");
    assertStoreInScope(p, q.store_id);
    const params = { windowDays: q.window_days, safetyDays: q.safety_days, coverDays: q.cover_days };
    const r = await replenishment(c.env, p, { storeId: q.store_id, warehouseId: q.warehouse_id, params });
    if (!r.ok) throw validationFailed([{ field: r.field, message: r.message }]);
    const data = r.suggestions
      .filter((s) => q.include_none === "true" || s.action !== "none")
      .map((s) => ({
        sku: s.sku,
        name: s.name,
        action: s.action,
        quantity: s.quantity,
        velocity: s.velocity,
        safety_stock: s.safetyStock,
        reorder_point: s.reorderPoint,
        on_hand: s.onHand,
        reserved: s.reserved,
        available: s.available,
        on_order: s.onOrder,
        in_transit: s.inTransit,
        backordered: s.backordered,
        position: s.position,
        target: s.target,
        lead_time_days: s.leadTimeDays,
        supplier_id: s.supplier?.supplierId ?? null,
        supplier_name: s.supplier?.supplierName ?? null,
        transfer_from: s.transferFrom,
        explanation: s.explanation,
      }));
    return c.json({ data, params: { window_days: q.window_days, safety_days: q.safety_days, cover_days: q.cover_days } }, 200);
  },
);

procurementRoutes.post("/v1/replenishment/purchase-orders", idempotent());
procurementRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/replenishment/purchase-orders",
    permission: "procurement:manage",
    tags: TAG,
    summary: "Turn the suggestions to order into draft purchase orders, one per supplier",
    description:
      "At the suppliers' prices, in their minimums and packs. Suggestions to transfer, SKUs no supplier lists, and the lines of a supplier that refused a draft (deactivated meanwhile) are returned as `skipped` with why; the other drafts stand. The drafts are submitted like any other.",
    request: { body: jsonBody(DraftFromSuggestions) },
    responses: { 201: jsonResponse(DraftsMade, "The drafts made (none when nothing needs ordering)"), ...problems(403, 413, 415, 422) },
  }),
  async (c) => {
    const b = c.req.valid("json");
    const p = c.get("principal");
    assertStoreInScope(p, b.store_id);
    const params = {
      windowDays: b.window_days ?? DEFAULT_PARAMS.windowDays,
      safetyDays: b.safety_days ?? DEFAULT_PARAMS.safetyDays,
      coverDays: b.cover_days ?? DEFAULT_PARAMS.coverDays,
    };
    const r = await draftsFromSuggestions(c.env, p, { storeId: b.store_id, warehouseId: b.warehouse_id, params, skus: b.skus }, p.id);
    if (!r.ok) throw validationFailed("errors" in r ? r.errors : [{ field: r.field, message: r.message }]);
    return c.json({ data: r.created.map((x) => ({ id: x.id, supplier_id: x.supplierId, skus: x.skus })), skipped: r.skipped }, 201);
  },
);

procurementRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/purchase-orders/{id}/pdf",
    permission: "procurement:read",
    tags: TAG,
    summary: "The purchase order as the supplier receives it, as a PDF",
    request: { params: PurchaseOrderIdParam },
    responses: { 200: { description: "An A4 PDF", content: { "application/pdf": { schema: { type: "string", format: "binary" } } } }, ...problems(404) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    // Visibility first (the key's stores and warehouses), then the document.
    if (!(await getPurchaseOrder(c.env, c.get("principal"), id))) throw notFound("purchase order");
    const found = await purchaseOrderDocument(c.env, id);
    if (!found) throw notFound("purchase order");
    return c.body((await (await import("./purchase-order-pdf")).purchaseOrderPdf(found.doc)) as Uint8Array<ArrayBuffer>, 200, {
      "content-type": "application/pdf",
      "content-disposition": `inline; filename="${id}.pdf"`,
    });
  },
);

/** One page of rows as CSV (these reports are read whole). */
async function* onePage(rows: readonly Record<string, unknown>[], columns: readonly string[]) {
  yield rows.map((r) => columns.map((c) => r[c]));
}

procurementRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/reports/suppliers",
    permission: "reports:read",
    tags: ["Reports"],
    summary: "Suppliers: on-time rate, fill rate, open orders and their value",
    description:
      "Per supplier of the key's stores, over the orders submitted from `from` to `to` (UTC days, inclusive): how many were received or closed, how many had every unit in by their due time (`on_time_rate`), and units received of units ordered over those (`fill_rate`, lowered by orders closed short); and, whenever submitted, the orders open now and the value still to come on them. Live. `format=csv` for a spreadsheet.",
    request: { query: SupplierReportQuery },
    responses: {
      200: { description: "One row per supplier", content: { "application/json": { schema: SupplierReport }, "text/csv": { schema: { type: "string" } } } },
      ...problems(400),
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const from = Date.parse(`${q.from}T00:00:00Z`);
    const to = Date.parse(`${q.to}T00:00:00Z`) + 86_400_000;
    const p = c.get("principal");
    // One store: on its database. Else every database holding the key's stores, in the report's order (name, then id).
    const rows = q.store_id
      ? await supplierReport(c.env, p, { storeId: q.store_id, from, to })
      : (
          await acrossShards(
            c.env,
            p.stores,
            (onIt) => supplierReport(onIt, p, { from, to }),
            (r) => r.supplier_id,
          )
        ).sort((a, b) => compareKeys([a.supplier_name, a.supplier_id], [b.supplier_name, b.supplier_id]));
    if (q.format === "csv") return (await csvResponse(`suppliers-${q.from}-${q.to}.csv`, SUPPLIER_COLUMNS, onePage(rows, SUPPLIER_COLUMNS))) as never;
    return c.json({ data: rows }, 200);
  },
);

procurementRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/reports/stock",
    permission: "reports:read",
    tags: ["Reports"],
    summary: "Stock: valuation at moving-average cost, days of cover and ageing, per warehouse and SKU",
    description:
      "For the warehouses the key sees: on hand, reserved, available, the moving-average unit cost and the value of what is on hand at it, units sold per day over 28 days (the daily rollups) and the days of cover they leave, and the age of what is on hand in days (first in, first out: the newest receipts are taken as what is still there). Live. `format=csv` for a spreadsheet.",
    request: { query: StockReportQuery },
    responses: {
      200: { description: "One row per warehouse and SKU with stock", content: { "application/json": { schema: StockReport }, "text/csv": { schema: { type: "string" } } } },
      ...problems(400),
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const p = c.get("principal");
    // One warehouse: on its database (src/http/route-shard.ts). Else every database holding the key's stores, together.
    const rows = q.warehouse_id
      ? await stockReport(c.env, p, { warehouseId: q.warehouse_id })
      : (
          await acrossShards(
            c.env,
            p.stores,
            (onIt) => stockReport(onIt, p, {}),
            (r) => r.warehouse_id,
          )
        ).sort(byWarehouseAndSku);
    if (q.format === "csv") return (await csvResponse(`stock-${new Date().toISOString().slice(0, 10)}.csv`, STOCK_COLUMNS, onePage(rows, STOCK_COLUMNS))) as never;
    return c.json({ data: rows }, 200);
  },
);

/** A transfer's refusal as its problem, as for purchase orders. */
function transferOrThrow(r: { ok: true } | { ok: false; code: string; message?: string; errors?: { field: string; message: string }[]; extra?: Record<string, unknown> }): void {
  if (r.ok) return;
  if (r.code === "not_found") throw notFound("transfer");
  if (r.code === "forbidden") throw forbidden(r.message ?? "forbidden");
  if (r.code === "invalid" && r.errors) throw validationFailed(r.errors);
  throw new ApiError(409, r.code, "Refused", r.message ?? r.code, r.extra ?? {});
}

procurementRoutes.post("/v1/transfers", idempotent());
procurementRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/transfers",
    permission: "inventory:write",
    tags: ["Inventory"],
    summary: "Send stock to another of our warehouses: in transit until it is received there",
    description:
      "For keys that work at the source; the destination is any own warehouse of the key's stores. The units leave the source's bins now (`transfer_out`; 409 `insufficient_stock` when a bin has fewer available, nothing moved), with the source's moving-average cost. Until received they count as on order for the destination's replenishment.",
    request: { body: jsonBody(SendTransfer) },
    responses: { 201: jsonResponse(StockTransfer, "The transfer, in transit"), ...problems(409, 413, 415, 422) },
  }),
  async (c) => {
    const p = c.get("principal");
    const r = await sendTransfer(c.env, p, c.req.valid("json"), p.id);
    transferOrThrow(r);
    const t = (await getTransfer(c.env, p, (r as { id: string }).id))!;
    return c.json(transferBody(t.transfer, t.lines), 201, { location: `/v1/transfers/${t.transfer.id}` });
  },
);

procurementRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/transfers",
    permission: "inventory:read",
    tags: ["Inventory"],
    summary: "List transfers from or to the key's warehouses, newest first",
    request: { query: ListTransfersQuery },
    responses: { 200: jsonResponse(StockTransferList, "A page of transfers"), ...problems(400, 422) },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const p = c.get("principal");
    const before = cursorKey(q.cursor, (k) => k.startsWith("stt_"));
    // Narrowed to a warehouse, on its database (src/http/route-shard.ts); else on each holding the key's stores.
    let full = false;
    const rows = await listedAcross(
      c.env,
      p,
      q.warehouse_id,
      async (onIt) => {
        const some = await listTransfers(onIt, p, {
          ...(q.warehouse_id === undefined ? {} : { warehouseId: q.warehouse_id }),
          ...(q.status === undefined ? {} : { statuses: q.status }),
          ...(before === undefined ? {} : { before }),
          limit: q.limit,
        });
        if (some.length > q.limit) full = true;
        return some;
      },
      (t) => t.id,
    );
    // A transfer between two databases read on both is listed once; a database with more rows still means a next page.
    const once = oneRowPerTransfer(rows);
    const page = pageOf(once, q.limit, (t) => t.id);
    if (full && !page.next_cursor && page.data.length) page.next_cursor = encodeCursor(page.data.at(-1)!.id);
    // The page is already scoped (listTransfers' WHERE): only its lines remain to read, each on its transfer's shard.
    const lines = new Map(
      await byShardOfIds(
        c.env,
        page.data.map((t) => t.id),
        async (onIt, ids) => [...(await linesOfTransfers(onIt, ids))],
      ),
    );
    return c.json({ data: page.data.map((t) => transferBody(t, lines.get(t.id) ?? [])), next_cursor: page.next_cursor }, 200);
  },
);

procurementRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/transfers/{id}",
    permission: "inventory:read",
    tags: ["Inventory"],
    summary: "A transfer with its lines",
    request: { params: TransferIdParam },
    responses: { 200: jsonResponse(StockTransfer, "The transfer"), ...problems(404) },
  }),
  async (c) => {
    const t = await readTransfer(c.env, c.get("principal"), c.req.valid("param").id);
    if (!t) throw notFound("transfer");
    return c.json(transferBody(t.transfer, t.lines), 200);
  },
);

procurementRoutes.post("/v1/transfers/:id/receipts", idempotent());
procurementRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/transfers/{id}/receipts",
    permission: "inventory:write",
    tags: ["Inventory"],
    summary: "Receive a transfer's units into the destination's bins",
    description:
      "For keys that work at the destination (a key of the source only reads the transfer: 403). Each line's units go into a storage bin of the destination (`transfer_in`) and its cost into the destination's moving average (when both keep costs in the same currency); backorders waiting for them are allocated at once. Never more than was sent (409 `over_receipt`, also for two receipts of the same units at once).",
    request: { params: TransferIdParam, body: jsonBody(ReceiveTransfer) },
    responses: { 201: jsonResponse(StockTransfer, "The transfer"), ...problems(403, 404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const p = c.get("principal");
    const { id } = c.req.valid("param");
    // Received where the goods arrive: between two databases, against the destination's row.
    const at = await readTransfer(c.env, p, id);
    if (!at) throw notFound("transfer");
    if (!at.arrived) {
      throw new ApiError(409, "not_arrived", "Not arrived yet", "The transfer is still being recorded at its destination: try again in a few seconds", {}, { "retry-after": "5" });
    }
    transferOrThrow(await receiveTransfer(at.env, p, id, c.req.valid("json"), p.id));
    const t = (await getTransfer(at.env, p, id))!;
    return c.json(transferBody(t.transfer, t.lines), 201);
  },
);
