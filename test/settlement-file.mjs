// Generated payout files with planted mismatches, for test/settlements.test.ts and bench/reconciliation.mjs.
// Pure JS (no I/O): the tests run it in workerd, the bench in Node.

export const STRIPE_HEADER =
  "id,Type,Source,Amount,Fee,Destination Platform Fee,Net,Currency,Created (UTC),Available On (UTC),Description,Customer Facing Amount,Customer Facing Currency,Transfer,Transfer Date (UTC),Transfer Group";
export const SHOPIFY_HEADER =
  "Transaction Date,Type,Order,Card Brand,Card Source,Payout Status,Payout Date,Payout ID,Available On,Amount,Fee,Net,Checkout,Payment Method Name,Presentment Amount,Presentment Currency,Currency";

/** Minor units to the file's decimal text (negative with a minus). */
export function decimal(minor, exponent) {
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exponent + 1, "0");
  const text = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return negative ? `-${text}` : text;
}

const stamp = (ms) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");

/**
 * A file for `captures` ({ reference, amount, at }) and `refunds` ({ reference, amount (negative) }) the ledger
 * holds, in one currency, with planted mismatches:
 *  - every `differsEvery`-th capture is paid out with 1 minor unit more (amount_differs);
 *  - every `missingEvery`-th capture is left out (missing_from_settlement);
 *  - `notOurs` charges nobody recorded are added (not_ours);
 *  - one payout row at the end (skipped).
 * Returns the CSV text and what a correct reconciliation finds, by reference.
 */
export function stripeFile({ captures, refunds = [], currency = "USD", exponent = 2, notOurs = 0, differsEvery = 0, missingEvery = 0, feeOf = (a) => Math.round(a * 0.029) + 30 }) {
  const lines = [STRIPE_HEADER];
  const expected = { matched: [], amount_differs: [], missing_from_settlement: [], not_ours: [], skipped: 1 };
  let n = 0;
  let total = 0;
  const row = (type, source, amount, fee, at, description) => {
    n++;
    total += amount - fee;
    lines.push(
      `txn_${String(n).padStart(24, "0")},${type},${source},${decimal(amount, exponent)},${decimal(fee, exponent)},0,${decimal(amount - fee, exponent)},${currency.toLowerCase()},${stamp(at)},${stamp(at + 2 * 86_400_000)},"${description}",,,,,`,
    );
  };
  for (const [i, c] of captures.entries()) {
    if (missingEvery && i % missingEvery === missingEvery - 1) {
      expected.missing_from_settlement.push(c.reference);
      continue;
    }
    const differs = differsEvery && i % differsEvery === differsEvery - 1;
    row("charge", c.reference, c.amount + (differs ? 1 : 0), feeOf(c.amount), c.at, `Order ${c.reference}, ""web""`);
    (differs ? expected.amount_differs : expected.matched).push(c.reference);
  }
  for (const r of refunds) {
    row("refund", r.reference, r.amount, 0, r.at, "REFUND FOR CHARGE");
    expected.matched.push(r.reference);
  }
  const first = captures[0]?.at ?? Date.now();
  for (let i = 0; i < notOurs; i++) {
    const reference = `ch_notours_${i}_${first}`;
    row("charge", reference, 1000 + i, 59, first, "Someone else's");
    expected.not_ours.push(reference);
  }
  row("payout", `po_${first}`, -total, 0, (captures.at(-1)?.at ?? first) + 1000, "STRIPE PAYOUT");
  return { csv: `${lines.join("\n")}\n`, expected, lines: lines.length - 1 };
}
