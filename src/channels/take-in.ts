/**
 * Taking a platform order in: the one path by which a platform's order
 * becomes, changes or cancels ours, whether a webhook brought it or
 * reconciliation found it.
 */
import type { Env } from "../env";
import type { PlatformConnection, PlatformOrder } from "./platforms/platform";

export type TakeInSource = "webhook" | "reconciliation" | "backfill";

export type TakeInResult = {
  /** created: a new order; updated: changed (re-audited or intercepted); cancelled; unchanged: nothing new; stale: older than what we applied; skipped: not an order to take (a draft). */
  outcome: "created" | "updated" | "cancelled" | "unchanged" | "stale" | "skipped";
  orderId: string | null;
};

export async function takeInPlatformOrder(
  _env: Env,
  _connection: PlatformConnection,
  _order: PlatformOrder,
  _options: { source: TakeInSource; deliveryId: string | null },
): Promise<TakeInResult> {
  throw new Error("to be written");
}
