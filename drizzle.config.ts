import { defineConfig } from "drizzle-kit";

// Generates plain SQL migrations into migrations/, which wrangler applies
// (`wrangler d1 migrations apply`) locally, in tests and on deploy.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema/index.ts",
  out: "./migrations",
  migrations: { prefix: "index" },
});
