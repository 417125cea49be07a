// A fresh local state gets its databases from the migrated template (scripts/local-migrations.mjs): what wrangler
// itself finds there must be a fully migrated database, for every binding, and starts at once must share one build.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { d1Bindings, d1File } from "../../scripts/d1-bindings.mjs";
import { migrateLocal, templateKey } from "../../scripts/local-migrations.mjs";
import { persistArgs, ROOT, runWrangler } from "../../scripts/wrangler.mjs";

const dirs = [];
const fresh = () => {
  const dir = mkdtempSync(join(tmpdir(), "oms-migrate-"));
  dirs.push(dir);
  return dir;
};
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const migrations = readdirSync(join(ROOT, "migrations")).filter((f) => f.endsWith(".sql"));

test("two fresh state directories migrated at once are copies of one template, and wrangler finds nothing left to apply", { timeout: 600_000 }, async () => {
  const [a, b] = [fresh(), fresh()];
  const how = await Promise.all([migrateLocal({ persistDir: a }), migrateLocal({ persistDir: b })]);
  assert.deepEqual(how, ["template", "template"]);
  assert.ok(existsSync(join(ROOT, ".wrangler", "migrated", templateKey(), "ready")), "the template is marked ready");
  assert.ok(!existsSync(join(ROOT, ".wrangler", "migrated", `${templateKey()}.lock`)), "no lock is left behind");
  for (const binding of d1Bindings()) {
    for (const dir of [a, b]) assert.ok(existsSync(d1File(dir, binding)), `${binding} is in ${dir}`);
    const listed = await runWrangler(["d1", "migrations", "list", binding, "--local", ...persistArgs(a)]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /No migrations to apply/, `${binding}: ${listed.stdout}`);
  }
  // And the tables are there, with wrangler's record of every migration.
  const applied = await runWrangler(["d1", "execute", "DB", "--local", ...persistArgs(b), "--json", "--command", "SELECT name FROM d1_migrations ORDER BY id"]);
  assert.equal(applied.code, 0, applied.stderr);
  assert.deepEqual(
    JSON.parse(applied.stdout)[0].results.map((r) => r.name),
    [...migrations].sort(),
  );
});

test("a state directory that has databases already is migrated by wrangler, not replaced", { timeout: 600_000 }, async () => {
  const dir = fresh();
  assert.equal(await migrateLocal({ persistDir: dir }), "template");
  const wrote = await runWrangler(["d1", "execute", "DB", "--local", ...persistArgs(dir), "--command", "INSERT INTO d1_migrations (name) VALUES ('9999_kept_by_the_test.sql')"]);
  assert.equal(wrote.code, 0, wrote.stderr);
  assert.equal(await migrateLocal({ persistDir: dir }), "wrangler");
  const read = await runWrangler([
    "d1",
    "execute",
    "DB",
    "--local",
    ...persistArgs(dir),
    "--json",
    "--command",
    "SELECT COUNT(*) AS n FROM d1_migrations WHERE name = '9999_kept_by_the_test.sql'",
  ]);
  assert.equal(JSON.parse(read.stdout)[0].results[0].n, 1, "the database's own rows are kept");
});
