/**
 * Wave grouping, as an interface with a default: which shipments are
 * released to the floor together. By carrier (one trip to each carrier's
 * dock), by zone (a picker stays in one zone; shipments spanning zones go
 * together in a "multi-zone" wave) or single-item shipments only (picked
 * straight into packing, no sorting). Oldest shipments first; waves hold at
 * most `maxPerWave` shipments. Pick lists walk the picking path.
 */
export type WaveGroupBy = "carrier" | "zone" | "single_item";

export type WaveItem = { itemId: string; sku: string; binCode: string; zone: string | null; pickSequence: number; quantity: number };
export type WaveCandidate = { shipmentId: string; carrier: string | null; createdAt: number; items: WaveItem[] };
export type WaveGroup = { key: string; shipmentIds: string[] };

export interface WavePolicy {
  group(candidates: readonly WaveCandidate[], groupBy: WaveGroupBy, maxPerWave: number): WaveGroup[];
}

function keyOf(c: WaveCandidate, groupBy: WaveGroupBy): string | null {
  if (groupBy === "carrier") return c.carrier ?? "unassigned";
  if (groupBy === "single_item") return c.items.reduce((n, i) => n + i.quantity, 0) === 1 ? "single-item" : null;
  const zones = new Set(c.items.map((i) => i.zone ?? "no-zone"));
  return zones.size === 1 ? [...zones][0]! : "multi-zone";
}

export const defaultWavePolicy: WavePolicy = {
  group(candidates, groupBy, maxPerWave) {
    const groups = new Map<string, WaveCandidate[]>();
    for (const c of [...candidates].sort((a, b) => a.createdAt - b.createdAt || a.shipmentId.localeCompare(b.shipmentId))) {
      if (c.items.length === 0) continue;
      const key = keyOf(c, groupBy);
      if (key === null) continue;
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    const out: WaveGroup[] = [];
    for (const key of [...groups.keys()].sort()) {
      const list = groups.get(key)!;
      for (let i = 0; i < list.length; i += maxPerWave) out.push({ key, shipmentIds: list.slice(i, i + maxPerWave).map((c) => c.shipmentId) });
    }
    return out;
  },
};

/** The order a picker walks: by pick sequence, then bin code, then SKU. */
export function pickPath<T extends { pickSequence: number; binCode: string; sku: string }>(lines: readonly T[]): T[] {
  return [...lines].sort((a, b) => a.pickSequence - b.pickSequence || a.binCode.localeCompare(b.binCode) || a.sku.localeCompare(b.sku));
}
