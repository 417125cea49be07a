// Upgrading a deployment from before its people and keys moved to the directory (scripts/copy-directory.mjs,
// docs/deployment.md): what shard 0 held is copied to the directory exactly, a second run copies only rows made
// since and keeps what the directory already has, and the counts it prints are the databases' own.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { copyDirectory, insertsFor, literal } from "../../scripts/copy-directory.mjs";
import { migrateLocal } from "../../scripts/local-migrations.mjs";
import { persistArgs, runWrangler } from "../../scripts/wrangler.mjs";

const dir = mkdtempSync(join(tmpdir(), "oms-copy-directory-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function sql(binding, command) {
  const r = await runWrangler(["d1", "execute", binding, "--local", ...persistArgs(dir), "--json", "--command", command]);
  assert.equal(r.code, 0, `${binding}: ${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout)[0].results;
}

const person = (id, name) =>
  `INSERT INTO users (id, email, display_name, status, positions, store_ids, warehouse_ids, created_by, created_at, updated_at, version)
   VALUES ('${id}', '${id}@staff.example', '${name}', 'active', '["admin"]', '["*"]', '["*"]', 'seed', 1, 1, 1)`;

test("literals and statements: text quoted and escaped, numbers and nulls as they are", () => {
  assert.equal(literal("it's; a\nline"), "'it''s; a\nline'");
  assert.equal(literal(12.5), "12.5");
  assert.equal(literal(null), "NULL");
  assert.throws(() => literal({}));
  assert.deepEqual(insertsFor("users", [{ _rowid: 7, id: "usr_a", version: 1 }]), [`INSERT OR IGNORE INTO "users" ("id", "version") VALUES ('usr_a', 1);`]);
});

test("copies shard 0's people, keys, sessions, mail and customers to the directory, then on a second run only what is new", { timeout: 600_000 }, async () => {
  await migrateLocal({ persistDir: dir });
  // As a deployment from before the move holds them: on shard 0. The mail's text has what a naive splitter trips on.
  await sql(
    "DB",
    `${person("usr_old", "Old; person")};
     INSERT INTO sessions (id, user_id, stage, csrf_token, method, created_at, last_seen_at, expires_at) VALUES ('sess_old', 'usr_old', 'full', 'c', 'password', 1, 1, 99999999999999);
     INSERT INTO api_keys (id, name, role, store_ids, key_hash, key_prefix, created_by, created_at) VALUES ('key_old', 'Old key', 'admin', '["*"]', 'hash-old', 'oms_x', 'seed', 1);
     INSERT INTO staff_emails (id, user_id, purpose, recipient, subject, body, created_at) VALUES ('sm_old', 'usr_old', 'invitation', 'usr_old@staff.example', 'Hello', 'line one;
INSERT INTO "users" VALUES (x);
it''s three', 1);
     INSERT INTO activity_log (id, at, actor_id, actor_kind, action, status) VALUES ('act_old', 1, 'usr_old', 'user', 'sign_in', 200);
     INSERT INTO customers (id, status, created_at, updated_at) VALUES ('cst_old', 'active', 1, 1);
     INSERT INTO customer_identities (kind, value_index, customer_id, home_customer_id, created_at) VALUES ('email', 'ix-old', 'cst_old', 'cst_old', 1);
     INSERT INTO customer_links (order_id, store_id, customer_id, home_customer_id, email_index, linked_at, order_created_at, order_status, payment_status, currency, total_amount, order_updated_at)
       VALUES ('ord_old', 'st_old', 'cst_old', 'cst_old', 'ix-old', 1, 1, 'delivered', 'paid', 'USD', 1450, 2);
     INSERT INTO customer_events (id, customer_id, type, actor, created_at) VALUES ('cev_old', 'cst_old', 'created', 'system', 1);
     INSERT INTO customer_sync_state (id, shard_id, updated_at, order_id, backfill_after) VALUES (1, 's0', 2, 'ord_old', 'ord_old')`,
  );
  const logged = [];
  const first = await copyDirectory({ persistDir: dir, log: (line) => logged.push(line) });
  for (const t of ["users", "sessions", "api_keys", "staff_emails", "activity_log", "customers", "customer_identities", "customer_links", "customer_events"])
    assert.equal(first.to.get(t), first.from.get(t), t);
  // The customers with their links (a customer before what points at it) and the linker's place in shard 0's orders.
  assert.deepEqual(await sql("DIRECTORY", "SELECT order_id, store_id, customer_id, order_status, total_amount FROM customer_links"), [
    { order_id: "ord_old", store_id: "st_old", customer_id: "cst_old", order_status: "delivered", total_amount: 1450 },
  ]);
  assert.deepEqual(await sql("DIRECTORY", "SELECT shard_id, order_id FROM customer_sync_state"), [{ shard_id: "s0", order_id: "ord_old" }]);
  assert.equal(first.to.get("users"), 1);
  assert.deepEqual(await sql("DIRECTORY", "SELECT display_name, version FROM users"), [{ display_name: "Old; person", version: 1 }]);
  assert.deepEqual(await sql("DIRECTORY", "SELECT body FROM staff_emails"), [{ body: 'line one;\nINSERT INTO "users" VALUES (x);\nit\'s three' }]);
  assert.deepEqual(await sql("DIRECTORY", "SELECT id, key_hash FROM api_keys"), [{ id: "key_old", key_hash: "hash-old" }]);
  assert.ok(
    logged.some((l) => /^users\s+shard 0:\s+1\s+directory:\s+1$/.test(l)),
    logged.join("\n"),
  );

  // Between the first copy and the deploy: a person joins on shard 0, and the directory's copy is changed by the new
  // Worker. The second run adds the newcomer and keeps the directory's row as it is.
  await sql("DB", person("usr_new", "New person"));
  await sql("DIRECTORY", "UPDATE users SET display_name = 'Renamed on the directory', version = 2 WHERE id = 'usr_old'");
  const second = await copyDirectory({ persistDir: dir, log: () => {} });
  assert.equal(second.to.get("users"), 2);
  assert.deepEqual(await sql("DIRECTORY", "SELECT id, display_name FROM users ORDER BY id"), [
    { id: "usr_new", display_name: "New person" },
    { id: "usr_old", display_name: "Renamed on the directory" },
  ]);
  // The built-in positions the migrations wrote on both are not doubled.
  assert.equal(second.to.get("positions"), second.from.get("positions"));
});
