/**
 * The rollups computed the slow, obvious way, for the tests to compare
 * against: every raw row read back from D1, each instant put in its store's
 * local day and hour with Intl on its own (not through src/analytics), and
 * the sums, percentiles and lists built in plain JS.
 */
import { env } from "cloudflare:workers";

type Order = Record<string, any>;
type Event = { order_id: string; seq: number; type: string; to_status: string; actor: string; reason: string | null; created_at: number };
type Line = { order_id: string; sku: string; quantity: number; total_amount: number };

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
  const [orders, events, lines, stores, keys] = await env.DB.batch<any>([
    env.DB.prepare("SELECT * FROM orders WHERE store_id IN (SELECT value FROM json_each(?))").bind(ids),
    env.DB.prepare(
      "SELECT e.* FROM order_events e JOIN orders o ON o.id = e.order_id WHERE o.store_id IN (SELECT value FROM json_each(?)) ORDER BY e.order_id, e.seq",
    ).bind(ids),
    env.DB.prepare(
      "SELECT l.* FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.store_id IN (SELECT value FROM json_each(?))",
    ).bind(ids),
    env.DB.prepare("SELECT id, timezone FROM stores WHERE id IN (SELECT value FROM json_each(?))").bind(ids),
    env.DB.prepare("SELECT id, role FROM api_keys"),
  ]);
  return {
    orders: new Map<string, Order>(orders!.results.map((o: Order) => [o.id, o])),
    events: events!.results as Event[],
    lines: lines!.results as Line[],
    tz: new Map<string, string>(stores!.results.map((s: any) => [s.id, s.timezone])),
    roles: new Map<string, string>(keys!.results.map((k: any) => [k.id, k.role])),
  };
}

type Raw = Awaited<ReturnType<typeof rawData>>;

function add(map: Map<string, Record<string, any>>, key: Record<string, any>, measures: Record<string, number>) {
  const id = JSON.stringify(key);
  const row = map.get(id) ?? { ...key, ...Object.fromEntries(Object.keys(measures).map((m) => [m, 0])) };
  for (const [m, v] of Object.entries(measures)) row[m] += v;
  map.set(id, row);
}

const canonical = (r: Record<string, unknown>) => JSON.stringify(Object.keys(r).sort().map((k) => [k, r[k]]));
const sortRows = <T extends Record<string, any>>(rows: T[]) => rows.sort((a, b) => (canonical(a) < canonical(b) ? -1 : 1));

export function expectedOrderHours(raw: Raw) {
  const out = new Map<string, Record<string, any>>();
  for (const e of raw.events) {
    const o = raw.orders.get(e.order_id)!;
    const { day, hourStart, label } = localParts(raw.tz.get(o.store_id)!, e.created_at);
    const received = e.type === "received" ? 1 : 0;
    add(
      out,
      { store_id: o.store_id, day, hour_start: hourStart, hour_label: label, channel: o.channel, warehouse_id: "", currency: o.currency },
      {
        received,
        approved: +(e.to_status === "approved"),
        held: +(e.to_status === "on_hold"),
        processing: +(e.to_status === "processing"),
        shipped: +(e.to_status === "shipped"),
        delivered: +(e.to_status === "delivered"),
        completed: +(e.to_status === "completed"),
        cancelled: +(e.to_status === "cancelled"),
        rejected: +(e.type === "reject"),
        gross_amount: received * o.subtotal_amount,
        discount_amount: received * o.discount_amount,
        shipping_amount: received * o.shipping_amount,
        tax_amount: received * o.tax_amount,
        net_amount: received * o.total_amount,
        cancelled_amount: e.to_status === "cancelled" ? o.total_amount : 0,
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
        order_id: s.order_id, span: s.span, store_id: s.store_id, day: s.day, channel: s.channel,
        started_at: s.start, ended_at: s.end, duration_ms: ms, target_ms: target,
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

export function expectedSkus(raw: Raw) {
  const out = new Map<string, Record<string, any>>();
  const linesOf = new Map<string, Line[]>();
  for (const l of raw.lines) linesOf.set(l.order_id, [...(linesOf.get(l.order_id) ?? []), l]);
  for (const e of raw.events) {
    const kind = e.type === "received" ? "ordered" : e.to_status === "cancelled" ? "cancelled" : e.to_status === "shipped" ? "shipped" : null;
    if (!kind) continue;
    const o = raw.orders.get(e.order_id)!;
    const day = localParts(raw.tz.get(o.store_id)!, e.created_at).day;
    for (const l of linesOf.get(e.order_id) ?? []) {
      add(
        out,
        { store_id: o.store_id, day, warehouse_id: "", sku: l.sku, currency: o.currency },
        {
          units_ordered: kind === "ordered" ? l.quantity : 0,
          revenue_ordered: kind === "ordered" ? l.total_amount : 0,
          units_cancelled: kind === "cancelled" ? l.quantity : 0,
          revenue_cancelled: kind === "cancelled" ? l.total_amount : 0,
          units_shipped: kind === "shipped" ? l.quantity : 0,
          revenue_shipped: kind === "shipped" ? l.total_amount : 0,
        },
      );
    }
  }
  return sortRows([...out.values()].map((r) => ({ ...r, cost_shipped: null })));
}

/** Rollup rows without the columns the reference does not model, in the reference's order. */
export function comparable(rows: Record<string, unknown>[], drop: string[] = []) {
  return sortRows(rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !drop.includes(k)))));
}
