/** A store's logistics config as stored, or the default (the sandbox carrier) when it has none. */
import { eq, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { storeLogistics } from "../db/schema";
import { DEFAULT_CONFIG, LogisticsConfigSchema, type LogisticsConfig } from "./carrier-config";

type LoadedConfig = { config: LogisticsConfig; stored: boolean; updatedAt: number | null };

export async function loadLogisticsConfig(db: Database, storeId: string): Promise<LoadedConfig> {
  return logisticsConfigFrom(await logisticsConfigQuery(db, storeId).get(), storeId);
}

/** The stored config's row, as a query for a caller's batch; `storeId` may be a subquery. */
export function logisticsConfigQuery(db: Database, storeId: string | SQL) {
  return db.select().from(storeLogistics).where(eq(storeLogistics.storeId, storeId));
}

export function logisticsConfigFrom(row: typeof storeLogistics.$inferSelect | undefined, storeId: string): LoadedConfig {
  if (!row) return { config: DEFAULT_CONFIG, stored: false, updatedAt: null };
  // Stored configs were validated on the way in; parsing again fills defaults added since.
  const parsed = LogisticsConfigSchema.safeParse(row.config);
  if (!parsed.success) throw new Error(`store ${storeId} has a logistics config that no longer validates`);
  return { config: parsed.data, stored: true, updatedAt: row.updatedAt };
}
