/**
 * Imports a payout or settlement file, streamed: the body is read chunk by
 * chunk, each chunk's rows are parsed and written as multi-row inserts (one
 * bound parameter each, through json_each, so D1's 100-parameter and 100 KB
 * statement limits hold however long the file), and the file's SHA-256 is
 * computed on the way. Memory holds one chunk and one batch of statements,
 * never the file.
 *
 * Then, in order:
 * 1. the settlement claims its file: the unique (store, sha256) lets one
 *    import of a file win; a second (later, or at the same moment) drops
 *    what it wrote and answers with the first;
 * 2. matching, missing captures and the providers' fees run as one batch
 *    (./match-settlement.ts).
 * A file with a bad row writes nothing: the lines written so far are
 * deleted with the settlement, and the answer names the rows.
 *
 * An import that dies midway (the Worker evicted, a deploy, a D1 error) is
 * not a dead end. Once the file is claimed every line is stored (the claim
 * comes after the last one), so a claimed settlement still `importing` after
 * IMPORT_LEASE_MS is resumed by posting the same file again: its matching
 * runs (it is idempotent, so two resumers at once, or a resumer racing the
 * original, judge it once). Within the lease the first import is taken to be
 * still running and is answered as it stands. An import that died before its
 * claim is invisible (no file hash) and blocks nothing; the next import of
 * the store deletes such leftovers once they are older than the lease.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { and, eq, inArray, isNull, lt } from "drizzle-orm";
import { constraintFailed, database, d1 as binding } from "../db/client";
import { settlementLines, settlements, type SettlementFormat } from "../db/schema";
import type { ShardEnv } from "../env";
import { newId } from "../lib/ids";
import { matchSettlement } from "./match-settlement";
import { CsvRecords, columnsOf, type Columns, lineOf, type SettlementLine } from "./settlement-csv";
import { storeTag } from "../db/homes";

export const MAX_SETTLEMENT_BYTES = 64 * 1024 * 1024;
/**
 * How long an import may stay `importing` before another post of its file
 * takes it over. The 100,000-line bench file imports and reconciles in about
 * 5 s (docs/finance.md, Measured); two minutes leaves a wide margin for a
 * 64 MiB file on a slow day while never leaving finance stuck for long.
 */
export const IMPORT_LEASE_MS = 2 * 60 * 1000;
const ROWS_PER_STATEMENT = 400;
const STATEMENTS_PER_BATCH = 20;
const MAX_ERRORS = 20;

export type RowError = { line: number; message: string };
export type ImportResult = { ok: true; settlementId: string; created: boolean } | { ok: false; code: "invalid"; errors: RowError[] } | { ok: false; code: "too_large" };

const LINE_COLUMNS = ["settlement_id", "line_no", "kind", "type", "transaction_id", "reference", "amount", "fee", "currency", "occurred_at", "status"] as const;

function insertLines(d1: D1Database, settlementId: string, lines: readonly SettlementLine[]): D1PreparedStatement {
  const rows = lines.map((l) => [l.lineNo, l.kind, l.type, l.transactionId, l.reference, l.amount, l.fee, l.currency, l.occurredAt]);
  return d1
    .prepare(
      `INSERT INTO settlement_lines (${LINE_COLUMNS.join(", ")})
       SELECT ?1, value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8, 'pending' FROM json_each(?2)`,
    )
    .bind(settlementId, JSON.stringify(rows));
}

export async function importSettlement(
  env: ShardEnv,
  opts: { storeId: string; format: SettlementFormat; body: ReadableStream<Uint8Array> | null; actor: string },
): Promise<ImportResult> {
  const db = database(env);
  const d1 = binding(env);
  const now = Date.now();
  const id = newId("stl", now, await storeTag(env, opts.storeId));
  // Leftovers of imports that died before claiming their file (no hash): nobody can see or resume them.
  const stale = and(eq(settlements.storeId, opts.storeId), eq(settlements.status, "importing"), isNull(settlements.fileSha256), lt(settlements.createdAt, now - IMPORT_LEASE_MS));
  await db.batch([
    db.delete(settlementLines).where(inArray(settlementLines.settlementId, db.select({ id: settlements.id }).from(settlements).where(stale))),
    db.delete(settlements).where(stale),
    db.insert(settlements).values({ id, storeId: opts.storeId, format: opts.format, status: "importing", fileSha256: null, lineCount: 0, importedBy: opts.actor, createdAt: now }),
  ]);

  const hash = sha256.create();
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  const records = new CsvRecords();
  const errors: RowError[] = [];
  let columns: Columns | null = null;
  let lineNo = 0;
  let bytes = 0;
  let rows: SettlementLine[] = [];
  let pending: D1PreparedStatement[] = [];
  let start: number | null = null;
  let end: number | null = null;

  const flushRows = () => {
    if (rows.length) pending.push(insertLines(d1, id, rows));
    rows = [];
  };
  const flushStatements = async () => {
    if (pending.length && !errors.length) await d1.batch(pending);
    pending = [];
  };
  const take = async (batch: string[][]) => {
    for (const record of batch) {
      if (!columns) {
        const c = columnsOf(opts.format, record);
        if (!c.ok) {
          errors.push({ line: 0, message: `the header lacks ${c.missing.map((m) => `"${m}"`).join(", ")} (is this a ${opts.format} file?)` });
          return;
        }
        columns = c.columns;
        continue;
      }
      lineNo++;
      const r = lineOf(columns, record, lineNo);
      if (!r.ok) {
        if (errors.length < MAX_ERRORS) errors.push({ line: lineNo, message: r.message });
        continue;
      }
      if (r.line.kind === "captured" && r.line.occurredAt !== null) {
        start = start === null ? r.line.occurredAt : Math.min(start, r.line.occurredAt);
        const until = r.line.occurredAt + r.line.occurredSpan - 1;
        end = end === null ? until : Math.max(end, until);
      }
      if (errors.length) continue;
      rows.push(r.line);
      if (rows.length >= ROWS_PER_STATEMENT) flushRows();
    }
    if (pending.length >= STATEMENTS_PER_BATCH) await flushStatements();
  };

  let tooLarge = false;
  try {
    if (opts.body) {
      const reader = opts.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
        if (bytes > MAX_SETTLEMENT_BYTES) {
          tooLarge = true;
          reader.cancel().catch(() => {});
          break;
        }
        hash.update(value);
        await take(records.push(decoder.decode(value, { stream: true })));
        if (errors.length && !columns) break;
      }
    }
    if (!tooLarge) {
      await take(records.push(decoder.decode()));
      await take(records.end());
      flushRows();
      await flushStatements();
    }
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    // TextDecoder's fatal mode: the bytes are not UTF-8.
    errors.push({ line: lineNo + 1, message: "the file is not UTF-8 text" });
  }
  if (!columns && !errors.length && !tooLarge) errors.push({ line: 0, message: "the file is empty: a header row and at least one line are needed" });
  else if (columns && lineNo === 0 && !errors.length) errors.push({ line: 1, message: "the file has a header but no lines" });

  const discard = () => db.batch([db.delete(settlementLines).where(eq(settlementLines.settlementId, id)), db.delete(settlements).where(eq(settlements.id, id))]);
  if (tooLarge || errors.length) {
    await discard();
    return tooLarge ? { ok: false, code: "too_large" } : { ok: false, code: "invalid", errors };
  }

  const digest = bytesToHex(hash.digest());
  try {
    await db.update(settlements).set({ fileSha256: digest, lineCount: lineNo, periodStart: start, periodEnd: end }).where(eq(settlements.id, id));
  } catch (err) {
    if (!constraintFailed(err, "settlements.store_id, settlements.file_sha256")) throw err;
    await discard();
    const first = await db
      .select({ id: settlements.id, format: settlements.format, status: settlements.status, createdAt: settlements.createdAt })
      .from(settlements)
      .where(and(eq(settlements.storeId, opts.storeId), eq(settlements.fileSha256, digest)))
      .get();
    // The first import died between its claim and its matching: resume it (its lines are all stored).
    if (first!.status === "importing" && first!.createdAt < Date.now() - IMPORT_LEASE_MS) {
      await matchSettlement(env, { settlementId: first!.id, storeId: opts.storeId, format: first!.format, actor: opts.actor });
    }
    return { ok: true, settlementId: first!.id, created: false };
  }
  await matchSettlement(env, { settlementId: id, storeId: opts.storeId, format: opts.format, actor: opts.actor });
  return { ok: true, settlementId: id, created: true };
}
