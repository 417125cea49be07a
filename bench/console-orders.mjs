// How fast the console's order list renders over 10,000 orders: starts the real
// system on a free port (test/http/server.mjs), copies one order made through
// the API 10,000 times with one SQL statement (a D1 file, like scripts/seed.mjs;
// the copies vary in status, total, SKU and time), signs in as the demo admin
// and opens /console/orders and a filtered list N times each, printing p50/p99
// of the page's own `Server-Timing: total` and of the wall time.
//
//   npm run bench:console            (ORDERS=10000 RUNS=50)
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { persistArgs, runWrangler } from "../scripts/wrangler.mjs";
import { DEMO_PASSWORD } from "../scripts/seed.mjs";
import { startServer } from "../test/http/server.mjs";

const ORDERS = Number(process.env.ORDERS ?? 10_000);
const RUNS = Number(process.env.RUNS ?? 50);
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

const server = await startServer();
try {
  const template = await server.api("/v1/orders", {
    body: {
      store_id: "st_demo",
      channel: "web",
      external_id: `bench-template-${Date.now()}`,
      customer: { name: "Bench Customer", email: "bench@example.com", phone: "+1 212 555 0100" },
      shipping_address: { name: "Bench Customer", line1: "1 Main St", city: "New York", region: "NY", postal_code: "10001", country: "US" },
      lines: [{ sku: "TEA-1", quantity: 2, unit_price: "12.50" }],
      currency: "USD",
      shipping_amount: "4.50",
    },
  });
  if (template.status !== 201) throw new Error(`template order: ${template.status} ${template.text}`);
  const id = template.body.id;
  const columns = (await server.d1("PRAGMA table_info(orders)")).map((c) => c.name);
  const vary = {
    id: "'ord_BENCH' || printf('%021d', n)",
    external_id: "'bench-' || n",
    status: "CASE n % 5 WHEN 0 THEN 'on_hold' WHEN 1 THEN 'approved' WHEN 2 THEN 'processing' WHEN 3 THEN 'shipped' ELSE 'received' END",
    total_amount: "500 + (n * 37) % 50000",
    created_at: "o.created_at - n * 60000",
    updated_at: "o.created_at - n * 60000",
  };
  const select = columns.map((c) => vary[c] ?? `o.${c}`).join(", ");
  const sql = `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${ORDERS})
INSERT INTO orders (${columns.join(", ")}) SELECT ${select} FROM seq, orders o WHERE o.id = '${id}';
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${ORDERS})
INSERT INTO order_lines (order_id, line_no, sku, name, type, quantity, unit_price, total_amount)
SELECT 'ord_BENCH' || printf('%021d', n), 1, CASE n % 4 WHEN 0 THEN 'KETTLE-1' WHEN 1 THEN 'MUG-1' ELSE 'TEA-1' END, 'Bench item', 'goods', 1, 500, 500 FROM seq;
`;
  const file = join(server.stateDir, "..", "bench-orders.sql");
  writeFileSync(file, sql);
  const seeded = await runWrangler(["d1", "execute", "DB", "--local", ...persistArgs(server.stateDir), "--file", file]);
  if (seeded.code !== 0) throw new Error(`seeding failed: ${seeded.stdout}${seeded.stderr}`);
  const counted = await server.d1("SELECT COUNT(*) AS n FROM orders");
  console.log(`orders in the database: ${counted[0].n}`);

  const signIn = await fetch(`${server.base}/v1/auth/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.base },
    body: JSON.stringify({ email: "admin@demo.example", password: DEMO_PASSWORD }),
  });
  if (!signIn.ok) throw new Error(`sign-in: ${signIn.status} ${await signIn.text()}`);
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");

  for (const [name, path] of [
    ["list", "/console/orders"],
    ["filtered", "/console/orders?status=on_hold&total_min=100&sku=TEA-1&store_id=st_demo"],
  ]) {
    const server_ms = [];
    const wall_ms = [];
    for (let i = 0; i < RUNS + 3; i++) {
      const t = performance.now();
      const res = await fetch(`${server.base}${path}`, { headers: { cookie }, redirect: "manual" });
      const html = await res.text();
      const wall = performance.now() - t;
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${html.slice(0, 300)}`);
      const dur = Number(/total;dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "")?.[1]);
      if (i < 3) continue; // warm-up
      server_ms.push(dur);
      wall_ms.push(wall);
    }
    const rows = (await fetch(`${server.base}${path}`, { headers: { cookie } }).then((r) => r.text())).match(/name="ids"/g)?.length ?? 0;
    console.log(
      `${name.padEnd(9)} ${path}\n  rows ${rows}  server p50 ${pct(server_ms, 50).toFixed(1)} ms  p99 ${pct(server_ms, 99).toFixed(1)} ms  wall p50 ${pct(wall_ms, 50).toFixed(1)} ms  p99 ${pct(wall_ms, 99).toFixed(1)} ms  (n=${RUNS})`,
    );
  }
} finally {
  await server.stop();
}
