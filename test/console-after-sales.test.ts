/**
 * The after-sales desk in workerd: the queue (oldest first, filtered), a
 * request with its order and the customer's messages, opening a request
 * from a form, deciding (accept, reject, resolve with a refund) with the
 * change checked through the API, an illegal decision refused in words, the
 * customer link, and who may.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, createOrder, createStore, transition, unique } from "./helpers";
import { flashOf, openPage, postForm, signedIn, textOf } from "./console-helpers";
import { count, waitFor } from "./processing-helpers";

let store: { id: string };
let support: Awaited<ReturnType<typeof signedIn>>;
beforeAll(async () => {
  store = await createStore(unique("console-desk"));
  support = await signedIn(["support"]);
});

const LINES = [
  { sku: "TEA-1", name: "Sencha", quantity: 2, unit_price: "19.90" },
  { sku: "MUG-1", name: "Mug", quantity: 1, unit_price: "8.00" },
];

async function delivered() {
  const o = await createOrder(store.id, { lines: LINES, payment_status: "paid", locale: "zh-CN" });
  for (const e of ["approve", "process", "fulfil_externally", "deliver"]) expect((await transition(o.id, e)).status).toBe(200);
  return o as { id: string };
}

async function opened(kind = "return") {
  const o = await delivered();
  const r = await api(`/v1/orders/${o.id}/after-sales`, { body: { kind, reason: "The mug arrived chipped", lines: [{ sku: "MUG-1", quantity: 1 }] } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { order: o, request: r.body as { id: string; version: number } };
}

const requestOf = async (id: string) => (await api(`/v1/after-sales/${id}`)).body;

describe("the queue", () => {
  it("lists open requests oldest first, filtered by kind and store, in both languages", async () => {
    const a = await opened("return");
    const b = await opened("claim");
    const page = await openPage(`/console/after-sales?store=${store.id}`, support.session);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text.indexOf(a.request.id)).toBeGreaterThan(0);
    expect(text.indexOf(a.request.id)).toBeLessThan(text.indexOf(b.request.id));
    expect(text).toContain("The mug arrived chipped");
    expect(page.html).toContain(`href="/console/orders/${a.order.id}"`);
    const claims = await openPage(`/console/after-sales?store=${store.id}&kind=claim`, support.session);
    expect(claims.html).toContain(b.request.id);
    expect(claims.html).not.toContain(a.request.id);
    const zh = await openPage(`/console/after-sales?store=${store.id}`, support.session, { cookie: "oms_console_lang=zh-CN" });
    expect(zh.html).toContain('lang="zh-CN"');
    expect(textOf(zh.html)).toContain("售后申请");
    expect(textOf(zh.html)).toContain("退货");
    expect(textOf(zh.html)).toContain("待处理");
  });
});

describe("a request", () => {
  it("shows the request, its order and what we sent the customer, in which language", async () => {
    const { order, request } = await opened();
    // The customer's messages go out from a queue: wait for the one saying the request was received.
    await waitFor(async () => expect((await api(`/v1/notifications?order_id=${order.id}`)).body.data.length).toBeGreaterThan(1));
    const page = await openPage(`/console/after-sales/${request.id}`, support.session);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain("Return request");
    expect(text).toContain("The mug arrived chipped");
    expect(text).toContain("MUG-1 Mug × 1");
    expect(text).toContain("$52.30");
    expect(page.html).toContain(`href="/console/orders/${order.id}"`);
    expect(text).toContain("What we sent the customer");
    expect(text).toContain("zh-CN");
    for (const form of ["accept", "reject", "resolve", "withdraw"]) expect(page.html).toContain(`name="event" value="${form}"`);
  });

  it("accepts, then resolves with a refund: the request and the order's payment change", async () => {
    const { order, request } = await opened();
    const accepted = await postForm(`/console/after-sales/${request.id}/transitions`, support.session, {
      event: "accept",
      version: String(request.version),
      note: "Please post it back",
    });
    expect(accepted.status).toBe(303);
    expect(flashOf(accepted.headers)).toEqual({ kind: "ok", text: "Accepted. The customer has been told." });
    expect(await requestOf(request.id)).toMatchObject({ status: "accepted", note: "Please post it back" });

    const resolved = await postForm(`/console/after-sales/${request.id}/transitions`, support.session, { event: "resolve", resolution: "refund", refund_amount: "8.00" });
    expect(resolved.status).toBe(303);
    expect(await requestOf(request.id)).toMatchObject({ status: "resolved", resolution: "refund", refund_amount: "8.00" });
    expect((await api(`/v1/orders/${order.id}`)).body.payment_status).toBe("partially_refunded");

    // Deciding again is refused in the reader's words, and nothing changes.
    const again = await postForm(`/console/after-sales/${request.id}/transitions`, support.session, { event: "accept" });
    expect(again.status).toBe(409);
    expect(textOf(again.html)).toContain("The request's status does not allow this now.");
    const zh = await postForm(`/console/after-sales/${request.id}/transitions`, support.session, { event: "withdraw" }, { headers: { cookie: "oms_console_lang=zh-CN" } });
    expect(zh.status).toBe(409);
    expect(textOf(zh.html)).toContain("申请当前状态不允许此操作。");
    expect((await requestOf(request.id)).status).toBe("resolved");
  });

  it("rejects only with a reason for the customer; a refund over what is left is refused, keeping what was typed", async () => {
    const { request } = await opened();
    const noReason = await postForm(`/console/after-sales/${request.id}/transitions`, support.session, { event: "reject", internal_note: "abuse?" });
    expect(noReason.status).toBe(422);
    expect(noReason.html).toContain("abuse?");
    expect((await requestOf(request.id)).status).toBe("open");

    const tooMuch = await postForm(`/console/after-sales/${request.id}/transitions`, support.session, { event: "resolve", resolution: "refund", refund_amount: "999.00" });
    expect(tooMuch.status).toBe(422);
    expect(textOf(tooMuch.html)).toContain("is more than what is left to refund on the order");
    expect(tooMuch.html).toContain('value="999.00"');
    expect((await requestOf(request.id)).status).toBe("open");

    const rejected = await postForm(`/console/after-sales/${request.id}/transitions`, support.session, { event: "reject", note: "Chips on the glaze are part of the design" });
    expect(rejected.status).toBe(303);
    expect(await requestOf(request.id)).toMatchObject({ status: "rejected", note: "Chips on the glaze are part of the design" });
  });

  it("makes the customer link and shows it", async () => {
    const { request } = await opened();
    const r = await postForm(`/console/after-sales/${request.id}/customer-link`, support.session);
    expect(r.status).toBe(200);
    expect(r.html).toMatch(/id="customer-link"[^>]*value="https?:\/\/[^"]+\/o\/[^"]+"/);
    expect(textOf(r.html)).toContain("Send this link to the customer.");
  });
});

describe("opening a request", () => {
  it("opens one from the form; bad input is refused with the problem and nothing is written", async () => {
    const o = await delivered();
    const form = await openPage(`/console/after-sales/new?order_id=${o.id}`, support.session);
    expect(form.status).toBe(200);
    expect(form.html).toContain('name="qty:TEA-1"');

    const noLines = await postForm("/console/after-sales/new", support.session, { order_id: o.id, kind: "return", reason: "Wrong colour", "qty:TEA-1": "", "qty:MUG-1": "" });
    expect(noLines.status).toBe(422);
    expect(textOf(noLines.html)).toContain("a return names the items and quantities it is about");
    expect(noLines.html).toContain("Wrong colour");
    const tooMany = await postForm("/console/after-sales/new", support.session, { order_id: o.id, kind: "return", reason: "Wrong colour", "qty:TEA-1": "5" });
    expect(tooMany.status).toBe(422);
    const notNumber = await postForm("/console/after-sales/new", support.session, { order_id: o.id, kind: "return", reason: "Wrong colour", "qty:TEA-1": "two" });
    expect(notNumber.status).toBe(422);
    expect(await count("after_sales_requests", "order_id = ?", o.id)).toBe(0);

    const notShipped = await createOrder(store.id, { lines: LINES, payment_status: "paid" });
    const early = await postForm("/console/after-sales/new", support.session, { order_id: notShipped.id, kind: "claim", reason: "Where is it?" });
    expect(early.status).toBe(409);
    expect(textOf(early.html)).toContain("The order has not shipped yet");

    const ok = await postForm("/console/after-sales/new", support.session, { order_id: o.id, kind: "return", reason: "Wrong colour", "qty:TEA-1": "1" });
    expect(ok.status).toBe(303);
    const id = ok.location!.split("/").pop()!;
    expect(await requestOf(id)).toMatchObject({ order_id: o.id, kind: "return", status: "open", reason: "Wrong colour", lines: [{ sku: "TEA-1", quantity: 1 }] });

    const unknown = await openPage("/console/after-sales/new?order_id=ord_nope", support.session);
    expect(unknown.status).toBe(404);
  });
});

describe("who may", () => {
  it("refuses pickers and packers; analysts read the queue and a request but cannot decide or open", async () => {
    const { request } = await opened();
    for (const position of ["picker", "packer"]) {
      const { session } = await signedIn([position]);
      expect((await openPage("/console/after-sales", session)).status).toBe(403);
      expect((await openPage(`/console/after-sales/${request.id}`, session)).status).toBe(403);
    }
    const analyst = await signedIn(["analyst"]);
    expect((await openPage("/console/after-sales", analyst.session)).status).toBe(200);
    const page = await openPage(`/console/after-sales/${request.id}`, analyst.session);
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('name="event"');
    expect(page.html).not.toContain("What we sent the customer");
    expect((await postForm(`/console/after-sales/${request.id}/transitions`, analyst.session, { event: "accept" })).status).toBe(403);
    expect((await openPage(`/console/after-sales/new?order_id=${request.id}`, analyst.session)).status).toBe(403);
    expect((await postForm(`/console/after-sales/${request.id}/customer-link`, analyst.session)).status).toBe(403);
    expect((await requestOf(request.id)).status).toBe("open");
  });
});
