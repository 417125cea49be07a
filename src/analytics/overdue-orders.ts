/**
 * Orders that are past their store's SLA now and have not reached the
 * milestone yet: a live query over open orders, not a rollup (it depends on
 * the clock, not only on the data). Closed breaches are in the
 * sla-breaches report.
 */
import type { D1Reads } from "../db/client";
import { sql, type SQL } from "drizzle-orm";
import type { Principal } from "../http/auth";
import { all } from "./d1";
import { decodeKey, encodeKey, firstOfPages, rowValue, storeScope } from "./report-query";
import { DEFAULT_SLA, type Span } from "./sla";
import { isTimeZone, localIso } from "./time-zones";

export type OverdueQuery = {
  stores: Principal["stores"];
  now: number;
  storeIds?: readonly string[] | undefined;
  spans?: readonly string[] | undefined;
  cursor?: string | undefined;
  limit: number;
};

/** For each span: the open statuses it is still running in, and the instant its clock started. */
const OPEN: Record<Span, { statuses: string[]; since: string; extra?: string }> = {
  received_to_approved: { statuses: ["received", "on_hold"], since: "o.created_at" },
  approved_to_shipped: { statuses: ["approved", "processing"], since: "o.approved_at", extra: "o.requires_shipping = 1" },
  shipped_to_delivered: { statuses: ["shipped"], since: "o.shipped_at" },
  received_to_completed: {
    statuses: ["received", "on_hold", "approved", "processing", "shipped", "delivered"],
    since: "o.created_at",
  },
};

export const OVERDUE_COLUMNS = ["order_id", "store_id", "channel", "status", "span", "since", "target_ms", "overdue_ms"];

type Row = { order_id: string; store_id: string; channel: string; status: string; span: Span; since: number; target_ms: number; timezone: string };

const literal = (n: number | null) => sql.raw(n === null ? "NULL" : String(Math.trunc(n)));

/** A page of overdue orders over `shards` (src/analytics/report-shards.ts), merged by their key. */
export async function listOverdue(shards: readonly D1Reads[], q: OverdueQuery) {
  const after = q.cursor === undefined ? undefined : decodeKey(q.cursor, 3);
  const spans = (Object.keys(OPEN) as Span[]).filter((s) => !q.spans || q.spans.includes(s));
  const scope = storeScope(q.stores, { wanted: q.storeIds, column: "o.store_id" });
  const parts: SQL[] = spans.map((span) => {
    const open = OPEN[span];
    const column = sql.raw(`s.${span}_ms`);
    return sql`SELECT o.id AS order_id, o.store_id AS store_id, o.channel AS channel, o.status AS status,
        ${span} AS span, ${sql.raw(open.since)} AS since,
        CASE WHEN s.store_id IS NULL THEN ${literal(DEFAULT_SLA[span])} ELSE ${column} END AS target_ms, st.timezone AS timezone
      FROM orders o LEFT JOIN store_slas s ON s.store_id = o.store_id JOIN stores st ON st.id = o.store_id
      WHERE o.status IN (${sql.join(
        open.statuses.map((x) => sql`${x}`),
        sql`, `,
      )}) AND o.archived_at IS NULL
        ${open.extra ? sql.raw(`AND ${open.extra}`) : sql``} ${scope ? sql`AND ${scope}` : sql``}`;
  });
  if (!parts.length) return { data: [], next: null };
  const read = (d1: D1Reads) =>
    all<Row>(
      d1,
      sql`SELECT * FROM (${sql.join(parts, sql` UNION ALL `)})
        WHERE target_ms IS NOT NULL AND since IS NOT NULL AND since + target_ms < ${q.now}
          ${after ? sql`AND (since, order_id, span) > ${rowValue(after)}` : sql``}
        ORDER BY since, order_id, span LIMIT ${q.limit + 1}`,
    );
  const key = (r: Row) => [r.since, r.order_id, r.span];
  const { rows: page, more } = firstOfPages(await Promise.all(shards.map(read)), key, q.limit);
  const last = page.at(-1);
  return {
    data: page.map(({ timezone, ...r }) => ({
      ...r,
      since: localIso(isTimeZone(timezone) ? timezone : "UTC", r.since),
      overdue_ms: q.now - r.since - r.target_ms,
    })),
    next: more && last ? encodeKey(key(last)) : null,
  };
}
