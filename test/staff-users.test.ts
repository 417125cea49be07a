/**
 * The users API: inviting, listing, changing and deactivating staff, as
 * admins with keys and as signed-in people; who may give whom what.
 */
import { env } from "./shard-env";
import { describe, expect, it } from "vitest";
import { api, createKey, createStore, unique } from "./helpers";
import { asPerson, createUser, sessionFor } from "./staff-helpers";
import { emailsTo, waitForEmails } from "./staff-mail-helpers";

const invite = (o: Record<string, unknown> = {}) => ({ email: `${unique("inv")}@staff.example`, display_name: "Ana Lima", positions: ["picker"], ...o });
const count = async (table: string) => (await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())!.n;

describe("inviting", () => {
  it("creates an invited person and emails a link in their language, never in the answer", async () => {
    const r = await api("/v1/users", { body: invite({ locale: "zh-CN", positions: ["warehouse_lead", "picker"] }) });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      status: "invited",
      positions: ["warehouse_lead", "picker"],
      store_ids: ["*"],
      warehouse_ids: ["*"],
      locale: "zh-CN",
      version: 1,
      created_by: "bootstrap",
    });
    expect(r.headers.get("location")).toBe(`/v1/users/${r.body.id}`);
    expect(JSON.stringify(r.body)).not.toMatch(/token/i);
    const [mail] = await emailsTo(r.body.id, "invitation");
    expect(mail!.subject).toContain("受邀");
    expect(mail!.body).toMatch(/^.+\/console\/invitation#token=[A-Za-z0-9_-]{43}$/m);
    const tokens = await env.DIRECTORY.prepare("SELECT id, purpose, expires_at - created_at AS ttl FROM user_tokens WHERE user_id = ?").bind(r.body.id).all<any>();
    expect(tokens.results).toEqual([{ id: expect.stringMatching(/^[0-9a-f]{64}$/), purpose: "invitation", ttl: 7 * 24 * 3600 * 1000 }]);
    // The stored body is sealed at rest: the link is not in the table in clear.
    const raw = await env.DIRECTORY.prepare("SELECT body FROM staff_emails WHERE user_id = ?").bind(r.body.id).first<{ body: string }>();
    expect(raw!.body).not.toContain("#token=");
  });

  it("is idempotent with an Idempotency-Key", async () => {
    const body = invite();
    const headers = { "idempotency-key": unique("idem") };
    const a = await api("/v1/users", { body, headers });
    const b = await api("/v1/users", { body, headers });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers.get("idempotent-replayed")).toBe("true");
    expect(b.body.id).toBe(a.body.id);
    expect((await emailsTo(a.body.id, "invitation")).length).toBe(1);
  });

  it("refuses bad input with a problem and writes nothing", async () => {
    const taken = await createUser();
    const bad: [Record<string, unknown>, number, string?][] = [
      [invite({ email: "not-an-email" }), 422, "email"],
      [invite({ display_name: "" }), 422, "display_name"],
      [invite({ positions: [] }), 422, "positions"],
      [invite({ positions: ["picker", "packer", "finance", "owner", "support", "analyst"] }), 422, "positions"],
      [invite({ positions: ["wizard"] }), 422, "positions"],
      [invite({ positions: ["pos_0000000000000000000000NONE"] }), 422, "positions"],
      [invite({ positions: ["channel"] }), 422, "positions"],
      [invite({ positions: ["picker", "picker"] }), 422, "positions"],
      [invite({ locale: "fr" }), 422, "locale"],
      [invite({ store_ids: ["st_nope"] }), 422, "store_ids"],
      [invite({ store_ids: ["*", "st_x"] }), 422, "store_ids"],
      [invite({ warehouse_ids: ["wh_nope"] }), 422, "warehouse_ids"],
      [invite({ extra: 1, email: 5 }), 422, "email"],
      [invite({ email: taken.email }), 409],
    ];
    const before = [await count("users"), await count("user_tokens"), await count("staff_emails")];
    for (const [body, status, field] of bad) {
      const r = await api("/v1/users", { body });
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
      if (field)
        expect(
          r.body.errors.map((e: any) => e.field),
          JSON.stringify(r.body),
        ).toContain(field);
    }
    expect((await api("/v1/users", { body: "{", headers: { "content-type": "application/json" } })).status).toBe(400);
    expect([await count("users"), await count("user_tokens"), await count("staff_emails")]).toEqual(before);
  });

  it("nobody gives a position with permissions they lack, or stores beyond their own", async () => {
    const store = await createStore();
    const other = await createStore();
    const lead = await createUser({ positions: ["warehouse_lead"] });
    // A lead has users:read, not users:manage: refused at the door.
    expect((await asPerson(await sessionFor(lead.id), "/v1/users", { body: invite() })).status).toBe(403);
    const scoped = await createUser({ positions: ["admin"], storeIds: [store.id] });
    const s = await sessionFor(scoped.id);
    const before = await count("users");
    for (const body of [invite({ store_ids: ["*"] }), invite({ store_ids: [other.id] }), invite({ store_ids: [store.id, other.id] })]) {
      const r = await asPerson(s, "/v1/users", { body });
      expect(r.status, JSON.stringify(body)).toBe(403);
      expect(r.body.code).toBe("forbidden");
    }
    expect(await count("users")).toBe(before);
    const ok = await asPerson(s, "/v1/users", { body: invite({ store_ids: [store.id] }) });
    expect(ok.status).toBe(201);
    expect(ok.body.created_by).toBe(scoped.id);
    // A custom position with users:manage but not finance's permissions cannot hand out finance.
    const pos = await api("/v1/positions", { body: { name: unique("hr"), permissions: ["users:read", "users:manage", "orders:read"] } });
    expect(pos.status, JSON.stringify(pos.body)).toBe(201);
    const hr = await createUser({ positions: [pos.body.id] });
    const h = await sessionFor(hr.id);
    const refused = await asPerson(h, "/v1/users", { body: invite({ positions: ["finance"] }) });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain("finance");
    expect((await asPerson(h, "/v1/users", { body: invite({ positions: [pos.body.id] }) })).status).toBe(201);
  });
});

describe("listing and reading", () => {
  it("filters by status, position and name or email, pages with a cursor, and a store-scoped admin sees only their stores' people", async () => {
    const store = await createStore();
    const tag = unique("zz");
    const a = await createUser({ positions: ["packer"], storeIds: [store.id], displayName: `Packer ${tag}` });
    const b = await createUser({ positions: ["packer"], storeIds: ["*"], displayName: `Other ${tag}` });
    const c = await createUser({ positions: ["finance"], storeIds: [store.id], email: `${tag}@staff.example`, status: "deactivated" });
    const all = await api(`/v1/users?q=${tag}`);
    expect(all.status).toBe(200);
    expect(all.body.data.map((u: any) => u.id)).toEqual([c.id, b.id, a.id]);
    expect((await api(`/v1/users?q=${tag}&position=packer`)).body.data.map((u: any) => u.id)).toEqual([b.id, a.id]);
    expect((await api(`/v1/users?q=${tag}&status=deactivated`)).body.data.map((u: any) => u.id)).toEqual([c.id]);
    const page1 = await api(`/v1/users?q=${tag}&limit=2`);
    expect(page1.body.data.length).toBe(2);
    const page2 = await api(`/v1/users?q=${tag}&limit=2&cursor=${page1.body.next_cursor}`);
    expect(page2.body.data.map((u: any) => u.id)).toEqual([a.id]);
    expect(page2.body.next_cursor).toBeNull();
    expect((await api("/v1/users?status=gone")).status).toBe(400);
    expect((await api("/v1/users?cursor=%%%")).status).toBe(400);

    const scoped = await createKey("admin", [store.id]);
    expect((await api(`/v1/users?q=${tag}`, { key: scoped })).body.data.map((u: any) => u.id)).toEqual([c.id, a.id]);
    expect((await api(`/v1/users/${b.id}`, { key: scoped })).status).toBe(404);
    const one = await api(`/v1/users/${a.id}`, { key: scoped });
    expect(one.status).toBe(200);
    expect(one.headers.get("etag")).toBe('"1"');
    expect(one.body).not.toHaveProperty("password_hash");
    expect((await api("/v1/users/usr_nobody")).status).toBe(404);
    // Owners read the staff; pickers do not.
    expect((await api(`/v1/users/${a.id}`, { key: await createKey("owner", ["*"]) })).status).toBe(200);
    expect((await api(`/v1/users/${a.id}`, { key: await createKey("picker", ["*"]) })).status).toBe(403);
  });
});

describe("changing", () => {
  it("changes name, positions, scope and language with If-Match", async () => {
    const store = await createStore();
    const u = await createUser({ positions: ["picker"] });
    const r = await api(`/v1/users/${u.id}`, {
      method: "PATCH",
      headers: { "if-match": '"1"' },
      body: { display_name: "Bo", positions: ["packer", "picker"], store_ids: [store.id], locale: "zh-CN" },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ display_name: "Bo", positions: ["packer", "picker"], store_ids: [store.id], locale: "zh-CN", version: 2 });
    expect(r.headers.get("etag")).toBe('"2"');
    const stale = await api(`/v1/users/${u.id}`, { method: "PATCH", headers: { "if-match": '"1"' }, body: { display_name: "Late" } });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe("version_mismatch");
    expect((await api(`/v1/users/${u.id}`, { method: "PATCH", headers: { "if-match": "nonsense" }, body: { display_name: "X" } })).status).toBe(400);
    for (const body of [{}, { status: "invited" }, { positions: ["nope"] }, { email: "x@y.z" }, { locale: "de" }]) {
      const bad = await api(`/v1/users/${u.id}`, { method: "PATCH", body });
      expect(bad.status, JSON.stringify(body)).toBe(422);
    }
    expect((await api(`/v1/users/${u.id}`)).body.version).toBe(2);
    expect((await api("/v1/users/usr_nobody", { method: "PATCH", body: { display_name: "x" } })).status).toBe(404);
  });

  it("a store-scoped admin cannot touch people beyond their stores, nor widen anyone", async () => {
    const store = await createStore();
    const scoped = await createKey("admin", [store.id]);
    const outside = await createUser({ positions: ["picker"] });
    const inside = await createUser({ positions: ["picker"], storeIds: [store.id] });
    expect((await api(`/v1/users/${outside.id}`, { method: "PATCH", body: { display_name: "x" }, key: scoped })).status).toBe(404);
    const widen = await api(`/v1/users/${inside.id}`, { method: "PATCH", body: { store_ids: ["*"] }, key: scoped });
    expect(widen.status).toBe(403);
    expect((await api(`/v1/users/${inside.id}`)).body.store_ids).toEqual([store.id]);
  });

  it("nobody changes a person who holds more than they do", async () => {
    const hrPos = await api("/v1/positions", { body: { name: unique("hr"), permissions: ["users:read", "users:manage"] } });
    const hr = await sessionFor((await createUser({ positions: [hrPos.body.id] })).id);
    const boss = await createUser({ positions: ["finance"] });
    const r = await asPerson(hr, `/v1/users/${boss.id}`, { method: "PATCH", body: { status: "deactivated" } });
    expect(r.status).toBe(403);
    expect((await api(`/v1/users/${boss.id}`)).body.status).toBe("active");
  });

  it("an admin cannot deactivate themselves, and the last active admin stays", async () => {
    const me = await createUser({ positions: ["admin"] });
    const s = await sessionFor(me.id);
    const self = await asPerson(s, `/v1/users/${me.id}`, { method: "PATCH", body: { status: "deactivated" } });
    expect(self.status).toBe(409);
    expect(self.body.code).toBe("cannot_deactivate_self");
    // Leave exactly one active admin: deactivate every other active admin straight in D1.
    await env.DIRECTORY.prepare(
      "UPDATE users SET status = 'deactivated' WHERE id != ? AND status = 'active' AND EXISTS (SELECT 1 FROM json_each(users.positions) WHERE value = 'admin')",
    )
      .bind(me.id)
      .run();
    for (const body of [{ status: "deactivated" }, { positions: ["owner"] }]) {
      const r = await api(`/v1/users/${me.id}`, { method: "PATCH", body });
      expect(r.status, JSON.stringify(body)).toBe(409);
      expect(r.body.code).toBe("last_admin");
    }
    expect((await api(`/v1/users/${me.id}`)).body).toMatchObject({ status: "active", positions: ["admin"] });
    // With a second admin, either may go, but not both at once.
    const second = await createUser({ positions: ["admin"] });
    const both = await Promise.all([me.id, second.id].map((id) => api(`/v1/users/${id}`, { method: "PATCH", body: { status: "deactivated" } })));
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const left = await env.DIRECTORY.prepare(
      "SELECT count(*) AS n FROM users WHERE status = 'active' AND EXISTS (SELECT 1 FROM json_each(users.positions) WHERE value = 'admin')",
    ).first<{
      n: number;
    }>();
    expect(left!.n).toBe(1);
    // Put the other admins back for the files that run after.
    await env.DIRECTORY.prepare(
      "UPDATE users SET status = 'active' WHERE EXISTS (SELECT 1 FROM json_each(users.positions) WHERE value = 'admin') AND password_hash IS NOT NULL",
    ).run();
  });

  it("deactivation ends the person's sessions, links and keys at once", async () => {
    const person = await createUser({ positions: ["admin"] });
    const s = await sessionFor(person.id);
    const made = await asPerson(s, "/v1/api-keys", { body: { name: "theirs", role: "analyst", store_ids: ["*"] } });
    expect(made.status).toBe(201);
    // The key works and is now in this isolate's cache.
    expect((await api("/v1/orders", { key: made.body.key })).status).toBe(200);
    expect((await asPerson(s, "/v1/users")).status).toBe(200);
    await api("/v1/auth/password-resets", { key: null, body: { email: person.email } });
    await waitForEmails(person.id, "password_reset");
    const r = await api(`/v1/users/${person.id}`, { method: "PATCH", body: { status: "deactivated" } });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe("deactivated");
    expect(r.body.deactivated_at).not.toBeNull();
    expect((await asPerson(s, "/v1/users")).status).toBe(401);
    expect((await api("/v1/orders", { key: made.body.key })).status).toBe(401);
    const live = await env.DIRECTORY.prepare("SELECT count(*) AS n FROM user_tokens WHERE user_id = ? AND used_at IS NULL").bind(person.id).first<{ n: number }>();
    expect(live!.n).toBe(0);
    const sess = await env.DIRECTORY.prepare("SELECT revoked_reason FROM sessions WHERE user_id = ?").bind(person.id).all<any>();
    expect(sess.results.map((x) => x.revoked_reason)).toEqual(["deactivated"]);
    // Back to active: signing in works again (nothing else comes back).
    expect((await api(`/v1/users/${person.id}`, { method: "PATCH", body: { status: "active" } })).body.status).toBe("active");
    expect((await api("/v1/orders", { key: made.body.key })).status).toBe(401);
  });
});

describe("re-sending an invitation", () => {
  it("issues a new link and kills the old one; only for invited people", async () => {
    const r = await api("/v1/users", { body: invite() });
    const again = await api(`/v1/users/${r.body.id}/invitation`, { method: "POST" });
    expect(again.status).toBe(202);
    expect((await emailsTo(r.body.id, "invitation")).length).toBe(2);
    const live = await env.DIRECTORY.prepare("SELECT count(*) AS n FROM user_tokens WHERE user_id = ? AND used_at IS NULL").bind(r.body.id).first<{ n: number }>();
    expect(live!.n).toBe(1);
    const active = await createUser();
    const no = await api(`/v1/users/${active.id}/invitation`, { method: "POST" });
    expect(no.status).toBe(409);
    expect(no.body.code).toBe("not_invited");
    expect((await api("/v1/users/usr_nobody/invitation", { method: "POST" })).status).toBe(404);
  });
});
