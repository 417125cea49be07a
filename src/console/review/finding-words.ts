/**
 * What an audit finding says, for staff reading the console in Chinese. The API's `message` is staff's English; each
 * finding also carries its `params` (the SKU, the country, the limit), so a Chinese page says the same from the code
 * and those. A code this catalogue does not know, or a finding recorded before its params were kept, keeps the
 * English message.
 */
import type { Lang } from "../i18n";
import { COMMON, paymentStatusLabel } from "../text";

type Params = Readonly<Record<string, string | number | undefined>>;

const FIELD_ZH: Record<string, string> = { name: "收货人姓名", line1: "详细地址", city: "城市", postal_code: "邮政编码", country: "国家或地区", region: "省/州" };
const BLOCKED_ZH: Record<string, string> = { email: "邮箱", phone: "电话", address: "地址" };

/** The country's name in Chinese ("US" is "美国"), or the code where the runtime does not know it. */
function country(code: string | number | undefined): string {
  if (code === undefined || code === "") return "收货地";
  try {
    return new Intl.DisplayNames(["zh-CN"], { type: "region" }).of(String(code).toUpperCase()) ?? String(code);
  } catch {
    return String(code);
  }
}

/** Each code's Chinese, or undefined when a param it needs is missing (the English message is used then). */
const ZH: Record<string, (p: Params) => string | undefined> = {
  address_incomplete: (p) => (p.field ? `收货地址缺少${FIELD_ZH[p.field] ?? p.field}` : undefined),
  postal_code_invalid: (p) =>
    p.postal_code ? `“${p.postal_code}”不是${country(p.country)}的邮政编码${p.example ? `（例如 ${String(p.example).replaceAll(" or ", " 或 ")}）` : ""}` : undefined,
  region_missing: (p) => `${country(p.country)}的地址需要填写省、州或都道府县`,
  contact_missing: () => "没有可以联系顾客的邮箱或电话",
  phone_invalid: (p) => (p.phone ? `“${p.phone}”不像${country(p.country)}的电话号码` : undefined),
  sku_unknown: (p) => (p.sku ? `商品目录中没有 SKU ${p.sku}` : undefined),
  sku_inactive: (p) => (p.sku ? `SKU ${p.sku} 已停售` : undefined),
  price_mismatch: (p) => (p.sku && p.unit_price && p.catalogue_price ? `${p.sku} 售价 ${p.unit_price}，目录价 ${p.catalogue_price}` : undefined),
  customer_blocked: (p) => (p.kind ? `顾客的${BLOCKED_ZH[p.kind] ?? p.kind}在黑名单中` : undefined),
  possible_duplicate: (p) => (p.order_id ? `与 ${p.order_id} 的顾客和商品相同` : undefined),
  stock_insufficient: (p) =>
    p.sku !== undefined && p.wanted !== undefined && p.available !== undefined ? `${p.sku} 需要 ${p.wanted} 件，所有仓库共有 ${p.available} 件可用` : undefined,
  line_total_mismatch: (p) => (p.line !== undefined ? `第 ${p.line} 行金额对不上` : undefined),
  total_mismatch: () => "订单合计金额对不上",
  channel_total_mismatch: (p) => (p.channel_total && p.total ? `渠道合计 ${p.channel_total} 与计算所得 ${p.total} 不一致` : undefined),
  quantity_over_limit: (p) => (p.sku && p.quantity !== undefined && p.limit !== undefined ? `${p.quantity} × ${p.sku} 超过每行上限 ${p.limit}` : undefined),
  units_over_limit: (p) => (p.units !== undefined && p.limit !== undefined ? `共 ${p.units} 件，超过每单上限 ${p.limit}` : undefined),
  amount_over_threshold: (p) => (p.total && p.threshold ? `合计 ${p.total} ${p.currency ?? ""} 超过 ${p.threshold}`.replace("  ", " ") : undefined),
  buyer_note: (p) => (p.note ? `买家留言：“${p.note}”` : undefined),
  awaiting_payment: (p) => (p.payment_status ? `付款状态：${paymentStatusLabel(COMMON["zh-CN"], String(p.payment_status))}` : undefined),
};

/** A finding's detail in the reader's language, and the language it is in (for the page's `lang` attribute). */
export function findingDetail(f: { code: string; message: string; params?: Params | null | undefined }, lang: Lang): { text: string; lang: Lang } {
  if (lang === "en") return { text: f.message, lang: "en" };
  const zh = f.params ? ZH[f.code]?.(f.params) : undefined;
  return zh ? { text: zh, lang: "zh-CN" } : { text: f.message, lang: "en" };
}
