/**
 * Public account steps a person takes from an emailed link, before there is
 * a session: accept an invitation, ask for a password reset, complete it.
 * Like every /v1/auth/* write, only from our own pages (src/staff/auth-origin.ts):
 * a cross-site post could otherwise sign the visitor in to an account of
 * someone else's choosing.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError, validationFailed } from "../http/problem";
import { jsonBody, jsonResponse, webhookProblems } from "../http/route";
import { acceptInvitation, completePasswordReset, type LinkOutcome, requestPasswordReset } from "./account-links";
import { SignedIn } from "./sign-in-schemas";
import { signedInBody } from "./sign-in-routes";

const Token = z.string().min(1).max(200);
const Password = z.string().min(1).max(256);

export const AcceptInvitation = z
  .object({ token: Token, password: Password, display_name: z.string().trim().min(1).max(100).optional() })
  .strict()
  .openapi("AcceptInvitation");
export const RequestPasswordReset = z
  .object({ email: z.string().trim().min(3).max(254) })
  .strict()
  .openapi("RequestPasswordReset");
export const CompletePasswordReset = z.object({ token: Token, password: Password }).strict().openapi("CompletePasswordReset");

export const RESET_ACCEPTED = {
  status: "accepted",
  detail: "If an active account has this email, a link to reset its password is on its way. It works for 1 hour.",
} as const;
const ResetAccepted = z.object({ status: z.literal("accepted"), detail: z.string() }).openapi("PasswordResetAccepted");

const tags = ["Signing in"];

function answer(c: Context<AppEnv>, r: LinkOutcome) {
  c.header("cache-control", "no-store");
  if (r.ok) {
    return c.json(signedInBody(r.user, r.session), 200);
  }
  if (r.code === "weak_password") throw validationFailed([{ field: "password", message: r.message }]);
  throw new ApiError(400, "invalid_token", "Link not valid", "This link has expired, was already used, or was replaced by a newer one: ask for a new one");
}

export const accountLinkRoutes = new OpenAPIHono<AppEnv>();

accountLinkRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/auth/invitations/accept",
    tags,
    summary: "Accept an invitation: set a password and sign in",
    description:
      "The token is from the invitation email's link (7 days, once). Sets the password, activates the account and starts a session (cookie), like signing in. A used, expired or replaced link is a 400 `invalid_token`.",
    request: { body: jsonBody(AcceptInvitation) },
    responses: { 200: jsonResponse(SignedIn, "Signed in; the session cookie is set"), ...webhookProblems(400, 403, 413, 415, 422) },
  }),
  async (c) => {
    return answer(c, await acceptInvitation(c, c.req.valid("json")));
  },
);

accountLinkRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/auth/password-resets",
    tags,
    summary: "Ask for a password reset link",
    description:
      "Always the same 202, whether or not the email belongs to anyone: the answer tells nobody who is on the staff. An active person gets a link valid for 1 hour; earlier links stop working.",
    request: { body: jsonBody(RequestPasswordReset) },
    responses: { 202: jsonResponse(ResetAccepted, "Accepted"), ...webhookProblems(400, 403, 413, 415, 422) },
  }),
  async (c) => {
    await requestPasswordReset(c, c.req.valid("json").email);
    return c.json(RESET_ACCEPTED, 202);
  },
);

accountLinkRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/auth/password-resets/complete",
    tags,
    summary: "Set a new password from a reset link, and sign in",
    description: "Spends the link, sets the password, ends every session of the person and any sign-in lockout of their email, and starts a fresh session.",
    request: { body: jsonBody(CompletePasswordReset) },
    responses: { 200: jsonResponse(SignedIn, "Signed in; the session cookie is set"), ...webhookProblems(400, 403, 413, 415, 422) },
  }),
  async (c) => {
    return answer(c, await completePasswordReset(c, c.req.valid("json")));
  },
);
