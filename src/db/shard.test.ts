import { describe, expect, it } from "vitest";
import { forEachShard, onShard, SHARD_ZERO, type Shard, shardBinding } from "./shard";

const fakeDb = (name: string) => ({ name }) as unknown as D1Database;

describe("onShard", () => {
  it("keeps every binding of the env and adds the shard, leaving the env itself as it was", () => {
    const env = { DB: fakeDb("zero"), DB_1: fakeDb("one"), QUEUE: "q" };
    const on = onShard(env, SHARD_ZERO);
    expect(on.shard).toBe(SHARD_ZERO);
    expect(on.DB).toBe(env.DB);
    expect(on.QUEUE).toBe("q");
    expect("shard" in env).toBe(false);
    // A spread of it (tests override a var this way) keeps the bindings and the shard.
    expect({ ...on, X: 1 }.shard).toBe(SHARD_ZERO);
  });

  it("returns an env already on that shard as it is, and moves one on another shard", () => {
    const other: Shard = { id: "s1", binding: "DB_1" };
    const on = onShard({ DB: fakeDb("zero"), DB_1: fakeDb("one") }, SHARD_ZERO);
    expect(onShard(on, SHARD_ZERO)).toBe(on);
    const moved = onShard(on, other);
    expect(moved.shard).toBe(other);
    expect(shardBinding(moved)).toBe(on.DB_1);
    expect(on.shard).toBe(SHARD_ZERO);
  });
});

describe("shardBinding", () => {
  it("is the binding the shard names", () => {
    const env = onShard({ DB: fakeDb("zero"), DB_1: fakeDb("one") }, SHARD_ZERO);
    expect(shardBinding(env)).toBe(env.DB);
  });

  it("refuses an env that chose no shard, and a shard whose binding the Worker lacks", () => {
    expect(() => shardBinding({ DB: fakeDb("zero") } as never)).toThrow(/chosen no shard/);
    expect(() => shardBinding(onShard({ DB: fakeDb("zero") }, { id: "s1", binding: "DB_1" }))).toThrow(/no D1 binding DB_1 for shard s1/);
  });
});

describe("forEachShard", () => {
  it("runs the job on each shard given, in order, each with the env on it", async () => {
    const seen: string[] = [];
    await forEachShard(
      { DB: fakeDb("zero"), DB_1: fakeDb("one") },
      async (env) => {
        seen.push(`${env.shard.id}:${(shardBinding(env) as unknown as { name: string }).name}`);
      },
      [SHARD_ZERO, { id: "s1", binding: "DB_1" }],
    );
    expect(seen).toEqual(["s0:zero", "s1:one"]);
  });

  it("runs every shard when one fails, then throws the first failure", async () => {
    const two: Shard[] = [SHARD_ZERO, { id: "s1", binding: "DB_1" }];
    const ran: string[] = [];
    const failing = forEachShard(
      {},
      async (env) => {
        ran.push(env.shard.id);
        throw new Error(`shard ${env.shard.id} failed`);
      },
      two,
    );
    await expect(failing).rejects.toThrow("shard s0 failed");
    expect(ran).toEqual(["s0", "s1"]);
  });

  it("runs `atOnce` shards at a time, never more, and still throws the first shard's failure", async () => {
    const shards: Shard[] = [SHARD_ZERO, ...[1, 2, 3, 4].map((n) => ({ id: `s${n}`, binding: n % 2 ? ("DB_1" as const) : ("DB" as const) }))];
    let running = 0;
    let most = 0;
    const started: string[] = [];
    const ended: string[] = [];
    const run = forEachShard(
      {},
      async (env) => {
        running++;
        most = Math.max(most, running);
        started.push(env.shard.id);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        ended.push(env.shard.id);
        if (env.shard.id === "s3" || env.shard.id === "s1") throw new Error(`shard ${env.shard.id} failed`);
      },
      shards,
      { atOnce: 2 },
    );
    await expect(run).rejects.toThrow("shard s1 failed");
    expect(started).toEqual(["s0", "s1", "s2", "s3", "s4"]);
    expect(ended.sort()).toEqual(["s0", "s1", "s2", "s3", "s4"]);
    // Two ran together (one after another would never have two running), and never three.
    expect(most).toBe(2);
  });
});
