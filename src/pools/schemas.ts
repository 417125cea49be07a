import { z } from "@hono/zod-openapi";
import { MOVE_PHASES, POOL_STATES, SHARD_STATES } from "../db/schema";
import { Rfc3339 } from "../http/route";

export const PoolIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(80)
    .openapi({ param: { name: "id", in: "path" }, example: "pool_01KBX7Y2Q4" }),
});

export const MovePool = z
  .object({
    to_shard: z.string().min(1).max(16).openapi({ description: "The shard to move to, as `GET /v1/pools` names it (`s0`, `s1`, …)", example: "s1" }),
  })
  .strict()
  .openapi("MovePool");

export const Move = z
  .object({
    pool_id: z.string(),
    from_shard: z.string(),
    to_shard: z.string(),
    phase: z.enum(MOVE_PHASES).openapi({ description: "`copying` (still served), `frozen` (writes refused with 503 `pool_moving`), `switched`, `cleaned` (done)" }),
    passes: z.number().int().openapi({ description: "1 once the first full copy is done; each round of the catch-up adds one" }),
    last_pass_written: z.number().int().nullable().openapi({ description: "Rows the first pass or the last round of the catch-up wrote" }),
    changes_left: z.number().int().nullable().openapi({ description: "Changes to the pool logged on the source and not copied yet, after the last round" }),
    at_table: z.string().nullable(),
    stores: z.array(z.string()),
    warehouses: z.array(z.string()),
    started_at: Rfc3339,
    frozen_at: Rfc3339.nullable(),
    switched_at: Rfc3339.nullable(),
    frozen_ms: z.number().int().nullable().openapi({ description: "How long writes to the pool were refused" }),
  })
  .openapi("PoolMove");

export const Pool = z
  .object({
    id: z.string(),
    shard_id: z.string(),
    state: z.enum(POOL_STATES),
    version: z.number().int(),
    stores: z.array(z.string()),
    warehouses: z.array(z.string()),
    move: z.object({ phase: z.enum(MOVE_PHASES), to_shard: z.string() }).nullable(),
  })
  .openapi("Pool");

export const PoolList = z
  .object({
    data: z.array(Pool),
    shards: z
      .array(
        z.object({
          id: z.string(),
          state: z.enum(SHARD_STATES).openapi({ description: "`open` for new pools, `full`, `draining`" }),
          pools: z.number().int(),
          stores: z.number().int(),
        }),
      )
      .openapi({ description: "Each database this Worker reaches: where a pool can go" }),
  })
  .openapi("PoolList");
