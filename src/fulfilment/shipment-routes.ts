/** Shipments: where allocated goods wait, are picked and packed. Reads here; floor work in floor-routes.ts. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { notFound } from "../http/problem";
import { apiRoute, jsonResponse, listOf, problems } from "../http/route";
import { ListShipmentsQuery, Shipment, ShipmentIdParam } from "./schemas";
import { getShipment, listShipments } from "./shipment-queries";

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
