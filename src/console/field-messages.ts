/**
 * The API's field messages in Chinese, for the console's Chinese pages.
 *
 * The API speaks English. Most of what a person meets when a form is refused
 * is the validator's own phrasing (zod's English messages, which follow a
 * fixed pattern per issue kind) or one of a few messages of ours that many
 * forms share; those are said in Chinese here. Anything else stays in the
 * API's English rather than being guessed at.
 */

const TYPE_ZH: Record<string, string> = { string: "文本", number: "数字", boolean: "是或否", array: "列表", object: "对象", date: "日期", int: "整数" };
const typeZh = (t: string) => TYPE_ZH[t] ?? t;

/** [English pattern, its Chinese], first match wins. */
const PATTERNS: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^Invalid input: expected \w+, received undefined$/, () => "必填"],
  [/^Invalid input: expected (\w+), received \w+$/, (m) => `应为${typeZh(m[1]!)}`],
  [/^Invalid input: expected (.+)$/, (m) => `应为 ${m[1]}`],
  [/^Invalid option: expected one of (.+)$/, (m) => `请从以下选择：${m[1]!.replace(/"/g, "").split("|").join("、")}`],
  [/^Too small: expected string to have >=1 characters$/, () => "不能为空"],
  [/^Too small: expected string to have (?:>=|exactly )?(\d+) characters$/, (m) => `至少 ${m[1]} 个字符`],
  [/^Too big: expected string to have (?:<=|exactly )?(\d+) characters$/, (m) => `最多 ${m[1]} 个字符`],
  [/^Too small: expected array to have >=(\d+) items$/, (m) => `至少 ${m[1]} 项`],
  [/^Too big: expected array to have <=(\d+) items$/, (m) => `最多 ${m[1]} 项`],
  [/^Too small: expected (?:number|int|bigint) to be >=(-?[\d.]+)$/, (m) => `不能小于 ${m[1]}`],
  [/^Too small: expected (?:number|int|bigint) to be >(-?[\d.]+)$/, (m) => `必须大于 ${m[1]}`],
  [/^Too big: expected (?:number|int|bigint) to be <=(-?[\d.]+)$/, (m) => `不能大于 ${m[1]}`],
  [/^Too big: expected (?:number|int|bigint) to be <(-?[\d.]+)$/, (m) => `必须小于 ${m[1]}`],
  [/^Invalid email address$/, () => "邮箱地址格式不正确"],
  [/^Invalid URL$/, () => "网址格式不正确"],
  [/^Invalid (?:ISO )?(?:datetime|date)$/, () => "日期格式不正确"],
  [/^Invalid string: must match pattern .+$/, () => "格式不正确"],
  [/^Invalid number: must be a multiple of (.+)$/, (m) => `必须是 ${m[1]} 的倍数`],
  [/^Unrecognized keys?: (.+)$/, (m) => `不能在此修改：${m[1]!.replace(/"/g, "")}`],
  [/^Invalid input$/, () => "输入无效"],
];

/** Messages of ours that many forms share. */
const OURS: Record<string, string> = {
  "give at least one field to change": "请至少修改一项",
  "name at least one field to change": "请至少修改一项",
  "no such store": "没有这个店铺",
  "no such warehouse": "没有这个仓库",
  "is not a cursor from this list": "不是此列表的翻页位置",
  "must be a shipment id": "必须是发货单号",
  "must be an order id": "必须是订单号",
  "must be a phone number": "必须是电话号码",
  "must be an ISO 3166-1 alpha-2 country code": "必须是两位国家代码（如 CN、US）",
  "must be an ISO 3166-1 alpha-2 country code such as US": "必须是两位国家代码（如 CN、US）",
  "not an ISO 4217 currency": "不是有效的货币代码",
  "not an amount in this currency": "不是该货币的有效金额",
  "must be after from": "必须晚于开始日期",
  "give carrier and service together": "承运商和服务需同时填写",
  "is not right": "不正确",
  "must be a currency code": "必须是货币代码（如 CNY、USD）",
};

/** One API field message in Chinese, or the English as it came when we have no words for it. */
export function zhFieldMessage(message: string): string {
  const ours = OURS[message];
  if (ours) return ours;
  for (const [re, say] of PATTERNS) {
    const m = re.exec(message);
    if (m) return say(m);
  }
  return message;
}

/** A validation detail ("field: message; field: message") with each message in Chinese. */
export function zhValidationDetail(detail: string): string {
  return detail
    .split("; ")
    .map((part) => {
      const at = part.indexOf(": ");
      return at > 0 ? `${part.slice(0, at)}：${zhFieldMessage(part.slice(at + 2))}` : zhFieldMessage(part);
    })
    .join("；");
}
