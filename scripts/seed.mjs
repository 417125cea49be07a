// Demo data for local work: a store with a small catalogue, a warehouse and
// two API keys with fixed, public, clearly-demo secrets. Idempotent: every
// row is INSERT OR IGNORE, so running it again changes nothing (and never
// overwrites what you edited through the API). Each brand's rows go to the
// database its stock pool is on now, so a demo pool moved from Settings ›
// Databases is seeded where it went (the old database refuses its writes).
//
//   npm run db:seed                 (local D1 in .wrangler/state)
//   OMS_PERSIST_DIR=/tmp/x npm run db:seed
import { createHash, randomBytes, scryptSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { d1File } from "./d1-bindings.mjs";
import { persistArgs, runWrangler, stateDir } from "./wrangler.mjs";

/**
 * The demo's first brand, in the main stock pool (`pool_s0`) on shard 0 with its warehouse, as a store created with
 * `stock: "shared"` would be. Its home gives it a tag, and the ids the API reads by themselves (products, the
 * supplier, purchase orders) carry it, as the Worker would make them: so a request naming one alone finds the pool's
 * shard, and the main pool can move to another database like any pool (docs/SHARDING.md section 8).
 */
export const DEMO_STORE = { id: "st_demo", name: "Demo Store", currency: "USD", timezone: "America/New_York", tag: "DEM0" };
/** A seeded id of the demo store: `00DEMO0000` sorts before (is older than) any id made later, then the store's tag. */
const demoId = (prefix, n) => `${prefix}_00DEMO0000-${DEMO_STORE.tag}${String(n).padStart(12, "0")}`;

/** Prices in minor units (cents). */
export const DEMO_PRODUCTS = [
  { id: demoId("prd", 1), sku: "TEA-1", name: "Sencha green tea 100g", type: "goods", price: 1250, weightGrams: 120 },
  { id: demoId("prd", 2), sku: "MUG-1", name: "Stoneware mug 350ml", type: "goods", price: 1800, weightGrams: 420 },
  { id: demoId("prd", 3), sku: "KETTLE-1", name: "Electric kettle 1.7L", type: "goods", price: 6900, weightGrams: 1450 },
  { id: demoId("prd", 4), sku: "FILTER-1", name: "Paper tea filters (100)", type: "goods", price: 450, weightGrams: 60 },
  { id: demoId("prd", 5), sku: "SETUP-1", name: "Kettle installation", type: "service", price: 2500, weightGrams: 0 },
];

/** Ships for the demo store alone: a warehouse of every store ("*") would have to serve the second brand too. */
export const DEMO_WAREHOUSE = { id: "wh_main", name: "Main warehouse", kind: "own", country: "US", region: "NJ", storeIds: [DEMO_STORE.id], tag: "DMWH" };

/**
 * A second brand with stock of its own, on shard 1 (`DB_1`): its own stock pool, warehouse and catalogue, so the
 * local system runs on two databases as a deployment with separate brands does (docs/SHARDING.md). Its home and its
 * warehouse's are on the directory with fixed tags; ids the API reads by themselves (products) carry the store's tag,
 * as the Worker would make them, so a request naming one alone finds shard 1.
 */
export const DEMO_BRAND = {
  store: { id: "st_demo_kettle", name: "Kettle & Co. (EU)", currency: "EUR", timezone: "Europe/Berlin", tag: "KETT" },
  shard: { id: "s1", binding: "DB_1" },
  pool: "pool_demo_kettle",
  warehouse: { id: "wh_kettle_eu", name: "Rotterdam warehouse", kind: "own", country: "NL", region: null, currency: "EUR", tag: "KWHS" },
  bins: [
    { id: "bin_demo_kettle_outbound", code: "OUTBOUND", kind: "outbound", pickSequence: 0 },
    { id: "bin_demo_kettle_b01", code: "B-01", kind: "storage", pickSequence: 10 },
  ],
  products: [
    { id: "prd_00DEMO0000-KETT000000000001", sku: "KETTLE-EU", name: "Gooseneck kettle 1L (EU plug)", price: 7900, weightGrams: 1200 },
    { id: "prd_00DEMO0000-KETT000000000002", sku: "TEAPOT-EU", name: "Cast iron teapot 0.8L", price: 5400, weightGrams: 1600 },
  ],
};

/**
 * Its bins: every warehouse has an OUTBOUND bin where picked goods wait for packing (the API creates it with the
 * warehouse; the seed must too, or the first pick has nowhere to go), and one storage bin to receive stock into.
 */
export const DEMO_BINS = [
  { id: "bin_demo_outbound", code: "OUTBOUND", kind: "outbound", pickSequence: 0 },
  { id: "bin_demo_a01", code: "A-01", kind: "storage", pickSequence: 10 },
];

/**
 * Purchasing: a supplier of the demo store with two items on its list, and two purchase orders to it for the main
 * warehouse: one submitted, one partly received (12 of the 20 kettles, at the day's rate, with freight), so the
 * purchasing screens have something to show. The supplier prices in CNY and the warehouse keeps its costs in USD,
 * so the receipt shows its exchange rate. Ids start "00DEMO" and so sort before (older than) any made later; times
 * are relative to the first seed.
 *
 * The receipt is on the order's record only: it put nothing on the shelf. Any stock level in the database turns on
 * the audit's stock rule (src/inventory/availability.ts), which would hold every demo order for stock it does not
 * have, and allocation would process approved ones: the demo's orders and the tests that make them are built on a
 * database that keeps no inventory until someone receives some.
 */
export const DEMO_SUPPLIER = {
  id: `sup_00DEMO0000-${DEMO_STORE.tag}0000WESTLAKE`,
  name: "West Lake Teaware Co.",
  currency: "CNY",
  contactName: "Chen Li",
  email: "orders@westlake-teaware.example",
  phone: "+86 571 8765 4321",
  paymentTerms: "NET 30",
  paymentDays: 30,
  leadTimeDays: 21,
  overReceiptPct: 5,
};
/** Unit costs in fen (CNY minor units). */
export const DEMO_SUPPLIER_ITEMS = [
  { sku: "KETTLE-1", supplierSku: "WLT-KT-17", unitCost: 21000, minOrderQty: 10, packSize: 2, leadTimeDays: null },
  { sku: "FILTER-1", supplierSku: "WLT-FLT-100", unitCost: 650, minOrderQty: 100, packSize: 50, leadTimeDays: 14 },
];
const DAY = 86_400_000;
/** The orders: `received` units of each line arrived in one receipt (converted at `fxRate`, `freight` cents spread by value). */
export const DEMO_PURCHASE_ORDERS = [
  {
    id: demoId("po", 1),
    status: "partially_received",
    createdDaysAgo: 20,
    note: "Spring range: kettles and filters",
    lines: [
      { sku: "KETTLE-1", quantity: 20, received: 12 },
      { sku: "FILTER-1", quantity: 200, received: 0 },
    ],
    receipt: { id: demoId("prc", 1), daysAgo: 2, fxRate: "0.1385", freight: 1200, reference: "WLT-ASN-0117" },
  },
  {
    id: demoId("po", 2),
    status: "submitted",
    createdDaysAgo: 3,
    note: null,
    lines: [
      { sku: "KETTLE-1", quantity: 10, received: 0 },
      { sku: "FILTER-1", quantity: 100, received: 0 },
    ],
    receipt: null,
  },
];

/** Public demo secrets: they only ever exist in local databases seeded by this script. */
export const DEMO_KEYS = [
  {
    id: "key_demo_storefront",
    name: "Demo storefront (seed)",
    role: "channel",
    storeIds: ["st_demo"],
    key: "oms_demo_storefront_not_a_secret_0001",
  },
  {
    id: "key_demo_auditor",
    name: "Demo auditor (seed)",
    role: "auditor",
    storeIds: ["st_demo"],
    key: "oms_demo_auditor_not_a_secret_0001",
  },
];

/**
 * One person per built-in staff position (channel and partner are
 * integrations: keys, not people), all with one public demo password. Like
 * the demo keys they exist only in local databases seeded by this script.
 */
export const DEMO_PASSWORD = "demo-password-2026";
export const DEMO_STAFF = [
  ["admin", "Avery Admin"],
  ["owner", "Olivia Owner"],
  ["auditor", "Aaron Auditor"],
  ["warehouse_lead", "Wen Lead"],
  ["picker", "Pat Picker"],
  ["packer", "Paz Packer"],
  ["logistics", "Lee Logistics"],
  ["support", "Sam Support"],
  ["finance", "Fang Finance"],
  ["analyst", "Ana Analyst"],
].map(([position, name]) => ({ id: `usr_demo_${position}`, position, name, email: `${position.replace("_", ".")}@demo.example` }));

/**
 * The demo password hashed as src/staff/password.ts stores it
 * (`scrypt$N$r$p$salt$hash`, production cost N=2^15, r=8, p=3), with
 * Node's own scrypt (RFC 7914: the same output as @noble/hashes, about a
 * third of a second each). A seeded person who already exists keeps their
 * row (INSERT OR IGNORE), so a changed password survives the next start.
 */
export function demoPasswordHash(password = DEMO_PASSWORD) {
  const [N, r, p] = [2 ** 15, 8, 3];
  const salt = randomBytes(16);
  const hash = scryptSync(password.normalize("NFC"), salt, 32, { N, r, p, maxmem: 2 ** 26 });
  return `scrypt$${N}$${r}$${p}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

export const sha256Hex = (text) => createHash("sha256").update(text).digest("hex");

const q = (v) => (v === null ? "NULL" : typeof v === "number" ? String(v) : `'${String(v).replace(/'/g, "''")}'`);
const insert = (table, row) => `INSERT OR IGNORE INTO ${table} (${Object.keys(row).join(", ")}) VALUES (${Object.values(row).map(q).join(", ")});`;

/** The demo supplier, its items, and its purchase orders with their lines, history and receipt. */
function purchasingSql(now) {
  const s = DEMO_SUPPLIER;
  const w = DEMO_WAREHOUSE;
  const bin = DEMO_BINS.find((b) => b.code === "A-01");
  const cost = new Map(DEMO_SUPPLIER_ITEMS.map((i) => [i.sku, i]));
  const out = [
    insert("suppliers", {
      id: s.id,
      store_id: DEMO_STORE.id,
      name: s.name,
      contact_name: s.contactName,
      email: s.email,
      phone: s.phone,
      currency: s.currency,
      payment_terms: s.paymentTerms,
      payment_days: s.paymentDays,
      lead_time_days: s.leadTimeDays,
      over_receipt_pct: s.overReceiptPct,
      note: null,
      active: 1,
      created_at: now - 30 * DAY,
      updated_at: now - 30 * DAY,
    }),
    ...DEMO_SUPPLIER_ITEMS.map((i) =>
      insert("supplier_items", {
        supplier_id: s.id,
        sku: i.sku,
        supplier_sku: i.supplierSku,
        unit_cost: i.unitCost,
        min_order_qty: i.minOrderQty,
        pack_size: i.packSize,
        lead_time_days: i.leadTimeDays,
        updated_at: now - 30 * DAY,
      }),
    ),
  ];
  for (const po of DEMO_PURCHASE_ORDERS) {
    const created = now - po.createdDaysAgo * DAY;
    const submitted = created + 3_600_000;
    const events = [
      { type: "created", from: null, to: "draft", at: created, actor: "usr_demo_admin", data: null },
      { type: "submitted", from: "draft", to: "submitted", at: submitted, actor: "usr_demo_admin", data: null },
    ];
    const r = po.receipt;
    if (r) {
      const at = now - r.daysAgo * DAY;
      const lines = po.lines.map((l, i) => ({ ...l, lineNo: i + 1 })).filter((l) => l.received > 0);
      // CNY fen to USD cents at the rate, then the freight per unit (one line: all of it), as the API computes them.
      const received = lines.map((l) => {
        const unitCost = Math.round(Number((cost.get(l.sku).unitCost * Number(r.fxRate)).toFixed(9)));
        return { line_no: l.lineNo, sku: l.sku, bin_id: bin.id, quantity: l.received, unit_cost: unitCost, landed_unit_cost: unitCost + Math.round(r.freight / l.received) };
      });
      events.push({
        type: "received",
        from: "submitted",
        to: po.status,
        at,
        actor: "usr_demo_warehouse_lead",
        data: { receipt_id: r.id, lines: received.map(({ line_no, sku, quantity }) => ({ line_no, sku, quantity })) },
      });
      out.push(
        insert("purchase_order_receipts", {
          id: r.id,
          purchase_order_id: po.id,
          warehouse_id: w.id,
          fx_rate: r.fxRate,
          landed_costs: JSON.stringify([{ kind: "freight", amount: r.freight }]),
          allocate_by: "value",
          lines: JSON.stringify(received),
          reason: null,
          reference: r.reference,
          actor: "usr_demo_warehouse_lead",
          created_at: at,
        }),
      );
    }
    out.push(
      ...po.lines.map((l, i) =>
        insert("purchase_order_lines", {
          purchase_order_id: po.id,
          line_no: i + 1,
          sku: l.sku,
          supplier_sku: cost.get(l.sku).supplierSku,
          quantity: l.quantity,
          unit_cost: cost.get(l.sku).unitCost,
          received_qty: l.received,
        }),
      ),
      ...events.map((e, i) =>
        insert("purchase_order_events", {
          id: `poe_${po.id.slice(3)}_${i + 1}`,
          purchase_order_id: po.id,
          seq: i + 1,
          type: e.type,
          from_status: e.from,
          to_status: e.to,
          actor: e.actor,
          reason: null,
          data: e.data === null ? null : JSON.stringify(e.data),
          created_at: e.at,
        }),
      ),
      insert("purchase_orders", {
        id: po.id,
        store_id: DEMO_STORE.id,
        supplier_id: s.id,
        warehouse_id: w.id,
        status: po.status,
        currency: s.currency,
        over_receipt_pct: s.overReceiptPct,
        expected_at: submitted + s.leadTimeDays * DAY,
        note: po.note,
        version: events.length,
        created_by: "usr_demo_admin",
        created_at: created,
        updated_at: events.at(-1).at,
        submitted_at: submitted,
        // Seeded, not sent: the demo's orders read as marked to send by hand (nothing left this machine).
        sent_via: "manual",
        sent_to: null,
        sent_at: submitted,
        received_at: null,
        closed_at: null,
        cancelled_at: null,
        close_reason: null,
      }),
    );
  }
  return out;
}

/** A seeded product of store `s` (goods unless it says otherwise), priced in the store's currency. */
const productRow = (s, p, now) =>
  insert("products", {
    id: p.id,
    store_id: s.id,
    sku: p.sku,
    name: p.name,
    type: p.type ?? "goods",
    price: p.price,
    currency: s.currency,
    weight_grams: p.weightGrams,
    active: 1,
    created_at: now,
    updated_at: now,
  });

/** A seeded bin of warehouse `w`. */
const binRow = (w, b, now) => insert("bins", { id: b.id, warehouse_id: w.id, code: b.code, kind: b.kind, pick_sequence: b.pickSequence, active: 1, created_at: now });

/** Statements as one SQL file's text. */
const lines = (statements) => `${statements.join("\n")}\n`;

/** The seed's store, catalogue, warehouse and purchasing as SQL, for shard 0 (`DB`); `now` (epoch ms) stamps rows created by this run. */
export function seedSql(now = Date.now()) {
  const s = DEMO_STORE;
  const w = DEMO_WAREHOUSE;
  return lines([
    insert("stores", { id: s.id, name: s.name, currency: s.currency, timezone: s.timezone, created_at: now, updated_at: now }),
    ...DEMO_PRODUCTS.map((p) => productRow(s, p, now)),
    insert("warehouses", { id: w.id, name: w.name, kind: w.kind, country: w.country, region: w.region, store_ids: JSON.stringify(w.storeIds), created_at: now }),
    // Seeded before the second brand as a warehouse of every store: its stores named, so the brand's pool may exist.
    `UPDATE warehouses SET store_ids = ${q(JSON.stringify(w.storeIds))} WHERE id = ${q(w.id)} AND store_ids = '["*"]';`,
    // OR IGNORE on (warehouse, code): a database seeded before the bins existed gets them on the next start.
    ...DEMO_BINS.map((b) => binRow(w, b, now)),
    ...purchasingSql(now),
  ]);
}

/** The second brand's store, catalogue and warehouse as SQL, for shard 1 (`DB_1`). */
export function brandSql(now = Date.now()) {
  const { store: s, warehouse: w } = DEMO_BRAND;
  return lines([
    insert("stores", { id: s.id, name: s.name, currency: s.currency, timezone: s.timezone, language: "en", created_at: now, updated_at: now }),
    ...DEMO_BRAND.products.map((p) => productRow(s, p, now)),
    insert("warehouses", { id: w.id, name: w.name, kind: w.kind, country: w.country, region: w.region, currency: w.currency, store_ids: JSON.stringify([s.id]), created_at: now }),
    ...DEMO_BRAND.bins.map((b) => binRow(w, b, now)),
  ]);
}

/** The main stock pool: every store created with `stock: "shared"` joins it (docs/SHARDING.md section 2). */
const MAIN_POOL = "pool_s0";

/**
 * Where the brands live: both shards registered, the main pool on shard 0 with the first brand's store and warehouse,
 * the second brand's pool on shard 1 with its own.
 */
function homesSql(now) {
  const b = DEMO_BRAND;
  return [
    insert("shards", { id: "s0", binding: "DB", state: "open", created_at: now, updated_at: now }),
    insert("shards", { id: b.shard.id, binding: b.shard.binding, state: "open", created_at: now, updated_at: now }),
    insert("pools", { id: MAIN_POOL, shard_id: "s0", state: "live", version: 1, created_at: now, updated_at: now }),
    insert("pools", { id: b.pool, shard_id: b.shard.id, state: "live", version: 1, created_at: now, updated_at: now }),
    insert("store_homes", { store_id: DEMO_STORE.id, pool_id: MAIN_POOL, tag: DEMO_STORE.tag, created_at: now }),
    insert("warehouse_homes", { warehouse_id: DEMO_WAREHOUSE.id, pool_id: MAIN_POOL, tag: DEMO_WAREHOUSE.tag, created_at: now }),
    insert("store_homes", { store_id: b.store.id, pool_id: b.pool, tag: b.store.tag, created_at: now }),
    insert("warehouse_homes", { warehouse_id: b.warehouse.id, pool_id: b.pool, tag: b.warehouse.tag, created_at: now }),
  ];
}

/** The seed's people and keys as SQL: they live on the directory database (docs/SHARDING.md section 1), not a shard. */
export function directorySeedSql(now = Date.now()) {
  return lines([
    ...homesSql(now),
    ...DEMO_KEYS.map((k) =>
      insert("api_keys", {
        id: k.id,
        name: k.name,
        role: k.role,
        store_ids: JSON.stringify(k.storeIds),
        key_hash: sha256Hex(k.key),
        key_prefix: k.key.slice(0, 10),
        created_by: "seed",
        created_at: now,
        revoked_at: null,
      }),
    ),
    ...DEMO_STAFF.map((u) =>
      insert("users", {
        id: u.id,
        email: u.email,
        display_name: u.name,
        status: "active",
        positions: JSON.stringify([u.position]),
        store_ids: JSON.stringify(["*"]),
        warehouse_ids: JSON.stringify(["*"]),
        password_hash: demoPasswordHash(),
        password_changed_at: now,
        locale: "en",
        created_by: "seed",
        created_at: now,
        updated_at: now,
        version: 1,
      }),
    ),
  ]);
}

/**
 * The database binding each demo pool lives on, as the directory says now, or null for a pool in the middle of a
 * move. The first seed puts the main pool on `DB` and the second brand's on `DB_1`, but the Databases page (or
 * `POST /v1/pools/{id}/move`) may have moved either since: the old database then refuses writes for the pool's stores
 * (its move guards), and the pool's rows belong where it went.
 */
export async function demoPoolBindings(persistDir) {
  const { DatabaseSync } = await import("node:sqlite");
  const db = new DatabaseSync(d1File(stateDir(persistDir), "DIRECTORY"), { readOnly: true });
  try {
    const rows = db
      .prepare("SELECT p.id AS pool, p.state AS state, s.binding AS binding FROM pools p JOIN shards s ON s.id = p.shard_id WHERE p.id IN (?, ?)")
      .all(MAIN_POOL, DEMO_BRAND.pool);
    const of = (pool, fallback) => {
      const row = rows.find((r) => r.pool === pool);
      if (!row) return fallback;
      return row.state === "live" ? row.binding : null;
    };
    return { main: of(MAIN_POOL, "DB"), brand: of(DEMO_BRAND.pool, DEMO_BRAND.shard.binding) };
  } finally {
    db.close();
  }
}

/**
 * Applies the seed to the local D1 (in `persistDir`, or wrangler's default state); answers where each brand went
 * (null: not seeded this time). A brand whose pool is in the middle of a move is left as it is, with a note: it was
 * seeded before it could move, and the server must start to finish the move.
 */
export async function seed({ persistDir = null, onSpawn, log = console.warn } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "oms-seed-"));
  const file = join(dir, "seed.sql");
  const run = async (binding, text) => {
    writeFileSync(file, text);
    const r = await runWrangler(["d1", "execute", binding, "--local", ...persistArgs(persistDir), "--file", file], { onSpawn });
    if (r.code !== 0) throw new Error(`seeding ${binding} failed (wrangler exited ${r.code ?? r.signal}):\n${r.stdout}${r.stderr}`);
  };
  try {
    const now = Date.now();
    // The directory first: its homes are INSERT OR IGNORE, so a pool already placed (and perhaps moved) stays where
    // it is, and each brand's rows then go to the database its pool is on now.
    await run("DIRECTORY", directorySeedSql(now));
    const on = await demoPoolBindings(persistDir);
    if (on.main === null) log(`seed: ${DEMO_STORE.id}'s pool ${MAIN_POOL} is moving to another database; its demo data is left as it is`);
    if (on.brand === null) log(`seed: ${DEMO_BRAND.store.id}'s pool ${DEMO_BRAND.pool} is moving to another database; its demo data is left as it is`);
    // By database, the main brand first (its warehouse names the second brand's store).
    const files = new Map();
    if (on.main) files.set(on.main, seedSql(now));
    if (on.brand) files.set(on.brand, (files.get(on.brand) ?? "") + brandSql(now));
    for (const [binding, text] of files) await run(binding, text);
    return on;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const isMain = (() => {
  try {
    return realpathSync(process.argv[1] ?? "") === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();

if (isMain) {
  const persistDir = process.env.OMS_PERSIST_DIR ? resolve(process.env.OMS_PERSIST_DIR) : null;
  try {
    const on = await seed({ persistDir });
    const where = (binding) => (binding ? `on ${binding}` : "left as they are (moving)");
    console.log(
      `Seeded ${DEMO_STORE.id} (${DEMO_PRODUCTS.length} products), ${DEMO_WAREHOUSE.id} ${where(on.main)}, ${DEMO_BRAND.store.id} and ${DEMO_BRAND.warehouse.id} ${where(on.brand)}, and demo keys:`,
    );
    for (const k of DEMO_KEYS) console.log(`  ${k.role.padEnd(8)} ${k.storeIds.join(",").padEnd(8)} ${k.key}`);
    console.log(`Demo staff (password ${DEMO_PASSWORD}):`);
    for (const u of DEMO_STAFF) console.log(`  ${u.position.padEnd(15)} ${u.email}`);
  } catch (err) {
    console.error(err.message);
    console.error("Are the migrations applied? `npm start` applies them and seeds; `npm run db:migrate` applies them to .wrangler/state.");
    process.exit(1);
  }
}
