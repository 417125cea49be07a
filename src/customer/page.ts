/**
 * The customer's order page, server-rendered: it works without JavaScript,
 * reads well on a phone, and speaks the customer's language. Everything
 * interpolated goes through hono/html, which escapes it.
 */
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { CONFIRMABLE, CUSTOMER_FIXABLE } from "../audit/customer-actions";
import { customerReasons } from "../audit/finding-text";
import type { Language } from "../notifications/templates";
import { fromMinor } from "../lib/money";
import type { OrderEventRow, OrderLineRow, OrderRow } from "../orders/serialize";
import type { FindingParams } from "../orders/stage";
import type { OrderStatus } from "../orders/lifecycle";
import { AFTER_SALES_KINDS } from "../db/schema";
import { formatAddress, formFields, regionKind, type FormField } from "../lib/address-format";
import { countryOptions } from "../lib/countries";
import { localIso, offsetLabel, offsetMs } from "../analytics/time-zones";
import { OPEN_REQUEST_STATUSES, ORDER_STATUSES_FOR_AFTER_SALES } from "../after-sales/after-sales-rules";
import type { AfterSalesRow } from "../after-sales/plan-after-sales";
import { customerOrderRef } from "../orders/order-ref";

type Text = Record<string, string>;
const TEXT: Record<Language, Text> = {
  en: {
    title: "Your order",
    order: "Order",
    status_received: "Received",
    status_on_hold: "Needs your attention",
    status_approved: "Confirmed",
    status_processing: "Being prepared",
    status_shipped: "On its way",
    status_delivered: "Delivered",
    status_completed: "Completed",
    status_cancelled: "Cancelled",
    review: "We are checking a few details of your order. There is nothing you need to do.",
    from_store: "A message from the shop:",
    help: "Before we can send your order, please help us with:",
    fix_address: "Correct the delivery address",
    fix_contact: "Correct your contact details",
    confirm: "Everything is correct, confirm my order",
    confirm_hint: "If the details above are right as they are, confirm them:",
    save: "Save and continue",
    name: "Name",
    line1: "Address",
    line2: "Address line 2 (optional)",
    city: "City",
    region: "State / province / prefecture",
    region_state: "State",
    region_province: "Province",
    region_prefecture: "Prefecture",
    region_county: "County (optional)",
    region_region: "Region (optional)",
    district: "District / county",
    postal_code: "Postal code",
    country: "Country or region",
    email: "Email",
    phone: "Phone",
    items: "Items",
    subtotal: "Subtotal",
    shipping: "Shipping",
    discount: "Discount",
    tax: "Tax",
    total: "Total",
    ship_to: "Delivery address",
    history: "History",
    done_address: "Thank you, your address was updated.",
    done_contact: "Thank you, your contact details were updated.",
    done_confirm: "Thank you for confirming.",
    received_hint: "Has everything arrived in good order?",
    received: "Yes, I received my order",
    done_received: "Thank you! Your order is complete.",
    conflict: "Your order changed while you were looking at it. Here is how it stands now.",
    return_window_closed: "The time to return or exchange this order has passed. You can still ask for a refund or make a claim.",
    invalid: "Please check the highlighted fields.",
    not_found: "This link has expired or is not valid. Please use the latest message from the shop, or contact them.",
    superseded: "The shop has sent you a newer link to this order. This page only shows the order: to make changes, open the link in the latest message.",
    forbidden: "This form can only be sent from the order page itself. Please open the link in the shop's message and try again.",
    times_in: "Times are in the shop's time zone:",
    ev_received: "Order received",
    ev_approve: "Order confirmed",
    ev_hold: "Waiting for a check",
    ev_reject: "Order cancelled",
    ev_cancel: "Order cancelled",
    ev_process: "Being prepared",
    ev_ship: "Shipped",
    ev_deliver: "Delivered",
    ev_complete: "Completed",
    ev_edited: "Order details updated",
    ev_customer_confirmed: "You confirmed your order",
    ev_payment_updated: "Payment updated",
    ev_after_sales_opened: "You opened a request",
    ev_after_sales_accepted: "Your request was accepted",
    ev_after_sales_rejected: "Your request was declined",
    ev_after_sales_resolved: "Your request was resolved",
    ev_after_sales_withdrawn: "Request withdrawn",
    after_sales: "Something wrong with your order?",
    after_sales_hint: "Ask for a return, an exchange, a refund, or tell us what went wrong.",
    kind: "What would you like?",
    kind_return: "Return items",
    kind_exchange: "Exchange items",
    kind_refund: "A refund",
    kind_claim: "Report a problem (lost, damaged, missing)",
    which_items: "Which items, and how many?",
    reason: "What happened?",
    send_request: "Send my request",
    your_requests: "Your requests",
    rq_open: "Received, we are looking at it",
    rq_accepted: "Accepted",
    rq_resolved: "Resolved",
    rq_rejected: "Declined",
    rq_withdrawn: "Withdrawn",
    res_refund: "Refunded",
    res_replacement: "Replacement sent",
    res_repair: "Repaired",
    res_no_action: "Closed",
    withdraw: "Withdraw this request",
    done_after_sales: "Thank you, we received your request and will get back to you.",
    done_withdrawn: "Your request was withdrawn.",
  },
  "zh-CN": {
    title: "您的订单",
    order: "订单",
    status_received: "已收到",
    status_on_hold: "需要您确认",
    status_approved: "已确认",
    status_processing: "备货中",
    status_shipped: "运输中",
    status_delivered: "已送达",
    status_completed: "已完成",
    status_cancelled: "已取消",
    review: "我们正在核对订单的一些信息，您无需任何操作。",
    from_store: "商家留言：",
    help: "发货前，请协助我们处理以下问题：",
    fix_address: "修改收货地址",
    fix_contact: "修改联系方式",
    confirm: "信息无误，确认订单",
    confirm_hint: "如果以上信息正确无误，请确认：",
    save: "保存并继续",
    name: "收货人",
    line1: "详细地址",
    line2: "地址第二行（可选）",
    city: "城市",
    region: "省 / 州",
    region_state: "州",
    region_province: "省 / 自治区 / 直辖市",
    region_prefecture: "都道府县",
    region_county: "郡（可选）",
    region_region: "地区（可选）",
    district: "区 / 县",
    postal_code: "邮政编码",
    country: "国家或地区",
    email: "电子邮箱",
    phone: "电话",
    items: "商品",
    subtotal: "小计",
    shipping: "运费",
    discount: "优惠",
    tax: "税费",
    total: "合计",
    ship_to: "收货地址",
    history: "订单记录",
    done_address: "谢谢，收货地址已更新。",
    done_contact: "谢谢，联系方式已更新。",
    done_confirm: "谢谢您的确认。",
    received_hint: "商品是否已完好收到？",
    received: "确认收货",
    done_received: "谢谢！订单已完成。",
    conflict: "您查看期间订单已有变化，以下是最新状态。",
    return_window_closed: "此订单的退换货期限已过。您仍可申请退款或提出索赔。",
    invalid: "请检查标出的内容。",
    not_found: "此链接已失效或无效。请使用商家最新发送的消息，或联系商家。",
    superseded: "商家已向您发送了此订单的新链接。本页面仅供查看：如需修改，请打开最新消息中的链接。",
    forbidden: "此表单只能从订单页面本身提交。请打开商家消息中的链接后重试。",
    times_in: "时间按商家所在时区显示：",
    ev_received: "已收到订单",
    ev_approve: "订单已确认",
    ev_hold: "等待核对",
    ev_reject: "订单已取消",
    ev_cancel: "订单已取消",
    ev_process: "备货中",
    ev_ship: "已发货",
    ev_deliver: "已送达",
    ev_complete: "已完成",
    ev_edited: "订单信息已更新",
    ev_customer_confirmed: "您已确认订单",
    ev_payment_updated: "付款状态已更新",
    ev_after_sales_opened: "您提交了售后申请",
    ev_after_sales_accepted: "售后申请已受理",
    ev_after_sales_rejected: "售后申请未通过",
    ev_after_sales_resolved: "售后申请已处理",
    ev_after_sales_withdrawn: "售后申请已撤回",
    after_sales: "订单有问题？",
    after_sales_hint: "申请退货、换货、退款，或告诉我们遇到的问题。",
    kind: "您需要",
    kind_return: "退货",
    kind_exchange: "换货",
    kind_refund: "仅退款",
    kind_claim: "反映问题（丢件、破损、少件）",
    which_items: "哪些商品，数量多少？",
    reason: "发生了什么？",
    send_request: "提交申请",
    your_requests: "您的售后申请",
    rq_open: "已收到，处理中",
    rq_accepted: "已受理",
    rq_resolved: "已处理",
    rq_rejected: "未通过",
    rq_withdrawn: "已撤回",
    res_refund: "已退款",
    res_replacement: "已补发",
    res_repair: "已维修",
    res_no_action: "已关闭",
    withdraw: "撤回此申请",
    done_after_sales: "谢谢，我们已收到您的申请，会尽快回复。",
    done_withdrawn: "您的申请已撤回。",
  },
};

export const t = (lang: Language, key: string) => TEXT[lang][key] ?? TEXT.en[key] ?? key;

const STYLE = `
  *{box-sizing:border-box} body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"PingFang SC","Microsoft YaHei",sans-serif;color:#1f2328;background:#f6f8fa}
  main{max-width:40rem;margin:0 auto;padding:1rem;overflow-wrap:anywhere} .id{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.95em;word-break:break-all} section{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:1rem;margin:0 0 1rem}
  h1{font-size:1.4rem;margin:.5rem 0} h2{font-size:1.1rem;margin:0 0 .5rem} .status{display:inline-block;padding:.2rem .6rem;border-radius:1rem;background:#ddf4ff;font-weight:600}
  .attention{background:#fff8c5} .cancelled{background:#ffebe9} .flash{background:#dafbe1;border-color:#4ac26b} .warn{background:#fff8c5;border-color:#d4a72c}
  label{display:block;margin:.5rem 0 .2rem;font-weight:600} input{width:100%;min-width:0;padding:.6rem;font-size:1rem;border:1px solid #8c959f;border-radius:6px}
  select,textarea{width:100%;min-width:0;max-width:100%;padding:.6rem;font-size:1rem;border:1px solid #8c959f;border-radius:6px;background:#fff;font-family:inherit} input.qty{width:5rem}
  .row{display:flex;align-items:center;justify-content:space-between;gap:.5rem;margin:.3rem 0} .row label{margin:0;font-weight:400;min-width:0} address{font-style:normal}
  button.secondary{background:#fff;color:#1f2328;border:1px solid #8c959f}
  input[aria-invalid=true]{border-color:#cf222e;background:#ffebe9} .err{color:#cf222e;font-size:.9rem}
  button{margin-top:1rem;width:100%;padding:.8rem;font-size:1rem;border:0;border-radius:6px;background:#1f883d;color:#fff;font-weight:600}
  table{width:100%;border-collapse:collapse;table-layout:fixed} td.n{width:9.5rem} td{padding:.3rem 0;vertical-align:top} td.n{text-align:right;white-space:nowrap} tr.total td{font-weight:700;border-top:1px solid #d0d7de}
  section>p:first-child,section>form:first-child p:first-child{margin-top:0} section>p:last-child{margin-bottom:0}
  ol{padding-left:1.2rem;margin:0} li{margin:.2rem 0} small{color:#59636e}
`;

export function layout(lang: Language, title: string, body: HtmlEscapedString | Promise<HtmlEscapedString>) {
  return html`<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${title}</title><style>${raw(STYLE)}</style></head>
<body><main>${body}</main></body></html>`;
}

export type PageModel = {
  lang: Language;
  /** The page's own token-free path, `/o/order/<id>`: forms post below it. */
  base: string;
  /** Opened from an older link than the order's newest: the page shows the order and offers nothing to do. */
  superseded: boolean;
  storeName: string;
  /** The store's IANA time zone: every time on the page is shown in it. */
  timeZone: string;
  order: OrderRow;
  /** The platform's own name for the order ("#1042"), when it came from a platform. */
  platformName: string | null;
  lines: OrderLineRow[];
  /** What the timeline shows of each change; never staff's reason or internal note. */
  events: Pick<OrderEventRow, "type" | "fromStatus" | "toStatus" | "customerMessage" | "createdAt">[];
  /** Codes and params only: the customer's text is rendered from them; staff's messages never reach the page. */
  holds: { code: string; params: FindingParams[] | null }[];
  requests: AfterSalesRow[];
  flash?: "done_address" | "done_contact" | "done_confirm" | "done_received" | "done_after_sales" | "done_withdrawn" | "conflict" | null;
  /** Field errors of a form that was sent back, keyed by field name. */
  errors?: Record<string, string>;
  /** What the customer typed, to show again beside the errors. */
  values?: Record<string, string>;
};

const CUSTOMER_EVENTS = new Set([
  "received",
  "approve",
  "hold",
  "reject",
  "cancel",
  "process",
  "ship",
  "deliver",
  "complete",
  "edited",
  "customer_confirmed",
  "payment_updated",
  "after_sales_opened",
  "after_sales_accepted",
  "after_sales_rejected",
  "after_sales_resolved",
  "after_sales_withdrawn",
]);

function field(m: PageModel, name: string, opts: { value: string | null | undefined; type?: string; required?: boolean; label?: string; autocomplete?: string }) {
  const error = m.errors?.[name];
  const shown = m.values?.[name] ?? opts.value ?? "";
  return html`<label for="${name}">${opts.label ?? t(m.lang, name)}</label>
<input id="${name}" name="${name}" type="${opts.type ?? "text"}" value="${shown}" ${opts.required === false ? "" : raw("required")}${opts.autocomplete ? html` autocomplete="${opts.autocomplete}"` : ""} aria-invalid="${error ? "true" : "false"}">
${error ? html`<div class="err">${error}</div>` : ""}`;
}

/** The country as a select of every country, named in the customer's language: no codes to know or mistype. */
function countrySelect(m: PageModel, current: string) {
  const error = m.errors?.country;
  const shown = (m.values?.country ?? current).toUpperCase();
  return html`<label for="country">${t(m.lang, "country")}</label>
<select id="country" name="country" required autocomplete="shipping country" aria-invalid="${error ? "true" : "false"}">${countryOptions(m.lang).map(
    (c) => html`<option value="${c.code}"${c.code === shown ? raw(" selected") : ""}>${c.name}</option>`,
  )}</select>
${error ? html`<div class="err">${error}</div>` : ""}`;
}

const AUTOCOMPLETE: Record<Exclude<FormField, "country">, string> = {
  name: "shipping name",
  line1: "shipping address-line1",
  line2: "shipping address-line2",
  district: "shipping address-level3",
  city: "shipping address-level2",
  region: "shipping address-level1",
  postal_code: "shipping postal-code",
};

/**
 * The address form, its fields in the order the destination country writes
 * them (province, city and district first in China). The district is asked
 * for where addresses have one; a form without JavaScript cannot rearrange
 * itself, so the order follows the country the order is going to.
 */
function addressFields(m: PageModel) {
  const a = m.order.shippingAddress;
  const country = (m.values?.country ?? a.country ?? "").toUpperCase();
  const kind = regionKind(country);
  return formFields(country).map((name) => {
    if (name === "country") return countrySelect(m, a.country ?? "");
    // Seoul and Korea's other metropolitan cities belong to no province.
    const optional = name === "line2" || name === "district" || (name === "region" && (kind === "county" || kind === "region" || country === "KR"));
    const label = name === "region" ? t(m.lang, `region_${kind}`) : undefined;
    return field(m, name, { value: a[name] ?? null, required: !optional, label, autocomplete: AUTOCOMPLETE[name] });
  });
}

/** A time on the page: the store's local date and time, the zone's offset in the title and the machine-readable attribute. */
function localTime(tz: string, at: number) {
  const iso = localIso(tz, at);
  return html`<time datetime="${iso}" title="${tz} (UTC${offsetLabel(offsetMs(tz, at))})">${iso.slice(0, 16).replace("T", " ")}</time>`;
}

/** The customer's requests, and a form to open one while none is open: returns, exchanges, refunds and claims. */
function afterSalesSection(m: PageModel) {
  const { lang, order: o } = m;
  if (o.archivedAt !== null || !ORDER_STATUSES_FOR_AFTER_SALES.has(o.status as OrderStatus)) return "";
  const { base } = m;
  const act = canAct(m);
  const anyOpen = m.requests.some((r) => OPEN_REQUEST_STATUSES.has(r.status));
  const err = (name: string) => (m.errors?.[name] ? html`<div class="err">${m.errors[name]}</div>` : "");
  const list = m.requests.length
    ? html`<section><h2>${t(lang, "your_requests")}</h2>
${m.requests.map(
  (
    r,
  ) => html`<div data-request="${r.id}" data-request-status="${r.status}"><p><strong>${t(lang, `kind_${r.kind}`)}</strong> · ${t(lang, `rq_${r.status}`)}${r.resolution ? html` · ${t(lang, `res_${r.resolution}`)}${r.refundAmount !== null ? ` ${fromMinor(r.refundAmount, r.currency)} ${r.currency}` : ""}` : ""}<br>
<small>${r.reason}</small>${r.note ? html`<br>${r.note}` : ""}</p>
${
  act && OPEN_REQUEST_STATUSES.has(r.status)
    ? html`<form method="post" action="${base}/after-sales/${r.id}/withdraw"><input type="hidden" name="version" value="${r.version}"><button type="submit" class="secondary">${t(lang, "withdraw")}</button></form>`
    : ""
}</div>`,
)}</section>`
    : "";
  const form =
    anyOpen || !act
      ? ""
      : html`<section><h2>${t(lang, "after_sales")}</h2><p>${t(lang, "after_sales_hint")}</p>
<form method="post" action="${base}/after-sales">
  <label for="kind">${t(lang, "kind")}</label>
  <select id="kind" name="kind" aria-invalid="${m.errors?.kind ? "true" : "false"}">${AFTER_SALES_KINDS.map((k) => html`<option value="${k}" ${m.values?.kind === k ? raw("selected") : ""}>${t(lang, `kind_${k}`)}</option>`)}</select>${err("kind")}
  <label>${t(lang, "which_items")}</label>
  ${m.lines.map(
    (l) =>
      html`<div class="row"><label for="qty_${l.lineNo}">${l.name}</label><input class="qty" id="qty_${l.lineNo}" name="qty_${l.lineNo}" type="number" min="0" max="${l.quantity}" value="${m.values?.[`qty_${l.lineNo}`] ?? "0"}" aria-invalid="${m.errors?.[`qty_${l.lineNo}`] ? "true" : "false"}"></div>${err(`qty_${l.lineNo}`)}`,
  )}
  ${err("lines")}
  <label for="reason">${t(lang, "reason")}</label>
  <textarea id="reason" name="reason" rows="4" required aria-invalid="${m.errors?.reason ? "true" : "false"}">${m.values?.reason ?? ""}</textarea>${err("reason")}
  <button type="submit">${t(lang, "send_request")}</button>
</form></section>`;
  return html`${list}${form}`;
}

/** What staff wrote to the customer when the order took its current status (a hold's or a cancellation's customer_message). */
function storeMessage(m: PageModel): string | null {
  const last = m.events.findLast((e) => e.toStatus === m.order.status && e.fromStatus !== e.toStatus);
  return last?.customerMessage ?? null;
}

/**
 * Whether the page offers anything to do. Not from an older link (only the
 * newest acts), not on a cancelled order (nothing left to change or ask),
 * not once archived (frozen). The routes refuse the same posts regardless.
 */
function canAct(m: PageModel) {
  return !m.superseded && m.order.status !== "cancelled" && m.order.archivedAt === null;
}

export function orderPage(m: PageModel) {
  const { lang, order: o } = m;
  const money = (v: number) => `${fromMinor(v, o.currency)} ${o.currency}`;
  const actions = new Set(m.holds.map((h) => CUSTOMER_FIXABLE[h.code]).filter(Boolean));
  const canConfirm = o.status === "on_hold" && m.holds.length > 0 && m.holds.every((h) => CONFIRMABLE.has(h.code));
  const a = o.shippingAddress;
  const statusClass = o.status === "on_hold" ? "attention" : o.status === "cancelled" ? "cancelled" : "";
  const { base } = m;
  const act = canAct(m);
  const ref = customerOrderRef(o, m.platformName);

  const message = o.status === "on_hold" || o.status === "cancelled" ? storeMessage(m) : null;
  const said = message ? html`<p data-store-message>${t(lang, "from_store")} ${message}</p>` : "";
  const attention =
    o.status !== "on_hold"
      ? message
        ? html`<section>${said}</section>`
        : ""
      : actions.size === 0
        ? html`<section class="warn">${message ? said : html`<p>${t(lang, "review")}</p>`}</section>`
        : html`<section class="warn">
  <h2>${t(lang, "help")}</h2>
  <ul>${customerReasons(m.holds, lang).map((line) => html`<li>${line}</li>`)}</ul>
  ${said}
  ${m.errors ? html`<p class="err">${t(lang, "invalid")}</p>` : ""}
</section>
${
  act && actions.has("fix_address")
    ? html`<section><h2>${t(lang, "fix_address")}</h2>
  <form method="post" action="${base}/address">
    <input type="hidden" name="version" value="${o.version}">
    ${addressFields(m)}
    <button type="submit">${t(lang, "save")}</button>
  </form></section>`
    : ""
}
${
  act && actions.has("fix_contact")
    ? html`<section><h2>${t(lang, "fix_contact")}</h2>
  <form method="post" action="${base}/contact">
    <input type="hidden" name="version" value="${o.version}">
    ${field(m, "email", { value: o.customerEmail, type: "email", required: false })}${field(m, "phone", { value: o.customerPhone, type: "tel", required: false })}
    <button type="submit">${t(lang, "save")}</button>
  </form></section>`
    : ""
}
${
  act && canConfirm
    ? html`<section><p>${t(lang, "confirm_hint")}</p>
  <form method="post" action="${base}/confirm"><input type="hidden" name="version" value="${o.version}">
  <button type="submit" name="confirm" value="1">${t(lang, "confirm")}</button></form></section>`
    : ""
}`;

  return layout(
    lang,
    `${t(lang, "order")} ${ref} · ${m.storeName}`,
    html`<header><small>${m.storeName}</small>
<h1>${t(lang, "order")} <span class="${o.externalId || m.platformName ? "" : "id"}">${ref}</span></h1>
<span class="status ${statusClass}" data-status="${o.status}">${t(lang, `status_${o.status}`)}</span></header>
${m.flash ? html`<section class="${m.flash === "conflict" ? "warn" : "flash"}" role="status"><p>${t(lang, m.flash)}</p></section>` : ""}
${m.superseded ? html`<section class="warn" data-read-only="superseded"><p>${t(lang, "superseded")}</p></section>` : ""}
${attention}
${
  act && o.status === "delivered" && o.openAfterSales === 0
    ? html`<section><p>${t(lang, "received_hint")}</p>
  <form method="post" action="${base}/received"><input type="hidden" name="version" value="${o.version}">
  <button type="submit">${t(lang, "received")}</button></form></section>`
    : ""
}
<section><h2>${t(lang, "items")}</h2><table>
${m.lines.map((l) => html`<tr><td>${l.quantity} × ${l.name}</td><td class="n">${money(l.totalAmount)}</td></tr>`)}
<tr><td>${t(lang, "subtotal")}</td><td class="n">${money(o.subtotalAmount)}</td></tr>
${o.shippingAmount ? html`<tr><td>${t(lang, "shipping")}</td><td class="n">${money(o.shippingAmount)}</td></tr>` : ""}
${o.discountAmount ? html`<tr><td>${t(lang, "discount")}</td><td class="n">−${money(o.discountAmount)}</td></tr>` : ""}
${o.taxAmount ? html`<tr><td>${t(lang, "tax")}</td><td class="n">${money(o.taxAmount)}</td></tr>` : ""}
<tr class="total"><td>${t(lang, "total")}</td><td class="n">${money(o.totalAmount)}</td></tr>
</table></section>
<section><h2>${t(lang, "ship_to")}</h2><address data-address="${a.country}">${formatAddress(a, { lang }).map((line, i) => html`${i ? html`<br>` : ""}${line}`)}</address></section>
${afterSalesSection(m)}
<section><h2>${t(lang, "history")}</h2><ol>
${m.events.filter((e) => CUSTOMER_EVENTS.has(e.type)).map((e) => html`<li>${localTime(m.timeZone, e.createdAt)} · ${t(lang, `ev_${e.type}`)}</li>`)}
</ol><p><small data-time-zone="${m.timeZone}">${t(lang, "times_in")} ${m.timeZone} (UTC${offsetLabel(offsetMs(m.timeZone, m.events.at(-1)?.createdAt ?? o.createdAt))})</small></p></section>`,
  );
}

export function notFoundPage(lang: Language) {
  return layout(lang, t(lang, "title"), html`<section class="warn"><p>${t(lang, "not_found")}</p></section>`);
}

export function forbiddenPage(lang: Language) {
  return layout(lang, t(lang, "title"), html`<section class="warn"><p>${t(lang, "forbidden")}</p></section>`);
}
