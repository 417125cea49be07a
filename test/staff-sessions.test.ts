/**
 * A signed-in person's sessions: who am I, idle and absolute expiry, signing
 * out here or everywhere, listing and ending sessions, a password change
 * that renews this session and ends the others, deactivation, CSRF on every
 * cookie write, and keys refused the person's own routes.
 */
import { exports } from "cloudflare:workers";
import { env } from "./shard-env";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { directory } from "../src/db/client";
import { activityLog, sessions, users } from "../src/db/schema";
import { IDLE_MS } from "../src/staff/sessions";
import { api } from "./helpers";
import { asPerson, cookieFrom, createUser, ORIGIN, sessionFor, type TestSession } from "./staff-helpers";

const db = directory(env);
const sessionRow = (id: string) => db.select().from(sessions).where(eq(sessions.id, id)).get();
const alive = async (s: Pick<TestSession, "cookie" | "csrf">) => (await asPerson(s, "/v1/me")).status === 200;

async function signIn(email: string, password: string) {
  const res = await exports.default.fetch(`${ORIGIN}/v1/auth/sign-in`, {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  const body: any = await res.json();
  return { status: res.status, session: { cookie: cookieFrom(res.headers)!, csrf: body.csrf_token as string } };
}

describe("who am I", () => {
  it("gives the person, their permissions and scopes, this session and its CSRF token", async () => {
    const person = await createUser({ positions: ["picker", "packer"], storeIds: ["st_1"], warehouseIds: ["wh_1"] });
    const s = await sessionFor(person.id);
    const r = await asPerson(s, "/v1/me");
    expect(r.status).toBe(200);
    expect(r.headers.get("cache-control")).toBe("no-store");
    expect(r.body.user).toEqual({
      id: person.id,
      email: person.email,
      display_name: person.displayName,
      positions: ["picker", "packer"],
      store_ids: ["st_1"],
      warehouse_ids: ["wh_1"],
      locale: "en",
    });
    expect(r.body.permissions).toContain("account:self");
    expect(r.body.permissions).toEqual([...r.body.permissions].sort());
    expect(r.body.stores).toEqual(["st_1"]);
    expect(r.body.warehouses).toEqual(["wh_1"]);
    expect(r.body.csrf_token).toBe(s.csrf);
    expect(r.body.session).toMatchObject({ method: "password", stage: "full" });
    const { created_at, expires_at, idle_expires_at } = r.body.session;
    expect(Date.parse(expires_at) - Date.parse(created_at)).toBe(12 * 60 * 60 * 1000);
    expect(Date.parse(idle_expires_at) - Date.parse(created_at)).toBe(2 * 60 * 60 * 1000);
  });
});

describe("session expiry", () => {
  it("ends a session unused for two hours", async () => {
    const s = await sessionFor((await createUser()).id);
    await db
      .update(sessions)
      .set({ lastSeenAt: Date.now() - IDLE_MS + 60_000 })
      .where(eq(sessions.id, s.id));
    expect(await alive(s)).toBe(true);
    await db
      .update(sessions)
      .set({ lastSeenAt: Date.now() - IDLE_MS - 1 })
      .where(eq(sessions.id, s.id));
    const r = await asPerson(s, "/v1/me");
    expect(r.status).toBe(401);
    expect(r.body.code).toBe("session_expired");
  });

  it("keeps a used session going, by moving its last use on", async () => {
    const s = await sessionFor((await createUser()).id);
    const earlier = Date.now() - 30 * 60_000;
    await db.update(sessions).set({ lastSeenAt: earlier }).where(eq(sessions.id, s.id));
    expect(await alive(s)).toBe(true);
    // The touch is written after the answer (waitUntil): wait for it.
    let seen = earlier;
    for (let i = 0; i < 50 && seen === earlier; i++) {
      await new Promise((r) => setTimeout(r, 20));
      seen = (await sessionRow(s.id))!.lastSeenAt;
    }
    expect(seen).toBeGreaterThan(earlier);
  });

  it("ends a session twelve hours after sign-in however busy it is", async () => {
    const s = await sessionFor((await createUser()).id);
    await db
      .update(sessions)
      .set({ expiresAt: Date.now() - 1 })
      .where(eq(sessions.id, s.id));
    const r = await asPerson(s, "/v1/me");
    expect(r.status).toBe(401);
    expect(r.body.code).toBe("session_expired");
  });

  it("ends every session of a person who is deactivated, at once", async () => {
    const person = await createUser();
    const a = await sessionFor(person.id);
    const b = await sessionFor(person.id);
    expect(await alive(a)).toBe(true);
    await db.update(users).set({ status: "deactivated" }).where(eq(users.id, person.id));
    expect(await alive(a)).toBe(false);
    expect(await alive(b)).toBe(false);
  });
});

describe("signing out", () => {
  it("ends this session and clears its cookie; other sessions go on", async () => {
    const person = await createUser();
    const here = await signIn(person.email, person.password);
    const elsewhere = await sessionFor(person.id);
    const res = await exports.default.fetch(`${ORIGIN}/v1/me/sign-out`, {
      method: "POST",
      headers: { cookie: here.session.cookie, origin: ORIGIN, "x-csrf-token": here.session.csrf },
    });
    expect(res.status).toBe(204);
    const cleared = res.headers.getSetCookie()[0]!;
    expect(cleared).toMatch(/^__Host-oms_session=;/);
    expect(cleared.toLowerCase()).toContain("max-age=0");
    expect(cleared.toLowerCase()).toContain("secure");
    expect(await alive(here.session)).toBe(false);
    expect(await alive(elsewhere)).toBe(true);
    const log = await db.select().from(activityLog).where(eq(activityLog.target, person.id)).all();
    expect(log.map((e) => e.action)).toEqual(["sign_in", "sign_out"]);
  });

  it("everywhere: every session of the person ends at once, this one included", async () => {
    const person = await createUser();
    const other = await createUser();
    const mine = [await sessionFor(person.id), await sessionFor(person.id), await sessionFor(person.id)];
    const theirs = await sessionFor(other.id);
    const r = await asPerson(mine[0]!, "/v1/me/sign-out-everywhere", { method: "POST" });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ sessions_ended: 3 });
    expect(r.headers.getSetCookie()[0]).toMatch(/^__Host-oms_session=;/);
    for (const s of mine) expect(await alive(s)).toBe(false);
    expect(await alive(theirs)).toBe(true);
    expect((await sessionRow(mine[2]!.id))!.revokedReason).toBe("signed_out_everywhere");
  });
});

describe("my sessions", () => {
  it("lists the person's live sessions, marks this one, and ends another", async () => {
    const person = await createUser();
    const here = await sessionFor(person.id);
    const there = await sessionFor(person.id);
    const expired = await sessionFor(person.id);
    await db
      .update(sessions)
      .set({ expiresAt: Date.now() - 1 })
      .where(eq(sessions.id, expired.id));
    const someoneElse = await sessionFor((await createUser()).id);

    const list = await asPerson(here, "/v1/me/sessions");
    expect(list.status).toBe(200);
    expect(list.body.data.map((s: any) => s.id).sort()).toEqual([here.id, there.id].sort());
    const current = list.body.data.find((s: any) => s.id === here.id);
    expect(current).toMatchObject({ current: true, method: "password", stage: "full", user_agent: "test", ip: null });
    expect(list.body.data.find((s: any) => s.id === there.id).current).toBe(false);

    const ended = await asPerson(here, `/v1/me/sessions/${there.id}`, { method: "DELETE" });
    expect(ended.status).toBe(204);
    expect(ended.headers.getSetCookie()).toEqual([]);
    expect(await alive(there)).toBe(false);
    expect(await alive(here)).toBe(true);
    expect((await sessionRow(there.id))!.revokedReason).toBe("ended_by_user");

    // Someone else's session, one already over, or no session at all: not found, and nothing changes.
    for (const id of [someoneElse.id, there.id, "0".repeat(64)]) {
      const r = await asPerson(here, `/v1/me/sessions/${id}`, { method: "DELETE" });
      expect(r.status).toBe(404);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
    }
    expect(await alive(someoneElse)).toBe(true);
    const bad = await asPerson(here, "/v1/me/sessions/not-a-session", { method: "DELETE" });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("invalid_parameters");
  });

  it("ending this very session signs out", async () => {
    const person = await createUser();
    const here = await sessionFor(person.id);
    const r = await asPerson(here, `/v1/me/sessions/${here.id}`, { method: "DELETE" });
    expect(r.status).toBe(204);
    expect(r.headers.getSetCookie()[0]).toMatch(/^__Host-oms_session=;/);
    expect(await alive(here)).toBe(false);
  });
});

describe("changing my password", () => {
  const next = "a brand new passphrase";

  it("renews this session, ends every other, and the new password is the one that signs in", async () => {
    const person = await createUser();
    const here = await signIn(person.email, person.password);
    const other = await sessionFor(person.id);
    const r = await asPerson(here.session, "/v1/me/password", { method: "PUT", body: { current_password: person.password, new_password: next } });
    expect(r.status).toBe(200);
    expect(r.body.sessions_ended).toBe(1);
    const renewed = { cookie: cookieFrom(r.headers)!, csrf: r.body.csrf_token as string };
    expect(renewed.cookie).not.toBe(here.session.cookie);
    expect(renewed.csrf).not.toBe(here.session.csrf);
    expect(await alive(here.session)).toBe(false);
    expect(await alive(other)).toBe(false);
    expect(await alive(renewed)).toBe(true);
    // The renewed session writes with its new CSRF token.
    expect((await asPerson(renewed, "/v1/me/sign-out", { method: "POST" })).status).toBe(204);

    expect((await signIn(person.email, person.password)).status).toBe(401);
    expect((await signIn(person.email, next)).status).toBe(200);
    const row = await db.select().from(users).where(eq(users.id, person.id)).get();
    expect(row!.passwordChangedAt).toBeGreaterThan(Date.now() - 60_000);
    const log = await db.select().from(activityLog).where(eq(activityLog.target, person.id)).all();
    expect(log.map((e) => e.action)).toContain("password_changed");
    expect(JSON.stringify(log)).not.toContain(next);
  });

  it("refuses a wrong current password (counted towards the lockout) or a weak new one, and changes nothing", async () => {
    const person = await createUser();
    const s = await sessionFor(person.id);
    const other = await sessionFor(person.id);
    const before = (await db.select().from(users).where(eq(users.id, person.id)).get())!.passwordHash;
    const cases: [unknown, number, string][] = [
      [{ current_password: "not my password", new_password: next }, 422, "current_password_wrong"],
      [{ current_password: person.password, new_password: "short" }, 422, "validation_failed"],
      [{ current_password: person.password, new_password: person.password }, 422, "validation_failed"],
      [{ current_password: person.password, new_password: `${person.email.split("@")[0]} is me` }, 422, "validation_failed"],
      [{ current_password: person.password }, 422, "validation_failed"],
      [{ current_password: person.password, new_password: "x".repeat(257) }, 422, "validation_failed"],
      ["not json", 400, "malformed_json"],
    ];
    for (const [body, status, code] of cases) {
      const r = await asPerson(s, "/v1/me/password", { method: "PUT", body });
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.body.code, JSON.stringify(body)).toBe(code);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
    }
    const after = await db.select().from(users).where(eq(users.id, person.id)).get();
    expect(after!.passwordHash).toBe(before);
    expect(await alive(s)).toBe(true);
    expect(await alive(other)).toBe(true);
  });

  it("is locked with sign-in after repeated wrong current passwords", async () => {
    const person = await createUser();
    const s = await sessionFor(person.id);
    for (let i = 0; i < 6; i++) {
      expect((await asPerson(s, "/v1/me/password", { method: "PUT", body: { current_password: "not my password", new_password: next } })).status).toBe(422);
    }
    const locked = await asPerson(s, "/v1/me/password", { method: "PUT", body: { current_password: person.password, new_password: next } });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe("sign_in_locked");
    expect((await signIn(person.email, person.password)).status).toBe(429);
  });
});

describe("CSRF on the person's own writes", () => {
  it("refuses a write without the token, with a wrong one, or from another site, and writes nothing; reads need no token", async () => {
    const person = await createUser();
    const s = await sessionFor(person.id);
    const other = await sessionFor(person.id);
    const refused: { csrf?: string | null; headers?: Record<string, string> }[] = [
      { csrf: null },
      { csrf: "x".repeat(32) },
      { headers: { origin: "https://evil.example" } },
      { headers: { "sec-fetch-site": "cross-site" } },
    ];
    for (const init of refused) {
      for (const [method, path] of [
        ["POST", "/v1/me/sign-out-everywhere"],
        ["POST", "/v1/me/sign-out"],
        ["DELETE", `/v1/me/sessions/${other.id}`],
      ] as const) {
        const r = await asPerson(s, path, { method, ...init });
        expect(r.status, `${method} ${path} ${JSON.stringify(init)}`).toBe(401);
        expect(r.body.code).toBe("csrf_failed");
      }
      const pw = await asPerson(s, "/v1/me/password", { method: "PUT", body: { current_password: person.password, new_password: "a brand new passphrase" }, ...init });
      expect(pw.body.code).toBe("csrf_failed");
      const me = await asPerson(s, "/v1/me", { method: "PATCH", body: { display_name: "Mallory" }, ...init });
      expect(me.body.code).toBe("csrf_failed");
    }
    expect(await alive(s)).toBe(true);
    expect(await alive(other)).toBe(true);
    expect((await asPerson(s, "/v1/me/sessions", { csrf: null })).status).toBe(200);
    const hash = (await db.select().from(users).where(eq(users.id, person.id)).get())!.passwordHash;
    expect((await signIn(person.email, person.password)).status).toBe(200);
    expect(hash).toMatch(/^scrypt\$/);
    expect((await db.select().from(users).where(eq(users.id, person.id)).get())!.displayName).toBe(person.displayName);
  });
});

describe("my name and language", () => {
  it("a person changes their own display name and language; the next request knows them by it", async () => {
    const person = await createUser({ positions: ["picker"] });
    const s = await sessionFor(person.id);
    const before = (await db.select().from(users).where(eq(users.id, person.id)).get())!;
    const r = await asPerson(s, "/v1/me", { method: "PATCH", body: { display_name: "  Pat Picker-Chen ", locale: "zh-CN" } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: person.id, display_name: "Pat Picker-Chen", locale: "zh-CN", positions: ["picker"] });
    const row = (await db.select().from(users).where(eq(users.id, person.id)).get())!;
    expect(row.version).toBe(before.version + 1);
    expect((await asPerson(s, "/v1/me")).body.user).toMatchObject({ display_name: "Pat Picker-Chen", locale: "zh-CN" });
    // Only the name: the language stays.
    expect((await asPerson(s, "/v1/me", { method: "PATCH", body: { display_name: "Pat" } })).body.locale).toBe("zh-CN");
  });

  it("refuses an empty change, an unknown language, a blank or long name, and anything that is not theirs to change; nothing is written", async () => {
    const person = await createUser({ positions: ["picker"], storeIds: ["st_1"] });
    const s = await sessionFor(person.id);
    const before = (await db.select().from(users).where(eq(users.id, person.id)).get())!;
    for (const body of [
      {},
      { locale: "fr" },
      { display_name: "   " },
      { display_name: "x".repeat(101) },
      { positions: ["admin"] },
      { store_ids: ["*"] },
      { status: "deactivated" },
      { display_name: 7 },
    ]) {
      const r = await asPerson(s, "/v1/me", { method: "PATCH", body });
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
      expect(r.body.code).toBe("validation_failed");
    }
    expect(await db.select().from(users).where(eq(users.id, person.id)).get()).toEqual(before);
  });
});

describe("API keys", () => {
  it("are refused the person's own routes: a key has no account", async () => {
    const someSession = "0".repeat(64);
    for (const [method, path, body] of [
      ["GET", "/v1/me", undefined],
      ["POST", "/v1/me/sign-out", undefined],
      ["POST", "/v1/me/sign-out-everywhere", undefined],
      ["GET", "/v1/me/sessions", undefined],
      ["DELETE", `/v1/me/sessions/${someSession}`, undefined],
      ["PUT", "/v1/me/password", { current_password: "x", new_password: "a brand new passphrase" }],
      ["PATCH", "/v1/me", { locale: "zh-CN" }],
    ] as const) {
      const r = await api(path, { method, body });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body.code).toBe("forbidden");
    }
  });
});
