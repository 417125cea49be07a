/** A store's carriers and services (data), and the carrier choice's dry run with its explanation. */
import { OpenAPIHono } from "@hono/zod-openapi";
import { and, eq, isNull } from "drizzle-orm";
import { database } from "../db/client";
import { orders, shipmentItems, shipments, storeLogistics, stores } from "../db/schema";
import type { AppEnv } from "../env";
import { assertStoreInScope, seesStore, type Principal } from "../http/auth";
import { notFound, validationFailed, type FieldError } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { toMinor } from "../lib/money";
import { iso } from "../orders/serialize";
import { shipmentScope } from "../fulfilment/shipment-queries";
import { LogisticsConfigSchema, type LogisticsConfig } from "./carrier-config";
import type { ChoiceInput } from "./carrier-policy";
import { packagesOf } from "./create-label";
import { defaultCarrierPolicy } from "./default-carrier-policy";
import { loadLogisticsConfig } from "./load-logistics-config";
import { CarrierChoiceDryRun, CarrierChoiceResult, StoredLogisticsConfig, StoreIdParam } from "./schemas";
import { explanationBody } from "./serialize";
import { fromMinor } from "../lib/money";

export const carrierRoutes = new OpenAPIHono<AppEnv>();

async function storeOr404(env: AppEnv["Bindings"], p: Principal, id: string) {
  if (!seesStore(p, id)) throw notFound("store");
  const row = await database(env).select({ id: stores.id, currency: stores.currency }).from(stores).where(eq(stores.id, id)).get();
  if (!row) throw notFound("store");
  return row;
}

/** What the schema cannot know: prices must be amounts of the store's currency, and HTTP carriers' key secrets must exist. */
function configErrors(config: LogisticsConfig, currency: string, env: AppEnv["Bindings"]): FieldError[] {
  const errors: FieldError[] = [];
  config.carriers.forEach((c, i) => {
    if (c.adapter.type === "http" && !env[c.adapter.key_secret as `CARRIER_KEY_${string}`]) {
      errors.push({ field: `carriers.${i}.adapter.key_secret`, message: `no Worker secret ${c.adapter.key_secret} is set` });
    }
    c.services.forEach((s, j) => {
      s.rates.forEach((r, k) => {
        const m = toMinor(r.price, currency);
        if (!m.ok) errors.push({ field: `carriers.${i}.services.${j}.rates.${k}.price`, message: m.message });
      });
    });
  });
  return errors;
}

carrierRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/stores/{id}/logistics",
    permission: "carriers:read",
    tags: ["Logistics"],
    summary: "A store's carriers, services, rates and carrier-choice settings (or the sandbox default)",
    request: { params: StoreIdParam },
    responses: { 200: jsonResponse(StoredLogisticsConfig, "The config"), ...problems(404) },
  }),
  async (c) => {
    const store = await storeOr404(c.env, c.get("principal"), c.req.valid("param").id);
    const { config, stored, updatedAt } = await loadLogisticsConfig(database(c.env), store.id);
    return c.json({ store_id: store.id, is_default: !stored, updated_at: updatedAt === null ? null : iso(updatedAt), config }, 200);
  },
);

carrierRoutes.openapi(
  apiRoute({
    method: "put",
    path: "/v1/stores/{id}/logistics",
    permission: "carriers:manage",
    tags: ["Logistics"],
    summary: "Replace a store's carriers, services, rates and carrier-choice settings",
    description: "Applies to labels created from now on. Prices are decimal strings in the store's currency.",
    request: { params: StoreIdParam, body: jsonBody(LogisticsConfigSchema) },
    responses: { 200: jsonResponse(StoredLogisticsConfig, "The config"), ...problems(404, 413, 415, 422) },
  }),
  async (c) => {
    const p = c.get("principal");
    const store = await storeOr404(c.env, p, c.req.valid("param").id);
    const config = c.req.valid("json");
    const errors = configErrors(config, store.currency, c.env);
    if (errors.length) throw validationFailed(errors);
    const now = Date.now();
    await database(c.env)
      .insert(storeLogistics)
      .values({ storeId: store.id, config, updatedBy: p.id, updatedAt: now })
      .onConflictDoUpdate({ target: storeLogistics.storeId, set: { config, updatedBy: p.id, updatedAt: now } });
    return c.json({ store_id: store.id, is_default: false, updated_at: iso(now), config }, 200);
  },
);

carrierRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/carrier-choices/dry-run",
    permission: "carriers:read",
    tags: ["Logistics"],
    summary: "Which carrier and service the store's policy would choose, and why (nothing is bought)",
    description: "For a packed shipment (`shipment_id`), or for a destination, packages and SKUs of a store.",
    request: { body: jsonBody(CarrierChoiceDryRun) },
    responses: { 200: jsonResponse(CarrierChoiceResult, "The choice and its explanation"), ...problems(404, 413, 415, 422) },
  }),
  async (c) => {
    const p = c.get("principal");
    const b = c.req.valid("json");
    const db = database(c.env);
    let storeId: string;
    let input: Omit<ChoiceInput, "currency">;
    if (b.shipment_id) {
      const s = await db
        .select()
        .from(shipments)
        .where(and(eq(shipments.id, b.shipment_id), shipmentScope(p)))
        .get();
      if (!s) throw notFound("shipment");
      const packages = packagesOf(s);
      if (!packages.length) throw validationFailed([{ field: "shipment_id", message: "the shipment has no weighed packages yet" }]);
      const [o, items] = await db.batch([
        db.select({ address: orders.shippingAddress }).from(orders).where(eq(orders.id, s.orderId)),
        db
          .selectDistinct({ sku: shipmentItems.sku })
          .from(shipmentItems)
          .where(and(eq(shipmentItems.shipmentId, s.id), isNull(shipmentItems.cancelledAt))),
      ]);
      storeId = s.storeId;
      input = {
        destination: { country: o[0]!.address.country ?? "", region: o[0]!.address.region ?? null },
        packages,
        skus: items.map((i) => i.sku),
        preferredCarrier: b.preferred_carrier ?? s.carrier,
      };
    } else {
      assertStoreInScope(p, b.store_id!);
      storeId = b.store_id!;
      input = {
        destination: { country: b.destination!.country, region: b.destination!.region ?? null },
        packages: b.packages!,
        skus: b.skus,
        preferredCarrier: b.preferred_carrier ?? null,
      };
    }
    const store = await storeOr404(c.env, p, storeId);
    const { config } = await loadLogisticsConfig(db, store.id);
    const forced = b.carrier && b.service ? { carrier: b.carrier, service: b.service } : undefined;
    const choice = defaultCarrierPolicy.choose(config, { ...input, currency: store.currency, forced });
    const explanation = explanationBody(choice.explanation, store.currency);
    return c.json(
      choice.ok
        ? {
            ok: true,
            carrier: choice.carrier,
            service: choice.service,
            zone: choice.zone,
            price: fromMinor(choice.price, store.currency),
            transit_days: choice.transitDays,
            reason: null,
            message: null,
            explanation,
          }
        : { ok: false, carrier: null, service: null, zone: null, price: null, transit_days: null, reason: choice.reason, message: choice.message, explanation },
      200,
    );
  },
);
