/**
 * The types of the change feed (written by the triggers of migration 0016)
 * and the patterns that select them: an exact type, a group (`order.*`), or
 * everything (`*`). Pure: used by the feed's filter and by subscriptions.
 */
export const EVENT_TYPES = [
  "order.created",
  "order.status_changed",
  /** The order changed without changing status: payment status, an edit, an audit, anything that bumped its version. */
  "order.updated",
  "shipment.created",
  "shipment.status_changed",
  "tracking.updated",
  "after_sales.created",
  "after_sales.status_changed",
  "stock.changed",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const EVENT_GROUPS = ["order", "shipment", "tracking", "after_sales", "stock"] as const;

/** Whether a pattern names a type or group we have. */
export function validPattern(pattern: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith(".*")) return (EVENT_GROUPS as readonly string[]).includes(pattern.slice(0, -2));
  return (EVENT_TYPES as readonly string[]).includes(pattern);
}

export function matches(pattern: string, type: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith(".*")) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

export const matchesAny = (patterns: readonly string[], type: string) => patterns.some((p) => matches(p, type));
