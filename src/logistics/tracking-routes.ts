/** Tracking: reads (a shipment's or an order's parcels, the raw events), events recorded by hand, and the logistics exceptions queue. */
import { OpenAPIHono } from "@hono/zod-openapi";
import { and, asc, desc, eq, isNull, lt, sql } from "drizzle-orm";
import { type Database, database } from "../db/client";
import { listedAcross } from "../db/fan-out";
import { inBatch, perDatabase } from "../db/prepared";
import { logisticsExceptions, shipments, shipmentTracking, trackingEvents } from "../db/schema";
import type { AppEnv } from "../env";
import { storeScope, type Principal } from "../http/auth";
import { idempotencyKeyOf, idempotent } from "../http/idempotency";
import { ApiError, notFound } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, listOf, problems } from "../http/route";
import { cursorKey, pageOf } from "../http/pagination";
import { getOrder } from "../orders/queries";
import { OrderIdParam } from "../orders/schemas";
import { iso } from "../orders/serialize";
import { shipmentScope } from "../fulfilment/shipment-queries";
import { listExceptions, resolveException } from "./logistics-exceptions";
import { recordTrackingEvent } from "./record-tracking-event";
import { liveShipmentsOfOrder } from "./order-shipments";
import {
  ExceptionIdParam,
  ListExceptionsQuery,
  ListTrackingEventsQuery,
  LogisticsException,
  OrderTracking,
  RecordedTrackingEvent,
  RecordTrackingEventBody,
  ResolveBody,
  ShipmentIdParam,
  ShipmentTracking,
  TrackingEvent,
} from "./schemas";
import { exceptionBody, labelBody, trackingEventBody } from "./serialize";

export const trackingRoutes = new OpenAPIHono<AppEnv>();

const isoOrNull = (ms: number | null | undefined) => (ms == null ? null : iso(ms));

/** A shipment's label, timeline and open exceptions: built once per binding (src/db/prepared.ts), read on every tracking answer. */
const trackingReads = perDatabase((db: Database) => {
  const shipmentId = sql.placeholder("shipmentId");
  return {
    tracking: db.select().from(shipmentTracking).where(eq(shipmentTracking.shipmentId, shipmentId)).prepare(),
    events: db.select().from(trackingEvents).where(eq(trackingEvents.shipmentId, shipmentId)).orderBy(asc(trackingEvents.occurredAt), asc(trackingEvents.id)).limit(500).prepare(),
    exceptions: db
      .select()
      .from(logisticsExceptions)
      .where(and(eq(logisticsExceptions.shipmentId, shipmentId), eq(logisticsExceptions.status, "open")))
      .orderBy(asc(logisticsExceptions.id))
      .prepare(),
  };
});

async function trackingOf(env: AppEnv["Bindings"], s: typeof shipments.$inferSelect) {
  const db = database(env);
  const q = trackingReads(db);
  const v = { shipmentId: s.id };
  const [t, events, exceptions] = await db.batch([inBatch(q.tracking, v), inBatch(q.events, v), inBatch(q.exceptions, v)]);
  const tr = t[0];
  return {
    shipment_id: s.id,
    order_id: s.orderId,
    store_id: s.storeId,
    shipment_status: s.status,
    label: tr ? labelBody(tr) : null,
    tracking_status: tr?.status ?? null,
    tracking_status_at: isoOrNull(tr?.statusAt),
    last_update_at: isoOrNull(tr?.lastUpdateAt),
    delivered_at: isoOrNull(tr?.deliveredAt),
    timeline: events.map(trackingEventBody),
    open_exceptions: exceptions.map(exceptionBody),
  };
}

trackingRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/shipments/{id}/tracking",
    permission: "tracking:read",
    tags: ["Logistics"],
    summary: "A shipment's label, tracking status, timeline and open exceptions",
    request: { params: ShipmentIdParam },
    responses: { 200: jsonResponse(ShipmentTracking, "Its tracking"), ...problems(404) },
  }),
  async (c) => {
    const s = await database(c.env)
      .select()
      .from(shipments)
      .where(and(eq(shipments.id, c.req.valid("param").id), shipmentScope(c.get("principal"))))
      .get();
    if (!s) throw notFound("shipment");
    return c.json(await trackingOf(c.env, s), 200);
  },
);

trackingRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/orders/{id}/tracking",
    permission: "tracking:read",
    tags: ["Logistics"],
    summary: "Every parcel of an order: labels, tracking, timelines and open delivery exceptions",
    request: { params: OrderIdParam },
    responses: { 200: jsonResponse(OrderTracking, "Its parcels"), ...problems(404) },
  }),
  async (c) => {
    const p = c.get("principal");
    const id = c.req.valid("param").id;
    const order = await getOrder(c.env, p, id);
    if (!order) throw notFound("order");
    const visible = (await liveShipmentsOfOrder(c.env, id)).filter((s) => seesShipment(p, s.shipment));
    return c.json({ order_id: id, shipments: await Promise.all(visible.map((s) => trackingOf(c.env, s.shipment))) }, 200);
  },
);

trackingRoutes.post("/v1/shipments/:id/tracking-events", idempotent());
trackingRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/shipments/{id}/tracking-events",
    permission: "tracking:record",
    tags: ["Logistics"],
    summary: "Record what happened to a parcel by hand (a carrier without webhooks, a delivery confirmed by phone)",
    description:
      "Stored as a tracking event of partner `manual` and applied at once, as a partner's would be: forward only (a late or older event is kept in the timeline, with the reason), exceptions raised or cleared, the customer told, the order delivered with its last parcel. A labelled parcel not yet handed over is handed over by it. `Idempotency-Key` replays the first answer; without one, the same event with the same `occurred_at` is recorded once.",
    request: { params: ShipmentIdParam, body: jsonBody(RecordTrackingEventBody) },
    responses: {
      201: jsonResponse(RecordedTrackingEvent, "Recorded, and applied or kept"),
      200: jsonResponse(RecordedTrackingEvent, "Already recorded: the same event, not applied twice"),
      ...problems(404, 409, 413, 415, 422),
    },
  }),
  async (c) => {
    const id = c.req.valid("param").id;
    const r = await recordTrackingEvent(c.env, { principal: c.get("principal"), shipmentId: id, input: c.req.valid("json"), idempotencyKey: idempotencyKeyOf(c) });
    if (!r.ok) {
      if (r.code === "not_found") throw notFound("shipment");
      throw new ApiError(409, r.code, "Not labelled", r.message);
    }
    const body = {
      event: trackingEventBody(r.event),
      duplicate: r.duplicate,
      outcome: r.outcome,
      reason: r.reason,
      shipment_status: r.shipmentStatus,
      tracking_status: r.trackingStatus,
      orders: r.orders,
    };
    return r.duplicate ? c.json(body, 200) : c.json(body, 201, { location: `/v1/shipments/${id}/tracking` });
  },
);

function seesShipment(p: Principal, s: typeof shipments.$inferSelect) {
  return (p.stores === "*" || p.stores.includes(s.storeId)) && (p.warehouses === "*" || p.warehouses.includes(s.warehouseId));
}

trackingRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/tracking-events",
    permission: "tracking:read",
    tags: ["Logistics"],
    summary: "Tracking events received from partners, newest first (e.g. ?outcome=unmatched: numbers we never issued)",
    description: "Events not matched to a shipment belong to no store, so keys scoped to some stores see only matched events of their stores.",
    request: { query: ListTrackingEventsQuery },
    responses: { 200: jsonResponse(listOf(TrackingEvent, "TrackingEventList"), "A page of events"), ...problems() },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const p = c.get("principal");
    const after = cursorKey(q.cursor, (k) => k.startsWith("tev_"));
    // Events are stored on their parcel's store's shard (src/logistics/tracking-route.ts): every shard holding one of the principal's stores is asked.
    const rows = await listedAcross(
      c.env,
      p,
      undefined,
      (onIt) =>
        database(onIt)
          .select({ e: trackingEvents })
          .from(trackingEvents)
          .leftJoin(shipments, eq(shipments.id, trackingEvents.shipmentId))
          .where(
            and(
              storeScope(p, shipments.storeId),
              q.outcome === "pending" ? isNull(trackingEvents.processedAt) : q.outcome ? eq(trackingEvents.outcome, q.outcome) : undefined,
              q.partner ? eq(trackingEvents.partner, q.partner) : undefined,
              q.tracking_number ? eq(trackingEvents.trackingNumber, q.tracking_number) : undefined,
              after ? lt(trackingEvents.id, after) : undefined,
            ),
          )
          .orderBy(desc(trackingEvents.id))
          .limit(q.limit + 1)
          .all(),
      (r) => r.e.id,
    );
    const page = pageOf(rows, q.limit, (r) => r.e.id);
    return c.json({ data: page.data.map((r) => trackingEventBody(r.e)), next_cursor: page.next_cursor }, 200);
  },
);

trackingRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/logistics/exceptions",
    permission: "logistics_exceptions:read",
    tags: ["Logistics"],
    summary: "Delivery exceptions (failed attempts, carrier exceptions, returns, parcels without news), newest first",
    request: { query: ListExceptionsQuery },
    responses: { 200: jsonResponse(listOf(LogisticsException, "LogisticsExceptionList"), "A page of exceptions"), ...problems() },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const after = cursorKey(q.cursor, (k) => k.startsWith("lex_"));
    const rows = await listExceptions(c.env, q, { principal: c.get("principal"), after });
    const page = pageOf(rows, q.limit, (r) => r.id);
    return c.json({ data: page.data.map(exceptionBody), next_cursor: page.next_cursor }, 200);
  },
);

trackingRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/logistics/exceptions/{id}/resolve",
    permission: "logistics_exceptions:resolve",
    tags: ["Logistics"],
    summary: "Resolve a delivery exception, saying how",
    request: { params: ExceptionIdParam, body: jsonBody(ResolveBody) },
    responses: { 200: jsonResponse(LogisticsException, "Resolved"), ...problems(404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const r = await resolveException(c.env, c.req.valid("param").id, { principal: c.get("principal"), resolution: c.req.valid("json").resolution });
    if (r.ok) return c.json(exceptionBody(r.row), 200);
    if (r.code === "not_found") throw notFound("exception");
    throw new ApiError(409, "already_resolved", "Already resolved", `resolved by ${r.row.resolvedBy}: ${r.row.resolution}`);
  },
);
