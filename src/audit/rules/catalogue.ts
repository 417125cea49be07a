/** Unknown or inactive SKUs, and prices that differ from the catalogue beyond a tolerance. */
import { z } from "@hono/zod-openapi";
import { fromMinor } from "../../lib/money";
import { NoParams, type RawFinding, type RuleKind } from "../types";

export const skuRule: RuleKind<NoParams> = {
  kind: "sku",
  description: "Every line's SKU is in the store's catalogue and active",
  params: NoParams,
  defaultSeverity: "hold",
  evaluate({ lines }, ctx) {
    const out: RawFinding[] = [];
    lines.forEach((l, i) => {
      const p = ctx.catalogue.get(l.sku);
      if (!p) out.push({ code: "sku_unknown", message: `SKU ${l.sku} is not in the catalogue`, params: { sku: l.sku }, field: `lines.${i}.sku` });
      else if (!p.active) out.push({ code: "sku_inactive", message: `SKU ${l.sku} is no longer sold`, params: { sku: l.sku }, field: `lines.${i}.sku` });
    });
    return out;
  },
};

const PriceParams = z.object({
  /** Allowed difference from the catalogue price, in percent of it, either way. */
  tolerance_percent: z.number().min(0).max(100).default(0),
});

export const priceRule: RuleKind<z.infer<typeof PriceParams>> = {
  kind: "price",
  description: "Each line's unit price matches the catalogue within a tolerance",
  params: PriceParams,
  defaultSeverity: "hold",
  evaluate({ order, lines }, ctx, { tolerance_percent }) {
    const out: RawFinding[] = [];
    lines.forEach((l, i) => {
      const p = ctx.catalogue.get(l.sku);
      if (!p) return;
      if (p.currency !== order.currency) return; // another currency's list price cannot be compared without rates
      // Integer arithmetic: |unit - price| * 100 > price * tolerance
      if (Math.abs(l.unitPrice - p.price) * 100 > p.price * tolerance_percent) {
        out.push({
          code: "price_mismatch",
          message: `${l.sku} sold at ${fromMinor(l.unitPrice, order.currency)}, catalogue price ${fromMinor(p.price, p.currency)}`,
          params: { sku: l.sku, unit_price: fromMinor(l.unitPrice, order.currency), catalogue_price: fromMinor(p.price, p.currency), currency: order.currency },
          field: `lines.${i}.unit_price`,
        });
      }
    });
    return out;
  },
};
