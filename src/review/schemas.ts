/** The review API's shapes: claims and internal notes. */
import { z } from "@hono/zod-openapi";
import { Rfc3339 } from "../http/route";

export const ClaimedBy = z
  .object({ id: z.string(), name: z.string().nullable(), until: Rfc3339 })
  .openapi("ClaimedBy", { description: "Who holds the order's review claim, and until when" });

export const OrderClaim = z.object({ order_id: z.string(), claimed_by: ClaimedBy, claimed_at: Rfc3339 }).openapi("OrderClaim");

export const ClaimStatus = z.object({ order_id: z.string(), claimed_by: ClaimedBy.nullable() }).openapi("OrderClaimStatus");

export const ClaimRelease = z.object({ order_id: z.string(), released: z.boolean() }).openapi("OrderClaimRelease");

export const NewNote = z.object({ body: z.string().trim().min(1, "write the note").max(2000) }).openapi("NewOrderNote");

export const OrderNote = z.object({ id: z.string(), body: z.string(), author_id: z.string(), author_name: z.string().nullable(), created_at: Rfc3339 }).openapi("OrderNote");

export const OrderNotes = z.object({ data: z.array(OrderNote) }).openapi("OrderNotes");
