/**
 * Receiving goods against a purchase order. Each line goes into a storage bin
 * of the order's warehouse as a `receive` movement; its unit cost, converted
 * from the order's currency at the rate given on receipt and with its part of
 * the landed costs (freight, duty...), is folded into the SKU's moving average
 * cost there. More than the supplier's tolerance over what was ordered needs
 * a reason.
 *
 * One batch: the order's next event (which two receipts at once cannot both
 * take: the second's batch fails whole, so nothing is received twice, and it
 * reads the order again and is decided afresh, tolerance included),
 * the lines' received counts, the stock, the costs, the ledger, the receipt,
 * and a `stock.received` message whose consumer allocates the backorders
 * waiting for these SKUs at once (src/procurement/backorders.ts), rather than
 * at the minute cron's next retry.
 */
import type { z } from "@hono/zod-openapi";
import { and, eq, inArray } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { anyOf, database } from "../db/client";
import { bins, outbox, products, purchaseOrderLines, purchaseOrderReceipts, warehouses } from "../db/schema";
import type { ShardEnv } from "../env";
import type { Principal } from "../http/auth";
import type { FieldError } from "../http/problem";
import { addOnHand, foldCost, insertMovements, type MovementInput } from "../inventory/stock";
import { newId } from "../lib/ids";
import { toMinor } from "../lib/money";
import { sendOutbox } from "../outbox/send";
import { stockReceivedMessage } from "./backorders";
import { changeStatements, commitChange, type ChangeResult, loadForChange } from "./purchase-orders";
import { convertMinor, landedUnitCosts, OPEN_PO_STATUSES, overReceipts, parseRate, statusAfterReceipt } from "./purchase-order-rules";
import type { ReceivePurchaseOrder } from "./schemas";

/** Two people receiving the same order at once: the one whose batch lost reads the order again and decides again. */
const ROUNDS = 5;

export async function receivePurchaseOrder(
  env: ShardEnv,
  p: Principal,
  id: string,
  body: z.infer<typeof ReceivePurchaseOrder>,
  actor: string,
): Promise<ChangeResult | { ok: true; receiptId: string }> {
  let r: ChangeResult | { ok: true; receiptId: string } = { ok: false, code: "not_found" };
  for (let round = 0; round < ROUNDS; round++) {
    r = await receiveOnce(env, p, id, body, actor);
    if (r.ok || r.code !== "conflict") return r;
  }
  return r;
}

async function receiveOnce(
  env: ShardEnv,
  p: Principal,
  id: string,
  body: z.infer<typeof ReceivePurchaseOrder>,
  actor: string,
): Promise<ChangeResult | { ok: true; receiptId: string }> {
  const db = database(env);
  const loaded = await loadForChange(db, p, id);
  if (!loaded) return { ok: false, code: "not_found" };
  const { po, lines } = loaded;
  if (!OPEN_PO_STATUSES.has(po.status)) {
    return { ok: false, code: "not_receivable", message: `a ${po.status.replace("_", " ")} purchase order takes no goods${po.status === "draft" ? "; submit it first" : ""}` };
  }
  const lineOf = new Map(lines.map((l) => [l.lineNo, l]));
  const [whRows, binRows, weights] = await db.batch([
    db.select({ id: warehouses.id, currency: warehouses.currency }).from(warehouses).where(eq(warehouses.id, po.warehouseId)),
    db
      .select()
      .from(bins)
      .where(and(eq(bins.warehouseId, po.warehouseId), inArray(bins.code, anyOf([...new Set(body.lines.map((l) => l.bin))])))),
    db
      .select({ sku: products.sku, grams: products.weightGrams })
      .from(products)
      .where(and(eq(products.storeId, po.storeId), inArray(products.sku, anyOf([...new Set(lines.map((l) => l.sku))])))),
  ]);
  const wh = whRows[0]!;
  const errors: FieldError[] = [];
  body.lines.forEach((r, i) => {
    if (!lineOf.has(r.line_no)) errors.push({ field: `lines.${i}.line_no`, message: `no line ${r.line_no} on this order` });
    const bin = binRows.find((b) => b.code === r.bin);
    if (!bin?.active) errors.push({ field: `lines.${i}.bin`, message: `no active bin ${r.bin} in this warehouse` });
    else if (bin.kind !== "storage") errors.push({ field: `lines.${i}.bin`, message: "goods are put away to storage bins" });
  });
  let rate = 1;
  if (po.currency !== wh.currency) {
    const parsed = body.fx_rate === undefined ? null : parseRate(body.fx_rate);
    if (parsed === null)
      errors.push({
        field: "fx_rate",
        message: `${wh.currency} per ${po.currency} as on the day, like "7.1234": the order is in ${po.currency}, the warehouse keeps costs in ${wh.currency}`,
      });
    else rate = parsed;
  } else if (body.fx_rate !== undefined && parseRate(body.fx_rate) !== 1) {
    errors.push({ field: "fx_rate", message: `the order and the warehouse are both in ${po.currency}: no rate, or "1"` });
  }
  const landed = (body.landed_costs ?? []).map((c, i) => {
    const m = toMinor(c.amount, wh.currency);
    if (!m.ok) errors.push({ field: `landed_costs.${i}.amount`, message: m.message });
    return { kind: c.kind, amount: m.ok ? m.minor : 0 };
  });
  if (errors.length) return { ok: false, code: "invalid", errors };

  const receiving = body.lines.map((r) => ({ lineNo: r.line_no, quantity: r.quantity }));
  const over = overReceipts(lines, receiving, po.overReceiptPct);
  if (over.length && !body.reason) {
    return {
      ok: false,
      code: "over_receipt",
      message: `more than ordered (tolerance ${po.overReceiptPct}%): ${over.map((o) => `${o.sku} ${o.received} of ${o.ordered}`).join(", ")}; give a reason to keep them`,
      extra: { over },
    };
  }

  const allocateBy = body.allocate_by ?? "value";
  const gramsOf = new Map(weights.map((w) => [w.sku, w.grams ?? 0]));
  const received = body.lines.map((r) => {
    const line = lineOf.get(r.line_no)!;
    return {
      ...r,
      sku: line.sku,
      bin: binRows.find((b) => b.code === r.bin)!,
      unitCost: convertMinor(line.unitCost, po.currency, wh.currency, rate),
      weightGrams: gramsOf.get(line.sku) ?? 0,
    };
  });
  const landedTotal = landed.reduce((t, c) => t + c.amount, 0);
  const unitCosts = landedUnitCosts(received, landedTotal, allocateBy);

  const now = Date.now();
  const receiptId = newId("prc", now);
  const added = new Map<number, number>();
  for (const r of received) added.set(r.line_no, (added.get(r.line_no) ?? 0) + r.quantity);
  const after = lines.map((l) => ({ ...l, receivedQty: l.receivedQty + (added.get(l.lineNo) ?? 0) }));
  const to = statusAfterReceipt(after);
  const statements: BatchItem<"sqlite">[] = changeStatements(db, po, {
    type: "received",
    to,
    actor,
    reason: body.reason ?? null,
    data: { receipt_id: receiptId, lines: received.map((r) => ({ line_no: r.line_no, sku: r.sku, quantity: r.quantity })), ...(over.length ? { over } : {}) },
    set: to === "received" ? { receivedAt: now } : {},
    now,
  });
  for (const [lineNo, qty] of added) {
    const line = lineOf.get(lineNo)!;
    statements.push(
      db
        .update(purchaseOrderLines)
        .set({ receivedQty: line.receivedQty + qty })
        .where(and(eq(purchaseOrderLines.purchaseOrderId, po.id), eq(purchaseOrderLines.lineNo, lineNo))),
    );
  }
  const movements: MovementInput[] = [];
  received.forEach((r, i) => {
    // The cost first: it reads the on-hand quantity the new units are averaged with.
    statements.push(foldCost(db, { warehouseId: wh.id, sku: r.sku }, { qty: r.quantity, unitCost: unitCosts[i]!, currency: wh.currency, now }));
    statements.push(addOnHand(db, { warehouseId: wh.id, binId: r.bin.id, sku: r.sku }, { qty: r.quantity, now }));
    movements.push({
      warehouseId: wh.id,
      binId: r.bin.id,
      sku: r.sku,
      kind: "receive",
      onHandDelta: r.quantity,
      reservedDelta: 0,
      unitCost: unitCosts[i]!,
      actor,
      reason: body.reference ?? `purchase order ${po.id}`,
      refType: "purchase_order",
      refId: po.id,
      createdAt: now,
    });
  });
  const message = stockReceivedMessage(now, { warehouseId: wh.id, storeId: po.storeId, skus: received.map((r) => r.sku), ref: { purchase_order_id: po.id } });
  statements.push(
    ...insertMovements(db, movements),
    db.insert(purchaseOrderReceipts).values({
      id: receiptId,
      purchaseOrderId: po.id,
      warehouseId: wh.id,
      fxRate: po.currency === wh.currency ? "1" : body.fx_rate!,
      landedCosts: landed,
      allocateBy,
      lines: received.map((r, i) => ({ line_no: r.line_no, sku: r.sku, bin_id: r.bin.id, quantity: r.quantity, unit_cost: r.unitCost, landed_unit_cost: unitCosts[i]! })),
      reason: body.reason ?? null,
      reference: body.reference ?? null,
      actor,
      createdAt: now,
    }),
    db.insert(outbox).values(message),
  );
  const r = await commitChange(db, statements);
  if (!r.ok) return r;
  // The direct send; the minute cron's sweep sends it if this one is lost.
  await sendOutbox(env, [message]).catch((err) => console.warn(`stock.received for ${po.id}: send failed; the sweep resends it`, err));
  return { ok: true, receiptId };
}
