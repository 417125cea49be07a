import type { D1Migration } from "cloudflare:test";
import type { Env as WorkerEnv } from "../src/env";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
      /** ../shared/fixtures/*.json, file name -> base64 of the exact bytes. */
      TEST_FIXTURES: Record<string, string>;
    }
  }
}

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import("../src/index");
      durableNamespaces: "OrderObject";
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
  }
}
