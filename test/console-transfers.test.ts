/**
 * The stock section's transfers: the list of a warehouse's transfers as the
 * API keeps them, sending one by a scanner-friendly form (each refusal a 4xx
 * page with the form whole and nothing moved), one transfer's page and its
 * receipt at the destination, double taps counted once, and who may see and
 * do what.
 */
import { describe, expect, it } from "vitest";
import { api, createProduct, createStore, unique } from "./helpers";
import { flashOf, openPage, postForm, signedIn, textOf } from "./console-helpers";
import { countIn, createBin, createWarehouse, level, receive } from "./processing-helpers";
import { dbOf } from "./shard-helpers";

/** Two own warehouses of one store: A (bins, 30 of the SKU in A-01) and B (bin B-01). */
async function pair() {
  const store = await createStore();
  const sku = unique("TRF");
  await createProduct(store.id, sku);
  const a = await createWarehouse({ name: unique("Alpha"), store_ids: [store.id] });
  const b = await createWarehouse({ name: unique("Beta"), store_ids: [store.id] });
  await createBin(a.id, "A-01");
  await createBin(a.id, "A-02");
  await createBin(b.id, "B-01");
  await receive(a.id, [{ sku, bin: "A-01", quantity: 30, unit_cost: "2.00" }]);
  const names = { a: (await api(`/v1/warehouses/${a.id}`)).body.name as string, b: (await api(`/v1/warehouses/${b.id}`)).body.name as string };
  return { store, sku, a, b, names };
}

type Row = { sku?: string; from_bin?: string; quantity?: string };

const transfersOf = async (whId: string) => (await api(`/v1/transfers?warehouse_id=${whId}&limit=200`)).body.data as { id: string; status: string; received_units: number }[];

const sendForm = (from: string, to: string, rows: { sku?: string; from_bin?: string; quantity?: string }[], extra: Record<string, string> = {}) => ({
  warehouse: from,
  to,
  rows: String(rows.length),
  ...Object.fromEntries(
    rows.flatMap((r, i) => [
      [`sku.${i}`, r.sku ?? ""],
      [`from_bin.${i}`, r.from_bin ?? ""],
      [`quantity.${i}`, r.quantity ?? ""],
    ]),
  ),
  ...extra,
});

describe("the transfers list", () => {
  it("shows the warehouse's transfers both ways, with status, ends, lines, times and who sent them", async () => {
    const { sku, a, b, names } = await pair();
    const sent = await api("/v1/transfers", { body: { from_warehouse_id: a.id, to_warehouse_id: b.id, lines: [{ sku, from_bin: "A-01", quantity: 4 }] } });
    expect(sent.status).toBe(201);
    const { session } = await signedIn(["warehouse_lead"]);
    for (const wh of [a.id, b.id]) {
      const page = await openPage(`/console/stock/transfers?warehouse=${wh}`, session);
      expect(page.status).toBe(200);
      const text = textOf(page.html);
      expect(text).toContain(sent.body.id);
      expect(text).toContain("In transit");
      expect(text).toContain(names.a);
      expect(text).toContain(names.b);
      expect(text).toContain("1 line, 4 units");
      expect(text).toContain(`${sku} × 4`);
      expect(page.html).toContain(`/console/stock/transfers/${sent.body.id}?warehouse=${wh}`);
    }
    const received = await openPage(`/console/stock/transfers?warehouse=${a.id}&status=received`, session);
    expect(textOf(received.html)).toContain("No transfer to or from this warehouse.");
  });

  it("speaks Chinese to a Chinese reader", async () => {
    const { sku, a, b } = await pair();
    await api("/v1/transfers", { body: { from_warehouse_id: a.id, to_warehouse_id: b.id, lines: [{ sku, from_bin: "A-01", quantity: 1 }] } });
    const { session } = await signedIn(["warehouse_lead"]);
    const text = textOf((await openPage(`/console/stock/transfers?warehouse=${a.id}`, session, { cookie: "oms_console_lang=zh-CN" })).html);
    for (const word of ["调拨", "在途", "调出仓", "调入仓", "发出时间", "新建调拨", "补货"]) expect(text).toContain(word);
    expect(text).toContain("1 行，1 件");
    expect(text).not.toMatch(/In transit|Sent by/);
    // One line of one unit, in English: each count its own singular.
    expect(textOf((await openPage(`/console/stock/transfers?warehouse=${a.id}`, session)).html)).toMatch(/1 line, 1 unit(?!s)/);
  });
});

describe("sending a transfer", () => {
  it("sends from the form: stock leaves the bin, the transfer page shows it in transit and names the sender", async () => {
    const { sku, a, b, names } = await pair();
    const { user, session } = await signedIn(["warehouse_lead"]);
    const form = await openPage(`/console/stock/transfers/new?warehouse=${a.id}`, session);
    expect(form.status).toBe(200);
    expect(form.html).toContain("data-scan");
    expect(form.html).toContain(`<option value="${b.id}">`);
    const r = await postForm("/console/stock/transfers/new", session, sendForm(a.id, b.id, [{ sku: ` ${sku} `, from_bin: "a-01", quantity: "12" }, {}], { note: "rebalance" }));
    expect(r.status).toBe(303);
    const id = /\/console\/stock\/transfers\/(stt_[^?]+)\?warehouse=/.exec(r.location ?? "")?.[1];
    expect(id).toBeDefined();
    expect(flashOf(r.headers)?.text).toBe(`Transfer ${id} sent: 12 units in transit to ${names.b}.`);
    expect(await level(a.id, sku)).toEqual({ on_hand: 18, reserved: 0 });
    expect((await api(`/v1/transfers/${id}`)).body).toMatchObject({ status: "in_transit", note: "rebalance", lines: [{ sku, quantity: 12 }] });
    const page = await openPage(r.location!, session);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain(`Transfer ${id}`);
    expect(text).toContain("A-01");
    expect(text).toContain(user.displayName);
    expect(text).toContain(`Receive at ${names.b}`);
    expect(text).toContain("$2.00");
  });

  it.each([
    ["no destination", { to: "" }, [{ sku: "$SKU", from_bin: "A-01", quantity: "2" }], 422, "Required."],
    ["the same warehouse", { to: "$A" }, [{ sku: "$SKU", from_bin: "A-01", quantity: "2" }], 422, "Choose another warehouse than the one the goods are in."],
    ["no lines", {}, [{}, {}], 422, "Nothing to send: fill in at least one line."],
    ["a row without a bin", {}, [{ sku: "$SKU", quantity: "2" }], 422, "Required."],
    ["a quantity of 0", {}, [{ sku: "$SKU", from_bin: "A-01", quantity: "0" }], 422, "A whole number of at least 1."],
    ["an unknown bin", {}, [{ sku: "$SKU", from_bin: "Z-99", quantity: "2" }], 422, "No active storage bin with this code in this warehouse."],
    [
      "a line twice",
      {},
      [
        { sku: "$SKU", from_bin: "A-01", quantity: "1" },
        { sku: "$SKU", from_bin: "A-01", quantity: "1" },
      ],
      422,
      "on the transfer twice",
    ],
    ["more than the bin holds", {}, [{ sku: "$SKU", from_bin: "A-01", quantity: "31" }], 409, "Not enough stock."],
    ["a SKU the bin does not hold", {}, [{ sku: "$SKU", from_bin: "A-02", quantity: "1" }], 409, "Not enough stock."],
  ] as [string, Record<string, string>, Row[], number, string][])(
    "refuses %s with the form whole and the problem beside it, and moves nothing",
    async (_, extra, rows, status, message) => {
      const { sku, a, b } = await pair();
      const { session } = await signedIn(["warehouse"]);
      const fill = (v: string | undefined) => v?.replace("$SKU", sku).replace("$A", a.id);
      const fields = sendForm(
        a.id,
        b.id,
        rows.map((r: { sku?: string; from_bin?: string; quantity?: string }) => ({ sku: fill(r.sku), from_bin: r.from_bin, quantity: r.quantity })),
        { note: "keep-me", ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, fill(v)!])) },
      );
      const movesOfA = async () => countIn(await dbOf({ warehouse: a.id }), "stock_movements", "warehouse_id = ?", a.id);
      const movesBefore = await movesOfA();
      const r = await postForm("/console/stock/transfers/new", session, fields);
      expect(r.status).toBe(status);
      expect(textOf(r.html)).toContain(message);
      expect(r.html).toContain('value="keep-me"');
      if (rows.some((x: { sku?: string }) => x.sku) || "to" in extra) expect(r.html).toContain('aria-invalid="true"');
      if (rows[0]?.sku) expect(r.html).toContain(`value="${sku}"`);
      expect(await transfersOf(a.id)).toEqual([]);
      expect(await level(a.id, sku)).toEqual({ on_hand: 30, reserved: 0 });
      expect(await movesOfA()).toBe(movesBefore);
    },
  );

  it("a form sent twice (a double tap) sends once", async () => {
    const { sku, a, b } = await pair();
    const { session } = await signedIn(["warehouse_lead"]);
    const fields = sendForm(a.id, b.id, [{ sku, from_bin: "A-01", quantity: "5" }], { _idem: crypto.randomUUID() });
    const first = await postForm("/console/stock/transfers/new", session, fields);
    const second = await postForm("/console/stock/transfers/new", session, fields);
    expect([first.status, second.status]).toEqual([303, 303]);
    expect(second.location).toBe(first.location);
    expect(await transfersOf(a.id)).toHaveLength(1);
    expect(await level(a.id, sku)).toEqual({ on_hand: 25, reserved: 0 });
  });
});

describe("receiving a transfer", () => {
  async function inTransit(quantity = 10) {
    const p = await pair();
    const sent = await api("/v1/transfers", { body: { from_warehouse_id: p.a.id, to_warehouse_id: p.b.id, lines: [{ sku: p.sku, from_bin: "A-01", quantity }] } });
    expect(sent.status).toBe(201);
    return { ...p, id: sent.body.id as string };
  }

  it("receives part into a scanned bin, then the rest; the page says when every unit is in", async () => {
    const { sku, b, id } = await inTransit();
    const { session } = await signedIn(["warehouse"]);
    const page = await openPage(`/console/stock/transfers/${id}?warehouse=${b.id}`, session);
    expect(page.html).toContain('id="quantity.1"');
    expect(page.html).toContain('value="10"');
    const part = await postForm(`/console/stock/transfers/${id}/receive`, session, { warehouse: b.id, bin: "b-01", "quantity.1": "6" });
    expect(part.status).toBe(303);
    expect(flashOf(part.headers)?.text).toBe(`Transfer ${id}: 6 units received into B-01.`);
    expect(await level(b.id, sku)).toEqual({ on_hand: 6, reserved: 0 });
    const after = await openPage(`/console/stock/transfers/${id}?warehouse=${b.id}`, session);
    expect(textOf(after.html)).toContain("Partly received");
    expect(textOf(after.html)).toContain("Arrived: " + sku + " (up to 4)");
    await postForm(`/console/stock/transfers/${id}/receive`, session, { warehouse: b.id, bin: "B-01", "quantity.1": "4" });
    expect((await api(`/v1/transfers/${id}`)).body).toMatchObject({ status: "received", received_units: 10 });
    const done = await openPage(`/console/stock/transfers/${id}?warehouse=${b.id}`, session);
    expect(textOf(done.html)).toContain("Every unit of this transfer is received.");
    expect(done.html).not.toContain(`/console/stock/transfers/${id}/receive`);
  });

  it.each([
    ["no bin", { bin: "" }, 422, "Required."],
    ["an unknown bin", { bin: "NOPE-9" }, 422, "No active storage bin with this code in this warehouse."],
    ["nothing typed", { "quantity.1": "" }, 422, "Nothing to receive"],
    ["a negative quantity", { "quantity.1": "-2" }, 422, "A whole number, 0 or more."],
    ["more than was sent", { "quantity.1": "11" }, 409, "More than was sent: check the quantities."],
  ])("refuses %s with the form whole, and receives nothing", async (_, change, status, message) => {
    const { sku, b, id } = await inTransit();
    const { session } = await signedIn(["warehouse_lead"]);
    const r = await postForm(`/console/stock/transfers/${id}/receive`, session, { warehouse: b.id, bin: "B-01", "quantity.1": "3", ...change });
    expect(r.status).toBe(status);
    expect(textOf(r.html)).toContain(message);
    expect(await level(b.id, sku)).toEqual({ on_hand: 0, reserved: 0 });
    expect((await api(`/v1/transfers/${id}`)).body).toMatchObject({ status: "in_transit", received_units: 0 });
  });

  it("a receipt sent twice (a double tap) receives once", async () => {
    const { sku, b, id } = await inTransit();
    const { session } = await signedIn(["warehouse_lead"]);
    const fields = { warehouse: b.id, bin: "B-01", "quantity.1": "3", _idem: crypto.randomUUID() };
    expect((await postForm(`/console/stock/transfers/${id}/receive`, session, fields)).status).toBe(303);
    expect((await postForm(`/console/stock/transfers/${id}/receive`, session, fields)).status).toBe(303);
    expect(await level(b.id, sku)).toEqual({ on_hand: 3, reserved: 0 });
    expect((await api(`/v1/transfers/${id}`)).body.received_units).toBe(3);
  });
});

describe("who may see and do what", () => {
  it("support and auditors are refused; analysts and pickers read transfers but may not send or receive", async () => {
    const { sku, a, b } = await pair();
    const sent = await api("/v1/transfers", { body: { from_warehouse_id: a.id, to_warehouse_id: b.id, lines: [{ sku, from_bin: "A-01", quantity: 2 }] } });
    for (const position of ["support", "auditor"]) {
      const { session } = await signedIn([position]);
      expect((await openPage(`/console/stock/transfers?warehouse=${a.id}`, session)).status).toBe(403);
      expect((await openPage(`/console/stock/transfers/${sent.body.id}`, session)).status).toBe(403);
    }
    for (const position of ["analyst", "picker"]) {
      const { session } = await signedIn([position]);
      const list = await openPage(`/console/stock/transfers?warehouse=${a.id}`, session);
      expect(list.status).toBe(200);
      expect(textOf(list.html)).toContain(sent.body.id);
      expect(list.html).not.toContain("/console/stock/transfers/new");
      const one = await openPage(`/console/stock/transfers/${sent.body.id}?warehouse=${b.id}`, session);
      expect(one.status).toBe(200);
      expect(one.html).not.toContain("/receive");
      expect((await openPage(`/console/stock/transfers/new?warehouse=${a.id}`, session)).status).toBe(403);
      expect((await postForm("/console/stock/transfers/new", session, sendForm(a.id, b.id, [{ sku, from_bin: "A-01", quantity: "1" }]))).status).toBe(403);
      expect((await postForm(`/console/stock/transfers/${sent.body.id}/receive`, session, { warehouse: b.id, bin: "B-01", "quantity.1": "2" })).status).toBe(403);
    }
    expect(await transfersOf(a.id)).toHaveLength(1);
    expect(await level(b.id, sku)).toEqual({ on_hand: 0, reserved: 0 });
  });

  it("the Transfers tab shows to those who read stock; its New transfer link only to those who change it", async () => {
    const { a } = await pair();
    const lead = await signedIn(["warehouse_lead"]);
    const levels = await openPage(`/console/stock?warehouse=${a.id}`, lead.session);
    expect(levels.html).toContain(`href="/console/stock/transfers?warehouse=${a.id}"`);
    expect((await openPage(`/console/stock/transfers?warehouse=${a.id}`, lead.session)).html).toContain("/console/stock/transfers/new");
  });

  it("the destination's people see a transfer coming and receive it; the source's people follow it without the receive form", async () => {
    const { sku, a, b } = await pair();
    const sent = await api("/v1/transfers", { body: { from_warehouse_id: a.id, to_warehouse_id: b.id, lines: [{ sku, from_bin: "A-01", quantity: 2 }] } });
    const atSource = (await signedIn(["warehouse"], { warehouseIds: [a.id] })).session;
    const atDestination = (await signedIn(["warehouse"], { warehouseIds: [b.id] })).session;
    const followed = await openPage(`/console/stock/transfers/${sent.body.id}?warehouse=${a.id}`, atSource);
    expect(followed.status).toBe(200);
    expect(followed.html).not.toContain(`/console/stock/transfers/${sent.body.id}/receive`);
    const incoming = await openPage(`/console/stock/transfers?warehouse=${b.id}`, atDestination);
    expect(textOf(incoming.html)).toContain(sent.body.id);
    const page = await openPage(`/console/stock/transfers/${sent.body.id}?warehouse=${b.id}`, atDestination);
    expect(page.html).toContain(`/console/stock/transfers/${sent.body.id}/receive`);
    const r = await postForm(`/console/stock/transfers/${sent.body.id}/receive`, atDestination, { warehouse: b.id, bin: "B-01", "quantity.1": "2" });
    expect(r.status).toBe(303);
    expect(await level(b.id, sku)).toEqual({ on_hand: 2, reserved: 0 });
  });

  it("a person scoped to other warehouses does not see this pair's transfers, and cannot receive one", async () => {
    const { sku, a, b } = await pair();
    const other = await pair();
    const sent = await api("/v1/transfers", { body: { from_warehouse_id: a.id, to_warehouse_id: b.id, lines: [{ sku, from_bin: "A-01", quantity: 2 }] } });
    const mine = await api("/v1/transfers", { body: { from_warehouse_id: other.a.id, to_warehouse_id: other.b.id, lines: [{ sku: other.sku, from_bin: "A-01", quantity: 1 }] } });
    const { session } = await signedIn(["warehouse"], { warehouseIds: [other.a.id, other.b.id] });
    const list = await openPage(`/console/stock/transfers?warehouse=${other.b.id}`, session);
    expect(textOf(list.html)).toContain(mine.body.id);
    expect(list.html).not.toContain(sent.body.id);
    expect((await openPage(`/console/stock/transfers?warehouse=${b.id}`, session)).status).toBe(404);
    expect((await openPage(`/console/stock/transfers/${sent.body.id}?warehouse=${other.b.id}`, session)).status).toBe(404);
    const r = await postForm(`/console/stock/transfers/${sent.body.id}/receive`, session, { warehouse: other.b.id, bin: "B-01", "quantity.1": "2" });
    expect(r.status).toBe(404);
    expect(await level(b.id, sku)).toEqual({ on_hand: 0, reserved: 0 });
    // Nor can they send from a warehouse they do not work in.
    const send = await postForm("/console/stock/transfers/new", session, sendForm(a.id, b.id, [{ sku, from_bin: "A-01", quantity: "1" }]));
    expect(send.status).toBe(404);
    expect(await level(a.id, sku)).toEqual({ on_hand: 28, reserved: 0 });
  });
});
