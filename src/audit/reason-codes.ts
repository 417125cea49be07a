/**
 * Every code an order can be held for: the findings of each rule kind (a
 * store may raise any kind to `hold`), a hold by hand, and two-level
 * review's finance check. The review queue filters on these and refuses
 * others. Invariant: a rule that emits a new code lists it here
 * (test/structure/reason-codes.test.mjs reads the rules' source).
 */
import { FINANCE_REVIEW } from "../orders/review";

export const RULE_REASON_CODES = {
  address: ["address_incomplete", "postal_code_invalid", "region_missing", "contact_missing", "phone_invalid"],
  sku: ["sku_unknown", "sku_inactive"],
  price: ["price_mismatch"],
  totals: ["line_total_mismatch", "total_mismatch", "channel_total_mismatch"],
  quantity: ["quantity_over_limit", "units_over_limit"],
  duplicate: ["possible_duplicate"],
  blocklist: ["customer_blocked"],
  amount: ["amount_over_threshold"],
  note: ["buyer_note"],
  payment: ["awaiting_payment"],
  stock: ["stock_insufficient"],
} as const satisfies Record<string, readonly string[]>;

/**
 * Holds a sales channel puts on a platform's order (src/channels): a line
 * whose SKU the connection's map does not know, and an approved order the
 * platform changed (held so the change is audited again). Staff's business:
 * not in CUSTOMER_FACING, so the customer only hears the order is being
 * checked.
 */
export const CHANNEL_REASON_CODES = ["unmapped_sku", "channel_order_changed"] as const;

/** A person's hold (event `hold`). */
export const MANUAL_HOLD = "manual";

export const HOLD_REASON_CODES: readonly [string, ...string[]] = [MANUAL_HOLD, FINANCE_REVIEW, ...CHANNEL_REASON_CODES, ...Object.values(RULE_REASON_CODES).flat()];
