/**
 * What a customer's figures are, from their orders, and how names and tags
 * are compared. Pure, so the rules are tested without D1 or secrets.
 */
import { normaliseEmail } from "../audit/normalise";

export type OrderFacts = { status: string; paymentStatus: string; currency: string; totalAmount: number; createdAt: number };

export type CustomerStats = {
  /** Orders that count: every order but the cancelled ones. */
  ordersCount: number;
  /** Minor units per currency of orders that count and were not refunded or voided. */
  spent: Record<string, number>;
  /** Per currency, spent over the orders it came from, rounded to the minor unit. */
  averageOrder: Record<string, number>;
  firstOrderAt: number | null;
  lastOrderAt: number | null;
  /** The currency the customer spent most in (ties: alphabetical), and that amount: what RFM ranks. */
  mainCurrency: string | null;
  mainSpent: number;
};

const NOT_SPENT = new Set(["refunded", "voided"]);

/** Orders of one customer alike in currency, status and payment status, summed: what a grouped query returns (one order is a group of one). */
export type OrderGroup = { status: string; paymentStatus: string; currency: string; count: number; totalAmount: number; firstAt: number; lastAt: number };

export function customerStats(orders: readonly OrderFacts[]): CustomerStats {
  return customerStatsOfGroups(orders.map((o) => ({ ...o, count: 1, firstAt: o.createdAt, lastAt: o.createdAt })));
}

/** The same figures from grouped orders, so a page of customers is counted in one grouped query rather than by reading every order. */
export function customerStatsOfGroups(groups: readonly OrderGroup[]): CustomerStats {
  const counting = groups.filter((g) => g.status !== "cancelled");
  const spent: Record<string, number> = {};
  const spendingOrders: Record<string, number> = {};
  for (const g of counting) {
    if (NOT_SPENT.has(g.paymentStatus)) continue;
    spent[g.currency] = (spent[g.currency] ?? 0) + g.totalAmount;
    spendingOrders[g.currency] = (spendingOrders[g.currency] ?? 0) + g.count;
  }
  const averageOrder = Object.fromEntries(Object.entries(spent).map(([c, v]) => [c, Math.round(v / spendingOrders[c]!)]));
  const main = Object.entries(spent).sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0];
  return {
    ordersCount: counting.reduce((n, g) => n + g.count, 0),
    spent,
    averageOrder,
    firstOrderAt: counting.length ? Math.min(...counting.map((g) => g.firstAt)) : null,
    lastOrderAt: counting.length ? Math.max(...counting.map((g) => g.lastAt)) : null,
    mainCurrency: main?.[0] ?? null,
    mainSpent: main?.[1] ?? 0,
  };
}

/**
 * The words a name is searched by: NFKC, lower case, split on spaces and
 * punctuation, and the whole name too (a Chinese name is one word without
 * spaces, "王小明"). Searching needs every word of the query among them.
 */
export function nameTerms(name: string | null | undefined): string[] {
  const whole = (name ?? "").normalize("NFKC").toLowerCase().trim().replace(/\s+/g, " ");
  if (!whole) return [];
  const words = whole.split(/[\s\p{P}]+/u).filter(Boolean);
  return [...new Set([whole, ...words])];
}

export const MAX_TAGS = 20;

/** Tags as stored: trimmed, lower case, runs of spaces folded, once each, in the order given. */
export function normaliseTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.normalize("NFKC").trim().toLowerCase().replace(/\s+/g, " ")).filter(Boolean))];
}

/** What a search box's text is: an email, a phone number, or words of a name. */
export function searchKind(q: string): "email" | "phone" | "name" {
  const t = q.trim();
  if (t.includes("@")) return "email";
  // A phone as people type it: "+1 …", "0415 …", "(415) 555-0100".
  if (/^[+(\d][\d\s().\-/]*$/.test(t) && /\d{5,}/.test(t.replace(/\D/g, ""))) return "phone";
  return "name";
}

export const sameEmail = (a: string, b: string) => normaliseEmail(a) === normaliseEmail(b);
