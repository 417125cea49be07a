/** Password reset: the same answer for everyone, a one-hour single-use link, every session ended, the lockout cleared. */
import { env } from "./shard-env";
import { describe, expect, it } from "vitest";
import { api, unique } from "./helpers";
import { asPerson, cookieFrom, createUser, ORIGIN, sessionFor } from "./staff-helpers";
import { RESET_EMAIL_GAP_MS } from "../src/staff/account-links";
import { emailsTo, lastToken, waitForEmails } from "./staff-mail-helpers";
import { costOf, verifyPassword } from "../src/staff/password";
import { throttleSubject } from "../src/staff/throttle-subject";

const NEW = "a brand new passphrase";
const ask = (email: unknown) => api("/v1/auth/password-resets", { key: null, body: { email }, headers: { origin: ORIGIN } });
/** Waits until this many reset requests are in the activity log (they are written after the answer). */
async function waitForLog(n: number) {
  for (let i = 0; i < 100; i++) {
    const row = await env.DIRECTORY.prepare("SELECT count(*) AS n FROM activity_log WHERE action = 'password_reset_requested'").first<{ n: number }>();
    if (row!.n >= n) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`fewer than ${n} reset requests logged`);
}
const complete = (body: unknown) => api("/v1/auth/password-resets/complete", { key: null, body, headers: { origin: ORIGIN } });

describe("asking for a reset", () => {
  it("answers the same for an active person, an unknown address, an invited and a deactivated person", async () => {
    const active = await createUser({ positions: ["support"] });
    const invited = await createUser({ status: "invited" });
    const gone = await createUser({ status: "deactivated" });
    const answers = [];
    for (const email of [active.email, ` ${active.email.toUpperCase()} `, `${unique("nobody")}@staff.example`, invited.email, gone.email]) {
      const r = await ask(email);
      answers.push({ status: r.status, body: r.body, type: r.headers.get("content-type") });
      // The email is sent after the answer: let the first one go out before asking again.
      if (email === active.email) await waitForEmails(active.id, "password_reset", 1);
    }
    for (const a of answers) expect(a).toEqual(answers[0]);
    expect(answers[0]!.status).toBe(202);
    // The others' requests are logged (after the answer, like the sending): then there is surely nothing for them.
    await waitForLog(5);
    expect((await emailsTo(invited.id, "password_reset")).length).toBe(0);
    expect((await emailsTo(gone.id, "password_reset")).length).toBe(0);
    // Asking twice within two minutes sends one email: nobody can fill a person's inbox with resets.
    expect((await emailsTo(active.id, "password_reset")).length).toBe(1);
    const live = await env.DIRECTORY.prepare("SELECT count(*) AS n, max(expires_at - created_at) AS ttl FROM user_tokens WHERE user_id = ? AND used_at IS NULL")
      .bind(active.id)
      .first<any>();
    expect(live).toEqual({ n: 1, ttl: 60 * 60 * 1000 });
  });

  it("refuses malformed bodies", async () => {
    for (const body of [{}, { email: 5 }, { email: "x" }, { email: "a@b.c", more: 1 }]) {
      expect((await api("/v1/auth/password-resets", { key: null, body, headers: { origin: ORIGIN } })).status, JSON.stringify(body)).toBe(422);
    }
  });
});

describe("completing a reset", () => {
  it("sets the password, ends every session, clears the lockout and signs in fresh", async () => {
    const u = await createUser({ positions: ["support"] });
    const s1 = await sessionFor(u.id);
    const s2 = await sessionFor(u.id);
    const subject = throttleSubject(env, u.email);
    await env.DIRECTORY.prepare("INSERT INTO sign_in_throttle (subject, failures, locked_until, last_failure_at) VALUES (?, 9, ?, ?)")
      .bind(subject, Date.now() + 3_600_000, Date.now())
      .run();
    await ask(u.email);
    const r = await complete({ token: await lastToken(u.id, "password_reset"), password: NEW });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ stage: "full", user: { id: u.id } });
    for (const s of [s1, s2]) expect((await asPerson(s, "/v1/orders")).status).toBe(401);
    const fresh = { cookie: cookieFrom(r.headers)!, csrf: r.body.csrf_token };
    expect((await asPerson(fresh, "/v1/orders")).status).toBe(200);
    const row = await env.DIRECTORY.prepare("SELECT password_hash FROM users WHERE id = ?").bind(u.id).first<{ password_hash: string }>();
    expect((await verifyPassword(NEW, row!.password_hash, costOf(env))).ok).toBe(true);
    expect((await verifyPassword(u.password, row!.password_hash, costOf(env))).ok).toBe(false);
    expect(await env.DIRECTORY.prepare("SELECT * FROM sign_in_throttle WHERE subject = ?").bind(subject).first()).toBeNull();
    const actions = await env.DIRECTORY.prepare("SELECT action FROM activity_log WHERE target = ?").bind(u.id).all<{ action: string }>();
    expect(actions.results.map((a) => a.action)).toEqual(expect.arrayContaining(["password_reset_requested", "password_reset"]));
  });

  it("a link works once, for an hour, and not for an invitation", async () => {
    const u = await createUser();
    await ask(u.email);
    const token = await lastToken(u.id, "password_reset");
    expect((await complete({ token, password: NEW })).status).toBe(200);
    expect((await complete({ token, password: `${NEW}!` })).status).toBe(400);

    // Two minutes later a new reset email goes out (and kills the earlier link).
    await env.DIRECTORY.prepare("UPDATE user_tokens SET created_at = created_at - ? WHERE user_id = ?").bind(RESET_EMAIL_GAP_MS, u.id).run();
    await ask(u.email);
    await waitForEmails(u.id, "password_reset", 2);
    const late = await lastToken(u.id, "password_reset");
    await env.DIRECTORY.prepare("UPDATE user_tokens SET expires_at = ? WHERE user_id = ? AND used_at IS NULL")
      .bind(Date.now() - 1, u.id)
      .run();
    const r = await complete({ token: late, password: NEW });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe("invalid_token");

    const inv = await api("/v1/users", { body: { email: `${unique("i")}@staff.example`, display_name: "I", positions: ["picker"] } });
    expect((await complete({ token: await lastToken(inv.body.id, "invitation"), password: NEW })).status).toBe(400);
  });

  it("a weak password or bad body changes nothing and keeps the link", async () => {
    const u = await createUser();
    const s = await sessionFor(u.id);
    await ask(u.email);
    const token = await lastToken(u.id, "password_reset");
    for (const [body, status] of [
      [{ token, password: "short" }, 422],
      [{ token }, 422],
      [{ token, password: NEW, x: 1 }, 422],
    ] as const) {
      expect((await complete(body)).status, JSON.stringify(body)).toBe(status);
    }
    expect((await asPerson(s, "/v1/orders")).status).toBe(200);
    expect((await complete({ token, password: NEW })).status).toBe(200);
  });
});
