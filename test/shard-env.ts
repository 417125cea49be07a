/**
 * The tests' env: the Worker's bindings on shard 0, as the Worker's entry points (src/index.ts) hand them to
 * everything they call. `database()` takes only an env on a shard (src/db/shard.ts).
 */
import { env as workerEnv } from "cloudflare:workers";
import { onShard, SHARD_ZERO } from "../src/db/shard";

export const env = onShard(workerEnv, SHARD_ZERO);
