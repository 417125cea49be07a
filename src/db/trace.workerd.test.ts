import { env } from "../../test/shard-env";
import { drizzle } from "drizzle-orm/d1";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as schema from "./schema";
import { routeLabel, traceEntry, tracedD1 } from "./trace";

afterEach(() => vi.restoreAllMocks());

describe("the D1 trace", () => {
  it("logs one line per round trip, one per further statement of a batch, the bytes of each answer's rows and its time in the database, and answers as the binding does", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "warn").mockImplementation((line: string) => void lines.push(...line.split("\n")));
    const db = tracedD1(env.DB);
    expect(await db.prepare("SELECT ?1 + 1 AS n").bind(41).first<{ n: number }>()).toEqual({ n: 42 });
    const [a, b] = await db.batch([db.prepare("SELECT 1 AS n"), db.prepare("SELECT ?1 AS s").bind("x")]);
    expect([a!.results, b!.results]).toEqual([[{ n: 1 }], [{ s: "x" }]]);
    // Outside any entry (a route, a queue, a cron, an object's stage) a round trip is "@unlabelled".
    // Each answer's rows as JSON: {"n":42} is 8 bytes, [{"n":1}] 9 and [{"s":"x"}] 11. The time in the database is
    // D1's `meta.duration`, which a whole answer carries (a batch's, `all`, `run`) and `first()`'s row does not.
    expect(lines).toEqual([
      "[d1] 1 @unlabelled SELECT ?1 + 1 AS n",
      "[d1]= 8 @unlabelled SELECT ?1 + 1 AS n",
      "[d1] 2 @unlabelled SELECT 1 AS n",
      "[d1] + SELECT ?1 AS s",
      "[d1]= 9 @unlabelled SELECT 1 AS n",
      expect.stringMatching(/^\[d1\]~ \d+(\.\d+)? @unlabelled SELECT 1 AS n$/),
      "[d1]# 0 0 @unlabelled SELECT 1 AS n",
      "[d1]= 11 @unlabelled SELECT ?1 AS s",
      expect.stringMatching(/^\[d1\]~ \d+(\.\d+)? @unlabelled SELECT \?1 AS s$/),
      "[d1]# 0 0 @unlabelled SELECT ?1 AS s",
    ]);
  });

  it("names the entry a round trip ran under, routes with their ids as {id}", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "warn").mockImplementation((line: string) => void lines.push(...line.split("\n")));
    const db = tracedD1(env.DB);
    const label = () => routeLabel("POST", "/v1/shipments/shp_01M91K06G5490P13D77RDVKXQN/pack");
    await traceEntry({ D1_TRACE: "1" }, label, () => db.prepare("SELECT 1 AS n").first());
    // Without tracing on, nothing is labelled (the label is not even made).
    await traceEntry(
      {},
      () => {
        throw new Error("not called");
      },
      () => db.prepare("SELECT 2 AS n").first(),
    );
    expect(lines.filter((l) => !l.startsWith("[d1]=") && !l.startsWith("[d1]~"))).toEqual([
      "[d1]@ @POST_/v1/shipments/{id}/pack",
      "[d1] 1 @POST_/v1/shipments/{id}/pack SELECT 1 AS n",
      "[d1] 1 @unlabelled SELECT 2 AS n",
    ]);
    // A customer's link carries a token with a dot: every link is the one route.
    expect(routeLabel("GET", "/o/7HSP.l2wpd1QTRdVVMkO4aY2OGYhvQfC326hX")).toBe("GET /o/{id}");
  });

  it("counts the rows a write wrote, its index entries included, as D1 bills them", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "warn").mockImplementation((line: string) => void lines.push(...line.split("\n")));
    const db = tracedD1(env.DB);
    await db.prepare("CREATE TABLE IF NOT EXISTS trace_rows (id INTEGER PRIMARY KEY, k TEXT)").run();
    await db.prepare("CREATE INDEX IF NOT EXISTS trace_rows_k ON trace_rows (k)").run();
    lines.length = 0;
    await db.prepare("INSERT INTO trace_rows (k) VALUES ('a'), ('b')").run();
    const billed = lines.filter((l) => l.startsWith("[d1]#"));
    expect(billed).toHaveLength(1);
    const [, read, written] = /^\[d1\]# (\d+) (\d+) @unlabelled INSERT INTO trace_rows/.exec(billed[0]!) ?? [];
    // Two rows and their two index entries.
    expect(Number(written)).toBe(4);
    expect(Number(read)).toBeGreaterThanOrEqual(0);
  });

  it("serves drizzle, batches included", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "warn").mockImplementation((line: string) => void lines.push(...line.split("\n")));
    const db = drizzle(tracedD1(env.DB), { schema });
    const [stores, orders] = await db.batch([db.select({ id: schema.stores.id }).from(schema.stores).limit(1), db.select({ id: schema.orders.id }).from(schema.orders).limit(1)]);
    expect(Array.isArray(stores) && Array.isArray(orders)).toBe(true);
    expect(lines).toHaveLength(8);
    expect(lines.slice(2)).toEqual([
      expect.stringMatching(/^\[d1\]= \d+ @unlabelled select "id" from "stores"/),
      expect.stringMatching(/^\[d1\]~ [\d.]+ @unlabelled select "id" from "stores"/),
      expect.stringMatching(/^\[d1\]# \d+ 0 @unlabelled select "id" from "stores"/),
      expect.stringMatching(/^\[d1\]= \d+ @unlabelled select "id" from "orders"/),
      expect.stringMatching(/^\[d1\]~ [\d.]+ @unlabelled select "id" from "orders"/),
      expect.stringMatching(/^\[d1\]# \d+ 0 @unlabelled select "id" from "orders"/),
    ]);
    expect(lines[0]).toMatch(/^\[d1\] 2 @unlabelled select "id" from "stores" limit \?$/);
    expect(lines[1]).toMatch(/^\[d1\] \+ select "id" from "orders" limit \?$/);
  });
});
