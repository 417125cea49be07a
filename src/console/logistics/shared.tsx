/** What the logistics screens share: the API's shapes, refusals in words, the section's tabs. */
import type { z } from "@hono/zod-openapi";
import type { Permission } from "../../auth/roles";
import type { FulfilmentException, Shipment } from "../../fulfilment/schemas";
import { allows } from "../../http/auth";
import type { CarrierChoiceResult, LogisticsException, RecordedTrackingEvent, ShipmentTracking } from "../../logistics/schemas";
import type { Problem } from "../api";
import type { Ui } from "../context";
import type { Lang } from "../i18n";
import { problemText } from "../problems";
import { LOGISTICS_TEXT, type LogisticsText } from "./text";

export type ShipmentT = z.infer<typeof Shipment>;
export type TrackingT = z.infer<typeof ShipmentTracking>;
export type ChoiceT = z.infer<typeof CarrierChoiceResult>;
export type LogisticsExceptionT = z.infer<typeof LogisticsException>;
export type FulfilmentExceptionT = z.infer<typeof FulfilmentException>;
export type RecordedT = z.infer<typeof RecordedTrackingEvent>;

export const words = (lang: Lang): LogisticsText => LOGISTICS_TEXT[lang];

/** A refusal in the reader's words: ours for the logistics codes, the console's common ones otherwise. */
export function refusalText(problem: Problem, lang: Lang): string {
  const ours = problem.code ? (LOGISTICS_TEXT[lang] as Record<string, string>)[`code_${problem.code}`] : undefined;
  return ours ?? problemText(problem, lang);
}

export const may = (ui: Ui, p: Permission) => !!ui.principal && allows(ui.principal, p);

export const lookup = (t: LogisticsText, key: string, fallback: string) => (t as Record<string, string>)[key] ?? fallback;
export const trackingStatusLabel = (t: LogisticsText, s: string) => lookup(t, `status_${s}`, s);
export const exceptionKindLabel = (t: LogisticsText, k: string) => lookup(t, `kind_${k}`, k);

export const totalWeight = (s: ShipmentT) => (s.packages ?? []).reduce((sum, p) => sum + (typeof p.weight_grams === "number" ? p.weight_grams : 0), 0);
export const grams = (g: number, lang: Lang) => (g >= 1000 ? `${new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }).format(g / 1000)} kg` : `${g} g`);

/** The section's two screens, as tabs for those who may use both. */
export function Tabs({ ui, here }: { ui: Ui; here: "dock" | "exceptions" }) {
  const t = words(ui.lang);
  const tabs = [
    { id: "dock", href: "/console/logistics", label: t.tab_dock, show: may(ui, "shipments:handover") },
    { id: "exceptions", href: "/console/logistics/exceptions", label: t.tab_exceptions, show: may(ui, "logistics_exceptions:read") || may(ui, "fulfilment_exceptions:read") },
  ].filter((x) => x.show);
  if (tabs.length < 2) return null;
  return (
    <nav class="actions" aria-label={t.title} style="margin-bottom:12px">
      {tabs.map((x) => (
        <a class={x.id === here ? "button" : "button secondary"} href={x.href} aria-current={x.id === here ? "page" : undefined}>
          {x.label}
        </a>
      ))}
    </nav>
  );
}
