/**
 * The default allocation policy:
 *  1. priority: the first rule matching the destination (country, region),
 *     else the store's default list, else every active warehouse nearest first;
 *  2. ship complete: the highest-ranked warehouse that has every line;
 *  3. otherwise (unless the policy requires shipping complete) split: take
 *     the warehouse that covers the most remaining units (ties by rank), and
 *     repeat, up to `max_shipments`;
 *  4. within a warehouse, one bin that holds the whole line if there is one
 *     (fewest picks), else bins in picking-path order.
 * Every candidate gets a verdict saying why it was or was not chosen.
 */
import type {
  AllocationInput,
  AllocationPlan,
  AllocationPolicy,
  BinStock,
  CandidateWarehouse,
  Destination,
  Explanation,
  PlannedItem,
  PlannedShipment,
  RoutingPolicy,
  Shortage,
  WarehouseVerdict,
} from "./routing-policy";

type Ranked = { rule: string | null; carrier: string | null; order: string[] };

const same = (a: string | null, b: string | null) => a !== null && b !== null && a.trim().toLowerCase() === b.trim().toLowerCase();

/** Which warehouses, in which order, may serve this destination. */
export function rankWarehouses(policy: RoutingPolicy, dest: Destination, warehouses: readonly CandidateWarehouse[]): Ranked {
  const ruleIndex = policy.rules.findIndex((r) => (!r.countries || r.countries.includes(dest.country)) && (!r.regions || r.regions.some((x) => same(x, dest.region))));
  const rule = ruleIndex >= 0 ? policy.rules[ruleIndex]! : null;
  if (rule) return { rule: rule.name ?? `rule ${ruleIndex + 1}`, carrier: rule.carrier ?? policy.default_carrier, order: rule.warehouses };
  if (policy.default_warehouses.length) return { rule: "default warehouses", carrier: policy.default_carrier, order: policy.default_warehouses };
  const distance = (w: CandidateWarehouse) => (w.country !== dest.country ? 2 : same(w.region, dest.region) ? 0 : 1);
  const order = warehouses
    .filter((w) => w.active)
    .sort((a, b) => distance(a) - distance(b) || a.id.localeCompare(b.id))
    .map((w) => w.id);
  return { rule: null, carrier: policy.default_carrier, order };
}

const NEARNESS = ["same region", "same country", "another country"];

export const defaultAllocationPolicy: AllocationPolicy = {
  plan(input: AllocationInput): AllocationPlan {
    const { policy, destination } = input;
    const byId = new Map(input.warehouses.map((w) => [w.id, w]));
    const ranked = rankWarehouses(policy, destination, input.warehouses);
    const verdicts: WarehouseVerdict[] = [];
    const candidates: CandidateWarehouse[] = [];
    for (const id of ranked.order) {
      const w = byId.get(id);
      if (!w || !w.active) {
        verdicts.push({ warehouse_id: id, name: w?.name ?? null, rank: null, chosen: false, can_fill: "none", reasons: [w ? "inactive" : "unknown warehouse"] });
      } else if (!candidates.includes(w)) candidates.push(w);
    }
    const rankOf = (id: string) => candidates.findIndex((c) => c.id === id) + 1;
    const why = (w: CandidateWarehouse) =>
      ranked.rule
        ? `rank ${rankOf(w.id)} in ${ranked.rule}`
        : `rank ${rankOf(w.id)} by distance (${NEARNESS[w.country !== destination.country ? 2 : same(w.region, destination.region) ? 0 : 1]})`;

    const need = new Map<string, number>();
    for (const l of input.lines) need.set(l.sku, (need.get(l.sku) ?? 0) + l.quantity);
    const avail = new Map<string, Map<string, number>>();
    for (const w of candidates) avail.set(w.id, new Map());
    for (const s of input.stock) {
      const m = avail.get(s.warehouseId);
      if (m && s.available > 0) m.set(s.sku, (m.get(s.sku) ?? 0) + s.available);
    }
    const coverage = (id: string, remaining: Map<string, number>) => [...remaining].reduce((sum, [sku, q]) => sum + Math.min(q, avail.get(id)!.get(sku) ?? 0), 0);
    const total = [...need.values()].reduce((a, b) => a + b, 0);
    const fill = (id: string): "all" | "some" | "none" => {
      const c = coverage(id, need);
      return c === total ? "all" : c > 0 ? "some" : "none";
    };
    const gaps = (id: string) => [...need].filter(([sku, q]) => (avail.get(id)!.get(sku) ?? 0) < q).map(([sku, q]) => `${sku}: needs ${q}, has ${avail.get(id)!.get(sku) ?? 0}`);

    const explain = (chosen: Set<string>, summary: string, extra: Map<string, string> = new Map()): Explanation => ({
      rule: ranked.rule,
      priority: candidates.map((c) => c.id),
      summary,
      warehouses: [
        ...candidates.map((w) => {
          const can = fill(w.id);
          const reasons = [why(w)];
          reasons.push(can === "all" ? "has every line in stock" : can === "some" ? `short of ${gaps(w.id).join("; ")}` : "has none of the lines in stock");
          const note = extra.get(w.id);
          if (note) reasons.push(note);
          return { warehouse_id: w.id, name: w.name, rank: rankOf(w.id), chosen: chosen.has(w.id), can_fill: can, reasons };
        }),
        ...verdicts,
      ],
    });
    const shortages = (): Shortage[] =>
      [...need]
        .map(([sku, q]) => ({ sku, requested: q, available: candidates.reduce((s, w) => s + (avail.get(w.id)!.get(sku) ?? 0), 0) }))
        .filter((s) => s.available < s.requested);

    if (candidates.length === 0) {
      return {
        ok: false,
        reason: "no_warehouse",
        message: "no active warehouse may serve this destination",
        shortages: shortages(),
        explanation: explain(new Set(), "no candidate warehouse"),
      };
    }

    const complete = candidates.find((w) => fill(w.id) === "all");
    if (complete) {
      const notes = new Map(
        candidates.filter((w) => w !== complete).map((w) => [w.id, fill(w.id) === "all" ? `not needed: ${complete.id} ranks higher and ships complete` : "not needed"]),
      );
      notes.set(complete.id, "chosen: highest-ranked warehouse that ships the order complete");
      return {
        ok: true,
        shipments: [shipmentFrom(complete.id, ranked.carrier, input.lines, input.stock)],
        explanation: explain(new Set([complete.id]), `ships complete from ${complete.id}`, notes),
      };
    }
    if (policy.ship_complete === "require") {
      return {
        ok: false,
        reason: "cannot_ship_complete",
        message: "no single warehouse has every line, and the policy requires shipping complete",
        shortages: shortages(),
        explanation: explain(new Set(), "waiting: no warehouse can ship complete"),
      };
    }

    // Split: greedily take the warehouse covering the most of what is left.
    const remaining = new Map(need);
    const picked: { id: string; take: Map<string, number> }[] = [];
    const notes = new Map<string, string>();
    while ([...remaining.values()].some((q) => q > 0)) {
      const best = candidates
        .filter((w) => !picked.some((p) => p.id === w.id))
        .map((w) => ({ w, c: coverage(w.id, remaining) }))
        .filter((x) => x.c > 0)
        .sort((a, b) => b.c - a.c || rankOf(a.w.id) - rankOf(b.w.id))[0];
      if (!best) break;
      const take = new Map<string, number>();
      for (const [sku, q] of remaining) {
        const t = Math.min(q, avail.get(best.w.id)!.get(sku) ?? 0);
        if (t > 0) {
          take.set(sku, t);
          remaining.set(sku, q - t);
        }
      }
      picked.push({ id: best.w.id, take });
      notes.set(best.w.id, `chosen for ${best.c} of the ${best.c + [...remaining.values()].reduce((a, b) => a + b, 0)} units still unallocated (split ${picked.length})`);
    }
    if ([...remaining.values()].some((q) => q > 0)) {
      const short = shortages();
      return {
        ok: false,
        reason: "insufficient_stock",
        message: `not enough stock across the candidate warehouses: ${short.map((s) => `${s.sku} needs ${s.requested}, ${s.available} available`).join("; ")}`,
        shortages: short,
        explanation: explain(new Set(), "waiting for stock"),
      };
    }
    if (picked.length > policy.max_shipments) {
      return {
        ok: false,
        reason: "too_many_shipments",
        message: `the order needs ${picked.length} shipments; the policy allows ${policy.max_shipments}`,
        shortages: [],
        explanation: explain(new Set(), "waiting: too many shipments needed"),
      };
    }
    for (const w of candidates) if (!notes.has(w.id)) notes.set(w.id, "not needed for the split");
    // Each warehouse's share of a SKU goes to that SKU's lines in line order.
    const lineLeft = new Map(input.lines.map((l) => [l.lineNo, l.quantity]));
    const shipments = picked.map(({ id, take }) => {
      const lines = input.lines.flatMap((l) => {
        const t = Math.min(lineLeft.get(l.lineNo)!, take.get(l.sku) ?? 0);
        if (t <= 0) return [];
        take.set(l.sku, take.get(l.sku)! - t);
        lineLeft.set(l.lineNo, lineLeft.get(l.lineNo)! - t);
        return [{ ...l, quantity: t }];
      });
      return shipmentFrom(id, ranked.carrier, lines, input.stock);
    });
    return { ok: true, shipments, explanation: explain(new Set(picked.map((p) => p.id)), `split into ${shipments.length} shipments`, notes) };
  },
};

/** Bins for each line in one warehouse: a single bin holding the whole line if any, else bins along the path. */
export function shipmentFrom(warehouseId: string, carrier: string | null, lines: AllocationInput["lines"], stock: readonly BinStock[]): PlannedShipment {
  const left = new Map<string, number>();
  const bins = stock.filter((s) => s.warehouseId === warehouseId && s.available > 0).sort((a, b) => a.pickSequence - b.pickSequence || a.binCode.localeCompare(b.binCode));
  const key = (s: BinStock) => `${s.binId}\u0000${s.sku}`;
  for (const s of bins) left.set(key(s), s.available);
  const items: PlannedItem[] = [];
  for (const l of lines) {
    const mine = bins.filter((s) => s.sku === l.sku);
    const whole = mine.find((s) => left.get(key(s))! >= l.quantity);
    let todo = l.quantity;
    for (const s of whole ? [whole] : mine) {
      const t = Math.min(todo, left.get(key(s))!);
      if (t <= 0) continue;
      left.set(key(s), left.get(key(s))! - t);
      items.push({ lineNo: l.lineNo, sku: l.sku, binId: s.binId, binCode: s.binCode, quantity: t });
      todo -= t;
      if (todo === 0) break;
    }
    if (todo > 0) throw new Error(`planned ${l.quantity} of ${l.sku} from ${warehouseId} without the stock`);
  }
  return { warehouseId, carrier, items };
}
