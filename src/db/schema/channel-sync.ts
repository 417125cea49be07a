/**
 * Keeping a channel in step with its platform (src/channels): reconciliation
 * runs (each one's window, cursor and report) with each connection's
 * watermark, and what we push back to the platform (fulfillments,
 * cancellations, refunds) with every attempt.
 */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { channelConnections } from "./channels";

/** Per connection: the platform's orders changed before `watermark` have been looked at by a completed scheduled run. */
export const channelSyncState = sqliteTable("channel_sync_state", {
  connectionId: text("connection_id")
    .primaryKey()
    .references(() => channelConnections.id),
  watermark: integer("watermark").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

export const SYNC_RUN_KINDS = ["scheduled", "backfill"] as const;
/** queued: not started; running: worked in steps (a step ran out of its budget or was cut short); waiting: the platform asked us to slow down or was down, until `resume_at`; done; failed: the platform refused (credentials, permissions). */
export const SYNC_RUN_STATUSES = ["queued", "running", "waiting", "done", "failed"] as const;
export type SyncRunError = { at: number; externalId: string | null; message: string };

/** One pull of a connection's changed orders over a window, and its report. Resumable: the cursor is saved after every page. */
export const channelSyncRuns = sqliteTable(
  "channel_sync_runs",
  {
    id: text("id").primaryKey(),
    connectionId: text("connection_id")
      .notNull()
      .references(() => channelConnections.id),
    storeId: text("store_id").notNull(),
    kind: text("kind", { enum: SYNC_RUN_KINDS }).notNull(),
    status: text("status", { enum: SYNC_RUN_STATUSES }).notNull(),
    /** The window of platform `updated_at` times it pulls: [from, until). */
    windowFrom: integer("window_from").notNull(),
    windowUntil: integer("window_until").notNull(),
    /** Where the next page starts (the adapter's opaque cursor); null: at the window's start, or done. */
    cursor: text("cursor"),
    resumeAt: integer("resume_at"),
    /** A worker holds the run until then: a cron tick and a queue delivery never work it at once. */
    leaseUntil: integer("lease_until"),
    pages: integer("pages").notNull().default(0),
    seen: integer("seen").notNull().default(0),
    created: integer("created").notNull().default(0),
    updated: integer("updated").notNull().default(0),
    unchanged: integer("unchanged").notNull().default(0),
    skipped: integer("skipped").notNull().default(0),
    errors: integer("errors").notNull().default(0),
    /** The first errors, for the report (orders that failed to take in; the platform's answers). */
    errorLog: text("error_log", { mode: "json" }).$type<SyncRunError[]>().notNull().default([]),
    requestedBy: text("requested_by"),
    createdAt: integer("created_at").notNull(),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("channel_sync_runs_connection_idx").on(t.connectionId, t.id), index("channel_sync_runs_open_idx").on(t.status, t.resumeAt)],
);

export const PUSH_KINDS = ["fulfillment", "cancellation", "refund"] as const;
export type PushKind = (typeof PUSH_KINDS)[number];
/** pending: to send; sending: a worker holds it; retrying: rate-limited or the platform was down, until `next_attempt_at`; sent; refused: the platform said no (4xx), stops and shows; failed: gave up after the last retry. */
export const PUSH_STATUSES = ["pending", "sending", "retrying", "sent", "refused", "failed"] as const;

/** One thing we tell a platform, once: unique per connection, kind and our reference (a shipment, the order, an after-sales request). */
export const channelPushes = sqliteTable(
  "channel_pushes",
  {
    id: text("id").primaryKey(),
    connectionId: text("connection_id")
      .notNull()
      .references(() => channelConnections.id),
    storeId: text("store_id").notNull(),
    orderId: text("order_id").notNull(),
    /** The platform's order id. */
    externalId: text("external_id").notNull(),
    kind: text("kind", { enum: PUSH_KINDS }).notNull(),
    /** Our reference: the shipment id (fulfillment), the order id (cancellation), the after-sales request id (refund). */
    ref: text("ref").notNull(),
    /** What to send, in the adapter's terms (FulfillmentPush, the cancel's reason, RefundPush). */
    payload: text("payload", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: PUSH_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at"),
    leaseUntil: integer("lease_until"),
    /** The platform's id of what it made (a fulfillment, a refund). */
    platformRef: text("platform_ref"),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    sentAt: integer("sent_at"),
  },
  (t) => [
    uniqueIndex("channel_pushes_ref_uq").on(t.connectionId, t.kind, t.ref),
    index("channel_pushes_connection_idx").on(t.connectionId, t.id),
    index("channel_pushes_due_idx").on(t.status, t.nextAttemptAt),
  ],
);

export const PUSH_OUTCOMES = ["sent", "rate_limited", "unavailable", "refused", "error"] as const;

/** Every attempt of a push: when, how it went, the platform's HTTP status and a short message. */
export const channelPushAttempts = sqliteTable(
  "channel_push_attempts",
  {
    pushId: text("push_id")
      .notNull()
      .references(() => channelPushes.id),
    attempt: integer("attempt").notNull(),
    at: integer("at").notNull(),
    outcome: text("outcome", { enum: PUSH_OUTCOMES }).notNull(),
    httpStatus: integer("http_status"),
    message: text("message"),
  },
  (t) => [primaryKey({ columns: [t.pushId, t.attempt] })],
);
