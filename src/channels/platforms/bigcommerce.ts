/**
 * BigCommerce: thin, unsigned webhooks authenticated by the custom header set
 * when the hook was created, orders read through the v2 REST API (order,
 * products, shipping addresses), shipments through v2, refunds through v3.
 */
import { mapBigCommerceOrder } from "./bigcommerce-map";
import { bcCancelOrder, bcCreateFulfillment, bcFetchOrder, bcListChangedOrders, bcRefund } from "./bigcommerce-rest";
import { describeBigCommerceDelivery, verifyBigCommerce } from "./bigcommerce-webhooks";
import type { PlatformAdapter } from "./platform";

export const bigcommerce: PlatformAdapter = {
  platform: "bigcommerce",
  verify: verifyBigCommerce,
  describe: describeBigCommerceDelivery,
  map: mapBigCommerceOrder,
  fetchOrder: bcFetchOrder,
  listChangedOrders: bcListChangedOrders,
  createFulfillment: bcCreateFulfillment,
  cancelOrder: bcCancelOrder,
  refund: bcRefund,
};
