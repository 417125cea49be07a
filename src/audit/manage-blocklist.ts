/** A store's blocklist: customers it refuses, by normalised email, phone or address. */
import { and, asc, eq, gt } from "drizzle-orm";
import { constraintFailed, database } from "../db/client";
import { blocklistEntries } from "../db/schema";
import { blindIndex } from "../lib/pii-crypto";
import type { ShardEnv } from "../env";
import { cursorKey, pageOf } from "../http/pagination";
import { newId } from "../lib/ids";
import { BLOCK_VALUE_FORM, normaliseAddress, normaliseEmail, normalisePhone } from "./normalise";
import type { NewBlockEntryInput } from "./schemas";

export type BlockRow = typeof blocklistEntries.$inferSelect;

export async function listBlocklist(env: ShardEnv, storeId: string, page: { cursor?: string; limit: number }) {
  const after = cursorKey(page.cursor);
  const rows = await database(env)
    .select()
    .from(blocklistEntries)
    .where(and(eq(blocklistEntries.storeId, storeId), after ? gt(blocklistEntries.id, after) : undefined))
    .orderBy(asc(blocklistEntries.id))
    .limit(page.limit + 1)
    .all();
  return pageOf(rows, page.limit, (b) => b.id);
}

/**
 * Values are normalised before they are stored, as the blocklist rule compares them: emails without case or
 * spaces, phones in international form (E.164, read in the given country when written without +), addresses
 * without case, spacing or punctuation.
 */
export async function blockCustomer(
  env: ShardEnv,
  storeId: string,
  opts: { entry: NewBlockEntryInput; actor: string },
): Promise<{ ok: true; row: BlockRow } | { ok: false; code: "already_blocked" }> {
  const b = opts.entry;
  const db = database(env);
  const value = b.kind === "email" ? normaliseEmail(b.email!) : b.kind === "phone" ? normalisePhone(b.phone!, b.country) : normaliseAddress(b.address!);
  const now = Date.now();
  const row: BlockRow = {
    id: newId("blk", now),
    storeId,
    kind: b.kind,
    value,
    // What the audit looks the value up by, and what makes an entry unique: the value itself is sealed at rest.
    valueIndex: blindIndex(b.kind, storeId, value),
    valueForm: BLOCK_VALUE_FORM,
    note: b.note ?? null,
    createdBy: opts.actor,
    createdAt: now,
  };
  try {
    await db.insert(blocklistEntries).values(row);
  } catch (err) {
    if (constraintFailed(err, "blocklist_entries")) return { ok: false, code: "already_blocked" };
    throw err;
  }
  return { ok: true, row };
}

/** The removed entry, or null when the store has no such entry. */
export async function unblockCustomer(env: ShardEnv, storeId: string, entryId: string): Promise<BlockRow | null> {
  const [row] = await database(env)
    .delete(blocklistEntries)
    .where(and(eq(blocklistEntries.storeId, storeId), eq(blocklistEntries.id, entryId)))
    .returning();
  return row ?? null;
}
