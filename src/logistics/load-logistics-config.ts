/** A store's logistics config as stored, or the default (the sandbox carrier) when it has none. */
import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { storeLogistics } from "../db/schema";
import { DEFAULT_CONFIG, LogisticsConfigSchema, type LogisticsConfig } from "./carrier-config";

export async function loadLogisticsConfig(db: Database, storeId: string): Promise<{ config: LogisticsConfig; stored: boolean; updatedAt: number | null }> {
  const row = await db.select().from(storeLogistics).where(eq(storeLogistics.storeId, storeId)).get();
  if (!row) return { config: DEFAULT_CONFIG, stored: false, updatedAt: null };
  // Stored configs were validated on the way in; parsing again fills defaults added since.
  const parsed = LogisticsConfigSchema.safeParse(row.config);
  if (!parsed.success) throw new Error(`store ${storeId} has a logistics config that no longer validates`);
  return { config: parsed.data, stored: true, updatedAt: row.updatedAt };
}
