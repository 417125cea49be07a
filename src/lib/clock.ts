/**
 * Milliseconds since the epoch, strictly increasing within this isolate. In Workers, requests served between the same
 * two I/O events read the same `Date.now()`, so a write that recognises its own row by the instant it stamped (a
 * pack's `packed_at`) takes its instant here: two packs of one parcel in the same millisecond (a double click) then
 * cannot both believe they packed it.
 */
let last = 0;

export function uniqueNow(): number {
  const now = Date.now();
  last = now > last ? now : last + 1;
  return last;
}
