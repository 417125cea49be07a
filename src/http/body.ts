/**
 * Guards every request body before a route sees it: JSON only (415), at most
 * MAX_BODY_BYTES (413), well-formed (400). Routes then validate the shape
 * (422) with their zod schemas.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "./problem";

export const MAX_BODY_BYTES = 256 * 1024;
const utf8 = new TextEncoder();

const tooLarge = () => new ApiError(413, "payload_too_large", "Payload too large", `Bodies are limited to ${MAX_BODY_BYTES} bytes`);

export const jsonBodies = createMiddleware<AppEnv>(async function jsonBodies(c, next) {
  const method = c.req.method;
  if (method !== "POST" && method !== "PUT" && method !== "PATCH") return next();
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const type = c.req.header("content-type");
  // A POST with no body at all (an action like "audit again"): routes that need a body see `{}` and say what is missing.
  // Over HTTP an empty body still comes as a stream, with `content-length: 0`.
  if (!type && (!c.req.raw.body || c.req.header("content-length") === "0")) return next();
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type ?? "")) {
    throw new ApiError(415, "unsupported_media_type", "Unsupported media type", "Send the body as application/json");
  }
  const text = await c.req.text();
  // A UTF-16 unit is at most 3 UTF-8 bytes: only a body near the limit needs counting.
  if (text.length * 3 > MAX_BODY_BYTES && utf8.encode(text).byteLength > MAX_BODY_BYTES) throw tooLarge();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError(400, "malformed_json", "Malformed JSON", "The body is not valid JSON");
  }
  // Parsed once: the route's validator reads this instead of parsing the text again.
  c.req.bodyCache.json = Promise.resolve(parsed);
  await next();
});
