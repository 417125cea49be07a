/** Labels (buy, read, print) and handover of a shipment to its carrier. */
import { OpenAPIHono } from "@hono/zod-openapi";
import { and, eq, sql } from "drizzle-orm";
import { type Database, database } from "../db/client";
import { perShape, type ScopeShape, scopedTo, scopeShape, scopeValues } from "../db/prepared";
import { shipmentLabels, shipments, shipmentTracking } from "../db/schema";
import type { AppEnv } from "../env";
import { idempotent } from "../http/idempotency";
import { ApiError, notFound } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { iso } from "../orders/serialize";
import { shipmentScope } from "../fulfilment/shipment-queries";
import { adapterFor } from "./carriers/adapter-for";
import { createLabel } from "./create-label";
import { handOver } from "./hand-over";
import { voidLabel } from "./void-label";
import { loadLogisticsConfig } from "./load-logistics-config";
import { Handover, HandoverBody, Label, LabelBody, LabelPdf, ShipmentIdParam, VoidedLabel } from "./schemas";
import { explanationBody, labelBody } from "./serialize";
import { fromBase64 } from "./webhooks/signatures";

export const labelRoutes = new OpenAPIHono<AppEnv>();

const STATUS: Record<string, 409 | 422 | 502> = {
  already_labelled: 409,
  not_packed: 409,
  intercepted: 409,
  conflict: 409,
  no_eligible_service: 422,
  forced_not_eligible: 422,
  carrier_unavailable: 502,
  carrier_refused: 502,
};

labelRoutes.post("/v1/shipments/:id/label", idempotent());
labelRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/shipments/{id}/label",
    permission: "labels:create",
    tags: ["Logistics"],
    summary: "Choose a carrier and buy the label of a packed shipment (packed -> labelled)",
    description:
      "The store's carrier policy chooses (or give `carrier` and `service`); the label is bought through the carrier's adapter and kept as a printable 4x6 PDF. `include_pdf: true` answers with the PDF too (`label_pdf`, base64), so a station buys and prints in one request. `Idempotency-Key` replays the first answer.",
    request: { params: ShipmentIdParam, body: jsonBody(LabelBody) },
    responses: { 201: jsonResponse(Label, "The label"), ...problems(404, 409, 413, 415, 422, 502) },
  }),
  async (c) => {
    const id = c.req.valid("param").id;
    const b = c.req.valid("json");
    const r = await createLabel(c.env, id, { principal: c.get("principal"), input: { carrier: b.carrier, service: b.service } });
    if (r.ok) return c.json({ ...labelBody(r.tracking), ...(b.include_pdf ? { label_pdf: r.pdfBase64 } : {}) }, 201, { location: `/v1/shipments/${id}/label` });
    if (r.code === "not_found") throw notFound("shipment");
    const extra = "explanation" in r ? { explanation: explanationBody(r.explanation, r.currency) } : {};
    throw new ApiError(STATUS[r.code] ?? 409, r.code, r.code === "carrier_unavailable" ? "Carrier unavailable" : "Label not created", r.message, extra);
  },
);

labelRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/shipments/{id}/label",
    permission: "labels:read",
    tags: ["Logistics"],
    summary: "A shipment's label: carrier, service, tracking number, rate, and why that carrier",
    request: { params: ShipmentIdParam },
    responses: { 200: jsonResponse(Label, "The label"), ...problems(404) },
  }),
  async (c) => {
    const row = await database(c.env)
      .select({ t: shipmentTracking })
      .from(shipmentTracking)
      .innerJoin(shipments, eq(shipments.id, shipmentTracking.shipmentId))
      .where(and(eq(shipmentTracking.shipmentId, c.req.valid("param").id), shipmentScope(c.get("principal"))))
      .get();
    if (!row) throw notFound("label");
    return c.json(labelBody(row.t), 200);
  },
);

/** A label with its stored PDF, in the caller's scope: built once per binding and scope shape (src/db/prepared.ts). */
const labelStatement = perShape((db: Database, shape: ScopeShape) =>
  db
    .select({ t: shipmentTracking, label: shipmentLabels.data })
    .from(shipmentTracking)
    .innerJoin(shipments, eq(shipments.id, shipmentTracking.shipmentId))
    .leftJoin(shipmentLabels, eq(shipmentLabels.shipmentId, shipmentTracking.shipmentId))
    .where(and(eq(shipmentTracking.shipmentId, sql.placeholder("id")), scopedTo(shape, shipments.storeId, shipments.warehouseId)))
    .prepare(),
);

labelRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/shipments/{id}/label.pdf",
    permission: "labels:read",
    tags: ["Logistics"],
    summary: "The printable 4x6 label (PDF, one page per package)",
    request: { params: ShipmentIdParam },
    responses: { 200: { description: "The label", content: { "application/pdf": { schema: LabelPdf } } }, ...problems(404, 502) },
  }),
  async (c) => {
    const db = database(c.env);
    const p = c.get("principal");
    const row = await labelStatement(db, scopeShape(p)).get({ ...scopeValues(p), id: c.req.valid("param").id });
    if (!row) throw notFound("label");
    let pdf = row.label ? fromBase64(row.label) : null;
    if (!pdf) {
      // Not kept here (an older or external label): ask the carrier again.
      const { config } = await loadLogisticsConfig(db, row.t.storeId);
      const carrier = config.carriers.find((x) => x.code === row.t.carrier);
      const fetched = carrier ? await adapterFor(carrier, c.env).getLabel(row.t.carrierRef) : null;
      if (!fetched?.ok) throw new ApiError(502, "label_unavailable", "Label unavailable", fetched?.message ?? `carrier ${row.t.carrier} is no longer configured`);
      pdf = fetched.value;
    }
    return c.body(pdf as Uint8Array<ArrayBuffer>, 200, {
      "content-type": "application/pdf",
      "content-disposition": `inline; filename="label-${row.t.trackingNumber}.pdf"`,
      "cache-control": "private, max-age=3600",
    });
  },
);

labelRoutes.openapi(
  apiRoute({
    method: "delete",
    path: "/v1/shipments/{id}/label",
    permission: "labels:create",
    tags: ["Logistics"],
    summary: "Void a label not yet handed over (labelled -> packed); the carrier cancels it first",
    request: { params: ShipmentIdParam },
    responses: { 200: jsonResponse(VoidedLabel, "Voided"), ...problems(404, 409, 502) },
  }),
  async (c) => {
    const id = c.req.valid("param").id;
    const r = await voidLabel(c.env, id, { principal: c.get("principal") });
    if (r.ok) return c.json({ shipment_id: id, status: "packed" as const, voided_tracking_number: r.trackingNumber }, 200);
    if (r.code === "not_found") throw notFound("shipment");
    throw new ApiError(r.code.startsWith("carrier_") ? 502 : 409, r.code, "Label not voided", r.message);
  },
);

labelRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/shipments/{id}/handover",
    permission: "shipments:handover",
    tags: ["Logistics"],
    summary: "Hand a labelled shipment to its carrier (labelled -> shipped)",
    description: "The packed goods leave the OUTBOUND bin. When every parcel of an order is handed over, the order is shipped (and the customer told, with tracking).",
    request: { params: ShipmentIdParam, body: jsonBody(HandoverBody) },
    responses: { 200: jsonResponse(Handover, "Handed over"), ...problems(404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const id = c.req.valid("param").id;
    const p = c.get("principal");
    // The key's scope is read with the handover's own reads: a shipment it may not see is a 404.
    const r = await handOver(c.env, id, { actor: p.id, visible: shipmentScope(p) });
    if (r.ok) return c.json({ shipment_id: id, status: "shipped" as const, handed_over_at: iso(r.handedOverAt), orders_shipped: r.ordersShipped }, 200);
    if (r.code === "not_found") throw notFound("shipment");
    throw new ApiError(409, r.code, "Not handed over", r.message);
  },
);
