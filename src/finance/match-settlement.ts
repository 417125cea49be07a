/**
 * Matches a stored settlement against the ledger, in SQL, as one batch (so a
 * settlement is either wholly judged or still `importing`): the rules of
 * ./settlement-rules.ts over the whole file at once, each statement a set
 * operation whatever the number of lines.
 *
 * The providers' fees of the matched lines go into the ledger in the same
 * batch (`payment_fee`, source `settlement`), unless the payment report
 * already gave that payment's fee; each keyed by the file's transaction (or
 * the reference and type), so importing a file again adds nothing.
 *
 * Running it twice, or twice at once, judges the settlement once (a stale
 * import is resumed this way, ./import-settlement.ts): each UPDATE takes only
 * `pending` lines, the missing captures are added only while the settlement
 * is still `importing`, the fees are keyed, and D1 runs one batch at a time.
 */
import type { SettlementFormat } from "../db/schema";
import type { ShardEnv } from "../env";
import { d1 as binding } from "../db/client";

export async function matchSettlement(env: ShardEnv, s: { settlementId: string; storeId: string; format: SettlementFormat; actor: string }) {
  const d1 = binding(env);
  const now = Date.now();
  const { settlementId: id, storeId } = s;
  await d1.batch([
    // One indexed lookup per line (ledger_entries by store and reference), whatever the size of the file.
    d1
      .prepare(
        `UPDATE settlement_lines SET (order_id, expected_amount) = (
           SELECT MIN(le.order_id), SUM(le.amount) FROM ledger_entries le
           WHERE le.store_id = ?1 AND le.reference = settlement_lines.reference AND le.kind = settlement_lines.kind AND le.currency = settlement_lines.currency)
         WHERE settlement_id = ?2 AND status = 'pending' AND kind <> 'other'`,
      )
      .bind(storeId, id),
    d1
      .prepare(
        `UPDATE settlement_lines SET status = CASE WHEN expected_amount IS NULL THEN 'not_ours' WHEN expected_amount = amount THEN 'matched' ELSE 'amount_differs' END
         WHERE settlement_id = ?1 AND status = 'pending' AND kind <> 'other'`,
      )
      .bind(id),
    d1.prepare(`UPDATE settlement_lines SET status = 'skipped' WHERE settlement_id = ?1 AND status = 'pending'`).bind(id),
    // Captures of the period that no line names and no other settlement of the store matched.
    d1
      .prepare(
        `INSERT INTO settlement_lines (settlement_id, line_no, kind, type, transaction_id, reference, amount, fee, currency, occurred_at, order_id, expected_amount, status)
         SELECT ?1, st.line_count + ROW_NUMBER() OVER (ORDER BY MIN(le.created_at), le.order_id), 'captured', 'ledger', NULL, le.reference, 0, 0, le.currency,
                MIN(le.created_at), le.order_id, SUM(le.amount), 'missing_from_settlement'
         FROM ledger_entries le JOIN settlements st ON st.id = ?1 AND st.status = 'importing'
         WHERE le.store_id = ?2 AND le.kind = 'captured' AND le.created_at BETWEEN st.period_start AND st.period_end
           AND le.currency IN (SELECT DISTINCT currency FROM settlement_lines WHERE settlement_id = ?1)
           AND (le.reference IS NULL OR (
             NOT EXISTS (SELECT 1 FROM settlement_lines x WHERE x.settlement_id = ?1 AND x.reference = le.reference)
             AND NOT EXISTS (SELECT 1 FROM settlement_lines x JOIN settlements y ON y.id = x.settlement_id
                             WHERE x.reference = le.reference AND y.store_id = ?2 AND x.settlement_id <> ?1 AND x.status IN ('matched', 'amount_differs'))))
         GROUP BY le.order_id, le.reference, le.currency`,
      )
      .bind(id, storeId),
    d1
      .prepare(
        `INSERT INTO ledger_entries (id, store_id, order_id, kind, amount, currency, reference, sku, quantity, source, source_key, reverses, actor, created_at)
         SELECT 'led_' || lower(hex(randomblob(12))), ?2, l.order_id, 'payment_fee', -l.fee, l.currency, l.reference, NULL, NULL, 'settlement',
                'settlement_fee:' || ?2 || ':' || ?3 || ':' || COALESCE(l.transaction_id, l.reference || ':' || l.type), NULL, ?4, ?5
         FROM settlement_lines l
         WHERE l.settlement_id = ?1 AND l.status IN ('matched', 'amount_differs') AND l.fee <> 0
           AND NOT EXISTS (SELECT 1 FROM ledger_entries f WHERE f.store_id = ?2 AND f.reference = l.reference AND f.order_id = l.order_id AND f.kind = 'payment_fee' AND f.source = 'payment_report')
         ON CONFLICT (source_key) DO NOTHING`,
      )
      .bind(id, storeId, s.format, s.actor, now),
    d1.prepare(`UPDATE settlements SET status = 'reconciled', reconciled_at = ?2 WHERE id = ?1 AND status = 'importing'`).bind(id, now),
  ]);
}
