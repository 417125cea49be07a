/** API keys the principal could have made, newest first; never their secrets. */
import { and, desc, isNull, lt } from "drizzle-orm";
import { directory } from "../db/client";
import { apiKeys } from "../db/schema";
import type { ShardEnv } from "../env";
import type { Principal } from "../http/auth";
import { cursorKey, pageOf } from "../http/pagination";
import type { ListApiKeysFilter } from "./schemas";
import { within } from "./scope";

export async function listApiKeys(env: ShardEnv, p: Principal, q: ListApiKeysFilter) {
  const after = cursorKey(q.cursor);
  const rows = await directory(env)
    .select()
    .from(apiKeys)
    .where(and(q.include_revoked === "true" ? undefined : isNull(apiKeys.revokedAt), after ? lt(apiKeys.id, after) : undefined))
    .orderBy(desc(apiKeys.id))
    .all();
  // Store scope is a JSON array per key, so it is filtered here: keys are few.
  const visible = rows.filter((k) => within(p, k));
  return pageOf(visible, q.limit, (k) => k.id);
}
