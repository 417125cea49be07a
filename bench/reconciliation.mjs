// Settlement reconciliation of a 100,000-line Stripe balance file (`npm run bench:reconciliation`, and a step of
// `npm run bench`): starts the real system on a free port (test/http/server.mjs), makes ORDERS paid orders through
// the API, gives them the rest of the ledger's captures with one SQL statement (a D1 file, as bench/console-orders.mjs
// seeds orders: 100,000 payment reports over HTTP would bench intake, not reconciliation), generates the file with
// planted mismatches (test/settlement-file.mjs: amounts that differ, captures left out, charges nobody recorded, a
// payout row) and imports it over HTTP. Prints the import's wall time, the peak resident memory of the server's
// processes (workerd and wrangler, sampled every 50 ms from /proc) and of this node process, and checks that every
// planted mismatch was found and nothing else (exit 1 otherwise).
//
//   LINES=100000 ORDERS=100 node bench/reconciliation.mjs
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { persistArgs, runWrangler } from "../scripts/wrangler.mjs";
import { startServer } from "../test/http/server.mjs";
import { stripeFile } from "../test/settlement-file.mjs";

const LINES = Number(process.env.LINES ?? 100_000);
const ORDERS = Number(process.env.ORDERS ?? 100);
const MISSING_EVERY = 1000;
const DIFFERS_EVERY = 997;
const RESULTS = join(import.meta.dirname, "reconciliation-results.json");

/** Resident memory (bytes) of every process in the group, by name. */
function groupRss(pgid) {
  const out = {};
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue;
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (rss) out[name] = Math.max(out[name] ?? 0, Number(rss[1]) * 1024);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return out;
}

const mb = (b) => Math.round((b / 1024 / 1024) * 10) / 10;

export async function reconciliationBench({ lines = LINES, orders = ORDERS, log = console.log } = {}) {
  // captures - missing + notOurs + 1 payout = lines
  const captures = Math.round(lines * 0.996);
  const missing = Math.floor(captures / MISSING_EVERY);
  const notOurs = lines - 1 - (captures - missing);
  const server = await startServer();
  try {
    const store = await server.api("/v1/stores", { body: { name: `Bench reconciliation ${Date.now()}`, currency: "USD", auto_audit: false } });
    if (store.status !== 201) throw new Error(`store: ${store.status} ${store.text}`);
    await server.api("/v1/products", { body: { store_id: store.body.id, sku: "BENCH-RECON", name: "Reconciled", price: "10.00" } });
    const orderIds = [];
    for (let i = 0; i < orders; i++) {
      const o = await server.api("/v1/orders", {
        body: {
          store_id: store.body.id,
          channel: "web",
          external_id: `recon-${i}`,
          customer: { name: "Bench Customer", email: "bench@example.com" },
          shipping_address: { name: "Bench Customer", line1: "1 Main St", city: "New York", region: "NY", postal_code: "10001", country: "US" },
          lines: [{ sku: "BENCH-RECON", quantity: 1, unit_price: "10.00" }],
          currency: "USD",
          shipping_amount: "0",
        },
      });
      if (o.status !== 201) throw new Error(`order: ${o.status} ${o.text}`);
      orderIds.push(o.body.id);
    }
    const t0 = Date.now() - captures * 10 - 60_000;
    const seed = `WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < ${captures - 1}),
ids(i, id) AS (SELECT key, value FROM json_each('${JSON.stringify(orderIds)}'))
INSERT INTO ledger_entries (id, store_id, order_id, kind, amount, currency, reference, sku, quantity, source, source_key, reverses, actor, created_at)
SELECT 'led_BENCH' || printf('%09d', n), '${store.body.id}', ids.id, 'captured', 1000 + n % 5000, 'USD', 'ch_bench_' || n, NULL, NULL, 'payment_report',
       'capture:bench:' || n, NULL, 'bench', ${t0} + n * 10
FROM seq JOIN ids ON ids.i = n % ${orders};`;
    const file = join(server.stateDir, "..", "bench-ledger.sql");
    writeFileSync(file, seed);
    const seeded = await runWrangler(["d1", "execute", "DB", "--local", ...persistArgs(server.stateDir), "--file", file]);
    if (seeded.code !== 0) throw new Error(`seeding failed: ${seeded.stdout}${seeded.stderr}`);

    const planted = stripeFile({
      captures: Array.from({ length: captures }, (_, n) => ({ reference: `ch_bench_${n}`, amount: 1000 + (n % 5000), at: t0 + n * 10 })),
      notOurs,
      differsEvery: DIFFERS_EVERY,
      missingEvery: MISSING_EVERY,
    });
    const body = Buffer.from(planted.csv);
    log(
      `file: ${planted.lines} lines, ${mb(body.length)} MB; planted ${planted.expected.amount_differs.length} amount_differs, ${planted.expected.missing_from_settlement.length} missing, ${planted.expected.not_ours.length} not ours`,
    );

    const serverPeak = {};
    let nodePeak = process.memoryUsage().rss;
    const before = groupRss(server.pid);
    const sampler = setInterval(() => {
      for (const [name, rss] of Object.entries(groupRss(server.pid))) serverPeak[name] = Math.max(serverPeak[name] ?? 0, rss);
      nodePeak = Math.max(nodePeak, process.memoryUsage().rss);
    }, 50);
    const started = performance.now();
    const res = await fetch(`${server.base}/v1/settlements?store_id=${store.body.id}&format=stripe_balance`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.adminKey}`, "content-type": "text/csv" },
      body,
    });
    const answer = await res.json();
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    if (res.status !== 201) throw new Error(`import: ${res.status} ${JSON.stringify(answer)}`);

    const want = {
      matched: planted.expected.matched.length,
      amount_differs: planted.expected.amount_differs.length,
      missing_from_settlement: planted.expected.missing_from_settlement.length,
      not_ours: planted.expected.not_ours.length,
      skipped: 1,
    };
    const got = Object.fromEntries(Object.keys(want).map((k) => [k, answer.counts[k]]));
    const exact = JSON.stringify(got) === JSON.stringify(want);
    const result = {
      at: new Date().toISOString(),
      lines: planted.lines,
      bytes: body.length,
      seconds: Math.round(seconds * 100) / 100,
      lines_per_second: Math.round(planted.lines / seconds),
      server_rss_peak_mb: Object.fromEntries(Object.entries(serverPeak).map(([k, v]) => [k, mb(v)])),
      server_rss_before_mb: Object.fromEntries(Object.entries(before).map(([k, v]) => [k, mb(v)])),
      node_rss_peak_mb: mb(nodePeak),
      counts: got,
      expected: want,
      every_mismatch_found_and_nothing_else: exact,
    };
    log(`imported and reconciled in ${result.seconds} s (${result.lines_per_second} lines/s)`);
    log(`server peak RSS (MB): ${JSON.stringify(result.server_rss_peak_mb)} (before: ${JSON.stringify(result.server_rss_before_mb)}); node ${result.node_rss_peak_mb} MB`);
    log(`counts ${JSON.stringify(got)}; ${exact ? "every planted mismatch found and nothing else" : `EXPECTED ${JSON.stringify(want)}`}`);
    writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await reconciliationBench();
  process.exit(r.every_mismatch_found_and_nothing_else ? 0 : 1);
}
