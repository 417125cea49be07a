// The staff emails a local server kept instead of sending (NOTIFY_PROVIDER "local"): invitations and
// password resets, opened with the local PII key from .dev.vars and printed with their links. Local
// databases only: it reads the D1 files `npm start` writes, never a deployed database.
//
//   npm run staff-mail                 the last 10
//   npm run staff-mail -- pat@demo.example   the last 10 to one address
//   OMS_PERSIST_DIR=/tmp/x npm run staff-mail   the database of a server started with that directory
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { openSealed } from "./open-sealed.mjs";
import { persistArgs, ROOT, runWrangler } from "./wrangler.mjs";

/** KEY=value lines of .dev.vars. */
function devVars() {
  const vars = {};
  for (const line of readFileSync(join(ROOT, ".dev.vars"), "utf8").split("\n")) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) vars[m[1]] = m[2].replace(/^["']|["']$/g, "");
  }
  return vars;
}

const to = process.argv[2]?.trim().toLowerCase();
const persistDir = process.env.OMS_PERSIST_DIR ? resolve(process.env.OMS_PERSIST_DIR) : null;
const where = to ? `WHERE recipient = '${to.replace(/'/g, "''")}'` : "";
const r = await runWrangler([
  "d1",
  "execute",
  "DIRECTORY",
  "--local",
  ...persistArgs(persistDir),
  "--json",
  "--command",
  `SELECT recipient, purpose, subject, body, created_at FROM staff_emails ${where} ORDER BY created_at DESC LIMIT 10`,
]);
if (r.code !== 0) {
  console.error(`could not read the local database: ${r.stderr || r.stdout}`);
  process.exit(1);
}
const rows = JSON.parse(r.stdout)[0].results;
if (!rows.length) console.log(to ? `No staff emails to ${to}.` : "No staff emails yet: invite someone (POST /v1/users) or ask for a password reset.");
const { PII_KEYS = "" } = devVars();
for (const row of rows.reverse()) {
  console.log(`---- ${new Date(row.created_at).toISOString()}  to ${row.recipient}  (${row.purpose})`);
  console.log(`Subject: ${row.subject}\n`);
  console.log(openSealed(row.body, PII_KEYS));
}
