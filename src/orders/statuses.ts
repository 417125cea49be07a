/** The order's statuses (the lifecycle's states), kept with the orders table; see ./lifecycle.ts for the moves between them. */
export { ORDER_STATUSES } from "../db/schema/orders";
import type { ORDER_STATUSES } from "../db/schema/orders";
export type OrderStatus = (typeof ORDER_STATUSES)[number];
