/**
 * Queue consumers. Queues deliver at least once and in any order, so every
 * consumer dedupes on the outbox id: the receipt row (consumer, message id)
 * is written in the same D1 batch as the handler's own writes and the
 * outbox row's `delivered_at`. A second delivery finds the receipt and is
 * acknowledged without effect; two deliveries at once race on the receipt's
 * primary key and exactly one batch commits.
 *
 * Handlers come from one table (`QUEUE_HANDLERS` in src/index.ts), keyed
 * "consumer:type", listing what each stage does with each message. A
 * message nobody handles yet is still receipted, so the outbox shows it was
 * delivered.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { chunk, constraintFailed, database, directory, nonEmpty, poolMoving, rowsPerInsert, type Database } from "../db/client";
import { forgetHomes, movedAwayTo, shardNamed, shardOf } from "../db/homes";
import { consumedMessages, deadLetters, outbox } from "../db/schema";
import { onShard, type Shard, SHARD_ZERO } from "../db/shard";
import type { Env, OutboxMessage, ShardEnv } from "../env";
import { newId, tagOf } from "../lib/ids";
import { sendOutboxSoon } from "./send";
import type { OutboxRow } from "./topics";

/** The queue consumers, and `dead_letters`: what is done about a message that used up its retries (when anything is). */
export type Consumer = "fulfilment" | "notifications" | "webhooks" | "logistics" | "channels" | "dead_letters";

/**
 * A row for the queue batch's multi-row inserts: the rows of one table (and
 * conflict rule) from every message of the batch share statements, so a
 * hundred notifications commit as a few statements, not a hundred. They are
 * written after the batch's other statements: only for rows that no other
 * write of the batch depends on.
 */
export type RowWrite = { kind: "row"; table: SQLiteTable; row: Record<string, unknown>; onConflictDoNothing: boolean };
export type Write = BatchItem<"sqlite"> | RowWrite;

export function insertRow<T extends SQLiteTable>(table: T, row: T["$inferInsert"], options: { onConflictDoNothing?: boolean } = {}): RowWrite {
  return { kind: "row", table, row, onConflictDoNothing: options.onConflictDoNothing ?? false };
}

const isRowWrite = (w: Write): w is RowWrite => (w as { kind?: unknown }).kind === "row";

/** An outbox row a handler writes (a next step it sets off): committed with the receipt, then sent at once, not left to the sweep. */
export function outboxWrite(row: OutboxRow): RowWrite {
  return insertRow(outbox, row);
}

/** The outbox rows among these writes, to send once they are committed. */
const outboxRowsOf = (writes: readonly Write[]): OutboxRow[] => writes.filter((w): w is RowWrite => isRowWrite(w) && w.table === outbox).map((w) => w.row as OutboxRow);

/** Best effort, like every send: a row not sent now stays owed and the sweep sends it. */
async function sendCommitted(env: ShardEnv, writes: readonly Write[]): Promise<void> {
  const rows = outboxRowsOf(writes);
  if (rows.length) await sendOutboxSoon(env, rows).catch((err) => console.warn("outbox rows of a consumer not sent; the sweep resends them", err));
}

/** The statements of these writes: each statement as it is, then the rows as multi-row inserts per table. */
function statementsOf(db: Database, writes: readonly Write[]): BatchItem<"sqlite">[] {
  const statements: BatchItem<"sqlite">[] = [];
  const rows = new Map<SQLiteTable, Map<boolean, Record<string, unknown>[]>>();
  for (const w of writes) {
    if (!isRowWrite(w)) {
      statements.push(w);
      continue;
    }
    const byRule = rows.get(w.table) ?? new Map<boolean, Record<string, unknown>[]>();
    rows.set(w.table, byRule);
    const list = byRule.get(w.onConflictDoNothing) ?? [];
    byRule.set(w.onConflictDoNothing, list);
    list.push(w.row);
  }
  for (const [table, byRule] of rows) {
    const perStatement = rowsPerInsert(table);
    for (const [ignoreConflicts, list] of byRule) {
      for (const part of chunk(list, perStatement)) {
        const insert = db.insert(table).values(part as never);
        statements.push(ignoreConflicts ? insert.onConflictDoNothing() : insert);
      }
    }
  }
  return statements;
}

/** A handler does its (idempotent) work and returns D1 writes to commit with the receipt. */
export type Handler = (env: ShardEnv, message: OutboxMessage, batch: BatchContext) => Promise<Write[]>;

/**
 * The queue batch a message came in. `once` runs a load a single time for the
 * whole batch (the first handler to ask starts it, the others await it), so a
 * handler can read for every message of the batch in one round trip.
 */
export type BatchContext = {
  messages: readonly OutboxMessage[];
  once<T>(key: string, load: () => Promise<T>): Promise<T>;
};

function batchContext(messages: readonly OutboxMessage[]): BatchContext {
  const loads = new Map<string, Promise<unknown>>();
  return {
    messages,
    once<T>(key: string, load: () => Promise<T>): Promise<T> {
      let p = loads.get(key) as Promise<T> | undefined;
      if (!p) loads.set(key, (p = load()));
      return p;
    },
  };
}

/** What each consumer does with each message type: `"fulfilment:order.approved": allocateApproved`. */
export type HandlerTable = Readonly<Record<`${Consumer}:${string}`, Handler>>;

const QUEUE_CONSUMER: Record<string, Consumer> = {
  "oms-fulfilment": "fulfilment",
  "oms-notifications": "notifications",
  "oms-webhooks": "webhooks",
  "oms-logistics": "logistics",
  "oms-channels": "channels",
};

export const DEAD_LETTER_QUEUE = "oms-dead-letters";

/** Backoff for a failed message: 10s, 20s, 40s... capped at 10 minutes. */
export const retryDelaySeconds = (attempts: number) => Math.min(600, 10 * 2 ** Math.max(0, attempts - 1));

/** Which of these messages this consumer has receipted already: one read for a whole queue batch. */
async function consumedAlready(db: Database, consumer: Consumer, ids: readonly string[]): Promise<Set<string>> {
  const parts = chunk([...ids], 90); // D1 binds at most 100 parameters a statement; a queue batch can hold 100 messages
  if (!parts.length) return new Set();
  const found = await db.batch(
    nonEmpty(
      parts.map((part) =>
        db
          .select({ id: consumedMessages.messageId })
          .from(consumedMessages)
          .where(and(eq(consumedMessages.consumer, consumer), inArray(consumedMessages.messageId, part))),
      ),
    ),
  );
  return new Set(found.flat().map((r) => r.id));
}

/** The receipt, the outbox row's delivery mark, then the handler's own writes: what one message commits. */
function receiptWrites(db: Database, consumer: Consumer, message: OutboxMessage, writes: Write[], now: number): BatchItem<"sqlite">[] {
  return [
    db.insert(consumedMessages).values({ consumer, messageId: message.id, type: message.type, orderId: message.order_id, consumedAt: now }),
    db.update(outbox).set({ deliveredAt: now }).where(eq(outbox.id, message.id)),
    ...statementsOf(db, writes),
  ];
}

/**
 * What a whole queue batch commits: the receipts as multi-row inserts, one
 * delivery mark per 90 outbox rows, then every handler's writes. Per-message
 * statements would be 2 per message; on D1's single writer the statement
 * count is what a big batch pays for.
 */
function batchWrites(db: Database, consumer: Consumer, ready: { message: OutboxMessage; writes: Write[] }[], now: number) {
  const receipts = ready.map(({ message: m }) => ({ consumer, messageId: m.id, type: m.type, orderId: m.order_id, consumedAt: now }));
  return nonEmpty<BatchItem<"sqlite">>([
    // 5 columns a receipt: 19 rows keep a statement under D1's 100 bound parameters.
    ...chunk(receipts, 19).map((part) => db.insert(consumedMessages).values(part)),
    ...chunk(
      receipts.map((r) => r.messageId),
      90,
    ).map((ids) => db.update(outbox).set({ deliveredAt: now }).where(inArray(outbox.id, ids))),
    ...statementsOf(
      db,
      ready.flatMap((h) => h.writes),
    ),
  ]);
}

async function commitOne(env: ShardEnv, consumer: Consumer, message: OutboxMessage, writes: Write[]): Promise<"done" | "duplicate"> {
  const db = database(env);
  try {
    await db.batch(nonEmpty(receiptWrites(db, consumer, message, writes, Date.now())));
  } catch (err) {
    if (constraintFailed(err, "consumed_messages")) return "duplicate";
    throw err;
  }
  await sendCommitted(env, writes);
  return "done";
}

const handle = (handlers: HandlerTable, env: ShardEnv, consumer: Consumer, message: OutboxMessage, batch: BatchContext) =>
  handlers[`${consumer}:${message.type}`]?.(env, message, batch) ?? Promise.resolve([]);

/** Handles one message; resolves to "done" or "duplicate", throws to ask for a retry. */
export async function consumeMessage(env: ShardEnv, consumer: Consumer, message: OutboxMessage, handlers: HandlerTable): Promise<"done" | "duplicate"> {
  const db = database(env);
  if ((await consumedAlready(db, consumer, [message.id])).size) return "duplicate";
  return commitOne(env, consumer, message, await handle(handlers, env, consumer, message, batchContext([message])));
}

/**
 * Handles a queue batch. Receipts are looked up with one read, handlers run
 * side by side, and every handled message's receipt and writes commit in one
 * D1 batch: one write transaction for the whole queue batch instead of one
 * per message, which is what keeps the consumers from crowding out intake on
 * D1's single writer. If that shared commit fails (a concurrent redelivery's
 * receipt, one handler's constraint), each message commits on its own, so
 * one bad message never holds back the others.
 */
export async function consumeMessages(
  env: ShardEnv,
  consumer: Consumer,
  messages: readonly OutboxMessage[],
  handlers: HandlerTable,
): Promise<("done" | "duplicate" | { error: unknown })[]> {
  const db = database(env);
  const seen = await consumedAlready(db, consumer, [...new Set(messages.map((m) => m.id))]);
  const firstOfId = new Set<string>();
  const context = batchContext(messages.filter((m) => !seen.has(m.id)));
  type Handled = "duplicate" | { error: unknown } | { message: OutboxMessage; writes: Write[] };
  const isReady = (h: Handled): h is { message: OutboxMessage; writes: Write[] } => typeof h === "object" && "message" in h;
  const handled = await Promise.all(
    messages.map(async (m): Promise<Handled> => {
      // Already receipted, or the same message twice in one batch: a duplicate.
      if (seen.has(m.id) || firstOfId.has(m.id)) return "duplicate";
      firstOfId.add(m.id);
      try {
        return { message: m, writes: await handle(handlers, env, consumer, m, context) };
      } catch (error) {
        return { error };
      }
    }),
  );
  const ready = handled.filter(isReady);
  if (ready.length > 1) {
    try {
      await db.batch(batchWrites(db, consumer, ready, Date.now()));
      await sendCommitted(
        env,
        ready.flatMap((h) => h.writes),
      );
      return handled.map((h) => (isReady(h) ? "done" : h));
    } catch {
      // Fall through: commit each alone to find out which one failed.
    }
  }
  return Promise.all(
    handled.map(async (h) => {
      if (!isReady(h)) return h;
      try {
        return await commitOne(env, consumer, h.message, h.writes);
      } catch (error) {
        return { error };
      }
    }),
  );
}

/**
 * Where a message is handled: on its order's shard (found from the order id, which follows the order through a
 * move), else on the shard whose outbox sent it, else (sent before shards) on shard 0. Null: a shard this Worker does
 * not reach.
 */
function shardFor(env: Env, m: OutboxMessage): Promise<Shard | null> | Shard {
  if (m.order_id) return shardOf(env, { id: m.order_id });
  return m.shard ? shardNamed(env, m.shard) : SHARD_ZERO;
}

/** Each message's answer, at its place in the batch. */
type Results = Awaited<ReturnType<typeof consumeMessages>>;

/**
 * `consumeMessages` on each message's shard (`shardFor`): handled, receipted and committed there, one commit per
 * shard the batch touches.
 */
async function consumeOnShards(env: Env, consumer: Consumer, messages: readonly OutboxMessage[], handlers: HandlerTable) {
  const shards = await Promise.all(messages.map((m) => shardFor(env, m)));
  const groups: ShardGroups = new Map();
  const results: Results = [];
  shards.forEach((shard, i) => {
    // Failed, so retried and in the end kept as a dead letter: handling it on another shard would write it there.
    if (!shard) {
      results[i] = { error: new Error(`message ${messages[i]!.id} names shard ${messages[i]!.shard}, which this Worker does not reach`) };
      return;
    }
    addToGroup(groups, shard, i);
  });
  await Promise.all([...groups.values()].map(({ shard, indexes }) => consumeAt(env, shard, consumer, messages, indexes, handlers, results)));
  await forwardMoved(env, consumer, messages, shards, results, handlers);
  return results;
}

/** The messages of a batch (by their index) that go to each shard. */
type ShardGroups = Map<string, { shard: Shard; indexes: number[] }>;

function addToGroup(groups: ShardGroups, shard: Shard, i: number): void {
  const group = groups.get(shard.id);
  if (group) group.indexes.push(i);
  else groups.set(shard.id, { shard, indexes: [i] });
}

/** `consumeMessages` on `shard` for the messages at `indexes`, each answer put in `results` at its message's place. */
async function consumeAt(
  env: Env,
  shard: Shard,
  consumer: Consumer,
  messages: readonly OutboxMessage[],
  indexes: readonly number[],
  handlers: HandlerTable,
  results: Results,
): Promise<void> {
  const done = await consumeMessages(
    onShard(env, shard),
    consumer,
    indexes.map((i) => messages[i]!),
    handlers,
  );
  for (const [k, i] of indexes.entries()) results[i] = done[k]!;
}

/**
 * A message about no order goes to the shard whose outbox sent it. If its store's pool has moved away since
 * (src/pools/move-pool.ts), that shard's guards refused it: it is handled where its owner is now, found from what the
 * payload names (`ownerShard`: a store, a warehouse, or an id with a tag, such as a purchase order's or a
 * transfer's), else where the pools that left that shard went, when they all went to one place. Otherwise it is
 * retried and, at worst, kept as a dead letter for an operator.
 */
async function forwardMoved(
  env: Env,
  consumer: Consumer,
  messages: readonly OutboxMessage[],
  shards: readonly (Shard | null)[],
  results: Results,
  handlers: HandlerTable,
): Promise<void> {
  // Any refusal: the routes this isolate cached may name a pool's old shard, so their retries ask the directory again.
  if (!results.some((r) => typeof r === "object" && poolMoving(r.error))) return;
  forgetHomes();
  const refused = results.flatMap((r, i) => (typeof r === "object" && !messages[i]!.order_id && poolMoving(r.error) && shards[i] ? [i] : []));
  const byTarget: ShardGroups = new Map();
  const away = new Map<string, Shard | null>();
  for (const i of refused) {
    const from = shards[i]!.id;
    let to = await ownerShard(env, messages[i]!);
    if (!to || to.id === from) {
      if (!away.has(from)) away.set(from, await movedAwayTo(env, from));
      to = away.get(from) ?? null;
    }
    if (!to || to.id === from) continue;
    addToGroup(byTarget, to, i);
  }
  for (const { shard, indexes } of byTarget.values()) await consumeAt(env, shard, consumer, messages, indexes, handlers, results);
}

/** The shard of what a message's payload names: its `store_id`, else its `warehouse_id`, else the first id with a tag. */
async function ownerShard(env: Env, m: OutboxMessage): Promise<Shard | null> {
  const payload = m.payload ?? {};
  const named = (key: string) => (typeof payload[key] === "string" ? (payload[key] as string) : null);
  const store = named("store_id");
  if (store) return shardOf(env, { store });
  const warehouse = named("warehouse_id");
  if (warehouse) return shardOf(env, { warehouse });
  const tagged = Object.values(payload).find((v): v is string => typeof v === "string" && tagOf(v) !== null);
  return tagged ? shardOf(env, { id: tagged }) : null;
}

export async function consumeBatch(batch: MessageBatch<OutboxMessage>, env: Env, handlers: HandlerTable): Promise<void> {
  // Dead letters are kept on the directory; a handler that settles one (a purchase order to send by hand) runs on
  // the message's shard.
  if (batch.queue === DEAD_LETTER_QUEUE) return keepDeadLetters(batch, env, handlers);
  const consumer = QUEUE_CONSUMER[batch.queue];
  if (!consumer) {
    console.error(`no consumer for queue ${batch.queue}`);
    batch.retryAll();
    return;
  }
  const results = await consumeOnShards(
    env,
    consumer,
    batch.messages.map((m) => m.body),
    handlers,
  );
  batch.messages.forEach((m, i) => {
    const r = results[i]!;
    if (typeof r === "object") {
      console.warn(`${consumer} failed on ${m.body.type} ${m.body.id} (attempt ${m.attempts})`, r.error);
      m.retry({ delaySeconds: retryDelaySeconds(m.attempts) });
    } else {
      m.ack();
    }
  });
}

/**
 * Messages that used up their retries are kept for an operator. The outbox row stays owed (the sweep sends it
 * again later), unless a `dead_letters:<type>` handler settles it: a purchase order its supplier's webhook keeps
 * refusing is marked to send by hand, so the buyer is told and the sweep stops trying.
 */
async function keepDeadLetters(batch: MessageBatch<OutboxMessage>, env: Env, handlers: HandlerTable): Promise<void> {
  // The operator's one list, whatever the message's shard: on the directory.
  const db = directory(env);
  const now = Date.now();
  const rows = batch.messages.map((m) => ({
    id: newId("dlq", now),
    queue: batch.queue,
    messageId: (m.body as Partial<OutboxMessage>)?.id ?? null,
    body: m.body,
    receivedAt: now,
  }));
  for (const row of rows) await db.insert(deadLetters).values(row).onConflictDoNothing();
  for (const m of batch.messages) {
    if (!handlers[`dead_letters:${m.body?.type}`]) continue;
    try {
      const shard = await shardFor(env, m.body);
      if (!shard) throw new Error(`it names shard ${m.body.shard}, which this Worker does not reach`);
      const onIt = onShard(env, shard);
      await commitOne(onIt, "dead_letters", m.body, await handle(handlers, onIt, "dead_letters", m.body, batchContext([m.body])));
    } catch (err) {
      console.error(`dead letter ${m.body.id} (${m.body.type}): its handler failed; kept for an operator`, err);
    }
  }
  batch.ackAll();
}
