/**
 * What an invoice says, decided without I/O: which orders may be invoiced,
 * how a number prints, and the document as it stands at issue (a snapshot:
 * later edits, refunds or a new store name do not change an issued invoice).
 */
import { fromMinor } from "../lib/money";

/** An order is invoiced once it is accepted: approved and every state after it, but not once cancelled. */
export const INVOICEABLE = ["approved", "processing", "shipped", "delivered", "completed"] as const;
export const isInvoiceable = (status: string) => (INVOICEABLE as readonly string[]).includes(status);

export const DEFAULT_PREFIX = "INV-";

/** "INV-" and 42 -> "INV-000042": six digits at least, as SQLite's printf('%s%06d') prints it in the insert. */
export const numberText = (prefix: string, n: number) => `${prefix}${String(n).padStart(6, "0")}`;

export type StoreInvoicing = { legal_name?: string; address?: string; tax_id?: string; prefix?: string } | null;

type AddressLike = { name: string; line1: string; line2?: string | null; district?: string | null; city: string; region?: string | null; postal_code: string; country: string };

export type InvoiceDocument = {
  seller: { name: string; address: string | null; tax_id: string | null };
  buyer: { name: string; email: string | null; address: string[] };
  order: { id: string; external_id: string | null; channel: string; created_at: number };
  currency: string;
  lines: { line_no: number; sku: string; name: string; quantity: number; unit_price: string; total: string }[];
  subtotal: string;
  shipping: string;
  discount: string;
  tax: string;
  total: string;
  payment_status: string;
};

export type InvoiceSource = {
  store: { name: string; invoicing: StoreInvoicing };
  order: {
    id: string;
    externalId: string | null;
    channel: string;
    createdAt: number;
    customerName: string;
    customerEmail: string | null;
    shippingAddress: AddressLike;
    currency: string;
    subtotalAmount: number;
    shippingAmount: number;
    discountAmount: number;
    taxAmount: number;
    totalAmount: number;
    paymentStatus: string;
  };
  lines: { lineNo: number; sku: string; name: string; quantity: number; unitPrice: number; totalAmount: number }[];
};

/** The address as lines to print, in the order post offices read them. */
export function addressLines(a: AddressLike): string[] {
  return [a.name, a.line1, a.line2, [a.district, a.city].filter(Boolean).join(", "), [a.region, a.postal_code].filter(Boolean).join(" "), a.country].filter((l): l is string =>
    Boolean(l?.trim()),
  );
}

export function invoiceDocument({ store, order: o, lines }: InvoiceSource): InvoiceDocument {
  const money = (minor: number) => fromMinor(minor, o.currency);
  return {
    seller: { name: store.invoicing?.legal_name || store.name, address: store.invoicing?.address || null, tax_id: store.invoicing?.tax_id || null },
    buyer: { name: o.customerName, email: o.customerEmail, address: addressLines(o.shippingAddress) },
    order: { id: o.id, external_id: o.externalId, channel: o.channel, created_at: o.createdAt },
    currency: o.currency,
    lines: lines.map((l) => ({ line_no: l.lineNo, sku: l.sku, name: l.name, quantity: l.quantity, unit_price: money(l.unitPrice), total: money(l.totalAmount) })),
    subtotal: money(o.subtotalAmount),
    shipping: money(o.shippingAmount),
    discount: money(o.discountAmount),
    tax: money(o.taxAmount),
    total: money(o.totalAmount),
    payment_status: o.paymentStatus,
  };
}
