/**
 * Signing in with email and password: the session cookie and what it opens,
 * no fixation, one answer for every wrong email or password, the
 * progressive lockout per address (known or not), the per-address limit,
 * login CSRF, and bad bodies.
 */
import { exports } from "cloudflare:workers";
import { env } from "./shard-env";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { directory } from "../src/db/client";
import { activityLog, positions, sessions, signInThrottle, users } from "../src/db/schema";
import { sha256Hex } from "../src/lib/ids";
import { throttleSubject } from "../src/staff/lockout";
import { hashPassword } from "../src/staff/password";
import { unique } from "./helpers";
import { asPerson, cookieFrom, createUser, ORIGIN, sessionFor } from "./staff-helpers";

const db = directory(env);

async function signIn(body: unknown, headers: Record<string, string> = {}) {
  const res = await exports.default.fetch(`${ORIGIN}/v1/auth/sign-in`, {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
    redirect: "manual",
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, body: json };
}

/** What a client can see of an answer, to compare two answers for equality. */
const visible = (r: Awaited<ReturnType<typeof signIn>>) => ({
  status: r.status,
  body: r.body,
  headers: [...r.headers].filter(([k]) => k !== "date" && k !== "x-request-id" && k !== "content-length"),
});

const unknownEmail = () => `${unique("nobody")}@staff.example`;
const throttleOf = (email: string) =>
  db
    .select()
    .from(signInThrottle)
    .where(eq(signInThrottle.subject, throttleSubject(env, email)))
    .get();
const activityFor = (userId: string) => db.select().from(activityLog).where(eq(activityLog.target, userId)).all();

describe("signing in with a password", () => {
  it("sets a __Host- session cookie (HttpOnly, Secure, SameSite=Lax, Path=/, 12 h) that the API accepts", async () => {
    const person = await createUser({ positions: ["auditor"], storeIds: ["st_a"], warehouseIds: ["wh_a"] });
    const r = await signIn({ email: person.email, password: person.password });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      stage: "full",
      user: { id: person.id, email: person.email, display_name: person.displayName, positions: ["auditor"], store_ids: ["st_a"], warehouse_ids: ["wh_a"], locale: "en" },
    });
    expect(r.body.csrf_token).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(r.headers.get("cache-control")).toBe("no-store");
    const [line] = r.headers.getSetCookie();
    expect(line).toMatch(/^__Host-oms_session=[A-Za-z0-9]{43};/);
    const attrs = line!.split(";").map((a) => a.trim().toLowerCase());
    expect(attrs).toEqual(expect.arrayContaining(["httponly", "secure", "samesite=lax", "path=/", "max-age=43200"]));
    expect(attrs.some((a) => a.startsWith("domain"))).toBe(false);

    const cookie = cookieFrom(r.headers)!;
    const me = await asPerson({ cookie, csrf: r.body.csrf_token }, "/v1/me");
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(person.id);
    expect(me.body.session.method).toBe("password");

    const row = await db.select().from(users).where(eq(users.id, person.id)).get();
    expect(row!.lastSignInAt).toBeGreaterThan(Date.now() - 60_000);
    const log = await activityFor(person.id);
    expect(log.map((e) => e.action)).toEqual(["sign_in"]);
    expect(log[0]).toMatchObject({ actorId: person.id, actorKind: "user", status: 200 });
  });

  it("takes the email however it is typed: case and spaces do not matter", async () => {
    const person = await createUser();
    const r = await signIn({ email: `  ${person.email.toUpperCase()} `, password: person.password });
    expect(r.status).toBe(200);
    expect(r.body.user.id).toBe(person.id);
  });

  it("ends the session the browser came with: a cookie planted before sign-in is worth nothing after it", async () => {
    const attacker = await createUser({ positions: ["analyst"] });
    const planted = await sessionFor(attacker.id);
    const victim = await createUser({ positions: ["auditor"] });
    const r = await signIn({ email: victim.email, password: victim.password }, { cookie: planted.cookie });
    expect(r.status).toBe(200);
    const fresh = cookieFrom(r.headers)!;
    expect(fresh).not.toBe(planted.cookie);
    expect((await asPerson(planted, "/v1/me")).status).toBe(401);
    const old = await db.select().from(sessions).where(eq(sessions.id, planted.id)).get();
    expect(old).toMatchObject({ revokedReason: "replaced" });
    expect((await asPerson({ cookie: fresh, csrf: r.body.csrf_token }, "/v1/me")).body.user.id).toBe(victim.id);
  });

  it("re-hashes a password stored at an older cost, once it is given right", async () => {
    const person = await createUser();
    await db
      .update(users)
      .set({ passwordHash: await hashPassword(person.password, { N: 512, r: 8, p: 1 }) })
      .where(eq(users.id, person.id));
    expect((await signIn({ email: person.email, password: person.password })).status).toBe(200);
    const row = await db.select().from(users).where(eq(users.id, person.id)).get();
    expect(row!.passwordHash).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect((await signIn({ email: person.email, password: person.password })).status).toBe(200);
  });

  it("asks for the second factor when the person has one, and that session opens nothing yet", async () => {
    const person = await createUser();
    await db.update(users).set({ totpEnabledAt: Date.now() }).where(eq(users.id, person.id));
    const r = await signIn({ email: person.email, password: person.password });
    expect(r.status).toBe(200);
    expect(r.body.stage).toBe("second_factor");
    expect(r.headers.getSetCookie()[0]).toMatch(/max-age=300/i);
    const me = await asPerson({ cookie: cookieFrom(r.headers)!, csrf: r.body.csrf_token }, "/v1/me");
    expect(me.status).toBe(401);
    expect(me.body.code).toBe("two_factor_required");
    // Not signed in until the second factor is given.
    expect((await db.select().from(users).where(eq(users.id, person.id)).get())!.lastSignInAt).toBeNull();
  });

  it("sends someone whose position requires two-factor to enrol: only their own account opens", async () => {
    const now = Date.now();
    const position = `pos_${unique("strict").replace(/-/g, "")}`;
    await db
      .insert(positions)
      .values({ id: position, name: "Strict", builtIn: false, permissions: ["orders:read"], contactScope: "pseudonymous", requireTwoFactor: true, createdAt: now, updatedAt: now });
    const person = await createUser({ positions: [position] });
    const r = await signIn({ email: person.email, password: person.password });
    expect(r.body.stage).toBe("enrol");
    const s = { cookie: cookieFrom(r.headers)!, csrf: r.body.csrf_token };
    const me = await asPerson(s, "/v1/me");
    expect(me.status).toBe(200);
    expect(me.body.permissions).toEqual(["account:self"]);
    expect((await asPerson(s, "/v1/orders")).status).toBe(403);
  });
});

describe("a sign-in that fails", () => {
  it("gives one and the same answer for a wrong password, an unknown email, an invited or a deactivated account", async () => {
    const active = await createUser();
    const deactivated = await createUser({ status: "deactivated" });
    const invited = await createUser({ status: "invited" });
    const answers = [
      await signIn({ email: active.email, password: "not the password at all" }),
      await signIn({ email: unknownEmail(), password: "not the password at all" }),
      await signIn({ email: deactivated.email, password: deactivated.password }),
      await signIn({ email: invited.email, password: invited.password }),
    ];
    expect(answers[0]!.status).toBe(401);
    expect(answers[0]!.headers.get("content-type")).toBe("application/problem+json");
    expect(answers[0]!.body).toMatchObject({ code: "sign_in_failed", detail: "The email or password is not right" });
    for (const a of answers) {
      expect(visible(a)).toEqual(visible(answers[0]!));
      expect(a.headers.getSetCookie()).toEqual([]);
    }
    const log = await activityFor(active.id);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ action: "sign_in_failed", actorId: null, actorKind: "anonymous", status: 401 });
    expect((await activityFor(deactivated.id))[0]!.detail).toMatchObject({ reason: "account_deactivated" });
    // The password typed is never written anywhere.
    const all = await env.DIRECTORY.prepare("SELECT * FROM activity_log").all();
    expect(all.results.filter((row) => JSON.stringify(row).includes("not the password at all"))).toEqual([]);
  });

  it("takes about as long for an unknown email as for a known one (a decoy hash is checked)", async () => {
    const person = await createUser();
    const time = async (email: string) => {
      const t0 = performance.now();
      await signIn({ email, password: "not the password at all" });
      return performance.now() - t0;
    };
    // workerd's clock moves only across I/O, which each sign-in does; compare medians of a few.
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      known.push(await time(person.email));
      unknown.push(await time(unknownEmail()));
    }
    expect(median(unknown)).toBeGreaterThan(median(known) / 3);
  });

  it("refuses bad bodies with a problem and counts nothing", async () => {
    const person = await createUser();
    const cases: [unknown, Record<string, string>, number][] = [
      [{ email: person.email }, {}, 422],
      [{ password: "x" }, {}, 422],
      [{ email: person.email, password: "" }, {}, 422],
      [{ email: person.email, password: "p".repeat(257) }, {}, 422],
      [{ email: `${"e".repeat(250)}@x.example`, password: "x" }, {}, 422],
      [{ email: person.email, password: 42 }, {}, 422],
      [{ email: person.email, password: "x", extra: true }, {}, 422],
      ["{not json", {}, 400],
      [`email=${person.email}&password=x`, { "content-type": "application/x-www-form-urlencoded" }, 415],
    ];
    for (const [body, headers, status] of cases) {
      const r = await signIn(body, headers);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
    }
    expect(await throttleOf(person.email)).toBeUndefined();
    expect(await activityFor(person.id)).toEqual([]);
  });
});

describe("sign-in from another site (login CSRF)", () => {
  it("is refused before anything happens, whatever the body", async () => {
    const person = await createUser();
    const foreign: Record<string, string>[] = [{ origin: "https://evil.example" }, { origin: "null" }, { "sec-fetch-site": "cross-site" }, { "sec-fetch-site": "same-site" }];
    for (const headers of foreign) {
      const r = await signIn({ email: person.email, password: person.password }, headers);
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(r.body.code).toBe("cross_site_refused");
      expect(r.headers.getSetCookie()).toEqual([]);
    }
    // Nothing written: no session, no sign-in time, no log entry, no failure counted.
    expect(await db.select().from(sessions).where(eq(sessions.userId, person.id)).all()).toEqual([]);
    expect((await db.select().from(users).where(eq(users.id, person.id)).get())!.lastSignInAt).toBeNull();
    expect(await activityFor(person.id)).toEqual([]);
    // Any other /v1/auth/* write is refused the same way, even one no route serves.
    expect((await signIn({}, { origin: "https://evil.example" })).status).toBe(403);
    const other = await exports.default.fetch(`${ORIGIN}/v1/auth/anything`, { method: "POST", headers: { origin: "https://evil.example" }, body: "{}" });
    expect(other.status).toBe(403);
  });

  it("lets our own pages and clients that are not browsers (no Origin, no Sec-Fetch-Site) sign in", async () => {
    const person = await createUser();
    expect((await signIn({ email: person.email, password: person.password }, { "sec-fetch-site": "same-origin" })).status).toBe(200);
    const res = await exports.default.fetch(`${ORIGIN}/v1/auth/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: person.email, password: person.password }),
    });
    expect(res.status).toBe(200);
  });
});

describe("the lockout", () => {
  it("lets five failures go, then locks for a minute, and tells a known and an unknown address apart in nothing", async () => {
    const person = await createUser();
    const stranger = unknownEmail();
    const wrong = "not the password at all";
    for (let i = 1; i <= 6; i++) {
      const known = await signIn({ email: person.email, password: wrong });
      const unknown = await signIn({ email: stranger, password: wrong });
      expect(known.status, `failure ${i}`).toBe(401);
      expect(visible(unknown)).toEqual(visible(known));
    }
    expect(await throttleOf(person.email)).toMatchObject({ failures: 6 });
    expect(await throttleOf(stranger)).toMatchObject({ failures: 6 });

    // Locked: even the right password is not checked.
    const known = await signIn({ email: person.email, password: person.password });
    const unknown = await signIn({ email: stranger, password: person.password });
    expect(known.status).toBe(429);
    expect(known.headers.get("content-type")).toBe("application/problem+json");
    expect(known.body.code).toBe("sign_in_locked");
    expect(known.body.detail).toBe("Too many failed sign-ins for this account: try again in 1 minute, or reset the password, which works at once");
    expect(Number(known.headers.get("retry-after"))).toBeGreaterThan(50);
    expect(Number(known.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(known.headers.getSetCookie()).toEqual([]);
    expect({ ...visible(unknown), headers: visible(unknown).headers.filter(([k]) => k !== "retry-after") }).toEqual({
      ...visible(known),
      headers: visible(known).headers.filter(([k]) => k !== "retry-after"),
    });
    expect(Math.abs(Number(unknown.headers.get("retry-after")) - Number(known.headers.get("retry-after")))).toBeLessThanOrEqual(1);
    // Refused attempts do not lengthen the lock.
    expect(await throttleOf(person.email)).toMatchObject({ failures: 6 });
    expect((await activityFor(person.id)).at(-1)).toMatchObject({ action: "sign_in_locked", status: 429 });
  });

  it("doubles the lock with each further failure, and a right password clears the count", async () => {
    const person = await createUser();
    const subject = throttleSubject(env, person.email);
    const wrong = "not the password at all";
    const unlock = () =>
      db
        .update(signInThrottle)
        .set({ lockedUntil: Date.now() - 1 })
        .where(eq(signInThrottle.subject, subject));
    for (let i = 0; i < 6; i++) await signIn({ email: person.email, password: wrong });
    for (const minutes of [2, 4, 8]) {
      await unlock();
      expect((await signIn({ email: person.email, password: wrong })).status).toBe(401);
      const locked = await signIn({ email: person.email, password: person.password });
      expect(locked.status).toBe(429);
      expect(locked.body.detail).toContain(`try again in ${minutes} minutes`);
      expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(minutes * 60 - 10);
    }
    await unlock();
    expect((await signIn({ email: person.email, password: person.password })).status).toBe(200);
    expect(await throttleOf(person.email)).toBeUndefined();
    // After a success, five failures are free again.
    for (let i = 0; i < 5; i++) await signIn({ email: person.email, password: wrong });
    expect((await signIn({ email: person.email, password: person.password })).status).toBe(200);
  });

  it("never locks for more than an hour", async () => {
    const person = await createUser();
    const subject = throttleSubject(env, person.email);
    await db.insert(signInThrottle).values({ subject, failures: 40, lockedUntil: null, lastFailureAt: Date.now() });
    expect((await signIn({ email: person.email, password: "not the password at all" })).status).toBe(401);
    const locked = await signIn({ email: person.email, password: person.password });
    expect(locked.body.detail).toContain("try again in 60 minutes");
    expect(Number(locked.headers.get("retry-after"))).toBeLessThanOrEqual(3600);
  });

  it("starts counting again a day after the last failure", async () => {
    const person = await createUser();
    const subject = throttleSubject(env, person.email);
    await db.insert(signInThrottle).values({ subject, failures: 9, lockedUntil: null, lastFailureAt: Date.now() - 25 * 60 * 60 * 1000 });
    expect((await signIn({ email: person.email, password: "not the password at all" })).status).toBe(401);
    expect(await throttleOf(person.email)).toMatchObject({ failures: 1, lockedUntil: null });
  });

  it("counts every one of several wrong attempts made at once", async () => {
    const person = await createUser();
    const answers = await Promise.all(Array.from({ length: 4 }, () => signIn({ email: person.email, password: "not the password at all" })));
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401]);
    expect(await throttleOf(person.email)).toMatchObject({ failures: 4 });
    const more = await Promise.all(Array.from({ length: 3 }, () => signIn({ email: person.email, password: "not the password at all" })));
    expect(more.map((a) => a.status)).toEqual([401, 401, 401]);
    expect(await throttleOf(person.email)).toMatchObject({ failures: 7 });
    expect((await throttleOf(person.email))!.lockedUntil).toBeGreaterThan(Date.now() + 60_000);
  });

  it("keys the count by a keyed hash of the address: the table names no one", async () => {
    const email = unknownEmail();
    await signIn({ email, password: "x" });
    const rows = await env.DIRECTORY.prepare("SELECT subject FROM sign_in_throttle").all<{ subject: string }>();
    expect(rows.results.some((r) => r.subject === throttleSubject(env, email))).toBe(true);
    expect(rows.results.some((r) => r.subject.includes("@") || r.subject === email)).toBe(false);
    expect(throttleSubject(env, email)).not.toBe(await sha256Hex(email));
  });
});

describe("the per-address limit", () => {
  it("cuts off an address that fails too often, whichever emails it tries", async () => {
    const from = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    const person = await createUser();
    let status = 0;
    // The limiter counts 30 a minute in fixed windows: 70 tries reach 30 in one window even when a boundary splits them.
    for (let i = 0; i < 70 && status !== 429; i++) {
      status = (await signIn({ email: unknownEmail(), password: "guess" }, { "cf-connecting-ip": from })).status;
    }
    expect(status).toBe(429);
    const r = await signIn({ email: person.email, password: person.password }, { "cf-connecting-ip": from });
    expect(r.status).toBe(429);
    expect(r.body.code).toBe("rate_limited");
    expect(r.headers.get("retry-after")).toBe("60");
    // Another address is not held up.
    expect((await signIn({ email: person.email, password: person.password }, { "cf-connecting-ip": "198.51.100.251" })).status).toBe(200);
  });
});

describe("the API description", () => {
  it("documents signing in, with its answers, and the person's own routes", async () => {
    const spec: any = await (await exports.default.fetch(`${ORIGIN}/openapi.json`)).json();
    const op = spec.paths["/v1/auth/sign-in"].post;
    expect(op.security).toBeUndefined();
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["200", "401", "403", "422", "429"]));
    expect(op.requestBody.content["application/json"].schema.$ref).toBe("#/components/schemas/SignIn");
    for (const path of ["/v1/me", "/v1/me/sessions", "/v1/me/password", "/v1/me/sign-out", "/v1/me/sign-out-everywhere", "/v1/me/sessions/{id}"]) {
      expect(spec.paths[path], path).toBeDefined();
    }
  });
});
