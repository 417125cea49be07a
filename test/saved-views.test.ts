/** A person's saved views (/v1/me/saved-views): theirs alone, named uniquely per page, at most 50. */
import { env } from "./shard-env";
import { describe, expect, it } from "vitest";
import { api, createKey, createStore } from "./helpers";
import { asPerson, createUser, sessionFor } from "./staff-helpers";

const person = async (positions = ["support"]) => sessionFor((await createUser({ positions })).id);
const rowsOf = async (userId: string) => (await env.DIRECTORY.prepare("SELECT COUNT(*) AS n FROM saved_views WHERE user_id = ?").bind(userId).first<{ n: number }>())?.n ?? 0;

describe("saved views", () => {
  it("saves, lists by page and deletes a person's views", async () => {
    const me = await person();
    const made = await asPerson(me, "/v1/me/saved-views", { body: { name: "On hold", page: "orders", query: "status=on_hold" } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ id: expect.stringMatching(/^svw_/), name: "On hold", page: "orders", query: "status=on_hold" });
    await asPerson(me, "/v1/me/saved-views", { body: { name: "Waves", page: "floor", query: "" } });
    const list = await asPerson(me, "/v1/me/saved-views?page=orders");
    expect(list.body.data.map((v: { name: string }) => v.name)).toEqual(["On hold"]);
    expect((await asPerson(me, "/v1/me/saved-views")).body.data).toHaveLength(2);
    expect((await asPerson(me, `/v1/me/saved-views/${made.body.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await asPerson(me, "/v1/me/saved-views?page=orders")).body.data).toEqual([]);
    expect((await asPerson(me, `/v1/me/saved-views/${made.body.id}`, { method: "DELETE" })).status).toBe(404);
  });

  it("never shows or deletes another person's view", async () => {
    const a = await person();
    const b = await person(["admin"]);
    const mine = await asPerson(a, "/v1/me/saved-views", { body: { name: "Mine", page: "orders", query: "sku=TEA-1" } });
    expect((await asPerson(b, "/v1/me/saved-views")).body.data).toEqual([]);
    expect((await asPerson(b, `/v1/me/saved-views/${mine.body.id}`, { method: "DELETE" })).status).toBe(404);
    expect((await asPerson(a, "/v1/me/saved-views")).body.data).toHaveLength(1);
  });

  it("refuses a taken name, a bad name or query, and a 51st view, writing nothing", async () => {
    const user = await createUser({ positions: ["auditor"] });
    const me = await sessionFor(user.id);
    await asPerson(me, "/v1/me/saved-views", { body: { name: "Big", page: "orders", query: "total_min=100" } });
    const taken = await asPerson(me, "/v1/me/saved-views", { body: { name: "Big", page: "orders", query: "total_min=200" } });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe("saved_view_exists");
    for (const body of [
      { name: "", page: "orders", query: "" },
      { name: "   ", page: "orders", query: "" },
      { name: "x".repeat(61), page: "orders", query: "" },
      { name: "tab\there", page: "orders", query: "" },
      { name: "ok", page: "Orders!", query: "" },
      { name: "ok", page: "orders", query: "?status=x" },
      { name: "ok", page: "orders", query: "a b" },
      { name: "ok", page: "orders", query: "", extra: 1 },
    ]) {
      const r = await asPerson(me, "/v1/me/saved-views", { body });
      expect(r.status, JSON.stringify(body)).toBe(422);
    }
    expect(await rowsOf(user.id)).toBe(1);
    for (let i = 1; i < 50; i++) await asPerson(me, "/v1/me/saved-views", { body: { name: `v${i}`, page: "orders", query: "" } });
    expect(await rowsOf(user.id)).toBe(50);
    const full = await asPerson(me, "/v1/me/saved-views", { body: { name: "one more", page: "orders", query: "" } });
    expect(full.status).toBe(409);
    expect(full.body.code).toBe("saved_views_full");
    expect(await rowsOf(user.id)).toBe(50);
  });

  it("is a person's alone: API keys are refused", async () => {
    const store = await createStore();
    const key = await createKey("admin", [store.id]);
    expect((await api("/v1/me/saved-views", { key })).status).toBe(403);
    expect((await api("/v1/me/saved-views", { key, body: { name: "k", page: "orders", query: "" } })).status).toBe(403);
    expect((await api("/v1/me/saved-views")).status).toBe(403);
  });
});
