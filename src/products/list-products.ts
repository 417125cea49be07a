/** The catalogue, newest first, within the key's stores: for display, so it may be a little stale (`readDatabase`). */
import { and, desc, eq, lt } from "drizzle-orm";
import { readDatabase } from "../db/client";
import { listedAcross } from "../db/fan-out";
import { products } from "../db/schema";
import type { ShardEnv } from "../env";
import { storeScope, type Principal } from "../http/auth";
import { cursorKey, pageOf } from "../http/pagination";
import type { ListProductsFilter } from "./schemas";

export async function listProducts(env: ShardEnv, p: Principal, q: ListProductsFilter) {
  const after = cursorKey(q.cursor);
  const rows = await listedAcross(
    env,
    p,
    q.store_id,
    (onIt) =>
      readDatabase(onIt)
        .select()
        .from(products)
        .where(
          and(
            storeScope(p, products.storeId),
            q.store_id ? eq(products.storeId, q.store_id) : undefined,
            q.sku ? eq(products.sku, q.sku) : undefined,
            q.active ? eq(products.active, q.active === "true") : undefined,
            after ? lt(products.id, after) : undefined,
          ),
        )
        .orderBy(desc(products.id))
        .limit(q.limit + 1)
        .all(),
    (r) => r.id,
  );
  return pageOf(rows, q.limit, (p) => p.id);
}
