/**
 * Puts a request on the shard of the store it is about (docs/SHARDING.md sections 5 and 9, build step 5). The fetch
 * handler starts every request on shard 0; this moves `c.env` to the shard of the first of these the request names:
 *
 * - a store or a warehouse in the path: `/v1/stores/{id}/…`, `/v1/warehouses/{id}/…`, `/webhooks/3pl/{id}`;
 * - an id with a tag in the path: an order, shipment, request, invoice… of a store, or a wave or transfer of a
 *   warehouse (`/v1/orders/ord_…-TAG…`, `/o/order/{id}/…`, `/webhooks/channels/{connection}`), or a store's tag
 *   alone in the customer's link (`/o/{tag}.{token}`);
 * - `store_id` in the JSON body (intake, and whatever else is made for one store) or in the query (a list narrowed
 *   to one store), else `warehouse_id` there (a wave, a warehouse's stock);
 * - an id without a tag in the path (made before tags): shard 0, unless `legacy_homes` names its store.
 *
 * Anything else stays on shard 0: lists across stores (most ask every shard themselves, src/db/fan-out.ts; the rest
 * are shard 0's until they do, step 7), ids of records
 * that carry no tag (bins, zones, package types…), customer links sent before they carried a tag. Tracking webhooks
 * name no store: their handler finds the shard by the parcel's route (src/logistics/tracking-route.ts). People, keys, sessions, the activity log
 * and the customers are on the directory whatever the shard (`directory(env)`), so authentication runs before this
 * and is unaffected, and a customer's orders are read on their own shards.
 * Every answer comes from `shardOf`'s cache after the first: a Map lookup on the hot path.
 */
import type { Context, MiddlewareHandler } from "hono";
import { shardOf } from "../db/homes";
import { onShard, type Shard } from "../db/shard";
import type { AppEnv } from "../env";
import { splitLink } from "../customer/tokens";
import { tagOf } from "../lib/ids";

/** The longest store or warehouse id there is (the API's limit): anything longer names none, and costs no lookup. */
const MAX_OWNER_ID = 64;

/** An id as the API makes them, with or without a tag: the only path segments worth a lookup. */
const ID = /^[a-z]{2,4}_(?:[0-9A-Z]{26}|[0-9A-Z]{10}-[0-9A-Z]{16})$/;

/** Where a path names a store or a warehouse by position: `[prefix, kind]`. */
const OWNER_PATHS: [string, "store" | "warehouse"][] = [
  ["/v1/stores/", "store"],
  ["/v1/warehouses/", "warehouse"],
  ["/webhooks/3pl/", "warehouse"],
];

/**
 * The path segment after `prefix`, decoded; "" when it cannot name anything (percent-escapes that are not UTF-8, or
 * text that is not well-formed): the route itself answers those with its 4xx.
 */
function firstSegment(path: string, prefix: string): string {
  const raw = path.slice(prefix.length).split("/", 1)[0] ?? "";
  try {
    const segment = decodeURIComponent(raw);
    return segment.isWellFormed() && segment.length <= MAX_OWNER_ID ? segment : "";
  } catch {
    return "";
  }
}

/** What the request names, in the order above; null for a request about no one store. Pure. */
export function ownerInPath(path: string): { store: string } | { warehouse: string } | { id: string } | { storeTag: string } | null {
  // The customer's link: `/o/<tag>.<token>` names its order's store by the tag alone (src/customer/tokens.ts).
  if (path.startsWith("/o/") && !path.startsWith("/o/order/")) {
    const { tag } = splitLink(firstSegment(path, "/o/"));
    return tag ? { storeTag: tag } : null;
  }
  for (const [prefix, kind] of OWNER_PATHS) {
    if (!path.startsWith(prefix)) continue;
    const id = firstSegment(path, prefix);
    if (id) return kind === "store" ? { store: id } : { warehouse: id };
  }
  for (const segment of path.split("/")) {
    if (ID.test(segment)) return { id: segment };
  }
  return null;
}

/** `store_id` (else `warehouse_id`, else `from_warehouse_id`) of the JSON body `jsonBodies` already read, or of the query. */
async function ownerNamed(c: Context<AppEnv>): Promise<{ store: string } | { warehouse: string } | null> {
  const cached = (c.req.bodyCache as Record<string, Promise<unknown> | undefined>).json;
  const body = cached ? await cached : null;
  const field = (name: string) => {
    const v = body && typeof body === "object" ? (body as Record<string, unknown>)[name] : undefined;
    const named = typeof v === "string" ? v : (c.req.query(name) ?? null);
    return named && named.length <= MAX_OWNER_ID ? named : null;
  };
  const store = field("store_id");
  if (store) return { store };
  // A transfer is sent from its source's database: its stock leaves there, in the same batch as the transfer.
  const warehouse = field("warehouse_id") ?? field("from_warehouse_id");
  return warehouse ? { warehouse } : null;
}

async function shardOfRequest(c: Context<AppEnv>): Promise<Shard | null> {
  const named = ownerInPath(c.req.path);
  if (named && !("id" in named && tagOf(named.id) === null)) return shardOf(c.env, named);
  const owner = await ownerNamed(c);
  if (owner) return shardOf(c.env, owner);
  // Last, an untagged id: its store's shard if legacy_homes names it (no read at all while that table is empty).
  return named ? shardOf(c.env, named) : null;
}

export const onItsShard: MiddlewareHandler<AppEnv> = async (c, next) => {
  const shard = await shardOfRequest(c);
  if (shard && shard.id !== c.env.shard.id) c.env = onShard(c.env, shard);
  await next();
};
