/** A channel connection as the engine and the adapters use it: secrets opened, only for the running request. */
import { eq } from "drizzle-orm";
import { database } from "../db/client";
import { channelConnections } from "../db/schema";
import type { ShardEnv } from "../env";
import type { PlatformConnection } from "./platforms/platform";

export type ConnectionRow = typeof channelConnections.$inferSelect;

/**
 * How long the previous webhook secret keeps verifying after a rotation:
 * Shopify may sign with the old secret for up to an hour after it changes,
 * and other platforms' retries carry the signature of their first attempt.
 * Two hours, or until cleared (PATCH `previous_webhook_secret: null`).
 */
export const PREVIOUS_SECRET_GRACE_MS = 2 * 60 * 60 * 1000;

export function platformConnection(row: ConnectionRow, now = Date.now()): PlatformConnection {
  const previousValid = row.previousWebhookSecret && row.previousWebhookSecretUntil !== null && row.previousWebhookSecretUntil > now;
  return {
    id: row.id,
    storeId: row.storeId,
    platform: row.platform,
    shopDomain: row.shopDomain,
    apiBaseUrl: row.apiBaseUrl.replace(/\/+$/, ""),
    credentials: row.credentials,
    webhookSecrets: [row.webhookSecret, previousValid ? row.previousWebhookSecret : null].filter((s): s is string => !!s),
    pushes: row.pushes,
  };
}

export async function loadConnection(env: ShardEnv, id: string): Promise<{ row: ConnectionRow; connection: PlatformConnection } | null> {
  const [row] = await database(env).select().from(channelConnections).where(eq(channelConnections.id, id)).limit(1);
  return row ? { row, connection: platformConnection(row) } : null;
}
