/**
 * Guards every request body before a route sees it: JSON only (415), at most
 * MAX_BODY_BYTES (413, counted while the bytes arrive), UTF-8 JSON whose
 * every string and key is well-formed Unicode (400). Routes then validate
 * the shape (422) with their zod schemas.
 *
 * Why Unicode is checked here, once, and not per field: a lone surrogate
 * (`"\ud800"` in JSON) is valid JSON but not text; D1 stores it as U+FFFD,
 * so what was written is not what the request said and anything comparing
 * the two afterwards goes wrong. One check over the parsed body covers every
 * field of every route, including free-form ones (records, metadata).
 * Query and path parameters cannot carry one: they are percent-decoded as
 * UTF-8, which has no surrogates.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "./problem";

export const MAX_BODY_BYTES = 256 * 1024;

export const payloadTooLarge = (limit: number) => new ApiError(413, "payload_too_large", "Payload too large", `Bodies are limited to ${limit} bytes`);

/**
 * The request's body bytes, read chunk by chunk: as soon as more than `limit`
 * bytes have arrived, reading stops (the rest is never pulled) and it is a 413.
 * A declared Content-Length over the limit is refused before reading at all.
 */
export async function readBodyLimited(req: Request, limit: number): Promise<Uint8Array> {
  if (Number(req.headers.get("content-length") ?? "0") > limit) throw payloadTooLarge(limit);
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      reader.cancel().catch(() => {});
      throw payloadTooLarge(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** UTF-8 bytes to text; null when they are not UTF-8 (never silently replaced by U+FFFD). */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

/** The dotted path of the first string or key in `value` that is not well-formed Unicode (a lone surrogate), or null. */
export function firstIllFormedString(value: unknown): string | null {
  // Iterative, not recursive: a deeply nested body must not overflow the stack.
  const stack: [unknown, string][] = [[value, ""]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === "string") {
      if (!v.isWellFormed()) return path || "(body)";
    } else if (Array.isArray(v)) {
      for (const [i, item] of v.entries()) stack.push([item, path ? `${path}.${i}` : String(i)]);
    } else if (v !== null && typeof v === "object") {
      for (const [k, item] of Object.entries(v)) {
        const at = path ? `${path}.${k}` : k;
        if (!k.isWellFormed()) return at.toWellFormed();
        stack.push([item, at]);
      }
    }
  }
  return null;
}

/** Throws the 400 for a parsed body holding a string that is not well-formed Unicode. */
export function assertWellFormedText(value: unknown): void {
  const field = firstIllFormedString(value);
  if (field === null) return;
  throw new ApiError(400, "invalid_unicode", "Text is not well-formed Unicode", `${field}: contains a lone surrogate (an unpaired \\ud800-\\udfff escape)`, {
    errors: [{ field, message: "contains a lone surrogate (an unpaired \\ud800-\\udfff escape)", code: "invalid_unicode" }],
  });
}

/** Bytes to parsed JSON, or the 400 saying what is wrong with them (not UTF-8, not JSON, not well-formed text). */
export function parseJsonBytes(bytes: Uint8Array): { text: string; json: unknown } {
  const text = decodeUtf8(bytes);
  if (text === null) throw new ApiError(400, "malformed_json", "Malformed JSON", "The body is not valid UTF-8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError(400, "malformed_json", "Malformed JSON", "The body is not valid JSON");
  }
  assertWellFormedText(json);
  return { text, json };
}

export const jsonBodies = createMiddleware<AppEnv>(async function jsonBodies(c, next) {
  const method = c.req.method;
  if (method !== "POST" && method !== "PUT" && method !== "PATCH") return next();
  const type = c.req.header("content-type");
  // Payout files are CSV and may be tens of megabytes: their route reads the stream itself, under its own limit.
  if (method === "POST" && c.req.path === "/v1/settlements" && /^text\/csv\s*(?:;|$)/i.test(type ?? "")) return next();
  // A POST with no body at all (an action like "audit again"): routes that need a body see `{}` and say what is missing.
  // Over HTTP an empty body still comes as a stream, with `content-length: 0`.
  if (Number(c.req.header("content-length") ?? "0") > MAX_BODY_BYTES) throw payloadTooLarge(MAX_BODY_BYTES);
  if (!type && (!c.req.raw.body || c.req.header("content-length") === "0")) return next();
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type ?? "")) {
    throw new ApiError(415, "unsupported_media_type", "Unsupported media type", "Send the body as application/json");
  }
  const { text, json } = parseJsonBytes(await readBodyLimited(c.req.raw, MAX_BODY_BYTES));
  // Read once: the route's validator and the idempotency hash read these instead of the (consumed) stream.
  // (Hono keeps promises in its body cache, whatever its type says.)
  const cache = c.req.bodyCache as Record<string, Promise<unknown>>;
  cache.text = Promise.resolve(text);
  cache.json = Promise.resolve(json);
  await next();
});
