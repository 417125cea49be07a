/**
 * Who an actor id is, in words, for the places people read who did
 * something (order timelines, stock movements, floor work, reports). Names
 * are looked up once per response, in one batched query, never a query
 * per row; ids that are not people or keys (`system:audit`,
 * `channel:chn_...`, `customer`) are named without a lookup.
 *
 * The name is today's (a person's display name, a key's name), not the one
 * at the time: the activity log keeps the name as it was.
 */
import type { D1Reads } from "../db/client";

export type ActorKind = "user" | "key" | "system" | "channel" | "customer" | "unknown";
export type ActorName = { kind: ActorKind; name: string | null };

/** What an id says about itself, before any lookup. Pure. */
export function actorKindOf(id: string): ActorKind {
  if (id.startsWith("usr_")) return "user";
  if (id.startsWith("key_") || id === "bootstrap") return "key";
  if (id === "customer") return "customer";
  if (id.startsWith("channel:")) return "channel";
  if (id.startsWith("system:")) return "system";
  return "unknown";
}

/** The name of an actor that needs no lookup (or the fallback for one that was not found). Pure. */
export function wordsFor(id: string): string | null {
  if (id === "bootstrap") return "bootstrap admin key";
  if (id === "customer") return "the customer";
  const [prefix, rest] = [id.slice(0, id.indexOf(":")), id.slice(id.indexOf(":") + 1)];
  if (prefix === "system") return `system (${rest.replace(/[-_]/g, " ")})`;
  if (prefix === "channel") return `channel connection ${rest}`;
  return null;
}

/**
 * Names for every id given, in one query (people and keys together; the ids
 * go in as one JSON parameter, so any number fits D1's parameter limit).
 * Raw D1, not drizzle: neither column is sealed personal data, and the
 * reports call this with only the database binding.
 */
export async function actorNames(d1: D1Reads, ids: Iterable<string | null | undefined>): Promise<Map<string, ActorName>> {
  const unique = [...new Set([...ids].filter((id): id is string => !!id))];
  const lookups = unique.filter((id) => id.startsWith("usr_") || id.startsWith("key_"));
  const found = new Map<string, string>();
  if (lookups.length) {
    const { results } = await d1
      .prepare(
        `SELECT id, display_name AS name FROM users WHERE id IN (SELECT value FROM json_each(?1))
         UNION ALL SELECT id, name FROM api_keys WHERE id IN (SELECT value FROM json_each(?1))`,
      )
      .bind(JSON.stringify(lookups))
      .all<{ id: string; name: string }>();
    for (const r of results) found.set(r.id, r.name);
  }
  return new Map(unique.map((id) => [id, { kind: actorKindOf(id), name: found.get(id) ?? wordsFor(id) }]));
}

/** The name of one id from a lookup (an id not in it: its kind and words, unlooked-up). */
export function nameIn(names: ReadonlyMap<string, ActorName>, id: string): ActorName {
  return names.get(id) ?? { kind: actorKindOf(id), name: wordsFor(id) };
}

/** `{actor_kind, actor_name}` for a response row. */
export function namedActor(names: ReadonlyMap<string, ActorName>, id: string): { actor_kind: ActorKind; actor_name: string | null } {
  const n = nameIn(names, id);
  return { actor_kind: n.kind, actor_name: n.name };
}
