// The D1 databases of the test runtime: every binding wrangler.toml declares (DB, DB_1, DIRECTORY; read from the
// file by vitest.config.ts), how each is migrated, and how each is put back to what the migrations left.
//
// Every one is migrated and reset before each file by test/setup.ts: the suite places stores on both shards
// (docs/SHARDING.md, build step 8).
import { applyD1Migrations } from "cloudflare:test";
import { env } from "./shard-env";

/** `[binding, database]` for every D1 binding of wrangler.toml, in its order (DB first). */
export function d1Databases(): [string, D1Database][] {
  return env.TEST_D1_BINDINGS.map((binding) => {
    const db = (env as unknown as Record<string, D1Database | undefined>)[binding];
    if (!db) throw new Error(`wrangler.toml binds D1 database ${binding}, but the test env has no such binding`);
    return [binding, db];
  });
}

/** Applies every migration to every D1 binding, as `npm run db:migrate` does (those already applied are skipped). */
export async function migrateEveryDatabase(): Promise<void> {
  for (const [, db] of d1Databases()) {
    await applyD1Migrations(db, env.TEST_MIGRATIONS);
    await resetDatabase(db);
  }
}

/** Whether migrations were ever applied to `db` in this runtime (wrangler's d1_migrations table is there). */
export async function isMigrated(db: D1Database): Promise<boolean> {
  return (await db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'd1_migrations'").first()) !== null;
}

// When a runner takes file after file in one runtime (vitest.config.ts, isolate: false), a database would carry
// the last file's rows. Each file starts from the databases as the migrations leave them instead, as in a fresh
// runtime: deployment-wide work (the rollups, the crons' sweeps, the stock rule's "is inventory kept at all") sees
// only the file's own data. The first reset of a database keeps a copy of what the migrations wrote (the built-in
// positions, the webhook cursor); every later one empties the tables and puts that back. Foreign keys are checked
// at the end of the batch, when the tables hold the migrations' rows again.
const SEED = "_test_seed_";

/**
 * The full-text indexes (virtual tables) and a test for their names and their shadow tables' (`<name>_data`, ...):
 * what holds no rows of its own, only an index of another table's, and must not be copied, emptied or read as a table.
 */
export async function fullTextTables(db: D1Database) {
  const found = await db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'").all<{ name: string }>();
  const fullText = found.results.map((t) => t.name);
  return { fullText, isFullText: (name: string) => fullText.some((v) => name === v || name.startsWith(`${v}_`)) };
}

/** Puts a migrated database back to what the migrations left in it. */
export async function resetDatabase(db: D1Database): Promise<void> {
  // Full-text indexes (orders' external ids) are virtual tables whose rows live in shadow tables (`<name>_data`,
  // `_idx`, `_config`, ...). Copying or emptying a shadow table corrupts its index, so neither is touched here: the
  // triggers on the indexed table keep the index right while that table is emptied, and each index is rebuilt from
  // its content table after the reset anyway.
  const { fullText, isFullText } = await fullTextTables(db);
  const tables = (
    await db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE '\\_test\\_seed\\_%' ESCAPE '\\' AND name <> 'd1_migrations'",
      )
      .all<{ name: string }>()
  ).results
    .map((t) => t.name)
    .filter((name) => !isFullText(name));
  const seeded = new Set(
    (await db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '${SEED}%'`).all<{ name: string }>()).results
      .map((t) => t.name.slice(SEED.length))
      .filter(Boolean),
  );
  const kept = await db.prepare(`SELECT 1 FROM sqlite_master WHERE name = '${SEED}'`).first();
  if (!kept) {
    // Which tables the migrations left rows in, asked in one batch: one round trip per table (over 100) was most of
    // what this reset cost.
    const filled = await db.batch(tables.map((name) => db.prepare(`SELECT 1 FROM "${name}" LIMIT 1`)));
    const copies = tables.filter((_, i) => (filled[i]?.results.length ?? 0) > 0).map((name) => db.prepare(`CREATE TABLE "${SEED}${name}" AS SELECT * FROM "${name}"`));
    await db.batch([...copies, db.prepare(`CREATE TABLE "${SEED}" (done INTEGER)`)]);
  } else {
    // A move's guard rows first: while `moving_owners` names an owner, its tables' triggers refuse every write (a
    // file whose move test stopped halfway would otherwise fail the reset of every file after it).
    const guardsFirst = [...tables.filter((t) => t === "moving_owners"), ...tables.filter((t) => t !== "moving_owners")];
    await db.batch([
      db.prepare("PRAGMA defer_foreign_keys = ON"),
      ...guardsFirst.map((name) => db.prepare(`DELETE FROM "${name}"`)),
      ...[...seeded].map((name) => db.prepare(`INSERT INTO "${name}" SELECT * FROM "${SEED}${name}"`)),
      ...fullText.map((name) => db.prepare(`INSERT INTO "${name}"("${name}") VALUES ('rebuild')`)),
    ]);
  }
}

/**
 * `binding.table` for every table the Worker keeps on the directory (`ON_DIRECTORY`) that holds rows on a shard beyond what the migrations wrote there
 * (the built-in positions): code that wrote one through a shard's binding instead of `directory()`.
 */
export async function directoryRowsOnShards(): Promise<string[]> {
  const out: string[] = [];
  for (const [binding, db] of d1Databases()) {
    if (binding === "DIRECTORY" || !(await isMigrated(db))) continue;
    const seeded = new Set((await db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '${SEED}%'`).all<{ name: string }>()).results.map((t) => t.name));
    const counts = await db.batch<{ n: number }>(
      env.TEST_ON_DIRECTORY.map((t) => db.prepare(`SELECT (SELECT count(*) FROM "${t}") - ${seeded.has(`${SEED}${t}`) ? `(SELECT count(*) FROM "${SEED}${t}")` : "0"} AS n`)),
    );
    env.TEST_ON_DIRECTORY.forEach((t, i) => {
      if ((counts[i]?.results[0]?.n ?? 0) !== 0) out.push(`${binding}.${t}`);
    });
  }
  return out;
}

/**
 * Floor events (`warehouse_events`) with a shipment, on every shard, whose `store_id` is not their shipment's store
 * (`wrong`) or is not there (`missing`: written before the column, as the rollup fixtures write half of theirs on
 * purpose, or by floor code that forgot it).
 */
export async function floorEventStores(): Promise<{ wrong: number; missing: number }> {
  const out = { wrong: 0, missing: 0 };
  for (const [binding, db] of d1Databases()) {
    if (binding === "DIRECTORY" || !(await isMigrated(db))) continue;
    const row = await db
      .prepare(
        `SELECT COALESCE(SUM(w.store_id IS NOT NULL AND w.store_id IS NOT s.store_id), 0) AS wrong, COALESCE(SUM(w.store_id IS NULL), 0) AS missing
         FROM warehouse_events w JOIN shipments s ON s.id = w.shipment_id`,
      )
      .first<{ wrong: number; missing: number }>();
    out.wrong += row?.wrong ?? 0;
    out.missing += row?.missing ?? 0;
  }
  return out;
}

/** The kinds of floor event with a shipment on every shard: what a test of the work log wrote. */
export async function floorEventKinds(): Promise<string[]> {
  const kinds = new Set<string>();
  for (const [binding, db] of d1Databases()) {
    if (binding === "DIRECTORY" || !(await isMigrated(db))) continue;
    for (const r of (await db.prepare("SELECT DISTINCT kind FROM warehouse_events WHERE shipment_id IS NOT NULL").all<{ kind: string }>()).results) kinds.add(r.kind);
  }
  return [...kinds].sort();
}
