/**
 * What the order search `q` (GET /v1/orders, the console's search box) looks for, decided by the shape of the text
 * before any query is built, so each kind is answered by its own index instead of one OR that scans:
 *
 * - an order id (`ord_` and its base32 characters, with or without a store tag: src/lib/ids.ts) is that order and
 *   nothing else: a key seek;
 * - text with an `@` is an email: its blind index (contact is sealed at rest, so only an exact email is found);
 * - anything else is a substring of the external id (the channel's order number, "#1001"; case-insensitive for
 *   ASCII), and, when it holds a digit, also an exact phone number through its blind index: "1001" may be either.
 *
 * A substring of three characters or more is looked up in the trigram index (migrations/0037); a shorter one has no
 * trigram to look up and is matched by reading the narrow (store_id, external_id) index, as before that index.
 */
import { strictIdPattern } from "../lib/ids";
export type SearchTerms = { kind: "order_id"; id: string } | { kind: "email"; email: string } | { kind: "text"; substring: string; trigrams: boolean; phone: boolean };

const ORDER_ID = strictIdPattern("ord");

export function searchTerms(text: string): SearchTerms {
  if (ORDER_ID.test(text)) return { kind: "order_id", id: text };
  if (text.includes("@")) return { kind: "email", email: text };
  // Characters, not UTF-16 units: the trigram tokenizer counts code points.
  return { kind: "text", substring: text, trigrams: [...text].length >= 3, phone: /\d/.test(text) };
}

/**
 * The substring as one FTS5 phrase: quoted, so no character of it is query syntax (a `"` inside is doubled). With the
 * trigram tokenizer a phrase matches where its trigrams follow one another, that is where the text is a substring.
 */
export function trigramPhrase(substring: string): string {
  return `"${substring.replaceAll('"', '""')}"`;
}

/** The substring as a LIKE pattern; `%`, `_` and `\` typed by a user are literal characters (ESCAPE '\'). */
export function containsPattern(substring: string): string {
  return `%${substring.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}
