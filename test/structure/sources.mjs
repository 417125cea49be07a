// The Worker's source as text, for the structure checks that read it: every `.ts` and `.tsx` file under src/ but
// tests and generated files, with its path from the repository root.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

export const root = new URL("../../", import.meta.url).pathname;

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return walk(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith(".generated.ts") ? [path] : [];
  });
}

/** `{ path, text }` for each source file of the Worker. */
export const workerSources = () => walk(join(root, "src")).map((path) => ({ path: relative(root, path), text: readFileSync(path, "utf8") }));
