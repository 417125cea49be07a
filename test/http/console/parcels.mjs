// Parcels for the logistics and after-sales journeys, made through the API
// as the floor would make them: a store and warehouse of the journey's own
// (so the shared server's other journeys never see them), stock received,
// an order approved and allocated, its wave picked, packed and labelled.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function ok(server, path, init, expected = [200, 201]) {
  const r = await server.api(path, init);
  if (!expected.includes(r.status)) throw new Error(`${init?.method ?? (init?.body ? "POST" : "GET")} ${path}: ${r.status} ${r.text}`);
  return r.body;
}

/** A labelled (or, with label: false, packed) parcel of a paid order: { store, warehouse, order, shipmentId, trackingNumber }. */
export async function labelledParcel(server, { tag = "journey", sku = "MUG-1", quantity = 1, label = true, beside = null } = {}) {
  const suffix = `${tag}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  // `beside`: another parcel of this journey, whose store and warehouse (stocked with ten) this one shares.
  let store = beside?.store;
  let warehouse = beside?.warehouse;
  if (!store) {
    store = await ok(server, "/v1/stores", { body: { name: `Desk ${suffix}`, currency: "USD", timezone: "America/New_York", auto_audit: false } });
    warehouse = await ok(server, "/v1/warehouses", { body: { name: `Dock ${suffix}`, country: "US", region: "NJ", store_ids: [store.id] } });
    await ok(server, `/v1/warehouses/${warehouse.id}/bins`, { body: { code: "A-01", pick_sequence: 10 } });
    await ok(server, `/v1/warehouses/${warehouse.id}/receipts`, { body: { lines: [{ sku, bin: "A-01", quantity: 10, unit_cost: "2.00" }] } });
    await ok(server, `/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [warehouse.id] } });
  }
  const order = await ok(server, "/v1/orders", {
    body: {
      store_id: store.id,
      channel: "web",
      customer: { name: "Lin Mei", email: `lin.${suffix}@example.com`, phone: "+1 212 555 0100" },
      shipping_address: { name: "Lin Mei", line1: "350 5th Ave", city: "New York", region: "NY", postal_code: "10118", country: "US" },
      lines: [{ sku, quantity, unit_price: "18.00" }],
      currency: "USD",
      shipping_amount: "4.50",
      payment_status: "paid",
      locale: "zh-CN",
    },
  });
  await ok(server, `/v1/orders/${order.id}/transitions`, { body: { event: "approve" } });
  // Approval allocates from a queue; ask directly if it has not happened yet.
  let allocation;
  for (let i = 0; i < 40; i++) {
    allocation = await ok(server, `/v1/orders/${order.id}/allocation`);
    if (allocation.status === "allocated") break;
    if (i === 5) await server.api(`/v1/orders/${order.id}/allocation`, { method: "POST", body: {} });
    await sleep(250);
  }
  if (allocation.status !== "allocated") throw new Error(`not allocated: ${JSON.stringify(allocation)}`);
  const shipment = allocation.shipments[0];
  const waves = await ok(server, "/v1/waves", { body: { warehouse_id: warehouse.id, group_by: "carrier" } });
  const wave = waves.data[0];
  for (const item of shipment.items) await ok(server, `/v1/waves/${wave.id}/picks`, { body: { item_id: item.id, scanned: item.sku, quantity: item.quantity } });
  for (const item of shipment.items) for (let n = 0; n < item.quantity; n++) await ok(server, `/v1/shipments/${shipment.id}/pack-scans`, { body: { code: item.sku } });
  await ok(server, `/v1/shipments/${shipment.id}/pack`, {
    body: { packages: [{ length_mm: 250, width_mm: 200, height_mm: 150, weight_grams: 600 }], weight_override_reason: "journey parcel" },
  });
  if (!label) return { store, warehouse, order, shipmentId: shipment.id, trackingNumber: null };
  const bought = await ok(server, `/v1/shipments/${shipment.id}/label`, { body: {} });
  return { store, warehouse, order, shipmentId: shipment.id, trackingNumber: bought.tracking_number };
}

/** Hands the parcel over and records its delivery by hand (as logistics does for a delivery confirmed by phone). */
export async function deliver(server, parcel) {
  await ok(server, `/v1/shipments/${parcel.shipmentId}/handover`, { body: {} });
  await ok(server, `/v1/shipments/${parcel.shipmentId}/tracking-events`, { body: { status: "delivered", message: "Left with the concierge" } });
  const order = await ok(server, `/v1/orders/${parcel.order.id}`);
  if (order.status !== "delivered") throw new Error(`order is ${order.status}, not delivered`);
  return order;
}
