/**
 * The store settings form as data: what a store's answer shows in the form,
 * and what the posted form asks the API to change. Pure, so the mapping of
 * empty fields (no return window, no finance review) is tested on its own.
 */
import type { z } from "@hono/zod-openapi";
import type { Store, UpdateStoreInput } from "../../stores/schemas";
import { numberOrText } from "./parts";

export type StoreValues = {
  name: string;
  currency: string;
  timezone: string;
  language: string;
  auto_audit: boolean;
  complete_after_days: string;
  archive_after_days: string;
  return_window_days: string;
  backorder_priority: string;
  /** Finance review thresholds, currency then amount. */
  finance: [string, string][];
  notify_on: string[];
  /** Who the invoices say sells; all empty: the store's name and the default prefix. */
  invoicing: { legal_name: string; address: string; tax_id: string; prefix: string };
};

const INVOICING = ["legal_name", "address", "tax_id", "prefix"] as const;

export function valuesOfStore(s: z.infer<typeof Store>): StoreValues {
  return {
    name: s.name,
    currency: s.currency,
    timezone: s.timezone,
    language: s.language,
    auto_audit: s.auto_audit,
    complete_after_days: String(s.complete_after_days),
    archive_after_days: String(s.archive_after_days),
    return_window_days: s.return_window_days === null ? "" : String(s.return_window_days),
    backorder_priority: s.backorder_priority,
    finance: Object.entries(s.finance_review?.thresholds ?? {}),
    notify_on: s.notify_on,
    invoicing: { legal_name: s.invoicing?.legal_name ?? "", address: s.invoicing?.address ?? "", tax_id: s.invoicing?.tax_id ?? "", prefix: s.invoicing?.prefix ?? "" },
  };
}

type Read = { one: (name: string) => string; all: (name: string) => string[] };

/** What the person typed. Finance rows come as finance_currency[i] / finance_amount[i] (kept in step, empties included). */
export function valuesOfForm(read: Read): StoreValues {
  const currencies = read.all("finance_currency");
  const amounts = read.all("finance_amount");
  const finance: [string, string][] = [];
  currencies.forEach((c, i) => {
    const cur = c.trim().toUpperCase();
    const amount = (amounts[i] ?? "").trim();
    if (cur || amount) finance.push([cur, amount]);
  });
  return {
    name: read.one("name"),
    currency: read.one("currency").toUpperCase(),
    timezone: read.one("timezone"),
    language: read.one("language"),
    auto_audit: read.one("auto_audit") === "on",
    complete_after_days: read.one("complete_after_days"),
    archive_after_days: read.one("archive_after_days"),
    return_window_days: read.one("return_window_days"),
    backorder_priority: read.one("backorder_priority"),
    finance,
    notify_on: read.all("notify_on").filter(Boolean),
    invoicing: { legal_name: read.one("invoicing_legal_name"), address: read.one("invoicing_address"), tax_id: read.one("invoicing_tax_id"), prefix: read.one("invoicing_prefix") },
  };
}

/** The PATCH body. Numbers that are not numbers go as typed, so the API names the field. */
export function changesOf(v: StoreValues): Record<keyof UpdateStoreInput, unknown> {
  const thresholds = Object.fromEntries(v.finance.filter(([c, a]) => c || a));
  return {
    name: v.name,
    currency: v.currency,
    timezone: v.timezone,
    language: v.language,
    auto_audit: v.auto_audit,
    complete_after_days: numberOrText(v.complete_after_days) ?? "",
    archive_after_days: numberOrText(v.archive_after_days) ?? "",
    return_window_days: numberOrText(v.return_window_days),
    // A form from before the field existed sends none: the store keeps its priority.
    backorder_priority: v.backorder_priority || undefined,
    finance_review: Object.keys(thresholds).length ? { thresholds } : null,
    notify_on: v.notify_on,
    invoicing: invoicingOf(v.invoicing),
  };
}

/** The fields typed, trimmed; none at all: no invoicing details (the store's name, the default prefix). */
function invoicingOf(v: StoreValues["invoicing"]): Record<string, string> | null {
  const given = INVOICING.flatMap((k) => (v[k].trim() ? [[k, v[k].trim()] as const] : []));
  return given.length ? Object.fromEntries(given) : null;
}
