/**
 * Stores a verified platform delivery and owes its working, in one D1
 * batch: the outbox row first, written only if the (connection, delivery
 * id) is new, then the inbox row with ON CONFLICT DO NOTHING. D1 runs
 * batches one at a time, so of a platform's retries of the same delivery
 * (even three at once) exactly one is stored and worked.
 */
import { sql } from "drizzle-orm";
import { database } from "../db/client";
import { channelInbox, outbox } from "../db/schema";
import type { ShardEnv } from "../env";
import { toBase64 } from "../logistics/webhooks/signatures";
import { decodeUtf8 } from "../http/body";
import { newId } from "../lib/ids";
import type { OutboxRow } from "../outbox/topics";
import type { ConnectionRow } from "./connections";
import type { Delivery } from "./platforms/platform";

export const DELIVERY_RECEIVED = "delivery.received";

/** Headers kept with a delivery: what an adapter reads to describe it again. Credentials and cookies are not. */
export function keptHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of headers) if (k !== "authorization" && k !== "cookie" && v.length <= 1000) out[k] = v;
  return out;
}

export const bodyText = (bytes: Uint8Array) => decodeUtf8(bytes) ?? `base64:${toBase64(bytes)}`;
export const bodyBytes = (text: string) => (text.startsWith("base64:") ? Uint8Array.from(atob(text.slice(7)), (c) => c.charCodeAt(0)) : new TextEncoder().encode(text));

export type Received = { duplicate: true } | { duplicate: false; id: string; outbox: OutboxRow | null };

export async function receiveDelivery(
  env: ShardEnv,
  spec: { connection: ConnectionRow; delivery: Exclude<Delivery, { kind: "ping" }>; deliveryId: string; headers: Headers; body: Uint8Array; now?: number },
): Promise<Received> {
  const { connection, delivery: d, deliveryId, now = Date.now() } = spec;
  const db = database(env);
  const id = newId("chi", now);
  const works = d.kind === "order";
  const row: OutboxRow | null = works ? { id: newId("obx", now), orderId: null, topic: "channels", type: DELIVERY_RECEIVED, payload: { inbox_id: id }, createdAt: now } : null;
  const inbox = db
    .insert(channelInbox)
    .values({
      id,
      connectionId: connection.id,
      storeId: connection.storeId,
      deliveryId,
      topic: d.kind === "unreadable" ? "" : d.topic,
      kind: d.kind,
      externalId: d.kind === "order" ? d.externalId : null,
      headers: keptHeaders(spec.headers),
      body: bodyText(spec.body),
      status: works ? "pending" : "done",
      outcome: works ? null : d.kind,
      detail: d.kind === "unreadable" ? d.message : null,
      receivedAt: now,
      processedAt: works ? null : now,
    })
    .onConflictDoNothing()
    .returning({ id: channelInbox.id });
  if (!row) {
    const [inserted] = await db.batch([inbox]);
    return inserted.length ? { duplicate: false, id, outbox: null } : { duplicate: true };
  }
  const [, inserted] = await db.batch([
    db.insert(outbox).select(
      sql`SELECT ${row.id}, NULL, ${row.topic}, ${row.type}, ${JSON.stringify(row.payload)}, ${now}, 0, NULL, NULL
          WHERE NOT EXISTS (SELECT 1 FROM ${channelInbox} WHERE ${channelInbox.connectionId} = ${connection.id} AND ${channelInbox.deliveryId} = ${deliveryId})`,
    ),
    inbox,
  ]);
  return inserted.length ? { duplicate: false, id, outbox: row } : { duplicate: true };
}
