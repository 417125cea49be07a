import { describe, expect, it } from "vitest";
import { LogisticsConfigSchema } from "./carrier-config";
import type { ChoiceInput } from "./carrier-policy";
import { defaultCarrierPolicy } from "./default-carrier-policy";

const service = (code: string, days: [number, number], rates: [string, number, string][], extra: Record<string, unknown> = {}) => ({
  code,
  name: code,
  transit_days: { min: days[0], max: days[1] },
  zones: [
    { code: "home", countries: ["US"], regions: ["NY", "NJ"] },
    { code: "usa", countries: ["US"] },
    { code: "intl", countries: ["CA", "GB"] },
  ],
  max_weight_grams: 10_000,
  max_dimensions_mm: { length: 600, width: 400, height: 400 },
  rates: rates.map(([zone, max_weight_grams, price]) => ({ zone, max_weight_grams, price })),
  ...extra,
});

const config = (selection: Record<string, unknown> = {}) =>
  LogisticsConfigSchema.parse({
    carriers: [
      {
        code: "ground",
        name: "Ground Co",
        adapter: { type: "sandbox" },
        services: [
          service(
            "std",
            [3, 5],
            [
              ["home", 1000, "4.00"],
              ["home", 5000, "7.00"],
              ["usa", 5000, "9.00"],
            ],
          ),
        ],
      },
      {
        code: "air",
        name: "Air Co",
        adapter: { type: "sandbox" },
        services: [
          service(
            "express",
            [1, 2],
            [
              ["home", 5000, "15.00"],
              ["usa", 5000, "18.00"],
              ["intl", 5000, "40.00"],
            ],
          ),
          service("light", [2, 3], [["usa", 500, "3.50"]], { max_weight_grams: 500, zones: [{ code: "usa", countries: ["US"] }] }),
        ],
      },
    ],
    selection,
  });

const parcel = (overrides: Partial<ChoiceInput> = {}): ChoiceInput => ({
  destination: { country: "US", region: "NY" },
  packages: [{ weight_grams: 800, length_mm: 300, width_mm: 200, height_mm: 100 }],
  skus: ["TEA-1"],
  currency: "USD",
  preferredCarrier: null,
  ...overrides,
});

describe("the default carrier policy", () => {
  it("takes the cheapest eligible service and explains every one", () => {
    const c = defaultCarrierPolicy.choose(config(), parcel());
    expect(c).toMatchObject({ ok: true, carrier: "ground", service: "std", zone: "home", price: 400 });
    expect(c.explanation.summary).toBe("ground/std for 4.00 USD, 3-5 days: cheapest of 2 eligible");
    const light = c.explanation.services.find((s) => s.service === "light")!;
    expect(light).toMatchObject({ eligible: false, zone: "usa", chosen: false });
    expect(light.reasons).toEqual(["800 g is over the 500 g limit", "no rate for 800 g in zone usa"]);
  });

  it("takes the fastest when asked, and sums rates over packages", () => {
    const two = parcel({
      packages: [
        { weight_grams: 800, length_mm: 300, width_mm: 200, height_mm: 100 },
        { weight_grams: 3000, length_mm: 100, width_mm: 500, height_mm: 300 },
      ],
    });
    const c = defaultCarrierPolicy.choose(config({ strategy: "fastest" }), two);
    expect(c).toMatchObject({ ok: true, carrier: "air", service: "express", price: 3000 });
    expect(defaultCarrierPolicy.choose(config(), two)).toMatchObject({ carrier: "ground", price: 1100 });
  });

  it("finds the zone by region, then country; refuses where nothing delivers", () => {
    expect(defaultCarrierPolicy.choose(config(), parcel({ destination: { country: "US", region: "ca" } }))).toMatchObject({ zone: "usa", price: 900 });
    expect(defaultCarrierPolicy.choose(config(), parcel({ destination: { country: "US", region: "nj" } }))).toMatchObject({ zone: "home" });
    expect(defaultCarrierPolicy.choose(config(), parcel({ destination: { country: "GB", region: null } }))).toMatchObject({ carrier: "air", zone: "intl" });
    const none = defaultCarrierPolicy.choose(config(), parcel({ destination: { country: "JP", region: null } }));
    expect(none).toMatchObject({ ok: false, reason: "no_eligible_service" });
    expect(none.explanation.services.every((s) => s.reasons.includes("does not deliver to JP"))).toBe(true);
  });

  it("checks size with the parcel turned any way, and weight per package", () => {
    const long = parcel({ packages: [{ weight_grams: 800, length_mm: 100, width_mm: 650, height_mm: 100 }] });
    const c = defaultCarrierPolicy.choose(config(), long);
    expect(c).toMatchObject({ ok: false });
    expect(c.explanation.services[0]!.reasons).toContain("100x650x100 mm does not fit 600x400x400 mm");
    expect(defaultCarrierPolicy.choose(config(), parcel({ packages: [{ weight_grams: 800, length_mm: 400, width_mm: 600, height_mm: 100 }] })).ok).toBe(true);
  });

  it("follows a fixed rule by region or SKU, and falls back with a note when its service cannot take the parcel", () => {
    const rules = config({
      fixed: [
        { name: "fragile by air", skus: ["VASE"], carrier: "air", service: "express" },
        { name: "light", countries: ["US"], carrier: "air", service: "light" },
      ],
    });
    expect(defaultCarrierPolicy.choose(rules, parcel({ skus: ["VASE", "TEA-1"] }))).toMatchObject({ carrier: "air", service: "express", explanation: { rule: "fragile by air" } });
    const fallback = defaultCarrierPolicy.choose(rules, parcel());
    expect(fallback).toMatchObject({ ok: true, carrier: "ground", explanation: { rule: null } });
    expect(fallback.explanation.summary).toContain('rule "light" names air/light, which cannot take this parcel');
    expect(defaultCarrierPolicy.choose(rules, parcel({ packages: [{ weight_grams: 300, length_mm: 100, width_mm: 100, height_mm: 100 }] }))).toMatchObject({
      service: "light",
      price: 350,
    });
  });

  it("prefers the routing policy's carrier when it can, and honours a forced choice only if eligible", () => {
    expect(defaultCarrierPolicy.choose(config(), parcel({ preferredCarrier: "air" }))).toMatchObject({ carrier: "air", service: "express" });
    const unable = defaultCarrierPolicy.choose(
      config(),
      parcel({ preferredCarrier: "air", destination: { country: "GB", region: null }, packages: [{ weight_grams: 9000, length_mm: 1, width_mm: 1, height_mm: 1 }] }),
    );
    expect(unable).toMatchObject({ ok: false });
    expect(defaultCarrierPolicy.choose(config(), parcel({ forced: { carrier: "air", service: "express" } }))).toMatchObject({
      ok: true,
      carrier: "air",
      explanation: { strategy: "forced" },
    });
    expect(defaultCarrierPolicy.choose(config(), parcel({ forced: { carrier: "air", service: "light" } }))).toMatchObject({ ok: false, reason: "forced_not_eligible" });
    expect(defaultCarrierPolicy.choose(config(), parcel({ forced: { carrier: "nope", service: "x" } }))).toMatchObject({ ok: false, message: "no service nope/x" });
  });

  it("rejects configs that contradict themselves", () => {
    const bad = LogisticsConfigSchema.safeParse({
      carriers: [
        { code: "a", name: "A", adapter: { type: "http", endpoint: "ftp://x", key_secret: "secret" }, services: [service("s", [5, 1], [["mars", 1, "1"]])] },
        { code: "a", name: "A again", adapter: { type: "sandbox" }, services: [service("s", [1, 1], [["home", 1, "1.00"]])] },
      ],
      selection: { fixed: [{ carrier: "a", service: "nope" }] },
    });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(
      expect.arrayContaining([
        "carriers.0.adapter.endpoint",
        "carriers.0.adapter.key_secret",
        "carriers.0.services.0.transit_days",
        "carriers.0.services.0.rates.0.zone",
        "carriers.1.code",
        "selection.fixed.0.service",
      ]),
    );
  });
});
