/**
 * Warehouse floor work: waves and pick lists, pick confirmation, pack scans,
 * packing, interceptions, and the work log.
 *
 * A warehouse may serve several stores, and one wave may hold shipments of
 * several of them. A store-scoped key sees a wave only when it holds one of
 * its stores' shipments, and then only those shipments and their lines; it
 * releases only its stores' shipments into waves and reads only their
 * entries of the work log. Whatever it may not see is reported like
 * something that does not exist, so no other store's ids leak.
 */
import { actorNames, nameIn } from "../activity/actor-names";
import { OpenAPIHono } from "@hono/zod-openapi";
import { and, desc, eq, inArray, isNotNull, isNull, lt, sql } from "drizzle-orm";
import { database, directoryD1 } from "../db/client";
import { byShardOfIds, listedAcross, shardsHolding } from "../db/fan-out";
import { byShard } from "../db/shard";
import { mergeNewest, PLACES, placesKey, placesOf } from "../db/shard-places";
import { shipmentItems, shipments, warehouseEvents, waves } from "../db/schema";
import type { AppEnv } from "../env";
import { seesWarehouse, storeScope, type Principal } from "../http/auth";
import { idempotent } from "../http/idempotency";
import { ApiError, notFound, validationFailed } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, listOf, problems } from "../http/route";
import { cursorKey, encodeCursor, pageOf } from "../http/pagination";
import { visibleWarehouse, warehouseScope, type WarehouseRow } from "../inventory/scope";
import { servesAnyOf } from "../inventory/warehouse-stores";
import { iso } from "../orders/serialize";
import { confirmPick } from "./confirm-pick";
import { createWaves, pickList, type WaveRow } from "./create-waves";
import { interceptShipment, resolveInterception } from "./intercept-shipment";
import { packShipment, scanForPack } from "./pack-shipment";
import { scanBatchForPack } from "./scan-pack-batch";
import {
  CreateWaves,
  InterceptBody,
  ListWarehouseEventsQuery,
  ListWavesQuery,
  NoWavesReleased,
  PackBody,
  PackScanAnswer,
  PackScanBody,
  PickBody,
  PickResultSchema,
  ResolveBody,
  Shipment,
  ShipmentIdParam,
  WarehouseEvent,
  Wave,
  WaveIdParam,
  WaveList,
  WaveSummary,
} from "./schemas";
import { getShipment, shipmentAnswer, shipmentById, shipmentByIdValues, shipmentRead, type ShipmentRow } from "./shipment-queries";

export const floorRoutes = new OpenAPIHono<AppEnv>();

const refused = (r: { code: string; message: string; extra?: Record<string, unknown> }) => new ApiError(409, r.code, "Refused", r.message, r.extra ?? {});

/** Waves holding at least one shipment of the key's stores (no condition for a key of every store). */
function waveStoreScope(env: AppEnv["Bindings"], p: Principal) {
  if (p.stores === "*") return undefined;
  return inArray(
    waves.id,
    database(env)
      .select({ id: shipments.waveId })
      .from(shipments)
      .where(and(isNotNull(shipments.waveId), storeScope(p, shipments.storeId))),
  );
}

/** Work-log entries about shipments of the key's stores (entries of no shipment are left out for a store-scoped key). */
function eventStoreScope(env: AppEnv["Bindings"], p: Principal) {
  if (p.stores === "*") return undefined;
  return inArray(warehouseEvents.shipmentId, database(env).select({ id: shipments.id }).from(shipments).where(storeScope(p, shipments.storeId)));
}

/** A wave the key may see: of its warehouses, and holding a shipment of its stores. */
const waveVisible = (env: AppEnv["Bindings"], p: Principal) => and(warehouseScope(p, waves.warehouseId), waveStoreScope(env, p));

async function waveOr404(env: AppEnv["Bindings"], p: Principal, id: string): Promise<WaveRow> {
  const w = await database(env)
    .select()
    .from(waves)
    .where(and(eq(waves.id, id), waveVisible(env, p)))
    .get();
  if (!w) throw notFound("wave");
  return w;
}

async function shipmentRowOr404(env: AppEnv["Bindings"], p: Principal, id: string): Promise<ShipmentRow> {
  const s = await shipmentById(database(env), p).get(shipmentByIdValues(p, id));
  if (!s) throw notFound("shipment");
  return s;
}

type Refusable = { ok: true } | { ok: false; code: string; message: string; extra?: Record<string, unknown> };

/** A shipment action: find the shipment in the key's scope, act as the key, answer with the shipment as it is now (a refusal is a 409). */
async function actOnShipment(env: AppEnv["Bindings"], p: Principal, id: string, act: (s: ShipmentRow) => Promise<Refusable>) {
  const s = await shipmentRowOr404(env, p, id);
  const r = await act(s);
  if (!r.ok) throw refused(r);
  return (await getShipment(env, p, s.id))!;
}

/** Units to pick, picked and short per wave (the key's stores' shipments only, cancelled items left out), in one query for a page of waves. */
async function waveProgress(env: AppEnv["Bindings"], p: Principal, ids: string[]) {
  const out = new Map<string, { units: number; picked: number; short: number }>();
  if (!ids.length) return out;
  const rows = await database(env)
    .select({
      waveId: shipments.waveId,
      units: sql<number>`COALESCE(SUM(${shipmentItems.quantity}), 0)`,
      picked: sql<number>`COALESCE(SUM(${shipmentItems.pickedQty}), 0)`,
      short: sql<number>`COALESCE(SUM(${shipmentItems.shortQty}), 0)`,
    })
    .from(shipmentItems)
    .innerJoin(shipments, eq(shipments.id, shipmentItems.shipmentId))
    .where(and(inArray(shipments.waveId, ids), isNull(shipmentItems.cancelledAt), storeScope(p, shipments.storeId)))
    .groupBy(shipments.waveId)
    .all();
  for (const r of rows) if (r.waveId) out.set(r.waveId, { units: Number(r.units), picked: Number(r.picked), short: Number(r.short) });
  return out;
}

async function waveBody(env: AppEnv["Bindings"], w: WaveRow, p: Principal) {
  const lines = await pickList(env, w.id, { stores: p.stores });
  const ids = await database(env)
    .select({ id: shipments.id })
    .from(shipments)
    .where(and(eq(shipments.waveId, w.id), storeScope(p, shipments.storeId)))
    .all();
  return {
    id: w.id,
    warehouse_id: w.warehouseId,
    group_by: w.groupBy,
    group_key: w.groupKey,
    status: w.status,
    created_by: w.createdBy,
    created_at: iso(w.createdAt),
    completed_at: w.completedAt === null ? null : iso(w.completedAt),
    shipment_ids: ids.map((r) => r.id).sort(),
    pick_list: lines.map((l) => ({
      item_id: l.itemId,
      shipment_id: l.shipmentId,
      order_id: l.orderId,
      store_id: l.storeId,
      sku: l.sku,
      bin_id: l.binId,
      bin: l.binCode,
      zone: l.zone,
      pick_sequence: l.pickSequence,
      quantity: l.quantity,
      to_pick: l.toPick,
      picked: l.picked,
      short: l.short,
      cancelled: l.cancelled !== null,
      intercepted: l.intercepted !== null,
    })),
  };
}

floorRoutes.post("/v1/waves", idempotent());
floorRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/waves",
    permission: "picking:execute",
    tags: ["Warehouse floor"],
    summary: "Release pending shipments to the floor in waves",
    description:
      "Groups the warehouse's pending shipments (past their merge hold, not intercepted) by carrier, zone, or single-item shipments, oldest first. 201 with the waves made; 200 with none when nothing is ready.",
    request: { body: jsonBody(CreateWaves) },
    responses: {
      201: jsonResponse(WaveList, "The waves released"),
      200: jsonResponse(NoWavesReleased, "Nothing was ready to release"),
      ...problems(409, 413, 415, 422),
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const p = c.get("principal");
    const wh = await visibleWarehouse(c.env, p, body.warehouse_id);
    if (!wh) throw validationFailed([{ field: "warehouse_id", message: "no such warehouse" }]);
    if (wh.kind === "third_party") throw new ApiError(409, "third_party", "Refused", "A third-party warehouse picks its own dispatches");
    const made = await createWaves(c.env, wh, { groupBy: body.group_by, maxShipments: body.max_shipments, maxWaves: body.max_waves, actor: p.id, stores: p.stores });
    const data = await Promise.all(made.map((m) => waveBody(c.env, m.wave, p)));
    return c.json({ data }, data.length ? 201 : 200);
  },
);

floorRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/waves",
    permission: "shipments:read",
    tags: ["Warehouse floor"],
    summary: "List waves, newest first",
    request: { query: ListWavesQuery },
    responses: { 200: jsonResponse(listOf(WaveSummary, "WaveSummaryList"), "A page of waves"), ...problems() },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const after = cursorKey(q.cursor, (k) => k.startsWith("wv_"));
    const p = c.get("principal");
    // Unless narrowed to a warehouse, from every shard holding one of the principal's stores; each wave's progress on its own.
    const rows = await listedAcross(
      c.env,
      p,
      q.warehouse_id,
      (onIt) =>
        database(onIt)
          .select()
          .from(waves)
          .where(
            and(
              warehouseScope(p, waves.warehouseId),
              waveStoreScope(onIt, p),
              q.warehouse_id ? eq(waves.warehouseId, q.warehouse_id) : undefined,
              q.status ? eq(waves.status, q.status) : undefined,
              after ? lt(waves.id, after) : undefined,
            ),
          )
          .orderBy(desc(waves.id))
          .limit(q.limit + 1)
          .all(),
      (w) => w.id,
    );
    const page = pageOf(rows, q.limit, (w) => w.id);
    const progress = new Map(
      await byShardOfIds(
        c.env,
        page.data.map((w) => w.id),
        async (onIt, ids) => [...(await waveProgress(onIt, p, ids))],
      ),
    );
    return c.json(
      {
        data: page.data.map((w) => ({
          id: w.id,
          warehouse_id: w.warehouseId,
          group_by: w.groupBy,
          group_key: w.groupKey,
          status: w.status,
          created_by: w.createdBy,
          created_at: iso(w.createdAt),
          completed_at: w.completedAt === null ? null : iso(w.completedAt),
          progress: progress.get(w.id) ?? { units: 0, picked: 0, short: 0 },
        })),
        next_cursor: page.next_cursor,
      },
      200,
    );
  },
);

floorRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/waves/{id}",
    permission: "shipments:read",
    tags: ["Warehouse floor"],
    summary: "A wave with its pick list along the picking path",
    request: { params: WaveIdParam },
    responses: { 200: jsonResponse(Wave, "The wave"), ...problems(404) },
  }),
  async (c) => {
    const p = c.get("principal");
    return c.json(await waveBody(c.env, await waveOr404(c.env, p, c.req.valid("param").id), p), 200);
  },
);

floorRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/waves/{id}/picks",
    permission: "picking:execute",
    tags: ["Warehouse floor"],
    summary: "Confirm a pick-list line by scan",
    description:
      "The scanned code must be the line's SKU or barcode (409 `wrong_item`, recorded in the work log as a `scan_mismatch`). `short: true` with fewer units than asked records a short pick: the missing units are booked off the bin and an exception is opened.",
    request: { params: WaveIdParam, body: jsonBody(PickBody) },
    responses: { 200: jsonResponse(PickResultSchema, "The line after the pick"), ...problems(404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const p = c.get("principal");
    // The wave is read with the line, in the pick's first round trip.
    const wave = { waveId: c.req.valid("param").id, visible: waveVisible(c.env, p) };
    const r = await confirmPick(c.env, wave, { input: c.req.valid("json"), worker: p.id, stores: p.stores });
    if (!r.ok) {
      if (r.code === "wave_not_found") throw notFound("wave");
      if (r.code === "not_found") throw validationFailed([{ field: "item_id", message: "is not a line of this wave" }]);
      throw refused(r);
    }
    return c.json({ item_id: r.itemId, picked: r.picked, short: r.short, remaining: r.remaining, wave_status: r.waveStatus, exception_id: r.exceptionId }, 200);
  },
);

floorRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/shipments/{id}/pack-scans",
    permission: "picking:execute",
    tags: ["Warehouse floor"],
    summary: "Scan units into the package: one, or a station's buffered scans at once",
    description:
      "One scan (`code`): an item not in the shipment (`wrong_item`) or scanned more often than picked (`already_scanned`) is refused (409); a wrong item is recorded in the work log as a `scan_mismatch`.\n\n" +
      "A batch (`scans`, up to 200, as a station that buffers its scans sends a whole parcel): applied in order as if sent one by one, in one write. A wrong item or an over-scan refuses that scan only (in `results`, recorded as alone) and the rest still count. A shipment that cannot be packed (intercepted, cancelled...) refuses the whole request (409).",
    request: { params: ShipmentIdParam, body: jsonBody(PackScanBody) },
    responses: {
      200: jsonResponse(PackScanAnswer, "One scan: the item after it. A batch: each scan's answer in order, and the parcel after them"),
      ...problems(404, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const p = c.get("principal");
    const id = c.req.valid("param").id;
    const body = c.req.valid("json");
    if (body.scans) {
      // The shipment is read with its items, in the batch's first round trip.
      const r = await scanBatchForPack(c.env, { id, read: shipmentRead(database(c.env), p, id) }, { scans: body.scans, worker: p.id });
      if (!r) throw notFound("shipment");
      if (!r.ok) throw refused(r);
      return c.json({ results: r.results, packed: r.packed, remaining: r.remaining }, 200);
    }
    const s = await shipmentRowOr404(c.env, p, id);
    const r = await scanForPack(c.env, s, { input: { code: body.code!, duration_ms: body.duration_ms }, worker: p.id });
    if (!r.ok) throw refused(r);
    return c.json({ item_id: r.itemId, sku: r.sku, packed: r.packed, picked: r.picked, remaining: r.remaining }, 200);
  },
);

floorRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/shipments/{id}/pack",
    permission: "picking:execute",
    tags: ["Warehouse floor"],
    summary: "Pack and weigh: the shipment becomes ready for its label",
    description:
      "Every picked unit must have been scanned, before or with `scans` in this request (409 `missing_items`; a refused scan of `scans` is a 409 `scan_refused` with each scan's answer, and nothing is counted or packed); the measured weight must be within the warehouse's tolerance of the expected weight, the goods' catalogue weight plus the tare of each package's `package_type` (409 `weight_mismatch`), unless `weight_override_reason` says why. A package type the warehouse does not have (or retired) is a 422 naming the package.",
    request: { params: ShipmentIdParam, body: jsonBody(PackBody) },
    responses: { 200: jsonResponse(Shipment, "The packed shipment"), ...problems(404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const p = c.get("principal");
    const id = c.req.valid("param").id;
    const db = database(c.env);
    const visible = (wh: WarehouseRow) => seesWarehouse(p, wh.id) && servesAnyOf(wh.storeIds, p.stores);
    // The shipment is read with what packing checks, and the answer with the pack's writes: two round trips.
    const answer = shipmentAnswer(db, p, id);
    const r = await packShipment(c.env, { id, read: shipmentRead(db, p, id) }, { visible, input: c.req.valid("json"), worker: p.id, answer: answer.reads });
    if (!r) throw notFound("shipment");
    if ("errors" in r) throw validationFailed(r.errors);
    if (!r.ok && r.code === "no_warehouse") throw notFound("warehouse");
    if (!r.ok) throw refused(r);
    return c.json(answer.body(r.answer)!, 200);
  },
);

floorRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/shipments/{id}/intercept",
    permission: "shipments:intercept",
    tags: ["Warehouse floor"],
    summary: "Stop a shipment before it is packed or shipped",
    request: { params: ShipmentIdParam, body: jsonBody(InterceptBody) },
    responses: { 200: jsonResponse(Shipment, "The intercepted shipment"), ...problems(404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const p = c.get("principal");
    return c.json(await actOnShipment(c.env, p, c.req.valid("param").id, (s) => interceptShipment(c.env, s, { reason: c.req.valid("json").reason, actor: p.id })), 200);
  },
);

floorRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/shipments/{id}/interception/resolve",
    permission: "picking:execute",
    tags: ["Warehouse floor"],
    summary: "Resolve an interception: restock cancelled goods, or release the shipment",
    request: { params: ShipmentIdParam, body: jsonBody(ResolveBody) },
    responses: { 200: jsonResponse(Shipment, "The shipment after resolution"), ...problems(404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const p = c.get("principal");
    return c.json(await actOnShipment(c.env, p, c.req.valid("param").id, (s) => resolveInterception(c.env, s, { input: c.req.valid("json"), actor: p.id })), 200);
  },
);

floorRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/warehouse-events",
    permission: "shipments:read",
    tags: ["Warehouse floor"],
    summary: "The floor's work log: every pick, pack scan, scan mismatch, pack and weigh with worker and duration",
    request: { query: ListWarehouseEventsQuery },
    responses: { 200: jsonResponse(listOf(WarehouseEvent, "WarehouseEventList"), "A page of events, newest first"), ...problems() },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const p = c.get("principal");
    // Ids count per database: the cursor holds a place on each shard read (src/db/shard-places.ts).
    // A cursor is only handed out while some shard has more: one whose every place is 0 is not one of ours.
    const before = placesOf(cursorKey(q.cursor, (k) => PLACES.test(k) && [...placesOf(k).values()].every(Number.isSafeInteger) && [...placesOf(k).values()].some((v) => v > 0)));
    const shards = q.warehouse_id ? [c.env.shard] : await shardsHolding(c.env, p.stores);
    const parts = await byShard(
      c.env,
      shards,
      (shard) => shard,
      async (onIt) => {
        const below = before.get(onIt.shard.id);
        if (below === 0) return [{ shard: onIt.shard.id, rows: [] }];
        const rows = await database(onIt)
          .select()
          .from(warehouseEvents)
          .where(
            and(
              warehouseScope(p, warehouseEvents.warehouseId),
              eventStoreScope(onIt, p),
              q.warehouse_id ? eq(warehouseEvents.warehouseId, q.warehouse_id) : undefined,
              q.worker ? eq(warehouseEvents.worker, q.worker) : undefined,
              q.shipment_id ? eq(warehouseEvents.shipmentId, q.shipment_id) : undefined,
              q.kind ? inArray(warehouseEvents.kind, q.kind) : undefined,
              below !== undefined ? lt(warehouseEvents.id, below) : undefined,
            ),
          )
          .orderBy(desc(warehouseEvents.id))
          .limit(q.limit + 1)
          .all();
        return [{ shard: onIt.shard.id, rows }];
      },
    );
    const merged = mergeNewest(parts, before, (e) => e.createdAt, q.limit);
    const page = { data: merged.rows, next_cursor: merged.more ? encodeCursor(placesKey(merged.places)) : null };
    const names = await actorNames(
      directoryD1(c.env),
      page.data.map((e) => e.worker),
    );
    return c.json(
      {
        data: page.data.map((e) => ({
          id: e.id,
          warehouse_id: e.warehouseId,
          shipment_id: e.shipmentId,
          wave_id: e.waveId,
          kind: e.kind,
          worker: e.worker,
          worker_kind: nameIn(names, e.worker).kind,
          worker_name: nameIn(names, e.worker).name,
          duration_ms: e.durationMs,
          data: e.data ?? null,
          created_at: iso(e.createdAt),
        })),
        next_cursor: page.next_cursor,
      },
      200,
    );
  },
);
