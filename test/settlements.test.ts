/**
 * Settlement reconciliation: a payout file imported over HTTP is matched to
 * the ledger's captures and refunds; every planted mismatch is found and
 * nothing else; the same file twice (or twice at once) is one import; two
 * people resolving one line get one success.
 */
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, api, createKey, createOrder, createProduct, createStore, unique } from "./helpers";
import { SHOPIFY_HEADER, stripeFile } from "./settlement-file.mjs";
import { dbOf } from "./shard-helpers";

let store: { id: string };
let sku: string;

beforeAll(async () => {
  store = await createStore(unique("settle"));
  sku = unique("SKU");
  await createProduct(store.id, sku);
});

async function upload(storeId: string, format: string, csv: string | Uint8Array, key: string = ADMIN, type = "text/csv") {
  const res = await exports.default.fetch(`http://oms.test/v1/settlements?store_id=${storeId}&format=${format}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": type },
    body: csv,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

/** `count` paid orders of the store, each with its charge id; their ledger captures' times. */
async function paidOrders(storeId: string, count: number, tag: string) {
  const out: { orderId: string; reference: string; amount: number; at: number }[] = [];
  for (let i = 0; i < count; i++) {
    const o = await createOrder(storeId, { lines: [{ sku, quantity: 1 + (i % 3), unit_price: "10.00" }], shipping_amount: "0", payment_status: "unpaid" });
    const reference = `ch_${tag}_${i}`;
    const r = await api(`/v1/orders/${o.id}/payment`, { body: { payment_status: "paid", reference } });
    if (r.status !== 200) throw new Error(JSON.stringify(r.body));
    const e = await (await dbOf({ store: storeId }))
      .prepare("SELECT amount, created_at FROM ledger_entries WHERE order_id = ? AND kind = 'captured'")
      .bind(o.id)
      .first<{ amount: number; created_at: number }>();
    out.push({ orderId: o.id, reference, amount: e!.amount, at: e!.created_at });
  }
  return out;
}

async function linesBy(settlementId: string, status: string) {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const r = await api(`/v1/settlements/${settlementId}/lines?status=${status}&limit=200${cursor ? `&cursor=${cursor}` : ""}`);
    expect(r.status).toBe(200);
    out.push(...r.body.data);
    cursor = r.body.next_cursor;
  } while (cursor);
  return out;
}

describe("settlement reconciliation", () => {
  it("finds every planted mismatch of a Stripe balance file and nothing else", async () => {
    const s = await createStore(unique("stripe"));
    const db = await dbOf({ store: s.id });
    await createProduct(s.id, sku);
    const captures = await paidOrders(s.id, 29, unique("c"));
    const file = stripeFile({ captures, notOurs: 3, differsEvery: 7, missingEvery: 5 });
    const r = await upload(s.id, "stripe_balance", file.csv);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      store_id: s.id,
      format: "stripe_balance",
      status: "reconciled",
      line_count: file.lines,
      counts: {
        matched: file.expected.matched.length,
        amount_differs: file.expected.amount_differs.length,
        missing_from_settlement: file.expected.missing_from_settlement.length,
        not_ours: file.expected.not_ours.length,
        skipped: 1,
      },
    });
    for (const status of ["matched", "amount_differs", "missing_from_settlement", "not_ours"] as const) {
      const refs = (await linesBy(r.body.id, status)).map((l) => l.reference).sort();
      expect(refs, status).toEqual([...file.expected[status]].sort());
    }
    const differs = (await linesBy(r.body.id, "amount_differs"))[0];
    expect(differs).toMatchObject({ order_id: expect.stringMatching(/^ord_/), kind: "captured", type: "charge" });
    expect(Number(differs.amount) - Number(differs.expected_amount)).toBeCloseTo(0.01);
    const unmatched = await linesBy(r.body.id, "unmatched");
    expect(unmatched).toHaveLength(file.expected.amount_differs.length + file.expected.missing_from_settlement.length + file.expected.not_ours.length);

    // The providers' fees of matched payments went into the ledger, once.
    const fees = await db
      .prepare("SELECT COUNT(*) AS n FROM ledger_entries WHERE store_id = ? AND kind = 'payment_fee' AND source = 'settlement'")
      .bind(s.id)
      .first<{ n: number }>();
    expect(fees!.n).toBe(file.expected.matched.length + file.expected.amount_differs.length);
  });

  it("imports the same file once, whether sent again later or twice at the same moment", async () => {
    const s = await createStore(unique("twice"));
    const db = await dbOf({ store: s.id });
    await createProduct(s.id, sku);
    const captures = await paidOrders(s.id, 6, unique("t"));
    const file = stripeFile({ captures, missingEvery: 4 });
    const [a, b] = await Promise.all([upload(s.id, "stripe_balance", file.csv), upload(s.id, "stripe_balance", file.csv)]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.id).toBe(b.body.id);
    const again = await upload(s.id, "stripe_balance", file.csv);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(a.body.id);
    const counts = await db
      .prepare(
        "SELECT (SELECT COUNT(*) FROM settlements WHERE store_id = ?1) AS settlements, (SELECT COUNT(*) FROM ledger_entries WHERE store_id = ?1 AND source = 'settlement') AS fees",
      )
      .bind(s.id)
      .first<{ settlements: number; fees: number }>();
    expect(counts).toEqual({ settlements: 1, fees: 5 });
    expect((await api(`/v1/settlements?store_id=${s.id}`)).body.data).toHaveLength(1);
  });

  it("books a payment's fee from the file once, whichever file names its transaction, and never one the payment report gave", async () => {
    const s = await createStore(unique("fees"));
    const db = await dbOf({ store: s.id });
    await createProduct(s.id, sku);
    const captures = await paidOrders(s.id, 2, unique("f"));
    // A third payment whose report gave its fee already.
    const reported = await createOrder(s.id, { lines: [{ sku, quantity: 1, unit_price: "10.00" }], shipping_amount: "0", payment_status: "unpaid" });
    const ref = unique("ch_reported");
    expect((await api(`/v1/orders/${reported.id}/payment`, { body: { payment_status: "paid", reference: ref, fee: "0.59" } })).status).toBe(200);
    const at = Date.now() - 1000;
    const all = [...captures, { orderId: reported.id, reference: ref, amount: 1000, at }];
    // Two different files (another payout row) whose first charge is the same transaction, imported at the same moment.
    const wide = stripeFile({ captures: all });
    const narrow = stripeFile({ captures: all.slice(0, 1) });
    const [a, b] = await Promise.all([upload(s.id, "stripe_balance", wide.csv), upload(s.id, "stripe_balance", narrow.csv)]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).not.toBe(b.body.id);
    const fees = await db
      .prepare("SELECT order_id, amount, reference, source, source_key FROM ledger_entries WHERE store_id = ? AND kind = 'payment_fee' ORDER BY reference")
      .bind(s.id)
      .all<{ order_id: string; amount: number; reference: string; source: string; source_key: string }>();
    const feeOf = (c: { amount: number }) => -(Math.round(c.amount * 0.029) + 30);
    expect(fees.results.map((f) => [f.reference, f.amount, f.source]).sort()).toEqual(
      [
        [captures[0]!.reference, feeOf(captures[0]!), "settlement"],
        [captures[1]!.reference, feeOf(captures[1]!), "settlement"],
        [ref, -59, "payment_report"],
      ].sort(),
    );
    expect(fees.results.find((f) => f.reference === captures[0]!.reference)!.source_key).toBe(`settlement_fee:${s.id}:stripe_balance:txn_${"1".padStart(24, "0")}`);
    // The order's books carry the file's fee.
    expect((await api(`/v1/orders/${captures[0]!.orderId}/ledger`)).body.totals[0].fees).toBe(`-${(-feeOf(captures[0]!) / 100).toFixed(2)}`);
  });

  it("resumes an import that died between claiming its file and matching it, when the same file is posted after the lease", async () => {
    const s = await createStore(unique("stale"));
    const db = await dbOf({ store: s.id });
    await createProduct(s.id, sku);
    const captures = await paidOrders(s.id, 6, unique("st"));
    const file = stripeFile({ captures, missingEvery: 4, notOurs: 1 });
    const first = await upload(s.id, "stripe_balance", file.csv);
    expect(first.status).toBe(201);
    const judged = first.body.counts;
    const feesOf = () =>
      db
        .prepare("SELECT COUNT(*) AS n FROM ledger_entries WHERE store_id = ? AND source = 'settlement'")
        .bind(s.id)
        .first<{ n: number }>()
        .then((r) => r!.n);
    const fees = await feesOf();
    // Plant the state a Worker dying after the claim leaves: every line stored and pending, nothing judged, still importing.
    const plant = (createdAt: number) =>
      db.batch([
        db.prepare("DELETE FROM settlement_lines WHERE settlement_id = ? AND status = 'missing_from_settlement'").bind(first.body.id),
        db.prepare("UPDATE settlement_lines SET status = 'pending', order_id = NULL, expected_amount = NULL WHERE settlement_id = ?").bind(first.body.id),
        db.prepare("DELETE FROM ledger_entries WHERE store_id = ? AND source = 'settlement'").bind(s.id),
        db.prepare("UPDATE settlements SET status = 'importing', reconciled_at = NULL, created_at = ? WHERE id = ?").bind(createdAt, first.body.id),
      ]);
    // Within the lease the first import may still be running: answered as it stands, not taken over.
    await plant(Date.now() - 30_000);
    const early = await upload(s.id, "stripe_balance", file.csv);
    expect(early.status).toBe(200);
    expect(early.body).toMatchObject({ id: first.body.id, status: "importing" });
    // After the lease: two posts of the file at once resume it, and judge it once.
    await plant(Date.now() - 3 * 60_000);
    const [a, b] = await Promise.all([upload(s.id, "stripe_balance", file.csv), upload(s.id, "stripe_balance", file.csv)]);
    for (const r of [a, b]) {
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id: first.body.id, status: "reconciled", counts: judged });
    }
    expect(await feesOf()).toBe(fees);
    const n = await db.prepare("SELECT COUNT(*) AS n FROM settlements WHERE store_id = ?").bind(s.id).first<{ n: number }>();
    expect(n!.n).toBe(1);
    const missing = await linesBy(first.body.id, "missing_from_settlement");
    expect(missing.map((l) => l.reference).sort()).toEqual([...file.expected.missing_from_settlement].sort());
  });

  it("sweeps away an import that died before claiming its file, and imports the file anew", async () => {
    const s = await createStore(unique("dead"));
    const db = await dbOf({ store: s.id });
    await createProduct(s.id, sku);
    const captures = await paidOrders(s.id, 2, unique("d"));
    const file = stripeFile({ captures });
    // A dead import of long ago: half its lines written, no file hash; and one of a moment ago, perhaps still running.
    await db.batch([
      db
        .prepare(
          "INSERT INTO settlements (id, store_id, format, status, file_sha256, line_count, imported_by, created_at) VALUES ('stl_DEAD0000000000000000000000', ?1, 'stripe_balance', 'importing', NULL, 0, 'key_x', ?2), ('stl_LIVE0000000000000000000000', ?1, 'stripe_balance', 'importing', NULL, 0, 'key_x', ?3)",
        )
        .bind(s.id, Date.now() - 10 * 60_000, Date.now() - 5_000),
      db
        .prepare(
          "INSERT INTO settlement_lines (settlement_id, line_no, kind, type, transaction_id, reference, amount, fee, currency, occurred_at, status) VALUES ('stl_DEAD0000000000000000000000', 1, 'captured', 'charge', 'txn_1', ?1, 100, 3, 'USD', NULL, 'pending')",
        )
        .bind(captures[0]!.reference),
    ]);
    const r = await upload(s.id, "stripe_balance", file.csv);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.status).toBe("reconciled");
    const left = await db.prepare("SELECT id FROM settlements WHERE store_id = ? ORDER BY id").bind(s.id).all<{ id: string }>();
    expect(left.results.map((x) => x.id).sort()).toEqual([r.body.id, "stl_LIVE0000000000000000000000"].sort());
    const orphan = await db.prepare("SELECT COUNT(*) AS n FROM settlement_lines WHERE settlement_id = 'stl_DEAD0000000000000000000000'").first<{ n: number }>();
    expect(orphan!.n).toBe(0);
  });

  it("lets finance resolve an unmatched line once, with a note, who and when", async () => {
    const s = await createStore(unique("resolve"));
    await createProduct(s.id, sku);
    const captures = await paidOrders(s.id, 3, unique("r"));
    const r = await upload(s.id, "stripe_balance", stripeFile({ captures, notOurs: 1 }).csv);
    const [line] = await linesBy(r.body.id, "unmatched");
    const finance = await createKey("finance", [s.id]);
    const resolve = (note: string) => api(`/v1/settlements/${r.body.id}/lines/${line.line_no}/resolve`, { body: { note }, key: finance });
    const answers = await Promise.all([resolve("Another shop's charge; told Stripe"), resolve("Duplicate")]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const won = answers.find((a) => a.status === 200)!.body;
    expect(won).toMatchObject({ status: "not_ours", resolution_note: expect.any(String), resolved_by: expect.stringMatching(/^key_/), resolved_at: expect.any(String) });
    expect(answers.find((a) => a.status === 409)!.body.code).toBe("already_resolved");
    expect(await linesBy(r.body.id, "unmatched")).toHaveLength(0);
    expect(await linesBy(r.body.id, "resolved")).toMatchObject([{ line_no: line.line_no, resolution_note: won.resolution_note }]);
    // A matched line is not finance's to resolve; a line that does not exist is a 404; an empty note a 422.
    const [matched] = await linesBy(r.body.id, "matched");
    expect((await api(`/v1/settlements/${r.body.id}/lines/${matched.line_no}/resolve`, { body: { note: "x" } })).body.code).toBe("not_unmatched");
    expect((await api(`/v1/settlements/${r.body.id}/lines/99999/resolve`, { body: { note: "x" } })).status).toBe(404);
    expect((await api(`/v1/settlements/${r.body.id}/lines/${line.line_no}/resolve`, { body: { note: " " } })).status).toBe(422);
  });

  it("reads a Shopify Payments payout export by the order's name, in CNY", async () => {
    const s = await createStore(unique("shopify"), "CNY");
    await createProduct(s.id, sku);
    const o = await createOrder(s.id, { currency: "CNY", lines: [{ sku, quantity: 2, unit_price: "94.00" }], shipping_amount: "0", payment_status: "unpaid" });
    await api(`/v1/orders/${o.id}/payment`, { body: { payment_status: "paid", reference: "#1001" } });
    const at = new Date(Date.now() - 1000).toISOString().replace("T", " ").slice(0, 19);
    const csv = [
      SHOPIFY_HEADER,
      `${at} +0000,charge,#1001,visa,online,paid,2026-11-23,91283746501,2026-11-23,188.00,5.94,182.06,31415926535,card,188.00,CNY,CNY`,
      `${at} +0000,charge,#9999,visa,online,paid,2026-11-23,91283746501,2026-11-23,12.00,0.40,11.60,31415926599,card,12.00,CNY,CNY`,
      `${at} +0000,payout,,,,paid,2026-11-23,91283746501,2026-11-23,-193.66,0.00,-193.66,,,,,CNY`,
    ].join("\r\n");
    const r = await upload(s.id, "shopify_payouts", csv);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.counts).toMatchObject({ matched: 1, not_ours: 1, skipped: 1, amount_differs: 0, missing_from_settlement: 0 });
    const ledger = await api(`/v1/orders/${o.id}/ledger`);
    expect(ledger.body.totals[0]).toMatchObject({ currency: "CNY", captured: "188.00", fees: "-5.94", gross_profit: "182.06" });
  });

  it("refuses a file with a bad row, naming it, and writes nothing", async () => {
    const s = await createStore(unique("bad"));
    const db = await dbOf({ store: s.id });
    const bad = `${stripeFile({ captures: [{ reference: "ch_x", amount: 100, at: Date.now() }] }).csv}txn_9,charge,ch_y,1.234,0,0,1.234,usd,2026-11-20 10:00,,,,,,,\n`;
    const r = await upload(s.id, "stripe_balance", bad);
    expect(r.status).toBe(422);
    expect(r.headers.get("content-type")).toContain("application/problem+json");
    expect(JSON.stringify(r.body.errors)).toContain("body.line.3");
    const header = await upload(s.id, "stripe_balance", "Date,Amount\n2026-11-20,1.00\n");
    expect(header.status).toBe(422);
    expect(JSON.stringify(header.body)).toContain("source");
    expect((await upload(s.id, "stripe_balance", "")).status).toBe(422);
    expect((await upload(s.id, "stripe_balance", new Uint8Array([0xff, 0xfe, 0x00]))).status).toBe(422);
    expect((await upload(s.id, "paypal", "x")).status).toBe(400);
    expect((await upload(s.id, "stripe_balance", "{}", ADMIN, "application/json")).status).toBe(415);
    expect((await upload("st_nope", "stripe_balance", "x")).status).toBe(404);
    const n = await db.prepare("SELECT COUNT(*) AS n FROM settlements WHERE store_id = ?").bind(s.id).first<{ n: number }>();
    expect(n!.n).toBe(0);
  });

  it("is finance's and admin's work: the owner, analysts, support and the floor are refused", async () => {
    const csv = stripeFile({ captures: [{ reference: "ch_role", amount: 100, at: Date.now() }] }).csv;
    expect((await upload(store.id, "stripe_balance", csv, await createKey("finance", [store.id]))).status).toBe(201);
    for (const role of ["owner", "analyst", "support", "warehouse", "auditor", "channel"]) {
      const key = await createKey(role, [store.id]);
      expect((await upload(store.id, "stripe_balance", csv, key)).status, role).toBe(403);
      expect((await api(`/v1/settlements?store_id=${store.id}`, { key })).status, role).toBe(403);
    }
    const other = await createStore(unique("elsewhere"));
    const outsider = await createKey("finance", [other.id]);
    expect((await upload(store.id, "stripe_balance", csv, outsider)).status).toBe(404);
    const mine = (await api(`/v1/settlements?store_id=${store.id}`)).body.data[0];
    expect((await api(`/v1/settlements/${mine.id}`, { key: outsider })).status).toBe(404);
  });
});
