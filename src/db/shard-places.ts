/**
 * A newest-first list over several shards whose rows are numbered per database (an AUTOINCREMENT id: the floor's
 * events), so one id cannot be the cursor: the cursor holds a place on each shard read (docs/SHARDING.md, build
 * step 7), as the change feed's does for its oldest-first `seq`.
 *
 * A place is "below this id" on its shard; a shard not in the cursor is read from its newest row, and place 0 means
 * nothing is left there. Shard 0's place is written bare, so a cursor of one database is the plain id it always was:
 * `123`, or `123,s1:45` with shard 1's.
 */
import { SHARD_ZERO } from "./shard";

export const PLACES = /^(\d{1,16}|s\d{1,4}:\d{1,16})(,s\d{1,4}:\d{1,16}){0,64}$/;

export function placesOf(key: string | undefined): Map<string, number> {
  const places = new Map<string, number>();
  for (const part of key ? key.split(",") : []) {
    const [shard, id] = part.includes(":") ? part.split(":") : [SHARD_ZERO.id, part];
    places.set(shard!, Number(id));
  }
  return places;
}

export function placesKey(places: ReadonlyMap<string, number>): string {
  const zero = places.get(SHARD_ZERO.id);
  const others = [...places].filter(([shard]) => shard !== SHARD_ZERO.id).sort(([a], [b]) => Number(a.slice(1)) - Number(b.slice(1)));
  return [...(zero === undefined ? [] : [String(zero)]), ...others.map(([shard, id]) => `${shard}:${id}`)].join(",");
}

/**
 * The first `limit` rows of the shards' pages (each its first `limit + 1` below its place, newest first), newest first
 * across them by `at` (of equal times, the higher shard first, then the higher id), and the places after them: a
 * shard moves to the last row taken of it, to 0 when every row it had was taken, and stays where it was when none was.
 * `more`: some shard has rows left.
 */
export function mergeNewest<R extends { id: number }>(
  parts: readonly { shard: string; rows: readonly R[] }[],
  before: ReadonlyMap<string, number>,
  at: (r: R) => number,
  limit: number,
): { rows: R[]; places: Map<string, number>; more: boolean } {
  const used = parts.map(() => 0);
  const rows: R[] = [];
  while (rows.length < limit) {
    let next = -1;
    for (const [i, part] of parts.entries()) {
      const head = part.rows[used[i]!];
      if (!head) continue;
      const best = next < 0 ? undefined : parts[next]!.rows[used[next]!]!;
      if (!best || at(head) > at(best) || (at(head) === at(best) && (part.shard > parts[next]!.shard || (part.shard === parts[next]!.shard && head.id > best.id)))) next = i;
    }
    if (next < 0) break;
    rows.push(parts[next]!.rows[used[next]!]!);
    used[next]! += 1;
  }
  const places = new Map(before);
  let more = false;
  for (const [i, part] of parts.entries()) {
    const all = used[i] === part.rows.length && part.rows.length <= limit;
    if (all) places.set(part.shard, 0);
    else {
      more = true;
      const last = part.rows[used[i]! - 1];
      if (last) places.set(part.shard, last.id);
    }
  }
  return { rows, places, more };
}
