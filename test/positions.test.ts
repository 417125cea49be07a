/** Positions: built-in and custom, composing one, what it grants through keys and sessions, archiving, requiring two-factor. */
import { env } from "./shard-env";
import { describe, expect, it } from "vitest";
import { COMPOSABLE_PERMISSIONS, permissionsOf } from "../src/auth/roles";
import { stageAfterFirstFactor } from "../src/staff/stage";
import { api, createKey, createStore, unique } from "./helpers";
import { asPerson, createUser, sessionFor } from "./staff-helpers";

const compose = (o: Record<string, unknown> = {}, key?: string) => api("/v1/positions", { body: { name: unique("pos"), permissions: ["orders:read"], ...o }, key });
const count = async () => (await env.DIRECTORY.prepare("SELECT count(*) AS n FROM positions").first<{ n: number }>())!.n;

describe("listing positions", () => {
  it("shows every built-in position with its permissions, and custom ones with their holders", async () => {
    const made = await compose({ permissions: ["picking:execute", "shipments:read"], contact_scope: "ship_to", description: "Night shift" });
    await createUser({ positions: [made.body.id] });
    await createUser({ positions: [made.body.id, "picker"] });
    await createUser({ positions: [made.body.id], status: "deactivated" });
    const r = await api("/v1/positions");
    expect(r.status).toBe(200);
    const byId = Object.fromEntries(r.body.data.map((p: any) => [p.id, p]));
    expect(byId.picker).toMatchObject({ built_in: true, name: "Picker", contact_scope: "ship_to", permissions: [...permissionsOf("picker")] });
    expect(byId.admin.permissions).toContain("users:manage");
    expect(byId.admin.permissions).not.toContain("orders:transition");
    expect(byId[made.body.id]).toMatchObject({
      built_in: false,
      description: "Night shift",
      permissions: ["picking:execute", "shipments:read"],
      contact_scope: "ship_to",
      user_count: 2,
      archived_at: null,
    });
    expect((await api(`/v1/positions/${made.body.id}`)).body.user_count).toBe(2);
    expect((await api("/v1/positions/pos_nope")).status).toBe(404);
    expect((await api("/v1/positions", { key: await createKey("picker", ["*"]) })).status).toBe(403);
    expect((await api("/v1/positions", { key: await createKey("warehouse_lead", ["*"]) })).status).toBe(200);
  });
});

describe("composing a position", () => {
  it("creates a custom position from composable permissions", async () => {
    const r = await compose({ permissions: ["orders:read", "labels:create"], require_two_factor: true });
    expect(r.status).toBe(201);
    expect(r.body.id).toMatch(/^pos_/);
    expect(r.headers.get("location")).toBe(`/v1/positions/${r.body.id}`);
    expect(r.body).toMatchObject({ built_in: false, contact_scope: "pseudonymous", require_two_factor: true, user_count: 0, version: 1 });
  });

  it("refuses bad input and writes nothing", async () => {
    const taken = (await compose()).body.name;
    const before = await count();
    for (const body of [
      { name: "", permissions: ["orders:read"] },
      { name: unique("p"), permissions: [] },
      { name: unique("p"), permissions: ["account:self"] },
      { name: unique("p"), permissions: ["orders:transition"] },
      { name: unique("p"), permissions: ["made:up"] },
      { name: unique("p"), permissions: ["orders:read"], contact_scope: "everything" },
      { name: unique("p"), permissions: ["orders:read"], built_in: true },
      { name: taken.toUpperCase(), permissions: ["orders:read"] },
      { name: "Picker", permissions: ["orders:read"] },
    ]) {
      const r = await api("/v1/positions", { body });
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
    }
    expect(await count()).toBe(before);
  });

  it("nobody composes what they do not hold; store-scoped principals change no positions", async () => {
    const hr = await compose({ permissions: ["users:read", "users:manage", "orders:read"] });
    const s = await sessionFor((await createUser({ positions: [hr.body.id] })).id);
    const before = await count();
    const r = await asPerson(s, "/v1/positions", { body: { name: unique("p"), permissions: ["orders:read", "reports:read"] } });
    expect(r.status).toBe(403);
    expect(await count()).toBe(before);
    expect((await asPerson(s, "/v1/positions", { body: { name: unique("p"), permissions: ["orders:read"] } })).status).toBe(201);
    // Nor change a built-in position that grants more than they hold.
    expect((await asPerson(s, "/v1/positions/finance", { method: "PATCH", body: { require_two_factor: true } })).status).toBe(403);
    const scoped = await createKey("admin", [(await createStore()).id]);
    expect((await compose({}, scoped)).status).toBe(403);
    expect((await api("/v1/positions/picker", { method: "PATCH", body: { description: "x" }, key: scoped })).status).toBe(403);
  });
});

describe("changing and archiving", () => {
  it("a custom position changes in full; a built-in one only its description and two-factor", async () => {
    const p = await compose();
    const r = await api(`/v1/positions/${p.body.id}`, {
      method: "PATCH",
      headers: { "if-match": '"1"' },
      body: { name: unique("renamed"), permissions: ["orders:read", "reports:read"], contact_scope: "contact" },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ permissions: ["orders:read", "reports:read"], contact_scope: "contact", version: 2 });
    expect((await api(`/v1/positions/${p.body.id}`, { method: "PATCH", headers: { "if-match": '"1"' }, body: { description: "late" } })).status).toBe(412);
    for (const body of [{ name: "Boss" }, { permissions: ["orders:read"] }, { contact_scope: "contact" }]) {
      const bad = await api("/v1/positions/packer", { method: "PATCH", body });
      expect(bad.status, JSON.stringify(body)).toBe(422);
    }
    expect((await api("/v1/positions/packer", { method: "PATCH", body: {} })).status).toBe(422);
    const ok = await api("/v1/positions/packer", { method: "PATCH", body: { description: "Packs and labels" } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ description: "Packs and labels", permissions: [...permissionsOf("packer")] });
    expect((await api("/v1/positions/pos_nope", { method: "PATCH", body: { description: "x" } })).status).toBe(404);
  });

  it("a custom position's grants work through a key and a session, change at once, and end when archived", async () => {
    const p = await compose({ permissions: ["orders:read"] });
    const key = await api("/v1/api-keys", { body: { name: "custom", role: p.body.id, store_ids: ["*"] } });
    expect(key.status).toBe(201);
    expect(key.body.role).toBe(p.body.id);
    expect((await api("/v1/api-keys")).body.data.find((k: any) => k.id === key.body.id).role).toBe(p.body.id);
    const person = await sessionFor((await createUser({ positions: [p.body.id, "picker"] })).id);
    expect((await api("/v1/orders", { key: key.body.key })).status).toBe(200);
    expect((await api("/v1/reports/freshness", { key: key.body.key })).status).toBe(403);
    expect((await asPerson(person, "/v1/orders")).status).toBe(200);
    expect((await asPerson(person, "/v1/reports/freshness")).status).toBe(403);

    await api(`/v1/positions/${p.body.id}`, { method: "PATCH", body: { permissions: ["reports:read"] } });
    // Sessions resolve positions per request: at once. (Keys within their 30 s cache.)
    expect((await asPerson(person, "/v1/reports/freshness")).status).toBe(200);
    expect((await asPerson(person, "/v1/orders")).status).toBe(403);

    const archived = await api(`/v1/positions/${p.body.id}`, { method: "DELETE" });
    expect(archived.status).toBe(200);
    expect(archived.body.archived_at).not.toBeNull();
    expect((await asPerson(person, "/v1/reports/freshness")).status).toBe(403);
    // The picker position still works.
    expect((await asPerson(person, "/v1/waves")).status).toBe(200);
    expect((await api("/v1/positions")).body.data.some((x: any) => x.id === p.body.id)).toBe(false);
    expect((await api("/v1/positions?include_archived=true")).body.data.some((x: any) => x.id === p.body.id)).toBe(true);
    // Archived: no new holders, no new keys, no more changes.
    expect((await api("/v1/users", { body: { email: `${unique("a")}@staff.example`, display_name: "A", positions: [p.body.id] } })).status).toBe(422);
    expect((await api("/v1/api-keys", { body: { name: "late", role: p.body.id, store_ids: ["*"] } })).status).toBe(422);
    expect((await api(`/v1/positions/${p.body.id}`, { method: "PATCH", body: { description: "x" } })).status).toBe(409);
    expect((await api("/v1/positions/admin", { method: "DELETE" })).status).toBe(409);
  });

  it("a key never holds a position that grants more than its maker", async () => {
    const keyMaker = await compose({ permissions: ["api_keys:manage", "orders:read"] });
    const maker = await createKey(keyMaker.body.id, ["*"]);
    const before = await env.DIRECTORY.prepare("SELECT count(*) AS n FROM api_keys").first<{ n: number }>();
    for (const role of ["admin", "analyst"]) {
      const r = await api("/v1/api-keys", { body: { name: "up", role, store_ids: ["*"] }, key: maker });
      expect(r.status, role).toBe(403);
    }
    expect(await env.DIRECTORY.prepare("SELECT count(*) AS n FROM api_keys").first<{ n: number }>()).toEqual(before);
    expect((await api("/v1/api-keys", { body: { name: "same", role: keyMaker.body.id, store_ids: ["*"] }, key: maker })).status).toBe(201);
    for (const role of ["wizard", "pos_", "pos_0000000000000000000000NONE"]) {
      expect((await api("/v1/api-keys", { body: { name: "x", role, store_ids: ["*"] } })).status, role).toBe(422);
    }
  });

  it("requiring two-factor sends the next sign-in to enrol", async () => {
    const p = await compose({ permissions: ["orders:read"] });
    const u = await createUser({ positions: ["packer", p.body.id] });
    const row = { id: u.id, positions: ["packer", p.body.id], totpEnabledAt: null };
    expect(await stageAfterFirstFactor(env, row)).toBe("full");
    expect((await api(`/v1/positions/${p.body.id}`, { method: "PATCH", body: { require_two_factor: true } })).body.require_two_factor).toBe(true);
    expect(await stageAfterFirstFactor(env, row)).toBe("enrol");
    // Archived, it requires nothing either.
    await api(`/v1/positions/${p.body.id}`, { method: "DELETE" });
    expect(await stageAfterFirstFactor(env, row)).toBe("full");
    // Built-in positions too.
    const lead = await createUser({ positions: ["finance"] });
    await api("/v1/positions/finance", { method: "PATCH", body: { require_two_factor: true } });
    expect(await stageAfterFirstFactor(env, { id: lead.id, positions: ["finance"], totpEnabledAt: null })).toBe("enrol");
    await api("/v1/positions/finance", { method: "PATCH", body: { require_two_factor: false } });
    expect(COMPOSABLE_PERMISSIONS).not.toContain("account:self");
  });
});
