/** A Shopify order (Admin REST shape) in our terms. */
import type { MappedOrder, PlatformOrder } from "./platform";

export function mapShopifyOrder(_order: PlatformOrder): MappedOrder {
  throw new Error("to be written");
}
