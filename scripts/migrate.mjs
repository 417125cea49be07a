// `npm run db:migrate`: applies migrations/ to every D1 database wrangler.toml binds (DB, DB_1, DIRECTORY…), one
// `wrangler d1 migrations apply <binding>` each, locally unless told otherwise. Extra arguments go to every call:
//   npm run db:migrate                                  # local, .wrangler/state
//   npm run db:migrate -- --persist-to /tmp/state       # local, another state directory
//   npm run db:migrate -- --remote                      # the deployed databases (docs/deployment.md)
// Stops at the first database that fails: the ones after it are left as they were, and running it again resumes
// (wrangler applies only what a database has not had).
import { d1Bindings } from "./d1-bindings.mjs";
import { spawnWrangler } from "./wrangler.mjs";

const extra = process.argv.slice(2);
const where = extra.includes("--remote") || extra.includes("--local") ? [] : ["--local"];
for (const binding of d1Bindings()) {
  console.log(`[db:migrate] ${binding}`);
  // stdin inherited: a remote apply asks before it changes a deployed database.
  const child = spawnWrangler(["d1", "migrations", "apply", binding, ...where, ...extra], { stdio: "inherit" });
  const code = await new Promise((resolve) => child.on("close", (c, signal) => resolve(c ?? signal)));
  if (code !== 0) {
    console.error(`[db:migrate] ${binding} failed (${code}); the databases after it were not migrated`);
    process.exit(typeof code === "number" ? code : 1);
  }
}
