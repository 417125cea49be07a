/**
 * A store's logistics as data: its carriers (and the adapter that talks to
 * each), their services with service areas by zone, weight and size limits
 * and rate tables by zone and weight, the carrier-choice policy's settings,
 * and how long a parcel may go without news. Stored per store as JSON and
 * validated here; prices are decimal strings in the store's currency.
 */
import { z } from "@hono/zod-openapi";
import { isCountry } from "../lib/countries";

const Code = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "lowercase letters, digits, _ and -");
const Country = z.string().refine((c) => c === "*" || isCountry(c), { message: "must be an ISO 3166-1 alpha-2 country code or *" });
const Price = z.string().regex(/^\d{1,9}(\.\d{1,3})?$/, 'a decimal string like "5.90"');

export const Zone = z
  .object({
    code: Code,
    countries: z.array(Country).min(1).max(250).openapi({ description: 'Destination countries ("*" for any)' }),
    regions: z.array(z.string().trim().min(1).max(100)).min(1).max(500).optional().openapi({ description: "Only these regions of those countries (any when absent)" }),
  })
  .openapi("CarrierZone");

export const Rate = z
  .object({
    zone: Code,
    max_weight_grams: z.number().int().min(1).max(1_000_000),
    price: Price,
  })
  .openapi("CarrierRate", { description: "A parcel of at most max_weight_grams to this zone costs price" });

export const Service = z
  .object({
    code: Code,
    name: z.string().trim().min(1).max(100),
    transit_days: z.object({ min: z.number().int().min(0).max(90), max: z.number().int().min(0).max(90) }).refine((t) => t.min <= t.max, { message: "min must not exceed max" }),
    zones: z.array(Zone).min(1).max(50).openapi({ description: "The service area; a destination takes the first zone that matches" }),
    max_weight_grams: z.number().int().min(1).max(1_000_000),
    max_dimensions_mm: z
      .object({ length: z.number().int().min(1).max(10_000), width: z.number().int().min(1).max(10_000), height: z.number().int().min(1).max(10_000) })
      .openapi({ description: "A parcel fits if its sides, largest first, fit these sides, largest first" }),
    rates: z.array(Rate).min(1).max(500),
  })
  .superRefine((s, ctx) => {
    const zones = new Set(s.zones.map((z) => z.code));
    s.rates.forEach((r, i) => {
      if (!zones.has(r.zone)) ctx.addIssue({ code: "custom", path: ["rates", i, "zone"], message: `no zone ${r.zone} in this service` });
    });
  })
  .openapi("CarrierService");

export const Adapter = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("sandbox") }),
    z.object({
      type: z.literal("http"),
      endpoint: z.url({ protocol: /^https?$/ }).max(500),
      key_secret: z
        .string()
        .regex(/^CARRIER_KEY_[A-Z0-9_]{1,60}$/, "the name of a Worker secret, CARRIER_KEY_...")
        .openapi({ description: "The Worker secret that holds the carrier's API key (never the key itself)" }),
    }),
  ])
  .openapi("CarrierAdapter");

export const Carrier = z
  .object({
    code: Code,
    name: z.string().trim().min(1).max(100),
    adapter: Adapter,
    tracking_url: z
      .string()
      .max(500)
      .regex(/^https?:\/\/\S*\{tracking_number\}\S*$/, "an http(s) URL containing {tracking_number}")
      .optional(),
    services: z.array(Service).min(1).max(20),
  })
  .openapi("Carrier");

export const FixedRule = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    countries: z.array(Country).min(1).max(250).optional(),
    regions: z.array(z.string().trim().min(1).max(100)).min(1).max(500).optional(),
    skus: z.array(z.string().trim().min(1).max(64)).min(1).max(500).optional().openapi({ description: "Applies when the shipment holds any of these SKUs" }),
    carrier: Code,
    service: Code,
  })
  .openapi("FixedCarrierRule");

export const LogisticsConfigSchema = z
  .object({
    carriers: z.array(Carrier).max(20),
    selection: z
      .object({
        strategy: z.enum(["cheapest", "fastest"]).default("cheapest"),
        fixed: z.array(FixedRule).max(100).default([]).openapi({ description: "Checked first, in order; a rule whose service cannot take the parcel falls back to the strategy" }),
      })
      .default({ strategy: "cheapest", fixed: [] }),
    stale_tracking_days: z.number().int().min(1).max(60).default(5).openapi({ description: "A shipped parcel with no tracking news for this long raises an exception" }),
  })
  .superRefine((c, ctx) => {
    const codes = new Map<string, Set<string>>();
    c.carriers.forEach((carrier, i) => {
      if (codes.has(carrier.code)) ctx.addIssue({ code: "custom", path: ["carriers", i, "code"], message: `carrier ${carrier.code} is listed twice` });
      const services = new Set<string>();
      carrier.services.forEach((s, j) => {
        if (services.has(s.code)) ctx.addIssue({ code: "custom", path: ["carriers", i, "services", j, "code"], message: `service ${s.code} is listed twice` });
        services.add(s.code);
      });
      codes.set(carrier.code, services);
    });
    c.selection.fixed.forEach((r, i) => {
      if (!codes.get(r.carrier)?.has(r.service)) ctx.addIssue({ code: "custom", path: ["selection", "fixed", i, "service"], message: `no service ${r.carrier}/${r.service}` });
    });
  })
  .openapi("LogisticsConfig");

export type LogisticsConfig = z.infer<typeof LogisticsConfigSchema>;
export type CarrierSpec = LogisticsConfig["carriers"][number];
export type ServiceSpec = CarrierSpec["services"][number];

/** What a store has until it sets its own: the offline sandbox carrier, anywhere, two speeds. */
export const DEFAULT_CONFIG: LogisticsConfig = LogisticsConfigSchema.parse({
  carriers: [
    {
      code: "sandbox",
      name: "Sandbox Post",
      adapter: { type: "sandbox" },
      services: [
        {
          code: "standard",
          name: "Standard",
          transit_days: { min: 3, max: 5 },
          zones: [{ code: "world", countries: ["*"] }],
          max_weight_grams: 30_000,
          max_dimensions_mm: { length: 1200, width: 800, height: 800 },
          rates: [
            { zone: "world", max_weight_grams: 1000, price: "5.00" },
            { zone: "world", max_weight_grams: 5000, price: "9.00" },
            { zone: "world", max_weight_grams: 30000, price: "19.00" },
          ],
        },
        {
          code: "express",
          name: "Express",
          transit_days: { min: 1, max: 2 },
          zones: [{ code: "world", countries: ["*"] }],
          max_weight_grams: 20_000,
          max_dimensions_mm: { length: 1000, width: 600, height: 600 },
          rates: [
            { zone: "world", max_weight_grams: 1000, price: "12.00" },
            { zone: "world", max_weight_grams: 5000, price: "18.00" },
            { zone: "world", max_weight_grams: 20000, price: "35.00" },
          ],
        },
      ],
    },
  ],
});
