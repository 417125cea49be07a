/**
 * The test suite's reset of the database (test/databases.ts), as a runner sharing one runtime between files
 * would run it: everything a file wrote is gone, what the migrations wrote is back, and the full-text index of
 * orders' external ids (a virtual table and its shadow tables, migrations/0037) is whole and empty, then follows
 * new orders again.
 */
import { env } from "./shard-env";
import { describe, expect, it } from "vitest";
import { resetDatabase } from "./databases";
import { api, createOrder, createStore, unique } from "./helpers";

const count = async (sql: string) => ((await env.DB.prepare(sql).first<{ n: number }>())?.n ?? 0) as number;
const matches = async (text: string) => (await env.DB.prepare("SELECT rowid FROM orders_external_fts WHERE orders_external_fts MATCH ?").bind(`"${text}"`).all()).results.length;
const integrityCheck = () => env.DB.prepare("INSERT INTO orders_external_fts(orders_external_fts, rank) VALUES ('integrity-check', 1)").run();

describe("resetting the database between files", () => {
  it("empties the orders and their trigram index without touching its shadow tables, and the index works after", async () => {
    const positions = await count("SELECT COUNT(*) AS n FROM positions");
    expect(positions).toBeGreaterThan(0);
    const store = await createStore();
    const ext = unique("RESET");
    await createOrder(store.id, { external_id: ext });
    expect(await matches(ext)).toBe(1);

    await resetDatabase(env.DB);

    expect(await count("SELECT COUNT(*) AS n FROM orders")).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM stores")).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM positions")).toBe(positions);
    expect(await matches(ext)).toBe(0);
    await integrityCheck();
    // The shadow tables were neither copied nor emptied as tables of their own.
    expect(await count("SELECT COUNT(*) AS n FROM sqlite_master WHERE name LIKE '\\_test\\_seed\\_orders\\_external\\_fts%' ESCAPE '\\'")).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM orders_external_fts_config")).toBeGreaterThan(0);

    const again = await createStore();
    const o = await createOrder(again.id, { external_id: ext });
    expect((await api(`/v1/orders?q=${encodeURIComponent(ext)}`)).body.data.map((x: { id: string }) => x.id)).toEqual([o.id]);
    await integrityCheck();
  });
});
