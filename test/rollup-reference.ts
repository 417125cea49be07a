/**
 * The rollups computed the slow, obvious way, for the tests to compare
 * against: every raw row read back from D1, each instant put in its store's
 * local day and hour with Intl on its own (not through src/analytics), and
 * the sums, percentiles and lists built in plain JS.
 */
import { env } from "./shard-env";

type Order = Record<string, any>;
type Event = { order_id: string; seq: number; type: string; from_status: string | null; to_status: string; actor: string; reason: string | null; created_at: number };
/** The event moved the order into `status`: events that keep the status (an edit, an after-sales request) are no milestone. */
const entered = (e: Event, status: string) => e.to_status === status && e.from_status !== status;
type Line = { order_id: string; line_no: number; sku: string; quantity: number; total_amount: number };
type Item = { id: string; order_id: string; line_no: number; shipment_id: string; warehouse_id: string; sku: string; quantity: number };

const offsetCache = new Map<string, Intl.DateTimeFormat>();
/** Offset from Intl's "GMT-05:00" names: a route independent of src/analytics/time-zones.ts. */
function offsetOf(tz: string, t: number): number {
  let f = offsetCache.get(tz);
  if (!f) offsetCache.set(tz, (f = new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "longOffset" })));
  const name = f.formatToParts(new Date(t)).find((p) => p.type === "timeZoneName")!.value;
  const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
  if (!m) throw new Error(`offset name ${name}`);
  if (!m[1]) return 0;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 3_600_000 + Number(m[3]) * 60_000);
}

const pad = (n: number) => String(n).padStart(2, "0");
export function localParts(tz: string, t: number) {
  const off = offsetOf(tz, t);
  const wall = new Date(t + off);
  const day = `${wall.getUTCFullYear()}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`;
  const sign = off < 0 ? "-" : "+";
  const abs = Math.abs(off) / 60_000;
  const label = `${day}T${pad(wall.getUTCHours())}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  const hourStart = t - ((t + off) % 3_600_000);
  return { day, hourStart, label };
}

export async function rawData(storeIds: readonly string[]) {
  const ids = JSON.stringify(storeIds);
  const ofStores = (sql: string) => env.DB.prepare(sql).bind(ids);
  // Keys (the actors' roles) live on the directory, the facts on the shard.
  const keys = await env.DIRECTORY.prepare("SELECT id, role FROM api_keys").all();
  const [orders, events, lines, stores, items, moves, warehouses, shipments, floor, audits, tracking, exceptions, rerouted] = await env.DB.batch<any>([
    ofStores("SELECT * FROM orders WHERE store_id IN (SELECT value FROM json_each(?))"),
    ofStores("SELECT e.* FROM order_events e JOIN orders o ON o.id = e.order_id WHERE o.store_id IN (SELECT value FROM json_each(?)) ORDER BY e.order_id, e.seq"),
    ofStores("SELECT l.* FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.store_id IN (SELECT value FROM json_each(?))"),
    ofStores("SELECT id, timezone FROM stores WHERE id IN (SELECT value FROM json_each(?))"),
    ofStores("SELECT i.* FROM shipment_items i JOIN orders o ON o.id = i.order_id WHERE o.store_id IN (SELECT value FROM json_each(?))"),
    env.DB.prepare("SELECT * FROM stock_movements WHERE kind = 'ship'"),
    env.DB.prepare("SELECT id, currency FROM warehouses"),
    ofStores("SELECT id, store_id FROM shipments WHERE store_id IN (SELECT value FROM json_each(?))"),
    env.DB.prepare("SELECT * FROM warehouse_events"),
    ofStores("SELECT a.* FROM audit_results a JOIN orders o ON o.id = a.order_id WHERE o.store_id IN (SELECT value FROM json_each(?))"),
    ofStores("SELECT * FROM shipment_tracking WHERE store_id IN (SELECT value FROM json_each(?))"),
    ofStores("SELECT * FROM logistics_exceptions WHERE store_id IN (SELECT value FROM json_each(?))"),
    // Shipments whose refused goods a re-route moved to new shipments: their items are no longer the order's allocation.
    env.DB.prepare("SELECT shipment_id FROM fulfilment_exceptions WHERE resolution = 'rerouted'"),
  ]);
  const replaced = new Set<string>(rerouted!.results.map((r: any) => r.shipment_id));
  return {
    orders: new Map<string, Order>(orders!.results.map((o: Order) => [o.id, o])),
    events: events!.results as Event[],
    lines: lines!.results as Line[],
    tz: new Map<string, string>(stores!.results.map((s: any) => [s.id, s.timezone])),
    roles: new Map<string, string>(keys.results.map((k: any) => [k.id, k.role])),
    items: (items!.results as Item[]).filter((i) => !replaced.has(i.shipment_id)),
    shipMoves: moves!.results as Record<string, any>[],
    warehouseCurrency: new Map<string, string>(warehouses!.results.map((w: any) => [w.id, w.currency])),
    shipmentStore: new Map<string, string>(shipments!.results.map((s: any) => [s.id, s.store_id])),
    floor: floor!.results as Record<string, any>[],
    audits: audits!.results as Record<string, any>[],
    tracking: tracking!.results as Record<string, any>[],
    exceptions: exceptions!.results as Record<string, any>[],
  };
}

type Raw = Awaited<ReturnType<typeof rawData>>;

function add(map: Map<string, Record<string, any>>, key: Record<string, any>, measures: Record<string, number>) {
  const id = JSON.stringify(key);
  const row = map.get(id) ?? { ...key, ...Object.fromEntries(Object.keys(measures).map((m) => [m, 0])) };
  for (const [m, v] of Object.entries(measures)) row[m] += v;
  map.set(id, row);
}

const canonical = (r: Record<string, unknown>) =>
  JSON.stringify(
    Object.keys(r)
      .sort()
      .map((k) => [k, r[k]]),
  );
const sortRows = <T extends Record<string, any>>(rows: T[]) => rows.sort((a, b) => (canonical(a) < canonical(b) ? -1 : 1));

/** The order's warehouse: where its allocation put most units, the smallest id on a tie, "" without one. */
function warehousesOfOrders(raw: Raw) {
  const units = new Map<string, Map<string, number>>();
  for (const i of raw.items) {
    const m = units.get(i.order_id) ?? new Map<string, number>();
    m.set(i.warehouse_id, (m.get(i.warehouse_id) ?? 0) + i.quantity);
    units.set(i.order_id, m);
  }
  const out = new Map<string, string>();
  for (const [orderId, m] of units) {
    const [best] = [...m].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
    out.set(orderId, best![0]);
  }
  return out;
}

export function expectedOrderHours(raw: Raw) {
  const out = new Map<string, Record<string, any>>();
  const warehouseOf = warehousesOfOrders(raw);
  for (const e of raw.events) {
    const o = raw.orders.get(e.order_id)!;
    const { day, hourStart, label } = localParts(raw.tz.get(o.store_id)!, e.created_at);
    const received = e.type === "received" ? 1 : 0;
    add(
      out,
      { store_id: o.store_id, day, hour_start: hourStart, hour_label: label, channel: o.channel, warehouse_id: warehouseOf.get(o.id) ?? "", currency: o.currency },
      {
        received,
        approved: +entered(e, "approved"),
        held: +entered(e, "on_hold"),
        processing: +entered(e, "processing"),
        shipped: +entered(e, "shipped"),
        delivered: +entered(e, "delivered"),
        completed: +entered(e, "completed"),
        cancelled: +entered(e, "cancelled"),
        rejected: +(e.type === "reject"),
        gross_amount: received * o.subtotal_amount,
        discount_amount: received * o.discount_amount,
        shipping_amount: received * o.shipping_amount,
        tax_amount: received * o.tax_amount,
        net_amount: received * o.total_amount,
        cancelled_amount: entered(e, "cancelled") ? o.total_amount : 0,
      },
    );
  }
  return sortRows([...out.values()]);
}

export function expectedOrderDays(hours: Record<string, any>[]) {
  const out = new Map<string, Record<string, any>>();
  for (const { hour_start, hour_label, store_id, day, channel, warehouse_id, currency, ...measures } of hours) {
    add(out, { store_id, day, channel, warehouse_id, currency }, measures);
  }
  return sortRows([...out.values()]);
}

export function expectedDurations(raw: Raw, targets: (storeId: string, span: string) => number | null) {
  const samples: { store_id: string; order_id: string; channel: string; day: string; span: string; start: number; end: number }[] = [];
  const byOrder = new Map<string, Event[]>();
  for (const e of raw.events) byOrder.set(e.order_id, [...(byOrder.get(e.order_id) ?? []), e]);
  for (const [orderId, events] of byOrder) {
    const o = raw.orders.get(orderId)!;
    const tz = raw.tz.get(o.store_id)!;
    const approvals = events.filter((e) => e.type === "approve");
    const ship = events.find((e) => e.type === "ship");
    const deliver = events.find((e) => e.type === "deliver");
    const complete = events.find((e) => e.type === "complete");
    const sample = (span: string, start: number, end: number) =>
      samples.push({ store_id: o.store_id, order_id: orderId, channel: o.channel, day: localParts(tz, end).day, span, start, end });
    if (approvals[0]) sample("received_to_approved", o.created_at, approvals[0].created_at);
    if (ship) sample("approved_to_shipped", approvals.filter((a) => a.seq < ship.seq).at(-1)!.created_at, ship.created_at);
    if (deliver && ship) sample("shipped_to_delivered", ship.created_at, deliver.created_at);
    if (complete) sample("received_to_completed", o.created_at, complete.created_at);
  }
  const groups = new Map<string, { key: Record<string, string>; values: number[]; breaches: number }>();
  const breaches: Record<string, any>[] = [];
  for (const s of samples) {
    const ms = s.end - s.start;
    const target = targets(s.store_id, s.span);
    const late = target !== null && ms > target;
    if (late) {
      breaches.push({
        order_id: s.order_id,
        span: s.span,
        store_id: s.store_id,
        day: s.day,
        channel: s.channel,
        started_at: s.start,
        ended_at: s.end,
        duration_ms: ms,
        target_ms: target,
      });
    }
    for (const channel of [s.channel, "*"]) {
      const key = { store_id: s.store_id, day: s.day, span: s.span, channel };
      const id = JSON.stringify(key);
      const g = groups.get(id) ?? { key, values: [] as number[], breaches: 0 };
      g.values.push(ms);
      if (late) g.breaches++;
      groups.set(id, g);
    }
  }
  const nearestRank = (sorted: number[], p: number) => sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
  const rows = [...groups.values()].map((g) => {
    const sorted = [...g.values].sort((a, b) => a - b);
    return {
      ...g.key,
      count: sorted.length,
      sum_ms: sorted.reduce((a, b) => a + b, 0),
      max_ms: sorted.at(-1)!,
      p50_ms: nearestRank(sorted, 50),
      p90_ms: nearestRank(sorted, 90),
      breaches: g.breaches,
    };
  });
  return { rows: sortRows(rows), breaches: sortRows(breaches) };
}

export function expectedStaff(raw: Raw) {
  const out = new Map<string, Record<string, any>>();
  const maxes = new Map<string, number>();
  const prev = new Map<string, Event>();
  for (const e of raw.events) {
    const before = prev.get(e.order_id);
    prev.set(e.order_id, e);
    if (e.type === "received") continue;
    const o = raw.orders.get(e.order_id)!;
    const role = raw.roles.get(e.actor) ?? (e.actor === "bootstrap" ? "admin" : "system");
    const key = { store_id: o.store_id, day: localParts(raw.tz.get(o.store_id)!, e.created_at).day, actor: e.actor, role, metric: e.type };
    const latency = e.created_at - before!.created_at;
    add(out, key, { count: 1, latency_sum_ms: latency });
    const id = JSON.stringify(key);
    maxes.set(id, Math.max(maxes.get(id) ?? 0, latency));
  }
  return sortRows([...out.entries()].map(([id, row]) => ({ ...row, latency_max_ms: maxes.get(id)! })));
}

export function expectedReasons(raw: Raw) {
  const out = new Map<string, Record<string, any>>();
  for (const e of raw.events) {
    if (!["hold", "reject", "cancel"].includes(e.type)) continue;
    const o = raw.orders.get(e.order_id)!;
    add(out, { store_id: o.store_id, day: localParts(raw.tz.get(o.store_id)!, e.created_at).day, event: e.type, reason: (e.reason ?? "").slice(0, 200) }, { count: 1 });
  }
  return sortRows([...out.values()]);
}

/**
 * A line's parts: one per allocation item (units as allocated, revenue pro
 * rata by cumulative floor, so the parts add up to the line), or the whole
 * line under "" when it has none.
 */
function lineParts(raw: Raw) {
  const itemsOf = new Map<string, Item[]>();
  for (const i of raw.items) {
    const key = `${i.order_id}#${i.line_no}`;
    itemsOf.set(key, [...(itemsOf.get(key) ?? []), i]);
  }
  return (l: Line) => {
    const items = (itemsOf.get(`${l.order_id}#${l.line_no}`) ?? []).sort((a, b) => (a.id < b.id ? -1 : 1));
    if (!items.length) return [{ warehouse_id: "", units: l.quantity, revenue: l.total_amount, item: null as Item | null }];
    let cum = 0;
    return items.map((item) => {
      const before = Math.floor((l.total_amount * cum) / l.quantity);
      cum += item.quantity;
      return { warehouse_id: item.warehouse_id, units: item.quantity, revenue: Math.floor((l.total_amount * cum) / l.quantity) - before, item };
    });
  };
}

/** Unit cost of what a shipment took of a SKU, from its ship movements, in the order's currency; null when unknown. */
function shippedUnitCosts(raw: Raw) {
  const moves = new Map<string, Record<string, any>[]>();
  for (const m of raw.shipMoves) moves.set(`${m.ref_id}#${m.sku}`, [...(moves.get(`${m.ref_id}#${m.sku}`) ?? []), m]);
  return (item: Item | null, currency: string): number | null => {
    if (!item || raw.warehouseCurrency.get(item.warehouse_id) !== currency) return null;
    const ms = moves.get(`${item.shipment_id}#${item.sku}`) ?? [];
    if (!ms.length || ms.some((m) => m.unit_cost === null)) return null;
    const units = ms.reduce((n, m) => n - m.on_hand_delta, 0);
    return Math.round(ms.reduce((n, m) => n - m.on_hand_delta * m.unit_cost, 0) / units);
  };
}

export function expectedSkus(raw: Raw) {
  const out = new Map<string, Record<string, any>>();
  const unknownCost = new Set<string>();
  const linesOf = new Map<string, Line[]>();
  for (const l of raw.lines) linesOf.set(l.order_id, [...(linesOf.get(l.order_id) ?? []), l]);
  const partsOf = lineParts(raw);
  const costOf = shippedUnitCosts(raw);
  for (const e of raw.events) {
    const kind = e.type === "received" ? "ordered" : entered(e, "cancelled") ? "cancelled" : entered(e, "shipped") ? "shipped" : null;
    if (!kind) continue;
    const o = raw.orders.get(e.order_id)!;
    const day = localParts(raw.tz.get(o.store_id)!, e.created_at).day;
    for (const l of linesOf.get(e.order_id) ?? []) {
      for (const p of partsOf(l)) {
        const key = { store_id: o.store_id, day, warehouse_id: p.warehouse_id, sku: l.sku, currency: o.currency };
        const unitCost = kind === "shipped" ? costOf(p.item, o.currency) : 0;
        if (unitCost === null) unknownCost.add(JSON.stringify(key));
        add(out, key, {
          units_ordered: kind === "ordered" ? p.units : 0,
          revenue_ordered: kind === "ordered" ? p.revenue : 0,
          units_cancelled: kind === "cancelled" ? p.units : 0,
          revenue_cancelled: kind === "cancelled" ? p.revenue : 0,
          units_shipped: kind === "shipped" ? p.units : 0,
          revenue_shipped: kind === "shipped" ? p.revenue : 0,
          cost_shipped: kind === "shipped" ? p.units * (unitCost ?? 0) : 0,
        });
      }
    }
  }
  return sortRows([...out.entries()].map(([id, r]) => ({ ...r, cost_shipped: r.units_shipped === 0 || unknownCost.has(id) ? null : r.cost_shipped })));
}

export function expectedFloor(raw: Raw) {
  const out = new Map<string, Record<string, any>>();
  const maxes = new Map<string, number>();
  const count = (key: Record<string, unknown>, units: number, duration: number | null) => {
    add(out, key, { count: 1, units, duration_n: duration === null ? 0 : 1, duration_sum_ms: duration ?? 0 });
    const id = JSON.stringify(key);
    maxes.set(id, Math.max(maxes.get(id) ?? 0, duration ?? 0));
  };
  for (const w of raw.floor) {
    const storeId = raw.shipmentStore.get(w.shipment_id);
    if (!storeId) continue;
    const data = w.data ? JSON.parse(w.data) : {};
    const role = raw.roles.get(w.worker) ?? (w.worker === "bootstrap" ? "admin" : "system");
    const base = { store_id: storeId, day: localParts(raw.tz.get(storeId)!, w.created_at).day, warehouse_id: w.warehouse_id, worker: w.worker, role };
    const picked = w.kind === "pick" || w.kind === "short_pick";
    count({ ...base, metric: picked ? "pick" : w.kind }, picked ? data.quantity : w.kind === "pack" ? data.packages : 0, w.duration_ms);
    if (w.kind === "short_pick") count({ ...base, metric: "short_pick" }, data.short, null);
    if (w.kind === "pack" && data.override !== null && data.override !== undefined) count({ ...base, metric: "weight_override" }, 1, null);
  }
  return sortRows([...out.entries()].map(([id, r]) => ({ ...r, duration_max_ms: maxes.get(id)! })));
}

export function expectedAudits(raw: Raw) {
  const out = new Map<string, Record<string, any>>();
  for (const a of raw.audits) {
    const storeId = raw.orders.get(a.order_id)!.store_id;
    const day = localParts(raw.tz.get(storeId)!, a.created_at).day;
    const findings: { code: string; severity: string }[] = JSON.parse(a.findings);
    const groups = new Map<string, number>();
    for (const f of findings.length ? findings : [{ code: "", severity: "" }]) {
      const id = JSON.stringify([f.code, f.severity]);
      groups.set(id, (groups.get(id) ?? 0) + (findings.length ? 1 : 0));
    }
    for (const [id, n] of groups) {
      const [code, severity] = JSON.parse(id);
      add(out, { store_id: storeId, day, outcome: a.outcome, code, severity }, { audits: 1, findings: n });
    }
  }
  return sortRows([...out.values()]);
}

const KINDS = ["failed_attempt", "exception", "returned_to_sender", "stale_tracking", "conflicting_status"];

export function expectedCarriers(raw: Raw) {
  const out = new Map<string, Record<string, any>>();
  const maxes = new Map<string, number>();
  const zero = Object.fromEntries(["shipped", "delivered", "on_time", "late", "transit_n", "transit_sum_ms", ...KINDS].map((k) => [k, 0]));
  const bump = (storeId: string, t: number, carrier: string, service: string, measures: Record<string, number>) => {
    const key = { store_id: storeId, day: localParts(raw.tz.get(storeId)!, t).day, carrier, service };
    add(out, key, { ...zero, ...measures });
    return JSON.stringify(key);
  };
  const dayNumber = (storeId: string, t: number) => Date.parse(localParts(raw.tz.get(storeId)!, t).day) / 86_400_000;
  for (const t of raw.tracking) {
    if (t.handed_over_at !== null) bump(t.store_id, t.handed_over_at, t.carrier, t.service, { shipped: 1 });
    if (t.delivered_at === null) continue;
    const chosen = (JSON.parse(t.explanation).services ?? []).find((s: any) => s.chosen && s.carrier === t.carrier && s.service === t.service);
    const measures: Record<string, number> = { delivered: 1 };
    if (t.handed_over_at !== null) {
      measures.transit_n = 1;
      measures.transit_sum_ms = t.delivered_at - t.handed_over_at;
      if (chosen) {
        const onTime = dayNumber(t.store_id, t.delivered_at) - dayNumber(t.store_id, t.handed_over_at) <= chosen.transit_days.max;
        measures[onTime ? "on_time" : "late"] = 1;
      }
    }
    const id = bump(t.store_id, t.delivered_at, t.carrier, t.service, measures);
    maxes.set(id, Math.max(maxes.get(id) ?? 0, measures.transit_sum_ms ?? 0));
  }
  const trackingOf = new Map(raw.tracking.map((t) => [t.shipment_id, t]));
  for (const x of raw.exceptions) {
    const t = trackingOf.get(x.shipment_id);
    bump(x.store_id, x.created_at, t?.carrier ?? "", t?.service ?? "", { [x.kind]: 1 });
  }
  return sortRows([...out.entries()].map(([id, r]) => ({ ...r, transit_max_ms: maxes.get(id) ?? 0 })));
}

/** Rollup rows without the columns the reference does not model, in the reference's order. */
export function comparable(rows: Record<string, unknown>[], drop: string[] = []) {
  return sortRows(rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !drop.includes(k)))));
}
