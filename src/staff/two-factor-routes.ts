/**
 * A person's own TOTP and recovery codes (/v1/me/...): `account:self`, which
 * every session has (an enrolling one nothing else) and no key ever does.
 * The secret and the recovery codes are shown once, in the answer that
 * creates them.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { iso } from "../orders/serialize";
import { recordActivity } from "../activity/record";
import { costOf, verifyPassword } from "./password";
import { listPasskeys } from "./passkeys";
import { twoFactorRequired } from "./stage";
import { finishEnrolment, ownAccount } from "./two-factor-session";
import { CodeBody, DisableTotpBody, RecoveryCodes, TotpEnrolment, TwoFactorStatus } from "./two-factor-schemas";
import { acceptTotpCode, confirmTotp, disableTotp, replaceRecoveryCodes, startTotpEnrolment, unusedRecoveryCodes } from "./two-factor-store";
import type { UserRow } from "./sessions";

export const twoFactorRoutes = new OpenAPIHono<AppEnv>();

const conflict = (code: string, detail: string) => new ApiError(409, code, "Conflict", detail);
const wrongCode = () => new ApiError(422, "invalid_code", "Unprocessable Content", "The code is wrong, expired or already used");

async function statusOf(c: Context<AppEnv>, user: UserRow) {
  const [left, keys, required] = await Promise.all([unusedRecoveryCodes(c.env, user.id), listPasskeys(c.env, user.id), twoFactorRequired(c.env, user.positions)]);
  return {
    totp_enabled: user.totpEnabledAt !== null,
    totp_enabled_at: user.totpEnabledAt === null ? null : iso(user.totpEnabledAt),
    recovery_codes_left: left,
    passkeys: keys.length,
    required,
  };
}

const self = (c: Context<AppEnv>) => ({ id: c.get("principal").id, kind: "user" as const, name: c.get("principal").name });

twoFactorRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/me/two-factor",
    permission: "account:self",
    tags: ["Account"],
    summary: "My second factors: whether TOTP is on, recovery codes left, whether a position requires two-factor",
    responses: { 200: jsonResponse(TwoFactorStatus, "Second factors"), ...problems() },
  }),
  async (c) => {
    const { user } = await ownAccount(c);
    return c.json(await statusOf(c, user), 200);
  },
);

twoFactorRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/me/two-factor/totp",
    permission: "account:self",
    tags: ["Account"],
    summary: "Start setting up an authenticator app (TOTP): a new secret, shown once",
    description: "TOTP is not on until a first code is confirmed (`POST /v1/me/two-factor/totp/confirm`). Starting again replaces a pending secret.",
    responses: { 201: jsonResponse(TotpEnrolment, "The secret and the URI to show as a QR code"), ...problems(409) },
  }),
  async (c) => {
    const { user } = await ownAccount(c);
    if (user.totpEnabledAt !== null) throw conflict("totp_enabled", "An authenticator app is already set up: turn it off first to set up another");
    const { secret, uri } = await startTotpEnrolment(c.env, user);
    return c.json({ secret, otpauth_uri: uri }, 201);
  },
);

twoFactorRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/me/two-factor/totp/confirm",
    permission: "account:self",
    tags: ["Account"],
    summary: "Turn the authenticator app on with its first code; returns 10 recovery codes, shown once",
    description:
      "When this session was only allowed to set up two-factor (a position requires it), it is replaced by a full session: a new cookie, and `session.csrf_token` for the console's writes.",
    request: { body: jsonBody(CodeBody) },
    responses: { 200: jsonResponse(RecoveryCodes, "TOTP is on"), ...problems(409, 415, 422) },
  }),
  async (c) => {
    const { session, user } = await ownAccount(c);
    if (user.totpEnabledAt !== null) throw conflict("totp_enabled", "The authenticator app is already on");
    if (!user.totpSecret) throw conflict("no_enrolment", "Start with `POST /v1/me/two-factor/totp`");
    if (!(await confirmTotp(c.env, user, c.req.valid("json").code))) throw wrongCode();
    const codes = await replaceRecoveryCodes(c.env, user.id);
    const next = await finishEnrolment(c, session);
    await recordActivity(c, { action: "two_factor_enabled", actor: self(c), target: user.id, status: 200, detail: { factor: "totp" } });
    return c.json({ recovery_codes: codes, ...(next ? { session: next } : {}) }, 200);
  },
);

twoFactorRoutes.openapi(
  apiRoute({
    method: "delete",
    path: "/v1/me/two-factor/totp",
    permission: "account:self",
    tags: ["Account"],
    summary: "Turn the authenticator app off (with the password or a current code); the recovery codes stop working",
    description: "Refused (409) when a position requires two-factor and no passkey would remain.",
    request: { body: jsonBody(DisableTotpBody) },
    responses: { 200: jsonResponse(TwoFactorStatus, "TOTP is off"), ...problems(409, 415, 422) },
  }),
  async (c) => {
    const { user } = await ownAccount(c);
    if (user.totpEnabledAt === null) throw conflict("totp_not_enabled", "No authenticator app is set up");
    const body = c.req.valid("json");
    const proven =
      body.password !== undefined
        ? !!user.passwordHash && (await verifyPassword(body.password, user.passwordHash, costOf(c.env))).ok
        : await acceptTotpCode(c.env, user, body.code!);
    if (!proven) throw new ApiError(422, "wrong_proof", "Unprocessable Content", "The password or code is wrong");
    const required = await twoFactorRequired(c.env, user.positions);
    if (!(await disableTotp(c.env, user.id, { required }))) {
      throw conflict("two_factor_required", "A position of yours requires two-factor: add a passkey before turning the authenticator app off");
    }
    await recordActivity(c, { action: "two_factor_disabled", actor: self(c), target: user.id, status: 200, detail: { factor: "totp" } });
    return c.json(await statusOf(c, { ...user, totpEnabledAt: null }), 200);
  },
);

twoFactorRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/me/recovery-codes",
    permission: "account:self",
    tags: ["Account"],
    summary: "New recovery codes (with a current code); the old ones stop working",
    request: { body: jsonBody(CodeBody) },
    responses: { 200: jsonResponse(RecoveryCodes, "The new codes, shown once"), ...problems(409, 415, 422) },
  }),
  async (c) => {
    const { user } = await ownAccount(c);
    if (user.totpEnabledAt === null) throw conflict("totp_not_enabled", "Recovery codes come with an authenticator app: set one up first");
    if (!(await acceptTotpCode(c.env, user, c.req.valid("json").code))) throw wrongCode();
    const codes = await replaceRecoveryCodes(c.env, user.id);
    await recordActivity(c, { action: "recovery_codes_replaced", actor: self(c), target: user.id, status: 200 });
    return c.json({ recovery_codes: codes }, 200);
  },
);
