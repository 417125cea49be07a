// Purchasing scenarios for `npm run bench` (bench/run.mjs runs them on its main server):
//   receive against a purchase order   each request books 1 unit of a purchase order into a storage bin (a receipt:
//                                      the order's next event, its line, the stock, the moving-average cost, the
//                                      ledger, and a stock.received message whose consumer looks for backorders),
//                                      cycling over 200 submitted orders of 1,000,000 units so that two requests
//                                      rarely meet on one order. Compared with the D1 insert floor.
//   receipt -> backorder allocated     orders backordered for SKUs nobody holds; then, one at a time, a purchase
//                                      order for each is received, and the time from the receipt (its created_at)
//                                      to the order's allocation (its processing_at) is read back at the end from
//                                      the server's own timestamps, so no polling loads the server while it works.

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A store that decides its orders by hand, a warehouse with a bin, a supplier, and `orders` submitted purchase orders. */
export async function receivingSetup({ base, adminKey, must, pool, tag, orders = 200 }) {
  const admin = { key: adminKey };
  const store = await must(base, "/v1/stores", { ...admin, body: { name: `Bench purchasing ${tag}`, currency: "USD", auto_audit: false } }, 201);
  await must(base, "/v1/products", { ...admin, body: { store_id: store.id, sku: "BENCH-RCV", name: "Received", price: "10.00" } }, 201);
  const wh = await must(base, "/v1/warehouses", { ...admin, body: { name: `Bench dock ${tag}`, country: "GB", region: null, store_ids: [store.id] } }, 201);
  await must(base, `/v1/warehouses/${wh.id}/bins`, { ...admin, body: { code: "DOCK-1" } }, 201);
  const supplier = await must(base, "/v1/suppliers", { ...admin, body: { store_id: store.id, name: "Bench supplier", currency: "USD" } }, 201);
  const ids = await pool(
    Array.from({ length: orders }, (_, i) => i),
    8,
    async () => {
      const po = await must(
        base,
        "/v1/purchase-orders",
        { ...admin, body: { supplier_id: supplier.id, warehouse_id: wh.id, lines: [{ sku: "BENCH-RCV", quantity: 1_000_000, unit_cost: "2.00" }] } },
        201,
      );
      await must(base, `/v1/purchase-orders/${po.id}/transitions`, { ...admin, body: { event: "submit" } }, 200);
      return po.id;
    },
  );
  return { storeId: store.id, warehouseId: wh.id, supplierId: supplier.id, purchaseOrderIds: ids };
}

/** autocannon's options for the receipts scenario. */
export function receiveRequests({ purchaseOrderIds, adminKey, sampler }) {
  const s = sampler();
  let i = 0;
  const body = JSON.stringify({ lines: [{ line_no: 1, bin: "DOCK-1", quantity: 1 }], reference: "bench" });
  return {
    samples: s.samples,
    opts: {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${adminKey}` },
      requests: [{ setupRequest: (req) => ({ ...req, path: `/v1/purchase-orders/${purchaseOrderIds[i++ % purchaseOrderIds.length]}/receipts`, body }), onResponse: s.onResponse }],
    },
  };
}

/**
 * `count` orders backordered for SKUs of their own; then each one's stock arrives on a purchase order, `gapMs` apart;
 * p50/p99 of receipt -> allocation from the server's timestamps.
 */
export async function receiptToAllocation({ base, adminKey, must, call, storeId, warehouseId, supplierId, tag, count = 20, gapMs = 500, timeoutMs = 60_000 }) {
  const admin = { key: adminKey };
  const waiting = [];
  for (let i = 0; i < count; i++) {
    const sku = `BO-${tag}-${i}`;
    await must(base, "/v1/products", { ...admin, body: { store_id: storeId, sku, name: sku, price: "5.00" } }, 201);
    const order = await must(
      base,
      "/v1/orders",
      {
        ...admin,
        body: {
          store_id: storeId,
          channel: "web",
          external_id: `bench-bo-${tag}-${i}`,
          customer: { name: `Backorder ${i}`, email: `bo.${tag}.${i}@example.com` },
          shipping_address: { name: "Ada Lovelace", line1: "12 St James's Square", city: "London", postal_code: "SW1Y 4JH", country: "GB" },
          lines: [{ sku, quantity: 2, unit_price: "5.00" }],
          currency: "USD",
          payment_status: "paid",
        },
      },
      201,
    );
    await must(base, `/v1/orders/${order.id}/transitions`, { ...admin, body: { event: "approve" } }, 200);
    waiting.push({ sku, orderId: order.id });
  }
  // Every one backordered (the allocation found no stock) before any stock arrives.
  const deadline = Date.now() + timeoutMs;
  for (const w of waiting) {
    for (;;) {
      const a = await call(base, `/v1/orders/${w.orderId}/allocation`, admin);
      if (a.status === 200 && a.body?.status === "backordered") break;
      if (Date.now() > deadline) throw new Error(`order ${w.orderId} never backordered: ${JSON.stringify(a.body).slice(0, 200)}`);
      await sleep(200);
    }
  }
  const receipts = [];
  for (const w of waiting) {
    const po = await must(
      base,
      "/v1/purchase-orders",
      { ...admin, body: { supplier_id: supplierId, warehouse_id: warehouseId, lines: [{ sku: w.sku, quantity: 2, unit_cost: "1.00" }] } },
      201,
    );
    await must(base, `/v1/purchase-orders/${po.id}/transitions`, { ...admin, body: { event: "submit" } }, 200);
    const received = await must(base, `/v1/purchase-orders/${po.id}/receipts`, { ...admin, body: { lines: [{ line_no: 1, bin: "DOCK-1", quantity: 2 }] } }, 201);
    receipts.push({ ...w, receivedAt: Date.parse(received.receipts[0].created_at) });
    await sleep(gapMs);
  }
  const latencies = [];
  const notAllocated = [];
  for (const r of receipts) {
    let order = null;
    for (;;) {
      order = (await call(base, `/v1/orders/${r.orderId}`, admin)).body;
      if (order?.processing_at || Date.now() > deadline) break;
      await sleep(200);
    }
    if (order?.processing_at) latencies.push(Date.parse(order.processing_at) - r.receivedAt);
    else notAllocated.push(r.orderId);
  }
  latencies.sort((a, b) => a - b);
  return {
    orders: count,
    allocated: latencies.length,
    not_allocated: notAllocated.slice(0, 5),
    p50_ms: percentile(latencies, 50),
    p99_ms: percentile(latencies, 99),
    max_ms: latencies.at(-1) ?? null,
  };
}
