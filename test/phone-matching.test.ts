/**
 * One customer's phone, however it was typed: the blocklist stores and
 * compares phone numbers in international form, read in the order's
 * destination country; masked receiver numbers of Chinese marketplaces are
 * valid and keep their extension.
 */
import { env } from "./shard-env";
import { beforeAll, describe, expect, it } from "vitest";
import { resealPii } from "../src/db/reseal-pii";
import { api, auditedOrder, createProduct, createStore, orderBody, unique } from "./helpers";

let store: { id: string };

const US = { name: "Ada Lovelace", line1: "1 Market St", city: "San Francisco", region: "CA", postal_code: "94105", country: "US" };
const CN = { name: "李雷", line1: "人民路 1 号", city: "上海", region: "上海市", postal_code: "200001", country: "CN" };

const order = (phone: string, address = US, over: Record<string, unknown> = {}) =>
  orderBody(store.id, {
    payment_status: "paid",
    customer: { name: "Ada", email: `${unique("ada")}@example.com`, phone },
    shipping_address: address,
    lines: [{ sku: "TEA-1", quantity: 1, unit_price: "12.50" }],
    shipping_amount: "0",
    ...over,
  });

const audited = auditedOrder;

const block = (body: Record<string, unknown>) => api(`/v1/stores/${store.id}/blocklist`, { body: { kind: "phone", ...body } });

beforeAll(async () => {
  store = await createStore(unique("phones"), "USD", { autoAudit: true });
  await createProduct(store.id, "TEA-1", { price: "12.50" });
});

describe("the blocklist compares phones in international form", () => {
  it("a number blocked as typed nationally matches the same number typed internationally", async () => {
    const b = await block({ phone: "(415) 555-0177", country: "US" });
    expect(b.status).toBe(201);
    expect(b.body.value).toBe("+14155550177");
    expect(await audited(order("+1 415.555.0177"))).toMatchObject({ status: "cancelled", status_reason: "The customer's phone is blocked" });
    expect(await audited(order("415 555 0177"))).toMatchObject({ status: "cancelled" });
    expect((await audited(order("+1 415 555 0178"))).status).toBe("approved");
  });

  it("refuses a national number without its country, writing nothing", async () => {
    const before = await env.DB.prepare("SELECT COUNT(*) AS n FROM blocklist_entries WHERE store_id = ?").bind(store.id).first<{ n: number }>();
    const r = await block({ phone: "415 555 0199" });
    expect(r.status).toBe(422);
    expect(r.headers.get("content-type")).toBe("application/problem+json");
    expect(r.body.errors.map((e: any) => e.field)).toEqual(["country"]);
    expect((await block({ phone: "+1 415 555 0199", country: "us" })).status).toBe(422);
    const after = await env.DB.prepare("SELECT COUNT(*) AS n FROM blocklist_entries WHERE store_id = ?").bind(store.id).first<{ n: number }>();
    expect(after!.n).toBe(before!.n);
  });

  it("the same number in two typings is one entry", async () => {
    expect((await block({ phone: "020 7946 0958", country: "GB" })).body.value).toBe("+442079460958");
    const again = await block({ phone: "+44 (0)20 7946 0958" });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("already_blocked");
  });

  it("entries stored as typed before phones were parsed still match a number typed the same way", async () => {
    await env.DB.prepare("INSERT INTO blocklist_entries (id, store_id, kind, value, note, created_by, created_at) VALUES (?, ?, 'phone', '4155550166', NULL, 'test', ?)")
      .bind(`blk_${unique("legacy")}`, store.id, Date.now())
      .run();
    // Rows from before encryption are sealed and indexed by the hourly re-encryption job; run it as it would.
    await resealPii(env, { limit: 500 });
    expect((await audited(order("(415) 555-0166"))).status).toBe("cancelled");
  });
});

describe("masked receiver numbers of Chinese marketplaces", () => {
  // Each its own buyer (extension): one buyer ordering the same items twice would be held as a duplicate.
  it.each(["13800138000-1001", "13800138000转1002", "13800138000#1003", "+86 138 0013 8000-1004"])("%s is a valid contact, not held", async (phone) => {
    const o = await audited(order(phone, CN));
    expect(o.status, o.status_reason).toBe("approved");
    const audits = (await api(`/v1/orders/${o.id}/audits`)).body.data;
    expect(audits[0].findings.map((f: any) => f.code)).not.toContain("phone_invalid");
  });

  it("two extensions of one virtual number are two customers", async () => {
    expect((await block({ phone: "13800138000-4321", country: "CN" })).body.value).toBe("+8613800138000;ext=4321");
    expect((await audited(order("13800138000-8765", CN))).status).toBe("approved");
    expect((await audited(order("138 0013 8000转4321", CN))).status).toBe("cancelled");
  });
});

describe("duplicate orders", () => {
  // Duplicates are looked up by the keyed index of the normalised phone, so typings do not hide a customer.
  it("the same customer typing their phone two ways is still the same customer", async () => {
    const email = null;
    const first = await audited(
      order("+1 (415) 555-0100", US, { customer: { name: "Ada", email, phone: "+1 (415) 555-0100" }, lines: [{ sku: "TEA-1", quantity: 7, unit_price: "12.50" }] }),
    );
    expect(first.status).toBe("approved");
    const second = await audited(
      order("+14155550100", US, { customer: { name: "Ada", email, phone: "+14155550100" }, lines: [{ sku: "TEA-1", quantity: 7, unit_price: "12.50" }] }),
    );
    expect(second).toMatchObject({ status: "on_hold", status_reason: expect.stringContaining(first.id) });
  });
});
