/**
 * Purchase orders: made as drafts for one supplier and one warehouse,
 * submitted, received against (./receive-purchase-order.ts), closed or
 * cancelled. The rules are in ./purchase-order-rules.ts.
 *
 * Every change is one D1 batch that starts with the order's next event
 * (purchase_order_id, seq = version + 1, unique) and moves `version` on with
 * it: two changes made at once cannot both commit, and the one that loses is
 * told the order changed (409) with nothing written. The events are the
 * order's history: what changed after submission, from what, by whom.
 */
import type { z } from "@hono/zod-openapi";
import { and, asc, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { chunk, constraintFailed, database, type Database, nonEmpty, directoryD1 } from "../db/client";
import { listedAcross } from "../db/fan-out";
import {
  outbox,
  products,
  purchaseOrderEvents,
  purchaseOrderLines,
  purchaseOrderReceipts,
  purchaseOrders,
  type PurchaseOrderStatus,
  supplierItems,
  suppliers,
  warehouses,
} from "../db/schema";
import type { ShardEnv } from "../env";
import { seesWarehouse, storeScope, type Principal } from "../http/auth";
import type { FieldError } from "../http/problem";
import { servesAnyOf } from "../inventory/warehouse-stores";
import { warehouseScope } from "../inventory/scope";
import { newId } from "../lib/ids";
import { fromMinor, toMinor } from "../lib/money";
import { actorNames, nameIn } from "../activity/actor-names";
import { iso } from "../orders/serialize";
import { sendOutbox } from "../outbox/send";
import type { OutboxRow } from "../outbox/topics";
import { allowedPoEvents, decidePoEvent, orderQuantityProblem, type PoEvent, type Refusal, statusAfterReceipt } from "./purchase-order-rules";
import type { CreatePurchaseOrder, UpdatePurchaseOrder } from "./schemas";
import type { SupplierRow } from "./suppliers";
import { storeTag } from "../db/homes";

export type PurchaseOrderRow = typeof purchaseOrders.$inferSelect;
export type PoLineRow = typeof purchaseOrderLines.$inferSelect;
type LineInput = { sku: string; quantity: number; unit_cost?: string | undefined };

const DAY_MS = 86_400_000;

/** The order's scope for a key: its stores' orders, delivered to its warehouses. */
export function purchaseOrderScope(p: Principal) {
  return and(storeScope(p, purchaseOrders.storeId), warehouseScope(p, purchaseOrders.warehouseId));
}

/**
 * Lines as priced and checked against the supplier's terms: every SKU a product of the supplier's store (once per
 * order), a price given or on the supplier's item list, quantities in the supplier's minimum and packs.
 */
async function priceLines(
  db: Database,
  s: SupplierRow,
  lines: readonly LineInput[],
  field = "lines",
): Promise<{ ok: true; lines: Omit<PoLineRow, "purchaseOrderId">[] } | { ok: false; errors: FieldError[] }> {
  const { known, items } = await catalogueOf(
    db,
    s,
    lines.map((l) => l.sku),
  );
  const itemOf = new Map(items.map((i) => [i.sku, i]));
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const out = lines.map((l, i) => {
    const at = `${field}.${i}`;
    if (seen.has(l.sku)) errors.push({ field: `${at}.sku`, message: `${l.sku} is on the order twice; one line per SKU` });
    seen.add(l.sku);
    if (!known.some((k) => k.sku === l.sku)) errors.push({ field: `${at}.sku`, message: `no product ${l.sku} in the supplier's store` });
    const item = itemOf.get(l.sku);
    const problem = orderQuantityProblem(l.quantity, item);
    if (problem) errors.push({ field: `${at}.quantity`, message: problem });
    let unitCost = item?.unitCost ?? null;
    if (l.unit_cost !== undefined) {
      const c = toMinor(l.unit_cost, s.currency);
      if (c.ok) unitCost = c.minor;
      else errors.push({ field: `${at}.unit_cost`, message: c.message });
    } else if (unitCost === null) errors.push({ field: `${at}.unit_cost`, message: "no price: give unit_cost, or add the item to the supplier's list" });
    return { lineNo: i + 1, sku: l.sku, supplierSku: item?.supplierSku ?? null, quantity: l.quantity, unitCost: unitCost ?? 0, receivedQty: 0 };
  });
  return errors.length ? { ok: false, errors } : { ok: true, lines: out };
}

/** The store's products and the supplier's items among `skus`, in one round trip however many (D1 binds 100 values a statement). */
async function catalogueOf(db: Database, s: SupplierRow, skus: readonly string[]) {
  const parts = chunk([...new Set(skus)], 90);
  if (!parts.length) return { known: [], items: [] };
  const results = await db.batch(
    nonEmpty<BatchItem<"sqlite">>([
      ...parts.map((part) =>
        db
          .select({ sku: products.sku })
          .from(products)
          .where(and(eq(products.storeId, s.storeId), inArray(products.sku, part))),
      ),
      ...parts.map((part) =>
        db
          .select()
          .from(supplierItems)
          .where(and(eq(supplierItems.supplierId, s.id), inArray(supplierItems.sku, part))),
      ),
    ]),
  );
  return {
    known: results.slice(0, parts.length).flat() as { sku: string }[],
    items: results.slice(parts.length).flat() as (typeof supplierItems.$inferSelect)[],
  };
}

/** A line has 7 columns and D1 binds 100 values a statement: 14 lines an insert. */
const insertLines = (db: Database, id: string, lines: readonly Omit<PoLineRow, "purchaseOrderId">[]) =>
  chunk([...lines], 14).map((part) => db.insert(purchaseOrderLines).values(part.map((l) => ({ ...l, purchaseOrderId: id }))));

export type CreateResult = { ok: true; id: string } | { ok: false; errors: FieldError[] };

export async function createPurchaseOrder(env: ShardEnv, p: Principal, body: z.infer<typeof CreatePurchaseOrder>, actor: string): Promise<CreateResult> {
  const db = database(env);
  const [supplierRows, whRows] = await db.batch([
    db
      .select()
      .from(suppliers)
      .where(and(eq(suppliers.id, body.supplier_id), storeScope(p, suppliers.storeId))),
    db.select().from(warehouses).where(eq(warehouses.id, body.warehouse_id)),
  ]);
  const s = supplierRows[0];
  const wh = whRows[0];
  const errors: FieldError[] = [];
  if (!s) errors.push({ field: "supplier_id", message: "no such supplier" });
  else if (!s.active) errors.push({ field: "supplier_id", message: "the supplier is inactive" });
  if (!wh || !seesWarehouse(p, wh.id) || !servesAnyOf(wh.storeIds, p.stores)) errors.push({ field: "warehouse_id", message: "no such warehouse" });
  else if (s && !servesAnyOf(wh.storeIds, [s.storeId])) errors.push({ field: "warehouse_id", message: "the warehouse does not ship for the supplier's store" });
  else if (wh.kind !== "own") errors.push({ field: "warehouse_id", message: "goods are received into our own warehouses' bins; a 3PL receives its own" });
  else if (!wh.active) errors.push({ field: "warehouse_id", message: "the warehouse is inactive" });
  if (errors.length || !s || !wh) return { ok: false, errors };
  const priced = await priceLines(db, s, body.lines);
  if (!priced.ok) return priced;
  const now = Date.now();
  const id = newId("po", now, await storeTag(env, s.storeId));
  await db.batch([
    db.insert(purchaseOrders).values({
      id,
      storeId: s.storeId,
      supplierId: s.id,
      warehouseId: wh.id,
      status: "draft",
      currency: s.currency,
      overReceiptPct: s.overReceiptPct,
      expectedAt: body.expected_at ? Date.parse(body.expected_at) : null,
      note: body.note ?? null,
      version: 1,
      createdBy: actor,
      createdAt: now,
      updatedAt: now,
    }),
    ...insertLines(db, id, priced.lines),
    db
      .insert(purchaseOrderEvents)
      .values({ id: newId("poe", now), purchaseOrderId: id, seq: 1, type: "created", fromStatus: null, toStatus: "draft", actor, reason: null, data: null, createdAt: now }),
  ]);
  return { ok: true, id };
}

/** The order as the API shows it, or null when the key cannot see it. */
export async function getPurchaseOrder(env: ShardEnv, p: Principal, id: string) {
  const db = database(env);
  const [rows, lines, events, receipts] = await db.batch([
    // In a batch, columns are keyed by name: the warehouse's currency would collapse into the order's, so both
    // other tables' columns come through aliased subqueries.
    db
      .select({
        po: purchaseOrders,
        supplierName: sql<string>`(SELECT ${suppliers.name} FROM ${suppliers} WHERE ${suppliers.id} = ${purchaseOrders.supplierId})`.as("supplier_name"),
        warehouseCurrency: sql<string>`(SELECT ${warehouses.currency} FROM ${warehouses} WHERE ${warehouses.id} = ${purchaseOrders.warehouseId})`.as("warehouse_currency"),
      })
      .from(purchaseOrders)
      .where(and(eq(purchaseOrders.id, id), purchaseOrderScope(p))),
    db.select().from(purchaseOrderLines).where(eq(purchaseOrderLines.purchaseOrderId, id)).orderBy(asc(purchaseOrderLines.lineNo)),
    db.select().from(purchaseOrderEvents).where(eq(purchaseOrderEvents.purchaseOrderId, id)).orderBy(asc(purchaseOrderEvents.seq)),
    db.select().from(purchaseOrderReceipts).where(eq(purchaseOrderReceipts.purchaseOrderId, id)).orderBy(asc(purchaseOrderReceipts.createdAt)),
  ]);
  const row = rows[0];
  if (!row) return null;
  const { po, supplierName, warehouseCurrency } = row;
  // Who did it, by name, as the order timeline and the activity log show it.
  const names = await actorNames(directoryD1(env), [...events.map((e) => e.actor), ...receipts.map((r) => r.actor), po.createdBy]);
  const named = (id: string) => {
    const n = nameIn(names, id);
    return { actor_kind: n.kind, actor_name: n.name };
  };
  const money = (minor: number) => fromMinor(minor, po.currency);
  const whMoney = (minor: number) => fromMinor(minor, warehouseCurrency);
  return {
    ...summaryBody(po, supplierName, lines),
    over_receipt_pct: po.overReceiptPct,
    note: po.note,
    created_by: po.createdBy,
    submitted_at: po.submittedAt === null ? null : iso(po.submittedAt),
    received_at: po.receivedAt === null ? null : iso(po.receivedAt),
    closed_at: po.closedAt === null ? null : iso(po.closedAt),
    cancelled_at: po.cancelledAt === null ? null : iso(po.cancelledAt),
    close_reason: po.closeReason,
    sent_via: po.sentVia,
    sent_to: po.sentTo,
    sent_at: po.sentAt === null ? null : iso(po.sentAt),
    allowed_events: allowedPoEvents(po.status),
    lines: lines.map((l) => ({
      line_no: l.lineNo,
      sku: l.sku,
      supplier_sku: l.supplierSku,
      quantity: l.quantity,
      unit_cost: money(l.unitCost),
      received_qty: l.receivedQty,
      line_total: money(l.unitCost * l.quantity),
    })),
    events: events.map((e) => ({
      seq: e.seq,
      type: e.type,
      from_status: e.fromStatus,
      to_status: e.toStatus,
      actor: e.actor,
      ...named(e.actor),
      reason: e.reason,
      data: e.data ?? null,
      created_at: iso(e.createdAt),
    })),
    receipts: receipts.map((r) => ({
      id: r.id,
      warehouse_id: r.warehouseId,
      fx_rate: r.fxRate,
      allocate_by: r.allocateBy,
      landed_costs: r.landedCosts.map((c) => ({ kind: c.kind, amount: whMoney(c.amount) })),
      lines: r.lines.map((l) => ({ ...l, unit_cost: whMoney(l.unit_cost), landed_unit_cost: whMoney(l.landed_unit_cost) })),
      currency: warehouseCurrency,
      reason: r.reason,
      reference: r.reference,
      actor: r.actor,
      ...named(r.actor),
      created_at: iso(r.createdAt),
    })),
  };
}

function summaryBody(po: PurchaseOrderRow, supplierName: string, lines: readonly Pick<PoLineRow, "quantity" | "unitCost" | "receivedQty">[]) {
  return {
    id: po.id,
    store_id: po.storeId,
    supplier_id: po.supplierId,
    supplier_name: supplierName,
    warehouse_id: po.warehouseId,
    status: po.status,
    currency: po.currency,
    total: fromMinor(
      lines.reduce((t, l) => t + l.quantity * l.unitCost, 0),
      po.currency,
    ),
    units: lines.reduce((t, l) => t + l.quantity, 0),
    received_units: lines.reduce((t, l) => t + l.receivedQty, 0),
    expected_at: po.expectedAt === null ? null : iso(po.expectedAt),
    version: po.version,
    created_at: iso(po.createdAt),
    updated_at: iso(po.updatedAt),
  };
}

export async function listPurchaseOrders(
  env: ShardEnv,
  p: Principal,
  q: { storeId?: string; supplierId?: string; warehouseId?: string; statuses?: PurchaseOrderStatus[]; before?: string; limit: number },
) {
  // Unless narrowed to a store or warehouse, from every shard holding one of the principal's stores (src/db/fan-out.ts).
  const rows = await listedAcross(
    env,
    p,
    q.storeId ?? q.warehouseId,
    (onIt) =>
      database(onIt)
        .select({
          po: purchaseOrders,
          supplierName: suppliers.name,
          total: sql<number>`(SELECT COALESCE(SUM(${purchaseOrderLines.quantity} * ${purchaseOrderLines.unitCost}), 0) FROM ${purchaseOrderLines} WHERE ${purchaseOrderLines.purchaseOrderId} = ${purchaseOrders.id})`,
          units: sql<number>`(SELECT COALESCE(SUM(${purchaseOrderLines.quantity}), 0) FROM ${purchaseOrderLines} WHERE ${purchaseOrderLines.purchaseOrderId} = ${purchaseOrders.id})`,
          received: sql<number>`(SELECT COALESCE(SUM(${purchaseOrderLines.receivedQty}), 0) FROM ${purchaseOrderLines} WHERE ${purchaseOrderLines.purchaseOrderId} = ${purchaseOrders.id})`,
        })
        .from(purchaseOrders)
        .innerJoin(suppliers, eq(suppliers.id, purchaseOrders.supplierId))
        .where(
          and(
            purchaseOrderScope(p),
            q.storeId === undefined ? undefined : eq(purchaseOrders.storeId, q.storeId),
            q.supplierId === undefined ? undefined : eq(purchaseOrders.supplierId, q.supplierId),
            q.warehouseId === undefined ? undefined : eq(purchaseOrders.warehouseId, q.warehouseId),
            q.statuses === undefined ? undefined : inArray(purchaseOrders.status, q.statuses),
            q.before === undefined ? undefined : lt(purchaseOrders.id, q.before),
          ),
        )
        .orderBy(desc(purchaseOrders.id))
        .limit(q.limit + 1)
        .all(),
    (r) => r.po.id,
  );
  return rows.map((r) => ({
    ...summaryBody(r.po, r.supplierName, []),
    total: fromMinor(Number(r.total), r.po.currency),
    units: Number(r.units),
    received_units: Number(r.received),
  }));
}

/** The order's row and lines as a change reads them, in the key's scope. */
export async function loadForChange(db: Database, p: Principal, id: string) {
  const [rows, lines] = await db.batch([
    db
      .select()
      .from(purchaseOrders)
      .where(and(eq(purchaseOrders.id, id), purchaseOrderScope(p))),
    db.select().from(purchaseOrderLines).where(eq(purchaseOrderLines.purchaseOrderId, id)).orderBy(asc(purchaseOrderLines.lineNo)),
  ]);
  return rows[0] ? { po: rows[0], lines } : null;
}

export type ChangeResult = { ok: true } | Refusal | { ok: false; code: "not_found" } | { ok: false; code: "invalid"; errors: FieldError[] };

/** A change's first statements: its event at the next sequence number, and the order moved to that version. */
export function changeStatements(
  db: Database,
  po: PurchaseOrderRow,
  change: { type: string; to: PurchaseOrderStatus; actor: string; reason?: string | null; data?: Record<string, unknown> | null; set?: Partial<PurchaseOrderRow>; now: number },
): BatchItem<"sqlite">[] {
  const version = po.version + 1;
  return [
    db.insert(purchaseOrderEvents).values({
      id: newId("poe", change.now),
      purchaseOrderId: po.id,
      seq: version,
      type: change.type,
      fromStatus: po.status,
      toStatus: change.to,
      actor: change.actor,
      reason: change.reason ?? null,
      data: change.data ?? null,
      createdAt: change.now,
    }),
    db
      .update(purchaseOrders)
      .set({ ...change.set, status: change.to, version, updatedAt: change.now })
      .where(and(eq(purchaseOrders.id, po.id), eq(purchaseOrders.version, po.version))),
  ];
}

/** Runs a change's batch; another change that committed first makes it a conflict, with nothing written. */
export async function commitChange(db: Database, statements: BatchItem<"sqlite">[]): Promise<{ ok: true; results: unknown[] } | Refusal> {
  try {
    return { ok: true, results: await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]) };
  } catch (err) {
    if (constraintFailed(err, "purchase_order_events.purchase_order_id, purchase_order_events.seq")) return stale;
    throw err;
  }
}

const stale: Refusal = { ok: false, code: "conflict", message: "the purchase order changed meanwhile; reload it and try again" };

const versionMismatch = (po: PurchaseOrderRow): Refusal => ({
  ok: false,
  code: "version_mismatch",
  message: `the purchase order is at version ${po.version}`,
  extra: { version: po.version },
});

export async function updatePurchaseOrder(env: ShardEnv, p: Principal, id: string, body: z.infer<typeof UpdatePurchaseOrder>, actor: string): Promise<ChangeResult> {
  const db = database(env);
  const loaded = await loadForChange(db, p, id);
  if (!loaded) return { ok: false, code: "not_found" };
  const { po, lines } = loaded;
  if (body.expected_version !== undefined && body.expected_version !== po.version) return versionMismatch(po);
  if (po.status === "closed" || po.status === "cancelled" || po.status === "received") {
    return { ok: false, code: "not_editable", message: `a ${po.status} purchase order cannot change` };
  }
  const draft = po.status === "draft";
  if (body.lines && !draft) return { ok: false, code: "invalid", errors: [{ field: "lines", message: "a submitted order's lines are changed by quantities, never replaced" }] };
  if (body.quantities && draft) return { ok: false, code: "invalid", errors: [{ field: "quantities", message: "a draft's lines are replaced with lines" }] };
  const now = Date.now();
  const statements: BatchItem<"sqlite">[] = [];
  const data: Record<string, unknown> = {};
  const set: Partial<PurchaseOrderRow> = {};
  if (body.expected_at !== undefined) {
    set.expectedAt = body.expected_at === null ? null : Date.parse(body.expected_at);
    data.expected_at = { from: po.expectedAt === null ? null : iso(po.expectedAt), to: body.expected_at };
  }
  if (body.note !== undefined) {
    set.note = body.note;
    data.note = true;
  }
  if (body.lines) {
    const s = await db.select().from(suppliers).where(eq(suppliers.id, po.supplierId)).get();
    const priced = await priceLines(db, s!, body.lines);
    if (!priced.ok) return { ok: false, code: "invalid", errors: priced.errors };
    statements.push(db.delete(purchaseOrderLines).where(eq(purchaseOrderLines.purchaseOrderId, po.id)), ...insertLines(db, po.id, priced.lines));
    data.lines = priced.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unit_cost: fromMinor(l.unitCost, po.currency) }));
  }
  let to: PurchaseOrderStatus = po.status;
  if (body.quantities) {
    const errors: FieldError[] = [];
    const changed: { line_no: number; sku: string; from: number; to: number }[] = [];
    // Raising a quantity orders more, on the supplier's terms; lowering one to what arrived closes that line.
    const supplier = (await db.select().from(suppliers).where(eq(suppliers.id, po.supplierId)).get())!;
    const { items } = await catalogueOf(
      db,
      supplier,
      lines.map((l) => l.sku),
    );
    body.quantities.forEach((q, i) => {
      const line = lines.find((l) => l.lineNo === q.line_no);
      const problem =
        line && q.quantity > line.receivedQty
          ? orderQuantityProblem(
              q.quantity,
              items.find((it) => it.sku === line.sku),
            )
          : null;
      if (!line) errors.push({ field: `quantities.${i}.line_no`, message: `no line ${q.line_no}` });
      else if (q.quantity < line.receivedQty) errors.push({ field: `quantities.${i}.quantity`, message: `${line.receivedQty} already arrived` });
      else if (problem && q.quantity !== line.quantity) errors.push({ field: `quantities.${i}.quantity`, message: problem });
      else if (q.quantity !== line.quantity) {
        changed.push({ line_no: line.lineNo, sku: line.sku, from: line.quantity, to: q.quantity });
        statements.push(
          db
            .update(purchaseOrderLines)
            .set({ quantity: q.quantity })
            .where(and(eq(purchaseOrderLines.purchaseOrderId, po.id), eq(purchaseOrderLines.lineNo, line.lineNo))),
        );
      }
    });
    if (errors.length) return { ok: false, code: "invalid", errors };
    if (changed.length) data.quantities = changed;
    // Lowered to what arrived on every line: nothing more is coming, the order is received.
    const after = lines.map((l) => ({ ...l, quantity: changed.find((c) => c.line_no === l.lineNo)?.to ?? l.quantity }));
    if (po.status === "partially_received" && statusAfterReceipt(after) === "received") {
      to = "received";
      set.receivedAt = now;
    }
  }
  if (!Object.keys(data).length) return { ok: true };
  const r = await commitChange(db, [...changeStatements(db, po, { type: "changed", to, actor, data, set, now }), ...statements]);
  return r.ok ? { ok: true } : r;
}

export async function transitionPurchaseOrder(
  env: ShardEnv,
  p: Principal,
  id: string,
  { event, reason, expectedVersion }: { event: PoEvent; reason: string | null; expectedVersion?: number | undefined },
  actor: string,
): Promise<ChangeResult> {
  const db = database(env);
  const loaded = await loadForChange(db, p, id);
  if (!loaded) return { ok: false, code: "not_found" };
  const { po, lines } = loaded;
  if (expectedVersion !== undefined && expectedVersion !== po.version) return versionMismatch(po);
  const d = decidePoEvent(po.status, event, lines, reason);
  if (!d.ok) return d;
  const now = Date.now();
  const set: Partial<PurchaseOrderRow> = {};
  if (event === "submit") {
    set.submittedAt = now;
    if (po.expectedAt === null) set.expectedAt = now + (await leadTimeDays(db, po, lines)) * DAY_MS;
  }
  if (event === "cancel") Object.assign(set, { cancelledAt: now, closeReason: reason });
  if (event === "close") Object.assign(set, { closedAt: now, closeReason: reason });
  // A submitted order owes the supplier its copy (src/procurement/send-purchase-order.ts), committed with the submit.
  const message: OutboxRow | null =
    event === "submit" ? { id: newId("obx", now), orderId: null, topic: "webhooks", type: "purchase_order.send", payload: { purchase_order_id: po.id }, createdAt: now } : null;
  const r = await commitChange(db, [
    ...changeStatements(db, po, { type: event === "submit" ? "submitted" : event === "cancel" ? "cancelled" : "closed", to: d.to, actor, reason, set, now }),
    ...(message ? [db.insert(outbox).values(message)] : []),
  ]);
  if (!r.ok) return r;
  // The direct send; the minute cron's sweep sends it if this one is lost.
  if (message) await sendOutbox(env, [message]).catch((err) => console.warn(`purchase_order.send for ${po.id}: send failed; the sweep resends it`, err));
  return { ok: true };
}

/** The longest lead time among the order's items (an item's own, else the supplier's). */
async function leadTimeDays(db: Database, po: PurchaseOrderRow, lines: readonly PoLineRow[]): Promise<number> {
  const [s, items] = await db.batch([
    db.select({ days: suppliers.leadTimeDays }).from(suppliers).where(eq(suppliers.id, po.supplierId)),
    db
      .select({ sku: supplierItems.sku, days: supplierItems.leadTimeDays })
      .from(supplierItems)
      .where(
        and(
          eq(supplierItems.supplierId, po.supplierId),
          inArray(
            supplierItems.sku,
            lines.map((l) => l.sku),
          ),
        ),
      ),
  ]);
  const base = s[0]?.days ?? 7;
  const own = new Map(items.map((i) => [i.sku, i.days]));
  return Math.max(0, ...lines.map((l) => own.get(l.sku) ?? base));
}
