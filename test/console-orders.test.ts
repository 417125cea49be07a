/**
 * The console's order screens as a browser uses them: the list's filters, search, pages, saved views and bulk
 * actions, and one order's page with exactly the buttons its state and the reader's position allow.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { flashOf, openPage, postForm, signedIn, textOf } from "./console-helpers";
import { api, createOrder, createStore, transition, unique } from "./helpers";
import { asPerson } from "./staff-helpers";

let store: { id: string };
let held: { id: string };
let kettle: { id: string };
let cheap: { id: string };
const email = `${unique("lin")}@example.com`;
const ext = unique("EXT");

const listOf = (query: string, session: { cookie: string }) => openPage(`/console/orders?store_id=${store.id}&${query}`, session);
const idsIn = (html: string) => [...html.matchAll(/name="ids" value="(ord_[0-9A-Z-]{26,27})"/g)].map((m) => m[1]).sort();

beforeAll(async () => {
  store = await createStore(unique("console-orders"));
  held = await createOrder(store.id, { external_id: ext, lines: [{ sku: "MUG-1", quantity: 1, unit_price: "8.00" }], shipping_amount: "0" });
  expect((await transition(held.id, "hold", { reason: "call the customer" })).status).toBe(200);
  kettle = await createOrder(store.id, {
    channel: "pos",
    customer: { name: "Lin Wei", email },
    lines: [{ sku: "KETTLE-1", quantity: 2, unit_price: "60.00" }],
    shipping_amount: "0",
  });
  cheap = await createOrder(store.id, { lines: [{ sku: "TEA-1", quantity: 1, unit_price: "3.00" }], shipping_amount: "0" });
});

describe("the order list", () => {
  it("shows each order's row to the positions that read orders, and refuses a picker", async () => {
    for (const position of ["admin", "owner", "support", "auditor"]) {
      const { session } = await signedIn([position]);
      const page = await listOf("", session);
      expect(page.status, position).toBe(200);
      expect(idsIn(page.html)).toEqual([held.id, kettle.id, cheap.id].sort());
      expect(page.headers.get("server-timing")).toMatch(/^total;dur=\d+(\.\d+)?$/);
    }
    const text = textOf((await listOf("", (await signedIn(["support"])).session)).html);
    expect(text).toContain(`#${ext}`);
    expect(text).toContain("$120.00");
    expect(text).toContain("Lin Wei");
    expect(text).toContain("On hold");
    const picker = await openPage("/console/orders", (await signedIn(["picker"])).session);
    expect(picker.status).toBe(403);
    expect(idsIn(picker.html)).toEqual([]);
  });

  it("filters by status, channel, SKU, total, customer, reason, dates and the search", async () => {
    const { session } = await signedIn(["admin"]);
    expect(idsIn((await listOf("status=on_hold", session)).html)).toEqual([held.id]);
    expect(idsIn((await listOf("channel=pos", session)).html)).toEqual([kettle.id]);
    expect(idsIn((await listOf("sku=TEA-1", session)).html)).toEqual([cheap.id]);
    expect(idsIn((await listOf("total_min=5&total_max=10", session)).html)).toEqual([held.id]);
    expect(idsIn((await listOf(`customer=${encodeURIComponent(email)}`, session)).html)).toEqual([kettle.id]);
    expect(idsIn((await listOf(`q=${ext}`, session)).html)).toEqual([held.id]);
    expect(idsIn((await listOf(`q=${kettle.id}`, session)).html)).toEqual([kettle.id]);
    expect(idsIn((await listOf("reason=buyer_note", session)).html)).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect(idsIn((await listOf(`from=${today}&to=${today}`, session)).html)).toHaveLength(3);
    expect(idsIn((await listOf("from=2020-01-01&to=2020-01-02", session)).html)).toEqual([]);
    const bad = await listOf("total_min=lots", session);
    expect(bad.status).toBe(422);
    expect(textOf(bad.html)).toContain("A filter needs another look");
    expect(bad.html).toContain('value="lots"');
  });

  it("pages through more orders than fit on one page", async () => {
    const big = await createStore(unique("many"));
    await Promise.all(Array.from({ length: 52 }, () => createOrder(big.id)));
    const { session } = await signedIn(["admin"]);
    const first = await openPage(`/console/orders?store_id=${big.id}`, session);
    expect(idsIn(first.html)).toHaveLength(50);
    const next = /href="(\/console\/orders\?store_id=[^"]*cursor=[^"]+)"/.exec(first.html)?.[1]?.replace(/&amp;/g, "&");
    expect(next).toBeTruthy();
    const second = await openPage(next!, session);
    expect(idsIn(second.html)).toHaveLength(2);
    expect(idsIn(second.html).some((id) => idsIn(first.html).includes(id))).toBe(false);
  });
});

describe("saved views", () => {
  it("saves the current filters under a name, shows them as links, and deletes them", async () => {
    const { session } = await signedIn(["auditor"]);
    const saved = await postForm("/console/orders/views", session, { name: "Held here", query: `status=on_hold&store_id=${store.id}` });
    expect(saved.status).toBe(303);
    expect(flashOf(saved.headers)?.text).toBe("View “Held here” saved.");
    const page = await openPage("/console/orders", session);
    expect(page.html).toContain(`href="/console/orders?status=on_hold&amp;store_id=${store.id}"`);
    const views = await asPerson(session, "/v1/me/saved-views?page=orders");
    expect(views.body.data).toHaveLength(1);
    // Another person never sees it.
    const other = await signedIn(["auditor"]);
    expect(await openPage("/console/orders", other.session).then((p) => p.html)).not.toContain("Held here");
    const gone = await postForm(`/console/orders/views/${views.body.data[0].id}/delete`, session);
    expect(flashOf(gone.headers)?.text).toBe("View deleted.");
    expect((await asPerson(session, "/v1/me/saved-views")).body.data).toEqual([]);
  });

  it("refuses a taken or empty name, keeping what was typed and writing nothing", async () => {
    const { session } = await signedIn(["admin"]);
    await postForm("/console/orders/views", session, { name: "Mine", query: "status=received" });
    const taken = await postForm("/console/orders/views", session, { name: "Mine", query: "status=approved" });
    expect(taken.status).toBe(422);
    expect(textOf(taken.html)).toContain("You already have a view with this name.");
    expect(taken.html).toContain('value="Mine"');
    const empty = await postForm("/console/orders/views", session, { name: "", query: "status=approved" });
    expect(empty.status).toBe(422);
    const views = (await asPerson(session, "/v1/me/saved-views")).body.data;
    expect(views.map((v: { query: string }) => v.query)).toEqual(["status=received"]);
  });
});

describe("bulk actions", () => {
  it("approves the ticked orders and says which one failed and why", async () => {
    const s = await createStore(unique("bulk"));
    const a = await createOrder(s.id, { payment_status: "paid" });
    const b = await createOrder(s.id, { payment_status: "paid" });
    const gone = await createOrder(s.id);
    await transition(gone.id, "cancel");
    const { session } = await signedIn(["admin"]);
    const r = await postForm("/console/orders/bulk", session, { action: "approve", ids: [a.id, b.id, gone.id], back: `/console/orders?store_id=${s.id}` });
    expect(r.status).toBe(303);
    expect(r.location).toBe(`/console/orders?store_id=${s.id}`);
    const flash = flashOf(r.headers)!;
    expect(flash.kind).toBe("warn");
    expect(flash.text).toContain("2 of 3 orders done.");
    expect(flash.text).toContain(`${gone.id}: The order's state does not allow this now.`);
    expect((await api(`/v1/orders/${a.id}`)).body.status).toBe("approved");
    expect((await api(`/v1/orders/${b.id}`)).body.status).toBe("approved");
  });

  it("holds ticked orders with a reason, and refuses a hold without one", async () => {
    const s = await createStore(unique("bulk-hold"));
    const a = await createOrder(s.id);
    const { session } = await signedIn(["support"]);
    const none = await postForm("/console/orders/bulk", session, { action: "hold", ids: [a.id], back: "/console/orders" });
    expect(flashOf(none.headers)).toEqual({ kind: "bad", text: "Give a reason for holding." });
    expect((await api(`/v1/orders/${a.id}`)).body.status).toBe("received");
    const ok = await postForm("/console/orders/bulk", session, { action: "hold", reason: "fraud check", ids: [a.id], back: "/console/orders" });
    expect(flashOf(ok.headers)).toEqual({ kind: "ok", text: "1 of 1 order done." });
    expect((await api(`/v1/orders/${a.id}`)).body).toMatchObject({ status: "on_hold", status_reason: "fraud check" });
    const nothing = await postForm("/console/orders/bulk", session, { action: "approve", back: "/console/orders" });
    expect(flashOf(nothing.headers)?.text).toBe("Tick at least one order first.");
  });

  it("exports the ticked orders, or the whole filtered list, as CSV", async () => {
    const { session } = await signedIn(["admin"]);
    const ticked = await postForm("/console/orders/bulk", session, { action: "csv", ids: [held.id, cheap.id] });
    expect(ticked.status).toBe(200);
    expect(ticked.headers.get("content-type")).toContain("text/csv");
    expect(ticked.html).toContain(held.id);
    expect(ticked.html).toContain(cheap.id);
    expect(ticked.html).not.toContain(kettle.id);
    const all = await postForm("/console/orders/bulk", session, { action: "csv_all", query: `store_id=${store.id}&sku=KETTLE-1` });
    expect(all.html).toContain(kettle.id);
    expect(all.html).not.toContain(held.id);
    expect(all.html.split("\n").filter(Boolean)).toHaveLength(2);
  });

  it("says when none of the ticked orders has a label to print", async () => {
    const { session } = await signedIn(["support"]);
    const r = await postForm("/console/orders/bulk", session, { action: "labels", ids: [cheap.id], back: "/console/orders" });
    expect(r.status).toBe(303);
    expect(flashOf(r.headers)?.text).toBe(`None of the ticked orders has a label yet. No label yet for: ${cheap.id}.`);
  });
});

describe("one order's page", () => {
  const buttons = (html: string) => [...html.matchAll(/name="event" value="([a-z_]+)"/g)].map((m) => m[1]).sort();

  it("shows the order's parts and only the actions its state and the reader allow", async () => {
    const o = await createOrder(store.id, { payment_status: "paid" });
    const admin = await signedIn(["admin"]);
    const page = await openPage(`/console/orders/${o.id}`, admin.session);
    expect(page.status).toBe(200);
    expect(page.headers.get("server-timing")).toMatch(/^total;dur=/);
    const text = textOf(page.html);
    for (const part of ["Lines", "Shipping address", "Audit findings", "Timeline", "Shipments", "Messages to the customer", "After-sales", "TEA-1", "12 St James's Square"])
      expect(text).toContain(part);
    expect(buttons(page.html)).toEqual(["approve", "cancel", "hold", "reject"]);
    expect(page.html).toContain(`action="/console/orders/${o.id}/customer-link"`);
    // Support may hold and cancel, never approve.
    const support = await openPage(`/console/orders/${o.id}`, (await signedIn(["support"])).session);
    expect(buttons(support.html)).toEqual(["cancel", "hold"]);
    // A cancelled order allows nothing.
    await transition(o.id, "cancel");
    const after = await openPage(`/console/orders/${o.id}`, admin.session);
    expect(buttons(after.html)).toEqual([]);
    expect(textOf(after.html)).toContain("Nothing you can do to this order in its current state.");
    expect((await openPage(`/console/orders/${o.id}`, (await signedIn(["picker"])).session)).status).toBe(403);
    expect((await openPage("/console/orders/ord_00000000000000000000000000", admin.session)).status).toBe(404);
  });

  it("holds and approves with the buttons, and says why a step is refused", async () => {
    const o = await createOrder(store.id, { payment_status: "paid" });
    const { session } = await signedIn(["auditor"]);
    const noReason = await postForm(`/console/orders/${o.id}/transition`, session, { event: "hold", reason: "", version: "1" });
    expect(noReason.status).toBe(422);
    expect(textOf(noReason.html)).toContain("Some fields need another look.");
    expect((await api(`/v1/orders/${o.id}`)).body.status).toBe("received");
    const hold = await postForm(`/console/orders/${o.id}/transition`, session, { event: "hold", reason: "check address", customer_message: "We will call you" });
    expect(hold.status).toBe(303);
    expect(flashOf(hold.headers)).toEqual({ kind: "ok", text: "Done: Hold." });
    expect((await api(`/v1/orders/${o.id}`)).body).toMatchObject({ status: "on_hold", status_reason: "check address" });
    const approve = await postForm(`/console/orders/${o.id}/transition`, session, { event: "approve" });
    expect(flashOf(approve.headers)?.text).toBe("Done: Approve.");
    expect((await api(`/v1/orders/${o.id}`)).body.status).toBe("approved");
    // The timeline tells what happened ("Held", "Approved"), not the buttons that did it.
    const timeline = textOf((await openPage(`/console/orders/${o.id}`, session)).html);
    expect(timeline).toMatch(/Held On hold .*Approved Approved/);
    const zhTimeline = textOf((await openPage(`/console/orders/${o.id}`, session, { cookie: "oms_console_lang=zh-CN" })).html);
    expect(zhTimeline).toMatch(/已挂起 挂起 .*审核通过 已审核/);
    // The order came in through the bootstrap key: named in Chinese on a Chinese page.
    expect(zhTimeline).toContain("初始管理员密钥");
    expect(zhTimeline).not.toContain("bootstrap admin key");
    // Approving again is not legal now: the page says so, keeping the order as it is.
    const again = await postForm(`/console/orders/${o.id}/transition`, session, { event: "approve" });
    expect(again.status).toBe(409);
    expect(textOf(again.html)).toContain("The order's state does not allow this now.");
    // A stale version is refused too.
    const stale = await postForm(`/console/orders/${o.id}/transition`, session, { event: "hold", reason: "late", version: "1" });
    expect(stale.status).toBe(409);
    expect((await api(`/v1/orders/${o.id}`)).body.status).toBe("approved");
    // Support may not approve even by posting the form by hand.
    const support = await signedIn(["support"]);
    const refused = await postForm(`/console/orders/${o.id}/transition`, support.session, { event: "approve" });
    expect(refused.status).toBe(403);
  });

  it("makes a customer link for those allowed", async () => {
    const { session } = await signedIn(["support"]);
    const r = await postForm(`/console/orders/${cheap.id}/customer-link`, session);
    expect(r.status).toBe(303);
    expect(flashOf(r.headers)?.text).toMatch(/^Link for the customer \(valid until .+\): http/);
    const analyst = await signedIn(["analyst"]);
    expect((await postForm(`/console/orders/${cheap.id}/customer-link`, analyst.session)).status).toBe(403);
  });

  it("issues an order's invoice from its page, offers the PDF, and says why there is none yet", async () => {
    const o = await createOrder(store.id, { lines: [{ sku: "TEA-1", quantity: 2, unit_price: "5.00" }], shipping_amount: "0" });
    const finance = await signedIn(["finance"]);
    // Before approval: no button, a reason.
    const early = await openPage(`/console/orders/${o.id}`, finance.session);
    expect(textOf(early.html)).toContain("An invoice is issued once the order is approved.");
    expect(early.html).not.toContain(`/console/orders/${o.id}/invoice"`);
    const refused = await postForm(`/console/orders/${o.id}/invoice`, finance.session);
    expect(refused.status).toBe(303);
    expect(flashOf(refused.headers)?.text).toBe("An invoice is issued once the order is approved, and not for a cancelled order.");
    expect((await api(`/v1/orders/${o.id}/invoice`)).status).toBe(404);

    expect((await transition(o.id, "approve")).status).toBe(200);
    const ready = await openPage(`/console/orders/${o.id}`, finance.session);
    expect(ready.html).toContain(`action="/console/orders/${o.id}/invoice"`);
    const issued = await postForm(`/console/orders/${o.id}/invoice`, finance.session);
    expect(issued.status).toBe(303);
    const invoice = (await api(`/v1/orders/${o.id}/invoice`)).body;
    expect(flashOf(issued.headers)?.text).toBe(`Invoice ${invoice.number_text} issued.`);
    const after = await openPage(`/console/orders/${o.id}`, finance.session);
    expect(textOf(after.html)).toContain(`${invoice.number_text}, issued`);
    expect(after.html).toContain(`href="/console/orders/${o.id}/invoice.pdf"`);
    expect(after.html).not.toContain(`action="/console/orders/${o.id}/invoice"`);
    const pdf = await openPage(`/console/orders/${o.id}/invoice.pdf`, finance.session);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");

    // The owner reads it without the button; the analyst and auditor see no invoice card and may not issue.
    const owner = await signedIn(["owner"]);
    expect(textOf((await openPage(`/console/orders/${o.id}`, owner.session)).html)).toContain(invoice.number_text);
    for (const position of ["analyst", "auditor"]) {
      const { session } = await signedIn([position]);
      const page = await openPage(`/console/orders/${o.id}`, session);
      expect(page.html, position).not.toContain('id="invoice-h"');
      expect((await postForm(`/console/orders/${o.id}/invoice`, session)).status, position).toBe(403);
      expect((await openPage(`/console/orders/${o.id}/invoice.pdf`, session)).status, position).toBe(403);
    }
    const zh = { cookie: `${finance.session.cookie}; oms_console_lang=zh-CN` };
    expect(textOf((await openPage(`/console/orders/${o.id}`, zh)).html)).toContain("下载发票（PDF）");
  });

  it("speaks Chinese to a reader who chose it", async () => {
    const { session } = await signedIn(["admin"]);
    const zh = { cookie: `${session.cookie}; oms_console_lang=zh-CN` };
    const list = await openPage(`/console/orders?store_id=${store.id}`, zh);
    expect(list.html).toContain('lang="zh-CN"');
    expect(textOf(list.html)).toContain("已保存的视图");
    expect(textOf(list.html)).toContain("挂起");
    const one = await openPage(`/console/orders/${held.id}`, zh);
    expect(textOf(one.html)).toContain("时间线");
    expect(textOf(one.html)).toContain("审核通过");
    // The payment status in words, not the API's code.
    const payment = (await api(`/v1/orders/${held.id}`)).body.payment_status as string;
    expect(textOf(one.html)).toContain({ paid: "已付款", unpaid: "未付款", authorized: "已授权" }[payment] ?? "?");
    expect(textOf(one.html)).not.toContain(` ${payment} `);
  });
});
