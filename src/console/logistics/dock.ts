/**
 * The dock's pure rules: which parcels a person ticked or scanned, parcels
 * grouped by carrier, and a time typed in the store's zone as RFC 3339.
 */

type Parcel = { id: string; carrier: string | null; tracking_number: string | null };

/**
 * Scanned codes (a tracking number off the label, or a shipment id) and
 * ticked ids, resolved against the parcels waiting on the dock. Each parcel
 * is handed over once however often it was scanned; a code matching none
 * is reported back as it was typed.
 */
export function pickParcels<P extends Parcel>(waiting: readonly P[], opts: { ticked: readonly string[]; scanned: readonly string[] }): { parcels: P[]; unknown: string[] } {
  const byCode = new Map<string, P>();
  for (const p of waiting) {
    byCode.set(p.id.toUpperCase(), p);
    if (p.tracking_number) byCode.set(p.tracking_number.toUpperCase(), p);
  }
  const chosen = new Map<string, P>();
  const unknown: string[] = [];
  for (const raw of [...opts.ticked, ...opts.scanned]) {
    const code = raw.trim();
    if (!code) continue;
    const p = byCode.get(code.toUpperCase());
    if (p) chosen.set(p.id, p);
    else if (!unknown.includes(code)) unknown.push(code);
  }
  return { parcels: [...chosen.values()], unknown };
}

/** Codes from a textarea or scanner field: one per line, comma or space. */
export const splitCodes = (text: string) => text.split(/[\s,;]+/).filter(Boolean);

/** Parcels by carrier, carriers in name order (a parcel without one last). */
export function byCarrier<P extends Parcel>(parcels: readonly P[]): [string, P[]][] {
  const groups = new Map<string, P[]>();
  for (const p of parcels) {
    const key = p.carrier ?? "";
    const list = groups.get(key) ?? [];
    list.push(p);
    groups.set(key, list);
  }
  return [...groups].sort(([a], [b]) => (a === "" ? 1 : b === "" ? -1 : a.localeCompare(b)));
}

/** The zone's offset from UTC at a moment, in minutes (e.g. -300 for New York in winter). */
function offsetMinutes(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(at));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second"));
  return Math.round((asUtc - at) / 60_000);
}

/**
 * "2026-12-03T14:05" (a datetime-local field) read in the store's zone, as
 * RFC 3339 with that zone's offset; null when it is not such a time.
 */
export function zonedToRfc3339(local: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const naive = Date.UTC(y, mo - 1, d, h, mi, s);
  if (Number.isNaN(naive) || new Date(naive).getUTCDate() !== d) return null;
  // Two passes find the offset in force at that wall-clock time, across a change of summer time.
  let offset = offsetMinutes(naive, timeZone);
  offset = offsetMinutes(naive - offset * 60_000, timeZone);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const pad = (x: number) => String(x).padStart(2, "0");
  return `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
