/**
 * The list's bulk actions on ticked orders. Transitions run through the API, a few at a time (each order's
 * object takes its own change; a bounded fan-out keeps one click from queueing hundreds of calls). Labels are
 * copied page by page from each shipment's own label PDF into one document to print.
 */
import type { z } from "@hono/zod-openapi";
import type { OrderTracking } from "../../logistics/schemas";
import { api, apiRaw } from "../api";
import type { ConsoleContext } from "../context";
import { uiOf } from "../guard";
import { fill, fillCount } from "../i18n";
import { problemText } from "../problems";
import { inBatches } from "./filters";
import { ORDERS_TEXT } from "./text";

export const BULK_PARALLEL = 4;
export const MAX_BULK = 200;

/** Approve or hold each ticked order; the flash says how many went through and, per failure, which order and why. */
export async function bulkTransition(
  c: ConsoleContext,
  ids: string[],
  opts: { event: "approve" | "hold"; reason?: string },
): Promise<{ kind: "ok" | "bad" | "warn"; text: string }> {
  const ui = uiOf(c);
  const w = ORDERS_TEXT[ui.lang];
  const results = await inBatches(ids, BULK_PARALLEL, async (id) => {
    const r = await api(c, `/v1/orders/${id}/transitions`, { method: "POST", body: { event: opts.event, ...(opts.reason ? { reason: opts.reason } : {}) } });
    return r.ok ? null : fill(w.bulk_failed, { order: id, why: problemText(r.body, ui.lang) });
  });
  const failures = results.filter((r): r is string => r !== null);
  const text = [fillCount(w, "bulk_done", ids.length, { ok: ids.length - failures.length }), ...failures].join(" ");
  return { kind: failures.length === 0 ? "ok" : failures.length === ids.length ? "bad" : "warn", text: text.slice(0, 500) };
}

/** One PDF of the ticked orders' labels, and the orders that have none yet. */
export async function combinedLabels(c: ConsoleContext, ids: string[]): Promise<{ pdf: Uint8Array | null; missing: string[] }> {
  const perOrder = await inBatches(ids, BULK_PARALLEL, async (id) => {
    const r = await api<z.infer<typeof OrderTracking>>(c, `/v1/orders/${id}/tracking`);
    const urls = r.ok ? r.body.shipments.flatMap((s) => (s.label ? [s.label.label_url] : [])) : [];
    const pdfs = await Promise.all(
      urls.map(async (url) => {
        const res = await apiRaw(c, url, { headers: { accept: "application/pdf" } });
        return res.ok ? new Uint8Array(await res.arrayBuffer()) : null;
      }),
    );
    return { id, pdfs: pdfs.flatMap((p) => (p ? [p] : [])) };
  });
  const missing = perOrder.filter((o) => o.pdfs.length === 0).map((o) => o.id);
  const all = perOrder.flatMap((o) => o.pdfs);
  if (!all.length) return { pdf: null, missing };
  const { PDFDocument } = await import("pdf-lib");
  const out = await PDFDocument.create();
  for (const bytes of all) {
    const src = await PDFDocument.load(bytes);
    for (const page of await out.copyPages(src, src.getPageIndices())) out.addPage(page);
  }
  return { pdf: await out.save(), missing };
}
