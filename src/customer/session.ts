/**
 * The customer's visit to their order page, carried by a cookie instead of
 * the URL: `GET /o/<token>` (the link in a message) sets the cookie and
 * redirects to `/o/order/<order id>`, so the token never appears in request
 * logs, browser history or a Referer after the first request.
 *
 * - The cookie holds the token itself (HttpOnly, Secure on https), scoped to
 *   that order's path: a customer may have several orders open at once, and
 *   the browser sends each page only its own order's cookie. It lives an
 *   hour at most (never past the link's own expiry); the link in the message
 *   opens a new visit.
 * - SameSite=Lax, not Strict: the first visit is a navigation from a mail
 *   client or webmail on another site, and Chrome withholds Strict cookies
 *   from the whole redirect chain such a navigation starts, so the page
 *   would open without its cookie. Lax still keeps the cookie off cross-site
 *   POSTs, and every POST is checked for its origin as well.
 */
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../env";
import { openToken, type OpenedToken } from "./tokens";

export const SESSION_COOKIE = "oms_order";
export const SESSION_MAX_AGE_S = 60 * 60;

/** The token-free address of an order's page. */
export const pagePath = (orderId: string) => `/o/order/${orderId}`;

function isHttps(c: Context<AppEnv>) {
  return new URL(c.req.url).protocol === "https:" || (c.env.PUBLIC_URL ?? "").startsWith("https:");
}

export function startSession(c: Context<AppEnv>, token: string, opened: OpenedToken, { now = Date.now() }: { now?: number } = {}) {
  setCookie(c, SESSION_COOKIE, token, {
    path: pagePath(opened.orderId),
    httpOnly: true,
    secure: isHttps(c),
    sameSite: "Lax",
    maxAge: Math.max(1, Math.min(SESSION_MAX_AGE_S, Math.floor((opened.expiresAt - now) / 1000))),
  });
}

/** The visit to this order's page, or null: no cookie, an expired link, or a cookie of another order. */
export async function sessionFor(c: Context<AppEnv>, orderId: string): Promise<OpenedToken | null> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return null;
  const opened = await openToken(c.env, token);
  return opened && opened.orderId === orderId ? opened : null;
}

/**
 * A form post that did not come from our own page: another site's form or
 * script. `Sec-Fetch-Site` (set by the browser, no page can forge it)
 * decides where it is sent; `Origin`, where present, must be ours as well.
 * A request with neither (an old browser) is let through: the SameSite
 * cookie and the version each form carries still stand in its way.
 */
export function isCrossSitePost(c: Context<AppEnv>): boolean {
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined && site !== "same-origin" && site !== "none") return true;
  const origin = c.req.header("origin");
  if (origin === undefined) return false;
  // "null": a sandboxed frame, a data: page, or a redirect from elsewhere; never our own form (see Referrer-Policy below).
  if (origin === "null") return site === undefined;
  const own = [new URL(c.req.url).origin];
  if (c.env.PUBLIC_URL) {
    try {
      own.push(new URL(c.env.PUBLIC_URL).origin);
    } catch {
      // A malformed PUBLIC_URL names no origin of ours.
    }
  }
  return !own.includes(origin);
}

/**
 * Sent with every customer page: no framing (clickjacking), no scripts at
 * all, forms only to ourselves, no MIME sniffing, and nothing cached (the
 * page shows personal data).
 *
 * Referrer-Policy is `same-origin`, not `no-referrer`: no Referer ever
 * leaves for another site, and the token never sits in a page's URL anyway
 * (its URL only redirects). `no-referrer` would make browsers send
 * `Origin: null` on our own form posts (Fetch spec, "serializing a request
 * origin"), so the origin check above could not tell them from a forgery.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "cache-control": "no-store",
};
