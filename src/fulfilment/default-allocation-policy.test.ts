import { describe, expect, it } from "vitest";
import { defaultAllocationPolicy, rankWarehouses } from "./default-allocation-policy";
import { DEFAULT_POLICY, type BinStock, type CandidateWarehouse } from "./routing-policy";
import { RoutingPolicySchema } from "./schemas";

const wh = (id: string, country = "US", region: string | null = null, active = true): CandidateWarehouse => ({
  id,
  name: id,
  kind: "own",
  country,
  region,
  active,
});
const bin = (warehouseId: string, binCode: string, sku: string, available: number, pickSequence = 0): BinStock => ({
  warehouseId,
  binId: `${warehouseId}/${binCode}`,
  binCode,
  pickSequence,
  sku,
  available,
});
const NJ = { country: "US", region: "NJ" };
const plan = (over: Partial<Parameters<typeof defaultAllocationPolicy.plan>[0]>) =>
  defaultAllocationPolicy.plan({
    destination: NJ,
    lines: [{ lineNo: 1, sku: "A", quantity: 2 }],
    warehouses: [wh("east", "US", "NJ"), wh("west", "US", "CA")],
    stock: [],
    policy: DEFAULT_POLICY,
    ...over,
  });

describe("ranking", () => {
  it("without a policy: active warehouses nearest first (region, country, elsewhere)", () => {
    const r = rankWarehouses(DEFAULT_POLICY, NJ, [wh("de", "DE"), wh("ca", "US", "CA"), wh("nj", "US", "nj"), wh("off", "US", "NJ", false)]);
    expect(r).toEqual({ rule: null, carrier: null, order: ["nj", "ca", "de"] });
  });

  it("the first matching rule decides, by country and region (case-insensitive); else the default list", () => {
    const policy = RoutingPolicySchema.parse({
      rules: [
        { name: "west coast", countries: ["US"], regions: ["CA", "WA"], warehouses: ["west"], carrier: "ups" },
        { countries: ["US"], warehouses: ["east", "west"] },
      ],
      default_warehouses: ["eu"],
    });
    expect(rankWarehouses(policy, { country: "US", region: "ca" }, [])).toMatchObject({ rule: "west coast", order: ["west"], carrier: "ups" });
    expect(rankWarehouses(policy, NJ, [])).toMatchObject({ rule: "rule 2", order: ["east", "west"] });
    expect(rankWarehouses(policy, { country: "FR", region: null }, [])).toMatchObject({ rule: "default warehouses", order: ["eu"] });
  });
});

describe("ship complete", () => {
  it("takes the highest-ranked warehouse that has everything, and says why the others were not chosen", () => {
    const p = plan({
      lines: [
        { lineNo: 1, sku: "A", quantity: 2 },
        { lineNo: 2, sku: "B", quantity: 1 },
      ],
      stock: [bin("east", "E1", "A", 5), bin("west", "W1", "A", 5), bin("west", "W2", "B", 1)],
    });
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.shipments).toEqual([
      {
        warehouseId: "west",
        carrier: null,
        items: [
          { lineNo: 1, sku: "A", binId: "west/W1", binCode: "W1", quantity: 2 },
          { lineNo: 2, sku: "B", binId: "west/W2", binCode: "W2", quantity: 1 },
        ],
      },
    ]);
    const east = p.explanation.warehouses.find((w) => w.warehouse_id === "east")!;
    expect(east).toMatchObject({ rank: 1, chosen: false, can_fill: "some" });
    expect(east.reasons.join(" ")).toContain("short of B: needs 1, has 0");
    const west = p.explanation.warehouses.find((w) => w.warehouse_id === "west")!;
    expect(west).toMatchObject({ rank: 2, chosen: true, can_fill: "all" });
    expect(west.reasons.join(" ")).toContain("ships the order complete");
    expect(p.explanation.summary).toBe("ships complete from west");
  });

  it("prefers one bin that holds the whole line, else walks bins in path order", () => {
    const one = plan({ lines: [{ lineNo: 1, sku: "A", quantity: 3 }], stock: [bin("east", "E1", "A", 2, 1), bin("east", "E2", "A", 5, 2)] });
    expect(one.ok && one.shipments[0]!.items.map((i) => [i.binCode, i.quantity])).toEqual([["E2", 3]]);
    const walk = plan({ lines: [{ lineNo: 1, sku: "A", quantity: 6 }], stock: [bin("east", "E3", "A", 3, 3), bin("east", "E1", "A", 2, 1), bin("east", "E2", "A", 2, 2)] });
    expect(walk.ok && walk.shipments[0]!.items.map((i) => [i.binCode, i.quantity])).toEqual([
      ["E1", 2],
      ["E2", 2],
      ["E3", 2],
    ]);
  });

  it("a rule's inactive or unknown warehouses are skipped with a reason", () => {
    const policy = RoutingPolicySchema.parse({ rules: [{ countries: ["US"], warehouses: ["gone", "off", "east"] }] });
    const p = plan({ policy, warehouses: [wh("east", "US", "NJ"), wh("off", "US", "NJ", false)], stock: [bin("east", "E1", "A", 5)] });
    expect(p.ok).toBe(true);
    expect(p.explanation.warehouses.map((w) => [w.warehouse_id, w.rank, w.reasons[0]])).toEqual([
      ["east", 1, "rank 1 in rule 1"],
      ["gone", null, "unknown warehouse"],
      ["off", null, "inactive"],
    ]);
  });
});

describe("split", () => {
  it("splits across warehouses when none can fill the order, biggest coverage first", () => {
    const p = plan({
      lines: [
        { lineNo: 1, sku: "A", quantity: 4 },
        { lineNo: 2, sku: "B", quantity: 2 },
      ],
      stock: [bin("east", "E1", "A", 1), bin("west", "W1", "A", 3), bin("west", "W2", "B", 1), bin("east", "E2", "B", 1)],
    });
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.shipments.map((s) => [s.warehouseId, s.items.map((i) => `${i.lineNo}:${i.sku}x${i.quantity}`)])).toEqual([
      ["west", ["1:Ax3", "2:Bx1"]],
      ["east", ["1:Ax1", "2:Bx1"]],
    ]);
    expect(p.explanation.summary).toBe("split into 2 shipments");
    expect(p.explanation.warehouses.every((w) => w.chosen)).toBe(true);
  });

  it("splits one SKU's several lines in line order", () => {
    const p = plan({
      lines: [
        { lineNo: 1, sku: "A", quantity: 2 },
        { lineNo: 2, sku: "A", quantity: 2 },
      ],
      stock: [bin("east", "E1", "A", 3), bin("west", "W1", "A", 1)],
    });
    expect(p.ok && p.shipments.map((s) => s.items.map((i) => `${i.lineNo}x${i.quantity}`))).toEqual([["1x2", "2x1"], ["2x1"]]);
  });

  it("ship_complete=require waits instead of splitting", () => {
    const p = plan({
      policy: RoutingPolicySchema.parse({ ship_complete: "require" }),
      lines: [{ lineNo: 1, sku: "A", quantity: 2 }],
      stock: [bin("east", "E1", "A", 1), bin("west", "W1", "A", 1)],
    });
    expect(p).toMatchObject({ ok: false, reason: "cannot_ship_complete" });
  });

  it("more shipments than the policy allows is refused", () => {
    const p = plan({
      policy: RoutingPolicySchema.parse({ max_shipments: 1 }),
      lines: [{ lineNo: 1, sku: "A", quantity: 2 }],
      stock: [bin("east", "E1", "A", 1), bin("west", "W1", "A", 1)],
    });
    expect(p).toMatchObject({ ok: false, reason: "too_many_shipments" });
  });

  it("not enough stock anywhere: the shortage per SKU", () => {
    const p = plan({
      lines: [
        { lineNo: 1, sku: "A", quantity: 5 },
        { lineNo: 2, sku: "B", quantity: 1 },
      ],
      stock: [bin("east", "E1", "A", 2), bin("west", "W1", "A", 1), bin("west", "W1", "B", 1)],
    });
    expect(p).toMatchObject({ ok: false, reason: "insufficient_stock", shortages: [{ sku: "A", requested: 5, available: 3 }] });
  });

  it("no candidate warehouse at all", () => {
    expect(plan({ warehouses: [] })).toMatchObject({ ok: false, reason: "no_warehouse" });
  });

  it("stock in warehouses outside the ranking is never used", () => {
    const policy = RoutingPolicySchema.parse({ default_warehouses: ["east"] });
    expect(plan({ policy, stock: [bin("west", "W1", "A", 9)] })).toMatchObject({ ok: false, reason: "insufficient_stock" });
  });
});
