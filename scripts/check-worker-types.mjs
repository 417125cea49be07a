// `npm run types:check`: fails when the committed worker-configuration.d.ts is
// not what `npm run cf-typegen` generates now. `wrangler types --check` alone
// compares a hash of the inputs (wrangler.toml, .dev.vars.example, flags), so
// it misses a hand edit of the file or a wrangler upgrade that changes the
// output; this regenerates with the same script and compares the bytes, then
// puts the committed file back so the check never changes the work tree.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const FILE = join(ROOT, "worker-configuration.d.ts");

const committed = readFileSync(FILE, "utf8");
let fresh;
try {
  execFileSync("npm", ["run", "--silent", "cf-typegen"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  fresh = readFileSync(FILE, "utf8");
} finally {
  writeFileSync(FILE, committed);
}
if (fresh !== committed) {
  console.error("worker-configuration.d.ts is out of date: run `npm run cf-typegen` and commit the result.");
  process.exit(1);
}
console.log("worker-configuration.d.ts is up to date.");
