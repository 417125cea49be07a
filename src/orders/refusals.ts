/** The order object's refusals, as HTTP problems: one mapping for every route that asks it for a change. */
import { ApiError, notFound, validationFailed } from "../http/problem";
import { etag, parseIfMatch } from "./serialize";
import type { Invalid, NotFound, Refused, Skipped, VersionMismatch } from "./stage";

type Refusal = NotFound | VersionMismatch | Refused | Invalid | Skipped;

/** The version an `If-Match` header names: null without one, a 400 for one that is not an order ETag. */
export function ifMatchVersion(header: string | undefined): number | null {
  const v = parseIfMatch(header);
  if (v === "invalid") throw validationFailed([{ field: "If-Match", message: 'must be the ETag of the order, e.g. "3"' }], 400);
  return v;
}

export function problemFor(r: Refusal): ApiError {
  switch (r.code) {
    case "not_found":
      return notFound("order");
    case "version_mismatch":
      return new ApiError(412, "version_mismatch", "Precondition failed", `The order is at version ${r.version}`, { current_version: r.version }, { etag: etag(r.version) });
    case "invalid":
      return validationFailed(r.errors);
    case "skipped":
      return new ApiError(409, "skipped", "Nothing to do", r.message);
    case "refused":
      return new ApiError(409, r.reason, "Not allowed in the order's current state", r.message, {
        order_status: r.status,
        version: r.version,
        allowed_events: r.allowed,
        ...r.extra,
      });
  }
}
