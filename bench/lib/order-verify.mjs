// What the whole-order scenario checks after a pass (bench/whole-order.mjs), through the API with the admin
// key: every order completed with a gapless timeline holding each expected event once, its one parcel
// labelled, handed over and delivered by the carrier's two events, each customer notice sent exactly once,
// and the warehouse's stock down by exactly what shipped with nothing left reserved and the ledger agreeing.
// It also reads the server's own time of each step, which the report's step latencies come from.

/** The happy path's timeline, in order, each event once. */
export const EXPECTED_EVENTS = ["received", "approve", "process", "ship", "deliver", "complete"];
/** The customer's notices on that path for a store that announces every milestone (the default `notify_on`). */
export const EXPECTED_NOTICES = ["order.approved", "order.completed", "order.delivered", "order.shipped"];
/** Each step of the report: from which server time to which. */
export const STEPS = [
  ["checkout -> approved", "checkout", "approved"],
  ["approved -> allocated", "approved", "allocated"],
  ["allocated -> picked", "allocated", "picked"],
  ["picked -> packed", "picked", "packed"],
  ["packed -> labelled", "packed", "labelled"],
  ["labelled -> handed over", "labelled", "handedOver"],
  ["handed over -> delivered", "handedOver", "delivered"],
  ["delivered -> completed", "delivered", "completed"],
];

/** Every page of a list (`next_cursor` until null). */
async function listAll(call, route, path) {
  const out = [];
  let cursor = null;
  do {
    const r = await call(route, `${path}${path.includes("?") ? "&" : "?"}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    out.push(...r.body.data);
    cursor = r.body.next_cursor;
  } while (cursor);
  return out;
}

async function pool(items, limit, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** On-hand and reserved units per SKU over the warehouse's bins, and what waits in OUTBOUND. */
export async function stockLevels(call, warehouseId) {
  const rows = await listAll(call, "GET /v1/warehouses/{id}/stock", `/v1/warehouses/${warehouseId}/stock`);
  const bySku = {};
  for (const r of rows) {
    const s = (bySku[r.sku] ??= { on_hand: 0, reserved: 0, outbound: 0 });
    s.on_hand += r.on_hand;
    s.reserved += r.reserved;
    if (r.bin === "OUTBOUND") s.outbound += r.on_hand;
  }
  return bySku;
}

const ms = (iso) => (iso ? Date.parse(iso) : null);

/**
 * Checks every order of a pass. `orders` are the journeys (with `id` once
 * created, `body` as sent, `error` if an actor gave up). Returns the problems
 * per order, the server's step times of each order that passed, and what was
 * checked.
 */
export async function verifyPass({ call, storeId, warehouseId, orders, stockBefore }) {
  const problems = new Map();
  const problem = (o, text) => {
    const key = o.id ?? `#${o.index} (not created)`;
    problems.set(key, [...(problems.get(key) ?? []), text]);
  };
  const created = orders.filter((o) => o.id);
  for (const o of orders) if (o.error) problem(o, `${o.step}: ${o.error.message}`);

  const statuses = new Map((await listAll(call, "GET /v1/orders", `/v1/orders?store_id=${storeId}`)).map((r) => [r.id, r.status]));
  const work = new Map();
  for (const e of await listAll(call, "GET /v1/warehouse-events", `/v1/warehouse-events?warehouse_id=${warehouseId}&kind=pick,pack`)) {
    const w = work.get(e.shipment_id) ?? { picks: [], packs: [] };
    (e.kind === "pick" ? w.picks : w.packs).push(ms(e.created_at));
    work.set(e.shipment_id, w);
  }
  const notices = new Map();
  for (const n of await listAll(call, "GET /v1/notifications", `/v1/notifications?store_id=${storeId}`)) {
    notices.set(n.order_id, [...(notices.get(n.order_id) ?? []), n]);
  }

  const times = new Map();
  await pool(created, 8, async (o) => {
    const status = statuses.get(o.id);
    if (status !== "completed") problem(o, `status ${status ?? "not listed"}, not completed`);

    const events = (await call("GET /v1/orders/{id}/events", `/v1/orders/${o.id}/events?limit=200`)).body.data;
    const types = events.map((e) => e.type);
    if (types.join() !== EXPECTED_EVENTS.join()) problem(o, `timeline ${types.join(", ")}; expected ${EXPECTED_EVENTS.join(", ")}`);
    events.forEach((e, i) => {
      if (e.seq !== i + 1) problem(o, `timeline has a gap: event ${i + 1} (${e.type}) has seq ${e.seq}`);
      if (i > 0 && e.from_status !== events[i - 1].to_status) problem(o, `timeline breaks at ${e.type}: from ${e.from_status} after ${events[i - 1].to_status}`);
    });
    const at = (type) => ms(events.find((e) => e.type === type)?.created_at);

    const parcels = (await call("GET /v1/orders/{id}/tracking", `/v1/orders/${o.id}/tracking`)).body.shipments;
    const p = parcels[0];
    if (parcels.length !== 1) problem(o, `${parcels.length} parcels, expected 1`);
    else {
      if (p.shipment_status !== "delivered" || p.tracking_status !== "delivered") problem(o, `parcel ${p.shipment_id} is ${p.shipment_status} (tracking ${p.tracking_status})`);
      const seen = p.timeline.map((t) => `${t.status}:${t.outcome}`).join(", ");
      if (seen !== "in_transit:applied, delivered:applied") problem(o, `parcel timeline ${seen}; expected in_transit and delivered, each applied once`);
    }
    const w = p ? work.get(p.shipment_id) : undefined;
    if (!w?.picks.length || w.packs.length !== 1) problem(o, `work log of ${p?.shipment_id}: ${w?.picks.length ?? 0} picks, ${w?.packs.length ?? 0} packs`);

    const sent = notices.get(o.id) ?? [];
    const templates = sent.map((n) => n.template).sort();
    if (templates.join() !== EXPECTED_NOTICES.join()) problem(o, `notices ${templates.join(", ") || "none"}; expected each of ${EXPECTED_NOTICES.join(", ")} once`);
    for (const n of sent) if (n.status !== "sent") problem(o, `notice ${n.template} is ${n.status}${n.error ? `: ${n.error}` : ""}`);

    const t = {
      checkout: at("received"),
      approved: at("approve"),
      allocated: at("process"),
      picked: w?.picks.length ? Math.max(...w.picks) : null,
      packed: w?.packs[0] ?? null,
      labelled: ms(p?.label?.labelled_at),
      handedOver: ms(p?.label?.handed_over_at),
      delivered: at("deliver"),
      completed: at("complete"),
    };
    if (!problems.has(o.id)) times.set(o.id, t);
  });

  // Stock: on hand down by exactly what this pass's orders shipped, nothing reserved, nothing left waiting in OUTBOUND.
  const shipped = {};
  for (const o of created) for (const l of o.body.lines) shipped[l.sku] = (shipped[l.sku] ?? 0) + l.quantity;
  const after = await stockLevels(call, warehouseId);
  const stockProblems = [];
  for (const sku of new Set([...Object.keys(stockBefore), ...Object.keys(after)])) {
    const before = stockBefore[sku] ?? { on_hand: 0 };
    const now = after[sku] ?? { on_hand: 0, reserved: 0, outbound: 0 };
    const down = before.on_hand - now.on_hand;
    if (down !== (shipped[sku] ?? 0)) stockProblems.push(`${sku}: on hand down by ${down}, ${shipped[sku] ?? 0} shipped`);
    if (now.reserved !== 0) stockProblems.push(`${sku}: ${now.reserved} still reserved`);
    if (now.outbound !== 0) stockProblems.push(`${sku}: ${now.outbound} left in OUTBOUND`);
  }
  const ledger = (await call("GET /v1/warehouses/{id}/stock-check", `/v1/warehouses/${warehouseId}/stock-check`)).body;
  if (!ledger.ok) stockProblems.push(`the ledger disagrees with the levels: ${JSON.stringify(ledger.mismatches).slice(0, 500)}`);

  return {
    ok: problems.size === 0 && stockProblems.length === 0,
    orders_checked: created.length,
    orders_failed: problems.size,
    problems: [...problems].map(([order, list]) => ({ order, problems: list })),
    stock_problems: stockProblems,
    units_shipped: shipped,
    stock_after: after,
    ledger_rows_checked: ledger.checked,
    notices_checked: created.reduce((n, o) => n + (notices.get(o.id)?.length ?? 0), 0),
    times,
  };
}
