// What the processing and logistics stages record for a generated order,
// for the rollup tests and bench: allocation (shipments and their items, one
// or two warehouses, lines split across them), the floor's work log (picks,
// short picks, wrong scans, packs, weight overrides), ship movements at a
// unit cost that changes over time (or none), labels with the promise of the
// chosen carrier service, handovers and deliveries, delivery exceptions, and
// audit results with their findings. Rows use the D1 column names.
//
// A plan is drawn once per order from its own seeded stream (the order
// stream of generate-orders.mjs is untouched); `factRows(plan, t)` gives the
// rows as they stood at time t, so a test can load the past and then the
// present, the way the tables fill up and change in a live system.
import { prng } from "./prng.mjs";

const HOUR = 3_600_000;
const SERVICES = [
  { carrier: "ups", service: "ground", max: 5 },
  { carrier: "ups", service: "express", max: 2 },
  { carrier: "dhl", service: "parcel", max: 4 },
];
const HOLD_CODES = ["address_unverified", "high_value", "payment_review"];
const REJECT_CODES = ["blocklisted", "fraud_score"];
const EXCEPTION_KINDS = ["failed_attempt", "exception", "returned_to_sender", "stale_tracking", "conflicting_status"];

const pick = (rand, list) => list[Math.floor(rand() * list.length)];
const hash = (s) => {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
};

/** The moving-average cost a warehouse had for a SKU on a day; null for a tenth of (warehouse, SKU) pairs: never received at a cost. */
export function unitCostAt(warehouseId, sku, t) {
  const h = hash(`${warehouseId}/${sku}`);
  if (h % 10 === 0) return null;
  return 100 + (h % 5000) + (Math.floor(t / (24 * HOUR)) % 7) * 10;
}

/**
 * options: { warehouses: [{ id, currency }], workers: [key ids], index (the order's number), seed }.
 * Mutates the order's process event to carry the allocation, as the order object records it.
 */
export function planFacts({ order, lines, events }, { warehouses, workers, index, seed }) {
  const rand = prng((seed * 1_000_003 + index * 7919) >>> 0);
  const at = (type) => events.find((e) => e.type === type)?.created_at ?? null;
  const plan = { order, processed: null, shipments: [], items: [], movements: [], floor: [], exceptions: [], audits: [] };

  // Audits: most decisions were the audit's, a few orders waited for payment first.
  let k = 0;
  if (rand() < 0.05) {
    const t = order.created_at + 1000;
    plan.audits.push({ id: `aud_${order.id}_${k++}`, at: t, outcome: "wait", findings: [{ code: "unpaid", severity: "wait" }] });
  }
  for (const e of events) {
    if (!["approve", "hold", "reject"].includes(e.type) || rand() < 0.3) continue;
    const findings =
      e.type === "approve"
        ? rand() < 0.3
          ? [{ code: "first_order", severity: "info" }]
          : []
        : Array.from({ length: 1 + Math.floor(rand() * 2) }, () => ({
            code: pick(rand, e.type === "hold" ? HOLD_CODES : REJECT_CODES),
            severity: e.type === "hold" ? "hold" : "reject",
          }));
    plan.audits.push({ id: `aud_${order.id}_${k++}`, at: Math.max(order.created_at, e.created_at - Math.floor(rand() * 5000)), outcome: e.type, findings });
  }

  const processed = at("process");
  const goods = lines.filter((l) => l.type === "goods");
  if (processed === null || !goods.length) return plan;
  plan.processed = processed;
  const shipped = at("ship");
  const delivered = at("deliver");
  const first = pick(rand, warehouses);
  const others = warehouses.filter((w) => w.id !== first.id);
  const second = others.length && rand() < 0.25 ? pick(rand, others) : null;
  const byWarehouse = new Map();
  const shipmentOf = (w) => {
    if (!byWarehouse.has(w.id)) {
      const s = { id: `shp_${order.id}_${byWarehouse.size}`, warehouse: w, units: 0, svc: pick(rand, SERVICES), promised: rand() < 0.93 };
      byWarehouse.set(w.id, s);
      plan.shipments.push(s);
    }
    return byWarehouse.get(w.id);
  };
  let n = 0;
  const item = (line, w, quantity) => {
    const s = shipmentOf(w);
    s.units += quantity;
    plan.items.push({ id: `si_${order.id}_${String(n++).padStart(2, "0")}`, shipment: s, line, quantity });
  };
  for (const [i, line] of goods.entries()) {
    if (second && line.quantity > 1 && rand() < 0.5) {
      const part = 1 + Math.floor(rand() * (line.quantity - 1));
      item(line, first, part);
      item(line, second, line.quantity - part);
    } else item(line, second && i % 2 === 1 ? second : first, line.quantity);
  }
  const data = { shipments: plan.shipments.map((s) => ({ id: s.id, warehouse_id: s.warehouse.id, units: s.units })) };
  events.find((e) => e.type === "process").data = JSON.stringify(data);

  // The floor's work between allocation and handover (or over the next hours).
  const span = (shipped ?? processed + 6 * HOUR) - processed;
  let w = 0;
  const floor = (frac, kind, shipment, fields = {}) =>
    plan.floor.push({
      id: index * 64 + w++,
      at: processed + Math.max(1, Math.floor(span * frac)),
      kind,
      shipment,
      worker: pick(rand, workers),
      duration_ms: rand() < 0.8 ? 1000 + Math.floor(rand() * 60_000) : null,
      data: fields,
    });
  plan.items.forEach((it, j) => {
    const frac = 0.1 + (0.4 * j) / plan.items.length;
    if (rand() < 0.04) floor(frac - 0.01, "scan_mismatch", it.shipment, { stage: "pick", code: "WRONG" });
    const short = it.quantity > 1 && rand() < 0.05 ? 1 : 0;
    floor(frac, short ? "short_pick" : "pick", it.shipment, { item_id: it.id, sku: it.line.sku, quantity: it.quantity - short, short });
    if (rand() < 0.03) floor(frac + 0.4, "scan_mismatch", it.shipment, { stage: "pack", code: "NOT-HERE" });
    floor(frac + 0.41, "pack_scan", it.shipment, { item_id: it.id, sku: it.line.sku });
  });
  for (const s of plan.shipments) {
    floor(0.95, "weigh", s, { package: 1 });
    floor(0.96, "pack", s, { packages: 1, override: rand() < 0.06 ? "scale drift" : null });
  }

  if (shipped === null) return plan;
  plan.shipments.forEach((s, j) => {
    s.labelled = Math.max(processed + 1, shipped - HOUR);
    s.handedOver = shipped;
    if (delivered !== null) s.delivered = Math.max(shipped + 1, delivered - j * HOUR);
    if (rand() < 0.1) plan.exceptions.push({ id: `lex_${s.id}`, shipment: s, kind: pick(rand, EXCEPTION_KINDS), at: shipped + Math.floor(rand() * 30 * HOUR) });
  });
  let m = 0;
  for (const it of plan.items) {
    plan.movements.push({ id: index * 64 + m++, item: it, at: shipped, unit_cost: unitCostAt(it.shipment.warehouse.id, it.line.sku, shipped) });
  }
  return plan;
}

/** The plan's rows as they stood at `t` (a table name to rows; empty tables are left out). */
export function factRows(plan, t) {
  const o = plan.order;
  const seen = (x) => x !== undefined && x !== null && x <= t;
  const upTo = (x) => (seen(x) ? x : null);
  const out = {};
  const add = (table, row) => (out[table] ??= []).push(row);
  if (seen(plan.processed)) {
    for (const s of plan.shipments) {
      const status = seen(s.delivered) ? "delivered" : seen(s.handedOver) ? "shipped" : seen(s.labelled) ? "labelled" : "pending";
      add("shipments", {
        id: s.id,
        store_id: o.store_id,
        order_id: o.id,
        warehouse_id: s.warehouse.id,
        status,
        carrier: s.svc.carrier,
        merge_key: `mk_${o.id}`,
        hold_until: plan.processed,
        shipped_at: upTo(s.handedOver),
        created_at: plan.processed,
        updated_at: Math.max(plan.processed, upTo(s.labelled) ?? 0, upTo(s.handedOver) ?? 0, upTo(s.delivered) ?? 0),
      });
      if (!seen(s.labelled)) continue;
      const chosen = s.promised ? [{ carrier: s.svc.carrier, service: s.svc.service, transit_days: { min: 1, max: s.svc.max }, chosen: true }] : [];
      add("shipment_tracking", {
        shipment_id: s.id,
        store_id: o.store_id,
        order_id: o.id,
        carrier: s.svc.carrier,
        service: s.svc.service,
        adapter: "sandbox",
        carrier_ref: `ref_${s.id}`,
        tracking_number: `TN${s.id}`,
        tracking_url: null,
        rate_amount: 995,
        currency: o.currency,
        package_count: 1,
        explanation: JSON.stringify({ strategy: "cheapest", rule: null, summary: "", services: chosen }),
        status: seen(s.delivered) ? "delivered" : seen(s.handedOver) ? "in_transit" : null,
        status_at: upTo(s.delivered) ?? upTo(s.handedOver),
        peak_rank: seen(s.delivered) ? 9 : seen(s.handedOver) ? 2 : 0,
        last_update_at: Math.max(s.labelled, upTo(s.handedOver) ?? 0, upTo(s.delivered) ?? 0),
        version: 1,
        last_event_id: null,
        labelled_by: "bootstrap",
        labelled_at: s.labelled,
        handed_over_by: seen(s.handedOver) ? "bootstrap" : null,
        handed_over_at: upTo(s.handedOver),
        delivered_at: upTo(s.delivered),
      });
    }
    for (const it of plan.items) {
      const shipped = seen(it.shipment.handedOver);
      add("shipment_items", {
        id: it.id,
        shipment_id: it.shipment.id,
        origin_shipment_id: it.shipment.id,
        order_id: o.id,
        line_no: it.line.line_no,
        sku: it.line.sku,
        warehouse_id: it.shipment.warehouse.id,
        bin_id: `bin_${it.shipment.warehouse.id}_A`,
        quantity: it.quantity,
        reserved_qty: shipped ? 0 : it.quantity,
        picked_qty: shipped ? it.quantity : 0,
        short_qty: 0,
        packed_qty: shipped ? it.quantity : 0,
        cancelled_at: null,
        created_at: plan.processed,
      });
    }
  }
  for (const m of plan.movements.filter((m) => seen(m.at))) {
    add("stock_movements", {
      id: m.id,
      warehouse_id: m.item.shipment.warehouse.id,
      bin_id: `bin_${m.item.shipment.warehouse.id}_OUT`,
      sku: m.item.line.sku,
      kind: "ship",
      on_hand_delta: -m.item.quantity,
      reserved_delta: -m.item.quantity,
      unit_cost: m.unit_cost,
      actor: "bootstrap",
      reason: null,
      ref_type: "shipment",
      ref_id: m.item.shipment.id,
      created_at: m.at,
    });
  }
  for (const f of plan.floor.filter((f) => seen(f.at))) {
    add("warehouse_events", {
      id: f.id,
      warehouse_id: f.shipment.warehouse.id,
      shipment_id: f.shipment.id,
      wave_id: null,
      kind: f.kind,
      worker: f.worker,
      duration_ms: f.duration_ms,
      data: JSON.stringify(f.data),
      created_at: f.at,
      // As the floor writes it: the shipment's store (its order's).
      store_id: o.store_id,
    });
  }
  for (const x of plan.exceptions.filter((x) => seen(x.at))) {
    add("logistics_exceptions", {
      id: x.id,
      shipment_id: x.shipment.id,
      order_id: o.id,
      store_id: o.store_id,
      kind: x.kind,
      detail: null,
      tracking_event_id: null,
      status: "open",
      open_key: null,
      created_at: x.at,
      resolved_by: null,
      resolved_at: null,
      resolution: null,
    });
  }
  for (const a of plan.audits.filter((a) => seen(a.at))) {
    add("audit_results", {
      id: a.id,
      order_id: o.id,
      order_version: 1,
      rule_set_version: 1,
      outcome: a.outcome,
      findings: JSON.stringify(a.findings.map((f) => ({ rule: f.code, code: f.code, severity: f.severity, message: f.code, customerAction: null, confirmable: false }))),
      trigger: "intake",
      duration_ms: 5,
      created_at: a.at,
    });
  }
  return out;
}
