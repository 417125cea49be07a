// Node side of the test setup (vitest.config.ts): how many test files run at once. At least three, even on two
// cores: most of a file's time is spent waiting (queue batches, the dispatcher's loop, the stand-in servers), not
// computing. One at a time, the suite took 18 minutes on two cores; three at once, about 8.
import { availableParallelism } from "node:os";

export const testWorkers = () => Math.max(3, availableParallelism());
