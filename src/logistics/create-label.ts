/**
 * Labelling a packed shipment: choose the carrier (the store's policy, or a
 * person's choice if eligible), buy the label through the carrier's adapter,
 * then record it in one batch: the shipment becomes `labelled`, its tracking
 * row and PDF are stored. The tracking row's key is taken from a subquery
 * that finds the shipment only if *this* batch labelled it, so an
 * interception or a second label racing this one makes that key NULL, the
 * NOT NULL constraint fails the whole batch, and the label just bought is
 * cancelled at the carrier (the compensation of the one outside side effect).
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import { constraintFailed, database } from "../db/client";
import { orders, shipmentItems, shipmentLabels, shipments, shipmentTracking, stores, warehouses } from "../db/schema";
import type { ShardEnv } from "../env";
import type { Principal } from "../http/auth";
import { moveShipments } from "../fulfilment/shipment-lifecycle";
import { insertLedgerSelect, sqlLedgerId } from "../finance/ledger-writes";
import { shipmentScope } from "../fulfilment/shipment-queries";
import type { CarrierChoice, ChoiceExplanation, PackageFacts } from "./carrier-policy";
import { adapterFor, type AdapterDeps } from "./carriers/adapter-for";
import type { LabelAddress } from "./label-pdf";
import { defaultCarrierPolicy } from "./default-carrier-policy";
import { logisticsConfigFrom, logisticsConfigQuery } from "./load-logistics-config";
import { rematchTrackingEvents, waitingForLabelQuery } from "./rematch-tracking-events";
import { routeTracking, takeEarlyEvents } from "./tracking-route";
import { toBase64 } from "./webhooks/signatures";

export type TrackingRow = typeof shipmentTracking.$inferSelect;

/** A label bought and recorded comes with its printable PDF as stored (`pdfBase64`, base64), for a caller that prints at once. */
export type LabelResult =
  | { ok: true; tracking: TrackingRow; pdfBase64: string }
  | { ok: false; code: "not_found" }
  | { ok: false; code: "already_labelled" | "not_packed" | "intercepted" | "conflict" | "carrier_unavailable" | "carrier_refused"; message: string }
  | { ok: false; code: "no_eligible_service" | "forced_not_eligible"; message: string; explanation: ChoiceExplanation; currency: string };

export function toAddress(a: Record<string, string | null>): LabelAddress {
  const cityLine = [a.city, a.region, a.postal_code].filter(Boolean).join(" ");
  return { name: a.name ?? null, lines: [a.company, a.line1, a.line2, a.district, cityLine].filter((l): l is string => !!l), country: a.country ?? "" };
}

export function packagesOf(s: typeof shipments.$inferSelect): PackageFacts[] {
  const raw = (s.packages ?? []) as Partial<PackageFacts>[];
  return raw
    .filter((p) => typeof p.weight_grams === "number")
    .map((p) => ({ weight_grams: p.weight_grams!, length_mm: p.length_mm ?? 0, width_mm: p.width_mm ?? 0, height_mm: p.height_mm ?? 0 }));
}

export async function createLabel(
  env: ShardEnv,
  shipmentId: string,
  { principal: p, input, deps = {} }: { principal: Principal; input: { carrier?: string | undefined; service?: string | undefined }; deps?: AdapterDeps },
): Promise<LabelResult> {
  const db = database(env);
  // Everything the choice reads, in one round trip: the shipment (in the caller's scope), any label it has, and,
  // through the shipment's own columns, its order's address, its store's currency and logistics config, its
  // warehouse and its SKUs. Nothing but the shipment is used unless the shipment is the caller's to label.
  const of = (column: typeof shipments.orderId | typeof shipments.storeId | typeof shipments.warehouseId) =>
    sql`(SELECT ${column} FROM ${shipments} WHERE ${shipments.id} = ${shipmentId})`;
  const [sRows, existingRows, orderRows, storeRows, whRows, items, configRows] = await db.batch([
    db
      .select()
      .from(shipments)
      .where(and(eq(shipments.id, shipmentId), shipmentScope(p))),
    db.select({ n: shipmentTracking.trackingNumber }).from(shipmentTracking).where(eq(shipmentTracking.shipmentId, shipmentId)),
    db
      .select({ id: orders.id, address: orders.shippingAddress })
      .from(orders)
      .where(eq(orders.id, of(shipments.orderId))),
    db
      .select({ currency: stores.currency })
      .from(stores)
      .where(eq(stores.id, of(shipments.storeId))),
    db
      .select({ name: warehouses.name, country: warehouses.country, region: warehouses.region })
      .from(warehouses)
      .where(eq(warehouses.id, of(shipments.warehouseId))),
    db
      .selectDistinct({ sku: shipmentItems.sku })
      .from(shipmentItems)
      .where(and(eq(shipmentItems.shipmentId, shipmentId), isNull(shipmentItems.cancelledAt))),
    logisticsConfigQuery(db, of(shipments.storeId)),
  ]);
  const s = sRows[0];
  if (!s) return { ok: false, code: "not_found" };
  const existing = existingRows[0];
  if (existing) return { ok: false, code: "already_labelled", message: `the shipment already has label ${existing.n}` };
  if (s.status === "intercepted") return { ok: false, code: "intercepted", message: `the shipment was intercepted: ${s.interceptReason ?? "no reason given"}` };
  const packages = packagesOf(s);
  if (s.status !== "packed" || s.readyForLabelAt === null || packages.length === 0) {
    return { ok: false, code: "not_packed", message: `a ${s.status} shipment is not ready for a label: it must be packed and weighed first` };
  }

  const order = orderRows[0]!;
  const currency = storeRows[0]!.currency;
  const wh = whRows[0]!;
  const { config } = logisticsConfigFrom(configRows[0], s.storeId);
  const forced = input.carrier && input.service ? { carrier: input.carrier, service: input.service } : undefined;
  const choice: CarrierChoice = defaultCarrierPolicy.choose(config, {
    destination: { country: order.address.country ?? "", region: order.address.region ?? null },
    packages,
    skus: items.map((i) => i.sku),
    currency,
    preferredCarrier: s.carrier,
    forced,
  });
  if (!choice.ok) return { ok: false, code: choice.reason, message: choice.message, explanation: choice.explanation, currency };

  const carrier = config.carriers.find((c) => c.code === choice.carrier)!;
  const service = carrier.services.find((x) => x.code === choice.service)!;
  const adapter = adapterFor(carrier, env, deps);
  const bought = await adapter.createShipment({
    shipmentId: s.id,
    reference: `${order.id} ${s.id}`,
    service: { code: service.code, name: `${service.name} (${service.transit_days.min}-${service.transit_days.max} days)` },
    from: { name: wh.name, lines: wh.region ? [wh.region] : [], country: wh.country },
    to: toAddress(order.address),
    packages,
  });
  if (!bought.ok) return { ok: false, code: bought.code === "not_available" ? "carrier_unavailable" : bought.code, message: bought.message };

  const now = Date.now();
  const label = bought.value;
  // The parcel's route first (the carrier's webhooks name no store), so no event for it lands on another shard after
  // it; then the events that reached shard 0 before it (./tracking-route.ts). A label whose route cannot be written
  // is cancelled, as one that cannot be recorded is: its tracking would never reach this shard.
  try {
    await routeTracking(env, { trackingNumber: label.trackingNumber, carrier: carrier.code, storeId: s.storeId, now });
    await takeEarlyEvents(env, label.trackingNumber, now);
  } catch (err) {
    const cancelled = await adapter.cancel(label.carrierRef);
    if (!cancelled.ok) console.error(`label ${label.trackingNumber} for ${s.id} was bought but not routed, and cancelling it failed: ${cancelled.message}`);
    throw err;
  }
  const row: TrackingRow = {
    shipmentId: s.id,
    storeId: s.storeId,
    orderId: s.orderId,
    carrier: carrier.code,
    service: service.code,
    adapter: adapter.kind,
    carrierRef: label.carrierRef,
    trackingNumber: label.trackingNumber,
    trackingUrl: label.trackingUrl,
    rateAmount: choice.price,
    currency,
    packageCount: packages.length,
    explanation: choice.explanation,
    status: null,
    statusAt: null,
    peakRank: 0,
    lastUpdateAt: now,
    version: 1,
    lastEventId: null,
    labelledBy: p.id,
    labelledAt: now,
    handedOverBy: null,
    handedOverAt: null,
    deliveredAt: null,
  };
  // NULL unless this batch's update labelled the shipment: the NOT NULL key then fails the batch.
  const mine = sql`(SELECT ${shipments.id} FROM ${shipments} WHERE ${shipments.id} = ${s.id} AND ${shipments.status} = 'labelled' AND ${shipments.updatedAt} = ${now} AND ${shipments.carrier} = ${carrier.code})`;
  const pdfBase64 = toBase64(label.label);
  let waiting: { id: string }[];
  try {
    const written = await db.batch([
      moveShipments(db, { event: "label", where: eq(shipments.id, s.id), set: { carrier: carrier.code }, now }),
      db.insert(shipmentTracking).values({ ...row, shipmentId: mine }),
      db.insert(shipmentLabels).values({ shipmentId: mine, contentType: "application/pdf", data: pdfBase64, createdAt: now }),
      // What the label cost, on the ledger of the shipment's order, only if this batch labelled it.
      insertLedgerSelect(
        db,
        sql`SELECT ${sqlLedgerId}, ${s.storeId}, ${s.orderId}, 'shipping_cost', ${-row.rateAmount}, ${currency}, ${row.trackingNumber}, NULL, NULL, 'label',
          ${`label:${s.id}:${row.trackingNumber}`}, NULL, ${p.id}, ${now} WHERE ${mine} IS NOT NULL`,
      ),
      // Partners may have reported this parcel before we recorded its label: read in this batch, after the label.
      waitingForLabelQuery(db, row.trackingNumber, now),
    ]);
    waiting = written.at(-1) as { id: string }[];
  } catch (err) {
    if (!constraintFailed(err, "shipment_tracking") && !constraintFailed(err, "shipment_labels")) throw err;
    const cancelled = await adapter.cancel(label.carrierRef);
    if (!cancelled.ok) console.error(`label ${label.trackingNumber} for ${s.id} was bought but not recorded, and cancelling it failed: ${cancelled.message}`);
    return { ok: false, code: "conflict", message: "the shipment changed while the label was bought (intercepted or labelled by someone else); the label was cancelled" };
  }
  if (waiting.length) await rematchTrackingEvents(env, row.trackingNumber, { now, waiting });
  return { ok: true, tracking: row, pdfBase64 };
}
