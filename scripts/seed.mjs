// Demo data for local work: a store with a small catalogue, a warehouse and
// two API keys with fixed, public, clearly-demo secrets. Idempotent: every
// row is INSERT OR IGNORE, so running it again changes nothing (and never
// overwrites what you edited through the API).
//
//   npm run db:seed                 (local D1 in .wrangler/state)
//   OMS_PERSIST_DIR=/tmp/x npm run db:seed
import { createHash, randomBytes, scryptSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { persistArgs, runWrangler } from "./wrangler.mjs";

export const DEMO_STORE = { id: "st_demo", name: "Demo Store", currency: "USD", timezone: "America/New_York" };

/** Prices in minor units (cents). */
export const DEMO_PRODUCTS = [
  { id: "prd_demo_tea_1", sku: "TEA-1", name: "Sencha green tea 100g", type: "goods", price: 1250, weightGrams: 120 },
  { id: "prd_demo_mug_1", sku: "MUG-1", name: "Stoneware mug 350ml", type: "goods", price: 1800, weightGrams: 420 },
  { id: "prd_demo_kettle_1", sku: "KETTLE-1", name: "Electric kettle 1.7L", type: "goods", price: 6900, weightGrams: 1450 },
  { id: "prd_demo_filter_1", sku: "FILTER-1", name: "Paper tea filters (100)", type: "goods", price: 450, weightGrams: 60 },
  { id: "prd_demo_setup_1", sku: "SETUP-1", name: "Kettle installation", type: "service", price: 2500, weightGrams: 0 },
];

export const DEMO_WAREHOUSE = { id: "wh_main", name: "Main warehouse", kind: "own", country: "US", region: "NJ" };

/**
 * Its bins: every warehouse has an OUTBOUND bin where picked goods wait for packing (the API creates it with the
 * warehouse; the seed must too, or the first pick has nowhere to go), and one storage bin to receive stock into.
 */
export const DEMO_BINS = [
  { id: "bin_demo_outbound", code: "OUTBOUND", kind: "outbound", pickSequence: 0 },
  { id: "bin_demo_a01", code: "A-01", kind: "storage", pickSequence: 10 },
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

/** The seed as SQL; `now` (epoch ms) stamps rows created by this run. */
export function seedSql(now = Date.now()) {
  const s = DEMO_STORE;
  const w = DEMO_WAREHOUSE;
  return (
    [
      insert("stores", { id: s.id, name: s.name, currency: s.currency, timezone: s.timezone, created_at: now, updated_at: now }),
      ...DEMO_PRODUCTS.map((p) =>
        insert("products", {
          id: p.id,
          store_id: s.id,
          sku: p.sku,
          name: p.name,
          type: p.type,
          price: p.price,
          currency: s.currency,
          weight_grams: p.weightGrams,
          active: 1,
          created_at: now,
          updated_at: now,
        }),
      ),
      insert("warehouses", { id: w.id, name: w.name, kind: w.kind, country: w.country, region: w.region, created_at: now }),
      // OR IGNORE on (warehouse, code): a database seeded before the bins existed gets them on the next start.
      ...DEMO_BINS.map((b) => insert("bins", { id: b.id, warehouse_id: w.id, code: b.code, kind: b.kind, pick_sequence: b.pickSequence, active: 1, created_at: now })),
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
    ].join("\n") + "\n"
  );
}

/** Applies the seed to the local D1 (in `persistDir`, or wrangler's default state). */
export async function seed({ persistDir = null, onSpawn } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "oms-seed-"));
  const file = join(dir, "seed.sql");
  try {
    writeFileSync(file, seedSql());
    const r = await runWrangler(["d1", "execute", "DB", "--local", ...persistArgs(persistDir), "--file", file], { onSpawn });
    if (r.code !== 0) {
      throw new Error(`seeding failed (wrangler exited ${r.code ?? r.signal}):\n${r.stdout}${r.stderr}`);
    }
    return r;
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
    await seed({ persistDir });
    console.log(`Seeded ${DEMO_STORE.id} (${DEMO_PRODUCTS.length} products), ${DEMO_WAREHOUSE.id} and demo keys:`);
    for (const k of DEMO_KEYS) console.log(`  ${k.role.padEnd(8)} ${k.storeIds.join(",").padEnd(8)} ${k.key}`);
    console.log(`Demo staff (password ${DEMO_PASSWORD}):`);
    for (const u of DEMO_STAFF) console.log(`  ${u.position.padEnd(15)} ${u.email}`);
  } catch (err) {
    console.error(err.message);
    console.error("Are the migrations applied? `npm start` applies them and seeds; `npm run db:migrate` applies them to .wrangler/state.");
    process.exit(1);
  }
}
