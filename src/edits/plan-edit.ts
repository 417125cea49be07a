/**
 * Plans an edit of an order: staff correcting an address, lines or amounts,
 * a channel reporting payment, a customer fixing or confirming what held
 * their order. Validation against the order's current state happens here,
 * inside the order's object, so it sees exactly the state it will change.
 */
import { eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { chunk, database } from "../db/client";
import { contactIndexes } from "../db/contact-index";
import { orderLines } from "../db/schema";
import type { ShardEnv } from "../env";
import type { FieldError } from "../http/problem";
import { toMinor } from "../lib/money";
import { paymentEntries } from "../finance/ledger-rules";
import { platformFeeInsert } from "../finance/platform-fee";
import { insertLedger } from "../finance/ledger-writes";
import { lookupSkus } from "../products/catalogue";
import { CONFIRMABLE, CUSTOMER_FIXABLE } from "../audit/customer-actions";
import { computeTotals, priceLines, storedAddress } from "../orders/build-order";
import type { EditOrderInput } from "../orders/schemas";
import type { OrderLineRow, OrderPatch, OrderRow, Proposal } from "../orders/stage";

/** What an edit may carry: the API's edit body, or a customer's confirmation from the order page. */
export type EditInput = EditOrderInput & { confirm?: boolean; payment?: PaymentDetails };
/** What a payment report says besides the status: for the money ledger. */
export type PaymentDetails = { amount?: string | undefined; fee?: string | undefined; reference?: string | undefined };

export type EditPlan = { ok: true; change: Proposal } | { ok: false; code: "invalid"; errors: FieldError[] } | { ok: false; code: "not_editable"; message: string };

const CONTENT_STATUSES = new Set(["received", "on_hold"]);
// After allocation (processing) only with the order's parcels intercepted: the table's `readdress` guard.
const ADDRESS_STATUSES = new Set(["received", "on_hold", "approved", "processing"]);
const TERMINAL = new Set(["completed", "cancelled"]);

export async function planEdit(
  env: ShardEnv,
  { order, lines }: { order: OrderRow; lines: OrderLineRow[] },
  cmd: { holds: readonly { code: string }[]; source: "staff" | "customer"; changes: EditInput; actor: string },
): Promise<EditPlan> {
  const { holds } = cmd;
  const c = cmd.changes;
  const refuse = (message: string): EditPlan => ({ ok: false, code: "not_editable", message });
  const fields = Object.keys(c).filter((k) => k !== "reason" && k !== "confirm" && k !== "payment" && c[k as keyof EditInput] !== undefined);
  const touchesContent = ["lines", "shipping_amount", "discount_amount", "tax_amount", "note"].some((f) => fields.includes(f));
  const touchesAddress = fields.includes("shipping_address") || fields.includes("customer");

  if (TERMINAL.has(order.status)) return refuse(`an order that is ${order.status} cannot be changed`);
  // Erasure and edits are serialised by the order's object: whichever comes second, no contact is written back.
  if (order.personalDataErasedAt !== null && (touchesAddress || fields.includes("note")))
    return refuse("the customer's personal data on this order was erased (a privacy request): the contact, address and note are not written again");
  if (touchesContent && order.status === "approved") {
    // Stock may be allocated for these lines at any moment: a person takes the order back first.
    return refuse("lines, amounts and note are fixed once an order is approved: hold it first (event hold), then edit it; it is audited again");
  }
  if (touchesContent && !CONTENT_STATUSES.has(order.status)) return refuse(`lines, amounts and note are fixed once an order is ${order.status}`);
  if (touchesAddress && !ADDRESS_STATUSES.has(order.status)) return refuse(`the address and contact are fixed once an order is ${order.status}`);

  if (cmd.source === "customer") {
    // A customer fixes only what the audit asked of them, and only while it holds the order.
    const actions = new Set(holds.map((h) => CUSTOMER_FIXABLE[h.code]).filter(Boolean));
    if (order.status !== "on_hold" || actions.size === 0) return refuse("there is nothing on this order for you to fix");
    if (touchesContent || fields.includes("payment_status")) return refuse("only the address and contact can be changed here");
    if (fields.includes("shipping_address") && !actions.has("fix_address")) return refuse("the address is not what holds this order");
    if (fields.includes("customer") && !actions.has("fix_contact")) return refuse("the contact details are not what hold this order");
    if (c.confirm && !holds.every((h) => CONFIRMABLE.has(h.code))) return refuse("this order needs a correction, not a confirmation");
  }

  const errors: FieldError[] = [];
  const patch: OrderPatch = {};
  const extra: BatchItem<"sqlite">[] = [];
  if (c.shipping_address) {
    patch.shippingAddress = storedAddress(c.shipping_address);
  }
  if (c.customer) {
    if (c.customer.name !== undefined) patch.customerName = c.customer.name;
    if (c.customer.email !== undefined) patch.customerEmail = c.customer.email ?? null;
    if (c.customer.phone !== undefined) patch.customerPhone = c.customer.phone ?? null;
  }
  // What the customer confirmed was about the old address or contact.
  if (touchesAddress) {
    patch.confirmations = [];
    // The blind indexes follow the contact (a phone's depends on the ship-to country too).
    const email = c.customer?.email !== undefined ? c.customer.email : order.customerEmail;
    const phone = c.customer?.phone !== undefined ? c.customer.phone : order.customerPhone;
    const country = c.shipping_address?.country ?? order.shippingAddress.country;
    Object.assign(patch, contactIndexes({ storeId: order.storeId, email: email ?? null, phone: phone ?? null, country }));
  }
  if (c.confirm) patch.confirmations = [...new Set([...order.confirmations, ...holds.map((h) => h.code).filter((code) => CONFIRMABLE.has(code))])];
  if (c.note !== undefined) patch.note = c.note;
  if (c.payment_status) {
    patch.paymentStatus = c.payment_status;
    // The ledger's entry commits in this change's batch: a report that fails writes none, one repeated writes it once.
    const money = (field: "amount" | "fee") => {
      const v = c.payment?.[field];
      if (v === undefined) return null;
      const r = toMinor(v, order.currency);
      if (!r.ok) errors.push({ field, message: r.message });
      return r.ok ? r.minor : null;
    };
    const drafts = paymentEntries({
      orderId: order.id,
      status: c.payment_status,
      amount: money("amount"),
      fee: money("fee"),
      reference: c.payment?.reference ?? null,
      orderTotal: order.totalAmount,
      currency: order.currency,
      alreadyPaid: order.paymentStatus === "paid",
    });
    const at = { storeId: order.storeId, orderId: order.id, actor: cmd.actor, now: Date.now() };
    if (drafts.length) extra.push(insertLedger(database(env), drafts, at));
    // The marketplace's fee, where the order's channel connection carries the merchant's schedule.
    const capture = drafts.find((d) => d.kind === "captured");
    if (capture) extra.push(platformFeeInsert(database(env), capture, at));
  }

  if (touchesContent) {
    const amount = (field: "shipping_amount" | "discount_amount" | "tax_amount", current: number) => {
      const v = c[field];
      if (v === undefined) return current;
      const r = toMinor(v, order.currency);
      if (!r.ok) errors.push({ field, message: r.message });
      return r.ok ? r.minor : current;
    };
    const amounts = {
      shipping: amount("shipping_amount", order.shippingAmount),
      discount: amount("discount_amount", order.discountAmount),
      tax: amount("tax_amount", order.taxAmount),
    };
    let newLines = lines;
    if (c.lines) {
      c.lines.forEach((l, i) => {
        const r = toMinor(l.unit_price, order.currency);
        if (!r.ok) errors.push({ field: `lines.${i}.unit_price`, message: r.message });
      });
      if (errors.length) return { ok: false, code: "invalid", errors };
      const catalogue = await lookupSkus(
        env,
        order.storeId,
        c.lines.map((l) => l.sku),
      );
      newLines = priceLines(c.lines, { orderId: order.id, currency: order.currency, catalogue, errors });
      const db = database(env);
      extra.push(db.delete(orderLines).where(eq(orderLines.orderId, order.id)));
      for (const part of chunk(newLines, 12)) extra.push(db.insert(orderLines).values(part));
      patch.requiresShipping = newLines.some((l) => l.type === "goods");
    }
    const t = computeTotals(newLines, amounts, errors);
    Object.assign(patch, { subtotalAmount: t.subtotal, shippingAmount: t.shipping, discountAmount: t.discount, taxAmount: t.tax, totalAmount: t.total });
  }
  if (errors.length) return { ok: false, code: "invalid", errors };

  const type = c.confirm ? "customer_confirmed" : fields.length === 1 && fields[0] === "payment_status" ? "payment_updated" : "edited";
  return {
    ok: true,
    change: {
      // An address or contact change is judged by its own event, whose guard wants the parcels stopped after allocation.
      event: touchesAddress ? "readdress" : "edit",
      type,
      reason: c.reason ?? null,
      data: {
        source: cmd.source,
        fields: c.confirm ? ["confirmations"] : fields,
        ...(c.payment_status ? { payment_status: c.payment_status } : {}),
        ...(c.payment?.reference ? { payment_reference: c.payment.reference } : {}),
      },
      patch,
      writes: extra,
    },
  };
}
