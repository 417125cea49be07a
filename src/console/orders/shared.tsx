/** Pieces both order screens use: the status badge, the order's reference, types of the API's answers. */
import type { z } from "@hono/zod-openapi";
import type { OrderSummary } from "../../orders/schemas";
import type { CommonText } from "../text";
import { orderStatusLabel } from "../text";

export type OrderRow = z.infer<typeof OrderSummary>;

const BADGE: Record<string, string> = { on_hold: "warn", cancelled: "bad", delivered: "ok", completed: "ok", shipped: "ok" };

export function StatusBadge({ t, status }: { t: CommonText; status: string }) {
  return <span class={`badge ${BADGE[status] ?? ""}`.trim()}>{orderStatusLabel(t, status)}</span>;
}

/** How staff and customer both name an order: the channel's number when there is one, else ours. */
export const orderRef = (o: { id: string; external_id: string | null }) => (o.external_id ? `#${o.external_id}` : o.id);

/** The customer as the API projected it for this position: nothing more. */
export function customerLine(o: OrderRow): string {
  if (!o.customer) return "";
  return [o.customer.name, o.customer.email, o.customer.phone].filter(Boolean).join(" · ");
}
