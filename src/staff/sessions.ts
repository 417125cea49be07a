/**
 * Console sessions. The browser holds a random token in an HttpOnly, Secure,
 * SameSite=Lax cookie with the `__Host-` prefix (no Domain, Path=/: no
 * sibling host can set or read it); D1 holds the token's SHA-256, so a copy
 * of the table signs no one in.
 *
 * - Every sign-in starts a new session and ends the one the browser came with
 *   (no fixation: a token planted before sign-in is worth nothing after it).
 *   Passing the second factor rotates the token again.
 * - A session ends after IDLE_MS without a request or ABSOLUTE_MS after
 *   sign-in, whichever is first; "sign out everywhere", a password change and
 *   deactivation revoke every session of the person at once. Sessions are
 *   read from D1 on every request (no isolate cache), so a revocation holds
 *   everywhere on the next request.
 * - Writes made with the cookie carry the session's CSRF token in the
 *   `x-csrf-token` header, and a browser's Origin must be ours: a page on
 *   another site can make the browser send the cookie but can read neither
 *   the token nor forge the header.
 */
import { and, eq, isNull, ne } from "drizzle-orm";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { directory } from "../db/client";
import { sessions, users, type SESSION_STAGES } from "../db/schema";
import type { AppEnv, ShardEnv } from "../env";
import type { Principal } from "../http/auth";
import { clientIp } from "../http/rate-limit";
import { randomToken, sha256Hex } from "../lib/ids";
import { resolveAccess } from "../positions/grants";

export const SESSION_COOKIE = "__Host-oms_session";
/** A session unused this long is over. A shift's breaks fit inside it; a handheld left in a locker overnight does not. */
export const IDLE_MS = 2 * 60 * 60 * 1000;
/** However busy, a session lasts at most one long shift. */
export const ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/** Password given, second factor owed: this long to give it. */
export const SECOND_FACTOR_MS = 5 * 60 * 1000;
/** `last_seen_at` is written at most this often, so a busy console does not write on every read. */
const TOUCH_MS = 60 * 1000;

export type SessionStage = (typeof SESSION_STAGES)[number];
export type SessionRow = typeof sessions.$inferSelect;
export type UserRow = typeof users.$inferSelect;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function sessionToken(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

function writeCookie(c: Context, token: string, maxAgeMs: number): void {
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, secure: true, sameSite: "Lax", path: "/", maxAge: Math.floor(maxAgeMs / 1000) });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true });
}

/**
 * Starts a session for this person and sets its cookie; the session the
 * browser came with, if any, is revoked in the same batch. Returns the new
 * row (its CSRF token goes in the answer's body).
 */
export async function startSession(c: Context<AppEnv>, opts: { userId: string; stage: SessionStage; method: string }): Promise<SessionRow> {
  const now = Date.now();
  const token = randomToken(43);
  const row: SessionRow = {
    id: await sha256Hex(token),
    userId: opts.userId,
    stage: opts.stage,
    csrfToken: randomToken(32),
    method: opts.method,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: now + (opts.stage === "second_factor" ? SECOND_FACTOR_MS : ABSOLUTE_MS),
    revokedAt: null,
    revokedReason: null,
    secondFactorFailures: 0,
    ip: clientIp(c.req.raw.headers),
    userAgent: c.req.header("user-agent")?.slice(0, 300) ?? null,
  };
  const db = directory(c.env);
  const previous = sessionToken(c);
  const insert = db.insert(sessions).values(row);
  if (previous) {
    const revoke = db
      .update(sessions)
      .set({ revokedAt: now, revokedReason: "replaced" })
      .where(and(eq(sessions.id, await sha256Hex(previous)), isNull(sessions.revokedAt)));
    await db.batch([revoke, insert]);
  } else {
    await insert;
  }
  writeCookie(c, token, row.expiresAt - now);
  return row;
}

/** The session this browser presents, with its person, if it is live (not revoked, not expired, the person active). */
export async function currentSession(env: ShardEnv, token: string | undefined, now = Date.now()): Promise<{ session: SessionRow; user: UserRow } | null> {
  if (!token || token.length > 200) return null;
  const found = await directory(env)
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, await sha256Hex(token)))
    .get();
  if (!found) return null;
  const { session, user } = found;
  if (session.revokedAt !== null || session.expiresAt <= now || now - session.lastSeenAt >= IDLE_MS || user.status !== "active") return null;
  return found;
}

/** Revokes this person's sessions (all, or all but one), at once. Returns how many were still unrevoked. */
export async function revokeSessions(env: ShardEnv, userId: string, reason: string, opts: { except?: string } = {}): Promise<number> {
  const db = directory(env);
  const live = and(eq(sessions.userId, userId), isNull(sessions.revokedAt));
  const result = await db
    .update(sessions)
    .set({ revokedAt: Date.now(), revokedReason: reason })
    .where(opts.except ? and(live, ne(sessions.id, opts.except)) : live);
  return result.meta.changes;
}

/** Is this write from our own pages? The Origin a browser sends must be ours (absent: not a browser's cross-site request). */
export function sameOrigin(c: Context): boolean {
  const origin = c.req.header("origin");
  if (origin && origin !== new URL(c.req.url).origin) return false;
  const site = c.req.header("sec-fetch-site");
  return !site || site === "same-origin" || site === "none";
}

function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export type SessionAuth = { ok: true; principal: Principal; user: UserRow; stage: SessionStage } | { ok: false; code: string; detail: string };

/**
 * The person behind the session cookie, for the API's `authenticate`. A
 * session that still owes its second factor opens nothing; one that must
 * enrol two-factor opens only the person's own account (`account:self`).
 * The API reads the CSRF token from `x-csrf-token`; the console's HTML forms
 * send it as a form field and pass it in.
 */
export async function sessionPrincipal(c: Context<AppEnv>, csrfToken = c.req.header("x-csrf-token")): Promise<SessionAuth> {
  const now = Date.now();
  const live = await currentSession(c.env, sessionToken(c), now);
  if (!live) return { ok: false, code: "session_expired", detail: "The session has ended: sign in again" };
  const { session, user } = live;
  if (session.stage === "second_factor") return { ok: false, code: "two_factor_required", detail: "Give the second factor to finish signing in" };
  if (!SAFE_METHODS.has(c.req.method)) {
    const token = csrfToken ?? "";
    if (!sameOrigin(c) || !timingSafeEqual(token, session.csrfToken)) {
      return { ok: false, code: "csrf_failed", detail: "A write with the session cookie needs the session's CSRF token in `x-csrf-token`, from our own pages" };
    }
  }
  if (now - session.lastSeenAt >= TOUCH_MS) {
    const touch = directory(c.env).update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, session.id));
    c.executionCtx.waitUntil(touch.then(() => undefined));
  }
  const access =
    session.stage === "enrol"
      ? { positions: user.positions, permissions: new Set(["account:self"] as const), contactScope: "pseudonymous" as const, insider: true }
      : await resolveAccess(c.env, user.positions);
  const permissions = new Set(access.permissions);
  permissions.add("account:self");
  return {
    ok: true,
    principal: {
      id: user.id,
      kind: "user",
      name: user.displayName,
      ...access,
      permissions,
      // An enrolling session acts for no store until two-factor is set up.
      stores: session.stage === "enrol" ? [] : user.storeIds.includes("*") ? "*" : user.storeIds,
      warehouses: session.stage === "enrol" ? [] : user.warehouseIds.includes("*") ? "*" : user.warehouseIds,
      session: { id: session.id, csrfToken: session.csrfToken },
    },
    user,
    stage: session.stage,
  };
}
