/**
 * The order list as CSV: the same filters and store scope as GET /v1/orders
 * (it pages through `listOrders`, newest first), one row per order, times in
 * the store's time zone.
 */
import type { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { byShardOfIds } from "../db/fan-out";
import type { ShardEnv } from "../env";
import type { Principal } from "../http/auth";
import { fromMinor } from "../lib/money";
import { listOrders } from "../orders/queries";
import type { ContactScope } from "../orders/project-order";
import { customerView, type OrderRow } from "../orders/serialize";
import { all } from "./d1";
import type { OrderExportQuery } from "./schemas";
import { isTimeZone, localIso } from "./time-zones";
import { d1 } from "../db/client";

const HEAD = ["id", "store_id", "channel", "external_id", "status", "status_reason", "payment_status", "requires_shipping"];
const TAIL = [
  "currency",
  "subtotal_amount",
  "shipping_amount",
  "discount_amount",
  "tax_amount",
  "total_amount",
  "line_count",
  "units",
  "created_at",
  "approved_at",
  "held_at",
  "processing_at",
  "shipped_at",
  "delivered_at",
  "completed_at",
  "cancelled_at",
  "archived_at",
  "note",
];

/** The customer's columns for each way of seeing them (src/orders/project-order.ts). */
const CUSTOMER_COLUMNS: Record<ContactScope, string[]> = {
  contact: ["customer_name", "customer_email", "customer_phone", "ship_to_city", "ship_to_postal_code", "ship_to_country"],
  ship_to: ["customer_name", "customer_phone", "ship_to_city", "ship_to_postal_code", "ship_to_country"],
  // Analysts: no contact data; a pseudonymous key counts repeat customers, the postal prefix and region place them.
  pseudonymous: ["customer_key", "ship_to_region", "ship_to_postal_prefix", "ship_to_country"],
};

export const orderColumns = (scope: ContactScope) => [...HEAD, ...CUSTOMER_COLUMNS[scope], ...TAIL];

function customerCells(o: OrderRow, scope: ContactScope): unknown[] {
  const v = customerView(o, scope);
  const a = v.shipping_address;
  if (scope === "pseudonymous") return [v.customer_key ?? null, a.region, a.postal_prefix ?? null, a.country || null];
  const contact = scope === "contact" ? [v.customer?.name ?? null, v.customer?.email ?? null] : [v.customer?.name ?? null];
  return [...contact, v.customer?.phone ?? null, a.city || null, a.postal_code || null, a.country || null];
}

const PAGE = 200;

export async function* orderExportPages(env: ShardEnv, p: Principal, q: z.infer<typeof OrderExportQuery>) {
  const zones = new Map<string, string>();
  let cursor: string | undefined;
  do {
    const { data: page, next_cursor: next } = await listOrders(env, p, { ...q, limit: PAGE, cursor });
    // A page across stores may hold orders of several shards: each order's lines and store are read where it lives.
    const unzoned = page.filter((o) => !zones.has(o.storeId));
    const stores = await byShardOfIds(
      env,
      unzoned.map((o) => o.id),
      (onIt, ids) => {
        const wanted = [...new Set(unzoned.filter((o) => ids.includes(o.id)).map((o) => o.storeId))];
        return all<{ id: string; timezone: string }>(d1(onIt), sql`SELECT id, timezone FROM stores WHERE id IN (SELECT value FROM json_each(${JSON.stringify(wanted)}))`);
      },
    );
    for (const r of stores) zones.set(r.id, isTimeZone(r.timezone) ? r.timezone : "UTC");
    const lines = await byShardOfIds(
      env,
      page.map((o) => o.id),
      (onIt, ids) =>
        all<{ order_id: string; n: number; units: number }>(
          d1(onIt),
          sql`SELECT order_id, COUNT(*) AS n, SUM(quantity) AS units FROM order_lines
          WHERE order_id IN (SELECT value FROM json_each(${JSON.stringify(ids)})) GROUP BY order_id`,
        ),
    );
    const counts = new Map(lines.map((l) => [l.order_id, l]));
    const scope = p.contactScope;
    yield page.map((o) => orderCells(o, { tz: zones.get(o.storeId) ?? "UTC", lines: counts.get(o.id), scope }));
    cursor = next ?? undefined;
  } while (cursor);
}

function orderCells(o: OrderRow, { tz, lines, scope }: { tz: string; lines: { n: number; units: number } | undefined; scope: ContactScope }): unknown[] {
  const at = (ms: number | null) => (ms === null ? null : localIso(tz, ms));
  const money = (minor: number) => fromMinor(minor, o.currency);
  return [
    o.id,
    o.storeId,
    o.channel,
    o.externalId,
    o.status,
    o.statusReason,
    o.paymentStatus,
    o.requiresShipping,
    ...customerCells(o, scope),
    o.currency,
    money(o.subtotalAmount),
    money(o.shippingAmount),
    money(o.discountAmount),
    money(o.taxAmount),
    money(o.totalAmount),
    lines?.n ?? 0,
    lines?.units ?? 0,
    at(o.createdAt),
    at(o.approvedAt),
    at(o.heldAt),
    at(o.processingAt),
    at(o.shippedAt),
    at(o.deliveredAt),
    at(o.completedAt),
    at(o.cancelledAt),
    at(o.archivedAt),
    o.note,
  ];
}
