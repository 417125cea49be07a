// Audit throughput: how many new orders per second the local system audits
// end to end (intake -> outbox -> fulfilment queue -> the order's object ->
// rules -> approve), on a fresh `wrangler dev --log-level warn` on 127.0.0.1.
// Creates AUDIT_ORDERS orders (default 300) with 16 clients, then waits
// (bounded) until none is left unaudited. Writes bench/audit-results.json.
import { rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { migrateLocal } from "../scripts/local-migrations.mjs";
import { throwawayKeyArgs } from "../scripts/wrangler.mjs";
import { freePort, HOST, ROOT, sleep, spawnWrangler, stopAll, waitReady } from "./lib/procs.mjs";

const N = Number(process.env.AUDIT_ORDERS ?? 300);
const CLIENTS = 16;
const STATE = join(ROOT, "bench/.state/audit");
const ADMIN = `bench_${randomBytes(12).toString("hex")}`;
const log = (m) => console.log(`[audit-bench] ${m}`);

async function call(base, path, body) {
  const res = await fetch(`${base}${path}`, {
    method: body ? "POST" : "GET",
    headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function main() {
  rmSync(STATE, { recursive: true, force: true });
  const logFile = `${STATE}.log`;
  await migrateLocal({ persistDir: STATE });
  const port = await freePort();
  const child = spawnWrangler(
    [
      "dev",
      "--ip",
      HOST,
      "--port",
      String(port),
      "--log-level",
      "warn",
      "--show-interactive-dev-session=false",
      "--persist-to",
      STATE,
      "--var",
      `BOOTSTRAP_ADMIN_KEY:${ADMIN}`,
      ...throwawayKeyArgs(),
    ],
    logFile,
  );
  const base = `http://${HOST}:${port}`;
  await waitReady(`${base}/healthz`, child, logFile);

  const store = await call(base, "/v1/stores", { name: "Audit bench", currency: "USD" });
  await call(base, "/v1/products", { store_id: store.id, sku: "TEA-1", name: "Tea", price: "12.50" });
  const body = (i) => ({
    store_id: store.id,
    channel: "web",
    external_id: `audit-${i}`,
    payment_status: "paid",
    customer: { name: `Customer ${i}`, email: `c${i}@example.com` },
    shipping_address: { name: "C", line1: "1 Market St", city: "San Francisco", region: "CA", postal_code: "94105", country: "US" },
    lines: [{ sku: "TEA-1", quantity: 1, unit_price: "12.50" }],
    currency: "USD",
  });

  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < N) await call(base, "/v1/orders", body(next++));
    }),
  );
  const created = performance.now();
  log(`created ${N} orders in ${((created - t0) / 1000).toFixed(1)} s`);

  // Done when no order is still waiting in `received` (each is approved by its audit).
  const deadline = Date.now() + 180_000;
  let left = N;
  while (Date.now() < deadline) {
    const page = await call(base, `/v1/orders?status=received&limit=200`);
    left = page.data.length;
    if (left === 0) break;
    await sleep(200);
  }
  const done = performance.now();
  const approved = (await call(base, `/v1/orders?status=approved&limit=200`)).data.length;
  const result = {
    timestamp: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    orders: N,
    clients: CLIENTS,
    unaudited_at_end: left,
    create_seconds: +((created - t0) / 1000).toFixed(2),
    audited_seconds: +((done - t0) / 1000).toFixed(2),
    audited_per_second: +(N / ((done - t0) / 1000)).toFixed(1),
    approved_in_first_page: approved,
  };
  writeFileSync(join(ROOT, "bench/audit-results.json"), JSON.stringify(result, null, 2));
  log(`${N} orders created and audited in ${result.audited_seconds} s: ${result.audited_per_second} audits/s end to end (${left} left unaudited)`);
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(stopAll);
