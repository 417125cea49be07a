// Deterministic synthetic orders for the rollup tests and the rollup bench:
// orders, their lines and their full event history, walked through the real
// lifecycle (holds, re-approvals, rejections, cancellations, goods that ship,
// services that do not) with realistic delays between steps. Rows use the D1
// column names, so they can be inserted as they are.
//
// Pure and seeded: the same options give the same rows, in Node and in workerd.

import { factRows, planFacts } from "./generate-facts.mjs";
import { prng } from "./prng.mjs";

export { prng };

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const HOUR = 3_600_000;

/** Ids shaped like src/lib/ids.ts: 10 chars of time, 16 of randomness, so they sort by creation. */
function idFor(prefix, ms, rand) {
  let time = "";
  let t = ms;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let tail = "";
  for (let i = 0; i < 16; i++) tail += ALPHABET[Math.floor(rand() * 32)];
  return `${prefix}_${time}${tail}`;
}

const pick = (rand, list) => list[Math.floor(rand() * list.length)];
/** Exponential delay with the given mean, at least a second. */
const delay = (rand, meanMs) => Math.max(1000, Math.round(-Math.log(1 - rand()) * meanMs));

const HOLD_REASONS = ["address needs confirmation", "payment review", "high value order", "stock check", "customer asked to wait"];
const REJECT_REASONS = ["fraud suspected", "address undeliverable", "duplicate order"];
const CANCEL_REASONS = ["customer cancelled", "out of stock", "payment failed"];

const MILESTONE = {
  approved: "approved_at",
  on_hold: "held_at",
  processing: "processing_at",
  shipped: "shipped_at",
  delivered: "delivered_at",
  completed: "completed_at",
  cancelled: "cancelled_at",
};

/**
 * Yields { order, lines, events } one order at a time (memory stays flat for
 * large counts). Events later than `end` are left out: those orders are
 * still in flight, as in a live system.
 *
 * options: seed, count, start, end (epoch ms), stores [{ id, currency }],
 * channels, actors { audit, warehouse, logistics, system } (lists of key ids),
 * currencies (other currencies some orders are in), and optionally
 * fulfilment { warehouses [{ id, currency }], workers [key ids] }: then each
 * order also carries `plan` and `facts`, what processing and logistics
 * recorded for it (generate-facts.mjs), as of `end`.
 */
export function* generateOrders({
  seed = 1,
  count,
  start,
  end,
  stores,
  channels = ["web", "pos", "marketplace"],
  actors,
  currencies = ["EUR", "JPY"],
  skus = 40,
  fulfilment = null,
}) {
  const rand = prng(seed);
  for (let n = 0; n < count; n++) {
    const store = pick(rand, stores);
    const created = start + Math.floor(rand() * (end - start));
    const id = idFor("ord", created, rand);
    const currency = rand() < 0.85 ? store.currency : pick(rand, currencies);
    const serviceOnly = rand() < 0.15;
    const lineCount = 1 + Math.floor(rand() * 3);
    const lines = [];
    for (let i = 1; i <= lineCount; i++) {
      const service = serviceOnly || (i > 1 && rand() < 0.1);
      const quantity = 1 + Math.floor(rand() * 4);
      const unitPrice = 100 + Math.floor(rand() * 20_000);
      lines.push({
        order_id: id,
        line_no: i,
        sku: service ? `SVC-${1 + Math.floor(rand() * 5)}` : `SKU-${String(1 + Math.floor(rand() * skus)).padStart(3, "0")}`,
        name: service ? "Installation" : "Thing",
        type: service ? "service" : "goods",
        quantity,
        unit_price: unitPrice,
        total_amount: unitPrice * quantity,
      });
    }
    const subtotal = lines.reduce((s, l) => s + l.total_amount, 0);
    const shipping = serviceOnly ? 0 : pick(rand, [0, 495, 995]);
    const discount = rand() < 0.2 ? Math.floor(subtotal * 0.1) : 0;
    const tax = Math.floor(subtotal * 0.08);
    const requiresShipping = lines.some((l) => l.type === "goods");

    // The lifecycle walk: each step happens after a delay, while before `end`.
    const events = [];
    let t = created;
    let status = "received";
    // The latest event of a type so far (events are in time order): the history the order object writes on each event.
    const latest = (type) => events.findLast((e) => e.type === type)?.created_at ?? null;
    const push = (type, to, actor, reason = null) => {
      events.push({
        id: idFor("evt", t, rand),
        order_id: id,
        seq: events.length + 1,
        type,
        from_status: events.length ? status : null,
        to_status: to,
        actor,
        reason,
        data: null,
        created_at: t,
        previous_at: events.at(-1)?.created_at ?? null,
        last_approved_at: latest("approve"),
        last_shipped_at: latest("ship"),
      });
      status = to;
    };
    push("received", "received", pick(rand, actors.system));
    const step = (meanMs) => {
      t += delay(rand, meanMs);
      return t <= end;
    };
    walk: {
      if (rand() < 0.08) break walk; // left waiting for audit
      if (rand() < 0.18) {
        if (!step(3 * HOUR)) break walk;
        push("hold", "on_hold", pick(rand, actors.audit), pick(rand, HOLD_REASONS));
        if (!step(10 * HOUR)) break walk;
        if (rand() < 0.3) {
          push("reject", "cancelled", pick(rand, actors.audit), pick(rand, REJECT_REASONS));
          break walk;
        }
      }
      if (!step(2 * HOUR)) break walk;
      push("approve", "approved", pick(rand, actors.audit));
      if (rand() < 0.04) {
        // Held again after approval (stock or payment trouble), then approved again.
        if (!step(4 * HOUR)) break walk;
        push("hold", "on_hold", pick(rand, actors.audit), pick(rand, HOLD_REASONS));
        if (!step(8 * HOUR)) break walk;
        push("approve", "approved", pick(rand, actors.audit));
      }
      if (rand() < 0.05) {
        if (!step(5 * HOUR)) break walk;
        push("cancel", "cancelled", pick(rand, actors.audit), pick(rand, CANCEL_REASONS));
        break walk;
      }
      if (!step(6 * HOUR)) break walk;
      push("process", "processing", pick(rand, actors.warehouse));
      if (requiresShipping) {
        if (!step(20 * HOUR)) break walk;
        push("ship", "shipped", pick(rand, actors.warehouse));
      }
      if (!step(requiresShipping ? 50 * HOUR : 24 * HOUR)) break walk;
      push("deliver", "delivered", pick(rand, actors.logistics));
      if (!step(72 * HOUR)) break walk;
      push("complete", "completed", pick(rand, actors.system));
    }

    const order = {
      id,
      store_id: store.id,
      channel: pick(rand, channels),
      external_id: null,
      status: "received",
      version: 1,
      payment_status: "paid",
      requires_shipping: requiresShipping ? 1 : 0,
      customer_name: `Customer ${n}`,
      customer_email: `c${n}@example.com`,
      customer_phone: null,
      shipping_address: JSON.stringify({ name: `Customer ${n}`, line1: "1 Main St", city: "Springfield", postal_code: "12345", country: "US" }),
      currency,
      subtotal_amount: subtotal,
      shipping_amount: shipping,
      discount_amount: discount,
      tax_amount: tax,
      total_amount: subtotal + shipping + tax - discount,
      note: null,
      status_reason: null,
      created_at: created,
      updated_at: created,
      approved_at: null,
      held_at: null,
      processing_at: null,
      shipped_at: null,
      delivered_at: null,
      completed_at: null,
      cancelled_at: null,
      archived_at: null,
      primary_warehouse_id: null,
    };
    const generated = { order: applyEvents(order, events), lines, events };
    if (!fulfilment) {
      yield generated;
      continue;
    }
    const plan = planFacts(generated, { ...fulfilment, index: n, seed });
    const facts = factRows(plan, end);
    yield { ...generated, order: withPrimaryWarehouse(generated.order, facts), plan, facts };
  }
}

/** The order row after its events, as the order object would have written it. */
export function applyEvents(order, events) {
  const o = { ...order };
  for (const e of events) {
    o.status = e.to_status;
    o.version = e.seq;
    o.updated_at = e.created_at;
    if (e.seq > 1) o.status_reason = e.to_status === "on_hold" || e.to_status === "cancelled" ? e.reason : null;
    const m = MILESTONE[e.to_status];
    if (m) o[m] = e.created_at;
  }
  return o;
}

/** The order (and its facts, if planned) as it stood at `t`, or null if it did not exist yet. */
export function asOf({ order, lines, events, plan }, t) {
  if (order.created_at > t) return null;
  const seen = events.filter((e) => e.created_at <= t);
  const base = { ...order, status: "received", version: 1, updated_at: order.created_at, status_reason: null };
  for (const m of Object.values(MILESTONE)) base[m] = null;
  const now = { order: applyEvents(base, seen), lines, events: seen };
  if (!plan) return now;
  const facts = factRows(plan, t);
  return { ...now, order: withPrimaryWarehouse(now.order, facts), plan, facts };
}

/**
 * The order with its primary warehouse as its allocation keeps it (src/fulfilment/primary-warehouse.ts): the
 * warehouse of most of its allocated units, ties to the smallest id; null before allocation.
 */
function withPrimaryWarehouse(order, facts) {
  const units = new Map();
  for (const i of facts.shipment_items ?? []) units.set(i.warehouse_id, (units.get(i.warehouse_id) ?? 0) + i.quantity);
  let best = null;
  for (const [id, n] of units) if (best === null || n > units.get(best) || (n === units.get(best) && id < best)) best = id;
  return { ...order, primary_warehouse_id: best };
}
