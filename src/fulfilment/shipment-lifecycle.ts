/**
 * A shipment's lifecycle as data, and the one module that writes
 * `shipments.status`. Every move, from the floor (wave, pack, label,
 * handover), a partner (a 3PL's answers, a carrier's tracking), an order's
 * change (a cancellation intercepts, a fulfilment done elsewhere closes) or
 * a person (interception, merge), is an event of this table; `moveShipments`
 * builds the update with the event's `from` states as its SQL guard, so a
 * move that raced another one changes nothing and the caller sees it.
 *
 * One definition of "handed over" (`HANDED_OVER`) serves the carrier path
 * and the 3PL path alike, and the order's guards see shipments by `phase`.
 *
 * Invariant: no other module sets `shipments.status` (test/structure/one-writer.test.mjs).
 */
import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { SHIPMENT_STATUSES, type ShipmentStatus, shipments } from "../db/schema";

export { SHIPMENT_STATUSES, type ShipmentStatus };

/** Where an intercepted shipment was stopped, so releasing the interception knows where work resumes. */
export const FLOOR_STATUSES = ["pending", "picking", "packed", "labelled"] as const;
export type FloorStatus = (typeof FLOOR_STATUSES)[number];

type Move = { from: readonly ShipmentStatus[]; to: readonly ShipmentStatus[] };

export const SHIPMENT_TRANSITIONS = {
  /** Released to the floor in a wave (own warehouse). */
  release: { from: ["pending"], to: ["picking"] },
  /** The 3PL accepted the dispatch: it is picking. */
  accept: { from: ["pending"], to: ["picking"] },
  pack: { from: ["picking"], to: ["packed"] },
  label: { from: ["packed"], to: ["labelled"] },
  void_label: { from: ["labelled"], to: ["packed"] },
  /** Handed to the carrier at the dock. */
  hand_over: { from: ["labelled"], to: ["shipped"] },
  /** The 3PL reports it shipped: handed over, as at our own dock. */
  ship_3pl: { from: ["pending", "picking"], to: ["shipped"] },
  /** Stopped before it left: an order cancelled, an address changed, someone asked. */
  intercept: { from: ["pending", "picking", "packed", "labelled"], to: ["intercepted"] },
  /** The interception is released: work resumes where it stopped (a packed parcel is scanned and weighed again). */
  resume: { from: ["intercepted"], to: ["pending", "picking", "packed"] },
  /** It left although it was stopped (a carrier scan, a 3PL that shipped after our cancel): recorded, with an exception to recall it. */
  late_hand_over: { from: ["intercepted", "cancelled"], to: ["shipped"] },
  /** The carrier's tracking, applied forward only (see ../logistics/tracking-status.ts). */
  track: { from: ["shipped", "in_transit", "out_for_delivery", "exception"], to: ["shipped", "in_transit", "out_for_delivery", "delivered", "exception", "returned"] },
  /** Nothing left to ship: its orders were cancelled (a 3PL was told to stop), or the goods went back to their bins. */
  cancel: { from: ["pending", "picking", "intercepted"], to: ["cancelled"] },
  merge: { from: ["pending"], to: ["merged"] },
  unmerge: { from: ["merged"], to: ["pending", "cancelled"] },
  /** The 3PL refused the dispatch; the order's goods may be re-routed to another warehouse. */
  reject: { from: ["pending", "picking"], to: ["rejected"] },
  /** The order was fulfilled outside the system. */
  close: { from: ["pending", "picking", "packed", "intercepted"], to: ["closed"] },
} as const satisfies Record<string, Move>;

export type ShipmentEvent = keyof typeof SHIPMENT_TRANSITIONS;

export type ShipmentPhase = "floor" | "carrier" | "delivered" | "returned" | "closed";

const PHASE: Record<ShipmentStatus, ShipmentPhase> = {
  pending: "floor",
  picking: "floor",
  packed: "floor",
  labelled: "floor",
  intercepted: "floor",
  shipped: "carrier",
  in_transit: "carrier",
  out_for_delivery: "carrier",
  exception: "carrier",
  delivered: "delivered",
  returned: "returned",
  // A 3PL refused it: its goods are still owed, until they are re-routed (the items then leave it) or the order is cancelled.
  rejected: "floor",
  cancelled: "closed",
  merged: "closed",
  closed: "closed",
};

export const phaseOf = (status: ShipmentStatus): ShipmentPhase => PHASE[status];

/** Handed over: with a carrier or shipped by a 3PL, whether still on its way, delivered or come back. */
export const HANDED_OVER: readonly ShipmentStatus[] = SHIPMENT_STATUSES.filter((s) => ["carrier", "delivered", "returned"].includes(PHASE[s]));
export const handedOver = (status: string) => (HANDED_OVER as readonly string[]).includes(status);
/** Work the floor can still do: what a closed or cancelled order must never leave behind. */
export const PROGRESSING: readonly ShipmentStatus[] = FLOOR_STATUSES;

export function canMove(event: ShipmentEvent, from: ShipmentStatus, to?: ShipmentStatus): boolean {
  const t: Move = SHIPMENT_TRANSITIONS[event];
  return t.from.includes(from) && (to === undefined || t.to.includes(to));
}

const list = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );
export const sqlIn = (values: readonly string[]) => sql`(${list(values)})`;

export type MoveSpec = {
  event: ShipmentEvent;
  /** Which shipments (besides the event's `from` states, which are always part of the guard). */
  where: SQL;
  /** The new status: the event's only one by default; a value (or a CASE whose results are) among its `to` otherwise. */
  to?: ShipmentStatus | SQL;
  /** Columns to set with it. */
  set?: Omit<Partial<typeof shipments.$inferInsert>, "status" | "id">;
  now: number;
};

/**
 * The update for one move of the table: `status` set only where the
 * shipment is in one of the event's `from` states. Add `.returning()` to
 * learn which moved.
 */
export function moveShipments(db: Database, m: MoveSpec) {
  const t: Move = SHIPMENT_TRANSITIONS[m.event];
  let to: ShipmentStatus | SQL;
  if (m.to === undefined) {
    if (t.to.length !== 1) throw new Error(`shipment event ${m.event} leads to one of ${t.to.join(", ")}: say which`);
    to = t.to[0]!;
  } else if (typeof m.to === "string") {
    if (!t.to.includes(m.to)) throw new Error(`shipment event ${m.event} cannot lead to ${m.to}`);
    to = m.to;
  } else {
    to = m.to;
  }
  return db
    .update(shipments)
    .set({ ...m.set, status: to as ShipmentStatus, updatedAt: m.now })
    .where(sql`(${m.where}) AND ${shipments.status} IN ${sqlIn(t.from)}`);
}

/** A new shipment's row, born pending. */
export function newShipment(row: Omit<typeof shipments.$inferInsert, "status">): typeof shipments.$inferInsert {
  return { ...row, status: "pending" };
}
