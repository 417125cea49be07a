import { afterEach, describe, expect, it, vi } from "vitest";
import { createProduct, createStore, unique } from "../../test/helpers";
import { envOf } from "../../test/shard-helpers";
import { CATALOGUE_CACHE_MS, forgetProduct, lookupSkus } from "./catalogue";

afterEach(() => vi.restoreAllMocks());

/** A store with two products, its shard's env, and a count of the catalogue reads its binding is asked for. */
async function shop() {
  const store = await createStore();
  const [tea, mug] = [unique("TEA"), unique("MUG")];
  await createProduct(store.id, tea, { name: "Tea" });
  await createProduct(store.id, mug, { name: "Mug" });
  const env = await envOf({ store: store.id });
  const binding = env[env.shard.binding] as D1Database;
  const prepare = binding.prepare.bind(binding);
  let reads = 0;
  vi.spyOn(binding, "prepare").mockImplementation((sql: string) => {
    if (/from "products"/.test(sql)) reads++;
    return prepare(sql);
  });
  return { store, tea, mug, env, reads: () => reads };
}

describe("the intake's catalogue lookups", () => {
  it("a lookup within the window reads nothing; lookups at the same moment each read, none waits for another's read", async () => {
    const { store, tea, mug, env, reads } = await shop();
    const first = await lookupSkus(env, store.id, [tea, mug]);
    expect(Object.fromEntries(first)).toEqual({ [tea]: { name: "Tea", type: "goods", active: true }, [mug]: { name: "Mug", type: "goods", active: true } });
    expect(reads()).toBe(1);
    // Cached: no read at all.
    await lookupSkus(env, store.id, [tea]);
    expect(reads()).toBe(1);

    // When the window ends under a burst, each lookup reads for itself: another's read belongs to another request,
    // which may end before it settles.
    const later = Date.now() + CATALOGUE_CACHE_MS + 1;
    vi.spyOn(Date, "now").mockReturnValue(later);
    const answers = await Promise.all(Array.from({ length: 5 }, () => lookupSkus(env, store.id, [mug, tea])));
    expect(reads()).toBe(6);
    for (const a of answers) expect(Object.fromEntries(a)).toEqual(Object.fromEntries(first));
    // And the answers fill the cache again.
    await lookupSkus(env, store.id, [mug, tea]);
    expect(reads()).toBe(6);
  });

  it("overlapping lookups each read what they miss; an unknown SKU is null", async () => {
    const { store, tea, mug, env, reads } = await shop();
    const [one, two] = await Promise.all([lookupSkus(env, store.id, [tea]), lookupSkus(env, store.id, [tea, mug, "NOPE"])]);
    expect(reads()).toBe(2);
    expect([...one.keys()]).toEqual([tea]);
    expect(Object.fromEntries(two)).toEqual({ [tea]: { name: "Tea", type: "goods", active: true }, [mug]: { name: "Mug", type: "goods", active: true }, NOPE: null });
  });

  it("a read that fails fails its lookup and leaves nothing cached: the next lookup reads again", async () => {
    const { store, tea, env, reads } = await shop();
    const binding = env[env.shard.binding] as D1Database;
    const prepare = vi.mocked(binding.prepare).getMockImplementation()!;
    vi.mocked(binding.prepare).mockImplementation((sql: string) => {
      if (/from "products"/.test(sql)) throw new Error("D1 is away");
      return prepare(sql);
    });
    const failed = await Promise.allSettled([lookupSkus(env, store.id, [tea]), lookupSkus(env, store.id, [tea])]);
    expect(failed.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    vi.mocked(binding.prepare).mockImplementation(prepare);
    expect((await lookupSkus(env, store.id, [tea])).get(tea)).toMatchObject({ name: "Tea" });
    expect(reads()).toBe(1);
  });

  it("a product changed while it is being read is read again, and the read under way is not cached", async () => {
    const { store, tea, env, reads } = await shop();
    const binding = env[env.shard.binding] as D1Database;
    // A lookup's read is under way when the product changes (save-product forgets it in this isolate).
    const before = lookupSkus(env, store.id, [tea]);
    forgetProduct(store.id, tea);
    await binding.prepare("UPDATE products SET name = 'Sencha' WHERE store_id = ? AND sku = ?").bind(store.id, tea).run();
    expect((await lookupSkus(env, store.id, [tea])).get(tea)).toMatchObject({ name: "Sencha" });
    await before;
    expect(reads()).toBe(2);
    // What is cached is the read made after the change.
    expect((await lookupSkus(env, store.id, [tea])).get(tea)).toMatchObject({ name: "Sencha" });
    expect(reads()).toBe(2);
  });
});
