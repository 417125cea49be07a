/** The tracking partners we accept webhooks from, by the name in their URL (/webhooks/tracking/:partner). */
import { aftership } from "./aftership";
import { easypost } from "./easypost";
import type { TrackingPartner } from "./partner";
import { shippo } from "./shippo";

export const TRACKING_PARTNERS: ReadonlyMap<string, TrackingPartner> = new Map([
  ["easypost", easypost],
  ["aftership", aftership],
  ["shippo", shippo],
]);
