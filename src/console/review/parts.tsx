/** Pieces both review screens show. */
import type { z } from "@hono/zod-openapi";
import type { ClaimedBy } from "../../review/schemas";
import type { Ui } from "../context";
import { dateTime } from "../format";
import { fill } from "../i18n";
import { REVIEW } from "./text";

/** What staff call an order: the channel's number where it has one, else ours. */
export const orderRef = (o: { id: string; external_id: string | null }) => o.external_id ?? o.id;

export function ClaimBadge({ ui, claim, timeZone }: { ui: Ui & { principal: { id: string } }; claim: z.infer<typeof ClaimedBy> | null; timeZone: string }) {
  const w = REVIEW[ui.lang];
  if (!claim) return <span class="badge">{w.unclaimed}</span>;
  const until = dateTime(claim.until, timeZone, ui.lang);
  if (claim.id === ui.principal.id) return <span class="badge ok">{fill(w.claimed_by_you, { until })}</span>;
  return <span class="badge warn">{fill(w.claimed_by, { name: claim.name ?? claim.id, until })}</span>;
}
