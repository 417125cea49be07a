/** The Shopify Admin REST calls the engine makes. */
import type { CallResult, ChangedOrdersPage, FulfillmentPush, Http, PlatformConnection, PlatformOrder, RefundPush } from "./platform";

export async function shopifyFetchOrder(_c: PlatformConnection, _externalId: string, _http: Http): Promise<CallResult<PlatformOrder | null>> {
  throw new Error("to be written");
}

export async function shopifyListChangedOrders(
  _c: PlatformConnection,
  _window: { since: number; until: number; cursor: string | null },
  _http: Http,
): Promise<CallResult<ChangedOrdersPage>> {
  throw new Error("to be written");
}

export async function shopifyCreateFulfillment(_c: PlatformConnection, _externalId: string, _push: FulfillmentPush, _http: Http): Promise<CallResult<{ externalId: string }>> {
  throw new Error("to be written");
}

export async function shopifyCancelOrder(_c: PlatformConnection, _externalId: string, _push: { reason: string | null; key: string }, _http: Http): Promise<CallResult<null>> {
  throw new Error("to be written");
}

export async function shopifyRefund(_c: PlatformConnection, _externalId: string, _push: RefundPush, _http: Http): Promise<CallResult<{ externalId: string }>> {
  throw new Error("to be written");
}
