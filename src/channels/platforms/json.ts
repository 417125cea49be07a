/**
 * Platform payloads parsed without losing ids: Shopify's ids pass 2^53, and
 * `JSON.parse` would round `820982911946154508` to `820982911946154500`.
 * Integers beyond the safe range come back as their exact decimal text
 * (the reviver sees each number's source, ES2025 JSON.parse source text
 * access); everything else parses as usual.
 */
type SourceContext = { source?: string } | undefined;

export function parsePlatformJson(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: SourceContext) =>
    typeof value === "number" && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source) ? context.source : value,
  );
}

/** An id as a string whether the platform sent it as a number or a string; null when absent. */
export function idString(value: unknown): string | null {
  if (typeof value === "string" && value.trim()) return value.trim();
  if (typeof value === "number" && Number.isInteger(value)) return String(value);
  return null;
}
