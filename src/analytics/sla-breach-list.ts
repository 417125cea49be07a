/** The orders that reached a milestone later than their store's SLA allowed, oldest day first, keyset-paged. */
import type { D1Reads } from "../db/client";
import { sql } from "drizzle-orm";
import type { Principal } from "../http/auth";
import { all } from "./d1";
import { decodeKey, encodeKey, firstOfPages, rowValue, storeScope } from "./report-query";
import { localIso } from "./time-zones";

export type BreachQuery = {
  stores: Principal["stores"];
  from: string;
  to: string;
  storeIds?: readonly string[] | undefined;
  channels?: readonly string[] | undefined;
  spans?: readonly string[] | undefined;
  cursor?: string | undefined;
  limit: number;
};

type Row = {
  order_id: string;
  store_id: string;
  channel: string;
  span: string;
  day: string;
  started_at: number;
  ended_at: number;
  duration_ms: number;
  target_ms: number;
  timezone: string;
};

export const BREACH_COLUMNS = ["order_id", "store_id", "channel", "span", "day", "started_at", "ended_at", "duration_ms", "target_ms"];

const json = (values: readonly string[]) => JSON.stringify(values);

/** A page of breaches over `shards` (src/analytics/report-shards.ts), merged by their key. */
export async function listBreaches(shards: readonly D1Reads[], q: BreachQuery) {
  const after = q.cursor === undefined ? undefined : decodeKey(q.cursor, 3);
  const conditions = [
    sql`b.day BETWEEN ${q.from} AND ${q.to}`,
    storeScope(q.stores, { wanted: q.storeIds, column: "b.store_id" }),
    q.channels ? sql`b.channel IN (SELECT value FROM json_each(${json(q.channels)}))` : undefined,
    q.spans ? sql`b.span IN (SELECT value FROM json_each(${json(q.spans)}))` : undefined,
    after ? sql`(b.day, b.order_id, b.span) > ${rowValue(after)}` : undefined,
  ].filter((c) => c !== undefined);
  const read = (d1: D1Reads) =>
    all<Row>(
      d1,
      sql`SELECT b.order_id, b.store_id, b.channel, b.span, b.day, b.started_at, b.ended_at, b.duration_ms, b.target_ms, r.timezone
        FROM rollup_sla_breaches b JOIN rollup_stores r ON r.store_id = b.store_id
        WHERE ${sql.join(conditions, sql` AND `)}
        ORDER BY b.day, b.order_id, b.span LIMIT ${q.limit + 1}`,
    );
  const key = (b: Row) => [b.day, b.order_id, b.span];
  const { rows: page, more } = firstOfPages(await Promise.all(shards.map(read)), key, q.limit);
  const last = page.at(-1);
  return {
    data: page.map(({ timezone, ...b }) => ({ ...b, started_at: localIso(timezone, b.started_at), ended_at: localIso(timezone, b.ended_at) })),
    next: more && last ? encodeKey(key(last)) : null,
  };
}
