/**
 * What the customer is told at each milestone, per language. Each template
 * is a function of the message's facts, so wording can depend on them (a
 * hold lists what to fix; a shipment its tracking). Stores differ by name,
 * language and which milestones they announce (stores.notify_on).
 */
export const LANGUAGES = ["en", "zh-CN"] as const;
export type Language = (typeof LANGUAGES)[number];

export type MessageFacts = {
  store: string;
  customer: string;
  orderRef: string;
  total: string;
  link: string;
  reasons: readonly string[];
  reason: string | null;
  tracking: { number: string; url: string | null; carrier: string | null } | null;
};

type Rendered = { subject: string; text: string };
type Template = (f: MessageFacts) => Rendered;

const list = (items: readonly string[]) => items.map((i) => `- ${i}`).join("\n");
const trackingLine = (f: MessageFacts, label: string) =>
  f.tracking ? `\n${label}: ${f.tracking.number}${f.tracking.url ? ` (${f.tracking.url})` : ""}` : "";

export const TEMPLATES: Record<string, Record<Language, Template>> = {
  "order.on_hold": {
    en: (f) => ({
      subject: `${f.store}: please check your order ${f.orderRef}`,
      text: `Hello ${f.customer},\n\nBefore we send order ${f.orderRef}, we need your help with:\n${list(f.reasons)}\n\nYou can correct or confirm it here: ${f.link}\n\n${f.store}`,
    }),
    "zh-CN": (f) => ({
      subject: `${f.store}：请确认您的订单 ${f.orderRef}`,
      text: `${f.customer}，您好：\n\n在发货前，订单 ${f.orderRef} 需要您确认以下问题：\n${list(f.reasons)}\n\n请在此修改或确认：${f.link}\n\n${f.store}`,
    }),
  },
  "order.approved": {
    en: (f) => ({
      subject: `${f.store}: order ${f.orderRef} confirmed`,
      text: `Hello ${f.customer},\n\nThank you! Your order ${f.orderRef} (${f.total}) is confirmed and being prepared.\n\nFollow it here: ${f.link}\n\n${f.store}`,
    }),
    "zh-CN": (f) => ({
      subject: `${f.store}：订单 ${f.orderRef} 已确认`,
      text: `${f.customer}，您好：\n\n感谢您的购买！您的订单 ${f.orderRef}（${f.total}）已确认，正在备货。\n\n查看订单：${f.link}\n\n${f.store}`,
    }),
  },
  "order.shipped": {
    en: (f) => ({
      subject: `${f.store}: order ${f.orderRef} is on its way`,
      text: `Hello ${f.customer},\n\nYour order ${f.orderRef} has shipped.${trackingLine(f, "Tracking")}\n\nFollow it here: ${f.link}\n\n${f.store}`,
    }),
    "zh-CN": (f) => ({
      subject: `${f.store}：订单 ${f.orderRef} 已发货`,
      text: `${f.customer}，您好：\n\n您的订单 ${f.orderRef} 已发货。${trackingLine(f, "运单号")}\n\n查看订单：${f.link}\n\n${f.store}`,
    }),
  },
  "shipment.out_for_delivery": {
    en: (f) => ({
      subject: `${f.store}: order ${f.orderRef} arrives today`,
      text: `Hello ${f.customer},\n\nYour parcel for order ${f.orderRef} is out for delivery.${trackingLine(f, "Tracking")}\n\n${f.link}\n\n${f.store}`,
    }),
    "zh-CN": (f) => ({
      subject: `${f.store}：订单 ${f.orderRef} 今日派送`,
      text: `${f.customer}，您好：\n\n订单 ${f.orderRef} 的包裹正在派送中。${trackingLine(f, "运单号")}\n\n${f.link}\n\n${f.store}`,
    }),
  },
  "shipment.exception": {
    en: (f) => ({
      subject: `${f.store}: a problem with the delivery of ${f.orderRef}`,
      text: `Hello ${f.customer},\n\nThe carrier reported a problem delivering order ${f.orderRef}${f.reason ? `: ${f.reason}` : "."} We are on it and will keep you posted.${trackingLine(f, "Tracking")}\n\n${f.link}\n\n${f.store}`,
    }),
    "zh-CN": (f) => ({
      subject: `${f.store}：订单 ${f.orderRef} 派送异常`,
      text: `${f.customer}，您好：\n\n承运商报告订单 ${f.orderRef} 派送异常${f.reason ? `：${f.reason}` : "。"}我们正在处理，并会及时告知您。${trackingLine(f, "运单号")}\n\n${f.link}\n\n${f.store}`,
    }),
  },
  "order.delivered": {
    en: (f) => ({
      subject: `${f.store}: order ${f.orderRef} delivered`,
      text: `Hello ${f.customer},\n\nYour order ${f.orderRef} has been delivered. We hope you enjoy it.\n\n${f.link}\n\n${f.store}`,
    }),
    "zh-CN": (f) => ({
      subject: `${f.store}：订单 ${f.orderRef} 已送达`,
      text: `${f.customer}，您好：\n\n您的订单 ${f.orderRef} 已送达，祝您使用愉快。\n\n${f.link}\n\n${f.store}`,
    }),
  },
  "order.completed": {
    en: (f) => ({
      subject: `${f.store}: order ${f.orderRef} completed`,
      text: `Hello ${f.customer},\n\nOrder ${f.orderRef} is complete. Thank you for shopping with ${f.store}.\n\n${f.link}`,
    }),
    "zh-CN": (f) => ({
      subject: `${f.store}：订单 ${f.orderRef} 已完成`,
      text: `${f.customer}，您好：\n\n订单 ${f.orderRef} 已完成，感谢您在 ${f.store} 购物。\n\n${f.link}`,
    }),
  },
  "order.cancelled": {
    en: (f) => ({
      subject: `${f.store}: order ${f.orderRef} cancelled`,
      text: `Hello ${f.customer},\n\nOrder ${f.orderRef} has been cancelled${f.reason ? `: ${f.reason}` : "."}\nIf you paid, the refund follows.\n\n${f.link}\n\n${f.store}`,
    }),
    "zh-CN": (f) => ({
      subject: `${f.store}：订单 ${f.orderRef} 已取消`,
      text: `${f.customer}，您好：\n\n订单 ${f.orderRef} 已取消${f.reason ? `：${f.reason}` : "。"}\n如已付款，退款将原路退回。\n\n${f.link}\n\n${f.store}`,
    }),
  },
};

/** The order's own language if we have it, else the store's, else English; "zh" means zh-CN. */
export function pickLanguage(orderLocale: string | null, storeLanguage: string): Language {
  for (const tag of [orderLocale, storeLanguage]) {
    if (!tag) continue;
    const exact = LANGUAGES.find((l) => l.toLowerCase() === tag.toLowerCase());
    if (exact) return exact;
    const base = tag.split("-")[0]!.toLowerCase();
    const byBase = LANGUAGES.find((l) => l.split("-")[0]!.toLowerCase() === base);
    if (byBase) return byBase;
  }
  return "en";
}

export function render(template: string, language: Language, facts: MessageFacts): Rendered | null {
  return TEMPLATES[template]?.[language](facts) ?? null;
}
