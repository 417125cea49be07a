import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll } from "vitest";
import { d1Databases, directoryRowsOnShards, floorEventStores, resetDatabase } from "./databases";

// Import nothing of src/ here: a module first evaluated in this setup's context kept something of it, and requests
// of later files then failed with "Cannot perform I/O on behalf of a different request" (tried with src/db/homes.ts,
// to clear its caches; the files that make shards clear them in afterAll instead).

// Applied before every test file to every D1 database (`DB` and `DB_1`, the two shards, and `DIRECTORY`, where a
// store gets its home and tag, src/db/homes.ts); applyD1Migrations skips those already applied. The suite places its
// stores on both shards (STORE_PLACEMENT "spread", vitest.config.ts), so every file needs both.
const t0 = Date.now();
for (const [, db] of d1Databases()) await applyD1Migrations(db, env.TEST_MIGRATIONS);
const t1 = Date.now();

// Every database starts the file as the migrations left it.
for (const [, db] of d1Databases()) await resetDatabase(db);
if (env.TEST_SETUP_TIMING) console.log(`[setup] migrations ${t1 - t0} ms, reset ${Date.now() - t1} ms`);

// Whatever the file did, people, keys, sessions and the activity log were written to the directory, never to a shard.
afterAll(async () => {
  const strays = await directoryRowsOnShards();
  if (strays.length) throw new Error(`directory tables written on a shard: ${strays.join(", ")} (use directory(env), src/db/client.ts)`);
  // A floor event counts in the store it names (src/analytics/folds/floor-work.ts): never another store's.
  const { wrong } = await floorEventStores();
  if (wrong) throw new Error(`${wrong} floor events name another store than their shipment's (warehouse_events.store_id)`);
});
