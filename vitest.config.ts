import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig, defineProject } from "vitest/config";
import { d1Bindings } from "./scripts/d1-bindings.mjs";
import { ON_DIRECTORY } from "./src/db/placement.ts";
import { readFixtures } from "./test/read-fixtures.mjs";
import { prebundled } from "./test/prebundle.mjs";
import { testWorkers } from "./test/test-workers.mjs";

// Tests run inside workerd with the real local D1, Durable Objects and Queues
// from wrangler.toml. The migrations are read here (Node) and applied inside
// the runtime by test/setup.ts, so every test file starts from the real schema.
const migrations = await readD1Migrations("./migrations");
// The D1 bindings of wrangler.toml (DB, DB_1, DIRECTORY): test/setup.ts migrates and resets each of them.
const d1BindingNames = d1Bindings("./wrangler.toml");

// The partners' sample webhooks, exact bytes (signatures cover the bytes as stored):
// from ../shared/fixtures when it is beside the repository, else the copy in
// test/fixtures/partners (taken byte for byte, kept as binary by .gitattributes).
const fixtures = readFixtures("../shared/fixtures", "./test/fixtures/partners");

// The fixtures' test secrets (see ../shared/fixtures/README.md); never real ones.
const webhookSecrets = {
  EASYPOST_WEBHOOK_SECRET: "fixture-sécret",
  AFTERSHIP_WEBHOOK_SECRET: "as_fixture_webhook_secret",
  SHIPPO_WEBHOOK_TOKEN: "shippo_fixture_url_token",
  SHIPPO_WEBHOOK_SECRET: "shippo_fixture_hmac_secret",
  CARRIER_KEY_TEST: "carrier_test_key",
};

// Encryption at rest (src/lib/pii-crypto.ts): two test keys, newest first, so a test can write under the
// older one ("test1") and show it still reads; and the blind index key. Test values, never real ones.
const piiSecrets = {
  PII_KEYS: "test2:+SOFbqgfOeQVnH9jlFtpJYM6/UsGisfniPSl7lKt/DA=,test1:WX49WWECEzWj5RnB8OmAkSkgWDdxfymBreT0jVOfqTI=",
  PII_INDEX_KEY: "1D8Es5BB1UPkjcbL5jSlgDaRhM0TCs+k5AzUeSthmVU=",
};

// Two projects. "workerd": everything that touches the runtime (D1, Durable Objects, Queues, the whole Worker,
// and code whose answer depends on the runtime's crypto or time-zone data: `*.workerd.test.ts` under src/).
// "domain": the pure rules beside their modules under src/, in Node; they need no Worker and no migrations.
const workerdProject = (name: string, isolate: boolean, include: string[], exclude: string[] = []) =>
  defineProject({
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            TEST_D1_BINDINGS: d1BindingNames,
            // What test/setup.ts checks no shard holds a row of: given as data, since the setup imports nothing of src/.
            TEST_ON_DIRECTORY: [...ON_DIRECTORY],
            TEST_SETUP_TIMING: process.env.TEST_SETUP_TIMING ? "1" : "",
            TEST_FIXTURES: fixtures,
            BOOTSTRAP_ADMIN_KEY: "test_bootstrap_admin_key",
            ...webhookSecrets,
            ...piiSecrets,
            // The partners' sample events happened in June 2025: the suite takes them as they are. The age limit's own
            // test (test/tracking-event-age.test.ts) runs the app with the production default.
            TRACKING_EVENT_MAX_AGE_DAYS: "36500",
            // Staff passwords hash at a test cost (src/staff/password.ts): hundreds of sign-ins would otherwise take minutes.
            // The production cost has its own test (src/staff/password.workerd.test.ts).
            PASSWORD_SCRYPT_COST: "1024,8,1",
            // Stores go to both shards (a store with no warehouse of every store gets a pool of its own on the shard
            // with the fewest stores), so no test can assume one database (docs/SHARDING.md, build step 8).
            STORE_PLACEMENT: "spread",
          },
        },
      }),
    ],
    test: {
      name,
      // Shared: each of the test workers keeps one runtime (Miniflare, D1, Durable Objects, Queues) and runs file after
      // file in it; test/setup.ts puts every database back to what the migrations wrote before each file. A fresh
      // runtime per file (OMS_TEST_ISOLATE=1) cost about 7 s of loading per file (start workerd, then ~400 modules
      // fetched one by one over the runner's socket, ~14 MB with their source maps) for 113 files. What one file leaves
      // behind in a shared runtime: queue messages and live order objects for orders the next reset removed. They
      // answer "not found" or fail and retry ("order … vanished" in the log); nothing they do writes into the next
      // file's rows, and OMS_SHUFFLE_SEED runs the files in another order to show no file leans on another's leftovers.
      isolate,
      // The packages, pre-bundled: one module each instead of hundreds (test/prebundle.mjs).
      deps: { optimizer: { ssr: { enabled: true, include: prebundled(["src", "test"]) } } },
      // No on-disk module cache: with it, a reused test runner is sent every module of the next file in one WebSocket
      // message (vitest's warm-module snapshot, inlined by the Workers pool), and workerd refuses messages over 1 MiB
      // ("Message is too large") once the graph grows past that. CI starts from a fresh clone, where the cache is empty.
      fsModuleCache: false,
      setupFiles: ["./test/setup.ts"],
      // The stand-in platforms and partner receivers: a real local HTTP server the Worker reaches over the network.
      globalSetup: ["./test/stand-in/global-setup.mjs"],
      include,
      exclude,
      // Walks of every route (role matrix, junk fuzz) grow with the API, and some tests wait for the real local queue.
      testTimeout: 30_000,
      // The model test (test/order-model.test.ts) reads its run count, seed, replay path and invariants from here.
      provide: {
        modelRuns: Number(process.env.MODEL_RUNS ?? 60),
        modelSeed: Number(process.env.MODEL_SEED ?? 20261202),
        modelPath: process.env.MODEL_PATH ?? "",
        modelInvariants: process.env.MODEL_INVARIANTS ?? "1,2,3,4,5",
        modelTrace: process.env.MODEL_TRACE === "1",
        modelImmediate: process.env.MODEL_IMMEDIATE !== "0",
        // The API fuzz run (test/api-fuzz.test.ts): requests, seed, and the time after which it stops generating.
        fuzzRuns: Number(process.env.FUZZ_RUNS ?? 10_000),
        fuzzSeed: Number(process.env.FUZZ_SEED ?? 20261203),
        fuzzSeconds: Number(process.env.FUZZ_SECONDS ?? 120),
        fuzzConcurrency: Number(process.env.FUZZ_CONCURRENCY ?? 8),
      },
    },
  });

// The API fuzz run keeps a runtime of its own: it is the one file that hammers every route at once for minutes, and
// once in a shared runtime, on a machine loaded by the browser journeys, one of its requests was cancelled as hung.
const ALONE = ["test/api-fuzz.test.ts"];
const workerd = workerdProject("workerd", process.env.OMS_TEST_ISOLATE === "1", ["test/**/*.test.ts", "src/**/*.workerd.test.ts"], ALONE);
const workerdAlone = workerdProject("workerd-alone", true, ALONE);

const domain = defineProject({
  // A `.bin` import is a Data module in the Worker (an ArrayBuffer, wrangler's default rule): the same here, read
  // from the file, for the pure tests whose modules import one (the PDFs' CJK font) without drawing with it.
  plugins: [
    {
      name: "binary-data-modules",
      load: (id: string) =>
        id.endsWith(".bin")
          ? `import { readFileSync } from "node:fs"; const b = readFileSync(${JSON.stringify(id)}); export default b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);`
          : null,
    },
  ],
  test: {
    name: "domain",
    environment: "node",
    include: ["src/**/*.test.ts"],
    exclude: ["src/**/*.workerd.test.ts"],
  },
});

export default defineConfig({
  test: {
    projects: [workerd, workerdAlone, domain],
    // Several test files at once (test/test-workers.mjs says why).
    maxWorkers: testWorkers(),
    // OMS_SHUFFLE_SEED=n runs the files in another order: a test that leans on what an earlier file left shows up.
    ...(process.env.OMS_SHUFFLE_SEED ? { sequence: { shuffle: { files: true, tests: false }, seed: Number(process.env.OMS_SHUFFLE_SEED) } } : {}),
  },
});
