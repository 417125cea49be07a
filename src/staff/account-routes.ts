/**
 * The signed-in person's own account (`account:self`, which every person has
 * and no API key ever does): who am I, signing out (here or everywhere),
 * my name and language, my sessions, my password.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { recordActivity } from "../activity/record";
import type { AppEnv } from "../env";
import { ApiError, forbidden, notFound, validationFailed } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, problems } from "../http/route";
import { iso } from "../orders/serialize";
import { changePassword, endSession, liveSessions, ownRows, updateOwnProfile } from "./account";
import { IDLE_MS, clearSessionCookie, revokeSessions, type SessionRow } from "./sessions";
import { ChangePassword, Me, PasswordChanged, SessionIdParam, SessionList, SessionsEnded, SignedInUser, UpdateMe } from "./sign-in-schemas";
import { signInLocked, userBody } from "./sign-in-routes";

export const accountRoutes = new OpenAPIHono<AppEnv>();

const sessionBody = (s: SessionRow, currentId: string) => ({
  id: s.id,
  current: s.id === currentId,
  stage: s.stage,
  method: s.method,
  created_at: iso(s.createdAt),
  last_seen_at: iso(s.lastSeenAt),
  expires_at: iso(s.expiresAt),
  idle_expires_at: iso(Math.min(s.expiresAt, s.lastSeenAt + IDLE_MS)),
  ip: s.ip,
  user_agent: s.userAgent,
});

async function own(c: Context<AppEnv>) {
  const p = c.get("principal");
  const rows = await ownRows(c.env, p);
  // `account:self` is held only by people with a session; anything else is a bug in the permission table.
  if (!rows) throw forbidden(`${p.name} has no account of its own`);
  return { ...rows, principal: p };
}

const actorOf = (p: AppEnv["Variables"]["principal"]) => ({ id: p.id, kind: "user" as const, name: p.name });

accountRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/me",
    permission: "account:self",
    tags: ["Signing in"],
    summary: "Who am I: the signed-in person, what they may do, and their session",
    description: "For the console: the person, their permissions and scopes, this session's expiry, and the CSRF token its writes carry.",
    responses: { 200: jsonResponse(Me, "The signed-in person"), ...problems() },
  }),
  async (c) => {
    const { user, session, principal } = await own(c);
    const { id: _id, current: _c, ip: _ip, user_agent: _ua, last_seen_at: _seen, ...sessionInfo } = sessionBody(session, session.id);
    c.header("cache-control", "no-store");
    return c.json(
      {
        user: userBody(user),
        permissions: [...principal.permissions].sort(),
        stores: principal.stores === "*" ? ("*" as const) : [...principal.stores],
        warehouses: principal.warehouses === "*" ? ("*" as const) : [...principal.warehouses],
        session: sessionInfo,
        csrf_token: session.csrfToken,
      },
      200,
    );
  },
);

accountRoutes.openapi(
  apiRoute({
    method: "patch",
    path: "/v1/me",
    permission: "account:self",
    tags: ["Signing in"],
    summary: "Change my name or language",
    description:
      "A person's own display name (shown on timelines and reports from now on; the activity log keeps the name each entry had) and language (`en`, `zh-CN`: emails, and the console where the browser has not chosen). Positions, scope and status are changed by someone with `users:manage`.",
    request: { body: jsonBody(UpdateMe) },
    responses: { 200: jsonResponse(SignedInUser, "The person as changed"), ...problems(413, 415) },
  }),
  async (c) => {
    const { user } = await own(c);
    const row = await updateOwnProfile(c.env, user.id, c.req.valid("json"));
    // `own` found an active person a moment ago; a deactivation in between ends the session as well.
    if (!row) throw forbidden("This account is no longer active");
    c.header("cache-control", "no-store");
    return c.json(userBody(row), 200);
  },
);

accountRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/me/sign-out",
    permission: "account:self",
    tags: ["Signing in"],
    summary: "Sign out: end this session",
    description: "Ends the session of the request and clears its cookie. A write like any other: it carries the CSRF token.",
    responses: { 204: { description: "Signed out" }, ...problems() },
  }),
  async (c) => {
    const { user, session, principal } = await own(c);
    await endSession(c.env, user.id, session.id);
    clearSessionCookie(c);
    await recordActivity(c, { action: "sign_out", actor: actorOf(principal), target: user.id, status: 204 });
    return c.body(null, 204);
  },
);

accountRoutes.openapi(
  apiRoute({
    method: "post",
    path: "/v1/me/sign-out-everywhere",
    permission: "account:self",
    tags: ["Signing in"],
    summary: "Sign out everywhere: end every session of this person, this one included",
    description: "Every browser and handheld the person is signed in on is out at its next request.",
    responses: { 200: jsonResponse(SessionsEnded, "The sessions ended"), ...problems() },
  }),
  async (c) => {
    const { user, principal } = await own(c);
    const ended = await revokeSessions(c.env, user.id, "signed_out_everywhere");
    clearSessionCookie(c);
    await recordActivity(c, { action: "sign_out_everywhere", actor: actorOf(principal), target: user.id, status: 200, detail: { sessions_ended: ended } });
    return c.json({ sessions_ended: ended }, 200);
  },
);

accountRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/me/sessions",
    permission: "account:self",
    tags: ["Signing in"],
    summary: "My live sessions: where I am signed in",
    responses: { 200: jsonResponse(SessionList, "The person's live sessions, newest first"), ...problems() },
  }),
  async (c) => {
    const { user, session } = await own(c);
    const rows = await liveSessions(c.env, user.id);
    return c.json({ data: rows.map((s) => sessionBody(s, session.id)) }, 200);
  },
);

accountRoutes.openapi(
  apiRoute({
    method: "delete",
    path: "/v1/me/sessions/{id}",
    permission: "account:self",
    tags: ["Signing in"],
    summary: "End one of my sessions (a handheld left signed in, a browser at home)",
    description: "Ending the session of the request itself also clears its cookie.",
    request: { params: SessionIdParam },
    responses: { 204: { description: "The session is over" }, ...problems(404) },
  }),
  async (c) => {
    const { user, session, principal } = await own(c);
    const id = c.req.valid("param").id;
    if (!(await endSession(c.env, user.id, id))) throw notFound("session");
    if (id === session.id) clearSessionCookie(c);
    await recordActivity(c, { action: "session_ended", actor: actorOf(principal), target: user.id, status: 204, detail: { current: id === session.id } });
    return c.body(null, 204);
  },
);

accountRoutes.openapi(
  apiRoute({
    method: "put",
    path: "/v1/me/password",
    permission: "account:self",
    tags: ["Signing in"],
    summary: "Change my password",
    description:
      "Checks the current password (wrong ones count towards the sign-in lockout), then sets the new one. Every other session of the person ends; this browser gets a new session cookie and CSRF token.",
    request: { body: jsonBody(ChangePassword) },
    responses: { 200: jsonResponse(PasswordChanged, "Changed; this browser's session renewed"), ...problems(413, 415, 422, 429) },
  }),
  async (c) => {
    const r = await changePassword(c, await own(c), c.req.valid("json"));
    if (r.ok) {
      c.header("cache-control", "no-store");
      return c.json({ csrf_token: r.session.csrfToken, sessions_ended: r.sessionsEnded }, 200);
    }
    if (r.code === "locked") throw signInLocked(r.retryAfterMs);
    if (r.code === "weak") throw validationFailed([{ field: "new_password", message: r.problem }]);
    throw new ApiError(422, "current_password_wrong", "The current password is not right", "current_password: is not right", {
      errors: [{ field: "current_password", message: "is not right" }],
    });
  },
);
