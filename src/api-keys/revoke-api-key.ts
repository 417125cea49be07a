/** Revokes a key: at once on this instance (the auth cache forgets it), within 30 seconds everywhere. Revoking twice keeps the first time. */
import { eq } from "drizzle-orm";
import { directory } from "../db/client";
import { apiKeys } from "../db/schema";
import type { ShardEnv } from "../env";
import { forgetKey, type Principal } from "../http/auth";
import type { KeyRow } from "./create-api-key";
import { within } from "./scope";

/** The revoked key, or null when there is none the principal could have made. */
export async function revokeApiKey(env: ShardEnv, id: string, opts: { principal: Principal }): Promise<KeyRow | null> {
  const db = directory(env);
  const existing = await db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
  if (!existing || !within(opts.principal, existing)) return null;
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: existing.revokedAt ?? Date.now() })
    .where(eq(apiKeys.id, id))
    .returning();
  forgetKey(existing.keyHash);
  return row!;
}
