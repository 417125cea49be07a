/** Accepting an invitation: sets the password, activates, signs in; a link works once, for 7 days, and only the newest. */
import { env } from "./shard-env";
import { describe, expect, it } from "vitest";
import { api, unique } from "./helpers";
import { asPerson, cookieFrom, ORIGIN } from "./staff-helpers";
import { lastToken } from "./staff-mail-helpers";
import { costOf, verifyPassword } from "../src/staff/password";

const PASSWORD = "a long enough passphrase";

async function invited(o: Record<string, unknown> = {}) {
  const r = await api("/v1/users", { body: { email: `${unique("inv")}@staff.example`, display_name: "Mei Chen", positions: ["packer"], ...o } });
  if (r.status !== 201) throw new Error(`invite: ${r.status} ${JSON.stringify(r.body)}`);
  return { user: r.body, token: await lastToken(r.body.id, "invitation") };
}

const accept = (body: unknown, headers: Record<string, string> = {}) => api("/v1/auth/invitations/accept", { key: null, body, headers: { origin: ORIGIN, ...headers } });
const userRow = (id: string) => env.DIRECTORY.prepare("SELECT status, display_name, password_hash, version FROM users WHERE id = ?").bind(id).first<any>();
const activity = (id: string) => env.DIRECTORY.prepare("SELECT action FROM activity_log WHERE target = ? ORDER BY at, id").bind(id).all<{ action: string }>();

describe("accepting an invitation", () => {
  it("activates the person, sets their password and signs them in", async () => {
    const { user, token } = await invited();
    const r = await accept({ token, password: PASSWORD, display_name: "Mei C." });
    expect(r.status).toBe(200);
    expect(r.headers.get("cache-control")).toBe("no-store");
    expect(r.body).toMatchObject({ stage: "full", csrf_token: expect.any(String), user: { id: user.id, display_name: "Mei C.", positions: ["packer"] } });
    const cookie = cookieFrom(r.headers);
    expect(cookie).toBeTruthy();
    const row = await userRow(user.id);
    expect(row).toMatchObject({ status: "active", display_name: "Mei C." });
    expect((await verifyPassword(PASSWORD, row.password_hash, costOf(env))).ok).toBe(true);
    // The session works like any other: a packer reads shipments, not users.
    const s = { cookie: cookie!, csrf: r.body.csrf_token };
    expect((await asPerson(s, "/v1/shipments")).status).toBe(200);
    expect((await asPerson(s, "/v1/users")).status).toBe(403);
    expect((await activity(user.id)).results.map((a) => a.action)).toContain("invitation_accepted");
  });

  it("a link works once; a re-sent invitation kills the earlier link", async () => {
    const { user, token } = await invited();
    expect((await accept({ token, password: PASSWORD })).status).toBe(200);
    const again = await accept({ token, password: PASSWORD });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe("invalid_token");

    const second = await invited();
    await api(`/v1/users/${second.user.id}/invitation`, { method: "POST" });
    const newer = await lastToken(second.user.id, "invitation");
    expect(newer).not.toBe(second.token);
    expect((await accept({ token: second.token, password: PASSWORD })).status).toBe(400);
    expect((await accept({ token: newer, password: PASSWORD })).status).toBe(200);
    expect(user.id).not.toBe(second.user.id);
  });

  it("an expired link opens nothing", async () => {
    const { user, token } = await invited();
    await env.DIRECTORY.prepare("UPDATE user_tokens SET expires_at = ? WHERE user_id = ?")
      .bind(Date.now() - 1, user.id)
      .run();
    const r = await accept({ token, password: PASSWORD });
    expect(r.status).toBe(400);
    expect(cookieFrom(r.headers)).toBeNull();
    expect((await userRow(user.id)).status).toBe("invited");
  });

  it("a deactivated invitee's link opens nothing", async () => {
    const { user, token } = await invited();
    await api(`/v1/users/${user.id}`, { method: "PATCH", body: { status: "deactivated" } });
    expect((await accept({ token, password: PASSWORD })).status).toBe(400);
    expect((await userRow(user.id)).status).toBe("deactivated");
  });

  it("of concurrent accepts exactly one wins", async () => {
    const { user, token } = await invited();
    const results = await Promise.all([1, 2, 3, 4].map((i) => accept({ token, password: `${PASSWORD} ${i}` })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400, 400]);
    const sessions = await env.DIRECTORY.prepare("SELECT count(*) AS n FROM sessions WHERE user_id = ?").bind(user.id).first<{ n: number }>();
    expect(sessions!.n).toBe(1);
  });

  it("refuses bad input and a weak password without spending the link", async () => {
    const { user, token } = await invited({ email: `meichen${unique("x")}@staff.example` });
    const bad: [unknown, number][] = [
      [{ token, password: "short" }, 422],
      [{ token, password: "aaaaaaaaaaaaaaaa" }, 422],
      [{ token, password: `${user.email.split("@")[0]}-secret-1` }, 422],
      [{ token }, 422],
      [{ password: PASSWORD }, 422],
      [{ token, password: PASSWORD, extra: true }, 422],
      [{ token: "nonsense", password: PASSWORD }, 400],
    ];
    for (const [body, status] of bad) {
      const r = await accept(body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
    }
    expect((await userRow(user.id)).status).toBe("invited");
    // From another site: refused before anything happens.
    expect((await accept({ token, password: PASSWORD }, { origin: "https://evil.example" })).status).toBe(403);
    expect((await userRow(user.id)).status).toBe("invited");
    expect((await accept({ token, password: PASSWORD })).status).toBe(200);
  });

  it("a position that requires two-factor signs the new person in to enrol only", async () => {
    const pos = await api("/v1/positions", { body: { name: unique("secure"), permissions: ["orders:read"], require_two_factor: true } });
    const { token } = await invited({ positions: [pos.body.id] });
    const r = await accept({ token, password: PASSWORD });
    expect(r.status).toBe(200);
    expect(r.body.stage).toBe("enrol");
    expect((await asPerson({ cookie: cookieFrom(r.headers)!, csrf: r.body.csrf_token }, "/v1/orders")).status).toBe(403);
  });
});
