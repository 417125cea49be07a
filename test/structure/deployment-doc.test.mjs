// The deployment guide creates what wrangler.toml binds: every queue, D1
// database, Durable Object, var and secret that the Worker needs is named in
// docs/deployment.md. A binding added to wrangler.toml without its set-up
// step fails here, before a first deploy fails on it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { d1DatabasesIn } from "../../scripts/d1-bindings.mjs";

const root = new URL("../../", import.meta.url).pathname;
const toml = readFileSync(`${root}wrangler.toml`, "utf8");
const doc = readFileSync(`${root}docs/deployment.md`, "utf8");

const all = (re) => [...toml.matchAll(re)].map((m) => m[1]);
const section = (name) => {
  const start = toml.indexOf(`[${name}]`);
  if (start < 0) return "";
  const rest = toml.slice(start + name.length + 2);
  const end = rest.search(/^\[/m);
  return end < 0 ? rest : rest.slice(0, end);
};

test("every queue in wrangler.toml is created by a command in the deployment guide", () => {
  const queues = new Set(all(/^\s*(?:queue|dead_letter_queue)\s*=\s*"([^"]+)"/gm));
  assert.ok(queues.size >= 5, `expected the five queues, found ${[...queues]}`);
  for (const q of queues) assert.match(doc, new RegExp(`wrangler queues create ${q}\\b`), `docs/deployment.md does not create queue ${q}`);
});

test("every binding, var and secret the Worker reads is named in the deployment guide", () => {
  const bindings = [...all(/^\s*binding\s*=\s*"([^"]+)"/gm), ...all(/^\s*name\s*=\s*"([A-Z_]+)"/gm)];
  const vars = [...section("vars").matchAll(/^\s*([A-Z_][A-Z0-9_]*)\s*=/gm)].map((m) => m[1]);
  const secrets = [...toml.matchAll(/^#\s+([A-Z][A-Z0-9_]+)(?:\s|$)/gm)].map((m) => m[1]);
  assert.ok(bindings.includes("DB") && bindings.includes("ORDER"), `bindings read: ${bindings}`);
  assert.ok(vars.includes("PUBLIC_URL"), `vars read: ${vars}`);
  assert.ok(secrets.includes("BOOTSTRAP_ADMIN_KEY"), `secrets read: ${secrets}`);
  for (const name of [...bindings, ...vars, ...secrets]) assert.ok(doc.includes(name), `docs/deployment.md does not mention ${name}`);
});

test("every D1 database in wrangler.toml is created and migrated remotely by commands in the deployment guide", () => {
  const databases = d1DatabasesIn(toml);
  assert.deepEqual(
    databases.map((d) => d.binding),
    ["DB", "DB_1", "DIRECTORY"],
    "wrangler.toml's D1 bindings (docs/SHARDING.md, step 1)",
  );
  for (const { binding, databaseName } of databases) {
    assert.ok(databaseName, `${binding} has no database_name`);
    assert.match(doc, new RegExp(`wrangler d1 create ${databaseName}(?=\\s|$)`, "m"), `docs/deployment.md does not create D1 database ${databaseName}`);
    assert.match(doc, new RegExp(`wrangler d1 migrations apply ${binding} --remote`), `docs/deployment.md does not migrate ${binding} remotely`);
  }
  // One migration set for every database: each binding applies the same folder.
  const dirs = [...toml.matchAll(/^\s*migrations_dir\s*=\s*"([^"]+)"/gm)].map((m) => m[1]);
  assert.deepEqual(
    dirs,
    databases.map(() => "migrations"),
    'every [[d1_databases]] has migrations_dir = "migrations"',
  );
});
