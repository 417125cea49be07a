/**
 * Memoizes drizzle-orm's `is(value, type)`, run by `npm install` (postinstall).
 *
 * Why: drizzle asks `is(chunk, StringChunk)`, `is(chunk, Name)`, `is(chunk,
 * SQL)`... of every piece of every query it builds, and each negative answer
 * walks the value's class chain. A CPU profile of the whole-order bench
 * (bench/README.md, "Where the CPU goes") put 11.7% of the Worker thread's
 * time in `is` alone. The answer depends only on the value's prototype and
 * the class asked about, so it is kept per (prototype, class): building an
 * 8-row insert and a select went from 0.41 to 0.17 ms in Node.
 *
 * The original function text is checked before it is replaced, so a drizzle
 * release that changes `is` fails the install loudly instead of being patched
 * blind; an already patched file is left as it is. Both builds (ESM, CJS).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const MARK = "/* edge-oms: memoized is() */";

const ORIGINAL = `function is(value, type) {
  if (!value || typeof value !== "object") {
    return false;
  }
  if (value instanceof type) {
    return true;
  }`;

const MEMOIZED = `${MARK}
const isMemo = new WeakMap();
function is(value, type) {
  if (!value || typeof value !== "object") {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === null) return isUncached(value, type);
  let byType = isMemo.get(proto);
  if (byType === void 0) isMemo.set(proto, byType = new Map());
  let answer = byType.get(type);
  if (answer === void 0) byType.set(type, answer = isUncached(value, type));
  return answer;
}
function isUncached(value, type) {
  if (value instanceof type) {
    return true;
  }`;

const require = createRequire(import.meta.url);
let root;
try {
  root = dirname(require.resolve("drizzle-orm"));
} catch {
  console.log("patch-drizzle: drizzle-orm is not installed; nothing to patch");
  process.exit(0);
}

for (const file of ["entity.js", "entity.cjs"]) {
  const path = join(root, file);
  const text = readFileSync(path, "utf8");
  if (text.includes(MARK)) continue;
  if (!text.includes(ORIGINAL)) {
    console.error(`patch-drizzle: ${path} does not hold the is() this patch was written for; check the new drizzle release and update scripts/patch-drizzle.mjs`);
    process.exit(1);
  }
  writeFileSync(path, text.replace(ORIGINAL, MEMOIZED));
}
console.log("patch-drizzle: is() memoized");
