/**
 * Every hold reason code in staff's words, in both languages. The API's
 * `message` is English and may carry specifics (the postal code, the other
 * order); this is the headline an auditor scans the queue by.
 * Invariant: every code in HOLD_REASON_CODES has a line (reasons.test.ts).
 */
import { dictionary, type Lang } from "../i18n";

export const REASON_TEXT = dictionary(
  {
    manual: "Held by a person",
    finance_review: "Waiting for the finance check",
    unmapped_sku: "A line's SKU is not mapped to our catalogue",
    channel_order_changed: "The sales channel changed the order after approval",
    address_incomplete: "The delivery address is incomplete",
    postal_code_invalid: "The postal code does not fit the country",
    region_missing: "The address needs its state or province",
    contact_missing: "No email or phone to reach the customer",
    phone_invalid: "The phone number does not look right",
    sku_unknown: "A SKU is not in the catalogue",
    sku_inactive: "A SKU is no longer sold",
    price_mismatch: "A price differs from the catalogue",
    line_total_mismatch: "A line's total does not add up",
    total_mismatch: "The order total does not add up",
    channel_total_mismatch: "The total differs from the sales channel's",
    quantity_over_limit: "A line's quantity is over the limit",
    units_over_limit: "Too many units in the order",
    possible_duplicate: "Possibly a duplicate of another order",
    customer_blocked: "The customer is on the blocklist",
    amount_over_threshold: "The amount is over the review threshold",
    buyer_note: "The buyer left a note to read",
    awaiting_payment: "Waiting for payment",
    stock_insufficient: "Not enough stock",
  },
  {
    manual: "人工挂起",
    finance_review: "等待财务复核",
    unmapped_sku: "有商品行的 SKU 未映射到商品目录",
    channel_order_changed: "销售渠道在审核后修改了订单",
    address_incomplete: "收货地址不完整",
    postal_code_invalid: "邮政编码与国家不符",
    region_missing: "地址缺少省或州",
    contact_missing: "没有可联系客户的邮箱或电话",
    phone_invalid: "电话号码格式不正确",
    sku_unknown: "有 SKU 不在商品目录中",
    sku_inactive: "有 SKU 已停售",
    price_mismatch: "有价格与商品目录不一致",
    line_total_mismatch: "有商品行金额计算不符",
    total_mismatch: "订单总额计算不符",
    channel_total_mismatch: "总额与销售渠道的不一致",
    quantity_over_limit: "有商品行数量超过上限",
    units_over_limit: "订单件数过多",
    possible_duplicate: "可能与其他订单重复",
    customer_blocked: "客户在黑名单中",
    amount_over_threshold: "金额超过审核阈值",
    buyer_note: "买家留言需要查看",
    awaiting_payment: "等待付款",
    stock_insufficient: "库存不足",
  },
);

/** The code in words; a code this build does not know yet shows as itself rather than vanishing. */
export function reasonText(code: string, lang: Lang): string {
  return (REASON_TEXT[lang] as Record<string, string>)[code] ?? code;
}
