/** Support's decision on a request: found within the key's stores, its refund read in the order's currency, then run through the order's object. */
import { eq } from "drizzle-orm";
import { database } from "../db/client";
import { afterSalesRequests } from "../db/schema";
import type { ShardEnv } from "../env";
import type { Principal } from "../http/auth";
import { toMinor } from "../lib/money";
import { type AfterSalesResult, runAfterSales } from "./run-after-sales";
import type { AfterSalesTransitionInput } from "./schemas";

export async function decideAfterSales(
  env: ShardEnv,
  requestId: string,
  opts: { principal: Principal; expectedVersion: number | null; body: AfterSalesTransitionInput },
): Promise<AfterSalesResult> {
  const { principal: p, expectedVersion, body } = opts;
  const found = await database(env)
    .select({ orderId: afterSalesRequests.orderId, storeId: afterSalesRequests.storeId, currency: afterSalesRequests.currency })
    .from(afterSalesRequests)
    .where(eq(afterSalesRequests.id, requestId))
    .get();
  if (!found || (p.stores !== "*" && !p.stores.includes(found.storeId))) return { ok: false, code: "request_not_found" };
  let refundAmount: number | null = null;
  if (body.refund_amount !== undefined) {
    const parsed = toMinor(body.refund_amount, found.currency);
    if (!parsed.ok) return { ok: false, code: "invalid", errors: [{ field: "refund_amount", message: parsed.message }] };
    refundAmount = parsed.minor;
  }
  return runAfterSales(env, found.orderId, {
    actor: p.id,
    stores: p.stores,
    action: {
      type: "decide",
      requestId,
      expectedVersion,
      decision: {
        event: body.event,
        note: body.note ?? null,
        internalNote: body.internal_note ?? null,
        resolution: body.resolution ?? null,
        refundAmount,
        refundReference: body.refund_reference ?? null,
      },
    },
  });
}
