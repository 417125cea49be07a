// Moving a stock pool to the other shard under load (`npm run bench:move`, docs/SHARDING.md section 8): starts the
// real system on a free port (test/http/server.mjs), makes a store of its own pool with a warehouse and ORDERS
// orders through the API, then moves the pool with `POST /v1/pools/{id}/move` (as scripts/move-pool.mjs does) while
// CLIENTS storefronts keep placing orders, each retrying a 503 with its idempotency key as a real one would.
//
// Prints and writes to bench/move-results.json: how long the copy and the freeze took, the rows of each pass, the
// intake's throughput and latency before and during the move, how many requests were refused, and the longest wait
// one order had. Checks that every order the storefronts were told of is on the target, once (exit 1 otherwise).
//
//   ORDERS=2000 CLIENTS=8 node bench/pool-move.mjs
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startServer } from "../test/http/server.mjs";

const ORDERS = Number(process.env.ORDERS ?? 2000);
const CLIENTS = Number(process.env.CLIENTS ?? 8);
const RESULTS = join(import.meta.dirname, "move-results.json");

const pct = (xs, p) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

export async function poolMoveBench({ orders = ORDERS, clients = CLIENTS, log = console.log } = {}) {
  const server = await startServer();
  try {
    const store = await server.api("/v1/stores", { body: { name: `Bench move ${Date.now()}`, currency: "EUR", auto_audit: false, stock: "own" } });
    if (store.status !== 201) throw new Error(`store: ${store.status} ${store.text}`);
    const storeId = store.body.id;
    await server.api("/v1/products", { body: { store_id: storeId, sku: "MOVE-1", name: "Moving kettle", price: "39.00" } });
    const wh = await server.api("/v1/warehouses", { body: { name: "Bench move warehouse", country: "DE", store_ids: [storeId] } });
    if (wh.status !== 201) throw new Error(`warehouse: ${wh.status} ${wh.text}`);
    await server.api(`/v1/warehouses/${wh.body.id}/bins`, { body: { code: "A-01" } });
    await server.api(`/v1/warehouses/${wh.body.id}/receipts`, { body: { lines: [{ sku: "MOVE-1", bin: "A-01", quantity: 1_000_000, unit_cost: "10.00" }] } });

    const body = () => ({
      store_id: storeId,
      channel: "web",
      customer: { name: "Grete Kessel", email: "grete@example.de" },
      shipping_address: { name: "Grete Kessel", line1: "Hauptstr. 1", city: "Berlin", postal_code: "10115", country: "DE" },
      lines: [{ sku: "MOVE-1", quantity: 1, unit_price: "39.00" }],
      currency: "EUR",
      shipping_amount: "4.90",
    });
    const told = [];
    /** One storefront order: retried with its key on 503 until made; its whole wait, and every request's latency. */
    async function place(stats) {
      const key = crypto.randomUUID();
      const payload = body();
      const first = Date.now();
      for (;;) {
        const t = Date.now();
        const r = await server.api("/v1/orders", { body: payload, headers: { "idempotency-key": key } });
        stats.latencies.push(Date.now() - t);
        if (r.status === 503) {
          stats.refused += 1;
          await sleep(100);
          continue;
        }
        if (r.status !== 201) throw new Error(`order: ${r.status} ${r.text}`);
        told.push(r.body.id);
        stats.waits.push(Date.now() - first);
        return;
      }
    }
    const newStats = () => ({ latencies: [], waits: [], refused: 0, started: Date.now(), ended: 0 });

    log(`seeding ${orders} orders of a store of its own pool`);
    const seeding = newStats();
    let left = orders;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (left-- > 0) await place(seeding);
      }),
    );
    seeding.ended = Date.now();

    const pools = await server.api("/v1/pools");
    const pool = pools.body.data.find((p) => p.stores.includes(storeId));
    const to = pool.shard_id === "s0" ? "s1" : "s0";
    log(`moving ${pool.id} from ${pool.shard_id} to ${to} while ${clients} storefronts keep ordering`);

    const during = newStats();
    let moving = true;
    const load = Promise.all(
      Array.from({ length: clients }, async () => {
        while (moving) await place(during);
      }),
    );
    const steps = [];
    const started = Date.now();
    let view;
    try {
      for (;;) {
        const r = await server.api(`/v1/pools/${pool.id}/move`, { body: { to_shard: to } });
        if (r.status !== 200) throw new Error(`move: ${r.status} ${r.text}`);
        view = r.body;
        steps.push({ at: Date.now() - started, phase: view.phase, passes: view.passes, last_pass_written: view.last_pass_written, at_table: view.at_table });
        if (view.phase === "switched") break;
      }
    } finally {
      moving = false;
      await load;
      during.ended = Date.now();
    }
    const switchedAt = Date.now() - started;
    // The clean-up waits out every isolate's cached route (30 s), then deletes the old copy.
    for (;;) {
      const r = await server.api(`/v1/pools/${pool.id}/move`, { body: { to_shard: to } });
      if (r.status !== 200) throw new Error(`clean-up: ${r.status} ${r.text}`);
      if (r.body.phase === "cleaned") break;
      await sleep(1000);
    }
    const cleanedAt = Date.now() - started;

    // Every order the storefronts were told of is there once, on the target.
    const seen = new Set();
    let cursor = null;
    do {
      const page = await server.api(`/v1/orders?store_id=${storeId}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      if (page.status !== 200) throw new Error(`list: ${page.status} ${page.text}`);
      for (const o of page.body.data) seen.add(o.id);
      cursor = page.body.next_cursor;
    } while (cursor);
    const missing = told.filter((id) => !seen.has(id));
    const after = (await server.api("/v1/pools")).body.data.find((p) => p.id === pool.id);

    const firstFrozen = steps.find((s) => s.phase === "frozen");
    const passes = steps.filter((s, i) => i === 0 || s.passes !== steps[i - 1].passes).map((s) => s.last_pass_written);
    const longest = steps.reduce(
      (m, st, i) => {
        const took = st.at - (i ? steps[i - 1].at : 0);
        return took > m.ms ? { ms: took, phase: st.phase, at_table: st.at_table } : m;
      },
      { ms: 0 },
    );
    const rate = (s) => Math.round((s.waits.length / ((s.ended - s.started) / 1000)) * 10) / 10;
    const result = {
      measured_at: new Date().toISOString(),
      orders_before: orders,
      orders_during: during.waits.length,
      clients,
      copy_ms: firstFrozen ? firstFrozen.at : null,
      frozen_ms: view.frozen_ms,
      switch_ms: switchedAt,
      cleaned_ms: cleanedAt,
      passes: view.passes,
      steps: steps.length,
      longest_step: longest,
      rows_per_pass: passes.filter((p) => p !== null),
      intake_before: { orders_per_s: rate(seeding), p50_ms: pct(seeding.latencies, 50), p99_ms: pct(seeding.latencies, 99) },
      intake_during: {
        orders_per_s: rate(during),
        p50_ms: pct(during.latencies, 50),
        p99_ms: pct(during.latencies, 99),
        refused_503: during.refused,
        longest_wait_ms: Math.max(0, ...during.waits),
      },
      on_target: after.shard_id === to,
      missing: missing.length,
      duplicates: told.length - new Set(told).size,
      listed: seen.size,
    };
    log(JSON.stringify(result, null, 2));
    writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    if (missing.length || result.duplicates || !result.on_target || seen.size !== told.length) {
      throw new Error(`the move lost or doubled orders: ${missing.length} missing, ${result.duplicates} twice, ${seen.size} listed of ${told.length}`);
    }
    return result;
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  poolMoveBench().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
