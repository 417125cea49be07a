/**
 * The one seam between the order kernel and the stages around it. A stage
 * (audit, edit, after-sales, allocation, fulfilment) may:
 *
 * - `plan` a change from the order as it is and its own input, returning a
 *   `Proposal` (an event of the lifecycle table, plus the stage's own
 *   writes) or a refusal; the kernel decides the event over the table and
 *   commits it, or returns the table's refusal;
 * - provide `facts` the lifecycle's guards need (the fulfilment stage knows
 *   the order's shipments and service tasks);
 * - add `effects` to changes decided for other reasons (a cancellation
 *   releases stock and stops the floor in the same batch).
 *
 * The kernel imports no stage: `src/index.ts` hands the stages to the order
 * object (`orderObject(stages)`), explicitly, in one place.
 *
 * Expected failures are values (`ok: false`), never exceptions: error
 * classes do not survive the Durable Object RPC boundary.
 */
import type { Placeholder, SQL, SQLWrapper } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { SQLiteUpdateSetSource } from "drizzle-orm/sqlite-core";
import type { Database } from "../db/client";
import type { orderHoldReasons, orderLines, orders } from "../db/schema";
import type { ShardEnv } from "../env";
import type { FieldError } from "../http/problem";
import type { OutboxRow } from "../outbox/topics";
import type { FactKind, GuardFacts, LifecycleEvent, OrderEvent, OrderStatus, VetoDetail } from "./lifecycle";

export type Scope = "*" | readonly string[];
export type OrderRow = typeof orders.$inferSelect;
export type OrderLineRow = typeof orderLines.$inferSelect;
/** A finding's parameters (`{ country: "CN", postal_code: "2000" }`): what customer-facing text is rendered from, per language. */
export type FindingParams = Record<string, string | number>;
/** `message` is staff's (English); `params` holds each finding's parameters, for text rendered in the customer's language. */
export type HoldReason = { code: string; message: string; params?: FindingParams[] | null };

/** What the order object keeps of its order between changes: a cache of D1, trusted while the version guard agrees. */
export type OrderSnapshot = {
  id: string;
  storeId: string;
  /** Where the order came from (web, pos, shopify...): stages that only concern some channels skip the rest without a read. */
  channel: string;
  status: OrderStatus;
  version: number;
  requiresShipping: boolean;
  heldAt: number | null;
  openAfterSales: number;
  totalAmount: number;
  currency: string;
  paymentStatus: string;
  archived: boolean;
  /** The order waits for two-level review's finance check (a `finance_review` hold reason). */
  financePending: boolean;
};

/** The whole order, its lines and its current hold reasons, read in one round trip. */
export type FullOrder = { order: OrderRow; lines: OrderLineRow[]; holds: (typeof orderHoldReasons.$inferSelect)[] };

/** Columns a change may set besides the ones the kernel owns (status, version, timestamps). */
export type OrderPatch = Omit<SQLiteUpdateSetSource<typeof orders>, "id" | "status" | "version" | "updatedAt">;

/** A change a stage proposes. The event decides legality and the new status; the rest is what it writes. */
export type Proposal = {
  event: LifecycleEvent;
  /** The timeline's name for the change when more precise than the event (`after_sales_opened`, `payment_updated`). */
  type?: string;
  /** Staff side only: the timeline, status_reason, partner webhooks. Never shown to the customer. */
  reason: string | null;
  /** Staff's internal note, kept on the event; never shown to the customer. */
  internalNote?: string | null;
  /** What staff chose to tell the customer with this change: carried to the customer's message and shown on their page. */
  customerMessage?: string | null;
  data?: Record<string, unknown> | null;
  patch?: OrderPatch;
  /** The order's status_reason; by default a change of status sets it from `reason` (holds, cancellations) or clears it. */
  statusReason?: string | null;
  /** Replaces the order's hold reasons; undefined keeps them (and leaving on_hold clears them). */
  holdReasons?: HoldReason[];
  /** Written before the order's guarded update. */
  writes?: BatchItem<"sqlite">[];
  /** Written after it: effects whose failure (a stock CHECK) must read as a refusal, see `refusal`. */
  after?: BatchItem<"sqlite">[];
  refusal?: (err: unknown) => { reason: string; message: string } | null;
  /** Replaces the outbox rows the new status owes (by default: those of ../outbox/topics.ts when the status changes). */
  outbox?: OutboxRow[];
  /** Sent besides the rows the new status owes. */
  extraOutbox?: OutboxRow[];
  /** Another change to run in the same turn once this one is committed (an edit is audited again at once). */
  followUp?: (order: OrderRow) => { stage: string; input: unknown; actor: string };
};

export type NotFound = { ok: false; code: "not_found" };
export type VersionMismatch = { ok: false; code: "version_mismatch"; version: number };
export type Refused = {
  ok: false;
  code: "refused";
  /** Stable problem code: unknown_event, illegal_transition, or a guard's or stage's veto. */
  reason: string;
  message: string;
  status: OrderStatus;
  version: number;
  allowed: OrderEvent[];
  extra?: VetoDetail;
};
export type Invalid = { ok: false; code: "invalid"; errors: FieldError[] };
export type Skipped = { ok: false; code: "skipped"; message: string };
/** A stage's refusal before the kernel fills in the order's status, version and allowed events. */
export type StageRefusal = { ok: false; code: "refused"; reason: string; message: string; extra?: VetoDetail };

export type Plan<R, F = never> = { ok: true; proposal: Proposal; result: R } | NotFound | VersionMismatch | StageRefusal | Invalid | Skipped | F;

export type PlanContext = {
  env: ShardEnv;
  db: Database;
  order: OrderSnapshot;
  actor: string;
  stores: Scope;
  now: number;
  /** The whole order with lines and hold reasons, read once for this change. */
  full(): Promise<FullOrder>;
  /** The answers of the stage's `prefetch` statements, read in the same round trip as `full()`; null without them. */
  prefetched(): Promise<readonly unknown[] | null>;
  /** A refusal that tells the caller the order's status, version and allowed events. */
  refuse(reason: string, message: string): Refused;
};

export type EffectContext = {
  env: ShardEnv;
  db: Database;
  order: OrderSnapshot;
  event: LifecycleEvent;
  from: OrderStatus;
  to: OrderStatus;
  /** The order's version after the change. */
  version: number;
  actor: string;
  reason: string | null;
  now: number;
  /** What the caller said besides the event (e.g. `stock` for fulfil_externally). */
  input: Record<string, unknown>;
  /** The facts the event's guards were decided on (its shipments, for a cancellation). */
  facts: GuardFacts;
};

export type Effects = {
  writes?: BatchItem<"sqlite">[];
  after?: BatchItem<"sqlite">[];
  outbox?: OutboxRow[];
  /** Merged into the order event's data, so the timeline says what the effect did. */
  eventData?: Record<string, unknown>;
  refusal?: (err: unknown) => { reason: string; message: string } | null;
};

/**
 * How a stage reads one kind of guard fact: its query, and the facts from the query's rows. Queries, so an
 * event whose guards need several kinds reads them all in one round trip (src/orders/facts.ts prepares them once
 * per binding).
 */
export type FactLoader<K extends Exclude<FactKind, "review">> = {
  /**
   * The rows by the order's id alone (a placeholder: prepared once), so an object waking reads them in the round
   * trip that reads the order, and a caller in a batch of its own.
   */
  query: (db: Database, orderId: Placeholder) => SQLWrapper & { prepare(): PreparedRead };
  // biome-ignore lint/suspicious/noExplicitAny: the rows are the query's own; each loader reads what its query selects.
  from: (rows: any[]) => NonNullable<GuardFacts[K]>;
  /**
   * One row as a JSON array: in SQL over the query's columns (its rows named `f`), and the same from a row in
   * JavaScript. How a commit checks that rows a caller read are still the order's (src/orders/facts.ts).
   */
  // biome-ignore lint/suspicious/noExplicitAny: as `from`.
  identity: { sql: SQL; of: (row: any) => unknown[] };
};
type PreparedRead = { all(values?: Record<string, unknown>): Promise<unknown>; getQuery(): { sql: string; params: unknown[] } };
export type FactLoaders = { [K in Exclude<FactKind, "review">]?: FactLoader<K> };
/** The kinds of guard fact a stage reads from D1 (review's facts are the snapshot's and the store's rules). */
export type LoadedFact = Exclude<FactKind, "review">;
/** Rows of fact queries, by kind, as read. */
export type FactRows = Partial<Record<LoadedFact, unknown[]>>;

export type OrderStage<I = never, R = unknown, F = never> = {
  plan?(ctx: PlanContext, input: I): Promise<Plan<R, F>>;
  /** The plan always reads the whole order (`ctx.full()`): an object waking for it reads it at once, not the row first. */
  readsWholeOrder?: boolean;
  /**
   * Statements the plan will need whatever the order turns out to hold, when its input says enough to build them
   * (null when it does not): read in the same round trip as the whole order, their answers are `ctx.prefetched()`.
   * The plan checks that what the input described is still the order it read (its version) before trusting them.
   */
  prefetch?(db: Database, input: I, orderId: string): readonly BatchItem<"sqlite">[] | null;
  facts?: FactLoaders;
  effects?: Partial<Record<LifecycleEvent, (ctx: EffectContext) => Promise<Effects> | Effects>>;
};

// biome-ignore lint/suspicious/noExplicitAny: stages differ in input and result; each stage's own caller restores its types.
export type Stages = Record<string, OrderStage<any, any, any>>;

export type TransitionCommand = {
  orderId: string;
  event: string;
  /** Staff side only (timeline, status_reason); never shown to the customer. */
  reason: string | null;
  /** Staff's internal note on the change; never shown to the customer. */
  internalNote?: string | null;
  /** What to tell the customer with this change (hold, reject, cancel): the only staff text that reaches them. */
  customerMessage?: string | null;
  actor: string;
  /** The caller's store scope: an order outside it is reported as not found. */
  stores: Scope;
  /** From If-Match: the version the caller last saw, or null to skip the check. */
  expectedVersion: number | null;
  /** Recorded in the event's data, and given to the effects (e.g. `stock` for fulfil_externally). */
  data?: Record<string, unknown>;
  /** The caller may do the finance check of two-level review. */
  mayDoFinanceCheck?: boolean;
  /** Answer with the whole order row as well (`whole`): for a caller that shows it. */
  wholeOrder?: boolean;
  /**
   * Rows of the stages' fact queries the caller read in a batch of its own (`factRead`, src/orders/facts.ts), so
   * the object need not read them again: it decides on them and its commit checks that they still hold; if they
   * do not, nothing is written and it reads them itself and decides again.
   */
  facts?: FactRows;
};

/**
 * What a change answers of the order by default: the kernel's columns (`SNAPSHOT_COLUMNS` in the object), not the
 * whole row. Most changes come from queues and stages that read nothing more, and the whole row is wide (the sealed
 * contact columns) on every one of an order's changes. A caller that shows the order asks for `wholeOrder`.
 */
export type OrderHead = Pick<
  OrderRow,
  | "id"
  | "storeId"
  | "channel"
  | "status"
  | "version"
  | "requiresShipping"
  | "heldAt"
  | "openAfterSales"
  | "totalAmount"
  | "currency"
  | "paymentStatus"
  | "archivedAt"
  | "deliveredAt"
>;

/** The whole row a change answered with: a caller that asked for it (`wholeOrder: true`) gets it in the same round trip. */
export function wholeOrder(r: { whole?: OrderRow | undefined }): OrderRow {
  if (!r.whole) throw new Error("the change was not asked for the whole order (wholeOrder: true)");
  return r.whole;
}

export type TransitionResult = { ok: true; order: OrderHead; whole?: OrderRow } | NotFound | VersionMismatch | Refused;

export type ChangeCommand = {
  orderId: string;
  /** The stage (by the name `src/index.ts` gave it) that plans the change. */
  stage: string;
  input: unknown;
  actor: string;
  stores: Scope;
  expectedVersion: number | null;
  mayDoFinanceCheck?: boolean;
  /** Answer with the whole order row as well (`whole`), and so does a follow-up change: for a caller that shows it. */
  wholeOrder?: boolean;
};

export type ChangeResult<R = unknown, F = never> =
  | { ok: true; order: OrderHead; whole?: OrderRow; result: R; followUp?: ChangeResult }
  | NotFound
  | VersionMismatch
  | Refused
  | Invalid
  | Skipped
  | F;
