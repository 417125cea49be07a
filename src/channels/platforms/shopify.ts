/**
 * Shopify: webhooks signed with the app's client secret
 * (`X-Shopify-Hmac-Sha256`, base64 HMAC-SHA256 of the raw body), orders in
 * the Admin REST shape, fulfillments through fulfillment orders.
 */
import type { PlatformAdapter } from "./platform";
import { describeShopifyDelivery, verifyShopify } from "./shopify-webhooks";
import { mapShopifyOrder } from "./shopify-map";
import { shopifyCancelOrder, shopifyCreateFulfillment, shopifyFetchOrder, shopifyListChangedOrders, shopifyRefund } from "./shopify-rest";

export const shopify: PlatformAdapter = {
  platform: "shopify",
  verify: verifyShopify,
  describe: describeShopifyDelivery,
  map: mapShopifyOrder,
  fetchOrder: shopifyFetchOrder,
  listChangedOrders: shopifyListChangedOrders,
  createFulfillment: shopifyCreateFulfillment,
  cancelOrder: shopifyCancelOrder,
  refund: shopifyRefund,
};
