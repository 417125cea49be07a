/**
 * Intake: a new order is written in one D1 batch (the order, its lines, the
 * `received` event, the outbox row that starts the audit, the idempotency
 * record, and the ledger's capture of an order that arrives paid), then the
 * outbox row is handed to the queue. The
 * storefront's request ends there; the order's Durable Object comes to life
 * at its first transition.
 */
import { and, eq } from "drizzle-orm";
import { chunk, constraintFailed, database, d1 } from "../db/client";
import { contactIndexes } from "../db/contact-index";
import { orderKeys } from "../db/order-keys";
import { storeTag } from "../db/homes";
import { insertRows } from "../db/insert-rows";
import { idempotencyKeys, ledgerEntries, orderEvents, orderLines, orders, outbox } from "../db/schema";
import type { ShardEnv } from "../env";
import { type LedgerDraft, paymentEntries } from "../finance/ledger-rules";
import { ledgerRow } from "../finance/ledger-writes";
import type { FieldError } from "../http/problem";
import { isKeyConflict } from "../http/idempotency";
import { lookupSkus } from "../products/catalogue";
import { outboxRowsFor, type OutboxRow } from "../outbox/topics";
import { buildOrder } from "./build-order";
import type { CreateOrderInput } from "./schemas";
import type { ContactScope } from "./project-order";
import { etag, orderWithLines } from "./serialize";

export type IdempotencyContext = { principalId: string; key: string; requestHash: string; method: string; path: string };

export type CreateOrderResult =
  | {
      ok: true;
      body: ReturnType<typeof orderWithLines>;
      headers: Record<string, string>;
      outbox: OutboxRow[];
      /** The capture booked when the order arrived paid (a channel's intake books the platform's fee on it). */
      capture: LedgerDraft | null;
    }
  | { ok: false; code: "invalid"; errors: FieldError[] }
  | { ok: false; code: "unknown_store" }
  | { ok: false; code: "duplicate_external_id"; orderId: string | null }
  | { ok: false; code: "idempotency_conflict" };

// 8 columns a line: 12 lines keep a statement under D1's 100 bound parameters.
const LINES_PER_INSERT = 12;

export async function createOrder(
  env: ShardEnv,
  input: CreateOrderInput,
  opts: { actor: string; idempotency: IdempotencyContext | null; scope: ContactScope },
): Promise<CreateOrderResult> {
  const { actor, idempotency } = opts;
  const now = Date.now();
  const [catalogue, tag] = await Promise.all([
    lookupSkus(
      env,
      input.store_id,
      input.lines.map((l) => l.sku),
    ),
    storeTag(env, input.store_id),
  ]);
  const built = buildOrder(input, { catalogue, actor, now, tag });
  if (!built.ok) return { ok: false, code: "invalid", errors: built.errors };
  const { order, lines, event } = built.value;
  const db = database(env);
  Object.assign(order, contactIndexes({ storeId: order.storeId, email: order.customerEmail, phone: order.customerPhone, country: order.shippingAddress.country }));

  const body = orderWithLines(order, lines, opts.scope);
  const headers = { location: `/v1/orders/${order.id}`, etag: etag(order.version) };
  // The audit's keys ride along, so the order's object reads the audit's facts in the round trip that reads the order.
  const rows = outboxRowsFor(order.id, "received", now, { store_id: order.storeId, channel: order.channel, audit_keys: orderKeys({ order, lines }, order) });
  // An order that arrives paid (or authorised) is booked as a payment report of its total would book it, under
  // the same key: a report of the same payment later adds nothing.
  const entries = paymentEntries({
    orderId: order.id,
    status: order.paymentStatus,
    amount: null,
    fee: null,
    reference: null,
    orderTotal: order.totalAmount,
    currency: order.currency,
  }).map((e) => ({ ...e, source: "intake" }));

  try {
    // Straight on D1 (see db/insert-rows.ts): intake is the hottest write path.
    await d1(env).batch([
      // First, so a repeated key fails the batch before anything else is attempted.
      ...(idempotency
        ? [insertRows(d1(env), idempotencyKeys, [{ ...idempotency, status: 201, responseBody: JSON.stringify(body), responseHeaders: headers, createdAt: now }])]
        : []),
      insertRows(d1(env), orders, [order]),
      ...chunk(lines, LINES_PER_INSERT).map((part) => insertRows(d1(env), orderLines, part)),
      insertRows(d1(env), orderEvents, [event]),
      insertRows(d1(env), outbox, rows),
      ...(entries.length
        ? [
            insertRows(
              d1(env),
              ledgerEntries,
              entries.map((e) => ledgerRow(e, { storeId: order.storeId, orderId: order.id, actor, now })),
            ),
          ]
        : []),
    ]);
  } catch (err) {
    if (idempotency && isKeyConflict(err)) return { ok: false, code: "idempotency_conflict" };
    if (constraintFailed(err, "orders.store_id, orders.external_id")) {
      const existing = await db
        .select({ id: orders.id })
        .from(orders)
        .where(and(eq(orders.storeId, order.storeId), eq(orders.externalId, order.externalId!)))
        .get();
      return { ok: false, code: "duplicate_external_id", orderId: existing?.id ?? null };
    }
    if (constraintFailed(err, "FOREIGN KEY")) return { ok: false, code: "unknown_store" };
    throw err;
  }
  return { ok: true, body, headers, outbox: rows, capture: entries.find((e) => e.kind === "captured") ?? null };
}
