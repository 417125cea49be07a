/**
 * The customer screens: the list and its search, filters, paging and CSV;
 * a customer's page (figures per currency, orders, after-sales, blocklist,
 * history); tags and notes; merge (find, confirm) and unmerge; the privacy
 * export; erasure with its confirmation and reason; both languages; and
 * what each position sees and is refused (no button, and a 403 page for a
 * direct POST, with nothing written).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { flashOf, openPage, postForm, signedIn, textOf } from "./console-helpers";
import { sync, person } from "./customer-helpers";
import { api, createOrder, createProduct, createStore, unique } from "./helpers";

let storeA: { id: string };
let storeB: { id: string };

type Person = ReturnType<typeof person>;
const customerOf = (p: Person) => ({ customer: { name: p.name, email: p.email, phone: p.phone } });

/** A person with an order in each store (USD and EUR), linked; their customer. */
async function customer(p: Person = person()) {
  const o1 = await createOrder(storeA.id, customerOf(p));
  const o2 = await createOrder(storeB.id, { ...customerOf(p), currency: "EUR" });
  await sync();
  const found = (await api(`/v1/customers?q=${encodeURIComponent(p.email)}`)).body.data as { id: string }[];
  expect(found).toHaveLength(1);
  return { p, id: found[0]!.id, orders: [o1.id as string, o2.id as string] };
}
const profile = async (id: string) => (await api(`/v1/customers/${id}`)).body;

beforeAll(async () => {
  storeA = await createStore(unique("ccon-a"));
  storeB = await createStore(unique("ccon-b"), "EUR");
  await createProduct(storeA.id, "TEA-1");
  await createProduct(storeB.id, "TEA-1");
});

describe("the customer list", () => {
  it("is in the menu of every position that reads customers, and lists them with orders, spend per currency, segment and tags", async () => {
    const c = await customer();
    await api(`/v1/customers/${c.id}`, { method: "PATCH", body: { tags: ["vip"] } });
    for (const position of ["admin", "support", "auditor", "finance", "owner", "analyst"]) {
      const { session } = await signedIn([position]);
      const page = await openPage(`/console/customers?q=${encodeURIComponent(c.p.email)}`, session);
      expect(page.status, position).toBe(200);
      expect(page.html).toContain('href="/console/customers"');
      if (position === "analyst") {
        // Found by the email, shown by pseudonym.
        expect(textOf(page.html)).toContain(`Customer ${c.id}`);
        expect(textOf(page.html)).not.toContain(c.p.name);
        continue;
      }
      const row = textOf(page.html);
      expect(row, position).toContain(c.p.name);
      expect(row).toContain("$44.30");
      expect(row).toContain("€44.30");
      expect(row).toContain("vip");
      expect(page.html).toContain(`href="/console/customers/${c.id}"`);
    }
  });

  it("finds a customer by email in any case, by phone with its country, by a word of the name, and by tag", async () => {
    const c = await customer();
    await api(`/v1/customers/${c.id}`, { method: "PATCH", body: { tags: [`t${c.p.word}`.slice(0, 40)] } });
    const { session } = await signedIn(["support"]);
    for (const query of [
      `q=${encodeURIComponent(c.p.email.toUpperCase())}`,
      `q=${encodeURIComponent(c.p.national)}&country=US`,
      `q=${c.p.word}`,
      `tag=${`t${c.p.word}`.slice(0, 40)}`,
    ]) {
      const page = await openPage(`/console/customers?${query}`, session);
      expect(page.status, query).toBe(200);
      expect(page.html, query).toContain(`data-customer="${c.id}"`);
    }
    const none = await openPage("/console/customers?q=nobody-at-all%40example.com", session);
    expect(textOf(none.html)).toContain("No customer matches this search.");
  });

  it("pages with a cursor, keeping the filters", async () => {
    const tag = `page${Date.now().toString(36)}`;
    for (let i = 0; i < 3; i++) {
      const c = await customer();
      await api(`/v1/customers/${c.id}`, { method: "PATCH", body: { tags: [tag] } });
    }
    const { session } = await signedIn(["admin"]);
    const first = await openPage(`/console/customers?tag=${tag}`, session);
    expect(first.html.match(/data-customer=/g)).toHaveLength(3);
    // The API pages at 50; a smaller page through the API proves the cursor link carries the filters.
    const paged = await api(`/v1/customers?tag=${tag}&limit=2`);
    const next = await openPage(`/console/customers?tag=${tag}&cursor=${encodeURIComponent(paged.body.next_cursor)}`, session);
    expect(next.html.match(/data-customer=/g)).toHaveLength(1);
    const bad = await openPage(`/console/customers?segment=nonsense&status=weird`, session);
    expect(bad.status).toBe(200);
  });

  it("offers the CSV to those who may export, with the same filters, and refuses the others", async () => {
    const c = await customer();
    const { session } = await signedIn(["support"]);
    const page = await openPage(`/console/customers?q=${encodeURIComponent(c.p.email)}`, session);
    expect(page.html).toContain(`href="/console/customers.csv?q=${encodeURIComponent(c.p.email)}`);
    const csv = await openPage(`/console/customers.csv?q=${encodeURIComponent(c.p.email)}`, session);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    expect(csv.headers.get("content-disposition")).toMatch(/attachment; filename="customers-/);
    expect(csv.html).toContain(c.id);
    for (const position of ["auditor", "finance", "owner", "analyst"]) {
      const { session: s2 } = await signedIn([position]);
      expect((await openPage("/console/customers", s2)).html, position).not.toContain("/console/customers.csv");
      expect((await openPage("/console/customers.csv", s2)).status, position).toBe(403);
    }
  });

  it("is refused, and absent from the menu, for positions without customers:read", async () => {
    const c = await customer();
    for (const position of ["warehouse", "picker", "packer", "logistics"]) {
      const { session } = await signedIn([position]);
      for (const path of ["/console/customers", `/console/customers/${c.id}`]) {
        const page = await openPage(path, session);
        expect(page.status, `${position} ${path}`).toBe(403);
        expect(page.html).not.toContain('href="/console/customers"');
      }
    }
  });
});

describe("a customer's page", () => {
  it("shows the profile: contact, figures per currency, average order, first and last order, segment, blocklist, orders linked to their pages", async () => {
    const c = await customer();
    const block = await api(`/v1/stores/${storeA.id}/blocklist`, { body: { kind: "email", email: c.p.email, note: "chargebacks" } });
    expect(block.status).toBe(201);
    const { session } = await signedIn(["admin"]);
    const page = await openPage(`/console/customers/${c.id}`, session);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain(c.p.name);
    expect(text).toContain(c.p.email);
    expect(page.html).toMatch(/data-figures[\s\S]*\$44\.30[\s\S]*€44\.30/);
    expect(text).toContain("Average order");
    expect(text).toMatch(/First order \S/);
    expect(text).toMatch(/R \d · F \d · M \d/);
    expect(page.html).toMatch(/data-blocklist[^>]*>[\s\S]*On the blocklist of/);
    for (const o of c.orders) expect(page.html).toContain(`href="/console/orders/${o}"`);
    expect(text).toContain("Recognised");
    expect((await openPage("/console/customers/cst_nope", session)).status).toBe(404);
  });

  it("shows an analyst the pseudonym and the region, no contact, no notes and no forms", async () => {
    const c = await customer();
    await api(`/v1/customers/${c.id}`, { method: "PATCH", body: { note: "Secret words about a person" } });
    const { session } = await signedIn(["analyst"]);
    const page = await openPage(`/console/customers/${c.id}`, session);
    const text = textOf(page.html);
    expect(text).toContain(`Customer ${c.id}`);
    expect(text).not.toContain(c.p.name);
    expect(text).not.toContain(c.p.email);
    expect(text).not.toContain("Secret words");
    expect(text).toContain("the note's text is shown to positions that see contact details");
    for (const action of ["/tags", "/note", "/merge", "/unmerge", "/export", "/erase"]) expect(page.html).not.toContain(`/console/customers/${c.id}${action}`);
  });

  it("shows readers (auditor, finance, owner) the notes but no buttons", async () => {
    const c = await customer();
    await api(`/v1/customers/${c.id}`, { method: "PATCH", body: { note: "Call before delivering" } });
    for (const position of ["auditor", "finance", "owner"]) {
      const { session } = await signedIn([position]);
      const page = await openPage(`/console/customers/${c.id}`, session);
      expect(textOf(page.html), position).toContain("Call before delivering");
      for (const action of ["/tags", "/note", "/merge", "/export", "/erase"]) expect(page.html, `${position} ${action}`).not.toContain(`/console/customers/${c.id}${action}`);
    }
  });
});

describe("tags and notes", () => {
  it("saves tags typed with commas (lower case, once each) and adds a note to the history", async () => {
    const c = await customer();
    const { session, user } = await signedIn(["support"]);
    const page = await openPage(`/console/customers/${c.id}`, session);
    const version = /name="version" value="(\d+)"/.exec(page.html)![1]!;
    const r = await postForm(`/console/customers/${c.id}/tags`, session, { tags: "VIP, wholesale,, vip", version });
    expect(r.status).toBe(303);
    expect(flashOf(r.headers)?.text).toBe("Tags saved.");
    expect((await profile(c.id)).tags).toEqual(["vip", "wholesale"]);
    const n = await postForm(`/console/customers/${c.id}/note`, session, { note: "Prefers WeChat" });
    expect(flashOf(n.headers)?.text).toBe("Note added.");
    const after = await openPage(`/console/customers/${c.id}`, session);
    expect(textOf(after.html)).toContain("Prefers WeChat");
    expect(textOf(after.html)).toContain(user.displayName);
    expect(textOf(after.html)).toMatch(/Tags changed ?: — → vip, wholesale/);
    const zh = await openPage(`/console/customers/${c.id}`, session, { cookie: "oms_console_lang=zh-CN" });
    expect(textOf(zh.html)).toMatch(/修改了标签 ?：\S+ → vip, wholesale/);
    // Another support person, who may not list staff (no users:read), reads who wrote the note by name.
    const other = await signedIn(["support"]);
    const read = await openPage(`/console/customers/${c.id}`, other.session);
    expect(textOf(read.html)).toContain(`· ${user.displayName} Note`);
    expect(read.html).not.toContain(`· ${user.id}`);
    const api_ = (await api(`/v1/customers/${c.id}`)).body.events.find((e: { type: string }) => e.type === "note_added");
    expect(api_).toMatchObject({ actor: user.id, actor_kind: "user", actor_name: user.displayName });
  });

  it("refuses a stale form, too many tags and an empty note with words where they belong, and writes nothing", async () => {
    const c = await customer();
    const { session } = await signedIn(["support"]);
    const stale = await postForm(`/console/customers/${c.id}/tags`, session, { tags: "a", version: "999" });
    expect(stale.status).toBe(422);
    expect(textOf(stale.html)).toContain("It changed meanwhile: reload and try again.");
    expect(stale.html).toContain('value="a"');
    const many = await postForm(`/console/customers/${c.id}/tags`, session, { tags: Array.from({ length: 21 }, (_, i) => `t${i}`).join(",") });
    expect(many.status).toBe(422);
    expect(many.html).toMatch(/id="tags-error"/);
    const empty = await postForm(`/console/customers/${c.id}/note`, session, { note: "" });
    expect(empty.status).toBe(422);
    expect(empty.html).toMatch(/id="note-error"/);
    expect((await profile(c.id)).tags).toEqual([]);
    expect((await profile(c.id)).events.filter((e: { type: string }) => e.type === "note_added")).toHaveLength(0);
  });
});

describe("merge and unmerge", () => {
  it("finds the other customer, asks to confirm with both named, merges, and unmerges again", async () => {
    const a = await customer();
    const b = await customer();
    const { session } = await signedIn(["support"]);
    const found = await openPage(`/console/customers/${a.id}?merge_q=${encodeURIComponent(b.p.email)}`, session);
    expect(found.html).toContain(`href="/console/customers/${a.id}/merge?source=${b.id}"`);
    const confirm = await openPage(`/console/customers/${a.id}/merge?source=${b.id}`, session);
    expect(confirm.status).toBe(200);
    expect(textOf(confirm.html)).toContain(`Merge ${b.p.name} into ${a.p.name}?`);
    const version = /name="version" value="(\d+)"/.exec(confirm.html)![1]!;
    const r = await postForm(`/console/customers/${a.id}/merge`, session, { customer_id: b.id, version });
    expect(r.status).toBe(303);
    expect(flashOf(r.headers)?.text).toBe(`Merged ${b.p.name} into this customer.`);
    expect((await profile(a.id)).orders).toHaveLength(4);
    // The survivor's history: its own merge, and the merged customer's events marked as that customer's; never
    // "Merged into" the survivor itself, which is the merged customer's mirror of the same merge.
    const survivor = await openPage(`/console/customers/${a.id}`, session);
    const history = textOf(/<ol class="plain customer-history">[\s\S]*?<\/ol>/.exec(survivor.html)![0]);
    expect(history).toContain(`Merged ${b.id} into this customer`);
    expect(history).not.toContain(`Merged into ${a.id}`);
    expect(history).toContain(`from ${b.id}`);
    expect(history).not.toContain(`from ${a.id}`);
    const mergedPage = await openPage(`/console/customers/${b.id}`, session);
    expect(textOf(mergedPage.html)).toMatch(new RegExp(`Merged into ${a.id} ?\\.`));
    expect(mergedPage.html).toContain(`href="/console/customers/${a.id}"`);
    expect(mergedPage.html).toContain(`action="/console/customers/${b.id}/unmerge"`);
    expect(mergedPage.html).not.toContain(`action="/console/customers/${b.id}/tags"`);

    // Merging again is refused in words (both must be active).
    const again = await postForm(`/console/customers/${a.id}/merge`, session, { customer_id: b.id });
    expect(again.status).toBe(409);
    expect(textOf(again.html)).toContain("This customer is merged or erased: it changes no more.");

    const u = await postForm(`/console/customers/${b.id}/unmerge`, session);
    expect(u.status).toBe(303);
    expect(flashOf(u.headers)?.text).toBe("Unmerged: this customer is active again.");
    expect((await profile(b.id)).status).toBe("active");
    expect((await profile(a.id)).orders).toHaveLength(2);
    const twice = await postForm(`/console/customers/${b.id}/unmerge`, session);
    expect(twice.status).toBe(409);
    expect(textOf(twice.html)).toContain("This customer is not merged.");
  });

  it("refuses merging a customer into itself, beside the form", async () => {
    const a = await customer();
    const { session } = await signedIn(["admin"]);
    const r = await postForm(`/console/customers/${a.id}/merge`, session, { customer_id: a.id });
    expect(r.status).toBe(422);
    expect(textOf(r.html)).toContain("That is this customer: pick another one.");
  });
});

describe("privacy export and erasure", () => {
  it("downloads the export as JSON for support and admin, recorded in the history", async () => {
    const c = await customer();
    const { session } = await signedIn(["support"]);
    const page = await openPage(`/console/customers/${c.id}`, session);
    expect(page.html).toContain(`href="/console/customers/${c.id}/export"`);
    const x = await openPage(`/console/customers/${c.id}/export`, session);
    expect(x.status).toBe(200);
    expect(x.headers.get("content-disposition")).toBe(`attachment; filename="${c.id}.json"`);
    const body = JSON.parse(x.html);
    expect(body.customer.id).toBe(c.id);
    expect(body.orders).toHaveLength(2);
    expect(textOf((await openPage(`/console/customers/${c.id}`, session)).html)).toContain("Privacy export downloaded");
    // Staff's words about the customer go with it, staff's names do not: the history names no person.
    await postForm(`/console/customers/${c.id}/note`, session, { note: "Called back" });
    const again = JSON.parse((await openPage(`/console/customers/${c.id}/export`, session)).html);
    const note = again.customer.events.find((e: { type: string }) => e.type === "note_added");
    expect(note).toMatchObject({ actor_kind: "user", actor_name: null });
  });

  it("erases after a confirmation with a required reason; the page then shows the erased state", async () => {
    const c = await customer();
    const { session } = await signedIn(["admin"]);
    const page = await openPage(`/console/customers/${c.id}`, session);
    expect(page.html).toContain(`href="/console/customers/${c.id}/erase"`);
    const confirm = await openPage(`/console/customers/${c.id}/erase`, session);
    expect(textOf(confirm.html)).toContain(`Erase ${c.p.name}?`);
    expect(textOf(confirm.html)).toContain("This cannot be undone.");
    const noReason = await postForm(`/console/customers/${c.id}/erase`, session, { reason: "" });
    expect(noReason.status).toBe(422);
    expect(textOf(noReason.html)).toContain("Give the reason for the erasure.");
    const short = await postForm(`/console/customers/${c.id}/erase`, session, { reason: "no" });
    expect(short.status).toBe(422);
    expect(short.html).toMatch(/id="reason-error"/);
    expect((await profile(c.id)).status).toBe("active");

    const r = await postForm(`/console/customers/${c.id}/erase`, session, { reason: "Customer's email of 2026-12-01" });
    expect(r.status).toBe(303);
    expect(flashOf(r.headers)?.text).toBe("Erased: personal data removed from their orders (2).");
    const after = await openPage(`/console/customers/${c.id}`, session);
    const text = textOf(after.html);
    expect(after.html).toContain("data-erased");
    expect(text).toContain("[erased]");
    expect(text).not.toContain(c.p.email);
    expect(text).toContain("Customer's email of 2026-12-01");
    for (const action of ["/tags", "/merge", "/export", "/erase"]) expect(after.html).not.toContain(`/console/customers/${c.id}${action}`);
    // Asking to erase again goes back to the page.
    expect((await openPage(`/console/customers/${c.id}/erase`, session)).status).toBe(303);
  });

  it("gives no button to those without the permission, and a 403 page to their direct POSTs, with nothing written", async () => {
    const c = await customer();
    const { session: support } = await signedIn(["support"]);
    const page = await openPage(`/console/customers/${c.id}`, support);
    expect(page.html).not.toContain(`/console/customers/${c.id}/erase`);
    expect((await openPage(`/console/customers/${c.id}/erase`, support)).status).toBe(403);
    expect((await postForm(`/console/customers/${c.id}/erase`, support, { reason: "I may not" })).status).toBe(403);
    for (const position of ["auditor", "finance", "owner", "analyst"]) {
      const { session } = await signedIn([position]);
      for (const [path, fields] of [
        ["/tags", { tags: "x" }],
        ["/note", { note: "x" }],
        ["/merge", { customer_id: c.id }],
        ["/unmerge", {}],
        ["/erase", { reason: "not mine to do" }],
      ] as const) {
        expect((await postForm(`/console/customers/${c.id}${path}`, session, fields)).status, `${position} ${path}`).toBe(403);
      }
      expect((await openPage(`/console/customers/${c.id}/export`, session)).status, position).toBe(403);
    }
    const after = await profile(c.id);
    expect(after).toMatchObject({ status: "active", tags: [] });
    expect(after.events.map((e: { type: string }) => e.type)).toEqual(["created"]);
  });
});

describe("store scope", () => {
  it("refuses someone who sees one store merging, unmerging or erasing a customer who bought in another, in words, and writes nothing", async () => {
    const a = await customer();
    const b = await customer();
    const { session: support } = await signedIn(["support"], { storeIds: [storeA.id] });
    const m = await postForm(`/console/customers/${a.id}/merge`, support, { customer_id: b.id });
    expect(m.status).toBe(403);
    expect(textOf(m.html)).toContain("This customer also bought in stores outside yours");
    const { session: admin } = await signedIn(["admin"], { storeIds: [storeA.id] });
    const e = await postForm(`/console/customers/${a.id}/erase`, admin, { reason: "Customer's request" });
    expect(e.status).toBe(403);
    expect(textOf(e.html)).toContain("This customer also bought in stores outside yours");
    expect((await profile(a.id)).status).toBe("active");
    expect((await profile(a.id)).orders).toHaveLength(2);
    // The profile shows only the orders of the reader's store.
    const page = await openPage(`/console/customers/${a.id}`, support);
    expect(page.html).toContain(`href="/console/orders/${a.orders[0]}"`);
    expect(page.html).not.toContain(`href="/console/orders/${a.orders[1]}"`);
  });
});

describe("store-scoped readers in the console", () => {
  it("list a customer with their store's figures only, no segment, and never a customer who bought only elsewhere; the admin sees both stores", async () => {
    const c = await customer();
    const onlyB = person();
    await createOrder(storeB.id, { ...customerOf(onlyB), currency: "EUR" });
    await sync();
    const { session: scoped } = await signedIn(["support"], { storeIds: [storeA.id] });
    const page = await openPage(`/console/customers?q=${encodeURIComponent(c.p.email)}`, scoped);
    expect(page.status).toBe(200);
    const row = textOf(page.html);
    expect(row).toContain(c.p.name);
    expect(row).toContain("$44.30");
    expect(row).not.toContain("€44.30");
    expect(page.html).not.toContain('id="segment"');
    const none = await openPage(`/console/customers?q=${encodeURIComponent(onlyB.email)}`, scoped);
    expect(none.status).toBe(200);
    expect(textOf(none.html)).not.toContain(onlyB.name);
    const all = await openPage(`/console/customers`, scoped);
    expect(textOf(all.html)).not.toContain(onlyB.name);
    const csv = await openPage(`/console/customers.csv`, scoped);
    expect(csv.status).toBe(200);
    expect(csv.html).not.toContain(onlyB.word);
    expect(csv.html.split("\r\n").find((l) => l.includes(c.p.email))).not.toContain("EUR");
    // The customer's page: the figures of store A, no segment.
    const prof = textOf((await openPage(`/console/customers/${c.id}`, scoped)).html);
    expect(prof).toContain("$44.30");
    expect(prof).not.toContain("€44.30");
    // The merchant-wide admin sees both stores' spend, and the customer who bought only in B.
    const { session: admin } = await signedIn(["admin"]);
    const wide = textOf((await openPage(`/console/customers?q=${encodeURIComponent(c.p.email)}`, admin)).html);
    expect(wide).toContain("$44.30");
    expect(wide).toContain("€44.30");
    expect(textOf((await openPage(`/console/customers?q=${encodeURIComponent(onlyB.email)}`, admin)).html)).toContain(onlyB.name);
  });
});

describe("in Chinese", () => {
  it("shows the list, the page, and refusals in Chinese", async () => {
    const c = await customer();
    const { session } = await signedIn(["admin"]);
    const zh = { cookie: "oms_console_lang=zh-CN" };
    const list = await openPage(`/console/customers?q=${encodeURIComponent(c.p.email)}`, session, zh);
    expect(list.html).toContain('lang="zh-CN"');
    const lt = textOf(list.html);
    for (const w of ["客户", "搜索", "订单数", "消费", "最近下单", "分群", "下载 CSV"]) expect(lt).toContain(w);
    const page = await openPage(`/console/customers/${c.id}`, session, zh);
    const pt = textOf(page.html);
    for (const w of ["联系方式", "客单价", "首次下单", "黑名单", "标签与备注", "将另一位客户合并到此客户", "隐私导出", "抹除此客户…", "识别为新客户"]) expect(pt).toContain(w);
    const erase = await postForm(`/console/customers/${c.id}/erase`, session, { reason: "" }, { headers: zh });
    expect(textOf(erase.html)).toContain("请填写抹除原因。");
    const self = await postForm(`/console/customers/${c.id}/merge`, session, { customer_id: c.id }, { headers: zh });
    expect(textOf(self.html)).toContain("这就是此客户，请选择另一位。");
    const stale = await postForm(`/console/customers/${c.id}/tags`, session, { tags: "a", version: "999" }, { headers: zh });
    expect(textOf(stale.html)).toContain("数据已被他人更改，请刷新后重试。");
  });
});
