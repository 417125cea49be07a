/**
 * POST /v1/auth/sign-in: public (there is no one to authenticate yet);
 * src/staff/auth-origin.ts refuses it from other sites, src/staff/lockout.ts
 * and the per-address limit slow guessing.
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { ApiError } from "../http/problem";
import { jsonBody, jsonResponse, webhookProblems } from "../http/route";
import { minutesOf } from "./lockout";
import type { SessionRow, UserRow } from "./sessions";
import { SignedIn, SignIn, STAGE_DESCRIPTION } from "./sign-in-schemas";
import { signInWithPassword } from "./sign-in";

/** The one answer to every wrong email, password or account that cannot sign in. */
export const signInFailed = () => new ApiError(401, "sign_in_failed", "Sign-in failed", "The email or password is not right");

export const signInLocked = (retryAfterMs: number) => {
  const minutes = minutesOf(retryAfterMs);
  return new ApiError(
    429,
    "sign_in_locked",
    "Sign-in locked for a while",
    `Too many failed sign-ins for this account: try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}, or reset the password, which works at once`,
    {},
    { "retry-after": String(Math.ceil(retryAfterMs / 1000)) },
  );
};

export const addressLimited = (retryAfterS: number) =>
  new ApiError(429, "rate_limited", "Too many requests", `Too many failed sign-ins from this address: try again in ${retryAfterS} s`, {}, { "retry-after": String(retryAfterS) });

export const userBody = (u: UserRow) => ({
  id: u.id,
  email: u.email,
  display_name: u.displayName,
  positions: u.positions,
  store_ids: u.storeIds,
  warehouse_ids: u.warehouseIds,
  locale: u.locale,
});

/** What every completed sign-in step answers: the stage, the CSRF token and the person. */
export const signedInBody = (user: UserRow, session: SessionRow) => ({ stage: session.stage, csrf_token: session.csrfToken, user: userBody(user) });

export const signInRoutes = new OpenAPIHono<AppEnv>();

signInRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/auth/sign-in",
    tags: ["Signing in"],
    summary: "Sign in with email and password",
    description: [
      "Starts a console session: the answer sets the `__Host-oms_session` cookie (HttpOnly, Secure, SameSite=Lax) and gives the CSRF token that every write with the cookie must carry as `x-csrf-token`. Any session the browser came with ends.",
      STAGE_DESCRIPTION,
      "A wrong email, a wrong password and an account that cannot sign in get the same 401. After 5 failures for an address, each further one locks it for 1, 2, 4 ... up to 60 minutes (429 `sign_in_locked` with Retry-After; the password is not checked while locked). Only from this site's pages: another Origin is refused (403).",
    ].join("\n\n"),
    request: { body: jsonBody(SignIn) },
    responses: {
      200: jsonResponse(SignedIn, "Signed in (or a second factor is owed); the session cookie is set"),
      ...webhookProblems(400, 401, 403, 413, 415, 422, 429),
    },
  }),
  async (c) => {
    const r = await signInWithPassword(c, c.req.valid("json"));
    c.header("cache-control", "no-store");
    if (r.ok) return c.json(signedInBody(r.user, r.session), 200);
    if (r.code === "sign_in_locked") throw signInLocked(r.retryAfterMs);
    if (r.code === "address_limited") throw addressLimited(r.retryAfterS);
    throw signInFailed();
  },
);
