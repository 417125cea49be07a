// Outbound partner webhooks, measured inside `npm run bench` (bench/run.mjs): a local receiver on this
// machine stands in for a partner's endpoint and records when each delivery arrives.
//
// 1. Backlog: the subscription is paused while `count` orders are taken in, then made active; deliveries per
//    second is `count` over the time from activation to the last arrival (the dispatcher's fan-out, signing,
//    sending and logging, with nothing else running).
// 2. Latency: with the subscription active, orders are taken in at a steady pace (4 at a time); for each, the
//    time from the event's commit (`timestamp` in the body) to its arrival at the receiver, p50 and p99.
import { createServer } from "node:http";

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : null);

function receiver() {
  const arrivals = new Map(); // webhook-id -> { at, eventAt }
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const at = Date.now();
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        const id = req.headers["webhook-id"];
        if (id && !arrivals.has(id)) arrivals.set(id, { at, eventAt: Date.parse(body.timestamp) });
      } catch {}
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"ok":true}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${server.address().port}/hook`, arrivals, close: () => new Promise((r) => server.close(r)) })),
  );
}

async function waitForArrivals(arrivals, n, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (arrivals.size < n && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  return arrivals.size >= n;
}

/**
 * `must(path, init, expected)` calls the main worker with the admin key; `createOrder()` takes one order in for
 * `storeId`; `pool(items, limit, fn)` runs with bounded concurrency.
 */
export async function outboundDeliveries({ must, createOrder, pool, storeId, count = 500, latencyCount = 200, log }) {
  const rx = await receiver();
  try {
    const sub = await must("/v1/webhook-subscriptions", { body: { store_id: storeId, url: rx.url, event_types: ["order.created"], description: "bench" } }, 201);
    await must(`/v1/webhook-subscriptions/${sub.id}`, { method: "PATCH", body: { status: "paused" } }, 200);
    await pool(Array.from({ length: count }), 8, createOrder);
    const start = Date.now();
    await must(`/v1/webhook-subscriptions/${sub.id}`, { method: "PATCH", body: { status: "active" } }, 200);
    const complete = await waitForArrivals(rx.arrivals, count, 300_000);
    const last = Math.max(...[...rx.arrivals.values()].map((a) => a.at));
    const backlog = { deliveries: rx.arrivals.size, seconds: (last - start) / 1000, complete };
    backlog.per_second = backlog.deliveries / backlog.seconds;
    log(`outbound backlog: ${backlog.deliveries} of ${count} deliveries in ${backlog.seconds.toFixed(1)} s = ${backlog.per_second.toFixed(1)} deliveries/s`);

    const before = new Set(rx.arrivals.keys());
    const t0 = Date.now();
    await pool(Array.from({ length: latencyCount }), 4, createOrder);
    const intakeSeconds = (Date.now() - t0) / 1000;
    await waitForArrivals(rx.arrivals, count + latencyCount, 120_000);
    const lat = [...rx.arrivals.entries()]
      .filter(([id]) => !before.has(id))
      .map(([, a]) => a.at - a.eventAt)
      .sort((a, b) => a - b);
    const latency = { deliveries: lat.length, orders_per_second: latencyCount / intakeSeconds, p50: percentile(lat, 50), p99: percentile(lat, 99), max: lat.at(-1) ?? null };
    log(`outbound latency at ${latency.orders_per_second.toFixed(1)} orders/s: commit to arrival p50 ${latency.p50} ms, p99 ${latency.p99} ms (${lat.length} deliveries)`);
    await must(`/v1/webhook-subscriptions/${sub.id}`, { method: "DELETE" }, 200);
    return { backlog, latency };
  } finally {
    await rx.close();
  }
}
