import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Tests run inside workerd with the real local D1, Durable Objects and Queues
// from wrangler.toml. The migrations are read here (Node) and applied inside
// the runtime by test/setup.ts, so every test file starts from the real schema.
const migrations = await readD1Migrations("./migrations");

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: { TEST_MIGRATIONS: migrations, BOOTSTRAP_ADMIN_KEY: "test_bootstrap_admin_key" },
      },
    }),
  ],
  test: {
    setupFiles: ["./test/setup.ts"],
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    // Some tests wait for the real local queue to deliver (about a second a hop).
    testTimeout: 20_000,
  },
});
