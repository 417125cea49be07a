/**
 * Re-encryption and backfill of the sealed columns (src/db/encrypted.ts):
 * seals what is still plaintext (rows from before encryption), re-seals what
 * an older key sealed (after a new key was put first in PII_KEYS), and fills
 * blind indexes that are missing. Runs with the hourly housekeeping, a
 * bounded number of rows a run; a run that finds nothing left means every
 * retired key may be dropped from PII_KEYS (docs/deployment.md).
 *
 * Invariant: it never changes what a row says. Each UPDATE is guarded by the
 * exact stored values it read (`col IS ?`), so a concurrent writer (the
 * order's object editing a contact) wins and the row is simply taken up by a
 * later run. It writes no order state (no status, no version), like archiving.
 */
import type { ShardEnv } from "../env";
import { type BlindKind, blindIndex, keyring, open, SEALED_PREFIX, seal } from "../lib/pii-crypto";
import { database, d1 } from "./client";
import { contactIndexes } from "./contact-index";
import { BLOCK_VALUE_FORM, currentBlockValue } from "../audit/normalise";

type Row = Record<string, string | number | null>;

type Spec = {
  table: string;
  key: string[];
  sealed: string[];
  /** Further columns the indexes need, read as they are. */
  extra?: string[];
  /**
   * Columns to (re)compute from the opened values, and when a row needs it (`missing`). A sealed column among them is
   * its new plaintext, sealed before it is written.
   */
  indexes?: {
    missing: string;
    compute: (opened: Row) => Row;
    /**
     * When what `compute` gives can collide with another row's unique index: what marks the row done if it does (the
     * row is then only re-sealed, with these set; `missing` must then be false). Without it a collision would fail
     * the whole batch, and a row merely skipped would be picked again by every run.
     */
    settled?: (raw: Row) => Row;
  };
};

const SPECS: Spec[] = [
  {
    table: "orders",
    key: ["id"],
    sealed: ["customer_name", "customer_email", "customer_phone", "shipping_address"],
    extra: ["store_id"],
    indexes: {
      // The merchant-wide indexes came later (migration 0031): this is also their backfill for older orders.
      missing:
        "(customer_email IS NOT NULL AND (customer_email_index IS NULL OR customer_email_merchant_index IS NULL)) OR (customer_phone IS NOT NULL AND (customer_phone_index IS NULL OR customer_phone_merchant_index IS NULL))",
      compute: (o) => {
        const address = JSON.parse(String(o.shipping_address)) as { country?: string };
        const ix = contactIndexes({ storeId: String(o.store_id), email: o.customer_email as string | null, phone: o.customer_phone as string | null, country: address.country });
        return {
          customer_email_index: ix.customerEmailIndex,
          customer_phone_index: ix.customerPhoneIndex,
          customer_email_merchant_index: ix.customerEmailMerchantIndex,
          customer_phone_merchant_index: ix.customerPhoneMerchantIndex,
        };
      },
    },
  },
  {
    table: "blocklist_entries",
    key: ["id"],
    sealed: ["value"],
    extra: ["store_id", "kind", "value_index"],
    // Also brings entries stored before the current normalisation to it (an address's postal code compacted), so they
    // match however the code is typed. An entry whose new form another entry of the store already holds keeps its
    // old form: that other entry matches every typing it did. One without an index whose new form another entry holds
    // (two entries stored alike before values were indexed, or an old entry beside its new form after the index key
    // changed) gets an index nothing looks up, for the same reason.
    indexes: {
      missing: `value_index IS NULL OR value_form IS NOT ${BLOCK_VALUE_FORM}`,
      compute: (b) => {
        const kind = b.kind as BlindKind;
        const value = currentBlockValue(kind, String(b.value));
        return { value, value_index: blindIndex(kind, String(b.store_id), value), value_form: BLOCK_VALUE_FORM };
      },
      settled: (b) => ({ value_form: BLOCK_VALUE_FORM, value_index: b.value_index ?? `duplicate:${b.id}` }),
    },
  },
  { table: "warehouses", key: ["id"], sealed: ["webhook_secret"] },
  { table: "webhook_subscriptions", key: ["id"], sealed: ["secret", "previous_secret"] },
  { table: "channel_connections", key: ["id"], sealed: ["credentials", "webhook_secret", "previous_webhook_secret"] },
  { table: "channel_inbox", key: ["id"], sealed: ["body"] },
  { table: "shipment_labels", key: ["shipment_id"], sealed: ["data"] },
  { table: "tracking_events", key: ["id"], sealed: ["body"] },
  { table: "notifications", key: ["id"], sealed: ["recipient", "body"] },
  { table: "idempotency_keys", key: ["principal_id", "key"], sealed: ["response_body"] },
];

/** Rows a run takes per table: bounded so the hourly job stays well inside a cron's CPU time. */
export const RESEAL_BATCH = 200;

export async function resealPii(env: ShardEnv, { limit = RESEAL_BATCH }: { limit?: number } = {}): Promise<Record<string, number>> {
  database(env); // sets the keyring from the Worker's secrets
  const newest = keyring().keys[0];
  if (!newest) return {};
  const prefix = `${SEALED_PREFIX}${newest.id}:`;
  const done: Record<string, number> = {};
  for (const spec of SPECS) {
    const stale = spec.sealed.map((c) => `(${c} IS NOT NULL AND substr(${c}, 1, ${prefix.length}) <> ?1)`);
    const where = [...stale, ...(spec.indexes ? [`(${spec.indexes.missing})`] : [])].join(" OR ");
    const cols = [...spec.key, ...spec.sealed, ...(spec.extra ?? [])];
    const { results } = await d1(env)
      .prepare(`SELECT ${cols.join(", ")} FROM ${spec.table} WHERE ${where} LIMIT ?2`)
      .bind(prefix, limit)
      .all<Row>();
    if (!results.length) continue;
    const updates = results.flatMap((raw) => {
      const opened: Row = { ...raw };
      try {
        for (const c of spec.sealed) if (raw[c] !== null) opened[c] = open(String(raw[c]));
      } catch (err) {
        // A key missing from PII_KEYS: say so and go on with the other rows; nothing is lost, the row stays as it is.
        console.error(`reseal ${spec.table} ${spec.key.map((c) => raw[c]).join("/")}: ${err instanceof Error ? err.message : String(err)}`);
        return [];
      }
      const computed = spec.indexes?.compute(opened) ?? {};
      const sealed = (values: Row) => Object.fromEntries(spec.sealed.map((c) => [c, values[c] === null ? null : seal(String(values[c]))]));
      const set: Row = { ...computed, ...sealed({ ...opened, ...computed }) };
      // Guarded by the values read: a row changed meanwhile is left to a later run.
      const update = (or: string, cols: Row) =>
        d1(env)
          .prepare(
            `UPDATE ${or}${spec.table} SET ${Object.keys(cols)
              .map((c) => `${c} = ?`)
              .join(", ")} WHERE ${[...spec.key, ...spec.sealed].map((c) => `${c} IS ?`).join(" AND ")}`,
          )
          .bind(...Object.values(cols), ...spec.key.map((c) => raw[c]), ...spec.sealed.map((c) => raw[c]));
      const settled = spec.indexes?.settled;
      // A collision skips the first (OR IGNORE) and leaves the row as read, so the second, guarded the same way, applies.
      return settled ? [update("OR IGNORE ", set), update("", { ...sealed(opened), ...settled(raw) })] : [update("", set)];
    });
    if (!updates.length) continue;
    const outcome = await d1(env).batch(updates);
    done[spec.table] = outcome.reduce((n, r) => n + (r.meta.changes ?? 0), 0);
  }
  return done;
}
