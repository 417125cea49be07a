/** The review API: auditors' claims on orders awaiting review, and staff's internal notes on orders. */
import { OpenAPIHono } from "@hono/zod-openapi";
import { actorNames, nameIn } from "../activity/actor-names";
import type { AppEnv } from "../env";
import { allows } from "../http/auth";
import { idempotent } from "../http/idempotency";
import { ApiError, notFound } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { OrderIdParam } from "../orders/schemas";
import { iso } from "../orders/serialize";
import { type Claim, claimOrder, currentClaim, releaseClaim } from "./claims";
import { addNote, listNotes } from "./notes";
import { ClaimRelease, ClaimStatus, NewNote, OrderClaim, OrderNote, OrderNotes } from "./schemas";
import { directoryD1 } from "../db/client";

export const reviewRoutes = new OpenAPIHono<AppEnv>();

async function claimBody(env: AppEnv["Bindings"], claim: Claim) {
  const names = await actorNames(directoryD1(env), [claim.claimedBy]);
  return { order_id: claim.orderId, claimed_by: { id: claim.claimedBy, name: nameIn(names, claim.claimedBy).name, until: iso(claim.until) }, claimed_at: iso(claim.claimedAt) };
}

reviewRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/orders/{id}/claim",
    permission: "audit:read",
    tags: ["Audit"],
    summary: "Who is reviewing the order now",
    request: { params: OrderIdParam },
    responses: { 200: jsonResponse(ClaimStatus, "The live claim, or null"), ...problems(404) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const found = await currentClaim(c.env, c.get("principal"), id);
    if (!found) throw notFound("order");
    return c.json({ order_id: id, claimed_by: found.claim ? (await claimBody(c.env, found.claim)).claimed_by : null }, 200);
  },
);

reviewRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/orders/{id}/claim",
    permission: "audit:run",
    tags: ["Audit"],
    summary: "Claim the order for review (15 minutes)",
    description:
      "For a received or held order. Claiming your own claim again extends it. While someone else's claim is live the answer is 409 `claimed`, naming who holds it and until when. A claim ends by itself when it expires or the order is approved, rejected or cancelled; an order held again after its approval comes back unclaimed.",
    request: { params: OrderIdParam },
    responses: { 200: jsonResponse(OrderClaim, "The caller's claim"), ...problems(404, 409) },
  }),
  async (c) => {
    const r = await claimOrder(c.env, c.get("principal"), c.req.valid("param").id);
    if (r.ok) return c.json(await claimBody(c.env, r.claim), 200);
    if (r.code === "not_found") throw notFound("order");
    if (r.code === "not_claimable")
      throw new ApiError(409, "not_in_review", "The order is not awaiting review", `The order is ${r.status}; only received or held orders are claimed`);
    const held = await claimBody(c.env, r.claim);
    throw new ApiError(409, "claimed", "Claimed by someone else", `${held.claimed_by.name ?? held.claimed_by.id} is reviewing this order until ${held.claimed_by.until}`, {
      claimed_by: held.claimed_by,
    });
  },
);

reviewRoutes.openapi(
  apiRoute({
    method: "delete",
    path: "/v1/orders/{id}/claim",
    permission: "audit:run",
    tags: ["Audit"],
    summary: "Release the order's review claim",
    description: "Only the holder releases a live claim, or someone with `audit:manage`. Releasing an order nobody holds is not an error (`released: false`).",
    request: { params: OrderIdParam },
    responses: { 200: jsonResponse(ClaimRelease, "Released"), ...problems(404, 409) },
  }),
  async (c) => {
    const p = c.get("principal");
    const { id } = c.req.valid("param");
    const r = await releaseClaim(c.env, p, id, { mayReleaseOthers: allows(p, "audit:manage") });
    if (r.ok) return c.json({ order_id: id, released: r.released }, 200);
    if (r.code === "not_found") throw notFound("order");
    const held = await claimBody(c.env, r.claim);
    throw new ApiError(409, "claimed", "Claimed by someone else", `Only ${held.claimed_by.name ?? held.claimed_by.id} (or an audit manager) may release this claim`, {
      claimed_by: held.claimed_by,
    });
  },
);

reviewRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/orders/{id}/notes",
    permission: "orders:read",
    tags: ["Orders"],
    summary: "Staff's internal notes on the order, newest first",
    description: "Never shown to the customer. Storefront and partner integrations read none.",
    request: { params: OrderIdParam },
    responses: { 200: jsonResponse(OrderNotes, "The notes"), ...problems(404) },
  }),
  async (c) => {
    const notes = await listNotes(c.env, c.get("principal"), c.req.valid("param").id);
    if (!notes) throw notFound("order");
    const names = await actorNames(
      directoryD1(c.env),
      notes.map((n) => n.author_id),
    );
    return c.json({ data: notes.map((n) => ({ ...n, author_name: nameIn(names, n.author_id).name, created_at: iso(n.created_at) })) }, 200);
  },
);

reviewRoutes.post("/v1/orders/:id/notes", idempotent());
reviewRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/orders/{id}/notes",
    // The staff who work orders (auditors, support, admins) hold it.
    permission: "orders:edit",
    tags: ["Orders"],
    summary: "Add an internal note to the order",
    description: "For staff only: never shown to the customer, never in their messages.",
    request: { params: OrderIdParam, body: jsonBody(NewNote) },
    responses: { 201: jsonResponse(OrderNote, "The note"), ...problems(404, 413, 415, 422) },
  }),
  async (c) => {
    const p = c.get("principal");
    const note = await addNote(c.env, p, c.req.valid("param").id, c.req.valid("json").body);
    if (!note) throw notFound("order");
    const names = await actorNames(directoryD1(c.env), [p.id]);
    return c.json({ ...note, author_name: nameIn(names, p.id).name, created_at: iso(note.created_at) }, 201);
  },
);
