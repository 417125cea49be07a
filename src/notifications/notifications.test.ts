import { describe, expect, it } from "vitest";
import { httpEmailProvider, localProvider, providerFor } from "./providers";
import { AFTER_SALES_TEMPLATES, LANGUAGES, pickLanguage, render, TEMPLATES, type MessageFacts } from "./templates";

const facts: MessageFacts = {
  store: "Tea House",
  customer: "Li Wei",
  orderRef: "#1001",
  total: "51.00 USD",
  link: "https://orders.example/o/abc",
  reasons: ["Postal code looks wrong"],
  message: null,
  tracking: { number: "9400136208303389427536", url: "https://t.example/9400", carrier: "usps" },
};

describe("templates", () => {
  it("exist for every milestone in every language, and carry the link", () => {
    for (const [template, byLanguage] of Object.entries({ ...TEMPLATES, ...AFTER_SALES_TEMPLATES })) {
      for (const lang of LANGUAGES) {
        const r = byLanguage[lang](facts);
        expect(r.subject, `${template} ${lang}`).toContain("#1001");
        expect(r.text, `${template} ${lang}`).toContain(facts.link);
      }
    }
  });

  it("puts staff's words after their label, with a full-width colon in Chinese", () => {
    const resolved = { ...facts, message: "Refunded in full.", request: { kind: "return", resolution: "refund", refund: "12.50 USD" } };
    expect(AFTER_SALES_TEMPLATES["after_sales.resolved"]!.en(resolved).text).toContain("\n\nNote: Refunded in full.");
    expect(AFTER_SALES_TEMPLATES["after_sales.resolved"]!["zh-CN"]({ ...resolved, message: "已全额退款。" }).text).toContain("\n\n备注：已全额退款。");
  });

  it("a hold lists what to fix; a shipment its tracking; in Chinese too", () => {
    expect(render("order.on_hold", "en", facts)!.text).toContain("- Postal code looks wrong");
    expect(render("order.on_hold", "zh-CN", facts)!.subject).toBe("Tea House：请确认您的订单 #1001");
    expect(render("order.shipped", "en", facts)!.text).toContain("Tracking: 9400136208303389427536 (https://t.example/9400)");
    expect(render("order.shipped", "zh-CN", facts)!.text).toContain("运单号：9400136208303389427536");
    expect(render("order.unknown", "en", facts)).toBeNull();
  });

  it("a hold with nothing for the customer to do tells them so; staff's message for the customer is passed on as written", () => {
    const checking = render("order.on_hold", "en", { ...facts, reasons: [] })!;
    expect(checking.subject).toBe("Tea House: we are checking your order #1001");
    expect(checking.text).toContain("There is nothing you need to do");
    expect(render("order.on_hold", "zh-CN", { ...facts, reasons: [] })!.text).toContain("您无需任何操作");
    const written = render("order.on_hold", "zh-CN", { ...facts, reasons: [], message: "请回复您的门牌号。" })!;
    expect(written.text).toContain("请回复您的门牌号。");
    expect(written.text).not.toContain("无需任何操作");
    expect(render("order.on_hold", "en", { ...facts, message: "Or call us." })!.text).toContain("- Postal code looks wrong\n\nOr call us.");
  });

  it("a parcel's trouble is told in our words per language", () => {
    expect(render("shipment.exception", "en", { ...facts, exception: "returned_to_sender" })!.text).toContain(
      "a problem delivering order #1001: the parcel is on its way back to us.",
    );
    expect(render("shipment.exception", "zh-CN", { ...facts, exception: "failed_attempt" })!.text).toContain("派送异常：快递员未能成功投递。");
    expect(render("shipment.exception", "en", { ...facts, exception: null })!.text).toContain("the parcel is held up on its way.");
  });

  it("after-sales answers name the request and how it was resolved", () => {
    const refund = { ...facts, request: { kind: "return", resolution: "refund", refund: "19.90 USD" }, message: "Thanks for sending it back" };
    expect(render("after_sales.resolved", "en", refund)!.text).toContain("Your return for order #1001 is resolved: we refunded (19.90 USD).");
    expect(render("after_sales.resolved", "en", refund)!.text).toContain("Note: Thanks for sending it back");
    expect(render("after_sales.resolved", "zh-CN", refund)!.text).toContain("退货申请已处理：已退款（19.90 USD）");
    const rejected = { ...facts, request: { kind: "claim", resolution: null, refund: null }, message: "The seal was intact" };
    expect(render("after_sales.rejected", "en", rejected)!.text).toContain("cannot accept your claim for order #1001.\n\nWhy: The seal was intact");
    expect(render("after_sales.opened", "zh-CN", rejected)!.subject).toBe("Tea House：已收到订单 #1001 的售后申诉");
  });

  it("picks the order's language, then the store's, then English", () => {
    expect(pickLanguage("zh-CN", "en")).toBe("zh-CN");
    expect(pickLanguage("zh", "en")).toBe("zh-CN");
    expect(pickLanguage("zh-Hans-CN", "en")).toBe("zh-CN");
    expect(pickLanguage("fr-FR", "zh-CN")).toBe("zh-CN");
    expect(pickLanguage(null, "en")).toBe("en");
    expect(pickLanguage("de", "de")).toBe("en");
  });
});

describe("providers", () => {
  const message = { id: "obx_1", to: "li@example.com", subject: "Hi", text: "Body" };

  it("the HTTP email provider posts the message with its id as idempotency key", async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const provider = httpEmailProvider({
      endpoint: "https://mail.example/send",
      apiKey: "k",
      from: "shop@example.com",
      fetcher: async (url, init) => {
        calls.push({ url: String(url), init: init! });
        return Response.json({ id: "msg_42" });
      },
    });
    expect(await provider.send(message)).toEqual({ ok: true, providerRef: "msg_42" });
    expect(calls[0]!.url).toBe("https://mail.example/send");
    const headers = new Headers(calls[0]!.init.headers);
    expect(headers.get("authorization")).toBe("Bearer k");
    expect(headers.get("idempotency-key")).toBe("obx_1");
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ from: "shop@example.com", to: "li@example.com", subject: "Hi", text: "Body" });
  });

  it("retries what may pass (429, 5xx, network) and records what will not (4xx)", async () => {
    const answering = (status: number) => httpEmailProvider({ endpoint: "https://m", apiKey: "k", from: "f", fetcher: async () => new Response("nope", { status }) });
    await expect(answering(503).send(message)).rejects.toThrow("503");
    await expect(answering(429).send(message)).rejects.toThrow("429");
    expect(await answering(422).send(message)).toMatchObject({ ok: false, permanent: true, error: expect.stringContaining("422") });
    const offline = httpEmailProvider({
      endpoint: "https://m",
      apiKey: "k",
      from: "f",
      fetcher: async () => {
        throw new TypeError("network down");
      },
    });
    await expect(offline.send(message)).rejects.toThrow("network down");
  });

  it("is chosen by configuration: local by default, http with its endpoint and key", () => {
    expect(providerFor({})).toBe(localProvider);
    expect(providerFor({ NOTIFY_PROVIDER: "http", NOTIFY_HTTP_ENDPOINT: "https://m", NOTIFY_HTTP_API_KEY: "k" }).name).toBe("http");
    expect(() => providerFor({ NOTIFY_PROVIDER: "http" })).toThrow("NOTIFY_HTTP_ENDPOINT");
  });
});
