/**
 * Taking a platform order in: the one path by which a platform's order
 * becomes, changes or cancels ours, whether a webhook brought it or
 * reconciliation found it. What to do is decided by `planTakeIn`
 * (./plan-take-in.ts, pure); this file reads what it needs and carries it
 * out through the existing paths: intake (createOrder), edits (audited
 * again), the lifecycle's `cancel`, interceptions, after-sales.
 *
 * Invariants:
 * - One order per (connection, platform order id), however many deliveries
 *   race: intake's unique (store, external_id) lets exactly one create win;
 *   the others adopt the winner's order and carry on as updates.
 * - A state is applied at most once and never over a newer one: the
 *   connection's `channel_orders.platform_updated_at` is advanced with a
 *   compare-and-set before a change is applied (and put back if applying
 *   fails), so of two updates racing only the newer applies.
 * - Each platform refund is looked at once (channel_refunds' primary key).
 */
import { platformActor } from "./push-stage";
import { and, asc, eq, inArray, lt, sql } from "drizzle-orm";
import { runAfterSales } from "../after-sales/run-after-sales";
import { database } from "../db/client";
import { channelOrders, channelRefunds, channelSkuMap, orderLines, orders, shipments as shipmentsTable } from "../db/schema";
import { editOrder } from "../edits/edit-stage";
import type { ShardEnv } from "../env";
import { platformFeeInsert } from "../finance/platform-fee";
import { interceptShipment } from "../fulfilment/intercept-shipment";
import { createOrder } from "../orders/create-order";
import { orderStub } from "../orders/order-object";
import { CreateOrderBody } from "../orders/schemas";
import { sendOutboxSoon } from "../outbox/send";
import { lookupSkus } from "../products/catalogue";
import { holdForChannel } from "./channel-stage";
import { type CurrentOrder, intakeBody, planTakeIn, type SkuResolver } from "./plan-take-in";
import { adapterFor } from "./platforms";
import type { MappedOrder, PlatformConnection, PlatformOrder } from "./platforms/platform";

export type TakeInSource = "webhook" | "reconciliation" | "backfill";

export type TakeInResult = {
  /**
   * created: a new order; updated: changed (re-audited or intercepted); cancelled; unchanged: nothing new;
   * stale: older than what we applied; skipped: not an order to take (a draft); failed: the platform's order
   * cannot become ours as it is (no address, an amount the currency cannot hold): `detail` says why, and
   * trying again changes nothing until the platform's order changes.
   */
  outcome: "created" | "updated" | "cancelled" | "unchanged" | "stale" | "skipped" | "failed";
  orderId: string | null;
  /** What staff should know: held for an unmapped SKU, parcels intercepted, a refund opened, why it failed. */
  detail?: string;
};

const PLATFORM_NAMES: Record<string, string> = { shopify: "Shopify", woocommerce: "WooCommerce", bigcommerce: "BigCommerce" };

async function skuResolver(env: ShardEnv, connection: PlatformConnection, mapped: MappedOrder): Promise<SkuResolver> {
  const keys = [...new Set(mapped.lines.flatMap((l) => l.platformKeys))];
  const db = database(env);
  const rows = keys.length
    ? (
        await Promise.all(
          Array.from({ length: Math.ceil(keys.length / 90) }, (_, i) => keys.slice(i * 90, i * 90 + 90)).map((part) =>
            db
              .select({ key: channelSkuMap.platformKey, sku: channelSkuMap.sku })
              .from(channelSkuMap)
              .where(and(eq(channelSkuMap.connectionId, connection.id), inArray(channelSkuMap.platformKey, part))),
          ),
        )
      ).flat()
    : [];
  const plain = keys.filter((k) => !k.includes(":") && k.length <= 64);
  const catalogue = plain.length ? await lookupSkus(env, connection.storeId, plain) : new Map();
  return { mapped: new Map(rows.map((r) => [r.key, r.sku])), catalogue: new Set([...catalogue].filter(([, e]) => e).map(([k]) => k)) };
}

async function loadCurrent(env: ShardEnv, connectionId: string, externalId: string): Promise<CurrentOrder | null> {
  const db = database(env);
  const link = await db
    .select()
    .from(channelOrders)
    .where(and(eq(channelOrders.connectionId, connectionId), eq(channelOrders.externalId, externalId)))
    .get();
  if (!link) return null;
  const [[o], lines] = await db.batch([
    db.select().from(orders).where(eq(orders.id, link.orderId)),
    db.select().from(orderLines).where(eq(orderLines.orderId, link.orderId)).orderBy(asc(orderLines.lineNo)),
  ]);
  if (!o) return null;
  return {
    orderId: o.id,
    status: o.status,
    paymentStatus: o.paymentStatus,
    platformUpdatedAt: link.platformUpdatedAt,
    currency: o.currency,
    lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice })),
    shippingAmount: o.shippingAmount,
    discountAmount: o.discountAmount,
    taxAmount: o.taxAmount,
    note: o.note,
    customer: { name: o.customerName, email: o.customerEmail, phone: o.customerPhone },
    shippingAddress: o.shippingAddress,
    personalDataErased: o.personalDataErasedAt !== null,
  };
}

const fieldText = (errors: readonly { path: PropertyKey[]; message: string }[]) =>
  errors
    .slice(0, 5)
    .map((e) => `${e.path.map(String).join(".") || "(order)"}: ${e.message}`)
    .join("; ");

export async function takeInPlatformOrder(
  env: ShardEnv,
  connection: PlatformConnection,
  order: PlatformOrder,
  options: { source: TakeInSource; deliveryId: string | null },
): Promise<TakeInResult> {
  const adapter = adapterFor(connection.platform);
  if (!adapter) throw new Error(`no adapter for ${connection.platform}`);
  const mapped = adapter.map(order);
  if (!mapped.externalId) return { outcome: "failed", orderId: null, detail: "the platform's order has no id" };
  const actor = platformActor(connection.id);
  const skus = await skuResolver(env, connection, mapped);
  const body = intakeBody(mapped, { storeId: connection.storeId, channel: connection.platform, skus });
  const parsed = CreateOrderBody.safeParse(body.input);
  const next = parsed.success ? parsed.data : null;
  const invalid = parsed.success ? null : `the order cannot be taken in as it is: ${fieldText(parsed.error.issues)}`;
  const ctx: Ctx = { env, connection, mapped, actor, next, invalid, unmapped: body.unmapped, lineSkus: body.input.lines.map((l) => l.sku), source: options.source };

  const current = await loadCurrent(env, connection.id, mapped.externalId);
  if (!current) return create(ctx);
  return update(ctx, current);
}

type Ctx = {
  env: ShardEnv;
  connection: PlatformConnection;
  mapped: MappedOrder;
  actor: string;
  next: ReturnType<typeof CreateOrderBody.parse> | null;
  invalid: string | null;
  unmapped: { line: number; keys: string[] }[];
  /** Our SKU for each mapped line, in order (for refunds, which name platform lines). */
  lineSkus: string[];
  source: TakeInSource;
};

/** The link from the platform's order to ours, with the platform state it was judged against. */
function linkRow(ctx: Ctx, orderId: string, at: { platformUpdatedAt: number; now: number }): typeof channelOrders.$inferInsert {
  return {
    connectionId: ctx.connection.id,
    externalId: ctx.mapped.externalId,
    orderId,
    storeId: ctx.connection.storeId,
    externalName: ctx.mapped.name,
    platformUpdatedAt: at.platformUpdatedAt,
    createdAt: at.now,
    updatedAt: at.now,
  };
}

async function create(ctx: Ctx): Promise<TakeInResult> {
  const { env, connection, mapped } = ctx;
  const plan = planTakeIn(null, mapped, { next: ctx.next, source: ctx.source });
  if (plan.kind === "skip") return { outcome: "skipped", orderId: null, detail: plan.reason };
  if (plan.kind !== "create") throw new Error(`unreachable: ${plan.kind} without an order`);
  if (!ctx.next) return { outcome: "failed", orderId: null, detail: ctx.invalid ?? "invalid order" };
  const db = database(env);
  const r = await createOrder(env, ctx.next, { actor: ctx.actor, idempotency: null, scope: "contact" });
  if (!r.ok) {
    if (r.code === "duplicate_external_id" && r.orderId) return adopt(ctx, r.orderId);
    if (r.code === "invalid")
      return { outcome: "failed", orderId: null, detail: `the order cannot be taken in as it is: ${r.errors.map((e) => `${e.field}: ${e.message}`).join("; ")}` };
    return { outcome: "failed", orderId: null, detail: r.code };
  }
  const orderId = r.body.id;
  const now = Date.now();
  // Held before the audit's message goes out: the intake audit (of version 1) then finds the order moved on.
  // An order the platform had cancelled already is not held: it is cancelled next, and nobody needs to map it.
  let detail: string | undefined;
  if (ctx.unmapped.length && !plan.thenCancel) {
    const keys = ctx.unmapped.map((u) => u.keys.join(" / ") || `line ${u.line + 1}`);
    const message = `${PLATFORM_NAMES[connection.platform] ?? connection.platform} SKU not mapped to ours: ${keys.join(", ")}`.slice(0, 1000);
    const held = await holdForChannel(env, orderId, {
      actor: ctx.actor,
      hold: { code: "unmapped_sku", message, params: ctx.unmapped.map((u) => ({ platform_key: u.keys[0] ?? "", line: u.line + 1 })) },
    });
    detail = held.ok ? `held: ${message}` : `created, but not held for the unmapped SKU: ${held.code}`;
  }
  // The link, then (it joins through the link) the platform's fee on a capture booked at intake.
  await db.batch([
    db
      .insert(channelOrders)
      .values(linkRow(ctx, orderId, { platformUpdatedAt: mapped.updatedAt, now }))
      .onConflictDoUpdate({
        target: [channelOrders.connectionId, channelOrders.externalId],
        set: { platformUpdatedAt: sql`MAX(${channelOrders.platformUpdatedAt}, excluded.platform_updated_at)`, updatedAt: now },
      }),
    ...(r.capture ? [platformFeeInsert(db, r.capture, { orderId, storeId: connection.storeId, actor: ctx.actor, now })] : []),
  ]);
  await sendOutboxSoon(env, r.outbox).catch((err) => console.warn("intake outbox not sent; the sweep resends it", err));
  if (plan.thenCancel) {
    const cancelled = await cancel(ctx, orderId);
    return { ...cancelled, ...joinDetail(["created from the platform's cancelled order", cancelled.detail].filter(Boolean).join("; "), null) };
  }
  const refunds = await takeInRefunds(ctx, orderId);
  return { outcome: "created", orderId, ...joinDetail(detail, refunds) };
}

const ADOPT_WAITS = 30;
const ADOPT_WAIT_MS = 100;

/** Another delivery of the same order created it a moment ago: link it (if it is this connection's) and carry on as an update. */
async function adopt(ctx: Ctx, orderId: string): Promise<TakeInResult> {
  const { env, connection, mapped } = ctx;
  const db = database(env);
  const linkOf = () => db.select().from(channelOrders).where(eq(channelOrders.orderId, orderId)).get();
  const o = await db.select({ channel: orders.channel }).from(orders).where(eq(orders.id, orderId)).get();
  let link = await linkOf();
  // The creator links the order a moment after creating it, with the state it created it from: wait for that,
  // so this (perhaps older) state is judged against it rather than against nothing.
  for (let i = 0; !link && o?.channel === connection.platform && i < ADOPT_WAITS; i++) {
    await new Promise((r) => setTimeout(r, ADOPT_WAIT_MS));
    link = await linkOf();
  }
  if ((link && link.connectionId !== connection.id) || (!link && o?.channel !== connection.platform)) {
    return { outcome: "failed", orderId: null, detail: `the store already has order ${orderId} with external id ${mapped.externalId} from elsewhere` };
  }
  const now = Date.now();
  // Still unlinked (its creator failed after creating it; its retry will find this link): watermark 0, so the content decides.
  await db
    .insert(channelOrders)
    .values(linkRow(ctx, orderId, { platformUpdatedAt: 0, now }))
    .onConflictDoNothing();
  const current = await loadCurrent(env, connection.id, mapped.externalId);
  if (!current) throw new Error(`channel order ${mapped.externalId} vanished`);
  return update(ctx, current);
}

async function update(ctx: Ctx, current: CurrentOrder): Promise<TakeInResult> {
  const { env, connection, mapped } = ctx;
  const plan = planTakeIn(current, mapped, { next: ctx.next, source: ctx.source });
  const orderId = current.orderId;
  if (plan.kind === "stale") return { outcome: "stale", orderId };
  if (plan.kind === "skip") return { outcome: "skipped", orderId, detail: plan.reason };
  if (plan.kind === "create") throw new Error("unreachable: the order exists");
  const db = database(env);
  const link = and(eq(channelOrders.connectionId, connection.id), eq(channelOrders.externalId, mapped.externalId));
  if (plan.kind === "unchanged") {
    // The newer state is ours now even though nothing in it changes the order: an older one arriving later is stale.
    await db
      .update(channelOrders)
      .set({ platformUpdatedAt: mapped.updatedAt, updatedAt: Date.now() })
      .where(and(link, lt(channelOrders.platformUpdatedAt, mapped.updatedAt)));
    const refunds = await takeInRefunds(ctx, orderId);
    return { outcome: refunds ? "updated" : "unchanged", orderId, ...joinDetail(undefined, refunds) };
  }
  const claimed = await db
    .update(channelOrders)
    .set({ platformUpdatedAt: mapped.updatedAt, externalName: mapped.name, updatedAt: Date.now() })
    .where(and(link, lt(channelOrders.platformUpdatedAt, mapped.updatedAt)))
    .returning({ orderId: channelOrders.orderId });
  // Another delivery applied this state or a newer one meanwhile.
  if (!claimed.length) return { outcome: "stale", orderId };
  const release = () =>
    db
      .update(channelOrders)
      .set({ platformUpdatedAt: current.platformUpdatedAt })
      .where(and(link, eq(channelOrders.platformUpdatedAt, mapped.updatedAt)));
  let result: TakeInResult;
  try {
    result = await apply(ctx, current, plan);
  } catch (err) {
    await release();
    throw err;
  }
  // Not applied (refused): the state is not ours yet; reconciliation or the next delivery tries again.
  if (result.outcome === "failed") await release();
  const refunds = await takeInRefunds(ctx, orderId);
  return { ...result, ...joinDetail(result.detail, refunds) };
}

async function cancel(ctx: Ctx, orderId: string): Promise<TakeInResult> {
  const platform = PLATFORM_NAMES[ctx.connection.platform] ?? ctx.connection.platform;
  const reason = `cancelled on ${platform}${ctx.mapped.cancelled?.reason ? `: ${ctx.mapped.cancelled.reason}` : ""}`;
  const r = await orderStub(ctx.env, orderId).transition({ orderId, event: "cancel", reason, actor: ctx.actor, stores: "*", expectedVersion: null });
  if (r.ok) return { outcome: "cancelled", orderId };
  return { outcome: "failed", orderId, detail: `${reason}, but the order could not be cancelled: ${r.code === "refused" ? r.message : r.code}` };
}

type Plan = Exclude<ReturnType<typeof planTakeIn>, { kind: "stale" | "skip" | "create" | "unchanged" }>;

async function apply(ctx: Ctx, current: CurrentOrder, plan: Plan): Promise<TakeInResult> {
  const { env, connection } = ctx;
  const orderId = current.orderId;
  const platform = PLATFORM_NAMES[connection.platform] ?? connection.platform;
  if (plan.kind === "cancel") return cancel(ctx, orderId);
  if (plan.kind === "cancel_too_late") return { outcome: "unchanged", orderId, detail: plan.reason };

  const why = `changed on ${platform}`;
  const notes: string[] = [];
  if (plan.edit && (plan.via === "edit" || plan.via === "hold_then_edit")) {
    if (plan.via === "hold_then_edit") {
      const held = await holdForChannel(env, orderId, {
        actor: ctx.actor,
        hold: { code: "channel_order_changed", message: `The order was ${why} after it was approved: audited again`, params: [] },
      });
      if (!held.ok) return { outcome: "failed", orderId, detail: `${why}; the order could not be held to apply it: ${held.code}` };
    }
    const r = await editOrder(env, {
      orderId,
      actor: ctx.actor,
      stores: "*",
      expectedVersion: null,
      source: "staff",
      changes: { ...plan.edit, ...(plan.payment ? { payment_status: plan.payment } : {}), reason: why },
    });
    if (!r.ok) return { outcome: "failed", orderId, detail: `${why}; the edit was refused: ${"message" in r ? r.message : r.code}` };
    return { outcome: "updated", orderId, detail: `edited (${Object.keys(plan.edit).join(", ")}) and audited again` };
  }
  if (plan.payment) {
    const r = await editOrder(env, {
      orderId,
      actor: ctx.actor,
      stores: "*",
      expectedVersion: null,
      source: "staff",
      changes: { payment_status: plan.payment, reason: `payment ${why}` },
    });
    if (!r.ok) return { outcome: "failed", orderId, detail: `payment ${why}; refused: ${"message" in r ? r.message : r.code}` };
    notes.push(`payment ${plan.payment}`);
  }
  if (plan.edit && plan.via === "intercept") {
    const shipments = await database(env)
      .select()
      .from(shipmentsTable)
      .where(sql`${shipmentsTable.orderId} = ${orderId} OR ${shipmentsTable.id} IN (SELECT shipment_id FROM shipment_items WHERE order_id = ${orderId})`)
      .all();
    const reason = `the order was ${why} after release (${Object.keys(plan.edit).join(", ")}): check it before packing`;
    const stopped: string[] = [];
    for (const s of shipments) {
      const r = await interceptShipment(env, s, { reason, actor: ctx.actor });
      if (r.ok) stopped.push(s.id);
    }
    notes.push(stopped.length ? `intercepted ${stopped.join(", ")}: ${reason}` : `${reason}; no parcel on our floor could be intercepted`);
  }
  if (plan.edit && plan.via === "report")
    notes.push(`${why} (${Object.keys(plan.edit).join(", ")}) after the order was ${current.status}: not applied, check it with the platform`);
  return { outcome: "updated", orderId, detail: notes.join("; ") };
}

/** Each refund of the platform order not seen before: an after-sales refund request (or why none was opened). Returns what happened, for the inbox. */
async function takeInRefunds(ctx: Ctx, orderId: string): Promise<string | null> {
  const { env, connection, mapped } = ctx;
  if (!mapped.refunds.length) return null;
  const db = database(env);
  const done: string[] = [];
  const skuOfLine = new Map(mapped.lines.map((l, i) => [l.externalLineId, ctx.lineSkus[i]!]));
  for (const refund of mapped.refunds) {
    const claimed = await db
      .insert(channelRefunds)
      .values({ connectionId: connection.id, refundId: refund.externalId, orderId, outcome: "pending", createdAt: Date.now() })
      .onConflictDoNothing()
      .returning({ id: channelRefunds.refundId });
    if (!claimed.length) continue;
    const here = and(eq(channelRefunds.connectionId, connection.id), eq(channelRefunds.refundId, refund.externalId));
    try {
      const o = await db.select({ status: orders.status, currency: orders.currency }).from(orders).where(eq(orders.id, orderId)).get();
      if (o?.status === "cancelled") {
        await db.update(channelRefunds).set({ outcome: "cancelled_order" }).where(here);
        continue;
      }
      const lines = refund.lines.map((l) => ({ sku: skuOfLine.get(l.externalLineId) ?? "", quantity: l.quantity })).filter((l) => l.sku);
      const platform = PLATFORM_NAMES[connection.platform] ?? connection.platform;
      const reason = `Refunded on ${platform} (refund ${refund.externalId}): ${refund.amount} ${mapped.currency}${refund.note ? `. ${refund.note}` : ""}`.slice(0, 2000);
      const r = await runAfterSales(env, orderId, { actor: ctx.actor, stores: "*", action: { type: "open", kind: "refund", reason, lines, lateAllowed: true } });
      if (r.ok) {
        await db.update(channelRefunds).set({ outcome: "opened", afterSalesId: r.result.id }).where(here);
        done.push(`refund ${refund.externalId} opened after-sales request ${r.result.id}`);
      } else {
        const message = "message" in r ? String(r.message) : r.code;
        await db.update(channelRefunds).set({ outcome: "refused", detail: message }).where(here);
        done.push(`refund ${refund.externalId} not taken to after-sales: ${message}`);
      }
    } catch (err) {
      // Not seen after all: the next delivery (or the queue's retry) looks at it again.
      await db.delete(channelRefunds).where(here);
      throw err;
    }
  }
  return done.length ? done.join("; ") : null;
}

const joinDetail = (a: string | undefined, b: string | null) => {
  const text = [a, b].filter(Boolean).join("; ");
  return text ? { detail: text } : {};
};
