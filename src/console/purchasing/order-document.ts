/**
 * The order as the supplier got it: how and when it was sent (by webhook,
 * by email with its PDF, or to be sent by hand), and the PDF itself, which
 * the console passes through from the API as the signed-in reader (so who
 * may read the order may read its PDF, and nobody else).
 */
import { apiRaw } from "../api";
import type { ConsoleContext } from "../context";
import { notFoundPage } from "../guard";
import { fill } from "../i18n";
import type { PurchaseOrderView } from "./order-page";
import type { PurchasingText } from "./text";

/** "By webhook to https://…, 3 Dec 2026, 14:05"; a submitted order the queue has not sent yet is "Not sent yet". */
export function sentText(p: PurchasingText, o: Pick<PurchaseOrderView, "sent_via" | "sent_to" | "sent_at">, at: (t: string | null) => string): string {
  if (!o.sent_via) return p.sent_pending;
  const to = o.sent_to ?? "";
  const how =
    o.sent_via === "webhook" ? fill(p.sent_webhook, { to }) : o.sent_via === "email" ? fill(p.sent_email, { to }) : o.sent_to ? fill(p.sent_manual_refused, { to }) : p.sent_manual;
  return o.sent_at ? fill(p.sent_when, { how, when: at(o.sent_at) }) : how;
}

/** The API's PDF, streamed through with its type and name; an order the reader may not see is the console's 404. */
export async function orderPdf(c: ConsoleContext, id: string): Promise<Response> {
  const res = await apiRaw(c, `/v1/purchase-orders/${encodeURIComponent(id)}/pdf`);
  if (!res.ok || !(res.headers.get("content-type") ?? "").startsWith("application/pdf")) return notFoundPage(c);
  return new Response(res.body, {
    status: 200,
    headers: {
      "content-type": "application/pdf",
      "content-disposition": res.headers.get("content-disposition") ?? `inline; filename="${id.replace(/[^\w.-]/g, "_")}.pdf"`,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
