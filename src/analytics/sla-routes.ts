/**
 * A store's SLA targets. Changing them re-judges the store's history: the
 * next rollup runs rebuild its processing times and breach list (see
 * apply-store-config.ts).
 */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { database } from "../db/client";
import { stores, storeSlas } from "../db/schema";
import type { AppEnv } from "../env";
import { seesStore, type Principal } from "../http/auth";
import { notFound } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { iso } from "../orders/serialize";
import { SlaBody, StoreSla } from "./schemas";
import { slaOf } from "./sla";

const StoreIdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }) });

const MINUTE_MS = 60_000;
const minutes = (ms: number | null) => (ms === null ? null : Math.round(ms / MINUTE_MS));
const ms = (min: number | null) => (min === null ? null : min * MINUTE_MS);

async function slaBody(env: AppEnv["Bindings"], p: Principal, storeId: string): Promise<z.infer<typeof StoreSla> | null> {
  if (!seesStore(p, storeId)) return null;
  const db = database(env);
  const [store, row] = await db.batch([
    db.select({ id: stores.id }).from(stores).where(eq(stores.id, storeId)),
    db.select().from(storeSlas).where(eq(storeSlas.storeId, storeId)),
  ]);
  if (!store[0]) return null;
  const sla = slaOf(row[0]);
  return {
    store_id: storeId,
    received_to_approved_minutes: minutes(sla.received_to_approved),
    approved_to_shipped_minutes: minutes(sla.approved_to_shipped),
    shipped_to_delivered_minutes: minutes(sla.shipped_to_delivered),
    received_to_completed_minutes: minutes(sla.received_to_completed),
    is_default: !row[0],
    updated_at: row[0] ? iso(row[0].updatedAt) : null,
  };
}

export const slaRoutes = new OpenAPIHono<AppEnv>();

slaRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/stores/{id}/sla",
    permission: "stores:read",
    tags: ["Stores"],
    summary: "A store's SLA targets",
    request: { params: StoreIdParam },
    responses: { 200: jsonResponse(StoreSla, "The targets (the defaults until the store sets its own)"), ...problems(404) },
  }),
  async (c) => {
    const body = await slaBody(c.env, c.get("principal"), c.req.valid("param").id);
    if (!body) throw notFound("store");
    return c.json(body, 200);
  },
);

slaRoutes.openapi(
  apiRoute({
    method: "put",
    path: "/v1/stores/{id}/sla",
    permission: "stores:manage",
    tags: ["Stores"],
    summary: "Set a store's SLA targets",
    description: "Replaces all four targets (minutes; null for none). Processing-time rollups and SLA breaches of the store are rebuilt under the new targets by the next rollup runs.",
    request: { params: StoreIdParam, body: jsonBody(SlaBody) },
    responses: { 200: jsonResponse(StoreSla, "The targets"), ...problems(404, 413, 415, 422) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const p = c.get("principal");
    if (!(await slaBody(c.env, p, id))) throw notFound("store");
    const b = c.req.valid("json");
    const values = {
      receivedToApprovedMs: ms(b.received_to_approved_minutes),
      approvedToShippedMs: ms(b.approved_to_shipped_minutes),
      shippedToDeliveredMs: ms(b.shipped_to_delivered_minutes),
      receivedToCompletedMs: ms(b.received_to_completed_minutes),
      updatedAt: Date.now(),
    };
    await database(c.env)
      .insert(storeSlas)
      .values({ storeId: id, ...values })
      .onConflictDoUpdate({ target: storeSlas.storeId, set: values });
    return c.json((await slaBody(c.env, p, id))!, 200);
  },
);
