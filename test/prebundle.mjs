// Node side of the test setup (vitest.config.ts): the packages the workerd tests import, to be pre-bundled.
// Without pre-bundling, every test file loads each package as its hundreds of separate modules (zod, drizzle,
// hono, pdf-lib), one request each over the runner's WebSocket; bundled, a package is one module. Every
// specifier imported anywhere must be in the list: a deep import left out (`hono/route`) would load a second
// copy of the package's internals beside the bundle, and a symbol or `instanceof` check between the two fails.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const IMPORT = /(?:^|\n)\s*(?:import\b[^;"]*?|export\b[^;"]*?\bfrom\s*|\}\s*from\s*)"([^"./][^"]*)"|\bimport\(\s*"([^"./][^"]*)"\s*\)/g;
const PACKAGE = /^(@[\w.-]+\/)?[\w.-]+/;
// Packages the runtime provides, or that only Node-side code imports.
const NOT_BUNDLED = /^(node:|cloudflare:|workerd:|vitest|@cloudflare\/)/;

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (/\.(ts|tsx)$/.test(entry.name)) yield path;
  }
}

/** Every bare specifier imported by the sources under `dirs`, plus the JSX runtime the compiler adds. */
export function prebundled(dirs) {
  const found = new Set(["hono/jsx/jsx-runtime", "hono/jsx/jsx-dev-runtime"]);
  for (const dir of dirs)
    for (const file of sources(dir))
      for (const [, from, dynamic] of readFileSync(file, "utf8").matchAll(IMPORT)) {
        const specifier = from ?? dynamic;
        if (NOT_BUNDLED.test(specifier)) continue;
        if (existsSync(join("node_modules", PACKAGE.exec(specifier)?.[0] ?? "-", "package.json"))) found.add(specifier);
      }
  return [...found].sort();
}
