// The D1 databases a wrangler.toml binds, in file order: every place that applies migrations (npm run db:migrate,
// npm start, the benches, the deployment guide's structure test) reads them from here, so a shard added to
// wrangler.toml is migrated everywhere without editing a script (docs/SHARDING.md, section 7).
import { createHash, createHmac } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

const KEYS = { binding: "binding", database_name: "databaseName", database_id: "databaseId", preview_database_id: "previewDatabaseId" };

/**
 * `{ binding, databaseName, databaseId, previewDatabaseId }` of each `[[d1_databases]]` table in a wrangler.toml's text. Reads only the keys it
 * needs, line by line: a table runs from its header to the next header. Top-level tables only; an `[env.x]`
 * section's databases are not ours (this project has none).
 */
export function d1DatabasesIn(toml) {
  const found = [];
  let current = null;
  for (const line of toml.split("\n")) {
    const header = line.match(/^\s*\[\[?\s*([^\]]+?)\s*\]\]?/);
    if (header) {
      current = header[1] === "d1_databases" ? { binding: null, databaseName: null, databaseId: null, previewDatabaseId: null } : null;
      if (current) found.push(current);
      continue;
    }
    const kv = current && line.match(/^\s*(binding|database_name|database_id|preview_database_id)\s*=\s*"([^"]+)"/);
    if (kv) current[KEYS[kv[1]]] = kv[2];
  }
  for (const d of found) if (!d.binding) throw new Error("a [[d1_databases]] table in wrangler.toml has no binding");
  return found;
}

/** The D1 binding names of the wrangler.toml at `configPath` (default: the project's). */
export function d1Bindings(configPath = join(ROOT, "wrangler.toml")) {
  return d1DatabasesIn(readFileSync(configPath, "utf8")).map((d) => d.binding);
}

/**
 * The local SQLite file of one D1 binding under a `--persist-to` directory (wrangler's default: .wrangler/state), for
 * the benches that read or load it directly. With several databases there are several files, named by the Durable
 * Object id miniflare derives from the database's id (workerd's idFromName: an HMAC-SHA-256 keyed by the SHA-256 of
 * the object's unique key, then a MAC of that). Throws when the file is not there (not migrated yet, or a miniflare
 * that names its files otherwise) rather than guess another database.
 */
export function d1File(persistDir, binding = "DB", configPath = join(ROOT, "wrangler.toml")) {
  const db = d1DatabasesIn(readFileSync(configPath, "utf8")).find((d) => d.binding === binding);
  if (!db) throw new Error(`${configPath} binds no D1 database ${binding}`);
  const key = createHash("sha256").update("miniflare-D1DatabaseObject").digest();
  const name = createHmac("sha256", key)
    .update(db.previewDatabaseId ?? db.databaseId ?? binding)
    .digest()
    .subarray(0, 16);
  const id = Buffer.concat([name, createHmac("sha256", key).update(name).digest().subarray(0, 16)]).toString("hex");
  const file = join(persistDir, "v3", "d1", "miniflare-D1DatabaseObject", `${id}.sqlite`);
  if (!existsSync(file)) throw new Error(`no local D1 file for ${binding} (${file}): are its migrations applied there?`);
  return file;
}
