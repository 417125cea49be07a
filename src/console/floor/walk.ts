/**
 * The floor's pure rules: which pick comes next along the bin path, how far a
 * wave is, what a weight typed at the pack station means, and whether a
 * shipment must be stopped at the bench.
 */
import type { z } from "@hono/zod-openapi";
import type { PickLine, Shipment } from "../../fulfilment/schemas";
import { idPattern } from "../../lib/ids";

export type Line = z.infer<typeof PickLine>;
export type ShipmentBody = z.infer<typeof Shipment>;

/** A line still to walk to: something left to pick, and its order neither cancelled nor stopped. */
export const isOpen = (l: Line) => l.to_pick > 0 && !l.cancelled && !l.intercepted;

/** The next pick: the first open line in the list's order (the API gives it along the picking path). */
export function currentPick(lines: readonly Line[]): Line | undefined {
  return lines.find(isOpen);
}

/** Units of a line in all: picked, plus still to pick (short units are not coming). */
export const lineTotal = (l: Line) => l.picked + l.to_pick;

export function waveUnits(lines: readonly Line[]): { done: number; total: number } {
  const live = lines.filter((l) => !l.cancelled);
  return { done: live.reduce((n, l) => n + l.picked, 0), total: live.reduce((n, l) => n + lineTotal(l), 0) };
}

/** Grams from what the packer typed ("1.25" kg, "1250" g, "1,25" kg); null when it is not a weight above zero. */
export function gramsOf(value: string, unit: string): number | null {
  const text = value.trim().replace(",", ".");
  if (!/^\d+(\.\d+)?$/.test(text)) return null;
  const n = Number(text) * (unit === "kg" ? 1000 : 1);
  const grams = Math.round(n);
  return Number.isFinite(grams) && grams >= 1 && grams <= 1_000_000 ? grams : null;
}

/** Whether packing must stop, and why: a cancelled order's goods, or a shipment intercepted for another reason. */
export function stopOf(s: ShipmentBody): { kind: "cancelled" } | { kind: "intercepted"; reason: string } | null {
  const live = s.items.filter((i) => !i.cancelled);
  if (s.status === "cancelled" || (s.items.length > 0 && live.length === 0)) return { kind: "cancelled" };
  if (s.intercepted || s.status === "intercepted") {
    return s.items.some((i) => i.cancelled) ? { kind: "cancelled" } : { kind: "intercepted", reason: s.intercept_reason ?? "" };
  }
  return null;
}

/** Units picked but not yet scanned into the package. */
export const leftToScan = (s: ShipmentBody) => s.items.filter((i) => !i.cancelled).reduce((n, i) => n + Math.max(0, i.picked - i.packed), 0);

/** What a scanned code at the pack station's door names: a shipment, or an order whose shipment to open. */
export function codeKind(code: string): "shipment" | "order" {
  return idPattern("shp").test(code) ? "shipment" : "order";
}
