/**
 * Platform (marketplace) fees where the merchant knows their contract. No
 * platform's order payload carries its fees, so a channel connection may
 * carry a fee schedule (`platform_fee` of src/db/schema/channels.ts, set
 * through the connection routes); at each capture of an order taken in
 * through that connection, this books `platform_fee`:
 *
 *   −(round(captured × percent_bps / 10,000) + fixed_minor), half up,
 *
 * (integer division: D1 binds a JS number as REAL, hence the CAST)
 * in the capture's batch, as an INSERT … SELECT (no read on the payment
 * path: an order of no connection, a connection without a schedule, or a
 * schedule in another currency selects nothing). Keyed like its capture
 * (`platform_fee:<order>:<reference or "order">`), so a capture reported
 * twice books its fee once. A schedule changed later applies to later
 * captures; what was booked stays (a correction fixes it).
 */
import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { channelConnections, channelOrders } from "../db/schema";
import type { LedgerDraft } from "./ledger-rules";
import { insertLedgerSelect, sqlLedgerId } from "./ledger-writes";

/** The fee of a capture of `amount` minor units under a schedule: the SQL below, stated for the unit tests. */
export const platformFeeOf = (amount: number, s: { percent_bps: number; fixed_minor: number }) => -(Math.floor((amount * s.percent_bps + 5000) / 10_000) + s.fixed_minor);

export function platformFeeInsert(db: Database, capture: LedgerDraft, at: { orderId: string; storeId: string; actor: string; now: number }) {
  const key = `platform_fee:${at.orderId}:${capture.reference ?? "order"}`;
  const fee = sql`json_extract(cc.platform_fee, '$.percent_bps')`;
  return insertLedgerSelect(
    db,
    sql`SELECT ${sqlLedgerId}, ${at.storeId}, ${at.orderId}, 'platform_fee', -((CAST(${capture.amount} AS INTEGER) * ${fee} + 5000) / 10000 + json_extract(cc.platform_fee, '$.fixed_minor')),
        ${capture.currency}, ${capture.reference}, NULL, NULL, 'fee_schedule', ${key}, NULL, ${at.actor}, ${at.now}
      FROM ${channelOrders} co JOIN ${channelConnections} cc ON cc.id = co.connection_id
      WHERE co.order_id = ${at.orderId} AND cc.platform_fee IS NOT NULL AND json_extract(cc.platform_fee, '$.currency') = ${capture.currency}`,
  );
}
