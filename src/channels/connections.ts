/** A channel connection as the engine and the adapters use it: secrets opened, only for the running request. */
import { eq } from "drizzle-orm";
import { database } from "../db/client";
import { channelConnections } from "../db/schema";
import type { Env } from "../env";
import type { PlatformConnection } from "./platforms/platform";

export type ConnectionRow = typeof channelConnections.$inferSelect;

export function platformConnection(row: ConnectionRow): PlatformConnection {
  return {
    id: row.id,
    storeId: row.storeId,
    platform: row.platform,
    shopDomain: row.shopDomain,
    apiBaseUrl: row.apiBaseUrl.replace(/\/+$/, ""),
    credentials: row.credentials,
    webhookSecrets: [row.webhookSecret, row.previousWebhookSecret].filter((s): s is string => !!s),
    pushes: row.pushes,
  };
}

export async function loadConnection(env: Env, id: string): Promise<{ row: ConnectionRow; connection: PlatformConnection } | null> {
  const [row] = await database(env).select().from(channelConnections).where(eq(channelConnections.id, id)).limit(1);
  return row ? { row, connection: platformConnection(row) } : null;
}
