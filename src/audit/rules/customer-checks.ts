/** Checks about the customer: blocked customers, repeated orders, stock for what they asked. */
import { z } from "@hono/zod-openapi";
import { contentsKey, NoParams, type RawFinding, type RuleKind } from "../types";

export const blocklistRule: RuleKind<NoParams> = {
  kind: "blocklist",
  description: "The customer's email, phone or address is on the store's blocklist",
  params: NoParams,
  defaultSeverity: "reject",
  evaluate(_subject, ctx) {
    return ctx.blocked.map((b) => ({
      code: "customer_blocked",
      message: `The customer's ${b.kind} is blocked`,
      params: { kind: b.kind },
      field: b.kind === "address" ? "shipping_address" : `customer.${b.kind}`,
    }));
  },
};

const DuplicateParams = z.object({
  window_hours: z
    .number()
    .min(0.1)
    .max(24 * 30)
    .default(24),
});

export const duplicateRule: RuleKind<z.infer<typeof DuplicateParams>> = {
  kind: "duplicate",
  description: "The same customer ordered the same items shortly before",
  params: DuplicateParams,
  defaultSeverity: "hold",
  evaluate({ order, lines }, ctx, { window_hours }) {
    const contents = contentsKey(lines);
    const since = order.createdAt - window_hours * 3_600_000;
    const twin = ctx.recentOrders.find((o) => o.id !== order.id && o.contents === contents && o.createdAt >= since && o.createdAt <= order.createdAt);
    return twin ? [{ code: "possible_duplicate", message: `Same customer and items as ${twin.id}`, params: { order_id: twin.id }, field: "lines" }] : [];
  },
};

export const stockRule: RuleKind<NoParams> = {
  kind: "stock",
  description: "Every goods line can be filled from the stock of some warehouse (skipped where no inventory is kept)",
  params: NoParams,
  defaultSeverity: "hold",
  evaluate({ lines }, ctx) {
    if (!ctx.stock) return [];
    const wanted = new Map<string, number>();
    for (const l of lines) if (l.type === "goods") wanted.set(l.sku, (wanted.get(l.sku) ?? 0) + l.quantity);
    const out: RawFinding[] = [];
    for (const [sku, qty] of wanted) {
      const have = ctx.stock.get(sku) ?? 0;
      if (have < qty)
        out.push({
          code: "stock_insufficient",
          message: `${qty} × ${sku} wanted, ${have} available in all warehouses`,
          params: { sku, wanted: qty, available: have },
          field: "lines",
        });
    }
    return out;
  },
};
