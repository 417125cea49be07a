/**
 * WooCommerce: webhooks signed with the webhook's secret
 * (`X-WC-Webhook-Signature`, base64 HMAC-SHA256 of the raw body) plus the
 * unsigned ping sent when a hook is saved, orders in the REST API v3 shape
 * (the webhook body is that same shape), REST calls with basic auth.
 */
import type { PlatformAdapter } from "./platform";
import { mapWooCommerceOrder } from "./woocommerce-map";
import { wooCancelOrder, wooCreateFulfillment, wooFetchOrder, wooListChangedOrders, wooRefund } from "./woocommerce-rest";
import { describeWooCommerceDelivery, verifyWooCommerce } from "./woocommerce-webhooks";

export const woocommerce: PlatformAdapter = {
  platform: "woocommerce",
  verify: verifyWooCommerce,
  describe: describeWooCommerceDelivery,
  map: mapWooCommerceOrder,
  fetchOrder: wooFetchOrder,
  listChangedOrders: wooListChangedOrders,
  createFulfillment: wooCreateFulfillment,
  cancelOrder: wooCancelOrder,
  refund: wooRefund,
};
