/** Shipments: where allocated goods wait, are picked and packed. Reads and merges here; floor work in floor-routes.ts. */
import { OpenAPIHono } from "@hono/zod-openapi";
import { and, eq, inArray } from "drizzle-orm";
import { database } from "../db/client";
import { shipments } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError, notFound, validationFailed } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, listOf, problems } from "../http/route";
import { mergeShipments, unmergeShipment } from "./merge-shipments";
import { ListShipmentsQuery, MergeBody, Shipment, ShipmentIdParam } from "./schemas";
import { getShipment, listShipments, shipmentScope, withDetails } from "./shipment-queries";

export const shipmentRoutes = new OpenAPIHono<AppEnv>();

shipmentRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/shipments",
    permission: "shipments:read",
    tags: ["Shipments"],
    summary: "List shipments, newest first",
    request: { query: ListShipmentsQuery },
    responses: { 200: jsonResponse(listOf(Shipment, "ShipmentList"), "A page of shipments"), ...problems() },
  }),
  async (c) => c.json(await listShipments(c.env, c.get("principal"), c.req.valid("query")), 200),
);

shipmentRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/shipments/{id}",
    permission: "shipments:read",
    tags: ["Shipments"],
    summary: "Get a shipment with its items",
    request: { params: ShipmentIdParam },
    responses: { 200: jsonResponse(Shipment, "The shipment"), ...problems(404) },
  }),
  async (c) => {
    const s = await getShipment(c.env, c.get("principal"), c.req.valid("param").id);
    if (!s) throw notFound("shipment");
    return c.json(s, 200);
  },
);

shipmentRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/shipments/merge",
    permission: "shipments:merge",
    tags: ["Shipments"],
    summary: "Merge shipments to the same customer and address into one",
    description:
      "All must be pending (not released to picking), of one store, customer and address, in one warehouse. The oldest receives the others' items; they become `merged`. Undo with unmerge before picking.",
    request: { body: jsonBody(MergeBody) },
    responses: { 200: jsonResponse(Shipment, "The shipment they were merged into"), ...problems(409, 413, 415, 422) },
  }),
  async (c) => {
    const p = c.get("principal");
    const { shipment_ids } = c.req.valid("json");
    const visible = await database(c.env)
      .select({ id: shipments.id })
      .from(shipments)
      .where(and(inArray(shipments.id, shipment_ids), shipmentScope(p)))
      .all();
    const missing = shipment_ids.filter((id) => !visible.some((v) => v.id === id));
    if (missing.length) throw validationFailed([{ field: "shipment_ids", message: `no such shipment: ${missing.join(", ")}` }]);
    const r = await mergeShipments(c.env, shipment_ids, p.id);
    if (!r.ok) throw new ApiError(409, r.code, "Cannot merge", r.message);
    return c.json((await getShipment(c.env, p, r.targetId))!, 200);
  },
);

shipmentRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/shipments/{id}/unmerge",
    permission: "shipments:merge",
    tags: ["Shipments"],
    summary: "Undo a merge before picking",
    description: "Every item goes back to the shipment it was allocated to.",
    request: { params: ShipmentIdParam },
    responses: {
      200: jsonResponse(Shipment.array().openapi("ShipmentArray"), "This shipment and the ones restored from it"),
      ...problems(404, 409),
    },
  }),
  async (c) => {
    const p = c.get("principal");
    const db = database(c.env);
    const target = await db
      .select()
      .from(shipments)
      .where(and(eq(shipments.id, c.req.valid("param").id), shipmentScope(p)))
      .get();
    if (!target) throw notFound("shipment");
    const r = await unmergeShipment(c.env, target, p.id);
    if (!r.ok) throw new ApiError(409, r.code, "Cannot unmerge", r.message);
    const rows = await db
      .select()
      .from(shipments)
      .where(inArray(shipments.id, [r.targetId, ...r.mergedIds]))
      .all();
    return c.json(
      await withDetails(
        c.env,
        rows.sort((a, b) => a.id.localeCompare(b.id)),
      ),
      200,
    );
  },
);
