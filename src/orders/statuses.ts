/** The order's statuses (the lifecycle's states); see ./lifecycle.ts for the moves between them. */
export const ORDER_STATUSES = ["received", "on_hold", "approved", "processing", "shipped", "delivered", "completed", "cancelled"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
