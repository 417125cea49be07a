/** Checks on the order as a whole: arithmetic, quantities, amount, the buyer's note, payment. */
import { z } from "@hono/zod-openapi";
import { fromMinor, isCurrency, toMinor } from "../../lib/money";
import { NoParams, type RawFinding, type RuleKind } from "../types";

export const totalsRule: RuleKind<NoParams> = {
  kind: "totals",
  description: "Line totals add up, and the channel's own total (if it sent one) equals ours",
  params: NoParams,
  defaultSeverity: "hold",
  evaluate({ order, lines }) {
    const out: RawFinding[] = [];
    lines.forEach((l, i) => {
      if (l.unitPrice * l.quantity !== l.totalAmount) {
        out.push({ code: "line_total_mismatch", message: `Line ${i + 1} does not add up`, params: { line: i + 1 }, field: `lines.${i}` });
      }
    });
    const subtotal = lines.reduce((s, l) => s + l.totalAmount, 0);
    const total = subtotal + order.shippingAmount + order.taxAmount - order.discountAmount;
    if (subtotal !== order.subtotalAmount || total !== order.totalAmount) {
      out.push({ code: "total_mismatch", message: "The order's totals do not add up", params: {}, field: "total_amount" });
    }
    if (order.channelTotalAmount !== null && order.channelTotalAmount !== order.totalAmount) {
      out.push({
        code: "channel_total_mismatch",
        message: `The channel's total ${fromMinor(order.channelTotalAmount, order.currency)} differs from the computed ${fromMinor(order.totalAmount, order.currency)}`,
        params: { channel_total: fromMinor(order.channelTotalAmount, order.currency), total: fromMinor(order.totalAmount, order.currency), currency: order.currency },
        field: "total_amount",
      });
    }
    return out;
  },
};

const QuantityParams = z.object({
  max_per_line: z.number().int().min(1).default(50),
  max_units: z.number().int().min(1).default(200),
});

export const quantityRule: RuleKind<z.infer<typeof QuantityParams>> = {
  kind: "quantity",
  description: "No line and no order above the store's quantity limits",
  params: QuantityParams,
  defaultSeverity: "hold",
  evaluate({ lines }, _ctx, p) {
    const out: RawFinding[] = [];
    lines.forEach((l, i) => {
      if (l.quantity > p.max_per_line) {
        out.push({
          code: "quantity_over_limit",
          message: `${l.quantity} × ${l.sku} is more than ${p.max_per_line} per line`,
          params: { sku: l.sku, quantity: l.quantity, limit: p.max_per_line },
          field: `lines.${i}.quantity`,
        });
      }
    });
    const units = lines.reduce((s, l) => s + l.quantity, 0);
    if (units > p.max_units)
      out.push({ code: "units_over_limit", message: `${units} units is more than ${p.max_units} per order`, params: { units, limit: p.max_units }, field: "lines" });
    return out;
  },
};

const AmountParams = z.object({
  /** Per currency, the order total above which a person looks first: { "USD": "1000.00" }. */
  thresholds: z
    .record(z.string(), z.string())
    .default({ USD: "1000.00", EUR: "1000.00", GBP: "800.00", CNY: "8000.00", JPY: "150000" })
    .superRefine((t, ctx) => {
      for (const [currency, amount] of Object.entries(t)) {
        if (!isCurrency(currency)) ctx.addIssue({ code: "custom", path: [currency], message: "not an ISO 4217 currency" });
        else if (!toMinor(amount, currency).ok) ctx.addIssue({ code: "custom", path: [currency], message: "not an amount in this currency" });
      }
    }),
});

export const amountRule: RuleKind<z.infer<typeof AmountParams>> = {
  kind: "amount",
  description: "Orders above a total per currency are looked at by a person",
  params: AmountParams,
  defaultSeverity: "hold",
  evaluate({ order }, _ctx, { thresholds }) {
    const limit = thresholds[order.currency];
    if (limit === undefined) return [];
    const r = toMinor(limit, order.currency);
    if (!r.ok || order.totalAmount <= r.minor) return [];
    return [
      {
        code: "amount_over_threshold",
        message: `Total ${fromMinor(order.totalAmount, order.currency)} ${order.currency} is above ${limit}`,
        params: { total: fromMinor(order.totalAmount, order.currency), currency: order.currency, threshold: limit },
        field: "total_amount",
      },
    ];
  },
};

export const noteRule: RuleKind<NoParams> = {
  kind: "note",
  description: "A buyer's note is read by a person before the order moves on",
  params: NoParams,
  defaultSeverity: "hold",
  evaluate({ order }) {
    return order.note?.trim() ? [{ code: "buyer_note", message: `The buyer wrote: "${order.note.slice(0, 200)}"`, params: { note: order.note.slice(0, 200) }, field: "note" }] : [];
  },
};

const PaymentParams = z.object({
  /** Cash on delivery: an unpaid order goes ahead and is paid at the door. */
  allow_cash_on_delivery: z.boolean().default(false),
  paid_statuses: z
    .array(z.enum(["paid", "authorized"]))
    .min(1)
    .default(["paid", "authorized"]),
});

export const paymentRule: RuleKind<z.infer<typeof PaymentParams>> = {
  kind: "payment",
  description: "Unpaid orders wait for payment (and are audited again when it arrives), unless the store takes cash on delivery",
  params: PaymentParams,
  defaultSeverity: "wait",
  evaluate({ order }, _ctx, p) {
    if (p.allow_cash_on_delivery || (p.paid_statuses as string[]).includes(order.paymentStatus)) return [];
    return [{ code: "awaiting_payment", message: `Payment is ${order.paymentStatus}`, params: { payment_status: order.paymentStatus }, field: "payment_status" }];
  },
};
