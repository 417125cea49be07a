/** A warehouse's package types (cartons, mailers) with their tare: managed by admins, read by the floor. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { idempotent } from "../http/idempotency";
import { ApiError, notFound } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { createPackageType, listPackageTypes, packageTypeBody, updatePackageType } from "./package-types";
import { CreatePackageType, PackageType, PackageTypeList, PackageTypeParams, UpdatePackageType, WarehouseIdParam } from "./schemas";
import { managedWarehouseOr404, warehouseOr404 } from "./scope";

export const packageTypeRoutes = new OpenAPIHono<AppEnv>();

packageTypeRoutes.post("/v1/warehouses/:id/package-types", idempotent());
packageTypeRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/warehouses/{id}/package-types",
    permission: "warehouses:manage",
    tags: ["Warehouses"],
    summary: "Add a package type (a carton or mailer with its tare weight)",
    description: "Packing names a package's type; the tare is added to the goods' catalogue weight to get the weight the scale should show. Codes are unique per warehouse (409).",
    request: { params: WarehouseIdParam, body: jsonBody(CreatePackageType) },
    responses: { 201: jsonResponse(PackageType, "The package type"), ...problems(404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const wh = await managedWarehouseOr404(c.env, c.get("principal"), c.req.valid("param").id);
    const body = c.req.valid("json");
    const r = await createPackageType(c.env, wh, body);
    if (!r.ok) throw new ApiError(409, "duplicate_code", "Package type exists", `Package type ${body.code} already exists here`);
    return c.json(packageTypeBody(r.row), 201, { location: `/v1/warehouses/${wh.id}/package-types/${encodeURIComponent(r.row.code)}` });
  },
);

packageTypeRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/warehouses/{id}/package-types",
    permission: "warehouses:read",
    tags: ["Warehouses"],
    summary: "List a warehouse's package types, retired ones included",
    request: { params: WarehouseIdParam },
    responses: { 200: jsonResponse(PackageTypeList, "Its package types by code"), ...problems(404) },
  }),
  async (c) => {
    const wh = await warehouseOr404(c.env, c.get("principal"), c.req.valid("param").id);
    return c.json({ data: (await listPackageTypes(c.env, wh.id)).map(packageTypeBody) }, 200);
  },
);

packageTypeRoutes.openapi(
  apiRoute({
    method: "patch",
    path: "/v1/warehouses/{id}/package-types/{code}",
    permission: "warehouses:manage",
    tags: ["Warehouses"],
    summary: "Change or retire a package type",
    description: "A new tare applies to packing from now on; shipments already packed keep the weight they were packed with. `active: false` retires the type.",
    request: { params: PackageTypeParams, body: jsonBody(UpdatePackageType) },
    responses: { 200: jsonResponse(PackageType, "The package type"), ...problems(404, 413, 415, 422) },
  }),
  async (c) => {
    const { id, code } = c.req.valid("param");
    const wh = await managedWarehouseOr404(c.env, c.get("principal"), id);
    const row = await updatePackageType(c.env, wh, { code, changes: c.req.valid("json") });
    if (!row) throw notFound("package type");
    return c.json(packageTypeBody(row), 200);
  },
);
