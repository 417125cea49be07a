/**
 * The default carrier choice. Every service of every carrier is judged on
 * the facts: its service area (the first zone matching the destination), its
 * weight and size limits for each package, and a rate for each package's
 * weight in that zone (the cheapest row that covers it); the price is the sum
 * over packages. Then, in order:
 * 1. a person's forced choice, if eligible (else refused, with reasons);
 * 2. the first fixed rule matching destination and SKUs, if its service is
 *    eligible (else noted, and we go on);
 * 3. the carrier the routing policy preferred, if it has an eligible service;
 * 4. the strategy among what is left: cheapest (then fastest, then config
 *    order) or fastest (by the slowest promised day, then cheaper).
 */
import { fromMinor, toMinor } from "../lib/money";
import type { LogisticsConfig, ServiceSpec } from "./carrier-config";
import type { CarrierChoice, CarrierPolicy, ChoiceExplanation, ChoiceInput, PackageFacts, ServiceVerdict } from "./carrier-policy";

const matches = (list: string[] | undefined, value: string | null, fold = false) =>
  !list || list.includes("*") || (value !== null && (fold ? list.some((x) => x.toLowerCase() === value.toLowerCase()) : list.includes(value)));

function fits(p: PackageFacts, s: ServiceSpec): boolean {
  const sides = [p.length_mm, p.width_mm, p.height_mm].sort((a, b) => b - a);
  const max = [s.max_dimensions_mm.length, s.max_dimensions_mm.width, s.max_dimensions_mm.height].sort((a, b) => b - a);
  return sides.every((side, i) => side <= max[i]!);
}

export function judgeService(carrier: string, s: ServiceSpec, input: ChoiceInput): ServiceVerdict {
  const verdict: ServiceVerdict = { carrier, service: s.code, name: s.name, eligible: false, zone: null, price: null, transit_days: s.transit_days, chosen: false, reasons: [] };
  const { country, region } = input.destination;
  const zone = s.zones.find((z) => matches(z.countries, country) && matches(z.regions, region, true));
  if (!zone) verdict.reasons.push(`does not deliver to ${country}${region ? `/${region}` : ""}`);
  verdict.zone = zone?.code ?? null;
  let price = 0;
  input.packages.forEach((p, i) => {
    const n = input.packages.length > 1 ? `package ${i + 1}: ` : "";
    if (p.weight_grams > s.max_weight_grams) verdict.reasons.push(`${n}${p.weight_grams} g is over the ${s.max_weight_grams} g limit`);
    if (!fits(p, s))
      verdict.reasons.push(
        `${n}${p.length_mm}x${p.width_mm}x${p.height_mm} mm does not fit ${s.max_dimensions_mm.length}x${s.max_dimensions_mm.width}x${s.max_dimensions_mm.height} mm`,
      );
    if (!zone) return;
    const rate = s.rates.filter((r) => r.zone === zone.code && r.max_weight_grams >= p.weight_grams).sort((a, b) => a.max_weight_grams - b.max_weight_grams)[0];
    const minor = rate ? toMinor(rate.price, input.currency) : null;
    if (!rate) verdict.reasons.push(`${n}no rate for ${p.weight_grams} g in zone ${zone.code}`);
    else if (!minor?.ok) verdict.reasons.push(`${n}rate ${rate.price} is not a valid ${input.currency} amount`);
    else price += minor.minor;
  });
  if (input.packages.length === 0) verdict.reasons.push("no packages to ship");
  verdict.eligible = verdict.reasons.length === 0;
  if (verdict.eligible) verdict.price = price;
  return verdict;
}

const cheapest = (a: ServiceVerdict, b: ServiceVerdict) => a.price! - b.price! || a.transit_days.max - b.transit_days.max || a.transit_days.min - b.transit_days.min;
const fastest = (a: ServiceVerdict, b: ServiceVerdict) => a.transit_days.max - b.transit_days.max || a.transit_days.min - b.transit_days.min || a.price! - b.price!;

export const defaultCarrierPolicy: CarrierPolicy = {
  choose(config: LogisticsConfig, input: ChoiceInput): CarrierChoice {
    const verdicts = config.carriers.flatMap((c) => c.services.map((s) => judgeService(c.code, s, input)));
    const find = (carrier: string, service: string) => verdicts.find((v) => v.carrier === carrier && v.service === service);
    const explanation: ChoiceExplanation = { strategy: config.selection.strategy, rule: null, summary: "", services: verdicts };
    const money = (v: ServiceVerdict) => `${fromMinor(v.price!, input.currency)} ${input.currency}`;
    const pick = (v: ServiceVerdict, why: string): CarrierChoice => {
      v.chosen = true;
      explanation.summary = `${v.carrier}/${v.service} for ${money(v)}, ${v.transit_days.min}-${v.transit_days.max} days: ${why}`;
      return { ok: true, carrier: v.carrier, service: v.service, zone: v.zone!, price: v.price!, transitDays: v.transit_days, explanation };
    };

    if (input.forced) {
      const v = find(input.forced.carrier, input.forced.service);
      explanation.strategy = "forced";
      if (v?.eligible) return pick(v, "chosen by hand");
      const message = v ? `${v.carrier}/${v.service} cannot take this parcel: ${v.reasons.join("; ")}` : `no service ${input.forced.carrier}/${input.forced.service}`;
      explanation.summary = message;
      return { ok: false, reason: "forced_not_eligible", message, explanation };
    }

    const notes: string[] = [];
    const rule = config.selection.fixed.find(
      (r) => matches(r.countries, input.destination.country) && matches(r.regions, input.destination.region, true) && (!r.skus || r.skus.some((s) => input.skus.includes(s))),
    );
    if (rule) {
      const name = rule.name ?? `${rule.carrier}/${rule.service}`;
      const v = find(rule.carrier, rule.service);
      if (v?.eligible) {
        explanation.rule = name;
        return pick(v, `fixed by rule "${name}"`);
      }
      notes.push(`rule "${name}" names ${rule.carrier}/${rule.service}, which cannot take this parcel`);
    }

    let pool = verdicts.filter((v) => v.eligible);
    if (pool.length === 0) {
      const message = `no service can take this parcel${notes.length ? ` (${notes.join("; ")})` : ""}`;
      explanation.summary = message;
      return { ok: false, reason: "no_eligible_service", message, explanation };
    }
    if (input.preferredCarrier) {
      const preferred = pool.filter((v) => v.carrier === input.preferredCarrier);
      if (preferred.length) {
        pool = preferred;
        notes.push(`routing prefers ${input.preferredCarrier}`);
      } else notes.push(`routing prefers ${input.preferredCarrier}, which cannot take this parcel`);
    }
    const strategy = config.selection.strategy;
    const best = [...pool].sort(strategy === "fastest" ? fastest : cheapest)[0]!;
    return pick(best, [`${strategy} of ${pool.length} eligible`, ...notes].join("; "));
  },
};
