/** Idempotency keys of POST requests (src/http/idempotency.ts). */
import { encryptedText } from "../encrypted";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * A POST's first response, replayed for the same key and body. Scoped to the
 * API key, so two clients can never collide on each other's keys.
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    principalId: text("principal_id").notNull(),
    key: text("key").notNull(),
    method: text("method").notNull(),
    path: text("path").notNull(),
    requestHash: text("request_hash").notNull(),
    /** 0 while the first request is still running (routes that claim before they act). */
    status: integer("status").notNull(),
    /** Sealed at rest: an order's first response carries the customer's contact and address. */
    responseBody: encryptedText("response_body").notNull(),
    responseHeaders: text("response_headers", { mode: "json" }).$type<Record<string, string>>().notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.principalId, t.key] }), index("idempotency_created_idx").on(t.createdAt)],
);
