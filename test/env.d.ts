import type { D1Migration } from "cloudflare:test";

// The Worker's own bindings (and Cloudflare.GlobalProps) come from the
// generated worker-configuration.d.ts; these are the ones only tests have.
declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** The D1 binding names wrangler.toml declares (scripts/d1-bindings.mjs), in its order: DB first. */
      TEST_D1_BINDINGS: string[];
      /** The tables the Worker keeps on the directory (`ON_DIRECTORY`, src/db/placement.ts). */
      TEST_ON_DIRECTORY: string[];
      /** "1" (TEST_SETUP_TIMING=1 in the shell), else "": test/setup.ts logs what migrating and resetting cost in each file. */
      TEST_SETUP_TIMING: string;
      /** ../shared/fixtures/*.json, file name -> base64 of the exact bytes. */
      TEST_FIXTURES: Record<string, string>;
    }
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    modelRuns: number;
    modelSeed: number;
    modelPath: string;
    modelInvariants: string;
    modelTrace: boolean;
    modelImmediate: boolean;
    fuzzRuns: number;
    fuzzSeed: number;
    fuzzSeconds: number;
    fuzzConcurrency: number;
    /** Base URL of the stand-in platform server (test/stand-in/server.mjs). */
    standInUrl: string;
  }
}

// Text fixtures read by the domain tests (Vite's `?raw` import: the file's text).
declare module "*.csv?raw" {
  const text: string;
  export default text;
}
