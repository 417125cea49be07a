/**
 * Stock pools and their moves between shards (docs/SHARDING.md sections 2 and 8): an operator's routes, for a key of
 * every store that manages stores. `scripts/move-pool.mjs` drives a move through them.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { forbidden, notFound } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { currentMove, listPools, moveStep } from "./move-pool";
import { Move, MovePool, PoolIdParam, PoolList } from "./schemas";

export const poolRoutes = new OpenAPIHono<AppEnv>();

const EVERY_STORE = "Only a key for every store may see or move stock pools";

poolRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/pools",
    permission: "stores:manage",
    tags: ["Stores"],
    summary: "List the stock pools and their shards",
    description: "Each pool with the shard it lives on, its stores and warehouses, and the move under way if any.",
    responses: { 200: jsonResponse(PoolList, "Every pool"), ...problems() },
  }),
  async (c) => {
    if (c.get("principal").stores !== "*") throw forbidden(EVERY_STORE);
    return c.json(await listPools(c.env), 200);
  },
);

poolRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/pools/{id}/move",
    permission: "stores:manage",
    tags: ["Stores"],
    summary: "Where a pool's move stands",
    request: { params: PoolIdParam },
    responses: { 200: jsonResponse(Move, "The move"), ...problems(404) },
  }),
  async (c) => {
    if (c.get("principal").stores !== "*") throw forbidden(EVERY_STORE);
    const move = await currentMove(c.env, c.req.valid("param").id);
    if (!move) throw notFound("move");
    return c.json(move, 200);
  },
);

poolRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/pools/{id}/move",
    permission: "stores:manage",
    tags: ["Stores"],
    summary: "Start moving a pool to another shard, or take the move's next step",
    description:
      "Each call does a bounded share of the move and answers where it stands; call again until `phase` is `cleaned` (scripts/move-pool.mjs does). While `frozen`, writes to the pool's stores and warehouses answer 503 `pool_moving` with Retry-After. While it moves, no store or warehouse joins the pool (503 `pool_moving`). Refused with 409: the main pool while shard 0 holds a store or warehouse from before pools (`pool_zero`), a pool already moving elsewhere (`move_in_progress`), one with a transfer in transit to another pool on its database, the shard it is on (`same_shard`).",
    request: { params: PoolIdParam, body: jsonBody(MovePool) },
    responses: { 200: jsonResponse(Move, "Where the move stands"), ...problems(404, 409, 413, 415, 422) },
  }),
  async (c) => {
    if (c.get("principal").stores !== "*") throw forbidden(EVERY_STORE);
    return c.json(await moveStep(c.env, c.req.valid("param").id, c.req.valid("json").to_shard), 200);
  },
);
