/** Reading the period and store a reader asked for, checked before any report is asked for. */
import { dayIn } from "../format";
import type { ConsoleContext, StoreFacts } from "../context";
import { storesOf } from "../context";
import { type Period, type PeriodRefusal, resolvePeriod } from "./period";

export type Scope = { stores: StoreFacts[]; store: StoreFacts | null; timeZone: string; currency: string };
export type Asked = { period: string; from: string; to: string; store: string };

export function askedOf(c: ConsoleContext): Asked {
  return { period: c.req.query("period") ?? "", from: c.req.query("from") ?? "", to: c.req.query("to") ?? "", store: c.req.query("store") ?? "" };
}

/** The store asked for (or none: all the reader's), and the zone its days are in. */
export async function scopeOf(c: ConsoleContext, storeId: string): Promise<{ ok: true; scope: Scope } | { ok: false; refusal: "unknown_store" }> {
  const stores = await storesOf(c);
  const store = storeId ? (stores.find((s) => s.id === storeId) ?? null) : null;
  if (storeId && !store) return { ok: false, refusal: "unknown_store" };
  const zoneOf = store ?? stores[0];
  return { ok: true, scope: { stores, store, timeZone: zoneOf?.timezone ?? "UTC", currency: zoneOf?.currency ?? "USD" } };
}

export async function periodOf(
  c: ConsoleContext,
  asked: Asked,
): Promise<{ ok: true; scope: Scope; period: Period } | { ok: false; refusal: PeriodRefusal | "unknown_store"; scope?: Scope }> {
  const s = await scopeOf(c, asked.store);
  if (!s.ok) return s;
  const r = resolvePeriod(asked, dayIn(Date.now(), s.scope.timeZone));
  return r.ok ? { ok: true, scope: s.scope, period: r.period } : { ok: false, refusal: r.refusal, scope: s.scope };
}
