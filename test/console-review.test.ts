/**
 * The auditor's workbench in the console: the review queue (reasons in
 * words, claims, bulk approve, claim next) and the order screen (claim,
 * findings and the dry run, corrections that audit again, decisions, notes).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, createProduct, createStore, unique } from "./helpers";
import { flashOf, openPage, postForm, signedIn, textOf } from "./console-helpers";
import { mintLink, openLink } from "./customer-visit";

type Person = Awaited<ReturnType<typeof signedIn>>;
let store: { id: string };
let ada: Person;
let bo: Person;

const US_ADDRESS = { name: "Grace Hopper", line1: "1 Main St", city: "Springfield", region: "IL", postal_code: "1234", country: "US" };

/** An order the audit held because its US postal code has four digits. */
async function heldOrder(storeId = store.id) {
  const r = await api("/v1/orders", {
    body: {
      store_id: storeId,
      external_id: unique("R"),
      channel: "web",
      customer: { name: "Grace Hopper", email: "grace@example.com", phone: "+1 217 555 0100" },
      shipping_address: US_ADDRESS,
      lines: [{ sku: "TEA-1", quantity: 1, unit_price: "10.00" }],
      currency: "USD",
    },
  });
  expect(r.status).toBe(201);
  const audit = await api(`/v1/orders/${r.body.id}/audit`, { method: "POST" });
  expect(audit.body.audit.outcome).toBe("hold");
  return r.body as { id: string; external_id: string };
}

const orderOf = async (id: string) => (await api(`/v1/orders/${id}`)).body;

beforeAll(async () => {
  store = await createStore(unique("console-review"));
  await createProduct(store.id, "TEA-1", { price: "10.00" });
  ada = await signedIn(["auditor"]);
  bo = await signedIn(["auditor"]);
});

describe("the review queue", () => {
  it("lists held orders with every reason in words, in English and in Chinese", async () => {
    const o = await heldOrder();
    const en = await openPage(`/console/review?store_id=${store.id}`, ada.session);
    expect(en.status).toBe(200);
    const text = textOf(en.html);
    expect(text).toContain("Review queue");
    expect(text).toContain(o.external_id);
    expect(text).toContain("The postal code does not fit the country");
    expect(text).toContain("Unclaimed");
    const zh = await openPage(`/console/review?store_id=${store.id}`, ada.session, { cookie: "oms_console_lang=zh-CN" });
    expect(zh.status).toBe(200);
    expect(zh.html).toContain('lang="zh-CN"');
    expect(textOf(zh.html)).toContain("邮政编码与国家不符");
    expect(textOf(zh.html)).toContain("审单队列");
    expect(textOf(zh.html)).not.toContain("The postal code does not fit");
  });

  it("is refused to pickers and packers", async () => {
    for (const position of ["picker", "packer"]) {
      const { session } = await signedIn([position]);
      const page = await openPage("/console/review", session);
      expect(page.status, position).toBe(403);
      expect((await openPage(`/console/review/${(await heldOrder()).id}`, session)).status).toBe(403);
      expect((await postForm("/console/review/claim-next", session)).status).toBe(403);
    }
  });

  it("a second auditor sees who claimed an order and cannot approve it in bulk; the rest are approved", async () => {
    const s = await createStore(unique("bulk"));
    await createProduct(s.id, "TEA-1", { price: "10.00" });
    const [mine, free] = [await heldOrder(s.id), await heldOrder(s.id)];
    const claimed = await postForm(`/console/review/${mine.id}/claim`, ada.session);
    expect(claimed.status).toBe(303);
    expect(flashOf(claimed.headers)?.text).toContain("Claimed");

    const seen = textOf((await openPage(`/console/review?store_id=${s.id}`, bo.session)).html);
    expect(seen).toContain(`Claimed by ${ada.user.displayName}`);
    const bulk = await postForm(`/console/review/approve?store_id=${s.id}`, bo.session, { order: [mine.id, free.id] });
    expect(bulk.status).toBe(303);
    expect(bulk.location).toBe(`/console/review?store_id=${s.id}`);
    const flash = flashOf(bulk.headers)!;
    expect(flash.text).toContain("Approved 1.");
    expect(flash.text).toContain(`claimed by ${ada.user.displayName}`);
    expect((await orderOf(mine.id)).status).toBe("on_hold");
    expect((await orderOf(free.id)).status).toBe("approved");
    // Nothing ticked: said so.
    expect(flashOf((await postForm("/console/review/approve", bo.session, {})).headers)?.text).toContain("Tick at least one");
  });

  it("claim next claims the oldest unclaimed order and opens it; the queue filters by claim", async () => {
    const s = await createStore(unique("next"));
    await createProduct(s.id, "TEA-1", { price: "10.00" });
    const first = await heldOrder(s.id);
    const second = await heldOrder(s.id);
    await postForm(`/console/review/${first.id}/claim`, bo.session);
    const next = await postForm("/console/review/claim-next", ada.session, { store_id: s.id });
    expect(next.status).toBe(303);
    expect(next.location).toBe(`/console/review/${second.id}`);
    const mine = textOf((await openPage(`/console/review?store_id=${s.id}&claimed=mine`, ada.session)).html);
    expect(mine).toContain(second.external_id);
    expect(mine).not.toContain(first.external_id);
    const none = await postForm("/console/review/claim-next", ada.session, { store_id: s.id });
    expect(none.location).toBe("/console/review");
    expect(flashOf(none.headers)?.text).toContain("No unclaimed order");
  });
});

describe("the order screen", () => {
  it("shows the claim, the findings beside the dry run, lines, address and contact; claim and release work", async () => {
    const o = await heldOrder();
    // The order's own page names the finding in words too, never by its code.
    const orderPage = await openPage(`/console/orders/${o.id}`, ada.session);
    expect(textOf(orderPage.html)).toContain("The postal code does not fit the country");
    expect(orderPage.html).not.toContain(">postal_code_invalid<");
    // In Chinese the finding's detail is said from its code and params, not the API's English.
    const zhReview = textOf((await openPage(`/console/review/${o.id}`, ada.session, { cookie: "oms_console_lang=zh-CN" })).html);
    expect(zhReview).toContain("“1234”不是美国的邮政编码");
    expect(zhReview).not.toContain("is not a US postal code");
    const page = await openPage(`/console/review/${o.id}`, ada.session);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    for (const words of [
      "Nobody has claimed this order.",
      "Latest audit: Hold",
      "What the current rules would decide",
      "The postal code does not fit the country",
      "1 Main St",
      "grace@example.com",
      "TEA-1",
      "Internal notes",
    ]) {
      expect(text).toContain(words);
    }
    await postForm(`/console/review/${o.id}/claim`, ada.session);
    expect(textOf((await openPage(`/console/review/${o.id}`, ada.session)).html)).toContain("Claimed by you until");
    expect(textOf((await openPage(`/console/review/${o.id}`, bo.session)).html)).toContain(`Claimed by ${ada.user.displayName} until`);
    const refused = await postForm(`/console/review/${o.id}/decide`, bo.session, { event: "approve" });
    expect(flashOf(refused.headers)?.kind).toBe("bad");
    expect((await orderOf(o.id)).status).toBe("on_hold");
    const released = await postForm(`/console/review/${o.id}/release`, ada.session);
    expect(flashOf(released.headers)?.text).toBe("Released.");
    expect((await api(`/v1/orders/${o.id}/claim`)).body.claimed_by).toBeNull();
  });

  it("a correction with an empty postal code is refused beside the field and writes nothing", async () => {
    const o = await heldOrder();
    const before = await orderOf(o.id);
    const r = await postForm(`/console/review/${o.id}/edit`, ada.session, {
      ...US_ADDRESS,
      postal_code: "",
      line1: "2 Oak Ave",
      customer_name: "Grace Hopper",
      version: String(before.version),
    });
    expect(r.status).toBe(422);
    const text = textOf(r.html);
    expect(text).toContain("nothing was saved");
    expect(r.html).toMatch(/id="e-postal_code-error"/);
    expect(r.html).toContain('value="2 Oak Ave"');
    const after = await orderOf(o.id);
    expect(after.version).toBe(before.version);
    expect(after.shipping_address.line1).toBe("1 Main St");
  });

  it("a correction saves, audits again and says the new outcome", async () => {
    const o = await heldOrder();
    const before = await orderOf(o.id);
    const r = await postForm(`/console/review/${o.id}/edit`, ada.session, {
      ...US_ADDRESS,
      postal_code: "62701",
      customer_name: "Grace Hopper",
      email: "grace@example.com",
      phone: "+1 217 555 0100",
      sku_1: "TEA-1",
      quantity_1: "1",
      unit_price_1: "10.00",
      version: String(before.version),
    });
    expect(r.status).toBe(303);
    const flash = flashOf(r.headers)!;
    expect(flash.text).toMatch(/^Saved\. The new audit says: /);
    const after = await orderOf(o.id);
    expect(after.shipping_address.postal_code).toBe("62701");
    expect(after.version).toBeGreaterThan(before.version);
    const audits = (await api(`/v1/orders/${o.id}/audits`)).body.data;
    expect(audits[0].findings.map((f: any) => f.code)).not.toContain("postal_code_invalid");
  });

  it("approves, holds with a reason and rejects with a reason; a hold without a reason is refused", async () => {
    const a = await heldOrder();
    const approve = await postForm(`/console/review/${a.id}/decide`, ada.session, { event: "approve" });
    expect(approve.status).toBe(303);
    expect((await orderOf(a.id)).status).toBe("approved");

    const b = await heldOrder();
    const noReason = await postForm(`/console/review/${b.id}/decide`, ada.session, { event: "reject", reason: "" });
    expect(noReason.status).toBe(422);
    expect(textOf(noReason.html)).toContain("Give a reason to hold or reject.");
    expect((await orderOf(b.id)).status).toBe("on_hold");
    const reject = await postForm(`/console/review/${b.id}/decide`, ada.session, { event: "reject", reason: "Address does not exist" });
    expect(reject.status).toBe(303);
    expect((await orderOf(b.id)).status).toBe("cancelled");

    const received = (
      await api("/v1/orders", {
        body: {
          store_id: store.id,
          channel: "web",
          customer: { name: "X", email: "x@example.com" },
          shipping_address: { ...US_ADDRESS, postal_code: "62701" },
          lines: [{ sku: "TEA-1", quantity: 1, unit_price: "10.00" }],
          currency: "USD",
        },
      })
    ).body;
    const hold = await postForm(`/console/review/${received.id}/decide`, ada.session, { event: "hold", reason: "Call the customer" });
    expect(hold.status).toBe(303);
    expect((await orderOf(received.id)).status).toBe("on_hold");
    const audited = await postForm(`/console/review/${received.id}/audit`, ada.session);
    expect(flashOf(audited.headers)?.text).toMatch(/^Audited again: /);
  });

  it("adds and lists internal notes, refuses an empty one, and never shows them to the customer", async () => {
    const o = await heldOrder();
    const empty = await postForm(`/console/review/${o.id}/notes`, ada.session, { body: "   " });
    expect(empty.status).toBe(422);
    expect(textOf(empty.html)).toContain("Write the note first.");
    expect((await api(`/v1/orders/${o.id}/notes`)).body.data).toEqual([]);
    const secret = `Customer sounded unsure ${unique("n")}`;
    const added = await postForm(`/console/review/${o.id}/notes`, ada.session, { body: secret });
    expect(added.status).toBe(303);
    const page = textOf((await openPage(`/console/review/${o.id}`, bo.session)).html);
    expect(page).toContain(secret);
    expect(page).toContain(ada.user.displayName);
    const visit = await openLink(await mintLink(o.id));
    expect(String((await visit.get()).body)).not.toContain(secret);
  });
});
