/**
 * Passkeys over HTTP: a person registers and removes their own (/v1/me,
 * `account:self`), and anyone may sign in with one (/v1/auth/passkey*,
 * public: the passkey is the credential). A passkey sign-in also completes
 * a sign-in waiting for its second factor.
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { recordActivity } from "../activity/record";
import type { AppEnv } from "../env";
import { ApiError, notFound } from "../http/problem";
import { clientIp, countAuthFailure, tooManyAuthFailures } from "../http/rate-limit";
import { apiRoute, jsonBody, jsonResponse, problems, webhookProblems } from "../http/route";
import { iso } from "../orders/serialize";
import { listPasskeys, type PasskeyRefusal, type PasskeyRow, registerPasskey, registrationOptions, removePasskey, signInOptions, verifyPasskeySignIn } from "./passkeys";
import { twoFactorRequired } from "./stage";
import { pendingSecondFactor } from "./two-factor-sign-in";
import { finishEnrolment, ownAccount, signedIn } from "./two-factor-session";
import { PasskeyIdParam, PasskeyList, PasskeySignInBody, PasskeySignInOptionsBody, RegisteredPasskey, RegisterPasskeyBody, SignedIn, WebAuthnOptions } from "./two-factor-schemas";

const passkeyBody = (p: PasskeyRow) => ({
  id: p.id,
  name: p.name,
  transports: p.transports,
  created_at: iso(p.createdAt),
  last_used_at: p.lastUsedAt === null ? null : iso(p.lastUsedAt),
});

export const passkeyRoutes = new OpenAPIHono<AppEnv>();

passkeyRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/me/passkeys/options",
    permission: "account:self",
    tags: ["Account"],
    summary: "Options for registering a passkey (pass them to `navigator.credentials.create()`)",
    description: "The challenge in them is good for one registration within 5 minutes.",
    responses: { 200: jsonResponse(WebAuthnOptions, "PublicKeyCredentialCreationOptions, JSON-encoded"), ...problems() },
  }),
  async (c) => {
    const { user } = await ownAccount(c);
    return c.json(await registrationOptions(c, user), 200);
  },
);

passkeyRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/me/passkeys",
    permission: "account:self",
    tags: ["Account"],
    summary: "Register a passkey: the browser's answer to the registration options",
    description:
      "When this session was only allowed to set up two-factor (a position requires it), it is replaced by a full session: a new cookie, and `session.csrf_token` for the console's writes.",
    request: { body: jsonBody(RegisterPasskeyBody) },
    responses: { 201: jsonResponse(RegisteredPasskey, "The passkey"), ...problems(409, 413, 415, 422) },
  }),
  async (c) => {
    const { session, user } = await ownAccount(c);
    const r = await registerPasskey(c, user, c.req.valid("json"));
    if (!r.ok) throw new ApiError(r.code === "duplicate" ? 409 : 422, `passkey_${r.code}`, r.code === "duplicate" ? "Conflict" : "Unprocessable Content", r.detail);
    const next = await finishEnrolment(c, session);
    const actor = { id: user.id, kind: "user" as const, name: user.displayName };
    await recordActivity(c, { action: "passkey_added", actor, target: user.id, status: 201, detail: { passkey: r.passkey.name } });
    return c.json({ ...passkeyBody(r.passkey), ...(next ? { session: next } : {}) }, 201);
  },
);

passkeyRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/me/passkeys",
    permission: "account:self",
    tags: ["Account"],
    summary: "My passkeys",
    responses: { 200: jsonResponse(PasskeyList, "Passkeys"), ...problems() },
  }),
  async (c) => {
    const rows = await listPasskeys(c.env, c.get("principal").id);
    return c.json({ data: rows.map(passkeyBody) }, 200);
  },
);

passkeyRoutes.openapi(
  apiRoute({
    method: "delete",
    path: "/v1/me/passkeys/{id}",
    permission: "account:self",
    tags: ["Account"],
    summary: "Remove one of my passkeys",
    description: "Refused (409) when a position requires two-factor and it is the last second factor left.",
    request: { params: PasskeyIdParam },
    responses: { 204: { description: "Removed" }, ...problems(404, 409) },
  }),
  async (c) => {
    const { user } = await ownAccount(c);
    const id = c.req.valid("param").id;
    const outcome = await removePasskey(c.env, { userId: user.id, id, required: await twoFactorRequired(c.env, user.positions) });
    if (outcome === "not_found") throw notFound("passkey");
    if (outcome === "last_factor") {
      throw new ApiError(409, "two_factor_required", "Conflict", "A position of yours requires two-factor: this is your last second factor, add another before removing it");
    }
    await recordActivity(c, { action: "passkey_removed", actor: { id: user.id, kind: "user", name: user.displayName }, target: user.id, status: 204 });
    return c.body(null, 204);
  },
);

passkeyRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/auth/passkey/options",
    tags: ["Signing in"],
    summary: "Options for signing in with a passkey (pass them to `navigator.credentials.get()`)",
    description: "Without `email` the browser offers the passkeys it holds for this site. The challenge is good for one sign-in within 5 minutes.",
    request: { body: jsonBody(PasskeySignInOptionsBody) },
    responses: { 200: jsonResponse(WebAuthnOptions, "PublicKeyCredentialRequestOptions, JSON-encoded"), ...webhookProblems(403, 413, 415, 422) },
  }),
  async (c) => {
    return c.json(await signInOptions(c, c.req.valid("json")), 200);
  },
);

const REFUSAL_STATUS: Record<PasskeyRefusal["code"], 401 | 422> = {
  challenge: 401,
  verification: 401,
  unknown_passkey: 401,
  inactive: 401,
  counter: 401,
  duplicate: 422,
};

passkeyRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/auth/passkey",
    tags: ["Signing in"],
    summary: "Sign in with a passkey: the browser's answer to the sign-in options",
    description:
      "A passkey checked with user verification is both factors: the answer starts a full session (new cookie). It also completes a sign-in waiting for its second factor.",
    request: { body: jsonBody(PasskeySignInBody) },
    responses: { 200: jsonResponse(SignedIn, "Signed in"), ...webhookProblems(401, 403, 413, 415, 422, 429) },
  }),
  async (c) => {
    const r = await verifyPasskeySignIn(c, c.req.valid("json"));
    if (!r.ok) {
      // An answer to no challenge of ours is junk, not a sign-in attempt: counted per address below, not logged.
      if (r.code !== "challenge") {
        const actor = r.user ? { id: r.user.id, kind: "anonymous" as const, name: r.user.displayName } : { id: null, kind: "anonymous" as const, name: null };
        await recordActivity(c, { action: "sign_in_failed", actor, target: r.user?.id ?? null, status: 401, detail: { method: "passkey", reason: r.code } });
      }
      const wait = await countAuthFailure(c.env, clientIp(c.req.raw.headers));
      if (wait) throw tooManyAuthFailures(wait);
      throw new ApiError(REFUSAL_STATUS[r.code], `passkey_${r.code}`, "Unauthorized", r.detail);
    }
    const pending = await pendingSecondFactor(c);
    const secondStep = pending?.user.id === r.user.id;
    const answer = await signedIn(c, r.user, secondStep ? `${pending.session.method}+passkey` : "passkey");
    const actor = { id: r.user.id, kind: "user" as const, name: r.user.displayName };
    await recordActivity(c, {
      action: secondStep ? "two_factor_passed" : "sign_in",
      actor,
      target: r.user.id,
      status: 200,
      detail: { factor: "passkey", passkey: r.passkey.name },
    });
    return c.json(answer, 200);
  },
);
