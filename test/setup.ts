import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { resetDatabase } from "./database-reset";

// Applied before every test file; applyD1Migrations skips those already applied.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// Each file starts from the database as the migrations leave it, also when files share a runtime (database-reset.ts).
await resetDatabase(env.DB);
