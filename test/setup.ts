import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Applied before every test file; applyD1Migrations skips those already applied.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// When a runner takes file after file in one runtime (vitest.config.ts, isolate: false), the database would carry
// the last file's rows. Each file starts from the database as the migrations leave it instead, as in a fresh
// runtime: deployment-wide work (the rollups, the crons' sweeps, the stock rule's "is inventory kept at all") sees
// only the file's own data. The first file of a runner keeps a copy of what the migrations wrote (the built-in
// positions, the webhook cursor); every later file empties the tables and puts that back. Foreign keys are checked
// at the end of the batch, when the tables hold the migrations' rows again.
const SEED = "_test_seed_";
const tables = (
  await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE '\\_test\\_seed\\_%' ESCAPE '\\' AND name <> 'd1_migrations'",
  ).all<{ name: string }>()
).results.map((t) => t.name);
const seeded = new Set(
  (await env.DB.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '${SEED}%'`).all<{ name: string }>()).results
    .map((t) => t.name.slice(SEED.length))
    .filter(Boolean),
);
const kept = await env.DB.prepare(`SELECT 1 FROM sqlite_master WHERE name = '${SEED}'`).first();
if (!kept) {
  const copies = [];
  for (const name of tables)
    if (await env.DB.prepare(`SELECT 1 FROM "${name}" LIMIT 1`).first()) copies.push(env.DB.prepare(`CREATE TABLE "${SEED}${name}" AS SELECT * FROM "${name}"`));
  await env.DB.batch([...copies, env.DB.prepare(`CREATE TABLE "${SEED}" (done INTEGER)`)]);
} else {
  await env.DB.batch([
    env.DB.prepare("PRAGMA defer_foreign_keys = ON"),
    ...tables.map((name) => env.DB.prepare(`DELETE FROM "${name}"`)),
    ...[...seeded].map((name) => env.DB.prepare(`INSERT INTO "${name}" SELECT * FROM "${SEED}${name}"`)),
  ]);
}
