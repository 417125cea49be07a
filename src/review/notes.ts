/**
 * Staff's internal notes on an order. Store-scoped like the order itself;
 * read only by staff (insiders), never by a storefront or partner key and
 * never by the customer: nothing outside src/review reads `order_notes`.
 */
import type { ShardEnv } from "../env";
import { seesStore, type Principal } from "../http/auth";
import { newId } from "../lib/ids";
import { d1 } from "../db/client";

export type NoteRow = { id: string; body: string; author_id: string; created_at: number };

async function visibleStoreOf(env: ShardEnv, p: Principal, orderId: string): Promise<string | null> {
  const row = await d1(env).prepare("SELECT store_id FROM orders WHERE id = ?").bind(orderId).first<{ store_id: string }>();
  return row && seesStore(p, row.store_id) ? row.store_id : null;
}

export async function addNote(env: ShardEnv, p: Principal, orderId: string, body: string, now = Date.now()): Promise<NoteRow | null> {
  const storeId = await visibleStoreOf(env, p, orderId);
  if (!storeId) return null;
  const note = { id: newId("note", now), body, author_id: p.id, created_at: now };
  await d1(env)
    .prepare("INSERT INTO order_notes (id, order_id, store_id, author_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?)")
    .bind(note.id, orderId, storeId, p.id, body, now)
    .run();
  return note;
}

/** Newest first; null when the order is not the caller's to see. An outside integration reads none. */
export async function listNotes(env: ShardEnv, p: Principal, orderId: string): Promise<NoteRow[] | null> {
  if (!(await visibleStoreOf(env, p, orderId))) return null;
  if (!p.insider) return [];
  const { results } = await d1(env)
    .prepare("SELECT id, body, author_id, created_at FROM order_notes WHERE order_id = ? ORDER BY created_at DESC, id DESC LIMIT 500")
    .bind(orderId)
    .all<NoteRow>();
  return results;
}
