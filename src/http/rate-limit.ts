/**
 * Rate limits per client IP, on the Workers rate-limiting binding
 * (`[[ratelimits]]` in wrangler.toml; miniflare runs the same binding in
 * `wrangler dev` and the tests). Two limits:
 *
 * - Failed API authentication. Only failures are counted, so requests with a
 *   valid key are never slowed. A client over the limit is cut off for one
 *   period: while it is, any key but the bootstrap key or one this isolate
 *   has already seen succeed answers 429 before it is even looked up, so a
 *   key-guessing client learns nothing from its guesses.
 * - Customer pages (`/o/*`): every request counts; over the limit the page
 *   answers 429 (HTML) with Retry-After.
 *
 * The key is CF-Connecting-IP, which Cloudflare's edge always sets (and
 * `wrangler dev` sets to the caller's address). A request without one did not
 * come from the internet (a service binding, an in-process test): it has no
 * client to count and is not limited. Counts are per Cloudflare location and
 * approximate, as the binding documents.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "./problem";

/** The binding's interface: `limit({ key })` counts one and says whether the key is still within its limit. */
export type RateLimiter = { limit(options: { key: string }): Promise<{ success: boolean }> };

/** The `period` of both `[[ratelimits]]` in wrangler.toml, in seconds: how long a client over a limit waits. */
export const PERIOD_SECONDS = 60;

export function clientIp(headers: { get(name: string): string | null | undefined }): string | null {
  return headers.get("cf-connecting-ip")?.trim() || null;
}

/** IPs over the failed-authentication limit, until when (this isolate's memory; the binding holds the counts). */
const cutOff = new Map<string, number>();

/** Seconds this IP is still cut off for failed authentication, or 0. */
export function authCutOffSeconds(ip: string | null, now = Date.now()): number {
  if (!ip) return 0;
  const until = cutOff.get(ip);
  if (until === undefined) return 0;
  if (until <= now) {
    cutOff.delete(ip);
    return 0;
  }
  return Math.ceil((until - now) / 1000);
}

/** Counts one failed authentication; the seconds to wait when it put the IP over the limit, else 0. */
export async function countAuthFailure(env: AppEnv["Bindings"], ip: string | null): Promise<number> {
  if (!ip) return 0;
  const { success } = await env.AUTH_FAILURE_LIMITER.limit({ key: `auth:${ip}` });
  if (success) return 0;
  if (cutOff.size > 10_000) cutOff.clear();
  cutOff.set(ip, Date.now() + PERIOD_SECONDS * 1000);
  return PERIOD_SECONDS;
}

export const tooManyAuthFailures = (retryAfter: number) =>
  new ApiError(
    429,
    "rate_limited",
    "Too many requests",
    `Too many requests with a missing or invalid API key from this address: try again in ${retryAfter} s`,
    {},
    { "retry-after": String(retryAfter) },
  );

const busyPage = (retryAfter: number) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Please wait a moment</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5">
<h1>Please wait a moment</h1>
<p>This page was opened too many times in a short while. Please try again in a minute.</p>
<p lang="zh-CN">请求过于频繁，请稍候一分钟再试。</p>
<p style="color: #666">Retry after ${retryAfter} s</p>
</body></html>`;

/** The customer pages' limit, per client IP: 429 and an HTML page over it. */
export const customerPageLimit = createMiddleware<AppEnv>(async function customerPageLimit(c, next) {
  const ip = clientIp(c.req.raw.headers);
  if (ip && !(await c.env.CUSTOMER_PAGE_LIMITER.limit({ key: `page:${ip}` })).success) {
    return c.html(busyPage(PERIOD_SECONDS), 429, {
      "retry-after": String(PERIOD_SECONDS),
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    });
  }
  await next();
});
