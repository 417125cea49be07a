/**
 * Inventory: warehouses, zones, bins; receiving with moving average cost,
 * adjustments, transfers and stocktakes, each a ledger movement; the ledger
 * recomputes to the levels; warehouse scope hides other warehouses.
 */
import { env } from "./shard-env";
import { describe, expect, it } from "vitest";
import { api, createKey, unique } from "./helpers";
import { count, createBin, createWarehouse, createZone, ledgerOk, level, receive, stockedWarehouse } from "./processing-helpers";

describe("warehouses, zones and bins", () => {
  it("creates a warehouse with its OUTBOUND bin; reads, lists and updates it", async () => {
    const r = await api("/v1/warehouses", { body: { name: "East", country: "US", region: "NJ", currency: "USD" } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: "East", kind: "own", country: "US", region: "NJ", active: true, webhook_secret: null, weight_tolerance_pct: 5 });
    expect(r.headers.get("location")).toBe(`/v1/warehouses/${r.body.id}`);
    const bins = await api(`/v1/warehouses/${r.body.id}/bins`);
    expect(bins.body.data).toMatchObject([{ code: "OUTBOUND", kind: "outbound" }]);
    const { webhook_secret, ...plain } = r.body;
    expect(webhook_secret).toBeNull();
    expect((await api(`/v1/warehouses/${r.body.id}`)).body).toEqual(plain);
    const patched = await api(`/v1/warehouses/${r.body.id}`, { method: "PATCH", body: { active: false, weight_tolerance_grams: 50 } });
    expect(patched.body).toMatchObject({ active: false, weight_tolerance_grams: 50 });
    const list = await api("/v1/warehouses?limit=200");
    expect(list.body.data.map((w: any) => w.id)).toContain(r.body.id);
  });

  it("a third-party warehouse needs a webhook URL and shows its secret once", async () => {
    const body = { name: unique("3pl"), kind: "third_party", country: "DE", webhook_url: "https://3pl.example/hook" };
    const key = unique("idem");
    const r = await api("/v1/warehouses", { body, headers: { "idempotency-key": key } });
    expect(r.status).toBe(201);
    expect(r.body.webhook_secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const replay = await api("/v1/warehouses", { body, headers: { "idempotency-key": key } });
    expect(replay.body).toEqual({ ...r.body, webhook_secret: null });
    expect(JSON.stringify((await api(`/v1/warehouses/${r.body.id}`)).body)).not.toContain(r.body.webhook_secret);
  });

  it("refuses bad warehouses with 422 and writes nothing", async () => {
    const before = await count("warehouses");
    for (const body of [
      { name: "x", country: "USA" },
      { name: "", country: "US" },
      { name: "x", country: "US", kind: "third_party" },
      { name: "x", country: "US", webhook_url: "https://x.example" },
      { name: "x", country: "US", kind: "third_party", webhook_url: "ftp://x.example" },
      { name: "x", country: "US", currency: "EURO" },
      { name: "x", country: "US", weight_tolerance_pct: 101 },
    ]) {
      const r = await api("/v1/warehouses", { body });
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
    }
    expect(await count("warehouses")).toBe(before);
    const wh = await createWarehouse();
    expect((await api(`/v1/warehouses/${wh.id}`, { method: "PATCH", body: {} })).status).toBe(422);
    expect((await api(`/v1/warehouses/${wh.id}`, { method: "PATCH", body: { webhook_url: "https://x.example" } })).status).toBe(422);
    expect((await api("/v1/warehouses/wh_missing")).status).toBe(404);
    expect((await api("/v1/warehouses/wh_missing", { method: "PATCH", body: { name: "x" } })).status).toBe(404);
  });

  it("zones and bins: codes unique per warehouse, bins listed in path order with their zone", async () => {
    const wh = await createWarehouse();
    await createZone(wh.id, "A");
    const dupZone = await api(`/v1/warehouses/${wh.id}/zones`, { body: { code: "A", name: "again" } });
    expect(dupZone.status).toBe(409);
    await createBin(wh.id, "A-02", { zone: "A", pick_sequence: 20 });
    await createBin(wh.id, "A-01", { zone: "A", pick_sequence: 10 });
    expect((await api(`/v1/warehouses/${wh.id}/bins`, { body: { code: "A-01" } })).status).toBe(409);
    const noZone = await api(`/v1/warehouses/${wh.id}/bins`, { body: { code: "B-01", zone: "B" } });
    expect(noZone.status).toBe(422);
    expect(noZone.body.errors[0].field).toBe("zone");
    for (const body of [{ code: "" }, { code: "has space" }, { code: "A-9", pick_sequence: -1 }, {}]) {
      expect((await api(`/v1/warehouses/${wh.id}/bins`, { body })).status, JSON.stringify(body)).toBe(422);
    }
    expect((await api(`/v1/warehouses/${wh.id}/zones`, { body: { code: "B" } })).status).toBe(422);
    const bins = await api(`/v1/warehouses/${wh.id}/bins`);
    expect(bins.body.data.map((b: any) => [b.code, b.zone_code])).toEqual([
      ["OUTBOUND", null],
      ["A-01", "A"],
      ["A-02", "A"],
    ]);
    expect((await api(`/v1/warehouses/${wh.id}/zones`)).body.data.map((z: any) => z.code)).toEqual(["A"]);
    expect((await api("/v1/warehouses/wh_missing/bins", { body: { code: "X" } })).status).toBe(404);
  });

  it("bins are listed a page at a time in path order, by cursor", async () => {
    const wh = await createWarehouse();
    // Equal sequences fall back to the code; a sequence of 9 sorts before 10 (the cursor pads it).
    for (const [code, seq] of [
      ["C-2", 10],
      ["C-1", 10],
      ["B-1", 9],
      ["D-1", 100],
      ["A-1", 10],
    ] as const)
      await createBin(wh.id, code, { pick_sequence: seq });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: any = await api(`/v1/warehouses/${wh.id}/bins?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((b: any) => b.code));
      cursor = page.body.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(["OUTBOUND", "B-1", "A-1", "C-1", "C-2", "D-1"]);
    expect(pages).toBe(3);
    for (const bad of ["nonsense", btoa("12:A-1"), "%%%"]) {
      const r = await api(`/v1/warehouses/${wh.id}/bins?cursor=${encodeURIComponent(bad)}`);
      expect(r.status, bad).toBe(400);
      expect(r.body.errors[0].field).toBe("cursor");
    }
    expect((await api(`/v1/warehouses/${wh.id}/bins?limit=0`)).status).toBe(400);
  });
});

describe("receiving and cost", () => {
  it("puts goods away to bins, books receive movements and keeps a moving average cost", async () => {
    const wh = await stockedWarehouse({ bins: ["A-01", "A-02"], stock: [] });
    const first = await receive(wh.id, [{ sku: "TEA-1", bin: "A-01", quantity: 10, unit_cost: "5.00" }]);
    expect(first.costs).toEqual([{ sku: "TEA-1", avg_unit_cost: "5.00", currency: "USD" }]);
    expect(first.levels).toMatchObject([{ bin: "A-01", sku: "TEA-1", on_hand: 10, reserved: 0, available: 10 }]);
    const second = await receive(wh.id, [{ sku: "TEA-1", bin: "A-02", quantity: 10, unit_cost: "7.00" }]);
    expect(second.costs[0].avg_unit_cost).toBe("6.00");
    // Two lines of one SKU in one receipt: each is averaged in turn. (6*20 + 10*5) / 25 = 6.80; (6.80*25 + 2*5)/30 = 6.00
    const third = await receive(wh.id, [
      { sku: "TEA-1", bin: "A-01", quantity: 5, unit_cost: "10.00" },
      { sku: "TEA-1", bin: "A-01", quantity: 5, unit_cost: "2.00" },
    ]);
    expect(third.costs[0].avg_unit_cost).toBe("6.00");
    expect(third.levels).toMatchObject([{ bin: "A-01", on_hand: 20 }]);
    expect(await level(wh.id, "TEA-1")).toEqual({ on_hand: 30, reserved: 0 });
    const costs = await api(`/v1/warehouses/${wh.id}/costs?sku=TEA-1`);
    expect(costs.body.data).toMatchObject([{ sku: "TEA-1", avg_unit_cost: "6.00", currency: "USD" }]);
    expect((await api(`/v1/warehouses/${wh.id}/costs?after=TEA-1`)).body.data).toEqual([]);
    expect((await api(`/v1/warehouses/${wh.id}/costs?sku=${"x".repeat(65)}`)).status).toBe(400);
    expect((await api("/v1/warehouses/wh_missing/costs")).status).toBe(404);
    const moves = await api(`/v1/warehouses/${wh.id}/movements?kind=receive`);
    expect(moves.body.data.map((m: any) => [m.kind, m.on_hand_delta, m.unit_cost])).toEqual([
      ["receive", 5, "2.00"],
      ["receive", 5, "10.00"],
      ["receive", 10, "7.00"],
      ["receive", 10, "5.00"],
    ]);
    expect((await ledgerOk(wh.id)).ok).toBe(true);
  });

  it("refuses unknown or outbound bins and bad costs with 422, writing nothing", async () => {
    const wh = await stockedWarehouse({ bins: ["A-01"], stock: [] });
    const before = await count("stock_movements");
    const cases = [
      { lines: [{ sku: "X", bin: "NOPE", quantity: 1, unit_cost: "1.00" }] },
      { lines: [{ sku: "X", bin: "OUTBOUND", quantity: 1, unit_cost: "1.00" }] },
      { lines: [{ sku: "X", bin: "A-01", quantity: 1, unit_cost: "1.001" }] },
      { lines: [{ sku: "X", bin: "A-01", quantity: 0, unit_cost: "1.00" }] },
      { lines: [{ sku: "X", bin: "A-01", quantity: 1, unit_cost: -1 }] },
      { lines: [] },
      {
        lines: [
          { sku: "X", bin: "A-01", quantity: 1, unit_cost: "1.00" },
          { sku: "Y", bin: "B-9", quantity: 1, unit_cost: "1.00" },
        ],
      },
    ];
    for (const body of cases) {
      const r = await api(`/v1/warehouses/${wh.id}/receipts`, { body });
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.errors.length).toBeGreaterThan(0);
    }
    expect(await count("stock_movements")).toBe(before);
    expect(await level(wh.id, "X")).toEqual({ on_hand: 0, reserved: 0 });
    expect((await api("/v1/warehouses/wh_missing/receipts", { body: cases[0] })).status).toBe(404);
  });

  it("replays a receipt for the same Idempotency-Key instead of receiving twice", async () => {
    const wh = await stockedWarehouse({ bins: ["A-01"], stock: [] });
    const key = unique("idem");
    const body = { lines: [{ sku: "IDEM", bin: "A-01", quantity: 3, unit_cost: "1.00" }] };
    const a = await api(`/v1/warehouses/${wh.id}/receipts`, { body, headers: { "idempotency-key": key } });
    const b = await api(`/v1/warehouses/${wh.id}/receipts`, { body, headers: { "idempotency-key": key } });
    expect(b.status).toBe(201);
    expect(b.body).toEqual(a.body);
    expect(await level(wh.id, "IDEM")).toEqual({ on_hand: 3, reserved: 0 });
  });
});

describe("adjustments, transfers and counts", () => {
  it("adjusts up and down with a reason; never below zero (409, nothing written)", async () => {
    const wh = await stockedWarehouse({ bins: ["A-01"], stock: [["A-01", "MUG", 5]] });
    const down = await api(`/v1/warehouses/${wh.id}/adjustments`, { body: { bin: "A-01", sku: "MUG", delta: -2, reason: "broken" } });
    expect(down.status).toBe(201);
    expect(down.body.level).toMatchObject({ on_hand: 3, available: 3 });
    const up = await api(`/v1/warehouses/${wh.id}/adjustments`, { body: { bin: "A-01", sku: "NEW", delta: 4, reason: "found" } });
    expect(up.body.level).toMatchObject({ sku: "NEW", on_hand: 4 });
    const before = await count("stock_movements", "warehouse_id = ?", wh.id);
    const over = await api(`/v1/warehouses/${wh.id}/adjustments`, { body: { bin: "A-01", sku: "MUG", delta: -4, reason: "x" } });
    expect(over.status).toBe(409);
    expect(over.body.code).toBe("insufficient_stock");
    const none = await api(`/v1/warehouses/${wh.id}/adjustments`, { body: { bin: "A-01", sku: "GHOST", delta: -1, reason: "x" } });
    expect(none.status).toBe(409);
    for (const body of [
      { bin: "A-01", sku: "MUG", delta: 0, reason: "x" },
      { bin: "A-01", sku: "MUG", delta: 1 },
      { bin: "A-01", sku: "MUG", delta: 1.5, reason: "x" },
      { bin: "OUTBOUND", sku: "MUG", delta: 1, reason: "x" },
      { bin: "Z-99", sku: "MUG", delta: 1, reason: "x" },
    ]) {
      expect((await api(`/v1/warehouses/${wh.id}/adjustments`, { body })).status, JSON.stringify(body)).toBe(422);
    }
    expect(await count("stock_movements", "warehouse_id = ?", wh.id)).toBe(before);
    const moves = await api(`/v1/warehouses/${wh.id}/movements?kind=adjust`);
    expect(moves.body.data.map((m: any) => [m.sku, m.on_hand_delta, m.reason])).toEqual([
      ["NEW", 4, "found"],
      ["MUG", -2, "broken"],
    ]);
  });

  it("transfers between warehouses, carrying the average cost; refuses more than is there", async () => {
    const a = await stockedWarehouse({ bins: ["A-01"], stock: [] });
    await receive(a.id, [{ sku: "KETTLE", bin: "A-01", quantity: 10, unit_cost: "20.00" }]);
    const b = await stockedWarehouse({ bins: ["B-01"], stock: [] });
    await receive(b.id, [{ sku: "KETTLE", bin: "B-01", quantity: 10, unit_cost: "30.00" }]);
    const r = await api(`/v1/warehouses/${a.id}/transfers`, {
      body: { sku: "KETTLE", quantity: 10, from_bin: "A-01", to_warehouse_id: b.id, to_bin: "B-01", reason: "rebalance" },
    });
    expect(r.status).toBe(201);
    expect(r.body.from).toMatchObject({ warehouse_id: a.id, on_hand: 0 });
    expect(r.body.to).toMatchObject({ warehouse_id: b.id, on_hand: 20 });
    expect((await api(`/v1/warehouses/${b.id}/costs?sku=KETTLE`)).body.data[0].avg_unit_cost).toBe("25.00");
    const out = await api(`/v1/warehouses/${a.id}/movements?ref_id=${r.body.id}`);
    expect(out.body.data.map((m: any) => [m.kind, m.on_hand_delta])).toEqual([["transfer_out", -10]]);
    const inn = await api(`/v1/warehouses/${b.id}/movements?ref_id=${r.body.id}`);
    expect(inn.body.data.map((m: any) => [m.kind, m.on_hand_delta, m.unit_cost])).toEqual([["transfer_in", 10, "20.00"]]);

    const over = await api(`/v1/warehouses/${a.id}/transfers`, { body: { sku: "KETTLE", quantity: 1, from_bin: "A-01", to_warehouse_id: b.id, to_bin: "B-01" } });
    expect(over.status).toBe(409);
    for (const body of [
      { sku: "KETTLE", quantity: 1, from_bin: "A-01", to_warehouse_id: "wh_missing", to_bin: "B-01" },
      { sku: "KETTLE", quantity: 1, from_bin: "A-01", to_warehouse_id: a.id, to_bin: "A-01" },
      { sku: "KETTLE", quantity: 1, from_bin: "A-01", to_warehouse_id: b.id, to_bin: "NOPE" },
      { sku: "KETTLE", quantity: 0, from_bin: "A-01", to_warehouse_id: b.id, to_bin: "B-01" },
    ]) {
      expect((await api(`/v1/warehouses/${a.id}/transfers`, { body })).status, JSON.stringify(body)).toBe(422);
    }
    expect(await level(a.id, "KETTLE")).toEqual({ on_hand: 0, reserved: 0 });
    expect((await ledgerOk(a.id)).ok).toBe(true);
    expect((await ledgerOk(b.id)).ok).toBe(true);
  });

  it("a stocktake books each variance as a count movement and reports it", async () => {
    const wh = await stockedWarehouse({
      bins: ["A-01", "A-02"],
      stock: [
        ["A-01", "TEA", 10],
        ["A-02", "TEA", 4],
      ],
    });
    const r = await api(`/v1/warehouses/${wh.id}/counts`, {
      body: {
        reason: "monthly",
        lines: [
          { bin: "A-01", sku: "TEA", counted: 8 },
          { bin: "A-02", sku: "TEA", counted: 4 },
          { bin: "A-02", sku: "MUG", counted: 2 },
        ],
      },
    });
    expect(r.status).toBe(201);
    expect(r.body.lines).toEqual([
      { bin: "A-01", sku: "TEA", expected: 10, counted: 8, variance: -2 },
      { bin: "A-02", sku: "TEA", expected: 4, counted: 4, variance: 0 },
      { bin: "A-02", sku: "MUG", expected: 0, counted: 2, variance: 2 },
    ]);
    const moves = await api(`/v1/warehouses/${wh.id}/movements?kind=count`);
    expect(moves.body.data.map((m: any) => [m.sku, m.on_hand_delta])).toEqual([
      ["MUG", 2],
      ["TEA", -2],
    ]);
    expect(await level(wh.id, "TEA")).toEqual({ on_hand: 12, reserved: 0 });
    const dup = await api(`/v1/warehouses/${wh.id}/counts`, {
      body: {
        lines: [
          { bin: "A-01", sku: "TEA", counted: 1 },
          { bin: "A-01", sku: "TEA", counted: 2 },
        ],
      },
    });
    expect(dup.status).toBe(422);
    expect((await api(`/v1/warehouses/${wh.id}/counts`, { body: { lines: [{ bin: "A-01", sku: "TEA", counted: -1 }] } })).status).toBe(422);
    expect((await api(`/v1/warehouses/${wh.id}/counts`, { body: { lines: [{ bin: "OUTBOUND", sku: "TEA", counted: 1 }] } })).status).toBe(422);
    expect(await level(wh.id, "TEA")).toEqual({ on_hand: 12, reserved: 0 });
    expect((await ledgerOk(wh.id)).ok).toBe(true);
  });
});

describe("the ledger", () => {
  it("recomputes to the levels, and a level changed behind its back shows up as a mismatch", async () => {
    const wh = await stockedWarehouse({
      bins: ["A-01", "A-02"],
      stock: [
        ["A-01", "X", 7],
        ["A-02", "Y", 3],
      ],
    });
    await api(`/v1/warehouses/${wh.id}/adjustments`, { body: { bin: "A-01", sku: "X", delta: -1, reason: "r" } });
    const ok = await ledgerOk(wh.id);
    expect(ok).toEqual({ warehouse_id: wh.id, ok: true, checked: 2, mismatches: [] });
    await env.DB.prepare("UPDATE stock_levels SET on_hand = on_hand + 1 WHERE warehouse_id = ? AND sku = 'Y'").bind(wh.id).run();
    const bad = await ledgerOk(wh.id);
    expect(bad.ok).toBe(false);
    expect(bad.mismatches).toMatchObject([{ sku: "Y", level: { on_hand: 4, reserved: 0 }, ledger: { on_hand: 3, reserved: 0 } }]);
  });

  it("stock and movement lists page with cursors and filter; the SKU summary spans warehouses", async () => {
    const wh = await stockedWarehouse({
      bins: ["A-01", "A-02", "A-03"],
      stock: [
        ["A-01", "P", 1],
        ["A-02", "P", 2],
        ["A-03", "Q", 3],
      ],
    });
    const first = await api(`/v1/warehouses/${wh.id}/stock?limit=2`);
    const second = await api(`/v1/warehouses/${wh.id}/stock?limit=2&cursor=${first.body.next_cursor}`);
    expect([...first.body.data, ...second.body.data].map((l: any) => [l.bin, l.sku])).toEqual([
      ["A-01", "P"],
      ["A-02", "P"],
      ["A-03", "Q"],
    ]);
    expect(second.body.next_cursor).toBeNull();
    expect((await api(`/v1/warehouses/${wh.id}/stock?sku=P&bin=A-02`)).body.data).toMatchObject([{ on_hand: 2 }]);
    const m1 = await api(`/v1/warehouses/${wh.id}/movements?limit=1`);
    const m2 = await api(`/v1/warehouses/${wh.id}/movements?limit=5&cursor=${m1.body.next_cursor}`);
    expect(m1.body.data.length + m2.body.data.length).toBe(3);
    for (const qs of ["limit=0", "cursor=%%%", "kind=teleport", `cursor=${btoa("-1")}`]) {
      expect((await api(`/v1/warehouses/${wh.id}/movements?${qs}`)).status, qs).toBe(400);
    }
    expect((await api(`/v1/warehouses/${wh.id}/stock?cursor=${btoa("x")}`)).status).toBe(400);
    const other = await stockedWarehouse({ bins: ["Z-01"], stock: [["Z-01", "P", 10]] });
    const sum = await api("/v1/stock?sku=P");
    const mine = sum.body.warehouses.filter((w: any) => [wh.id, other.id].includes(w.warehouse_id));
    expect(mine).toEqual(
      expect.arrayContaining([
        { warehouse_id: wh.id, on_hand: 3, reserved: 0, available: 3 },
        { warehouse_id: other.id, on_hand: 10, reserved: 0, available: 10 },
      ]),
    );
    expect((await api("/v1/stock")).status).toBe(400);
  });
});

describe("warehouse scope", () => {
  it("a key scoped to one warehouse sees and works only there; others are 404s", async () => {
    const mine = await stockedWarehouse({ bins: ["A-01"], stock: [["A-01", "S", 5]] });
    const theirs = await stockedWarehouse({ bins: ["B-01"], stock: [["B-01", "S", 5]] });
    const r = await api("/v1/api-keys", { body: { name: "floor", role: "warehouse", store_ids: ["*"], warehouse_ids: [mine.id] } });
    expect(r.status).toBe(201);
    expect(r.body.warehouse_ids).toEqual([mine.id]);
    const key = r.body.key;
    const list = await api("/v1/warehouses?limit=200", { key });
    expect(list.body.data.map((w: any) => w.id)).toEqual([mine.id]);
    expect((await api(`/v1/warehouses/${theirs.id}`, { key })).status).toBe(404);
    expect((await api(`/v1/warehouses/${theirs.id}/stock`, { key })).status).toBe(404);
    expect((await api(`/v1/warehouses/${theirs.id}/bins`, { key })).status).toBe(404);
    expect((await api(`/v1/warehouses/${theirs.id}/movements`, { key })).status).toBe(404);
    expect((await api(`/v1/warehouses/${theirs.id}/stock-check`, { key })).status).toBe(404);
    const recv = await api(`/v1/warehouses/${theirs.id}/receipts`, { key, body: { lines: [{ sku: "S", bin: "B-01", quantity: 1, unit_cost: "1.00" }] } });
    expect(recv.status).toBe(404);
    const trf = await api(`/v1/warehouses/${mine.id}/transfers`, { key, body: { sku: "S", quantity: 1, from_bin: "A-01", to_warehouse_id: theirs.id, to_bin: "B-01" } });
    expect(trf.status).toBe(422);
    expect(await level(theirs.id, "S")).toEqual({ on_hand: 5, reserved: 0 });
    expect((await api(`/v1/warehouses/${mine.id}/receipts`, { key, body: { lines: [{ sku: "S", bin: "A-01", quantity: 1, unit_cost: "1.00" }] } })).status).toBe(201);
    const sum = await api("/v1/stock?sku=S", { key });
    expect(sum.body.warehouses.map((w: any) => w.warehouse_id)).toEqual([mine.id]);
    // A scoped key cannot create warehouses or keys wider than itself.
    const admin = (await api("/v1/api-keys", { body: { name: "scoped admin", role: "admin", store_ids: ["*"], warehouse_ids: [mine.id] } })).body.key;
    expect((await api("/v1/warehouses", { key: admin, body: { name: "x", country: "US" } })).status).toBe(403);
    expect((await api("/v1/api-keys", { key: admin, body: { name: "x", role: "warehouse", store_ids: ["*"] } })).status).toBe(403);
    expect((await api("/v1/api-keys", { key: admin, body: { name: "x", role: "warehouse", store_ids: ["*"], warehouse_ids: [theirs.id] } })).status).toBe(403);
    expect((await api("/v1/api-keys", { body: { name: "x", role: "warehouse", store_ids: ["*"], warehouse_ids: ["wh_missing"] } })).status).toBe(422);
    expect((await api("/v1/api-keys", { body: { name: "x", role: "warehouse", store_ids: ["*"], warehouse_ids: ["*", mine.id] } })).status).toBe(422);
  });

  it("keys default to every warehouse", async () => {
    const key = await createKey("analyst", ["*"]);
    const wh = await createWarehouse();
    expect((await api(`/v1/warehouses/${wh.id}`, { key })).status).toBe(200);
  });
});
