/**
 * What the customer is told at each milestone, per language. Each template
 * is a function of the message's facts, so wording can depend on them (a
 * hold lists what to fix; a shipment its tracking). Stores differ by name,
 * language and which milestones they announce (stores.notify_on).
 *
 * Only customer-facing text reaches a template: hold reasons rendered for the
 * customer (src/audit/finding-text.ts), the message staff explicitly wrote
 * for the customer, and our own words per language. Staff reasons, internal
 * notes, internal findings and partners' raw texts never do.
 */
export const LANGUAGES = ["en", "zh-CN"] as const;
export type Language = (typeof LANGUAGES)[number];

export type MessageFacts = {
  store: string;
  customer: string;
  orderRef: string;
  total: string;
  link: string;
  /** The hold reasons the customer can fix or confirm, already in their language. */
  reasons: readonly string[];
  /** What staff chose to tell the customer (a transition's customer_message, an after-sales answer's note), word for word. */
  message: string | null;
  /** What happened to a parcel, for shipment.exception. */
  exception?: ShipmentTrouble | null;
  tracking: { number: string; url: string | null; carrier: string | null } | null;
  /** The after-sales request a message answers: its kind, and how it was resolved. */
  request?: { kind: string; resolution: string | null; refund: string | null } | null;
};

export type ShipmentTrouble = "failed_attempt" | "exception" | "returned_to_sender";

type Rendered = { subject: string; text: string };
type Template = (f: MessageFacts) => Rendered;

const list = (items: readonly string[]) => items.map((i) => `- ${i}`).join("\n");
const para = (text: string | null) => (text ? `\n\n${text}` : "");

const TROUBLE: Record<Language, Record<ShipmentTrouble | "other", string>> = {
  en: {
    failed_attempt: "the courier could not deliver it",
    exception: "the parcel is held up on its way",
    returned_to_sender: "the parcel is on its way back to us",
    other: "the parcel is held up on its way",
  },
  "zh-CN": { failed_attempt: "快递员未能成功投递", exception: "包裹在运输途中受阻", returned_to_sender: "包裹正在退回给我们", other: "包裹在运输途中受阻" },
};
/** "Tracking: …", "运单号：…": a label and its colon, full-width after Chinese. */
const labelled = (label: string) => `${label}${/[\u4e00-\u9fff]$/.test(label) ? "：" : ": "}`;
const trackingLine = (f: MessageFacts, label: string) => (f.tracking ? `\n${labelled(label)}${f.tracking.number}${f.tracking.url ? ` (${f.tracking.url})` : ""}` : "");

export const TEMPLATES: Record<string, Record<Language, Template>> = {
  // With reasons the customer can act on, they are asked; with none (a check of ours), they are only told, unless staff wrote to them.
  "order.on_hold": {
    en: (f) =>
      f.reasons.length
        ? {
            subject: `${f.store}: please check your order ${f.orderRef}`,
            text: `Hello ${f.customer},\n\nBefore we send order ${f.orderRef}, we need your help with:\n${list(f.reasons)}${para(f.message)}\n\nYou can correct or confirm it here: ${f.link}\n\n${f.store}`,
          }
        : f.message
          ? {
              subject: `${f.store}: about your order ${f.orderRef}`,
              text: `Hello ${f.customer},\n\nBefore we send order ${f.orderRef}:\n\n${f.message}\n\nYour order: ${f.link}\n\n${f.store}`,
            }
          : {
              subject: `${f.store}: we are checking your order ${f.orderRef}`,
              text: `Hello ${f.customer},\n\nWe are checking a few details of order ${f.orderRef} before we send it. There is nothing you need to do; we will let you know when it is on its way.\n\nFollow it here: ${f.link}\n\n${f.store}`,
            },
    "zh-CN": (f) =>
      f.reasons.length
        ? {
            subject: `${f.store}：请确认您的订单 ${f.orderRef}`,
            text: `${f.customer}，您好：\n\n在发货前，订单 ${f.orderRef} 需要您确认以下问题：\n${list(f.reasons)}${para(f.message)}\n\n请在此修改或确认：${f.link}\n\n${f.store}`,
          }
        : f.message
          ? {
              subject: `${f.store}：关于您的订单 ${f.orderRef}`,
              text: `${f.customer}，您好：\n\n订单 ${f.orderRef} 发货前：\n\n${f.message}\n\n查看订单：${f.link}\n\n${f.store}`,
            }
          : {
              subject: `${f.store}：我们正在核对您的订单 ${f.orderRef}`,
              text: `${f.customer}，您好：\n\n发货前，我们正在核对订单 ${f.orderRef} 的一些信息，您无需任何操作；发货后我们会通知您。\n\n查看订单：${f.link}\n\n${f.store}`,
            },
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
      text: `Hello ${f.customer},\n\nThe carrier reported a problem delivering order ${f.orderRef}: ${TROUBLE.en[f.exception ?? "other"]}. We are on it and will keep you posted.${trackingLine(f, "Tracking")}\n\n${f.link}\n\n${f.store}`,
    }),
    "zh-CN": (f) => ({
      subject: `${f.store}：订单 ${f.orderRef} 派送异常`,
      text: `${f.customer}，您好：\n\n承运商报告订单 ${f.orderRef} 派送异常：${TROUBLE["zh-CN"][f.exception ?? "other"]}。我们正在处理，并会及时告知您。${trackingLine(f, "运单号")}\n\n${f.link}\n\n${f.store}`,
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
      text: `Hello ${f.customer},\n\nOrder ${f.orderRef} has been cancelled${f.message ? `: ${f.message}` : "."}\nIf you paid, the refund follows.\n\n${f.link}\n\n${f.store}`,
    }),
    "zh-CN": (f) => ({
      subject: `${f.store}：订单 ${f.orderRef} 已取消`,
      text: `${f.customer}，您好：\n\n订单 ${f.orderRef} 已取消${f.message ? `：${f.message}` : "。"}\n如已付款，退款将原路退回。\n\n${f.link}\n\n${f.store}`,
    }),
  },
};

const KIND_EN: Record<string, string> = { return: "return", exchange: "exchange", refund: "refund request", claim: "claim" };
const KIND_ZH: Record<string, string> = { return: "退货申请", exchange: "换货申请", refund: "退款申请", claim: "售后申诉" };
const RESOLUTION_EN: Record<string, string> = { refund: "refunded", replacement: "sent a replacement", repair: "repaired it", no_action: "closed it without further action" };
const RESOLUTION_ZH: Record<string, string> = { refund: "已退款", replacement: "已补发", repair: "已维修", no_action: "已处理完毕" };
const kindEn = (f: MessageFacts) => KIND_EN[f.request?.kind ?? ""] ?? "request";
const kindZh = (f: MessageFacts) => KIND_ZH[f.request?.kind ?? ""] ?? "售后申请";
/** The staff's words under their label: "Why: …", "原因：…". */
const noteLine = (f: MessageFacts, label: string) => (f.message ? `\n\n${labelled(label)}${f.message}` : "");

/**
 * Answers to a customer's own after-sales request. A customer who asked is
 * always answered, so these are not milestones a store turns on or off.
 */
export const AFTER_SALES_TEMPLATES: Record<string, Record<Language, Template>> = {
  "after_sales.opened": {
    en: (f) => ({
      subject: `${f.store}: we received your ${kindEn(f)} for ${f.orderRef}`,
      text: `Hello ${f.customer},\n\nWe received your ${kindEn(f)} for order ${f.orderRef} and will get back to you shortly.\n\n${f.link}\n\n${f.store}`,
    }),
    "zh-CN": (f) => ({
      subject: `${f.store}：已收到订单 ${f.orderRef} 的${kindZh(f)}`,
      text: `${f.customer}，您好：\n\n我们已收到您对订单 ${f.orderRef} 的${kindZh(f)}，会尽快处理并回复您。\n\n${f.link}\n\n${f.store}`,
    }),
  },
  "after_sales.accepted": {
    en: (f) => ({
      subject: `${f.store}: your ${kindEn(f)} for ${f.orderRef} is accepted`,
      text: `Hello ${f.customer},\n\nYour ${kindEn(f)} for order ${f.orderRef} is accepted.${noteLine(f, "Next steps")}\n\n${f.link}\n\n${f.store}`,
    }),
    "zh-CN": (f) => ({
      subject: `${f.store}：订单 ${f.orderRef} 的${kindZh(f)}已受理`,
      text: `${f.customer}，您好：\n\n您对订单 ${f.orderRef} 的${kindZh(f)}已受理。${noteLine(f, "后续步骤")}\n\n${f.link}\n\n${f.store}`,
    }),
  },
  "after_sales.rejected": {
    en: (f) => ({
      subject: `${f.store}: about your ${kindEn(f)} for ${f.orderRef}`,
      text: `Hello ${f.customer},\n\nWe are sorry, we cannot accept your ${kindEn(f)} for order ${f.orderRef}.${noteLine(f, "Why")}\n\n${f.link}\n\n${f.store}`,
    }),
    "zh-CN": (f) => ({
      subject: `${f.store}：关于订单 ${f.orderRef} 的${kindZh(f)}`,
      text: `${f.customer}，您好：\n\n很抱歉，您对订单 ${f.orderRef} 的${kindZh(f)}未能通过。${noteLine(f, "原因")}\n\n${f.link}\n\n${f.store}`,
    }),
  },
  "after_sales.resolved": {
    en: (f) => ({
      subject: `${f.store}: your ${kindEn(f)} for ${f.orderRef} is resolved`,
      text: `Hello ${f.customer},\n\nYour ${kindEn(f)} for order ${f.orderRef} is resolved: we ${RESOLUTION_EN[f.request?.resolution ?? ""] ?? "resolved it"}${f.request?.refund ? ` (${f.request.refund})` : ""}.${noteLine(f, "Note")}\n\n${f.link}\n\n${f.store}`,
    }),
    "zh-CN": (f) => ({
      subject: `${f.store}：订单 ${f.orderRef} 的${kindZh(f)}已处理`,
      text: `${f.customer}，您好：\n\n您对订单 ${f.orderRef} 的${kindZh(f)}已处理：${RESOLUTION_ZH[f.request?.resolution ?? ""] ?? "已处理"}${f.request?.refund ? `（${f.request.refund}）` : ""}。${noteLine(f, "备注")}\n\n${f.link}\n\n${f.store}`,
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
  return (TEMPLATES[template] ?? AFTER_SALES_TEMPLATES[template])?.[language](facts) ?? null;
}
