/**
 * Why a replenishment suggestion says what it says, in the reader's
 * language. The API explains each suggestion in one English sentence and
 * gives every number in it as a field of its own; a Chinese reader gets the
 * sentence rebuilt from those numbers (formatted for their locale, warehouses
 * and suppliers by name). Pure.
 */
import type { z } from "@hono/zod-openapi";
import type { ReplenishmentSuggestion } from "../../procurement/schemas";
import { count } from "../format";
import { fill, type Lang } from "../i18n";
import type { StockText } from "./text";

export type SuggestionView = z.infer<typeof ReplenishmentSuggestion>;
export type Params = { window_days: number; safety_days: number; cover_days: number };

/** What the rules asked for before the supplier's minimum and packs (src/procurement/replenishment-rules.ts). */
export const needOf = (x: Pick<SuggestionView, "target" | "position" | "backordered">) => Math.max(x.target - x.position, x.backordered > 0 ? -x.position : 0, 1);

export function explain(s: StockText, lang: Lang, x: SuggestionView, p: Params, names: { warehouse: (id: string) => string }): string {
  const n = (v: number) => count(v, lang);
  if (x.action === "none" && x.velocity === 0 && x.backordered === 0) return fill(s.why_none_idle, { window: n(p.window_days) });
  const parts = [
    fill(s.why_sells, { velocity: n(x.velocity), window: n(p.window_days) }),
    fill(s.why_position, { position: n(x.position), available: n(x.available), on_order: n(x.on_order), backordered: n(x.backordered) }),
  ];
  if (x.action === "none") return [...parts, fill(s.why_above, { reorder_point: n(x.reorder_point) })].join(lang === "zh-CN" ? "" : " ");
  parts.push(
    x.lead_time_days === null
      ? fill(s.why_below_safety, { safety_stock: n(x.safety_stock), safety: n(p.safety_days) })
      : fill(s.why_below_rop, { reorder_point: n(x.reorder_point), lead: n(x.lead_time_days), safety: n(p.safety_days) }),
  );
  const reach = { quantity: n(x.quantity), target: n(x.target), cover: n(p.cover_days) };
  if (x.action === "transfer") parts.push(fill(s.why_transfer, { ...reach, warehouse: names.warehouse(x.transfer_from ?? "") }));
  else if (x.action === "no_supplier") parts.push(fill(s.why_no_supplier, reach));
  else {
    parts.push(fill(s.why_order, { ...reach, supplier: x.supplier_name ?? "" }));
    const need = needOf(x);
    if (need !== x.quantity) parts.push(fill(s.why_rounded, { need: n(need) }));
  }
  return parts.join(lang === "zh-CN" ? "" : " ");
}
