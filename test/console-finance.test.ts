/**
 * The finance screens: the daily finance summary and its CSV, an order's
 * Ledger card, and settlements (importing a payout file, a refused file
 * naming its rows, the worklist of unmatched rows and resolving one, once).
 * Who sees what: the tab, the card and the buttons only for those who may,
 * and the 403 page for a direct request without the permission. Both
 * languages.
 */
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createOrder, createProduct, createStore, unique } from "./helpers";
import { flashOf, openPage, type Page, postForm, signedIn, textOf } from "./console-helpers";
import { caughtUp } from "./rollup-fixtures";
import { stripeFile } from "./settlement-file.mjs";
import { ORIGIN } from "./staff-helpers";
import { dbOf } from "./shard-helpers";

const ZH = { cookie: "oms_console_lang=zh-CN" };
type Session = Awaited<ReturnType<typeof signedIn>>["session"];

let store: { id: string };
let sku: string;

beforeAll(async () => {
  store = await createStore(unique("Console Books"));
  sku = unique("SKU");
  await createProduct(store.id, sku);
});

const today = () => new Date().toISOString().slice(0, 10);

/** A paid order of the store (10.00 a unit), its capture and fee reported with a charge id. */
async function paidOrder(storeId: string, o: { channel?: string; quantity?: number; fee?: string; reference?: string } = {}) {
  const order = await createOrder(storeId, {
    channel: o.channel ?? "web",
    lines: [{ sku, quantity: o.quantity ?? 1, unit_price: "10.00" }],
    shipping_amount: "0",
    payment_status: "unpaid",
  });
  const reference = o.reference ?? `ch_${order.id}`;
  const r = await api(`/v1/orders/${order.id}/payment`, { body: { payment_status: "paid", reference, ...(o.fee ? { fee: o.fee } : {}) } });
  if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  const e = await (await dbOf({ store: storeId }))
    .prepare("SELECT amount, created_at FROM ledger_entries WHERE order_id = ? AND kind = 'captured'")
    .bind(order.id)
    .first<{ amount: number; created_at: number }>();
  return { orderId: order.id as string, reference, amount: e!.amount, at: e!.created_at };
}

/** The import form posted as a browser does: multipart, with the file. */
async function upload(session: Session, fields: { store_id: string; format: string }, csv: string | null, headers: Record<string, string> = {}): Promise<Page> {
  const body = new FormData();
  body.set("_csrf", session.csrf);
  body.set("store_id", fields.store_id);
  body.set("format", fields.format);
  if (csv !== null) body.set("file", new File([csv], "payout.csv", { type: "text/csv" }));
  const res = await exports.default.fetch(`${ORIGIN}/console/finance/settlements`, {
    method: "POST",
    headers: { origin: ORIGIN, cookie: [session.cookie, headers.cookie].filter(Boolean).join("; ") },
    body,
    redirect: "manual",
  });
  return { status: res.status, html: await res.text(), location: res.headers.get("location"), headers: res.headers };
}

const settlementsOf = async (storeId: string) =>
  (await dbOf({ store: storeId }))
    .prepare("SELECT count(*) AS n FROM settlements WHERE store_id = ?")
    .bind(storeId)
    .first<{ n: number }>()
    .then((r) => r!.n);

/** A Stripe file of three captures of a fresh store, paid out exactly, plus one charge nobody recorded. */
async function importedSettlement(session: Session) {
  const s = await createStore(unique("Payouts"));
  await createProduct(s.id, sku);
  const captures = [await paidOrder(s.id), await paidOrder(s.id, { quantity: 2 }), await paidOrder(s.id, { quantity: 3 })];
  const file = stripeFile({ captures, notOurs: 1 });
  const r = await upload(session, { store_id: s.id, format: "stripe_balance" }, file.csv);
  expect(r.status, r.html.slice(0, 500)).toBe(303);
  const id = /\/console\/finance\/settlements\/(stl_[0-9A-Z-]{26,27})$/.exec(r.location ?? "")?.[1];
  expect(id).toBeTruthy();
  return { store: s, id: id!, file, flash: flashOf(r.headers) };
}

describe("who sees finance", () => {
  it("finance and admin see the Finance tab with both the summary and settlements; the owner sees the summary only", async () => {
    for (const position of ["finance", "admin"]) {
      const { session } = await signedIn([position], { storeIds: [store.id] });
      const page = await openPage("/console/finance", session);
      expect(page.status, position).toBe(200);
      expect(page.html).toContain('href="/console/finance"');
      expect(page.html).toContain('href="/console/finance/settlements"');
      expect(page.html).toContain('href="/console/finance/gross-profit"');
      expect((await openPage("/console/finance/settlements", session)).status, position).toBe(200);
    }
    const { session } = await signedIn(["owner"], { storeIds: [store.id] });
    const page = await openPage("/console/finance", session);
    expect(page.status).toBe(200);
    expect(page.html).toContain('href="/console/finance"');
    expect(page.html).not.toContain('href="/console/finance/settlements"');
    expect(page.html).toContain('href="/console/finance/gross-profit"');
    expect((await openPage("/console/finance/gross-profit", session)).status).toBe(200);
    expect((await openPage("/console/finance/settlements", session)).status).toBe(403);
  });

  it("is refused, and absent from the menu, for positions without finance:read; their direct posts get the 403 page", async () => {
    const { id } = await importedSettlement((await signedIn(["finance"])).session);
    for (const position of ["analyst", "support", "auditor", "warehouse_lead", "picker", "logistics"]) {
      const { session } = await signedIn([position], { storeIds: [store.id] });
      for (const path of [
        "/console/finance",
        "/console/finance/summary.csv",
        "/console/finance/gross-profit",
        "/console/finance/gross-profit.csv",
        "/console/finance/settlements",
        `/console/finance/settlements/${id}`,
      ]) {
        const page = await openPage(path, session);
        expect(page.status, `${position} ${path}`).toBe(403);
        expect(page.html).not.toContain('href="/console/finance"');
      }
      expect((await upload(session, { store_id: store.id, format: "stripe_balance" }, "id,Type\n")).status, position).toBe(403);
      expect((await postForm(`/console/finance/settlements/${id}/lines/1/resolve`, session, { note: "sneaky" })).status, position).toBe(403);
    }
    // The owner reads the books but does not reconcile them.
    const { session } = await signedIn(["owner"]);
    const refused = await postForm(`/console/finance/settlements/${id}/lines/4/resolve`, session, { note: "sneaky" });
    expect(refused.status).toBe(403);
    expect(textOf(refused.html)).toContain("Not for your position");
    expect((await api(`/v1/settlements/${id}/lines?status=resolved`)).body.data).toEqual([]);
  });
});

describe("the daily finance summary", () => {
  it("shows revenue, fees and gross profit per day, store and channel, and links its CSV", async () => {
    const s = await createStore(unique("Daily Books"));
    await createProduct(s.id, sku);
    await paidOrder(s.id, { channel: "web", quantity: 2, fee: "0.88" });
    await paidOrder(s.id, { channel: "pos", quantity: 1, fee: "0.59" });
    await caughtUp();
    const { session } = await signedIn(["finance"], { storeIds: [s.id] });
    const day = today();
    const page = await openPage(`/console/finance?from=${day}&to=${day}&store=${s.id}`, session);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain("Daily finance summary");
    for (const word of ["Revenue", "Refunds", "Fees", "Shipping", "Cost of goods", "Gross profit"]) expect(text).toContain(word);
    // Per channel: web 20.00 - 0.88, pos 10.00 - 0.59.
    expect(text).toMatch(/web USD 1 \$20\.00 \$0\.00 -\$0\.88 \$0\.00 \$0\.00 \$19\.12/);
    expect(text).toMatch(/pos USD 1 \$10\.00 \$0\.00 -\$0\.59 \$0\.00 \$0\.00 \$9\.41/);
    const csvHref = /href="(\/console\/finance\/summary\.csv[^"]*)"/.exec(page.html)?.[1]?.replace(/&amp;/g, "&");
    expect(csvHref).toBe(`/console/finance/summary.csv?from=${day}&to=${day}&store=${s.id}`);
    const csv = await openPage(csvHref!, session);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.html).toContain("day,store_id,channel,currency,orders,revenue,refunds,fees,shipping,cost_of_goods,gross_profit");
    expect(csv.html).toContain(`${day},${s.id},web,USD,1,20.00,0.00,-0.88,0.00,0.00,19.12`);
    // Dates the wrong way round are said in words, and nothing is asked of the API.
    const bad = await openPage(`/console/finance?from=${day}&to=2020-01-01&store=${s.id}`, session);
    expect(bad.status).toBe(400);
    expect(textOf(bad.html)).toContain("The first day is after the last.");
  });

  it("reads in Chinese", async () => {
    const { session } = await signedIn(["finance"], { storeIds: [store.id] });
    const page = await openPage("/console/finance", session, ZH);
    expect(page.status).toBe(200);
    expect(page.html).toContain('lang="zh-CN"');
    const text = textOf(page.html);
    for (const word of ["每日财务汇总", "财务", "结算对账", "收入", "毛利"]) expect(text).toContain(word);
    expect(text).not.toContain("Daily finance summary");
    expect(text).not.toContain("Gross profit");
  });
});

describe("gross profit by SKU", () => {
  it("shows each SKU's share of the money and the order-level row, filters by SKU, links its CSV, and reads in Chinese", async () => {
    const s = await createStore(unique("SKU Books"));
    const [a, b] = [unique("GP-A"), unique("GP-B")];
    for (const x of [a, b]) await createProduct(s.id, x);
    // 2 × 10.00 + 1 × 5.00, 2.50 off, 4.00 shipping: 26.50. The discount comes off 20.00 : 5.00 as 2.00 and 0.50.
    const order = await createOrder(s.id, {
      lines: [
        { sku: a, quantity: 2, unit_price: "10.00" },
        { sku: b, quantity: 1, unit_price: "5.00" },
      ],
      discount_amount: "2.50",
      shipping_amount: "4.00",
      payment_status: "unpaid",
    });
    expect((await api(`/v1/orders/${order.id}/payment`, { body: { payment_status: "paid", fee: "0.50", reference: `ch_${order.id}` } })).status).toBe(200);
    await caughtUp();
    const { session } = await signedIn(["finance"], { storeIds: [s.id] });
    const day = today();
    const page = await openPage(`/console/finance/gross-profit?from=${day}&to=${day}&store=${s.id}`, session);
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/<a href="\/console\/finance\/gross-profit" aria-current="page">/);
    const text = textOf(page.html);
    expect(text).toContain("Gross profit by SKU");
    expect(text).toContain("Order level (shipping, tax, fees) USD 0 $4.00 $0.00 -$0.50 $0.00 $0.00 $3.50 87.5%");
    expect(text).toContain(`${a} USD 0 $18.00 $0.00 $0.00 $0.00 $0.00 $18.00 100%`);
    expect(text).toContain(`${b} USD 0 $4.50 $0.00 $0.00 $0.00 $0.00 $4.50 100%`);
    // One SKU asked for: its row alone.
    const one = textOf((await openPage(`/console/finance/gross-profit?from=${day}&to=${day}&store=${s.id}&sku=${b}`, session)).html);
    expect(one).toContain(`${b} USD`);
    expect(one).not.toContain(`${a} USD`);
    expect(one).not.toContain("Order level (shipping, tax, fees) USD");
    const csvHref = /href="(\/console\/finance\/gross-profit\.csv[^"]*)"/.exec(page.html)?.[1]?.replace(/&amp;/g, "&");
    expect(csvHref).toBe(`/console/finance/gross-profit.csv?from=${day}&to=${day}&store=${s.id}`);
    const csv = await openPage(csvHref!, session);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.html).toContain("sku,currency,units_shipped,revenue,refunds,fees,shipping,cost_of_goods,gross_profit,gross_margin");
    expect(csv.html).toContain(`${a},USD,0,18.00,0.00,0.00,0.00,0.00,18.00,1`);
    expect(csv.html).toContain(",USD,0,4.00,0.00,-0.50,0.00,0.00,3.50,0.875");
    // Dates the wrong way round are said in words.
    const bad = await openPage(`/console/finance/gross-profit?from=${day}&to=2020-01-01&store=${s.id}`, session);
    expect(bad.status).toBe(400);
    expect(textOf(bad.html)).toContain("The first day is after the last.");
    expect((await openPage(`/console/finance/gross-profit.csv?from=${day}&to=2020-01-01`, session)).status).toBe(400);
    // A SKU the API would refuse is said in words, and the API is not asked.
    const long = await openPage(`/console/finance/gross-profit?from=${day}&to=${day}&sku=${"X".repeat(65)}`, session);
    expect(long.status).toBe(400);
    const said = /<div[^>]*class="flash bad"[^>]*>([\s\S]*?)<\/div>/.exec(long.html)?.[1] ?? "";
    expect(textOf(said)).toBe("A SKU has 64 characters at most; ask for 100 SKUs at most.");
    expect(long.html).not.toContain("<table");
    const zh = await openPage(`/console/finance/gross-profit?from=${day}&to=${day}&store=${s.id}`, session, ZH);
    expect(zh.status).toBe(200);
    const zhText = textOf(zh.html);
    for (const word of ["按 SKU 的毛利", "订单级（运费、税费、手续费）", "已发货件数", "毛利率"]) expect(zhText).toContain(word);
    expect(zhText).not.toContain("Gross profit by SKU");
    expect(zhText).not.toContain("Order level");
  });
});

describe("the order's ledger card", () => {
  it("shows finance the entries and the gross profit per currency; positions without finance:read see no card", async () => {
    const p = await paidOrder(store.id, { quantity: 3, fee: "1.17" });
    const { session } = await signedIn(["finance"], { storeIds: [store.id] });
    const page = await openPage(`/console/orders/${p.orderId}`, session);
    expect(page.status).toBe(200);
    expect(page.html).toContain('id="ledger"');
    const text = textOf(page.html);
    expect(text).toContain("Ledger");
    expect(text).toMatch(/Captured Payment report ch_\S+ \$30\.00/);
    expect(text).toMatch(/Payment fee Payment report ch_\S+ -\$1\.17/);
    expect(page.html).toMatch(/data-gross-profit="USD">\$28\.83</);
    const zh = textOf((await openPage(`/console/orders/${p.orderId}`, session, ZH)).html);
    expect(zh).toContain("资金台账");
    expect(zh).toContain("支付手续费");
    expect(zh).toContain("毛利");
    for (const position of ["support", "analyst", "auditor"]) {
      const other = await openPage(`/console/orders/${p.orderId}`, (await signedIn([position], { storeIds: [store.id] })).session);
      expect(other.status, position).toBe(200);
      expect(other.html, position).not.toContain('id="ledger"');
    }
    // An order with nothing recorded says so.
    const unpaid = await createOrder(store.id, { lines: [{ sku, quantity: 1, unit_price: "10.00" }], payment_status: "unpaid" });
    expect(textOf((await openPage(`/console/orders/${unpaid.id}`, session)).html)).toContain("No money has been recorded for this order yet.");
  });
});

describe("correcting a ledger entry", () => {
  const feeOf = async (orderId: string) =>
    (await dbOf({ id: orderId }))
      .prepare("SELECT id FROM ledger_entries WHERE order_id = ? AND kind = 'payment_fee'")
      .bind(orderId)
      .first<{ id: string }>()
      .then((r) => r!.id);
  const corrections = async (orderId: string) =>
    (await dbOf({ id: orderId }))
      .prepare("SELECT amount, reason, reverses FROM ledger_entries WHERE order_id = ? AND source = 'correction' ORDER BY amount")
      .bind(orderId)
      .all<{ amount: number; reason: string; reverses: string | null }>()
      .then((r) => r.results);

  it("finance corrects a fee from the Ledger card: a confirm form, the reversal and the right amount, the entry no longer correctable", async () => {
    const p = await paidOrder(store.id, { fee: "2.16" });
    const fee = await feeOf(p.orderId);
    const { session } = await signedIn(["finance"], { storeIds: [store.id] });
    const page = await openPage(`/console/orders/${p.orderId}`, session);
    const link = `/console/orders/${p.orderId}/ledger/${fee}/correct`;
    expect(page.html).toContain(`href="${link}"`);
    const form = await openPage(link, session);
    expect(form.status).toBe(200);
    const text = textOf(form.html);
    expect(text).toContain("Correct a ledger entry");
    expect(text).toContain("Entries are never changed.");
    expect(text).toMatch(/Amount -\$2\.16/);
    expect(form.html).toContain('name="reason"');
    expect(form.html).toContain('name="amount"');
    const idem = /name="_idem" value="([^"]+)"/.exec(form.html)![1]!;
    // No reason: refused here, nothing written.
    const bare = await postForm(link, session, { amount: "1.90", _idem: idem });
    expect(bare.status).toBe(422);
    expect(textOf(bare.html)).toContain("Write the reason for the correction.");
    expect(bare.html).toContain('value="1.90"');
    // Too many decimals: the API's refusal in words, at the field, nothing written.
    const bad = await postForm(link, session, { reason: "Stripe says 1.90", amount: "1.905", _idem: idem });
    expect(bad.status).toBe(422);
    expect(textOf(bad.html)).toContain("Write the amount as a number in USD, like 12.50, with at most 2 decimals.");
    expect(bad.html).toContain('aria-invalid="true"');
    expect(await corrections(p.orderId)).toEqual([]);
    // Done, and a double submit of the same form records nothing more.
    const done = await postForm(link, session, { reason: "Stripe says 1.90", amount: "1.90", _idem: `${idem}-2` });
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/console/orders/${p.orderId}#ledger`);
    expect(flashOf(done.headers)).toEqual({ kind: "ok", text: "Corrected: the entry is reversed and -$1.90 recorded." });
    expect((await postForm(link, session, { reason: "Stripe says 1.90", amount: "1.90", _idem: `${idem}-2` })).status).toBe(303);
    expect(await corrections(p.orderId)).toEqual([
      { amount: -190, reason: "Stripe says 1.90", reverses: null },
      { amount: 216, reason: "Stripe says 1.90", reverses: fee },
    ]);
    const after = await openPage(`/console/orders/${p.orderId}`, session);
    expect(after.html).not.toContain(`href="${link}"`);
    expect(textOf(after.html)).toContain("Reversed");
    expect(textOf(after.html)).toContain("Stripe says 1.90");
    expect(after.html).toMatch(/data-gross-profit="USD">\$8\.10</);
    // A second person's form, drawn before: the API's 409 in words.
    const late = await postForm(link, session, { reason: "me too", _idem: "another" });
    expect(late.status).toBe(409);
    expect(textOf(late.html)).toContain("This entry cannot be corrected");
  });

  it("reads in Chinese", async () => {
    const p = await paidOrder(store.id, { fee: "0.50" });
    const fee = await feeOf(p.orderId);
    const { session } = await signedIn(["finance"], { storeIds: [store.id] });
    const link = `/console/orders/${p.orderId}/ledger/${fee}/correct`;
    const zh = textOf((await openPage(link, session, ZH)).html);
    expect(zh).toContain("更正台账记录");
    expect(zh).toContain("正确金额（可选）");
    expect(zh).toContain("冲销并记录");
    const r = await postForm(link, session, { reason: "错了", amount: "0.405", _idem: "zh-1" }, { headers: ZH });
    expect(r.status).toBe(422);
    expect(textOf(r.html)).toContain("请以 USD 填写数字，如 12.50，最多 2 位小数。");
    const ok = await postForm(link, session, { reason: "错了" }, { headers: ZH });
    expect(ok.status).toBe(303);
    expect(flashOf(ok.headers)?.text).toBe("已更正：原记录已冲销。");
  });

  it("is offered to finance and admin only: the owner reads the ledger without the link, and a direct request is refused", async () => {
    const p = await paidOrder(store.id, { fee: "0.30" });
    const fee = await feeOf(p.orderId);
    const link = `/console/orders/${p.orderId}/ledger/${fee}/correct`;
    const owner = (await signedIn(["owner"], { storeIds: [store.id] })).session;
    const page = await openPage(`/console/orders/${p.orderId}`, owner);
    expect(page.html).toContain('id="ledger"');
    expect(page.html).not.toContain(link);
    expect((await openPage(link, owner)).status).toBe(403);
    expect((await postForm(link, owner, { reason: "x" })).status).toBe(403);
    const elsewhere = (await signedIn(["finance"], { storeIds: [(await createStore(unique("Elsewhere"))).id] })).session;
    expect((await openPage(link, elsewhere)).status).toBe(404);
    expect((await postForm(link, elsewhere, { reason: "x" })).status).toBe(404);
    expect(await corrections(p.orderId)).toEqual([]);
    const admin = (await signedIn(["admin"])).session;
    expect((await openPage(`/console/orders/${p.orderId}`, admin)).html).toContain(link);
  });
});

describe("settlements", () => {
  it("imports a payout file and lands on its page; the same file again opens the first import", async () => {
    const { session } = await signedIn(["finance"]);
    const s = await importedSettlement(session);
    expect(s.flash).toEqual({ kind: "ok", text: `Imported and matched: ${s.file.lines} rows, 1 to work.` });
    const again = await upload(session, { store_id: s.store.id, format: "stripe_balance" }, s.file.csv);
    expect(again.status).toBe(303);
    expect(again.location).toBe(`/console/finance/settlements/${s.id}`);
    expect(flashOf(again.headers)).toEqual({ kind: "warn", text: "This file was imported before: here is that import." });
    expect(await settlementsOf(s.store.id)).toBe(1);
    const list = await openPage("/console/finance/settlements", session);
    expect(list.status).toBe(200);
    expect(list.html).toContain(`href="/console/finance/settlements/${s.id}"`);
    expect(list.html).toContain('enctype="multipart/form-data"');
    // Its rows are matched, one still to work: "Matched", not a "Reconciled" that reads as finished.
    const page = textOf((await openPage(`/console/finance/settlements/${s.id}`, session)).html);
    expect(page).toContain("Matched");
    expect(page).not.toContain("Reconciled");
  });

  it("refuses a file with bad rows, naming them in both languages, and keeps nothing", async () => {
    const { session } = await signedIn(["finance"]);
    const s = await createStore(unique("Refused"), "JPY");
    const header = "id,Type,Source,Amount,Fee,Net,Currency,Created (UTC)";
    const csv = `${header}\ntxn_1,charge,ch_1,1500,45,1455,jpy,2026-11-20 09:14\ntxn_2,charge,ch_2,1500.5,45,1455.5,jpy,2026-11-20 09:15\ntxn_3,charge,ch_3,100,3,97,xx,2026-11-20 09:16\n`;
    const r = await upload(session, { store_id: s.id, format: "stripe_balance" }, csv);
    expect(r.status).toBe(422);
    const text = textOf(r.html);
    expect(text).toContain("The file was not imported and nothing was kept.");
    expect(text).toContain("Row 2: amount: JPY has 0 decimal places; got 1");
    expect(text).toContain('Row 3: currency "xx" is not an ISO 4217 code');
    const zh = textOf((await upload(session, { store_id: s.id, format: "stripe_balance" }, csv, ZH)).html);
    expect(zh).toContain("文件未导入，未保存任何内容。");
    expect(zh).toContain("第 2 行：金额：JPY 只有 0 位小数，此处为 1 位");
    expect(zh).toContain("第 3 行：币种“xx”不是 ISO 4217 代码");
    // The wrong format's header, and no file at all.
    const wrong = textOf((await upload(session, { store_id: s.id, format: "shopify_payouts" }, csv)).html);
    expect(wrong).toMatch(/The file: the header lacks .*shopify_payouts/);
    const none = await upload(session, { store_id: s.id, format: "stripe_balance" }, null);
    expect(none.status).toBe(400);
    expect(textOf(none.html)).toContain("Choose the CSV file to import.");
    expect(await settlementsOf(s.id)).toBe(0);
  });

  it("lists the unmatched rows to work, resolves one with a note (once), and shows who resolved it", async () => {
    const { user, session } = await signedIn(["finance"]);
    const s = await importedSettlement(session);
    const page = await openPage(`/console/finance/settlements/${s.id}`, session);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain("Rows per status");
    expect(page.html).toMatch(/data-count="matched">[\s\S]*?<span class="badge">3<\/span>/);
    expect(page.html).toMatch(/data-count="not_ours">[\s\S]*?<span class="badge">1<\/span>/);
    // The worklist: the one charge nobody recorded, with its form; matched rows are not in it.
    const lines = [...page.html.matchAll(/data-line="(\d+)" data-status="(\w+)"/g)].map((m) => [Number(m[1]), m[2]]);
    expect(lines).toEqual([[4, "not_ours"]]);
    expect(page.html).toContain(`action="/console/finance/settlements/${s.id}/lines/4/resolve"`);
    // A note is required.
    const empty = await postForm(`/console/finance/settlements/${s.id}/lines/4/resolve`, session, { note: "  " });
    expect(empty.status).toBe(422);
    expect(textOf(empty.html)).toContain("Write a note: what you found and what was done.");
    const done = await postForm(`/console/finance/settlements/${s.id}/lines/4/resolve`, session, { note: "A test charge from the Stripe dashboard", status: "unmatched" });
    expect(done.status).toBe(303);
    expect(flashOf(done.headers)).toEqual({ kind: "ok", text: "Row 4 resolved." });
    expect(textOf((await openPage(`/console/finance/settlements/${s.id}`, session)).html)).toContain("No rows with this status.");
    const resolved = textOf((await openPage(`/console/finance/settlements/${s.id}?status=resolved`, session)).html);
    expect(resolved).toMatch(new RegExp(`Resolved by ${user.displayName}, .+: A test charge from the Stripe dashboard`));
    // A second resolution (another tab, another person) is refused in words; the first note stands.
    const other = await signedIn(["finance"]);
    const twice = await postForm(`/console/finance/settlements/${s.id}/lines/4/resolve`, other.session, { note: "Me too" });
    expect(twice.status).toBe(303);
    expect(flashOf(twice.headers)).toEqual({ kind: "bad", text: "Row 4: Someone already dealt with it." });
    const line = (await api(`/v1/settlements/${s.id}/lines?status=resolved`)).body.data[0];
    expect(line).toMatchObject({ line_no: 4, resolution_note: "A test charge from the Stripe dashboard", resolved_by: user.id });
    // In Chinese.
    const zh = textOf((await openPage(`/console/finance/settlements/${s.id}?status=resolved`, session, ZH)).html);
    expect(zh).toContain(`结算单 ${s.id}`);
    expect(zh).toContain("各状态行数");
    expect(zh).toMatch(new RegExp(`${user.displayName} 于 .+ 处理：A test charge from the Stripe dashboard`));
    expect(zh).not.toContain("Rows per status");
  });
});
