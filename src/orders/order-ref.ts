/**
 * How the customer knows their order: the shop's own name for it when the
 * order came from a platform (Shopify's "#1042", not its 13-digit id), else
 * the channel's id, else ours. Messages and the order page both say it.
 */
export function customerOrderRef(order: { id: string; externalId: string | null }, platformName: string | null): string {
  if (platformName) return platformName;
  return order.externalId ? `#${order.externalId}` : order.id;
}
