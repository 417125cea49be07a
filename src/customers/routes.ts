/**
 * Customers over HTTP: list and search, profile, tags and notes, merge and
 * unmerge, the privacy export and erasure, the list as CSV. Thin: the work
 * is in ./read-customers.ts, ./merge-customers.ts and ./erase-customer.ts.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { csvResponse } from "../analytics/csv";
import { actorNames } from "../activity/actor-names";
import type { ContactScope } from "../auth/roles";
import type { AppEnv, ShardEnv } from "../env";
import type { Principal } from "../http/auth";
import { cursorKey, pageOf } from "../http/pagination";
import { ApiError, forbidden, notFound, validationFailed } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { etag, iso, parseIfMatch } from "../orders/serialize";
import { newId } from "../lib/ids";
import { eraseCustomer } from "./erase-customer";
import { csvColumns, csvRow, customerProfileView, customerSummary } from "./customer-view";
import { type MergeRefusal, mergeCustomers, rootCustomer, unmergeCustomer, updateCustomer } from "./merge-customers";
import { customerExport, customerProfile, findCustomer, listCustomers, type Profile, storesOf } from "./read-customers";
import { storesBeyond } from "./scope";
import {
  CsvText,
  CustomerCsvQuery,
  CustomerExport,
  CustomerIdParam,
  CustomerList,
  CustomerProfile,
  EraseBody,
  EraseResultSchema,
  ListCustomersQuery,
  MergeBody,
  PatchCustomerBody,
} from "./schemas";
import { directoryD1 } from "../db/client";

const TAG = ["Customers"];

export const customersRoutes = new OpenAPIHono<AppEnv>();

function refused(r: MergeRefusal): never {
  if (r.code === "not_found") throw notFound("customer");
  if (r.code === "version_mismatch") throw new ApiError(412, "version_mismatch", "Precondition failed", r.message);
  throw new ApiError(409, r.code, "Conflict", r.message);
}

function ifMatchOf(header: string | undefined): number | null {
  const v = parseIfMatch(header);
  if (v === "invalid") throw validationFailed([{ field: "if-match", message: 'must be the ETag of the customer, like "3"' }], 400);
  return v;
}

/** Merging, unmerging and erasing reach every order of the customer: the caller must see every store they bought in. */
async function mustReachAll(env: ShardEnv, p: Principal, customerIds: string[]): Promise<void> {
  const beyond = storesBeyond(p, await storesOf(env, customerIds));
  if (beyond.length) throw forbidden("this customer has orders in stores outside your scope; someone who sees every store they bought in must do this");
}

/** Segments rank a customer among all the merchant's: a store-scoped reader neither sees nor filters by them. */
function segmentFilterAllowed(p: Principal, segment: string | undefined): void {
  if (segment !== undefined && p.stores !== "*")
    throw validationFailed([{ field: "segment", message: "segments rank customers across every store; a key or person scoped to stores cannot filter by them" }]);
}

/** The profile's JSON, its events' actors named (people and keys live on the directory). */
async function profileView(env: ShardEnv, profile: Profile, scope: ContactScope) {
  const names = await actorNames(
    directoryD1(env),
    profile.events.map((e) => e.actor),
  );
  return customerProfileView(profile, scope, names);
}

async function profileResponse(env: ShardEnv, p: Principal, id: string) {
  const profile = await customerProfile(env, p, id);
  if (!profile) throw notFound("customer");
  return profile;
}

customersRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/customers",
    permission: "customers:read",
    tags: TAG,
    summary: "Customers, newest first: search by email, phone or name, filter by tag, segment or status",
    description:
      "One record per person across every store and channel of the merchant. Search matches whole values after normalisation (an email in any case, a phone in any format, each word of a name), through blind indexes. Contact details as the caller's position sees them. A key scoped to stores sees customers with an order in them, with figures counted from those stores' orders only and no segment (filtering by segment is refused to it, 422).",
    request: { query: ListCustomersQuery },
    responses: { 200: jsonResponse(CustomerList, "A page of customers"), ...problems() },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const p = c.get("principal");
    segmentFilterAllowed(p, q.segment);
    const before = cursorKey(q.cursor, (k) => k.startsWith("cst_"));
    const rows = await listCustomers(c.env, p, { q: q.q, country: q.country, tag: q.tag, segment: q.segment, status: q.status, before, limit: q.limit });
    const page = pageOf(rows, q.limit, (r) => r.id);
    return c.json({ data: page.data.map((r) => customerSummary(r, p.contactScope)), next_cursor: page.next_cursor }, 200);
  },
);

customersRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/customers.csv",
    permission: "customers:export",
    tags: TAG,
    summary: "The customer list as CSV",
    description: "Every customer matching the filters of GET /v1/customers, streamed as text/csv; contact columns as the caller's position sees them.",
    request: { query: CustomerCsvQuery },
    responses: { 200: { description: "CSV, one row per customer", content: { "text/csv": { schema: CsvText } } }, ...problems() },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const p = c.get("principal");
    const env = c.env;
    segmentFilterAllowed(p, q.segment);
    async function* pages() {
      let before: string | undefined;
      for (;;) {
        const rows = await listCustomers(env, p, { ...q, before, limit: 200 });
        const page = rows.slice(0, 200);
        if (page.length) yield page.map((r) => csvRow(r, p.contactScope));
        if (rows.length <= 200) return;
        before = page[page.length - 1]!.id;
      }
    }
    return (await csvResponse(`customers-${new Date().toISOString().slice(0, 10)}.csv`, csvColumns(p.contactScope), pages())) as never;
  },
);

customersRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/customers/{id}",
    permission: "customers:read",
    tags: TAG,
    summary: "A customer's profile: orders, spend per currency, average order, after-sales, tags, notes, blocklist state, segment, history",
    request: { params: CustomerIdParam },
    responses: { 200: jsonResponse(CustomerProfile, "The customer"), ...problems(404) },
  }),
  async (c) => {
    const p = c.get("principal");
    const profile = await profileResponse(c.env, p, c.req.valid("param").id);
    return c.json(await profileView(c.env, profile, p.contactScope), 200, { etag: etag(profile.customer.version) });
  },
);

customersRoutes.openapi(
  apiRoute({
    method: "patch",
    path: "/v1/customers/{id}",
    permission: "customers:manage",
    tags: TAG,
    summary: "Replace the tags, or add a note to the customer's history",
    description: "Send the ETag as If-Match to avoid overwriting someone else's change (412). An erased or merged customer changes no more (409).",
    request: { params: CustomerIdParam, body: jsonBody(PatchCustomerBody) },
    responses: { 200: jsonResponse(CustomerProfile, "The customer"), ...problems(404, 409, 412, 422) },
  }),
  async (c) => {
    const p = c.get("principal");
    const { id } = c.req.valid("param");
    const ifMatch = ifMatchOf(c.req.header("if-match"));
    const body = c.req.valid("json");
    if (!(await findCustomer(c.env, p, id))) throw notFound("customer");
    const r = await updateCustomer(c.env, { id, tags: body.tags, note: body.note, actor: p.id, ifMatch });
    if (!r.ok) refused(r);
    const profile = await profileResponse(c.env, p, id);
    return c.json(await profileView(c.env, profile, p.contactScope), 200, { etag: etag(profile.customer.version) });
  },
);

customersRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/customers/{id}/merge",
    permission: "customers:manage",
    tags: TAG,
    summary: "Merge another customer into this one",
    description:
      "The other customer's orders, emails and phones move to this one (later orders with them come here too), tags are united; the other is kept as `merged` and can be unmerged. Both must be active (409 `customer_not_active`). If-Match guards this customer's version (412).",
    request: { params: CustomerIdParam, body: jsonBody(MergeBody) },
    responses: { 200: jsonResponse(CustomerProfile, "The customer, with the other's orders"), ...problems(404, 409, 412, 422) },
  }),
  async (c) => {
    const p = c.get("principal");
    const { id } = c.req.valid("param");
    const { customer_id: sourceId } = c.req.valid("json");
    const ifMatch = ifMatchOf(c.req.header("if-match"));
    if (sourceId === id) throw validationFailed([{ field: "customer_id", message: "is this customer: a customer is not merged into itself" }]);
    const [target, source] = await Promise.all([findCustomer(c.env, p, id), findCustomer(c.env, p, sourceId)]);
    if (!target) throw notFound("customer");
    if (!source) throw validationFailed([{ field: "customer_id", message: "no such customer", code: "not_found" }]);
    await mustReachAll(c.env, p, [id, sourceId]);
    const r = await mergeCustomers(c.env, { targetId: id, sourceId, actor: p.id, ifMatch });
    if (!r.ok) refused(r);
    const profile = await profileResponse(c.env, p, id);
    return c.json(await profileView(c.env, profile, p.contactScope), 200, { etag: etag(profile.customer.version) });
  },
);

customersRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/customers/{id}/unmerge",
    permission: "customers:manage",
    tags: TAG,
    summary: "Split a merged customer back out",
    description:
      "The customer gets back the orders, emails and phones it (and the customers merged into it) brought; what was recognised since stays. 409 `not_merged` for a customer that is not merged.",
    request: { params: CustomerIdParam },
    responses: { 200: jsonResponse(CustomerProfile, "The customer, active again"), ...problems(404, 409) },
  }),
  async (c) => {
    const p = c.get("principal");
    const { id } = c.req.valid("param");
    if (!(await findCustomer(c.env, p, id))) throw notFound("customer");
    await mustReachAll(c.env, p, [(await rootCustomer(c.env, id)) ?? id]);
    const r = await unmergeCustomer(c.env, { id, actor: p.id });
    if (!r.ok) refused(r);
    const profile = await profileResponse(c.env, p, id);
    return c.json(await profileView(c.env, profile, p.contactScope), 200, { etag: etag(profile.customer.version) });
  },
);

customersRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/customers/{id}/export",
    permission: "customers:export",
    tags: TAG,
    summary: "Everything held about a customer (a privacy request), as JSON",
    description:
      "The profile, every order with its lines, contact and address, the messages sent and the invoices issued, unmasked: only positions that see contact details may export (403). Each export is recorded in the customer's history.",
    request: { params: CustomerIdParam },
    responses: { 200: jsonResponse(CustomerExport, "Everything held"), ...problems(404) },
  }),
  async (c) => {
    const p = c.get("principal");
    if (p.contactScope !== "contact") throw forbidden("a privacy export holds every contact detail: only positions that see them may export");
    const { id } = c.req.valid("param");
    const x = await customerExport(c.env, p, id);
    if (!x) throw notFound("customer");
    const now = Date.now();
    await directoryD1(c.env)
      .prepare("INSERT INTO customer_events (id, customer_id, type, actor, created_at) VALUES (?, ?, 'exported', ?, ?)")
      .bind(newId("cev", now), id, p.id, now)
      .run();
    const lines = (orderId: string) => x.lines.filter((l) => l.orderId === orderId);
    return c.json(
      {
        exported_at: iso(now),
        // What is held about the customer goes to the customer: staff's names stay out of it (people and keys by id and kind).
        customer: customerProfileView(x.profile, p.contactScope, new Map()),
        orders: x.profile.orders.map((o) => ({ ...o, lines: lines(o.id) })),
        messages: x.messages,
        invoices: x.invoices,
      },
      200,
      { "content-disposition": `attachment; filename="${id}.json"`, "cache-control": "no-store" },
    );
  },
);

customersRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/customers/{id}/erase",
    permission: "customers:erase",
    tags: TAG,
    summary: "Erase a customer's personal data (a privacy request)",
    description:
      "Names, emails, phones, addresses, notes and messages about the customer are replaced or dropped on every order, invoice, message, after-sales request, label and tracking record; amounts, lines, SKUs, dates and invoice totals stay. The customer stays as `erased` and is no longer found by email or phone. Recorded with who, when and the reason. Not undone. Each order is erased through its own object, so an edit at the same moment is erased too or refused; a call erases at most 400 orders, and `orders_remaining` says how many a further call will take (a customer already erased with orders remaining may be erased again; with none, 409).",
    request: { params: CustomerIdParam, body: jsonBody(EraseBody) },
    responses: { 200: jsonResponse(EraseResultSchema, "Erased"), ...problems(404, 409, 422) },
  }),
  async (c) => {
    const p = c.get("principal");
    const { id } = c.req.valid("param");
    const { reason } = c.req.valid("json");
    if (!(await findCustomer(c.env, p, id))) throw notFound("customer");
    await mustReachAll(c.env, p, [id]);
    const r = await eraseCustomer(c.env, { id, actor: p.id, reason });
    if (!r.ok && r.code === "not_found") throw notFound("customer");
    if (!r.ok) throw new ApiError(409, r.code, "Conflict", r.message);
    return c.json({ id, status: "erased" as const, erased_at: iso(r.erasedAt), orders: r.orders, orders_remaining: r.remaining }, 200);
  },
);
