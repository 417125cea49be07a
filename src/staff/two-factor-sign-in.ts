/**
 * The second step of signing in: a session that owes its second factor
 * (stage `second_factor`, from the password step) gives a TOTP code or a
 * recovery code and becomes a full session under a new token.
 *
 * Invariants:
 * - Each code counts once (src/staff/two-factor-store.ts): of two requests
 *   with the same code, one is signed in and the other refused.
 * - MAX_FAILURES wrong codes end the session: guessing a 6-digit code needs
 *   a password per five guesses. Failures also count against the client's
 *   address like any failed authentication (src/http/rate-limit.ts).
 * - The route is public (/v1/auth/*) and reads the cookie itself; a browser
 *   on another site is refused before anything is counted.
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Context } from "hono";
import { recordActivity } from "../activity/record";
import { directory } from "../db/client";
import { sessions } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError } from "../http/problem";
import { clientIp, countAuthFailure, tooManyAuthFailures } from "../http/rate-limit";
import { jsonBody, jsonResponse, webhookProblems } from "../http/route";
import { clearSessionCookie, currentSession, type SessionRow, sessionToken, type UserRow } from "./sessions";
import { signedIn } from "./two-factor-session";
import { SecondStepBody, SignedIn } from "./two-factor-schemas";
import { acceptTotpCode, spendRecoveryCode } from "./two-factor-store";

/** Wrong codes one session may give; the next sign-in starts from the password again. */
export const MAX_FAILURES = 5;

const unauthorized = (code: string, detail: string) => new ApiError(401, code, "Unauthorized", detail);

/** The session owing its second factor that this browser presents, or a 401. Shared with the passkey step. */
export async function pendingSecondFactor(c: Context<AppEnv>): Promise<{ session: SessionRow; user: UserRow } | null> {
  const live = await currentSession(c.env, sessionToken(c));
  return live && live.session.stage === "second_factor" ? live : null;
}

/** Counts a wrong code on the session; the MAX_FAILURES-th ends it. Returns whether the session is over. */
async function countFailure(c: Context<AppEnv>, session: SessionRow): Promise<boolean> {
  const db = directory(c.env);
  const row = await db
    .update(sessions)
    .set({ secondFactorFailures: sql`${sessions.secondFactorFailures} + 1` })
    .where(eq(sessions.id, session.id))
    .returning({ failures: sessions.secondFactorFailures })
    .get();
  if ((row?.failures ?? MAX_FAILURES) < MAX_FAILURES) return false;
  await db
    .update(sessions)
    .set({ revokedAt: Date.now(), revokedReason: "two_factor_failures" })
    .where(and(eq(sessions.id, session.id), isNull(sessions.revokedAt)));
  clearSessionCookie(c);
  return true;
}

export const twoFactorSignInRoutes = new OpenAPIHono<AppEnv>();

twoFactorSignInRoutes.openapi(
  createRoute({
    method: "post",
    path: "/v1/auth/two-factor",
    tags: ["Signing in"],
    summary: "Second step of signing in: a code from the authenticator app, or a recovery code",
    description: `Needs the session cookie of the password step (stage \`second_factor\`). On success the session is replaced by a full one (new cookie). ${MAX_FAILURES} wrong codes end the session: sign in again.`,
    request: { body: jsonBody(SecondStepBody) },
    responses: { 200: jsonResponse(SignedIn, "Signed in"), ...webhookProblems(401, 403, 413, 415, 422, 429) },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const pending = await pendingSecondFactor(c);
    if (!pending) throw unauthorized("session_expired", "No sign-in is waiting for a second factor: sign in again");
    const { session, user } = pending;
    const ok = body.code !== undefined ? await acceptTotpCode(c.env, user, body.code) : await spendRecoveryCode(c.env, user.id, body.recovery_code!);
    const actor = { id: user.id, kind: "user" as const, name: user.displayName };
    const factor = body.code !== undefined ? "totp" : "recovery_code";
    if (!ok) {
      const ended = await countFailure(c, session);
      await recordActivity(c, { action: "two_factor_failed", actor, target: user.id, status: 401, detail: { factor, session_ended: ended } });
      const wait = await countAuthFailure(c.env, clientIp(c.req.raw.headers));
      if (wait) throw tooManyAuthFailures(wait);
      throw ended
        ? unauthorized("too_many_attempts", `${MAX_FAILURES} wrong codes: this sign-in is over, sign in again`)
        : unauthorized("invalid_code", "The code is wrong, expired or already used");
    }
    const answer = await signedIn(c, user, `${session.method}+${factor === "totp" ? "totp" : "recovery"}`);
    await recordActivity(c, { action: factor === "totp" ? "two_factor_passed" : "recovery_code_used", actor, target: user.id, status: 200, detail: { factor } });
    return c.json(answer, 200);
  },
);
