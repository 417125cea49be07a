/**
 * When a runner takes file after file in one runtime (vitest.config.ts, isolate: false), the database would carry
 * the last file's rows. Each file starts from the database as the migrations leave it instead, as in a fresh
 * runtime: deployment-wide work (the rollups, the crons' sweeps, the stock rule's "is inventory kept at all") sees
 * only the file's own data. The first file of a runner keeps a copy of what the migrations wrote (the built-in
 * positions, the webhook cursor); every later file empties the tables and puts that back. Foreign keys are checked
 * at the end of the batch, when the tables hold the migrations' rows again. (test/setup.ts runs it before every
 * file; test/database-reset.test.ts runs it again within one file, the way a shared runtime would.)
 */
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

export async function resetDatabase(db: D1Database) {
  // Full-text indexes (migrations/0036: orders' external ids) are virtual tables whose rows live in shadow tables
  // (`<name>_data`, `_idx`, `_config`, ...). Copying or emptying a shadow table corrupts its index, so neither is
  // touched here: the triggers on the indexed table keep the index right while that table is emptied, and each
  // index is rebuilt from its content table after the reset anyway.
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
    const copies = [];
    for (const name of tables) if (await db.prepare(`SELECT 1 FROM "${name}" LIMIT 1`).first()) copies.push(db.prepare(`CREATE TABLE "${SEED}${name}" AS SELECT * FROM "${name}"`));
    await db.batch([...copies, db.prepare(`CREATE TABLE "${SEED}" (done INTEGER)`)]);
  } else {
    await db.batch([
      db.prepare("PRAGMA defer_foreign_keys = ON"),
      ...tables.map((name) => db.prepare(`DELETE FROM "${name}"`)),
      ...[...seeded].map((name) => db.prepare(`INSERT INTO "${name}" SELECT * FROM "${SEED}${name}"`)),
      ...fullText.map((name) => db.prepare(`INSERT INTO "${name}"("${name}") VALUES ('rebuild')`)),
    ]);
  }
}
