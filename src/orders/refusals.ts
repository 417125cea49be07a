/** The order object's refusals, as HTTP problems: one mapping for every route that asks it for a change. */
import { ApiError, notFound, validationFailed, type FieldError } from "../http/problem";
import type { OrderEvent, OrderStatus } from "./lifecycle";
import { etag } from "./serialize";

type Refusal =
  | { ok: false; code: "not_found" }
  | { ok: false; code: "version_mismatch"; version: number }
  | { ok: false; code: "refused"; reason: string; message: string; status: OrderStatus; version: number; allowed: OrderEvent[] }
  | { ok: false; code: "invalid"; errors: FieldError[] };

export function problemFor(r: Refusal): ApiError {
  switch (r.code) {
    case "not_found":
      return notFound("order");
    case "version_mismatch":
      return new ApiError(412, "version_mismatch", "Precondition failed", `The order is at version ${r.version}`, { current_version: r.version }, { etag: etag(r.version) });
    case "invalid":
      return validationFailed(r.errors);
    case "refused":
      return new ApiError(409, r.reason, "Not allowed in the order's current state", r.message, {
        order_status: r.status,
        version: r.version,
        allowed_events: r.allowed,
      });
  }
}
