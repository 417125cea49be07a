/**
 * Settings › Databases (src/console/settings/databases.tsx): the pools and their databases for an admin of every
 * store, moving a pool with one press (the API's steps run until the switch), the old copy removed once the routes'
 * cache has expired; a refusal re-renders the page with the API's problem and moves nothing; who may not see it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { forgetHomes } from "../src/db/homes";
import { flashOf, openPage, postForm, signedIn, textOf } from "./console-helpers";
import { migrateEveryDatabase } from "./databases";
import { api, createOrder, unique } from "./helpers";
import { env } from "./shard-env";

const setShardState = (id: string, state: "open" | "full") => env.DIRECTORY.prepare("UPDATE shards SET state = ? WHERE id = ?").bind(state, id).run();

/** A store of its own pool on shard 0 (the other shard marked full while it is placed), with an order. */
async function brand() {
  await setShardState("s1", "full");
  try {
    const r = await api("/v1/stores", { body: { name: unique("Nordic Kettle"), currency: "EUR", auto_audit: false, stock: "own" } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const pool = (await env.DIRECTORY.prepare("SELECT pool_id FROM store_homes WHERE store_id = ?").bind(r.body.id).first<{ pool_id: string }>())!.pool_id;
    const order = await createOrder(r.body.id);
    return { store: r.body as { id: string; name: string }, pool, order };
  } finally {
    await setShardState("s1", "open");
  }
}

const shardOfPool = async (pool: string) => (await env.DIRECTORY.prepare("SELECT shard_id FROM pools WHERE id = ?").bind(pool).first<{ shard_id: string }>())?.shard_id;

beforeAll(async () => {
  await migrateEveryDatabase();
  forgetHomes();
});

describe("Settings › Databases", () => {
  it("lists each database and pool with its stores, and moves a pool with one press; its order follows", async () => {
    const { store, pool, order } = await brand();
    const { session } = await signedIn(["admin"]);
    const index = await openPage("/console/settings", session);
    expect(textOf(index.html)).toContain("Databases");
    const page = await openPage("/console/settings/databases", session);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain(pool);
    expect(text).toContain(store.name);
    // With no store from before pools, the main pool moves like any other.
    expect(text).not.toContain("The main pool stays");
    expect(page.html).toMatch(/action="\/console\/settings\/databases\/pool_s0\/move"/);
    expect(page.html).toContain(`data-shard="s1"`);

    const moved = await postForm(`/console/settings/databases/${pool}/move`, session, { to_shard: "s1" });
    expect(moved.status).toBe(303);
    expect(flashOf(moved.headers)?.text).toMatch(new RegExp(`^${pool} is on s1\\. Writes waited \\d+ ms\\.$`));
    expect(await shardOfPool(pool)).toBe("s1");
    expect((await api(`/v1/orders/${order.id}`)).status).toBe(200);
    expect(await env.DB_1.prepare("SELECT count(*) AS n FROM orders WHERE id = ?").bind(order.id).first("n")).toBe(1);

    // Within the routes' cache the old copy stays, and the page offers to remove it.
    const after = await openPage("/console/settings/databases", session);
    expect(textOf(after.html)).toContain("Remove the old copy");
    const early = await postForm(`/console/settings/databases/${pool}/move`, session, { to_shard: "s1" });
    expect(flashOf(early.headers)?.text).toMatch(/is on s1\. Writes waited/);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM orders WHERE id = ?").bind(order.id).first("n")).toBe(1);
    // Thirty seconds later (the move's clock says when it switched), the same press removes it.
    await env.DIRECTORY.prepare("UPDATE pool_moves SET frozen_at = frozen_at - 31000, switched_at = switched_at - 31000 WHERE pool_id = ?").bind(pool).run();
    const done = await postForm(`/console/settings/databases/${pool}/move`, session, { to_shard: "s1" });
    expect(flashOf(done.headers)?.text).toBe(`${pool} is on s1, and the old copy is removed.`);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM orders WHERE id = ?").bind(order.id).first("n")).toBe(0);
  });

  it("shows the API's refusal on the page, with nothing moved", async () => {
    const { pool } = await brand();
    const { session } = await signedIn(["admin"]);
    const same = await postForm(`/console/settings/databases/${pool}/move`, session, { to_shard: "s0" });
    expect(same.status).toBe(409);
    expect(textOf(same.html)).toContain(`Pool ${pool} is on s0 already`);
    const unknown = await postForm(`/console/settings/databases/${pool}/move`, session, { to_shard: "s9" });
    expect(unknown.status).toBe(422);
    // A store from before pools keeps the main pool on s0: the page says so, and the API refuses it.
    const legacy = `st_legacy${crypto.randomUUID().slice(0, 8)}`;
    await env.DB.prepare("INSERT INTO stores (id, name, currency, created_at, updated_at) VALUES (?1, 'Old Tea House', 'USD', ?2, ?2)").bind(legacy, Date.now()).run();
    const listed = textOf((await openPage("/console/settings/databases", session)).html);
    expect(listed).toContain("Old Tea House (from before pools)");
    expect(listed).toContain("The main pool stays on s0");
    const main = await postForm("/console/settings/databases/pool_s0/move", session, { to_shard: "s1" });
    await env.DB.prepare("DELETE FROM stores WHERE id = ?").bind(legacy).run();
    expect(main.status).toBe(409);
    expect(textOf(main.html)).toContain(`${legacy} was made before stock pools`);
    expect(await shardOfPool("pool_s0")).toBe("s0");
    expect(await shardOfPool(pool)).toBe("s0");
    expect(await env.DIRECTORY.prepare("SELECT count(*) AS n FROM pool_moves WHERE pool_id = ?").bind(pool).first("n")).toBe(0);
  });

  it("is refused to anyone but an admin of every store, who may not move anything either", async () => {
    const { store, pool } = await brand();
    const picker = await signedIn(["picker"]);
    expect((await openPage("/console/settings/databases", picker.session)).status).toBe(403);
    expect(textOf((await openPage("/console/settings", picker.session)).html)).not.toContain("Databases");
    const scoped = await signedIn(["admin"], { storeIds: [store.id] });
    expect((await openPage("/console/settings/databases", scoped.session)).status).toBe(403);
    expect(textOf((await openPage("/console/settings", scoped.session)).html)).not.toContain("Databases");
    expect((await postForm(`/console/settings/databases/${pool}/move`, scoped.session, { to_shard: "s1" })).status).toBe(403);
    expect((await postForm(`/console/settings/databases/${pool}/move`, picker.session, { to_shard: "s1" })).status).toBe(403);
    expect(await shardOfPool(pool)).toBe("s0");
  });

  it("reads in zh-CN", async () => {
    const { pool } = await brand();
    const { session } = await signedIn(["admin"], { locale: "zh-CN" });
    const page = await openPage("/console/settings/databases", session, { cookie: "oms_console_lang=zh-CN" });
    const text = textOf(page.html);
    expect(text).toContain("数据库");
    expect(text).toContain("迁移到");
    expect(text).toContain(pool);
  });
});
