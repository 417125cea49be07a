/** Reads of stores within the key's scope: a store outside it is not found. */
import { and, desc, eq, lt } from "drizzle-orm";
import { database } from "../db/client";
import { listedAcross } from "../db/fan-out";
import { stores } from "../db/schema";
import type { ShardEnv } from "../env";
import { seesStore, type Principal, storeScope } from "../http/auth";
import { cursorKey, pageOf } from "../http/pagination";

export async function listStores(env: ShardEnv, p: Principal, page: { cursor?: string; limit: number }) {
  const after = cursorKey(page.cursor);
  const rows = await listedAcross(
    env,
    p,
    undefined,
    (onIt) =>
      database(onIt)
        .select()
        .from(stores)
        .where(and(storeScope(p, stores.id), after ? lt(stores.id, after) : undefined))
        .orderBy(desc(stores.id))
        .limit(page.limit + 1)
        .all(),
    (r) => r.id,
  );
  return pageOf(rows, page.limit, (s) => s.id);
}

export async function getStore(env: ShardEnv, p: Principal, id: string) {
  if (!seesStore(p, id)) return null;
  return (await database(env).select().from(stores).where(eq(stores.id, id)).get()) ?? null;
}
