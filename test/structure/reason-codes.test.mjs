// The review queue refuses a reason code it does not know (src/audit/reason-codes.ts):
// every code a rule kind emits must be listed there, or its held orders could not be filtered.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

const root = new URL("../../", import.meta.url).pathname;
const rulesDir = join(root, "src/audit/rules");
const listed = readFileSync(join(root, "src/audit/reason-codes.ts"), "utf8");

test("every reason code a rule emits is a known hold reason", () => {
  const emitted = new Set();
  for (const name of readdirSync(rulesDir).filter((n) => n.endsWith(".ts") && !n.endsWith(".test.ts"))) {
    const text = readFileSync(join(rulesDir, name), "utf8");
    // `code: "..."` in findings; zod's own `code: "custom"` issues are not findings.
    for (const m of text.matchAll(/\bcode:\s*"([a-z_]+)"/g)) if (m[1] !== "custom") emitted.add(m[1]);
  }
  assert.ok(emitted.size >= 15, `found only ${emitted.size} codes: the pattern no longer matches the rules' source`);
  for (const code of emitted) assert.ok(listed.includes(`"${code}"`), `${code} is emitted by a rule but not listed in src/audit/reason-codes.ts`);
});
