/** Shopify's webhook signature and what a delivery is about. */
import type { InboundRequest, PlatformConnection, Verdict, Delivery } from "./platform";

export async function verifyShopify(_connection: PlatformConnection, _request: InboundRequest): Promise<Verdict> {
  throw new Error("to be written");
}

export function describeShopifyDelivery(_request: InboundRequest): Delivery {
  throw new Error("to be written");
}
