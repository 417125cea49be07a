/**
 * Carrier choice as an interface: given a store's carriers (data), a
 * parcel's destination, packages and SKUs, pick a carrier and service and
 * say why, for every service considered. Policies are pure, so a merchant's
 * variant is a new implementation of `CarrierPolicy`, not an `if` here.
 */
import type { LogisticsConfig } from "./carrier-config";

export type PackageFacts = { weight_grams: number; length_mm: number; width_mm: number; height_mm: number };

export type ChoiceInput = {
  destination: { country: string; region: string | null };
  packages: PackageFacts[];
  skus: string[];
  /** Minor units of prices are in this currency (the store's). */
  currency: string;
  /** The carrier the routing policy assigned at allocation, if any: preferred when it can take the parcel. */
  preferredCarrier: string | null;
  /** A person's explicit choice: taken if eligible, else refused with the reasons. */
  forced?: { carrier: string; service: string } | undefined;
};

export type ServiceVerdict = {
  carrier: string;
  service: string;
  name: string;
  eligible: boolean;
  zone: string | null;
  /** Minor units, summed over the packages; null when not eligible. */
  price: number | null;
  transit_days: { min: number; max: number };
  chosen: boolean;
  reasons: string[];
};

export type ChoiceExplanation = {
  strategy: string;
  rule: string | null;
  summary: string;
  services: ServiceVerdict[];
};

export type CarrierChoice =
  | { ok: true; carrier: string; service: string; zone: string; price: number; transitDays: { min: number; max: number }; explanation: ChoiceExplanation }
  | { ok: false; reason: "no_eligible_service" | "forced_not_eligible"; message: string; explanation: ChoiceExplanation };

export interface CarrierPolicy {
  choose(config: LogisticsConfig, input: ChoiceInput): CarrierChoice;
}
