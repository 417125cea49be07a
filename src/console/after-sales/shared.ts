/** What the after-sales screens share: the API's shapes and refusals in words. */
import type { z } from "@hono/zod-openapi";
import type { AfterSalesRequest } from "../../after-sales/schemas";
import type { Notification } from "../../notifications/schemas";
import type { Order } from "../../orders/schemas";
import type { Problem } from "../api";
import type { Lang } from "../i18n";
import { problemText } from "../problems";
import { AFTER_SALES_TEXT, type AfterSalesText } from "./text";

export type RequestT = z.infer<typeof AfterSalesRequest>;
export type OrderT = z.infer<typeof Order>;
export type NotificationT = z.infer<typeof Notification>;

export const words = (lang: Lang): AfterSalesText => AFTER_SALES_TEXT[lang];
const lookup = (t: AfterSalesText, key: string, fallback: string) => (t as Record<string, string>)[key] ?? fallback;
export const kindLabel = (t: AfterSalesText, k: string) => lookup(t, `kind_${k}`, k);
export const requestStatusLabel = (t: AfterSalesText, s: string) => lookup(t, `status_${s}`, s);
export const resolutionLabel = (t: AfterSalesText, r: string) => lookup(t, `resolution_${r}`, r);
export const paymentLabel = (t: AfterSalesText, s: string) => lookup(t, `pay_${s}`, s);
export const messageStatusLabel = (t: AfterSalesText, s: string) => lookup(t, `msg_${s}`, s);

/** Request statuses waiting for support: the desk's default view. */
export const WORK_QUEUE = "open,accepted";

/** A refusal in the reader's words: ours for the after-sales codes, the console's common ones otherwise. */
export function refusalText(problem: Problem, lang: Lang): string {
  const ours = problem.code ? (AFTER_SALES_TEXT[lang] as Record<string, string>)[`code_${problem.code}`] : undefined;
  if (!ours) return problemText(problem, lang);
  return lang === "en" || !problem.detail ? ours : `${ours}（${problem.detail}）`;
}

/** The badge class of a request's status: waiting is a warning, closed well is ok. */
export const statusBadge = (s: string) => (s === "open" ? "warn" : s === "accepted" ? "" : s === "resolved" ? "ok" : s === "rejected" ? "bad" : "");

/** Money left to refund on an order: its total minus what resolved requests refunded. */
export function leftToRefund(total: string, requests: readonly Pick<RequestT, "status" | "refund_amount">[]): number {
  const refunded = requests.reduce((sum, r) => sum + (r.status === "resolved" && r.refund_amount ? Number(r.refund_amount) : 0), 0);
  return Math.max(0, Math.round((Number(total) - refunded) * 1e6) / 1e6);
}
