/**
 * Passkeys with a software authenticator (test/webauthn-authenticator.ts):
 * registering one, signing in with it (alone, or as the second step), and
 * every way a forged or stale answer is refused. These run
 * @simplewebauthn/server inside workerd, as production does.
 */
import { exports } from "cloudflare:workers";
import { env } from "./shard-env";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { directory } from "../src/db/client";
import { activityLog, authChallenges, passkeys, sessions, users } from "../src/db/schema";
import { createStore } from "./helpers";
import { asPerson, cookieFrom, createUser, ORIGIN, positionRequiringTwoFactor, sessionFor } from "./staff-helpers";
import { SoftAuthenticator } from "./webauthn-authenticator";

const db = () => directory(env);

async function publicPost(path: string, body: unknown, o: { cookie?: string; origin?: string } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json", origin: o.origin ?? ORIGIN };
  if (o.cookie) headers.cookie = o.cookie;
  const res = await exports.default.fetch(`${ORIGIN}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

/** A person with a registered software passkey. */
async function withPasskey(o: { positions?: string[] } = {}) {
  const person = await createUser({ positions: o.positions ?? ["support"] });
  const s = await sessionFor(person.id);
  const device = await SoftAuthenticator.create(ORIGIN);
  const options = await asPerson(s, "/v1/me/passkeys/options", { method: "POST" });
  expect(options.status).toBe(200);
  const r = await asPerson(s, "/v1/me/passkeys", { body: { name: "Work laptop", response: await device.register(options.body) } });
  expect(r.status).toBe(201);
  return { person, s, device, passkeyId: r.body.id as string };
}

async function signInOptions(body: unknown = {}) {
  const r = await publicPost("/v1/auth/passkey/options", body);
  expect(r.status).toBe(200);
  return r.body;
}

const passkeysOf = (userId: string) => db().select().from(passkeys).where(eq(passkeys.userId, userId));

describe("registering a passkey", () => {
  it("verifies the authenticator's answer and keeps the public key, counter and transports; lists and removes it", async () => {
    const person = await createUser();
    const s = await sessionFor(person.id);
    const device = await SoftAuthenticator.create(ORIGIN);
    const options = await asPerson(s, "/v1/me/passkeys/options", { method: "POST" });
    expect(options.body.rp).toEqual({ name: "Edge OMS", id: "oms.test" });
    expect(options.body.user.name).toBe(person.email);
    expect(options.body.authenticatorSelection).toMatchObject({ residentKey: "preferred", userVerification: "required" });
    expect(options.body.excludeCredentials).toEqual([]);
    const stored = await db().select().from(authChallenges).where(eq(authChallenges.challenge, options.body.challenge)).get();
    expect(stored).toMatchObject({ purpose: "register", userId: person.id });
    expect(stored!.expiresAt - Date.now()).toBeGreaterThan(4 * 60_000);

    const r = await asPerson(s, "/v1/me/passkeys", { body: { name: "Phone", response: await device.register(options.body) } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ id: device.id, name: "Phone", transports: ["internal"] });
    const [row] = await passkeysOf(person.id);
    expect(row).toMatchObject({ id: device.id, counter: 0, transports: ["internal"] });
    expect(row!.publicKey).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(await db().select().from(authChallenges).where(eq(authChallenges.challenge, options.body.challenge))).toHaveLength(0);

    const again = await asPerson(s, "/v1/me/passkeys/options", { method: "POST" });
    expect(again.body.excludeCredentials).toEqual([{ id: device.id, type: "public-key", transports: ["internal"] }]);
    const list = await asPerson(s, "/v1/me/passkeys");
    expect(list.body.data.map((p: { id: string }) => p.id)).toEqual([device.id]);
    expect((await asPerson(s, `/v1/me/passkeys/${device.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await asPerson(s, `/v1/me/passkeys/${device.id}`, { method: "DELETE" })).status).toBe(404);
    expect(await passkeysOf(person.id)).toHaveLength(0);
    const log = await db().select().from(activityLog).where(eq(activityLog.actorId, person.id));
    expect(log.map((e) => e.action)).toEqual(expect.arrayContaining(["passkey_added", "passkey_removed"]));
  });

  it("refuses an answer from another origin, for another site, to a reused, expired or someone else's challenge, without user verification, or malformed, storing nothing", async () => {
    const person = await createUser();
    const s = await sessionFor(person.id);
    const device = await SoftAuthenticator.create(ORIGIN);
    const register = async (lie: Parameters<SoftAuthenticator["register"]>[1], prepare?: (challenge: string) => Promise<void>) => {
      const options = (await asPerson(s, "/v1/me/passkeys/options", { method: "POST" })).body;
      await prepare?.(options.challenge);
      return asPerson(s, "/v1/me/passkeys", { body: { name: "Key", response: await device.register(options, lie) } });
    };
    const cases: [string, Awaited<ReturnType<typeof register>>][] = [
      ["origin", await register({ origin: "https://evil.example" })],
      ["rp id", await register({ rpId: "evil.example" })],
      ["no user verification", await register({ userVerified: false })],
      ["type", await register({ type: "webauthn.get" })],
      [
        "expired",
        await register(
          {},
          async (ch) =>
            void (await db()
              .update(authChallenges)
              .set({ expiresAt: Date.now() - 1 })
              .where(eq(authChallenges.challenge, ch))),
        ),
      ],
      ["someone else's", await register({}, async (ch) => void (await db().update(authChallenges).set({ userId: "usr_other" }).where(eq(authChallenges.challenge, ch))))],
    ];
    for (const [name, r] of cases) {
      expect(r.status, name).toBe(422);
      expect(r.headers.get("content-type"), name).toContain("application/problem+json");
    }
    // A challenge works once, even for a good answer.
    const options = (await asPerson(s, "/v1/me/passkeys/options", { method: "POST" })).body;
    const answer = await device.register(options);
    const [first, second] = await Promise.all([
      asPerson(s, "/v1/me/passkeys", { body: { name: "A", response: answer } }),
      asPerson(s, "/v1/me/passkeys", { body: { name: "B", response: answer } }),
    ]);
    expect([first.status, second.status].sort()).toEqual([201, 422]);
    await db().delete(passkeys).where(eq(passkeys.userId, person.id));
    for (const body of [{}, { name: "x" }, { name: "", response: answer }, { name: "x", response: { id: "a" } }, { name: "x", response: answer, extra: 1 }]) {
      const r = await asPerson(s, "/v1/me/passkeys", { body });
      expect(r.status).toBe(422);
    }
    const garbage = await asPerson(s, "/v1/me/passkeys", { body: { name: "x", response: { ...answer, response: { clientDataJSON: "bm9wZQ", attestationObject: "AA" } } } });
    expect(garbage.status).toBe(422);
    expect(await passkeysOf(person.id)).toHaveLength(0);
  });

  it("refuses to remove the last second factor when a position requires two-factor", async () => {
    const position = await positionRequiringTwoFactor();
    const { person, s, device } = await withPasskey({ positions: ["support", position] });
    const r = await asPerson(s, `/v1/me/passkeys/${device.id}`, { method: "DELETE" });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("two_factor_required");
    expect(await passkeysOf(person.id)).toHaveLength(1);
    // With a second passkey, the first may go.
    const other = await SoftAuthenticator.create(ORIGIN);
    const options = (await asPerson(s, "/v1/me/passkeys/options", { method: "POST" })).body;
    expect((await asPerson(s, "/v1/me/passkeys", { body: { name: "Spare", response: await other.register(options) } })).status).toBe(201);
    expect((await asPerson(s, `/v1/me/passkeys/${device.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await asPerson(s, `/v1/me/passkeys/${other.id}`, { method: "DELETE" })).status).toBe(409);
  });

  it("completes a required enrolment: the session becomes a full one under a new cookie", async () => {
    const position = await positionRequiringTwoFactor();
    const store = await createStore();
    const person = await createUser({ positions: [position], storeIds: [store.id] });
    const s = await sessionFor(person.id, "enrol");
    expect((await asPerson(s, "/v1/orders")).status).toBe(403);
    const device = await SoftAuthenticator.create(ORIGIN);
    const options = (await asPerson(s, "/v1/me/passkeys/options", { method: "POST" })).body;
    const r = await asPerson(s, "/v1/me/passkeys", { body: { name: "Phone", response: await device.register(options) } });
    expect(r.status).toBe(201);
    expect(r.body.session.stage).toBe("full");
    const cookie = cookieFrom(r.headers)!;
    expect(cookie).not.toBe(s.cookie);
    expect((await asPerson({ cookie, csrf: r.body.session.csrf_token }, "/v1/orders")).status).toBe(200);
    expect((await asPerson(s, "/v1/me/passkeys")).status).toBe(401);
  });
});

describe("signing in with a passkey", () => {
  it("needs no email and no password: a full session, recorded", async () => {
    const { person, device } = await withPasskey();
    const options = await signInOptions();
    expect(options.rpId).toBe("oms.test");
    expect(options.userVerification).toBe("required");
    expect(options.allowCredentials ?? []).toEqual([]);
    const r = await publicPost("/v1/auth/passkey", { response: await device.assert(options) });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ stage: "full", user: { id: person.id } });
    const cookie = cookieFrom(r.headers)!;
    expect((await asPerson({ cookie, csrf: r.body.csrf_token }, "/v1/me/passkeys")).status).toBe(200);
    const [row] = await passkeysOf(person.id);
    expect(row!.counter).toBe(1);
    expect(row!.lastUsedAt).not.toBeNull();
    const session = await db().select().from(sessions).where(eq(sessions.userId, person.id)).all();
    expect(session.some((x) => x.method === "passkey" && x.stage === "full")).toBe(true);
    const log = await db().select().from(activityLog).where(eq(activityLog.actorId, person.id));
    expect(log.some((e) => e.action === "sign_in" && (e.detail as { factor?: string }).factor === "passkey")).toBe(true);
  });

  it("with an email, offers that person's passkeys; an unknown address gets an answer of the same shape", async () => {
    const { person, device } = await withPasskey();
    const mine = await signInOptions({ email: person.email.toUpperCase() });
    expect(mine.allowCredentials.map((c: { id: string }) => c.id)).toEqual([device.id]);
    const nobody = await signInOptions({ email: "nobody@staff.example" });
    expect(nobody.allowCredentials).toHaveLength(1);
    expect(nobody.allowCredentials[0].id).not.toBe(device.id);
    expect((await signInOptions({ email: "nobody@staff.example" })).allowCredentials).toEqual(nobody.allowCredentials);
    expect((await publicPost("/v1/auth/passkey", { response: await device.assert(mine) })).status).toBe(200);
    expect((await publicPost("/v1/auth/passkey/options", { email: "not an email" })).status).toBe(422);
  });

  it("completes a sign-in waiting for its second factor", async () => {
    const { person, device } = await withPasskey();
    const pending = await sessionFor(person.id, "second_factor");
    const r = await publicPost("/v1/auth/passkey", { response: await device.assert(await signInOptions()) }, { cookie: pending.cookie });
    expect(r.status).toBe(200);
    const revoked = await db().select().from(sessions).where(eq(sessions.id, pending.id)).get();
    expect(revoked!.revokedReason).toBe("replaced");
    const log = await db().select().from(activityLog).where(eq(activityLog.actorId, person.id));
    expect(log.some((e) => e.action === "two_factor_passed")).toBe(true);
  });

  it("refuses another origin, a reused or expired challenge, another key's signature, a counter gone backwards, no user verification and a deactivated person", async () => {
    const { person, device } = await withPasskey();
    const expect401 = async (name: string, response: unknown) => {
      const r = await publicPost("/v1/auth/passkey", { response });
      expect(r.status, name).toBe(401);
      expect(r.headers.get("content-type"), name).toContain("application/problem+json");
      expect(cookieFrom(r.headers), name).toBeNull();
      return r;
    };
    await expect401("origin", await device.assert(await signInOptions(), { origin: "https://evil.example" }));
    await expect401("rp id", await device.assert(await signInOptions(), { rpId: "evil.example" }));
    await expect401("another key", await device.assert(await signInOptions(), { signWith: await SoftAuthenticator.strayKey() }));
    await expect401("no user verification", await device.assert(await signInOptions(), { userVerified: false }));
    const failed = await db().select().from(activityLog).where(eq(activityLog.target, person.id));
    expect(failed.filter((e) => e.action === "sign_in_failed").map((e) => (e.detail as { reason: string }).reason)).toEqual([
      "verification",
      "verification",
      "verification",
      "verification",
    ]);

    const options = await signInOptions();
    await db()
      .update(authChallenges)
      .set({ expiresAt: Date.now() - 1 })
      .where(eq(authChallenges.challenge, options.challenge));
    await expect401("expired", await device.assert(options));

    const fresh = await signInOptions();
    const good = await device.assert(fresh);
    expect((await publicPost("/v1/auth/passkey", { response: good })).status).toBe(200);
    expect((await expect401("reused challenge", good)).body.code).toBe("passkey_challenge");

    const counterNow = device.counter;
    const backwards = await expect401("counter", await device.assert(await signInOptions(), { counter: counterNow - 1 }));
    expect(backwards.body.code).toBe("passkey_counter");
    await expect401("same counter", await device.assert(await signInOptions(), { counter: counterNow }));

    const { s } = await withPasskey();
    const registration = (await asPerson(s, "/v1/me/passkeys/options", { method: "POST" })).body;
    await expect401("a registration challenge", await device.assert({ challenge: registration.challenge }));
    await expect401("unknown passkey", await (await SoftAuthenticator.create(ORIGIN)).assert(await signInOptions()));

    await db().update(users).set({ status: "deactivated" }).where(eq(users.id, person.id));
    expect((await expect401("deactivated", await device.assert(await signInOptions()))).body.code).toBe("passkey_inactive");
  });

  it("lets exactly one of two simultaneous uses of one challenge in", async () => {
    const { device } = await withPasskey();
    const answer = await device.assert(await signInOptions());
    const results = await Promise.all([publicPost("/v1/auth/passkey", { response: answer }), publicPost("/v1/auth/passkey", { response: answer })]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it("is refused from another site, and with a malformed body", async () => {
    const { device } = await withPasskey();
    const options = await signInOptions();
    const answer = await device.assert(options);
    expect((await publicPost("/v1/auth/passkey/options", {}, { origin: "https://evil.example" })).status).toBe(403);
    expect((await publicPost("/v1/auth/passkey", { response: answer }, { origin: "https://evil.example" })).status).toBe(403);
    for (const body of [{}, { response: {} }, { response: { ...answer, type: "password" } }, { response: answer, email: "x@y.z" }]) {
      const r = await publicPost("/v1/auth/passkey", body);
      expect(r.status).toBe(422);
      expect(r.headers.get("content-type")).toContain("application/problem+json");
    }
    // The challenge survived the refusals: the answer still signs in.
    expect((await publicPost("/v1/auth/passkey", { response: answer })).status).toBe(200);
  });
});
