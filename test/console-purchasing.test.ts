/**
 * The purchasing screens: suppliers and their price lists, purchase orders
 * (the list, a new draft, its actions and changes, its history and receipts),
 * and receiving against an order at the dock. Who may see and do what, each
 * form's success and each kind of bad input (a 4xx page with the problem
 * beside its field, and nothing written), and both languages.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transport } from "../src/lib/outbound-transport";
import { verify } from "../src/lib/standard-webhooks";
import { api, createProduct, createStore, unique } from "./helpers";
import { flashOf, openPage, postForm, signedIn, textOf } from "./console-helpers";
import { countIn, level, stockedWarehouse, waitFor } from "./processing-helpers";
import { dbOf } from "./shard-helpers";

/** A store with two products, a warehouse of ours with bins A-01 and B-01, and a supplier whose list prices the tea. */
async function site(o: { currency?: string; tolerance?: number } = {}) {
  const store = await createStore();
  const tea = unique("TEA");
  const mug = unique("MUG");
  await createProduct(store.id, tea, { weight_grams: 120 });
  await createProduct(store.id, mug, { weight_grams: 400 });
  const wh = await stockedWarehouse({ fields: { store_ids: [store.id] }, bins: ["A-01", "B-01"], stock: [] });
  const s = await api("/v1/suppliers", {
    body: { store_id: store.id, name: unique("Supplier"), currency: o.currency ?? "USD", over_receipt_pct: o.tolerance ?? 0, lead_time_days: 10 },
  });
  if (s.status !== 201) throw new Error(`supplier: ${s.status} ${JSON.stringify(s.body)}`);
  const item = await api(`/v1/suppliers/${s.body.id}/items/${tea}`, { method: "PUT", body: { unit_cost: "2.00", min_order_qty: 10, pack_size: 10, supplier_sku: "SUP-TEA" } });
  if (item.status !== 201) throw new Error(`item: ${item.status} ${JSON.stringify(item.body)}`);
  return { store, wh, supplier: s.body as { id: string; name: string }, tea, mug };
}

type Site = Awaited<ReturnType<typeof site>>;

/** A purchase order of 10 tea (and 5 mugs at 3.50), submitted unless asked otherwise. */
async function purchaseOrder(s: Site, o: { submit?: boolean } = {}) {
  const r = await api("/v1/purchase-orders", {
    body: {
      supplier_id: s.supplier.id,
      warehouse_id: s.wh.id,
      lines: [
        { sku: s.tea, quantity: 10 },
        { sku: s.mug, quantity: 5, unit_cost: "3.50" },
      ],
    },
  });
  if (r.status !== 201) throw new Error(`purchase order: ${r.status} ${JSON.stringify(r.body)}`);
  if (o.submit !== false) await api(`/v1/purchase-orders/${r.body.id}/transitions`, { body: { event: "submit" } });
  return r.body.id as string;
}

const order = async (id: string) => (await api(`/v1/purchase-orders/${id}`)).body;
const received = async (id: string) => ((await order(id)).lines as { received_qty: number }[]).map((l) => l.received_qty);
/** A supplier's purchase orders, counted on the shard of its store (the supplier's id carries the store's tag). */
const ordersOf = async (supplierId: string) => countIn(await dbOf({ id: supplierId }), "purchase_orders", "supplier_id = ?", supplierId);

describe("who sees purchasing", () => {
  it("is in the menu of every position that may read purchasing, and its pages open for them", async () => {
    const s = await site();
    const po = await purchaseOrder(s);
    for (const position of ["admin", "warehouse", "warehouse_lead", "analyst", "owner", "finance"]) {
      const { session } = await signedIn([position]);
      const list = await openPage("/console/purchasing", session);
      expect(list.status, position).toBe(200);
      expect(list.html).toContain('href="/console/purchasing"');
      expect(textOf(list.html)).toContain(po);
      for (const path of ["/console/purchasing/suppliers", `/console/purchasing/suppliers/${s.supplier.id}`, `/console/purchasing/orders/${po}`]) {
        expect((await openPage(path, session)).status, `${position} ${path}`).toBe(200);
      }
    }
  });

  it("is refused, and absent from the menu, for positions without it", async () => {
    const s = await site();
    const po = await purchaseOrder(s);
    for (const position of ["support", "auditor", "picker", "packer", "logistics"]) {
      const { session } = await signedIn([position]);
      for (const path of ["/console/purchasing", "/console/purchasing/suppliers", `/console/purchasing/orders/${po}`, `/console/purchasing/orders/${po}/receive`]) {
        const page = await openPage(path, session);
        expect(page.status, `${position} ${path}`).toBe(403);
        expect(page.html).not.toContain('href="/console/purchasing"');
      }
    }
  });

  it("readers get no forms; the dock gets the receive button but not the buyer's actions", async () => {
    const s = await site();
    const po = await purchaseOrder(s);
    for (const position of ["analyst", "owner", "finance"]) {
      const { session } = await signedIn([position]);
      const page = await openPage(`/console/purchasing/orders/${po}`, session);
      expect(page.html).not.toContain("/transition");
      expect(page.html).not.toContain("/receive");
      expect(page.html).not.toContain('action="/console/purchasing/suppliers"');
      expect((await openPage("/console/purchasing/new", session)).status).toBe(403);
      expect((await openPage(`/console/purchasing/orders/${po}/receive`, session)).status).toBe(403);
      const r = await postForm(`/console/purchasing/orders/${po}/receive`, session, { "line_no.0": "1", "bin.0": "A-01", "quantity.0": "1" });
      expect(r.status).toBe(403);
    }
    const { session } = await signedIn(["warehouse"]);
    const page = await openPage(`/console/purchasing/orders/${po}`, session);
    expect(page.html).toContain(`href="/console/purchasing/orders/${po}/receive"`);
    expect(page.html).not.toContain("/transition");
    expect(page.html).not.toContain('href="/console/purchasing/new"');
    expect((await postForm(`/console/purchasing/orders/${po}/transition`, session, { event: "cancel", reason: "no" })).status).toBe(403);
    expect((await postForm("/console/purchasing/suppliers", session, { store_id: s.store.id, name: "Sneaky", currency: "USD" })).status).toBe(403);
    expect(await received(po)).toEqual([0, 0]);
    expect((await order(po)).status).toBe("submitted");
  });
});

describe("suppliers", () => {
  const form = (storeId: string, change: Record<string, string> = {}) => ({
    store_id: storeId,
    name: "West Lake Tea Co.",
    currency: "cny",
    contact_name: "Chen Li",
    email: "chen@westlake.example",
    phone: "+86 571 8888 0000",
    payment_terms: "NET 30",
    payment_days: "30",
    lead_time_days: "21",
    over_receipt_pct: "5",
    ...change,
  });

  it("an admin adds a supplier with its terms and lands on its page", async () => {
    const store = await createStore();
    const { session } = await signedIn(["admin"]);
    const page = await openPage("/console/purchasing/suppliers", session);
    expect(page.status).toBe(200);
    expect(page.html).toContain('action="/console/purchasing/suppliers"');
    const r = await postForm("/console/purchasing/suppliers", session, form(store.id));
    expect(r.status).toBe(303);
    expect(flashOf(r.headers)?.text).toBe("Supplier West Lake Tea Co. added. Add what it supplies below.");
    const id = r.location!.split("/").pop()!;
    expect((await api(`/v1/suppliers/${id}`)).body).toMatchObject({
      store_id: store.id,
      currency: "CNY",
      contact_name: "Chen Li",
      payment_terms: "NET 30",
      lead_time_days: 21,
      over_receipt_pct: 5,
      active: true,
    });
    const text = textOf((await openPage(r.location!, session)).html);
    for (const fact of ["CNY", "Chen Li", "chen@westlake.example", "NET 30", "21 days", "5%"]) expect(text).toContain(fact);
  });

  it.each([
    ["no name", { name: "" }, "Required."],
    ["no store", { store_id: "" }, "Required."],
    ["a currency that is not three letters", { currency: "yuan" }, "Three letters, such as USD."],
    ["a currency that does not exist", { currency: "QQQ" }, "Not a currency code, such as USD."],
    ["a bad email", { email: "chen at westlake" }, "Not an email address."],
    ["a lead time over a year", { lead_time_days: "400" }, "A number of days from 0 to 365."],
    ["a tolerance over 100%", { over_receipt_pct: "150" }, "A whole number from 0 to 100."],
  ])("refuses %s with a 422 page that keeps the input, and writes nothing", async (_, change, message) => {
    const store = await createStore();
    const { session } = await signedIn(["admin"]);
    const r = await postForm("/console/purchasing/suppliers", session, form(store.id, change));
    expect(r.status).toBe(422);
    const text = textOf(r.html);
    expect(text).toContain("Nothing was saved. Fix the fields below.");
    expect(text).toContain(message);
    expect(r.html).toContain('value="NET 30"');
    expect(r.html).toContain('aria-invalid="true"');
    expect(await countIn(await dbOf({ store: store.id }), "suppliers", "store_id = ?", store.id)).toBe(0);
  });

  it("changes a supplier's details, deactivates it (the list says so) and activates it again", async () => {
    const s = await site();
    const { session } = await signedIn(["admin"]);
    const base = `/console/purchasing/suppliers/${s.supplier.id}`;
    const changed = await postForm(base, session, { name: "Renamed Tea", contact_name: "", email: "", phone: "", payment_terms: "50% upfront", lead_time_days: "14" });
    expect(changed.status).toBe(303);
    expect(flashOf(changed.headers)?.text).toBe("Supplier Renamed Tea saved.");
    expect((await api(`/v1/suppliers/${s.supplier.id}`)).body).toMatchObject({ name: "Renamed Tea", payment_terms: "50% upfront", lead_time_days: 14 });
    const bad = await postForm(base, session, { name: "", email: "nope" });
    expect(bad.status).toBe(422);
    expect(textOf(bad.html)).toContain("Not an email address.");
    expect((await api(`/v1/suppliers/${s.supplier.id}`)).body.name).toBe("Renamed Tea");

    const off = await postForm(`${base}/active`, session, { active: "false" });
    expect(flashOf(off.headers)).toEqual({ kind: "warn", text: "Renamed Tea is deactivated." });
    expect((await api(`/v1/suppliers/${s.supplier.id}`)).body.active).toBe(false);
    expect(textOf((await openPage("/console/purchasing/suppliers", session)).html)).toMatch(/Renamed Tea \S+ USD 14 days Inactive/);
    // An inactive supplier is not offered for a new order, and one posted anyway is refused by the API.
    expect((await openPage("/console/purchasing/new", session)).html).not.toContain(`value="${s.supplier.id}"`);
    const refused = await postForm("/console/purchasing/new", session, { supplier_id: s.supplier.id, warehouse_id: s.wh.id, rows: "1", "sku.0": s.tea, "quantity.0": "10" });
    expect(refused.status).toBe(422);
    expect(textOf(refused.html)).toContain("This supplier is inactive.");
    expect(await ordersOf(s.supplier.id)).toBe(0);
    const on = await postForm(`${base}/active`, session, { active: "true" });
    expect(flashOf(on.headers)?.text).toBe("Renamed Tea is active again.");
  });

  it("keeps the supplier's price list: adds an item, changes it, refuses a SKU that is not the store's, removes it", async () => {
    const s = await site();
    const { session } = await signedIn(["admin"]);
    const base = `/console/purchasing/suppliers/${s.supplier.id}`;
    const page = textOf((await openPage(base, session)).html);
    expect(page).toMatch(new RegExp(`${s.tea} SUP-TEA \\$2\\.00 10 10 10 days \\(supplier's\\)`));
    const added = await postForm(`${base}/items`, session, { sku: s.mug, supplier_sku: "SUP-MUG", unit_cost: "3.25", min_order_qty: "", pack_size: "6", lead_time_days: "30" });
    expect(added.status).toBe(303);
    expect(flashOf(added.headers)?.text).toBe(`${s.mug} saved: $3.25 per unit.`);
    const changed = await postForm(`${base}/items`, session, { sku: s.mug, supplier_sku: "SUP-MUG", unit_cost: "3.10", pack_size: "6", lead_time_days: "" });
    expect(changed.status).toBe(303);
    const items = (await api(`/v1/suppliers/${s.supplier.id}/items`)).body.data;
    expect(items.find((i: { sku: string }) => i.sku === s.mug)).toMatchObject({ unit_cost: "3.10", pack_size: 6, min_order_qty: 1, lead_time_days: null });
    // The change link fills the form with the item.
    expect((await openPage(`${base}?item=${s.mug}`, session)).html).toContain('value="3.10"');

    const unknown = await postForm(`${base}/items`, session, { sku: "NOT-OURS", unit_cost: "1.00" });
    expect(unknown.status).toBe(422);
    expect(textOf(unknown.html)).toContain("No product NOT-OURS in the supplier's store.");
    const badCost = await postForm(`${base}/items`, session, { sku: s.mug, unit_cost: "1,5" });
    expect(badCost.status).toBe(422);
    expect(textOf(badCost.html)).toContain("An amount such as 5.00.");
    expect((await api(`/v1/suppliers/${s.supplier.id}/items`)).body.data).toHaveLength(2);

    const removed = await postForm(`${base}/items/remove`, session, { sku: s.mug });
    expect(flashOf(removed.headers)?.text).toBe(`${s.mug} is off the list.`);
    expect((await api(`/v1/suppliers/${s.supplier.id}/items`)).body.data).toHaveLength(1);
  });
});

describe("purchase orders", () => {
  it("lists orders newest first with supplier, warehouse, total, units received and status, filtered by status and supplier", async () => {
    const s = await site();
    const other = await site();
    const older = await purchaseOrder(s);
    await api(`/v1/purchase-orders/${older}/receipts`, { body: { lines: [{ line_no: 1, bin: "A-01", quantity: 4 }] } });
    const newer = await purchaseOrder(s, { submit: false });
    const theirs = await purchaseOrder(other);
    const { session } = await signedIn(["admin"]);
    const all = textOf((await openPage(`/console/purchasing?supplier=${s.supplier.id}`, session)).html);
    expect(all.indexOf(newer)).toBeGreaterThan(-1);
    expect(all.indexOf(newer)).toBeLessThan(all.indexOf(older));
    expect(all).not.toContain(theirs);
    expect(all).toContain(`${older} ${s.supplier.name}`);
    expect(all).toMatch(/\$37\.50 4 of 15 .*Partially received/);
    expect(all).toMatch(/\$37\.50 0 of 15 — Draft/);
    const drafts = textOf((await openPage(`/console/purchasing?status=draft&supplier=${s.supplier.id}`, session)).html);
    expect(drafts).toContain(newer);
    expect(drafts).not.toContain(older);
    expect(textOf((await openPage(`/console/purchasing?status=closed&supplier=${s.supplier.id}`, session)).html)).toContain("No purchase orders match these filters.");
  });

  it("makes a draft from the form: the supplier's price where none is typed, the typed one otherwise", async () => {
    const s = await site();
    const { session } = await signedIn(["admin"]);
    const form = await openPage(`/console/purchasing/new?supplier=${s.supplier.id}`, session);
    expect(form.status).toBe(200);
    expect(textOf(form.html)).toContain(`${s.tea}: $2.00, minimum 10, packs of 10`);
    const r = await postForm("/console/purchasing/new", session, {
      supplier_id: s.supplier.id,
      warehouse_id: s.wh.id,
      expected_date: "2026-12-24",
      note: "before the holidays",
      rows: "3",
      "sku.0": "",
      "quantity.0": "",
      "sku.1": s.tea,
      "quantity.1": "20",
      "sku.2": s.mug,
      "quantity.2": "4",
      "unit_cost.2": "3.75",
    });
    expect(r.status).toBe(303);
    expect(flashOf(r.headers)?.text).toBe("Draft saved. Check it, then submit it to the supplier.");
    const po = await order(r.location!.split("/").pop()!);
    expect(po).toMatchObject({ status: "draft", note: "before the holidays", expected_at: "2026-12-24T12:00:00.000Z", total: "55.00" });
    expect(po.lines.map((l: { sku: string; quantity: number; unit_cost: string }) => [l.sku, l.quantity, l.unit_cost])).toEqual([
      [s.tea, 20, "2.00"],
      [s.mug, 4, "3.75"],
    ]);
  });

  it.each([
    ["no supplier", { supplier_id: "" }, "o-supplier_id", "Required."],
    ["no lines", { "sku.0": "", "quantity.0": "" }, "lines", "Add at least one line: a SKU and a quantity."],
    ["a SKU without a quantity", { "quantity.0": "" }, "quantity.0", "Required."],
    ["a quantity below the supplier's minimum", { "quantity.0": "5" }, "quantity.0", "The supplier's minimum order is 10."],
    ["a quantity in broken packs", { "quantity.0": "15" }, "quantity.0", "Order whole packs of 10."],
    ["a SKU the store does not sell", { "sku.0": "NO-SUCH" }, "sku.0", "No product NO-SUCH in the supplier's store."],
    ["a SKU with no price anywhere", { "sku.0": "MUG" }, "unit_cost.0", "No price: type a unit cost, or add the SKU to the supplier's list."],
    ["a bad date", { expected_date: "next week" }, "o-expected_date", "A date such as 2026-12-31."],
  ])("refuses %s with the problem beside its field, and makes nothing", async (_, change, field, message) => {
    const s = await site();
    const { session } = await signedIn(["admin"]);
    const fields: Record<string, string> = { supplier_id: s.supplier.id, warehouse_id: s.wh.id, rows: "2", "sku.0": s.tea, "quantity.0": "10", ...change };
    if (fields["sku.0"] === "MUG") fields["sku.0"] = s.mug;
    const r = await postForm("/console/purchasing/new", session, fields);
    expect(r.status).toBe(422);
    expect(textOf(r.html)).toContain(message);
    if (field !== "lines") expect(r.html).toContain(`id="${field}-error"`);
    expect(await ordersOf(s.supplier.id)).toBe(0);
  });

  it("submits a draft, refuses a cancel without a reason, cancels with one; the history says who did what and why", async () => {
    const s = await site();
    const po = await purchaseOrder(s, { submit: false });
    const { user, session } = await signedIn(["admin"]);
    const page = await openPage(`/console/purchasing/orders/${po}`, session);
    expect(page.html).toContain('name="event" value="submit"');
    expect(page.html).not.toContain('name="event" value="close"');
    const submitted = await postForm(`/console/purchasing/orders/${po}/transition`, session, { event: "submit", version: "1" });
    expect(submitted.status).toBe(303);
    expect(flashOf(submitted.headers)?.text).toMatch(new RegExp(`^Submitted to ${s.supplier.name}; expected .*2\\d{3}\\.$`));
    expect((await order(po)).status).toBe("submitted");

    const noReason = await postForm(`/console/purchasing/orders/${po}/transition`, session, { event: "cancel", version: "2", reason: "" });
    expect(noReason.status).toBe(422);
    expect(textOf(noReason.html)).toContain("Say why the order is cancelled.");
    expect(noReason.html).toContain('id="reason-cancel-error"');
    const stale = await postForm(`/console/purchasing/orders/${po}/transition`, session, { event: "cancel", version: "1", reason: "price went up" });
    expect(stale.status).toBe(409);
    expect(textOf(stale.html)).toContain("Someone changed this order meanwhile: reload it and try again.");
    expect((await order(po)).status).toBe("submitted");

    const cancelled = await postForm(`/console/purchasing/orders/${po}/transition`, session, { event: "cancel", version: "2", reason: "price went up" });
    expect(flashOf(cancelled.headers)).toEqual({ kind: "warn", text: "The purchase order is cancelled." });
    const history = textOf((await openPage(`/console/purchasing/orders/${po}`, session)).html);
    expect(history).toMatch(new RegExp(`Cancelled \\(Submitted → Cancelled\\) ${user.displayName} +price went up`));
    expect(history).toMatch(new RegExp(`Submitted \\(Draft → Submitted\\) ${user.displayName}`));
    expect(history).toContain("Why closed or cancelled price went up");
  });

  it("closes a short order only with a reason", async () => {
    const s = await site();
    const po = await purchaseOrder(s);
    await api(`/v1/purchase-orders/${po}/receipts`, { body: { lines: [{ line_no: 1, bin: "A-01", quantity: 4 }] } });
    const { session } = await signedIn(["admin"]);
    expect(textOf((await openPage(`/console/purchasing/orders/${po}`, session)).html)).toContain(`Still to come: 6 × ${s.tea}, 5 × ${s.mug}.`);
    const short = await postForm(`/console/purchasing/orders/${po}/transition`, session, { event: "close", version: "3" });
    expect(short.status).toBe(409);
    expect(textOf(short.html)).toContain(`Goods are still to come (6 × ${s.tea}, 5 × ${s.mug}): say why the rest will not come.`);
    expect((await order(po)).status).toBe("partially_received");
    const closed = await postForm(`/console/purchasing/orders/${po}/transition`, session, { event: "close", version: "3", reason: "supplier out of stock" });
    expect(flashOf(closed.headers)?.text).toBe("The purchase order is closed.");
    expect((await order(po)).status).toBe("closed");
  });

  it("changes a submitted order's quantities and date, recorded in its history; never below what arrived", async () => {
    const s = await site();
    const po = await purchaseOrder(s);
    await api(`/v1/purchase-orders/${po}/receipts`, { body: { lines: [{ line_no: 2, bin: "A-01", quantity: 2 }] } });
    const { session } = await signedIn(["admin"]);
    const before = await order(po);
    const v = String(before.version);
    // The form comes with the expected date as it is (the store's zone is UTC).
    const day = (before.expected_at as string).slice(0, 10);
    const same = await postForm(`/console/purchasing/orders/${po}/change`, session, { version: v, "quantity.0": "10", "quantity.1": "5", expected_date: day, note: "" });
    expect(flashOf(same.headers)).toEqual({ kind: "warn", text: "Nothing was changed." });
    const below = await postForm(`/console/purchasing/orders/${po}/change`, session, { version: v, "quantity.0": "10", "quantity.1": "1", expected_date: day });
    expect(below.status).toBe(422);
    expect(textOf(below.html)).toContain("2 already arrived: not less than that.");
    expect(below.html).toContain('id="quantity.1-error"');
    expect((await order(po)).lines[1].quantity).toBe(5);
    const r = await postForm(`/console/purchasing/orders/${po}/change`, session, {
      version: v,
      "quantity.0": "20",
      "quantity.1": "5",
      expected_date: "2027-01-15",
    });
    expect(r.status).toBe(303);
    expect(flashOf(r.headers)?.text).toBe("The purchase order is changed.");
    const after = await order(po);
    expect(after.lines[0].quantity).toBe(20);
    expect(after.expected_at).toBe("2027-01-15T12:00:00.000Z");
    const history = textOf((await openPage(`/console/purchasing/orders/${po}`, session)).html);
    expect(history).toContain(`${s.tea}: 10 → 20`);
    expect(history).toMatch(/Expected date: .+ → Jan 15, 2027/);
  });
});

describe("receiving", () => {
  it("a warehouse person receives part of an order into a bin: stock goes up, the order is partially received", async () => {
    const s = await site();
    const po = await purchaseOrder(s);
    const { session } = await signedIn(["warehouse"]);
    const form = await openPage(`/console/purchasing/orders/${po}/receive`, session);
    expect(form.status).toBe(200);
    expect(form.html).toContain("data-scan");
    expect(form.html).toContain("data-enter-next");
    expect(form.html).not.toContain('id="fx_rate"');
    const r = await postForm(`/console/purchasing/orders/${po}/receive`, session, {
      "line_no.0": "1",
      "bin.0": " a-01 ",
      "quantity.0": "4",
      "line_no.1": "2",
      "bin.1": "",
      "quantity.1": "",
      freight: "2.00",
      allocate_by: "value",
      reference: "ASN-1",
    });
    expect(r.status).toBe(303);
    expect(r.location).toBe(`/console/purchasing/orders/${po}`);
    expect(flashOf(r.headers)?.text).toBe(`Received 4 units (4 × ${s.tea} → A-01); the order is now Partially received.`);
    expect(await received(po)).toEqual([4, 0]);
    expect((await level(s.wh.id, s.tea)).on_hand).toBe(4);
    const page = textOf((await openPage(`/console/purchasing/orders/${po}`, session)).html);
    expect(page).toContain("Reference ASN-1");
    expect(page).toContain("Landed costs Freight $2.00");
    // 2.00 each, plus 2.00 freight over 4 units.
    expect(page).toMatch(new RegExp(`${s.tea} A-01 4 \\$2\\.00 \\$2\\.50`));
  });

  it("refuses more than ordered in words until a reason says why the extra units stay", async () => {
    const s = await site();
    const po = await purchaseOrder(s);
    const { session } = await signedIn(["warehouse_lead"]);
    const fields = { "line_no.0": "1", "bin.0": "A-01", "quantity.0": "12", "line_no.1": "2", "bin.1": "", "quantity.1": "" };
    const over = await postForm(`/console/purchasing/orders/${po}/receive`, session, fields);
    expect(over.status).toBe(409);
    const text = textOf(over.html);
    expect(text).toContain(`More than ordered: ${s.tea} 12 of 10 (up to 10 without a reason).`);
    expect(text).toContain("To keep the extra units, say why under Reason and press Receive again");
    expect(over.html).toContain('id="reason-error"');
    expect(over.html).toContain('id="quantity-0-error"');
    expect(over.html).toContain('value="12"');
    expect(await received(po)).toEqual([0, 0]);
    expect((await level(s.wh.id, s.tea)).on_hand).toBe(0);
    const kept = await postForm(`/console/purchasing/orders/${po}/receive`, session, { ...fields, reason: "supplier sent a spare case; we keep it" });
    expect(kept.status).toBe(303);
    expect(await received(po)).toEqual([12, 0]);
    const history = textOf((await openPage(`/console/purchasing/orders/${po}`, session)).html);
    expect(history).toContain(`More than ordered: ${s.tea} 12/10`);
    expect(history).toContain("supplier sent a spare case; we keep it");
  });

  it.each([
    ["an unknown bin", { "bin.0": "Z-99" }, 422, "No active storage bin with this code in this warehouse."],
    ["the packing bin", { "bin.0": "OUTBOUND" }, 422, "No active storage bin with this code in this warehouse."],
    ["no bin", { "bin.0": "" }, 422, "Required."],
    ["a quantity of 0", { "quantity.0": "0" }, 422, "A whole number of at least 1."],
    ["nothing typed", { "bin.0": "", "quantity.0": "" }, 422, "Nothing to receive: type a quantity for at least one line."],
    ["a bad freight amount", { freight: "lots" }, 422, "An amount such as 5.00."],
  ])("refuses %s and receives nothing", async (_, change, status, message) => {
    const s = await site();
    const po = await purchaseOrder(s);
    const { session } = await signedIn(["warehouse"]);
    const r = await postForm(`/console/purchasing/orders/${po}/receive`, session, { "line_no.0": "1", "bin.0": "A-01", "quantity.0": "3", reference: "keep-me", ...change });
    expect(r.status).toBe(status);
    expect(textOf(r.html)).toContain(message);
    expect(r.html).toContain('value="keep-me"');
    expect(await received(po)).toEqual([0, 0]);
    expect((await level(s.wh.id, s.tea)).on_hand).toBe(0);
  });

  it("asks for the exchange rate when the order's currency is not the warehouse's, and shows it on the receipt", async () => {
    const s = await site({ currency: "CNY" });
    const po = await purchaseOrder(s);
    const { session } = await signedIn(["warehouse"]);
    const form = await openPage(`/console/purchasing/orders/${po}/receive`, session);
    expect(textOf(form.html)).toContain("Exchange rate (USD per 1 CNY)");
    // The hint says which way the rate goes, with no example number that holds for one pair only.
    expect(textOf(form.html)).toContain("The rate on the day, how many USD one CNY buys");
    const fields = { "line_no.0": "1", "bin.0": "B-01", "quantity.0": "10" };
    const noRate = await postForm(`/console/purchasing/orders/${po}/receive`, session, fields);
    expect(noRate.status).toBe(422);
    expect(noRate.html).toContain('id="fx_rate-error"');
    expect(await received(po)).toEqual([0, 0]);
    const r = await postForm(`/console/purchasing/orders/${po}/receive`, session, { ...fields, fx_rate: "0.14" });
    expect(r.status).toBe(303);
    const page = textOf((await openPage(`/console/purchasing/orders/${po}`, session)).html);
    expect(page).toContain("Exchange rate 1 CNY = 0.14 USD");
    // ¥2.00 at 0.14 is $0.28.
    expect(page).toMatch(new RegExp(`${s.tea} B-01 10 \\$0\\.28 \\$0\\.28`));
  });

  it("a form sent twice (a double tap) receives once", async () => {
    const s = await site();
    const po = await purchaseOrder(s);
    const { session } = await signedIn(["warehouse"]);
    const form = await openPage(`/console/purchasing/orders/${po}/receive`, session);
    const version = /name="version" value="(\d+)"/.exec(form.html)![1]!;
    const fields = { version, "line_no.0": "1", "bin.0": "A-01", "quantity.0": "3" };
    expect((await postForm(`/console/purchasing/orders/${po}/receive`, session, fields)).status).toBe(303);
    const again = await postForm(`/console/purchasing/orders/${po}/receive`, session, fields);
    expect(again.status).toBe(303);
    expect(flashOf(again.headers)?.kind).toBe("warn");
    expect(flashOf(again.headers)?.text).toContain("Nothing was received: this order changed since the form was opened");
    expect(await received(po)).toEqual([3, 0]);
    expect((await level(s.wh.id, s.tea)).on_hand).toBe(3);
  });

  it("a draft takes no goods: the page says to submit it first", async () => {
    const s = await site();
    const po = await purchaseOrder(s, { submit: false });
    const { session } = await signedIn(["warehouse"]);
    const page = await openPage(`/console/purchasing/orders/${po}/receive`, session);
    expect(textOf(page.html)).toContain("This purchase order is a draft: submit it before receiving.");
    expect(page.html).not.toContain('name="bin.0"');
    const r = await postForm(`/console/purchasing/orders/${po}/receive`, session, { "line_no.0": "1", "bin.0": "A-01", "quantity.0": "3" });
    expect(r.status).toBe(409);
    expect(await received(po)).toEqual([0, 0]);
  });
});

describe("how orders reach the supplier", () => {
  const calls: { headers: Record<string, string>; body: string }[] = [];
  const realFetch = transport.fetch;
  beforeAll(() => {
    transport.fetch = async (req: Request) => {
      if (!req.url.startsWith("https://supplier.example/")) return realFetch(req);
      calls.push({ headers: Object.fromEntries(req.headers), body: await req.text() });
      return req.url.endsWith("/down") ? new Response("down", { status: 503 }) : new Response("ok");
    };
  });
  afterAll(() => {
    transport.fetch = realFetch;
  });
  const secretOf = async (id: string) =>
    (await (await dbOf({ id })).prepare("SELECT webhook_secret AS s FROM suppliers WHERE id = ?").bind(id).first<{ s: string | null }>())?.s ?? null;
  const sentOf = async (id: string) => (await order(id)) as { sent_via: string | null; sent_to: string | null; sent_at: string | null };

  it("setting a webhook address shows its new signing secret once, with how to verify it; orders are signed with that secret", async () => {
    const s = await site();
    const { session } = await signedIn(["admin"]);
    const base = `/console/purchasing/suppliers/${s.supplier.id}`;
    const before = textOf((await openPage(base, session)).html);
    expect(before).toContain("Orders go By hand: no webhook address and no email");
    expect(before).toContain("Signing secret None: there is no webhook address.");

    const set = await postForm(`${base}/webhook`, session, { webhook_url: "https://supplier.example/po" });
    expect(set.status).toBe(200);
    expect(set.headers.get("cache-control")).toBe("no-store");
    expect(flashOf(set.headers)).toBeNull();
    const secret = /id="signing-secret">\s*(whsec_[A-Za-z0-9+/=]+)/.exec(set.html)?.[1];
    expect(secret).toBeDefined();
    const shown = textOf(set.html);
    expect(shown).toContain("The new signing secret: copy it now It is shown only this once.");
    expect(shown).toContain("How the supplier checks an order (Standard Webhooks)");
    expect(shown).toContain("webhook-id, webhook-timestamp and webhook-signature");
    expect((await api(`/v1/suppliers/${s.supplier.id}`)).body.webhook_url).toBe("https://supplier.example/po");

    // Never again: the page afterwards says a secret exists, and shows none; the form's address opened again is that page.
    expect((await openPage(`${base}/webhook`, session)).location).toBe(`${base}#sending`);
    const after = await openPage(base, session);
    expect(after.html).not.toContain("whsec_");
    expect(textOf(after.html)).toContain("Orders go By webhook Webhook address https://supplier.example/po Signing secret Set.");

    // The secret shown is the one the supplier checks our order with.
    const po = await purchaseOrder(s);
    await waitFor(async () => expect((await sentOf(po)).sent_via).toBe("webhook"));
    const call = calls.find((c) => JSON.parse(c.body).data.purchase_order_id === po)!;
    const signed = { id: call.headers["webhook-id"]!, timestamp: call.headers["webhook-timestamp"]!, signature: call.headers["webhook-signature"]! };
    expect(await verify(secret!, signed, call.body)).toEqual({ ok: true });
  });

  it("saving the address unchanged sends nothing and keeps the secret; a bad address is refused; emptying it clears the webhook", async () => {
    const s = await site();
    await api(`/v1/suppliers/${s.supplier.id}`, { method: "PATCH", body: { webhook_url: "https://supplier.example/a", email: "orders@supplier.example" } });
    const secret = await secretOf(s.supplier.id);
    // Sealed at rest: an unchanged sealed value is an unchanged secret.
    expect(secret).not.toBeNull();
    const { session } = await signedIn(["admin"]);
    const base = `/console/purchasing/suppliers/${s.supplier.id}`;

    const same = await postForm(`${base}/webhook`, session, { webhook_url: " https://supplier.example/a " });
    expect(same.status).toBe(303);
    expect(flashOf(same.headers)).toEqual({ kind: "ok", text: "The webhook address is as it was: its signing secret is unchanged." });
    expect(await secretOf(s.supplier.id)).toBe(secret);

    for (const bad of ["http://supplier.example/a", "https://user:pw@supplier.example/a", "supplier.example/a"]) {
      const refused = await postForm(`${base}/webhook`, session, { webhook_url: bad });
      expect(refused.status, bad).toBe(422);
      expect(textOf(refused.html)).toContain("An https address (plain http only to localhost), without a user or password, of at most 500 characters.");
      expect(refused.html).toContain(`value="${bad}"`);
      expect(refused.html).not.toContain("whsec_");
    }
    expect(await secretOf(s.supplier.id)).toBe(secret);

    const cleared = await postForm(`${base}/webhook`, session, { webhook_url: "" });
    expect(cleared.status).toBe(303);
    expect(flashOf(cleared.headers)).toEqual({ kind: "warn", text: `${s.supplier.name} has no webhook address any more: orders go by email, or by hand.` });
    expect((await api(`/v1/suppliers/${s.supplier.id}`)).body.webhook_url).toBeNull();
    expect(await secretOf(s.supplier.id)).toBeNull();
    const page = textOf((await openPage(base, session)).html);
    expect(page).toContain("Orders go By email with the PDF, to orders@supplier.example");
    expect(page).toContain("Signing secret None: there is no webhook address.");
  });

  it("only those who manage purchasing change the address; readers see how orders go but no secret and no form", async () => {
    const s = await site();
    await api(`/v1/suppliers/${s.supplier.id}`, { method: "PATCH", body: { webhook_url: "https://supplier.example/r" } });
    const secret = await secretOf(s.supplier.id);
    const base = `/console/purchasing/suppliers/${s.supplier.id}`;
    for (const position of ["warehouse", "warehouse_lead", "analyst", "owner", "finance"]) {
      const { session } = await signedIn([position]);
      const page = await openPage(base, session);
      expect(textOf(page.html), position).toContain("Signing secret Set.");
      expect(page.html).not.toContain(`action="${base}/webhook"`);
      expect(page.html).not.toContain('name="preferred"');
      expect((await postForm(`${base}/webhook`, session, { webhook_url: "https://supplier.example/evil" })).status, position).toBe(403);
      expect((await postForm(`${base}/items`, session, { sku: s.tea, unit_cost: "2.00", preferred: "true" })).status, position).toBe(403);
    }
    const { session } = await signedIn(["support"]);
    expect((await postForm(`${base}/webhook`, session, { webhook_url: "" })).status).toBe(403);
    expect((await api(`/v1/suppliers/${s.supplier.id}`)).body.webhook_url).toBe("https://supplier.example/r");
    expect(await secretOf(s.supplier.id)).toBe(secret);
    expect((await api(`/v1/suppliers/${s.supplier.id}/items`)).body.data[0].preferred).toBe(false);
  });

  it("an item's Preferred box is saved ticked and unticked, shown in the list and filled in by Change", async () => {
    const s = await site();
    const { session } = await signedIn(["admin"]);
    const base = `/console/purchasing/suppliers/${s.supplier.id}`;
    const item = { sku: s.tea, supplier_sku: "SUP-TEA", unit_cost: "2.00", min_order_qty: "10", pack_size: "10", lead_time_days: "" };
    const preferred = async () => (await api(`/v1/suppliers/${s.supplier.id}/items`)).body.data.find((i: { sku: string }) => i.sku === s.tea).preferred;
    expect(await preferred()).toBe(false);
    expect((await postForm(`${base}/items`, session, { ...item, preferred: "true" })).status).toBe(303);
    expect(await preferred()).toBe(true);
    const page = await openPage(base, session);
    expect(textOf(page.html)).toMatch(new RegExp(`${s.tea} SUP-TEA \\$2\\.00 10 10 10 days \\(supplier's\\) Preferred`));
    expect(page.html).toContain('data-preferred="true"');
    expect(page.html).toMatch(/id="i-preferred"[^>]*>/);
    expect(/<input[^>]*id="i-preferred"[^>]*>/.exec(page.html)![0]).not.toContain("checked");
    expect(/<input[^>]*id="i-preferred"[^>]*>/.exec((await openPage(`${base}?item=${s.tea}`, session)).html)![0]).toContain("checked");
    // The box unticked is sent as false: the item is no longer preferred.
    expect((await postForm(`${base}/items`, session, item)).status).toBe(303);
    expect(await preferred()).toBe(false);
    expect((await openPage(base, session)).html).toContain('data-preferred="false"');
  });

  it("an order's page says how and when it was sent, in the store's zone, and links its PDF", async () => {
    const s = await site();
    await api(`/v1/stores/${s.store.id}`, { method: "PATCH", body: { timezone: "Asia/Shanghai" } });
    const draft = await purchaseOrder(s, { submit: false });
    const po = await purchaseOrder(s);
    await waitFor(async () => expect((await sentOf(po)).sent_via).toBe("manual"));
    const { sent_at } = await sentOf(po);
    const { session } = await signedIn(["analyst"]);
    const page = await openPage(`/console/purchasing/orders/${po}`, session);
    const when = new Intl.DateTimeFormat("en", { timeZone: "Asia/Shanghai", dateStyle: "medium", timeStyle: "short", hourCycle: "h23" }).format(new Date(sent_at!));
    expect(textOf(page.html)).toContain(`Sent to the supplier To send by hand (the supplier has no webhook or email), ${when}`);
    expect(page.html).toContain(`href="/console/purchasing/orders/${po}/pdf"`);
    const draftPage = textOf((await openPage(`/console/purchasing/orders/${draft}`, session)).html);
    expect(draftPage).not.toContain("Sent to the supplier");

    const pdf = await openPage(`/console/purchasing/orders/${po}/pdf`, session);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(pdf.headers.get("content-disposition")).toBe(`inline; filename="${po}.pdf"`);
    expect(pdf.html.startsWith("%PDF-")).toBe(true);
  });

  it("says an order went by webhook or email, to where", async () => {
    const hook = await site();
    await api(`/v1/suppliers/${hook.supplier.id}`, { method: "PATCH", body: { webhook_url: "https://supplier.example/w" } });
    const mail = await site();
    await api(`/v1/suppliers/${mail.supplier.id}`, { method: "PATCH", body: { email: "orders@mail.example" } });
    const [byHook, byMail] = [await purchaseOrder(hook), await purchaseOrder(mail)];
    await waitFor(async () => expect((await sentOf(byHook)).sent_via).toBe("webhook"));
    await waitFor(async () => expect((await sentOf(byMail)).sent_via).toBe("email"));
    const { session } = await signedIn(["admin"]);
    expect(textOf((await openPage(`/console/purchasing/orders/${byHook}`, session)).html)).toContain("Sent to the supplier By webhook to https://supplier.example/w, ");
    expect(textOf((await openPage(`/console/purchasing/orders/${byMail}`, session)).html)).toContain("Sent to the supplier By email with the PDF to orders@mail.example, ");
    const zh = textOf((await openPage(`/console/purchasing/orders/${byMail}`, session, { cookie: "oms_console_lang=zh-CN" })).html);
    expect(zh).toContain("发送给供应商 通过邮件附 PDF 发往 orders@mail.example，");
  });

  it("an order whose supplier's webhook does not answer is not yet sent, and says so", async () => {
    const s = await site();
    await api(`/v1/suppliers/${s.supplier.id}`, { method: "PATCH", body: { webhook_url: "https://supplier.example/down" } });
    const po = await purchaseOrder(s);
    await waitFor(async () => expect(calls.some((c) => JSON.parse(c.body).data.purchase_order_id === po)).toBe(true));
    expect((await sentOf(po)).sent_via).toBeNull();
    const { session } = await signedIn(["admin"]);
    const page = await openPage(`/console/purchasing/orders/${po}`, session);
    expect(textOf(page.html)).toContain("Sent to the supplier Not sent yet (queued, or the supplier's webhook is not answering)");
    expect(page.html).toContain('data-sent-via="pending"');
  });

  it("the PDF is refused to positions without purchasing and is not found for a reader of other stores", async () => {
    const s = await site();
    const po = await purchaseOrder(s, { submit: false });
    for (const position of ["support", "picker", "logistics"]) {
      const { session } = await signedIn([position]);
      const r = await openPage(`/console/purchasing/orders/${po}/pdf`, session);
      expect(r.status, position).toBe(403);
      expect(r.headers.get("content-type")).toContain("text/html");
    }
    const elsewhere = await createStore();
    const { session } = await signedIn(["analyst"], { storeIds: [elsewhere.id] });
    const r = await openPage(`/console/purchasing/orders/${po}/pdf`, session);
    expect(r.status).toBe(404);
    expect(r.headers.get("content-type")).toContain("text/html");
    expect((await openPage(`/console/purchasing/orders/${po}/pdf`, null)).status).toBe(303);
  });
});

describe("in Chinese", () => {
  const zh = { cookie: "oms_console_lang=zh-CN" };

  it("the list, an order, its receiving page and a supplier speak Chinese", async () => {
    const s = await site({ currency: "CNY" });
    const po = await purchaseOrder(s);
    await api(`/v1/purchase-orders/${po}/receipts`, {
      body: { lines: [{ line_no: 1, bin: "A-01", quantity: 4 }], fx_rate: "0.14", landed_costs: [{ kind: "duty", amount: "1.00" }] },
    });
    const { session } = await signedIn(["admin"]);
    const list = await openPage(`/console/purchasing?supplier=${s.supplier.id}`, session, zh);
    expect(list.html).toContain('lang="zh-CN"');
    const listText = textOf(list.html);
    for (const word of ["采购", "采购单", "供应商", "新建采购单", "部分收货", "预计到货", "收货进度", "4 / 15"]) expect(listText).toContain(word);
    expect(listText).not.toMatch(/Purchase orders|Any supplier|Partially received|Expected|Received/);
    const page = textOf((await openPage(`/console/purchasing/orders/${po}`, session, zh)).html);
    for (const word of ["操作记录", "收货记录", "到岸成本", "关税", "汇率", "1 CNY = 0.14 USD", "提交", "收货", "关闭采购单", "仍未到货"]) expect(page).toContain(word);
    expect(page).not.toMatch(/History|Receipts|Landed|Exchange rate|Close the order/);
    const receive = textOf((await openPage(`/console/purchasing/orders/${po}/receive`, session, zh)).html);
    for (const word of ["采购收货", "运费", "关税", "汇率（1 CNY 折合 USD）", "按货值", "按重量", "确认收货"]) expect(receive).toContain(word);
    const supplier = textOf((await openPage(`/console/purchasing/suppliers/${s.supplier.id}`, session, zh)).html);
    for (const word of ["供货清单", "供应商货号", "起订量", "每包数量", "交货周期", "停用"]) expect(supplier).toContain(word);
  });

  it("says refusals in Chinese: an over-receipt, a supplier's minimum, a missing reason", async () => {
    const s = await site();
    const po = await purchaseOrder(s);
    const { session } = await signedIn(["admin"]);
    const over = await postForm(`/console/purchasing/orders/${po}/receive`, session, { "line_no.0": "1", "bin.0": "A-01", "quantity.0": "11" }, { headers: zh });
    expect(over.status).toBe(409);
    expect(textOf(over.html)).toContain(`超出订购数量：${s.tea} 共收 11，订购 10（无需原因最多 10）。`);
    expect(textOf(over.html)).toContain("请说明为何留下多出的货物。");
    const minimum = await postForm(
      "/console/purchasing/new",
      session,
      { supplier_id: s.supplier.id, warehouse_id: s.wh.id, rows: "1", "sku.0": s.tea, "quantity.0": "3" },
      { headers: zh },
    );
    expect(minimum.status).toBe(422);
    expect(textOf(minimum.html)).toContain("该供应商的起订量为 10。");
    expect(textOf(minimum.html)).toContain("未保存任何内容，请修改以下字段。");
    const cancel = await postForm(`/console/purchasing/orders/${po}/transition`, session, { event: "cancel", reason: "" }, { headers: zh });
    expect(textOf(cancel.html)).toContain("请填写取消原因。");
    expect(await received(po)).toEqual([0, 0]);
  });
});
