/**
 * Staff for tests: a person in D1 (as an accepted invitation leaves them) and
 * a signed-in console session for them, without going through the sign-in
 * routes (their own tests do that). `asPerson` calls the API as a browser
 * would: the session cookie, our Origin, and the CSRF token on writes.
 */
import { exports } from "cloudflare:workers";
import { env } from "./shard-env";
import { directory } from "../src/db/client";
import { sessions, users } from "../src/db/schema";
import { newId, randomToken, sha256Hex } from "../src/lib/ids";
import { ABSOLUTE_MS, SESSION_COOKIE } from "../src/staff/sessions";
import { costOf, hashPassword } from "../src/staff/password";
import { answerOf, api, unique } from "./helpers";

export const ORIGIN = "http://oms.test";

export type TestUser = { id: string; email: string; password: string; displayName: string };

export async function createUser(
  o: {
    positions?: string[];
    storeIds?: string[];
    warehouseIds?: string[];
    password?: string;
    displayName?: string;
    email?: string;
    status?: "invited" | "active" | "deactivated";
  } = {},
): Promise<TestUser> {
  const now = Date.now();
  const email = o.email ?? `${unique("staff")}@staff.example`;
  const password = o.password ?? "correct horse battery staple";
  const displayName = o.displayName ?? `Test ${email.split("@")[0]}`;
  const id = newId("usr", now);
  await directory(env)
    .insert(users)
    .values({
      id,
      email,
      displayName,
      status: o.status ?? "active",
      positions: o.positions ?? ["admin"],
      storeIds: o.storeIds ?? ["*"],
      warehouseIds: o.warehouseIds ?? ["*"],
      passwordHash: o.status === "invited" ? null : await hashPassword(password, costOf(env)),
      passwordChangedAt: o.status === "invited" ? null : now,
      createdBy: "test",
      createdAt: now,
      updatedAt: now,
    });
  return { id, email, password, displayName };
}

/** A custom position (reading orders) that requires two-factor, as an admin sets it up. */
export async function positionRequiringTwoFactor(): Promise<string> {
  const r = await api("/v1/positions", { body: { name: unique("secure"), permissions: ["orders:read"], contact_scope: "pseudonymous", require_two_factor: true } });
  if (r.status !== 201) throw new Error(`position: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id;
}

export type TestSession = { cookie: string; token: string; csrf: string; id: string };

/** A live, fully signed-in session for this person. */
export async function sessionFor(userId: string, stage: "full" | "enrol" | "second_factor" = "full"): Promise<TestSession> {
  const now = Date.now();
  const token = randomToken(43);
  const id = await sha256Hex(token);
  const csrf = randomToken(32);
  await directory(env)
    .insert(sessions)
    .values({
      id,
      userId,
      stage,
      csrfToken: csrf,
      method: "password",
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + ABSOLUTE_MS,
      revokedAt: null,
      revokedReason: null,
      ip: null,
      userAgent: "test",
    });
  return { cookie: `${SESSION_COOKIE}=${token}`, token, csrf, id };
}

type Init = { method?: string; body?: unknown; headers?: Record<string, string>; csrf?: string | null };

/** Calls the API with a session, as the console does. `csrf: null` leaves the token out (to test the refusal). */
export async function asPerson(session: Pick<TestSession, "cookie" | "csrf">, path: string, init: Init = {}) {
  const headers: Record<string, string> = { cookie: session.cookie, origin: ORIGIN, ...init.headers };
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
    headers["content-type"] ??= "application/json";
  }
  const method = init.method ?? (body ? "POST" : "GET");
  const csrf = init.csrf === undefined ? session.csrf : init.csrf;
  if (csrf && method !== "GET" && method !== "HEAD") headers["x-csrf-token"] = csrf;
  return answerOf(await exports.default.fetch(`${ORIGIN}${path}`, { method, headers, body, redirect: "manual" }));
}

/** The session cookie a response set (`Set-Cookie`), as a `cookie` request header value. */
export function cookieFrom(headers: Headers): string | null {
  for (const line of headers.getSetCookie()) {
    const m = new RegExp(`^(${SESSION_COOKIE.replace(/[-]/g, "\\-")}=[^;]*)`).exec(line);
    if (m && !/=;|=$/.test(m[1]!)) return m[1]!;
  }
  return null;
}
