/**
 * Which database a piece of work runs on (docs/SHARDING.md, section 4). A shard is one D1 database holding whole
 * stock pools; the Worker reaches it through a static binding (`DB`, `DB_1`, …), so adding one is a deploy.
 *
 * The shard travels with the Worker's env: an entry point (the fetch handler, a queue batch, a cron job, an order's
 * object) decides the shard once and passes `onShard(env, shard)` down, and `database()` (src/db/client.ts) accepts
 * only an env that carries one. So no query can reach a database nobody chose: forgetting is a type error, not a
 * silent read of shard 0. Code that needs no shard (the directory, bindings other than D1) takes the env as it is.
 *
 * Today every entry point chooses shard 0, the database from before sharding (build step 2 of SHARDING.md section
 * 9); later steps find the shard from the store, the id or the message instead, at the same places.
 */

/** The D1 bindings that are shards, as wrangler.toml names them (the directory's `shards.binding`). */
export const SHARD_BINDINGS = ["DB", "DB_1"] as const;
export type ShardBinding = (typeof SHARD_BINDINGS)[number];

export type Shard = {
  /** Stable name, as the directory's `shards.id` (`s0`, `s1`, …). */
  readonly id: string;
  readonly binding: ShardBinding;
};

/** Shard 0: `DB`, the database from before sharding, where every id made before store tags lives. */
export const SHARD_ZERO: Shard = Object.freeze({ id: "s0", binding: "DB" });

/** An env that has chosen its shard. */
export type OnShard<E = object> = E & { readonly shard: Shard };

/** What the database layer needs of an env on a shard: the shard, and the binding it names. */
export type ShardScope = { readonly shard: Shard } & Partial<Record<ShardBinding, D1Database>>;

/** The copies `onShard` made, per env and shard: nothing writes to an env, so one copy serves every request. */
const placed = new WeakMap<object, Map<string, object>>();

/**
 * `env` with `shard` chosen: a shallow copy, so that code spreading an env (`{ ...env, X }`, as tests do) keeps every
 * binding and the shard. An env already on that shard is returned as it is. The copy is made once per env and shard
 * and kept: the Worker's env is one object for the isolate, and copying its few dozen bindings on every request,
 * batch and object was 1.7% of the Worker's CPU in the whole-order bench's profile.
 */
export function onShard<E extends object>(env: E, shard: Shard): OnShard<E> {
  if ((env as Partial<OnShard>).shard === shard) return env as OnShard<E>;
  let copies = placed.get(env);
  if (!copies) placed.set(env, (copies = new Map()));
  const key = `${shard.id}\u0000${shard.binding}`;
  let on = copies.get(key) as OnShard<E> | undefined;
  if (!on) copies.set(key, (on = { ...env, shard }));
  return on;
}

/** The D1 binding of the env's shard. */
export function shardBinding(env: ShardScope): D1Database {
  // The types demand a shard; this catches an env cast past them (`as Env`) before it reaches some database.
  if (!env.shard) throw new Error("database(): this env has chosen no shard; entry points pass onShard(env, shard) (src/db/shard.ts)");
  const binding = env[env.shard.binding];
  if (!binding) throw new Error(`no D1 binding ${env.shard.binding} for shard ${env.shard.id} (wrangler.toml [[d1_databases]])`);
  return binding;
}

/**
 * Runs `job` once per shard of `shards` (the crons give `shardsInUse`, src/db/homes.ts): each gets the env on its
 * shard. `atOnce` shards at a time, in the order given (1, the default: one after another). A failure on one shard
 * does not stop the others; the first (in the order given) is thrown after all ran, so the cron still reports it.
 */
export async function forEachShard<E extends object>(
  env: E,
  job: (env: OnShard<E>) => Promise<unknown>,
  shards: readonly Shard[],
  { atOnce = 1 }: { atOnce?: number } = {},
): Promise<void> {
  const failures: ({ error: unknown } | undefined)[] = [];
  let next = 0;
  const worker = async () => {
    while (next < shards.length) {
      const i = next++;
      try {
        await job(onShard(env, shards[i]!));
      } catch (error) {
        failures[i] = { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(atOnce, shards.length)) }, worker));
  const failed = failures.find((f) => f !== undefined);
  if (failed) throw failed.error;
}

/**
 * `run` once per shard among `items` (`shardFor` says where each lives), with the env on that shard (`env` itself
 * when it is there already, keeping its request's read session) and that shard's items; every answer together.
 */
export async function byShard<E extends object, T, R>(
  env: E & { readonly shard?: Shard },
  items: readonly T[],
  shardFor: (item: T) => Shard | Promise<Shard>,
  run: (onIt: OnShard<E>, items: T[]) => Promise<R[]>,
): Promise<R[]> {
  const groups = new Map<string, { shard: Shard; items: T[] }>();
  for (const item of items) {
    const shard = await shardFor(item);
    const group = groups.get(shard.id);
    if (group) group.items.push(item);
    else groups.set(shard.id, { shard, items: [item] });
  }
  const parts = await Promise.all([...groups.values()].map((g) => run(g.shard.id === env.shard?.id ? (env as OnShard<E>) : onShard(env, g.shard), g.items)));
  return parts.flat();
}

/**
 * `run` on `shard`: for work whose shard is known only once a request's body is read (a carrier's tracking webhook
 * names a parcel, whose route says the store) or that hands records over to another shard. `env` itself when it is
 * there already.
 */
export function onlyOn<E extends object, R>(env: E & { readonly shard?: Shard }, shard: Shard, run: (onIt: OnShard<E>) => Promise<R>): Promise<R> {
  return run(shard.id === env.shard?.id ? (env as OnShard<E>) : onShard(env, shard));
}
