/**
 * The public account steps (/v1/auth/*: signing in, accepting an invitation,
 * resetting a password) take writes only from our own pages. There is no
 * session yet to carry a CSRF token, so without this a page on another site
 * could post a form that signs the visitor in to an account of the
 * attacker's choosing (login CSRF). Browsers always send Origin or
 * Sec-Fetch-Site on such a post; a client that is not a browser sends
 * neither and is let through (it attacks no one's cookies).
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../http/problem";
import { sameOrigin } from "./sessions";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const crossSiteRefused = () => new ApiError(403, "cross_site_refused", "Forbidden", "Signing in and the other account steps are accepted only from this site's own pages");

export const authSameOrigin = createMiddleware<AppEnv>(async function authSameOrigin(c, next) {
  if (!SAFE_METHODS.has(c.req.method) && !sameOrigin(c)) throw crossSiteRefused();
  await next();
});
