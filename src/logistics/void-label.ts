/**
 * Voiding a label that was not handed over (wrong carrier, the order was
 * cancelled, the parcel is repacked): the carrier cancels it first, since that
 * is the step that can fail and costs money if skipped; then, in one batch
 * guarded on the shipment still being `labelled`, the label and its tracking
 * row go and the shipment is `packed` again (an intercepted one stays
 * intercepted, now as a packed parcel), ready for a new label.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import { database } from "../db/client";
import { shipmentLabels, shipments, shipmentTracking } from "../db/schema";
import type { ShardEnv } from "../env";
import type { Principal } from "../http/auth";
import { moveShipments } from "../fulfilment/shipment-lifecycle";
import { shipmentScope } from "../fulfilment/shipment-queries";
import { insertLedgerSelect, sqlLedgerId } from "../finance/ledger-writes";
import { adapterFor, type AdapterDeps } from "./carriers/adapter-for";
import { loadLogisticsConfig } from "./load-logistics-config";

export type VoidResult =
  | { ok: true; trackingNumber: string }
  | { ok: false; code: "not_found" }
  | { ok: false; code: "not_labelled" | "already_shipped" | "conflict" | "carrier_unavailable" | "carrier_refused"; message: string };

export async function voidLabel(env: ShardEnv, shipmentId: string, { principal: p, deps = {} }: { principal: Principal; deps?: AdapterDeps }): Promise<VoidResult> {
  const db = database(env);
  const row = await db
    .select({ s: shipments, t: shipmentTracking })
    .from(shipments)
    .leftJoin(shipmentTracking, eq(shipmentTracking.shipmentId, shipments.id))
    .where(and(eq(shipments.id, shipmentId), shipmentScope(p)))
    .get();
  if (!row) return { ok: false, code: "not_found" };
  const t = row.t;
  if (!t) return { ok: false, code: "not_labelled", message: `a ${row.s.status} shipment has no label` };
  // A parcel intercepted at the dock keeps its label until someone voids it: it is then stopped as a packed parcel.
  const stoppedLabelled = row.s.status === "intercepted" && row.s.interceptedFrom === "labelled";
  if (t.handedOverAt !== null || (row.s.status !== "labelled" && !stoppedLabelled)) {
    return { ok: false, code: "already_shipped", message: "the parcel is with the carrier; a handed-over label cannot be voided" };
  }

  const { config } = await loadLogisticsConfig(db, t.storeId);
  const carrier = config.carriers.find((c) => c.code === t.carrier);
  // A label from a carrier no longer configured (or recorded from elsewhere) is voided with that carrier by hand.
  if (carrier && t.adapter !== "external") {
    const cancelled = await adapterFor(carrier, env, deps).cancel(t.carrierRef);
    if (!cancelled.ok) return { ok: false, code: cancelled.code === "not_available" ? "carrier_unavailable" : cancelled.code, message: cancelled.message };
  }
  const now = Date.now();
  const reopened = sql`EXISTS (SELECT 1 FROM ${shipments} WHERE ${shipments.id} = ${shipmentId} AND ${shipments.updatedAt} = ${now}
    AND (${shipments.status} = 'packed' OR (${shipments.status} = 'intercepted' AND ${shipments.interceptedFrom} = 'packed')))`;
  const [updated] = await db.batch([
    stoppedLabelled
      ? db
          .update(shipments)
          .set({ interceptedFrom: "packed", updatedAt: now })
          .where(and(eq(shipments.id, shipmentId), eq(shipments.status, "intercepted"), eq(shipments.interceptedFrom, "labelled")))
          .returning({ id: shipments.id })
      : moveShipments(db, { event: "void_label", where: eq(shipments.id, shipmentId), now }).returning({ id: shipments.id }),
    // The label's cost goes back off the ledger (a new entry: the ledger never changes), if this batch reopened it.
    insertLedgerSelect(
      db,
      sql`SELECT ${sqlLedgerId}, ${t.storeId}, ${t.orderId}, 'shipping_cost', ${t.rateAmount}, ${t.currency}, ${t.trackingNumber}, NULL, NULL, 'label_void',
        ${`label_void:${shipmentId}:${t.trackingNumber}`}, NULL, ${p.id}, ${now} WHERE ${reopened}`,
    ),
    db.delete(shipmentLabels).where(and(eq(shipmentLabels.shipmentId, shipmentId), reopened)),
    db.delete(shipmentTracking).where(and(eq(shipmentTracking.shipmentId, shipmentId), isNull(shipmentTracking.handedOverAt), reopened)),
  ]);
  if (updated.length === 0) return { ok: false, code: "conflict", message: "the shipment changed meanwhile (handed over?); reload it" };
  return { ok: true, trackingNumber: t.trackingNumber };
}
