import { env } from "../../test/shard-env";
import { eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { database, onPrimary, openReads, primaryBookmark, readD1, readDatabase, readOrPrimary } from "./client";
import { inBatch, perDatabase } from "./prepared";
import { stores } from "./schema";

afterEach(() => vi.restoreAllMocks());

const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;

describe("reads that may be stale (the seam in src/db/client.ts)", () => {
  it("outside a request's reads they are the primary's, the same instance as database()", () => {
    expect(readDatabase(env)).toBe(database(env));
  });

  it("a request's reads share one session, opened only when something reads through it", async () => {
    const spy = vi.spyOn(env.DB, "withSession");
    const idle = await openReads(env, "first-unconstrained", async () => "nothing read");
    expect(idle).toEqual({ result: "nothing read", bookmark: null });
    expect(spy).not.toHaveBeenCalled();

    const busy = await openReads(env, "first-unconstrained", async () => {
      const db = readDatabase(env);
      expect(db).not.toBe(database(env));
      await db.select({ id: stores.id }).from(stores).limit(1).all();
      await readD1(env).prepare("SELECT 1 AS n").first();
      await Promise.all([db.select({ id: stores.id }).from(stores).limit(1).all(), readD1(env).prepare("SELECT 2 AS n").first()]);
      return "read";
    });
    expect(busy.result).toBe("read");
    expect(busy.bookmark).toMatch(BOOKMARK);
    // Four statements, two drizzle and two raw, in one session: one withSession per request, not per statement.
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy).toHaveBeenCalledWith("first-unconstrained");
  });

  it("a session starts from the bookmark it is given and ends no older", async () => {
    const written = (await primaryBookmark(env))!;
    expect(written).toMatch(BOOKMARK);
    const spy = vi.spyOn(env.DB, "withSession");
    const reads = await openReads(env, written, () => readD1(env).prepare("SELECT 1").first());
    expect(spy).toHaveBeenCalledWith(written);
    expect(reads.bookmark! >= written).toBe(true);
  });

  it("inside a request's reads, onPrimary (a write's handler) reads the primary", async () => {
    await openReads(env, "first-unconstrained", async () => {
      await onPrimary(async () => {
        expect(readDatabase(env)).toBe(database(env));
      });
      expect(readDatabase(env)).not.toBe(database(env));
    });
  });

  it("a statement prepared once (src/db/prepared.ts) runs on the session of the request that runs it, not the one that built it", async () => {
    const statement = perDatabase((db) =>
      db
        .select({ id: stores.id })
        .from(stores)
        .where(eq(stores.id, sql.placeholder("id")))
        .prepare(),
    );
    const written = (await primaryBookmark(env))!;
    const spy = vi.spyOn(env.DB, "withSession");
    // Built inside the first request's reads...
    const first = await openReads(env, "first-unconstrained", () => statement(readDatabase(env)).all({ id: "st_none" }));
    expect(first.bookmark).toMatch(BOOKMARK);
    expect(spy).toHaveBeenCalledTimes(1);
    // ...run alone inside a second request's reads: it opens (and reads through) the second request's own session.
    const second = await openReads(env, written, () => statement(readDatabase(env)).all({ id: "st_none" }));
    expect(spy).toHaveBeenCalledTimes(2);
    expect(spy).toHaveBeenLastCalledWith(written);
    expect(second.bookmark! >= written).toBe(true);
    // ...and in a batch inside a third's.
    const third = await openReads(env, written, () => {
      const db = readDatabase(env);
      return db.batch([inBatch(statement(db), { id: "st_none" }), db.select({ id: stores.id }).from(stores).limit(1)]);
    });
    expect(spy).toHaveBeenCalledTimes(3);
    expect(third.bookmark! >= written).toBe(true);
    // And outside any request's reads, no session at all.
    await statement(readDatabase(env)).all({ id: "st_none" });
    expect(spy).toHaveBeenCalledTimes(3);
  });

  it("another binding (a shard) is not the request's: its reads are its primary's", async () => {
    const other = { ...env, DB: new Proxy(env.DB, {}) };
    await openReads(env, "first-unconstrained", async () => {
      expect(readDatabase(other)).toBe(database(other));
    });
  });

  it("readOrPrimary asks the primary again only when the session found nothing", async () => {
    const seen: boolean[] = [];
    const miss = await openReads(env, "first-unconstrained", () =>
      readOrPrimary(env, async (db) => {
        seen.push(db === database(env));
        return null;
      }),
    );
    expect(miss.result).toBeNull();
    expect(seen).toEqual([false, true]);

    seen.length = 0;
    const hit = await openReads(env, "first-unconstrained", () =>
      readOrPrimary(env, async (db) => {
        seen.push(db === database(env));
        return "found";
      }),
    );
    expect(hit.result).toBe("found");
    expect(seen).toEqual([false]);

    // Outside a request's reads: the primary, once.
    seen.length = 0;
    await readOrPrimary(env, async (db) => {
      seen.push(db === database(env));
      return null;
    });
    expect(seen).toEqual([true]);
  });

  it("with D1_TRACE on, a session's round trips are traced as @<entry>~replica and the primary's as before", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "warn").mockImplementation((line: string) => void lines.push(...line.split("\n")));
    const traced = { ...env, D1_TRACE: "1" };
    await openReads(traced, "first-unconstrained", async () => {
      await readD1(traced).prepare("SELECT 1 AS n").first();
      await onPrimary(() => readD1(traced).prepare("SELECT 2 AS n").first());
    });
    await primaryBookmark(traced);
    // (The `[d1]=`, `[d1]~` and `[d1]#` lines, the bytes, database time and rows of each answer, are the trace's own test.)
    expect(lines.filter((l) => !l.startsWith("[d1]=") && !l.startsWith("[d1]~") && !l.startsWith("[d1]#"))).toEqual([
      "[d1] 1 @unlabelled~replica SELECT 1 AS n",
      "[d1] 1 @unlabelled SELECT 2 AS n",
      "[d1] 1 @unlabelled SELECT 1",
    ]);
  });
});
