/**
 * Warehouses and their layout: zones and bin locations. Thin: shapes in
 * schemas.ts, who may manage which warehouse in warehouse-stores.ts, and
 * every configuration change recorded in `warehouse_changes` in the same
 * batch as the change itself.
 */
import { actorNames, namedActor } from "../activity/actor-names";
import { OpenAPIHono } from "@hono/zod-openapi";
import { and, asc, desc, eq, gt, lt, or, sql } from "drizzle-orm";
import { constraintFailed, database, directoryD1 } from "../db/client";
import { listedAcross } from "../db/fan-out";
import { bins, warehouseChanges, warehouses, zones } from "../db/schema";
import type { AppEnv } from "../env";
import { idempotent } from "../http/idempotency";
import { ApiError, forbidden, validationFailed } from "../http/problem";
import { apiRoute, decodeCursor, encodeCursor, jsonBody, jsonResponse, problems } from "../http/route";
import { newId } from "../lib/ids";
import { cursorKey, pageOf } from "../http/pagination";
import { iso } from "../orders/serialize";
import {
  Bin,
  BinList,
  BinListQuery,
  CreateBin,
  CreatedWarehouse,
  CreateWarehouse,
  CreateZone,
  UpdateWarehouse,
  Warehouse,
  WarehouseChangeList,
  WarehouseIdParam,
  WarehouseList,
  WarehouseListQuery,
  Zone,
  ZoneList,
} from "./schemas";
import { assertMayManage, managedWarehouseOr404, warehouseOr404, warehouseScope, warehouseStoreScope, type WarehouseRow } from "./scope";
import { changedFields } from "./warehouse-stores";
import { homeNewWarehouse, missing, poolOfWarehouse } from "../db/homes";
import { confirmEveryStoreChange, confirmNewEveryStore, poolFor } from "./warehouse-pools";
import { onShard } from "../db/shard";

/** A bins-list cursor: the zero-padded pick sequence and the code of the last bin seen. */
const BIN_KEY = /^(\d{10}):(.+)$/;

/** Every warehouse has this outbound bin: picked goods wait here for packing and shipping. */
export const OUTBOUND_BIN = "OUTBOUND";

/** What a change record compares: the configuration as the API names it (never the webhook secret). */
const configOf = (w: WarehouseRow) => ({
  name: w.name,
  kind: w.kind,
  country: w.country,
  region: w.region,
  currency: w.currency,
  active: w.active,
  weight_tolerance_pct: w.weightTolerancePct,
  weight_tolerance_grams: w.weightToleranceGrams,
  webhook_url: w.webhookUrl,
  store_ids: w.storeIds,
});

const warehouseBody = (w: WarehouseRow) => ({ id: w.id, ...configOf(w), created_at: iso(w.createdAt), updated_at: iso(w.updatedAt) });

/** Every store named must exist, each looked for on its own shard (422 naming each missing one). */
async function assertStoresExist(env: AppEnv["Bindings"], storeIds: readonly string[]): Promise<void> {
  const named = storeIds.filter((s) => s !== "*");
  if (!named.length) return;
  const gone = new Set(await missing(env, "store", named));
  const errors = storeIds.flatMap((s, i) => (s !== "*" && gone.has(s) ? [{ field: `store_ids.${i}`, message: `no such store ${s}` }] : []));
  if (errors.length) throw validationFailed(errors);
}

/** A change record for a layout addition (a zone, a bin): `from` null, `to` what was added. */
function layoutChange(o: { wh: WarehouseRow; actor: string; now: number; added: Record<string, unknown> }): typeof warehouseChanges.$inferInsert {
  return {
    id: newId("whc", o.now),
    warehouseId: o.wh.id,
    action: "add_layout",
    actor: o.actor,
    changes: changedFields({}, o.added),
    createdAt: o.now,
  };
}
const zoneBody = (z: typeof zones.$inferSelect) => ({ id: z.id, warehouse_id: z.warehouseId, code: z.code, name: z.name, created_at: iso(z.createdAt) });
const binBody = (b: typeof bins.$inferSelect, zoneCode: string | null) => ({
  id: b.id,
  warehouse_id: b.warehouseId,
  zone_id: b.zoneId,
  zone_code: zoneCode,
  code: b.code,
  kind: b.kind,
  pick_sequence: b.pickSequence,
  active: b.active,
  created_at: iso(b.createdAt),
});

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
function webhookSecret(): string {
  return `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`;
}

export const warehouseRoutes = new OpenAPIHono<AppEnv>();

warehouseRoutes.post("/v1/warehouses", idempotent({ redact: (b) => ({ ...b, webhook_secret: null }) }));
warehouseRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/warehouses",
    permission: "warehouses:manage",
    tags: ["Warehouses"],
    summary: "Create a warehouse (own or third-party)",
    description:
      "Creates its OUTBOUND bin too. A third-party warehouse gets a webhook secret, shown only in this response. The warehouse joins the stock pool of its stores, joining their pools when they are on one database (docs/SHARDING.md); stores on two databases cannot share one: 409 `pool_split`.",
    request: { body: jsonBody(CreateWarehouse) },
    responses: { 201: jsonResponse(CreatedWarehouse, "The warehouse"), ...problems(409, 413, 415, 422) },
  }),
  async (c) => {
    const p = c.get("principal");
    if (p.warehouses !== "*") throw forbidden("Only a key for every warehouse may create warehouses");
    const body = c.req.valid("json");
    assertMayManage(p, body.store_ids);
    await assertStoresExist(c.env, body.store_ids);
    const pool = await poolFor(c.env, body.store_ids);
    const now = Date.now();
    const row: WarehouseRow = {
      id: newId("wh", now),
      name: body.name,
      kind: body.kind,
      country: body.country,
      region: body.region ?? null,
      currency: body.currency,
      active: true,
      weightTolerancePct: body.weight_tolerance_pct,
      weightToleranceGrams: body.weight_tolerance_grams,
      webhookUrl: body.webhook_url ?? null,
      webhookSecret: body.kind === "third_party" ? webhookSecret() : null,
      storeIds: body.store_ids,
      createdAt: now,
      updatedAt: now,
    };
    // Its home first (the pool of its stores, and the tag of its waves), then its rows on the home's shard.
    const home = await homeNewWarehouse(c.env, row.id, now, pool);
    const db = database(onShard(c.env, home.shard));
    await db.batch([
      db.insert(warehouses).values(row),
      db.insert(warehouseChanges).values({ id: newId("whc", now), warehouseId: row.id, action: "create", actor: p.id, changes: changedFields({}, configOf(row)), createdAt: now }),
      db.insert(bins).values({ id: newId("bin", now), warehouseId: row.id, zoneId: null, code: OUTBOUND_BIN, kind: "outbound", pickSequence: 0, active: true, createdAt: now }),
    ]);
    if (row.storeIds.includes("*")) await confirmNewEveryStore(onShard(c.env, home.shard), row.id);
    return c.json({ ...warehouseBody(row), webhook_secret: row.webhookSecret }, 201, { location: `/v1/warehouses/${row.id}` });
  },
);

warehouseRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/warehouses",
    permission: "warehouses:read",
    tags: ["Warehouses"],
    summary: "List the warehouses this key may see",
    request: { query: WarehouseListQuery },
    responses: { 200: jsonResponse(WarehouseList, "A page of warehouses"), ...problems() },
  }),
  async (c) => {
    const { cursor, limit } = c.req.valid("query");
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (after === null) throw validationFailed([{ field: "cursor", message: "is not a cursor from this list" }], 400);
    const p = c.get("principal");
    // Each warehouse is on its pool's shard: every shard holding one of the principal's stores is asked.
    const rows = await listedAcross(
      c.env,
      p,
      undefined,
      (onIt) =>
        database(onIt)
          .select()
          .from(warehouses)
          .where(and(warehouseScope(p, warehouses.id), warehouseStoreScope(p), after ? lt(warehouses.id, after) : undefined))
          .orderBy(desc(warehouses.id))
          .limit(limit + 1)
          .all(),
      (w) => w.id,
    );
    const page = rows.slice(0, limit);
    return c.json({ data: page.map(warehouseBody), next_cursor: rows.length > limit ? encodeCursor(page.at(-1)!.id) : null }, 200);
  },
);

warehouseRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/warehouses/{id}",
    permission: "warehouses:read",
    tags: ["Warehouses"],
    summary: "Get a warehouse",
    request: { params: WarehouseIdParam },
    responses: { 200: jsonResponse(Warehouse, "The warehouse"), ...problems(404) },
  }),
  async (c) => c.json(warehouseBody(await warehouseOr404(c.env, c.get("principal"), c.req.valid("param").id)), 200),
);

warehouseRoutes.openapi(
  apiRoute({
    method: "patch",
    path: "/v1/warehouses/{id}",
    permission: "warehouses:manage",
    tags: ["Warehouses"],
    summary: "Update a warehouse",
    description:
      "An inactive warehouse is left out of allocation; its stock stays where it is. A shared warehouse (of several stores, or of every store) is changed only by a key for every store, and `store_ids` only within the key's own stores, and only to stores on the database of the warehouse's stock pool, whose pools it joins (else 409 `pool_split`). Every change is recorded (`GET /v1/warehouses/{id}/changes`).",
    request: { params: WarehouseIdParam, body: jsonBody(UpdateWarehouse) },
    responses: { 200: jsonResponse(Warehouse, "The warehouse"), ...problems(404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const p = c.get("principal");
    const wh = await managedWarehouseOr404(c.env, p, c.req.valid("param").id);
    const patch = c.req.valid("json");
    const { weight_tolerance_pct, weight_tolerance_grams, webhook_url, store_ids, ...rest } = patch;
    if (webhook_url !== undefined && wh.kind !== "third_party") {
      throw validationFailed([{ field: "webhook_url", message: "only a third_party warehouse has a webhook_url" }]);
    }
    if (store_ids !== undefined) {
      assertMayManage(p, store_ids);
      await assertStoresExist(c.env, store_ids);
      await poolFor(c.env, store_ids, await poolOfWarehouse(c.env, wh.id));
    }
    const changes = changedFields(configOf(wh), patch);
    if (!Object.keys(changes).length) return c.json(warehouseBody(wh), 200);
    // Guarded by the version read: the change record and the change commit together, or (a concurrent change won) neither.
    const now = Math.max(Date.now(), wh.updatedAt + 1);
    const db = database(c.env);
    const unchanged = and(eq(warehouses.id, wh.id), eq(warehouses.updatedAt, wh.updatedAt));
    const [, updated] = await db.batch([
      db
        .insert(warehouseChanges)
        .select(sql`SELECT ${newId("whc", now)}, ${wh.id}, 'update', ${p.id}, ${JSON.stringify(changes)}, ${now} WHERE EXISTS (SELECT 1 FROM ${warehouses} WHERE ${unchanged})`),
      db
        .update(warehouses)
        .set({
          ...rest,
          ...(weight_tolerance_pct !== undefined ? { weightTolerancePct: weight_tolerance_pct } : {}),
          ...(weight_tolerance_grams !== undefined ? { weightToleranceGrams: weight_tolerance_grams } : {}),
          ...(webhook_url !== undefined ? { webhookUrl: webhook_url } : {}),
          ...(store_ids !== undefined ? { storeIds: store_ids } : {}),
          updatedAt: now,
        })
        .where(unchanged)
        .returning(),
    ]);
    if (!updated.length) throw new ApiError(409, "conflict", "Changed meanwhile", "The warehouse was changed by someone else meanwhile; read it again and retry");
    if (store_ids?.includes("*") && !wh.storeIds.includes("*")) await confirmEveryStoreChange(c.env, { warehouse: wh, actor: p.id, changedAt: now });
    return c.json(warehouseBody(updated[0]!), 200);
  },
);

warehouseRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/warehouses/{id}/changes",
    permission: "warehouses:read",
    tags: ["Warehouses"],
    summary: "Who changed the warehouse's configuration, when, and what: newest first",
    request: { params: WarehouseIdParam, query: WarehouseListQuery },
    responses: { 200: jsonResponse(WarehouseChangeList, "A page of changes"), ...problems(400, 404) },
  }),
  async (c) => {
    const wh = await warehouseOr404(c.env, c.get("principal"), c.req.valid("param").id);
    const { cursor, limit } = c.req.valid("query");
    const after = cursorKey(cursor, (k) => k.startsWith("whc_"));
    const rows = await database(c.env)
      .select()
      .from(warehouseChanges)
      .where(and(eq(warehouseChanges.warehouseId, wh.id), after ? lt(warehouseChanges.id, after) : undefined))
      .orderBy(desc(warehouseChanges.id))
      .limit(limit + 1)
      .all();
    const page = pageOf(rows, limit, (r) => r.id);
    const names = await actorNames(
      directoryD1(c.env),
      page.data.map((r) => r.actor),
    );
    return c.json(
      {
        data: page.data.map((r) => ({
          id: r.id,
          warehouse_id: r.warehouseId,
          action: r.action,
          actor: r.actor,
          ...namedActor(names, r.actor),
          changes: r.changes,
          created_at: iso(r.createdAt),
        })),
        next_cursor: page.next_cursor,
      },
      200,
    );
  },
);

warehouseRoutes.post("/v1/warehouses/:id/zones", idempotent());
warehouseRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/warehouses/{id}/zones",
    permission: "warehouses:manage",
    tags: ["Warehouses"],
    summary: "Add a zone",
    request: { params: WarehouseIdParam, body: jsonBody(CreateZone) },
    responses: { 201: jsonResponse(Zone, "The zone"), ...problems(404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const wh = await managedWarehouseOr404(c.env, c.get("principal"), c.req.valid("param").id);
    const body = c.req.valid("json");
    const now = Date.now();
    const row = { id: newId("zn", now), warehouseId: wh.id, code: body.code, name: body.name, createdAt: now };
    const db = database(c.env);
    try {
      // The layout is configuration too: the change record commits with it, or neither does.
      await db.batch([
        db.insert(zones).values(row),
        db.insert(warehouseChanges).values(layoutChange({ wh, actor: c.get("principal").id, now, added: { zone: { code: row.code, name: row.name } } })),
      ]);
    } catch (err) {
      if (constraintFailed(err, "zones.warehouse_id, zones.code")) throw new ApiError(409, "duplicate_code", "Zone exists", `Zone ${body.code} already exists here`);
      throw err;
    }
    return c.json(zoneBody(row), 201);
  },
);

warehouseRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/warehouses/{id}/zones",
    permission: "warehouses:read",
    tags: ["Warehouses"],
    summary: "List a warehouse's zones",
    request: { params: WarehouseIdParam },
    responses: { 200: jsonResponse(ZoneList, "Its zones"), ...problems(404) },
  }),
  async (c) => {
    const wh = await warehouseOr404(c.env, c.get("principal"), c.req.valid("param").id);
    const rows = await database(c.env).select().from(zones).where(eq(zones.warehouseId, wh.id)).orderBy(asc(zones.code)).all();
    return c.json({ data: rows.map(zoneBody) }, 200);
  },
);

warehouseRoutes.post("/v1/warehouses/:id/bins", idempotent());
warehouseRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/warehouses/{id}/bins",
    permission: "warehouses:manage",
    tags: ["Warehouses"],
    summary: "Add a bin location",
    request: { params: WarehouseIdParam, body: jsonBody(CreateBin) },
    responses: { 201: jsonResponse(Bin, "The bin"), ...problems(404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const wh = await managedWarehouseOr404(c.env, c.get("principal"), c.req.valid("param").id);
    const body = c.req.valid("json");
    const db = database(c.env);
    const zone = body.zone
      ? await db
          .select()
          .from(zones)
          .where(and(eq(zones.warehouseId, wh.id), eq(zones.code, body.zone)))
          .get()
      : null;
    if (body.zone && !zone) throw validationFailed([{ field: "zone", message: `no zone ${body.zone} in this warehouse` }]);
    const now = Date.now();
    const row = {
      id: newId("bin", now),
      warehouseId: wh.id,
      zoneId: zone?.id ?? null,
      code: body.code,
      kind: "storage" as const,
      pickSequence: body.pick_sequence,
      active: true,
      createdAt: now,
    };
    try {
      const added = { bin: { code: row.code, zone: zone?.code ?? null, pick_sequence: row.pickSequence } };
      await db.batch([db.insert(bins).values(row), db.insert(warehouseChanges).values(layoutChange({ wh, actor: c.get("principal").id, now, added }))]);
    } catch (err) {
      if (constraintFailed(err, "bins.warehouse_id, bins.code")) throw new ApiError(409, "duplicate_code", "Bin exists", `Bin ${body.code} already exists here`);
      throw err;
    }
    return c.json(binBody(row, zone?.code ?? null), 201);
  },
);

warehouseRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/warehouses/{id}/bins",
    permission: "warehouses:read",
    tags: ["Warehouses"],
    summary: "List a warehouse's bins in picking-path order",
    description: "Paged by `cursor` and `limit`: a big warehouse has thousands of bins.",
    request: { params: WarehouseIdParam, query: BinListQuery },
    responses: { 200: jsonResponse(BinList, "Its bins"), ...problems(400, 404) },
  }),
  async (c) => {
    const wh = await warehouseOr404(c.env, c.get("principal"), c.req.valid("param").id);
    const { cursor, limit } = c.req.valid("query");
    // Path order is (pick_sequence, code); the cursor is both, the sequence zero-padded so keys sort as the path does.
    const after = cursorKey(cursor, (k) => BIN_KEY.test(k));
    const [, seq, code] = after ? BIN_KEY.exec(after)! : [];
    const rows = await database(c.env)
      .select({ bin: bins, zoneCode: zones.code })
      .from(bins)
      .leftJoin(zones, eq(zones.id, bins.zoneId))
      .where(and(eq(bins.warehouseId, wh.id), after ? or(gt(bins.pickSequence, Number(seq)), and(eq(bins.pickSequence, Number(seq)), gt(bins.code, code!))) : undefined))
      .orderBy(asc(bins.pickSequence), asc(bins.code))
      .limit(limit + 1)
      .all();
    const page = pageOf(rows, limit, (r) => `${String(r.bin.pickSequence).padStart(10, "0")}:${r.bin.code}`);
    return c.json({ data: page.data.map((r) => binBody(r.bin, r.zoneCode)), next_cursor: page.next_cursor }, 200);
  },
);
