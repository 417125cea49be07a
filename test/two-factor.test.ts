/**
 * Authenticator-app two-factor (TOTP) and recovery codes: setting it up,
 * the second step of signing in, each code counting once even when sent
 * twice at the same moment, and positions that require it.
 */
import { exports } from "cloudflare:workers";
import { env } from "./shard-env";
import { eq } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import { describe, expect, it } from "vitest";
import { directory } from "../src/db/client";
import { activityLog, recoveryCodes, sessions, users } from "../src/db/schema";
import { sha256Hex } from "../src/lib/ids";
import { api, createKey, createStore } from "./helpers";
import { asPerson, cookieFrom, createUser, ORIGIN, positionRequiringTwoFactor, sessionFor, type TestSession } from "./staff-helpers";

const db = () => directory(env);

function codeAt(secret: string, email: string, offsetSteps = 0): string {
  const totp = new TOTP({ issuer: "Edge OMS", label: email, algorithm: "SHA1", digits: 6, period: 30, secret: Secret.fromBase32(secret) });
  return totp.generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

async function userRow(id: string) {
  return (await db().select().from(users).where(eq(users.id, id)).get())!;
}

async function sessionRow(id: string) {
  return (await db().select().from(sessions).where(eq(sessions.id, id)).get())!;
}

/** Sets up TOTP for a person through the API; returns the secret and the recovery codes. */
async function enrol(s: TestSession, email: string) {
  const started = await asPerson(s, "/v1/me/two-factor/totp", { method: "POST" });
  expect(started.status).toBe(201);
  const confirmed = await asPerson(s, "/v1/me/two-factor/totp/confirm", { body: { code: codeAt(started.body.secret, email) } });
  expect(confirmed.status).toBe(200);
  return { secret: started.body.secret as string, recoveryCodes: confirmed.body.recovery_codes as string[], confirmed };
}

/** The second step as the console sends it: the cookie of the password step, from our own origin. */
async function secondStep(s: Pick<TestSession, "cookie">, body: unknown, headers: Record<string, string> = {}) {
  const res = await exports.default.fetch(`${ORIGIN}/v1/auth/two-factor`, {
    method: "POST",
    headers: { cookie: s.cookie, origin: ORIGIN, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

describe("setting up an authenticator app", () => {
  it("gives a secret once, turns on with a first code, and hands out ten recovery codes stored only as hashes", async () => {
    const person = await createUser({ positions: ["support"] });
    const s = await sessionFor(person.id);
    const started = await asPerson(s, "/v1/me/two-factor/totp", { method: "POST" });
    expect(started.status).toBe(201);
    expect(started.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(started.body.otpauth_uri);
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.searchParams.get("issuer")).toBe("Edge OMS");
    expect(decodeURIComponent(uri.pathname)).toContain(person.email);
    expect(uri.searchParams.get("digits")).toBe("6");
    expect(uri.searchParams.get("period")).toBe("30");
    // Stored sealed, and not yet on.
    const raw = await env.DIRECTORY.prepare("select totp_secret, totp_enabled_at from users where id = ?")
      .bind(person.id)
      .first<{ totp_secret: string; totp_enabled_at: number | null }>();
    expect(raw!.totp_secret).not.toContain(started.body.secret);
    expect(raw!.totp_enabled_at).toBeNull();
    expect((await asPerson(s, "/v1/me/two-factor")).body).toMatchObject({ totp_enabled: false, recovery_codes_left: 0, required: false });

    const confirmed = await asPerson(s, "/v1/me/two-factor/totp/confirm", { body: { code: codeAt(started.body.secret, person.email) } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.session).toBeUndefined();
    const codes: string[] = confirmed.body.recovery_codes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-z]{4}-[a-z]{4}-[a-z]{4}$/);
    const stored = await db().select().from(recoveryCodes).where(eq(recoveryCodes.userId, person.id));
    expect(stored.map((r) => r.codeHash).sort()).toEqual((await Promise.all(codes.map(sha256Hex))).sort());
    expect((await userRow(person.id)).totpEnabledAt).not.toBeNull();
    expect((await asPerson(s, "/v1/me/two-factor")).body).toMatchObject({ totp_enabled: true, recovery_codes_left: 10 });
    // Already on: a second set-up is refused until it is turned off.
    expect((await asPerson(s, "/v1/me/two-factor/totp", { method: "POST" })).status).toBe(409);
  });

  it("does not turn on with a wrong code, a malformed one, or before a secret was given, and writes nothing", async () => {
    const person = await createUser();
    const s = await sessionFor(person.id);
    const early = await asPerson(s, "/v1/me/two-factor/totp/confirm", { body: { code: "123456" } });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe("no_enrolment");
    const started = await asPerson(s, "/v1/me/two-factor/totp", { method: "POST" });
    const right = codeAt(started.body.secret, person.email);
    const wrong = right === "000000" ? "000001" : "000000";
    const r = await asPerson(s, "/v1/me/two-factor/totp/confirm", { body: { code: wrong } });
    expect(r.status).toBe(422);
    expect(r.headers.get("content-type")).toContain("application/problem+json");
    expect(r.body.code).toBe("invalid_code");
    for (const body of [{}, { code: "12345" }, { code: "abcdef" }, { code: 123456 }, { code: right, extra: 1 }]) {
      const bad = await asPerson(s, "/v1/me/two-factor/totp/confirm", { body });
      expect(bad.status).toBe(422);
      expect(bad.headers.get("content-type")).toContain("application/problem+json");
    }
    expect((await asPerson(s, "/v1/me/two-factor/totp/confirm", { body: "not json" })).status).toBeGreaterThanOrEqual(400);
    expect((await userRow(person.id)).totpEnabledAt).toBeNull();
    expect(await db().select().from(recoveryCodes).where(eq(recoveryCodes.userId, person.id))).toHaveLength(0);
  });

  it("is only for people signed in: keys are refused every /v1/me route", async () => {
    const store = await createStore();
    const key = await createKey("admin", [store.id]);
    for (const [method, path] of [
      ["GET", "/v1/me/two-factor"],
      ["POST", "/v1/me/two-factor/totp"],
      ["POST", "/v1/me/two-factor/totp/confirm"],
      ["DELETE", "/v1/me/two-factor/totp"],
      ["POST", "/v1/me/recovery-codes"],
      ["POST", "/v1/me/passkeys/options"],
      ["POST", "/v1/me/passkeys"],
      ["GET", "/v1/me/passkeys"],
      ["DELETE", "/v1/me/passkeys/abc"],
    ] as const) {
      const r = await api(path, { method, key, body: method === "GET" ? undefined : { code: "123456" } });
      expect(r.status, `${method} ${path}`).toBe(403);
    }
    const r = await api("/v1/me/two-factor/totp", { method: "POST" });
    expect(r.status).toBe(403);
  });

  it("needs the CSRF token like every cookie write", async () => {
    const person = await createUser();
    const s = await sessionFor(person.id);
    const r = await asPerson(s, "/v1/me/two-factor/totp", { method: "POST", csrf: null });
    expect(r.status).toBe(401);
    expect((await userRow(person.id)).totpSecret).toBeNull();
  });
});

describe("the second step of signing in", () => {
  it("takes a code from the app: a new full session under a new token, the old one revoked, recorded", async () => {
    const person = await createUser({ positions: ["support"] });
    const { secret } = await enrol(await sessionFor(person.id), person.email);
    const pending = await sessionFor(person.id, "second_factor");
    // The pending session opens nothing else.
    expect((await asPerson(pending, "/v1/me/two-factor")).status).toBe(401);
    const r = await secondStep(pending, { code: codeAt(secret, person.email, 1) });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ stage: "full", user: { id: person.id, email: person.email } });
    const cookie = cookieFrom(r.headers)!;
    expect(cookie).toBeTruthy();
    expect(cookie).not.toBe(pending.cookie);
    expect((await sessionRow(pending.id)).revokedReason).toBe("replaced");
    const full = { cookie, csrf: r.body.csrf_token };
    expect((await asPerson(full, "/v1/me/two-factor")).status).toBe(200);
    expect((await asPerson(pending, "/v1/me/two-factor")).status).toBe(401);
    const log = await db().select().from(activityLog).where(eq(activityLog.actorId, person.id));
    expect(log.map((e) => e.action)).toContain("two_factor_passed");
  });

  it("never accepts the same code twice", async () => {
    const person = await createUser();
    const { secret } = await enrol(await sessionFor(person.id), person.email);
    const code = codeAt(secret, person.email, 1);
    expect((await secondStep(await sessionFor(person.id, "second_factor"), { code })).status).toBe(200);
    const replay = await secondStep(await sessionFor(person.id, "second_factor"), { code });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe("invalid_code");
    // The code used to turn TOTP on is spent as well.
    const first = await secondStep(await sessionFor(person.id, "second_factor"), { code: codeAt(secret, person.email) });
    expect(first.status).toBe(401);
  });

  it("lets exactly one of two simultaneous requests with the same code in", async () => {
    const person = await createUser();
    const { secret } = await enrol(await sessionFor(person.id), person.email);
    const code = codeAt(secret, person.email, 1);
    const [a, b] = await Promise.all([sessionFor(person.id, "second_factor"), sessionFor(person.id, "second_factor")]);
    const results = await Promise.all([secondStep(a, { code }), secondStep(b, { code })]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it("spends a recovery code once, even when it is sent twice at the same moment", async () => {
    const person = await createUser();
    const { recoveryCodes: codes } = await enrol(await sessionFor(person.id), person.email);
    const [a, b] = await Promise.all([sessionFor(person.id, "second_factor"), sessionFor(person.id, "second_factor")]);
    const results = await Promise.all([secondStep(a, { recovery_code: codes[0] }), secondStep(b, { recovery_code: codes[0]!.toUpperCase() })]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    const used = await db().select().from(recoveryCodes).where(eq(recoveryCodes.userId, person.id));
    expect(used.filter((r) => r.usedAt !== null)).toHaveLength(1);
    const log = await db().select().from(activityLog).where(eq(activityLog.actorId, person.id));
    expect(log.map((e) => e.action)).toContain("recovery_code_used");
    // Typed with spaces instead of dashes, another code still works.
    const again = await secondStep(await sessionFor(person.id, "second_factor"), { recovery_code: codes[1]!.replace(/-/g, " ") });
    expect(again.status).toBe(200);
  });

  it("ends the sign-in after five wrong codes: even the right code is then refused", async () => {
    const person = await createUser();
    const { secret } = await enrol(await sessionFor(person.id), person.email);
    const pending = await sessionFor(person.id, "second_factor");
    const right = codeAt(secret, person.email, 1);
    const wrong = right === "111111" ? "222222" : "111111";
    const statuses: string[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await secondStep(pending, { code: wrong })).body.code);
    expect(statuses).toEqual(["invalid_code", "invalid_code", "invalid_code", "invalid_code", "too_many_attempts"]);
    expect((await sessionRow(pending.id)).revokedReason).toBe("two_factor_failures");
    const late = await secondStep(pending, { code: right });
    expect(late.status).toBe(401);
    expect(late.body.code).toBe("session_expired");
    const log = await db().select().from(activityLog).where(eq(activityLog.actorId, person.id));
    expect(log.filter((e) => e.action === "two_factor_failed")).toHaveLength(5);
  });

  it("refuses without a pending session, with a full session, from another site, and bad bodies, writing nothing", async () => {
    const person = await createUser();
    const { secret } = await enrol(await sessionFor(person.id), person.email);
    const code = codeAt(secret, person.email, 1);
    expect((await secondStep({ cookie: "" }, { code })).status).toBe(401);
    const full = await sessionFor(person.id);
    expect((await secondStep(full, { code })).status).toBe(401);
    const pending = await sessionFor(person.id, "second_factor");
    const cross = await secondStep(pending, { code }, { origin: "https://evil.example" });
    expect(cross.status).toBe(403);
    for (const body of [{}, { code, recovery_code: "abcd-efgh-ijkl" }, { code: "12" }, { recovery_code: "x" }, { code, more: true }]) {
      const r = await secondStep(pending, body);
      expect(r.status).toBe(422);
      expect(r.headers.get("content-type")).toContain("application/problem+json");
    }
    expect((await sessionRow(pending.id)).secondFactorFailures).toBe(0);
    // Nothing was spent: the code still works.
    expect((await secondStep(pending, { code })).status).toBe(200);
  });
});

describe("turning the app off and new recovery codes", () => {
  it("turns off with the password or a current code; the recovery codes die with it", async () => {
    const person = await createUser();
    const s = await sessionFor(person.id);
    const { secret, recoveryCodes: codes } = await enrol(s, person.email);
    const wrong = await asPerson(s, "/v1/me/two-factor/totp", { method: "DELETE", body: { password: "not the password" } });
    expect(wrong.status).toBe(422);
    for (const body of [{}, { password: person.password, code: "123456" }]) {
      expect((await asPerson(s, "/v1/me/two-factor/totp", { method: "DELETE", body })).status).toBe(422);
    }
    expect((await userRow(person.id)).totpEnabledAt).not.toBeNull();
    const off = await asPerson(s, "/v1/me/two-factor/totp", { method: "DELETE", body: { password: person.password } });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ totp_enabled: false, recovery_codes_left: 0 });
    expect((await userRow(person.id)).totpSecret).toBeNull();
    expect(await db().select().from(recoveryCodes).where(eq(recoveryCodes.userId, person.id))).toHaveLength(0);
    expect((await secondStep(await sessionFor(person.id, "second_factor"), { recovery_code: codes[0] })).status).toBe(401);
    // Again with a code this time.
    const again = await enrol(s, person.email);
    expect(again.secret).not.toBe(secret);
    const byCode = await asPerson(s, "/v1/me/two-factor/totp", { method: "DELETE", body: { code: codeAt(again.secret, person.email, 1) } });
    expect(byCode.status).toBe(200);
  });

  it("refuses to turn off when a position requires two-factor and no passkey remains", async () => {
    const position = await positionRequiringTwoFactor();
    const person = await createUser({ positions: ["support", position] });
    const s = await sessionFor(person.id);
    await enrol(s, person.email);
    const r = await asPerson(s, "/v1/me/two-factor/totp", { method: "DELETE", body: { password: person.password } });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("two_factor_required");
    expect((await userRow(person.id)).totpEnabledAt).not.toBeNull();
    expect(await db().select().from(recoveryCodes).where(eq(recoveryCodes.userId, person.id))).toHaveLength(10);
  });

  it("replaces the recovery codes with a current code: the old ones stop working", async () => {
    const person = await createUser();
    const s = await sessionFor(person.id);
    const { secret, recoveryCodes: old } = await enrol(s, person.email);
    expect((await asPerson(s, "/v1/me/recovery-codes", { body: { code: "12" } })).status).toBe(422);
    const r = await asPerson(s, "/v1/me/recovery-codes", { body: { code: codeAt(secret, person.email, 1) } });
    expect(r.status).toBe(200);
    expect(r.body.recovery_codes).toHaveLength(10);
    expect(r.body.recovery_codes).not.toContain(old[0]);
    expect((await secondStep(await sessionFor(person.id, "second_factor"), { recovery_code: old[0] })).status).toBe(401);
    expect((await secondStep(await sessionFor(person.id, "second_factor"), { recovery_code: r.body.recovery_codes[0] })).status).toBe(200);
    const without = await createUser();
    expect((await asPerson(await sessionFor(without.id), "/v1/me/recovery-codes", { body: { code: "123456" } })).status).toBe(409);
  });
});

describe("a position that requires two-factor", () => {
  it("opens only the person's own account until they set it up, then rotates to a full session", async () => {
    const position = await positionRequiringTwoFactor();
    const store = await createStore();
    const person = await createUser({ positions: [position], storeIds: [store.id] });
    const s = await sessionFor(person.id, "enrol");
    expect((await asPerson(s, "/v1/orders")).status).toBe(403);
    expect((await asPerson(s, "/v1/me/two-factor")).body.required).toBe(true);
    const started = await asPerson(s, "/v1/me/two-factor/totp", { method: "POST" });
    const confirmed = await asPerson(s, "/v1/me/two-factor/totp/confirm", { body: { code: codeAt(started.body.secret, person.email) } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.session).toMatchObject({ stage: "full" });
    const cookie = cookieFrom(confirmed.headers)!;
    expect(cookie).toBeTruthy();
    expect(cookie).not.toBe(s.cookie);
    expect((await sessionRow(s.id)).revokedAt).not.toBeNull();
    const full = { cookie, csrf: confirmed.body.session.csrf_token };
    expect((await asPerson(full, "/v1/orders")).status).toBe(200);
    expect((await asPerson(s, "/v1/me/two-factor")).status).toBe(401);
  });
});
