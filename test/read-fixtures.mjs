// Node side of the test setup (vitest.config.ts): the partners' sample
// webhooks from ../shared/fixtures, as base64 of each file's exact bytes,
// because their signatures cover the bytes as stored.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The fixtures of the first of `dirs` that has them. */
export function readFixtures(...dirs) {
  const dir = dirs.find((d) => existsSync(join(d, "signatures.json")));
  if (!dir) return {};
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .map((f) => [f, readFileSync(join(dir, f)).toString("base64")]),
  );
}
