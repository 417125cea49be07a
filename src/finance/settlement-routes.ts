/**
 * Settlement reconciliation over HTTP: import a payout file (the CSV as the
 * body), read settlements and their lines, resolve an unmatched line. Thin:
 * the work is in ./import-settlement.ts, ./match-settlement.ts and
 * ./settlements.ts. The import's body is CSV, not JSON: the body guard lets
 * `text/csv` through to this one route (src/http/body.ts), which reads it as
 * a stream under its own limit.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { database } from "../db/client";
import { stores } from "../db/schema";
import type { AppEnv } from "../env";
import { payloadTooLarge } from "../http/body";
import { cursorKey, pageOf } from "../http/pagination";
import { ApiError, notFound, validationFailed } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { importSettlement, MAX_SETTLEMENT_BYTES } from "./import-settlement";
import {
  ImportSettlementQuery,
  ListSettlementsQuery,
  ResolveSettlementLine,
  Settlement,
  SettlementIdParam,
  SettlementLine,
  SettlementLineList,
  SettlementLineParam,
  SettlementLinesQuery,
  SettlementList,
} from "./schemas";
import { lineBody, linesOf, listSettlements, resolveLine, settlementBody, settlementOf } from "./settlements";

const TAG = ["Finance"];
export const SETTLEMENT_IMPORT_PATH = "/v1/settlements";

export const settlementRoutes = new OpenAPIHono<AppEnv>();

settlementRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/settlements",
    permission: "finance:reconcile",
    tags: TAG,
    summary: "Import a payout or settlement file and reconcile it",
    description:
      "The body is the provider's CSV export as it was downloaded (`content-type: text/csv`, up to 64 MiB): Shopify Payments' payout transactions (`format=shopify_payouts`) or Stripe's balance transactions (`format=stripe_balance`). Each row is matched to the ledger's captures and refunds by reference: `matched`, `amount_differs` or `not_ours`; payouts and adjustments are `skipped`; the ledger's captures of the file's period that no row names are added as `missing_from_settlement`. A file with a bad row is refused whole (422, naming the rows) and nothing is written. The same file imported again, even at the same moment, answers with the first import (200).",
    request: { query: ImportSettlementQuery },
    responses: { 201: jsonResponse(Settlement, "Imported and reconciled"), 200: jsonResponse(Settlement, "This file was imported before"), ...problems(404, 413, 415, 422) },
  }),
  async (c) => {
    const p = c.get("principal");
    const q = c.req.valid("query");
    if (!/^text\/csv\s*(?:;|$)/i.test(c.req.header("content-type") ?? "")) {
      throw new ApiError(415, "unsupported_media_type", "Unsupported media type", "Send the file as text/csv");
    }
    if (Number(c.req.header("content-length") ?? "0") > MAX_SETTLEMENT_BYTES) throw payloadTooLarge(MAX_SETTLEMENT_BYTES);
    const store =
      p.stores === "*" || p.stores.includes(q.store_id) ? await database(c.env).select({ id: stores.id }).from(stores).where(eq(stores.id, q.store_id)).get() : undefined;
    if (!store) throw notFound("store");
    const r = await importSettlement(c.env, { storeId: q.store_id, format: q.format, body: c.req.raw.body, actor: p.id });
    if (!r.ok && r.code === "too_large") throw payloadTooLarge(MAX_SETTLEMENT_BYTES);
    if (!r.ok) throw validationFailed(r.errors.map((e) => ({ field: e.line === 0 ? "body" : `body.line.${e.line}`, message: e.message })));
    const found = await settlementOf(c.env, p, r.settlementId);
    return c.json(settlementBody(found!.settlement, found!.counts), r.created ? 201 : 200, { location: `/v1/settlements/${r.settlementId}` });
  },
);

settlementRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/settlements",
    permission: "finance:reconcile",
    tags: TAG,
    summary: "Imported settlements, newest first",
    request: { query: ListSettlementsQuery },
    responses: { 200: jsonResponse(SettlementList, "A page of settlements"), ...problems() },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const before = cursorKey(q.cursor, (k) => k.startsWith("stl_"));
    const rows = await listSettlements(c.env, c.get("principal"), { storeId: q.store_id, cursor: before ?? null, limit: q.limit });
    const page = pageOf(rows, q.limit, (s) => s.id);
    return c.json({ data: page.data.map((s) => settlementBody(s)), next_cursor: page.next_cursor }, 200);
  },
);

settlementRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/settlements/{id}",
    permission: "finance:reconcile",
    tags: TAG,
    summary: "A settlement with its lines counted per status",
    request: { params: SettlementIdParam },
    responses: { 200: jsonResponse(Settlement, "The settlement"), ...problems(404) },
  }),
  async (c) => {
    const found = await settlementOf(c.env, c.get("principal"), c.req.valid("param").id);
    if (!found) throw notFound("settlement");
    return c.json(settlementBody(found.settlement, found.counts), 200);
  },
);

settlementRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/settlements/{id}/lines",
    permission: "finance:reconcile",
    tags: TAG,
    summary: "A settlement's lines: `status=unmatched` is finance's worklist",
    request: { params: SettlementIdParam, query: SettlementLinesQuery },
    responses: { 200: jsonResponse(SettlementLineList, "A page of lines, in file order"), ...problems(404) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const q = c.req.valid("query");
    const found = await settlementOf(c.env, c.get("principal"), id);
    if (!found) throw notFound("settlement");
    const after = cursorKey(q.cursor, (k) => /^\d{1,9}$/.test(k));
    const rows = await linesOf(c.env, id, { status: q.status, after: after ? Number(after) : 0, limit: q.limit });
    const page = pageOf(rows, q.limit, (l) => String(l.lineNo));
    return c.json({ data: page.data.map(lineBody), next_cursor: page.next_cursor }, 200);
  },
);

settlementRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/settlements/{id}/lines/{line_no}/resolve",
    permission: "finance:reconcile",
    tags: TAG,
    summary: "Resolve an unmatched line with a note",
    description:
      "Records who resolved the line, when, and what they found. Only lines that did not match (amount differs, missing from the settlement, not ours) and only once: a second resolution is a 409 `already_resolved` and the first note stands.",
    request: { params: SettlementLineParam, body: jsonBody(ResolveSettlementLine) },
    responses: { 200: jsonResponse(SettlementLine, "The line, resolved"), ...problems(404, 409, 413, 415, 422) },
  }),
  async (c) => {
    const { id, line_no } = c.req.valid("param");
    const r = await resolveLine(c.env, c.get("principal"), { settlementId: id, lineNo: line_no, note: c.req.valid("json").note });
    if (!r.ok && r.code === "not_found") throw notFound("settlement line");
    if (!r.ok && r.code === "already_resolved") throw new ApiError(409, "already_resolved", "Already resolved", `line ${line_no} was resolved by ${r.line.resolvedBy}`);
    if (!r.ok) throw new ApiError(409, "not_unmatched", "Nothing to resolve", `line ${line_no} is ${r.line.status}; only unmatched lines are resolved`);
    return c.json(lineBody(r.line), 200);
  },
);
