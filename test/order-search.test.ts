/**
 * The order search `q` (GET /v1/orders, and the console's search box on top of it): what each shape of text finds
 * (src/orders/search-terms.ts), the trigram index of external ids (migrations/0037) kept right by the triggers
 * through intake, edits, erasure and deletion, and store scope: a store-scoped reader never finds another store's
 * order through `q`.
 */
import { env } from "./shard-env";
import { beforeAll, describe, expect, it } from "vitest";
import { person, sync } from "./customer-helpers";
import { api, createKey, createOrder, createStore, expectInvalidQuery, orderBody, unique } from "./helpers";

let storeA: { id: string };
let storeB: { id: string };
let keyA: string;
const orders: Record<string, { id: string; external_id: string | null }> = {};
const buyer = person();

const search = async (query: string, key?: string) => {
  const r = await api(`/v1/orders?limit=200&${query}`, { key });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return (r.body.data as { id: string }[]).map((o) => o.id).sort();
};
const q = (text: string, more = "", key?: string) => search(`q=${encodeURIComponent(text)}${more}`, key);
const idsOf = (...names: string[]) => names.map((n) => orders[n]!.id).sort();

/** FTS5's own check of the index against its content table (orders): throws when they disagree. */
const indexIntact = async () => {
  await env.DB.prepare("INSERT INTO orders_external_fts(orders_external_fts, rank) VALUES ('integrity-check', 1)").run();
  return true;
};
/** The rowids the trigram index holds for a phrase, straight from the index. */
const indexed = async (text: string) => (await env.DB.prepare("SELECT rowid FROM orders_external_fts WHERE orders_external_fts MATCH ?").bind(`"${text}"`).all()).results.length;

beforeAll(async () => {
  storeA = await createStore(unique("search-a"));
  storeB = await createStore(unique("search-b"));
  keyA = await createKey("support", [storeA.id]);
  const make = async (name: string, storeId: string, external: string | undefined, extra: Record<string, unknown> = {}) => {
    orders[name] = await createOrder(storeId, { ...(external === undefined ? {} : { external_id: external }), ...extra });
  };
  await make("a1001", storeA.id, "#1001");
  await make("aAmazon", storeA.id, "112-7654321-0001");
  await make("aPercent", storeA.id, "50%_OFF-9");
  await make("aNone", storeA.id, undefined, { customer: { name: buyer.name, email: buyer.email, phone: buyer.phone } });
  await make("b1001", storeB.id, "#1001");
  await make("b10010", storeB.id, "#10010");
  await make("bShop", storeB.id, "SHOP-ÄBC-77");
});

describe("q by shape", () => {
  it("finds an external id by any substring, across every store, ASCII case ignored", async () => {
    expect(await q("1001")).toEqual(idsOf("a1001", "b1001", "b10010"));
    expect(await q("#1001")).toEqual(idsOf("a1001", "b1001", "b10010"));
    expect(await q("#10010")).toEqual(idsOf("b10010"));
    expect(await q("7654321")).toEqual(idsOf("aAmazon"));
    expect(await q("shop-äbc")).toEqual([]); // LIKE folds ASCII only, as before the index: Ä is not ä
    expect(await q("shop-Äbc")).toEqual(idsOf("bShop"));
    expect(await q("no-such-order-number")).toEqual([]);
  });

  it("takes %, _ and quotes as the characters they are, not as patterns or query syntax", async () => {
    expect(await q("50%_")).toEqual(idsOf("aPercent"));
    expect(await q("5%")).toEqual([]);
    expect(await q("1_0")).toEqual([]);
    for (const odd of ['"', '"""', 'a"b', "1001*", "NEAR(a b)", "a OR b", "^ab", "-1001"]) expect(await q(odd), odd).toEqual([]);
    expect(await q("-0001")).toEqual(idsOf("aAmazon"));
  });

  it("matches one and two characters too (without the trigram index)", async () => {
    expect(await q("%_", `&store_id=${storeA.id}`)).toEqual(idsOf("aPercent"));
    expect(await q("77", `&store_id=${storeB.id}`)).toEqual(idsOf("bShop"));
    expect(await q("Ä")).toEqual(idsOf("bShop"));
  });

  it("finds an order by its id, and only that order", async () => {
    expect(await q(orders.b10010!.id)).toEqual(idsOf("b10010"));
    expect(await q(orders.b10010!.id.slice(0, 20))).toEqual([]);
  });

  it("finds a customer's orders by exact email or phone through the blind index", async () => {
    expect(await q(buyer.email.toUpperCase())).toEqual(idsOf("aNone"));
    expect(await q(buyer.e164)).toEqual(idsOf("aNone"));
    expect(await q(buyer.word)).toEqual([]); // names are sealed, never searchable
  });

  it("answers text with an @ by email only, not as an external id", async () => {
    const odd = await createOrder(storeA.id, { external_id: `mail@${unique("x")}` });
    expect(await q(odd.external_id)).toEqual([]);
    expect(await q(odd.external_id.slice(0, 4))).toEqual([odd.id]);
  });

  it("narrows to a store with store_id", async () => {
    expect(await q("#1001", `&store_id=${storeB.id}`)).toEqual(idsOf("b1001", "b10010"));
    expect(await q("#1001", `&store_id=${storeA.id}`)).toEqual(idsOf("a1001"));
  });

  it("still applies every other filter to what the search finds (tested on the found rows, not through their indexes)", async () => {
    const tag = unique("F").toUpperCase();
    const held = await createOrder(storeB.id, { external_id: `${tag}-H`, note: "call me first" });
    expect((await api(`/v1/orders/${held.id}/audit`, { method: "POST" })).body.order.status).toBe("on_hold");
    const received = await createOrder(storeB.id, { external_id: `${tag}-R` });
    const inA = await createOrder(storeA.id, { external_id: `${tag}-A` });
    const soon = new Date(Date.now() + 60_000).toISOString();
    expect(await q(tag)).toEqual([held.id, received.id, inA.id].sort());
    expect(await q(tag, "&status=on_hold")).toEqual([held.id]);
    expect(await q(tag, `&status=received&store_id=${storeB.id}`)).toEqual([received.id]);
    expect(await q(tag, "&channel=pos")).toEqual([]);
    expect(await q(tag, `&created_from=${soon}`)).toEqual([]);
    expect(await q(tag, `&created_to=${soon}&store_id=${storeA.id}`)).toEqual([inA.id]);
    expect(await q(tag, "&sku=NO-SUCH-SKU")).toEqual([]);
    expect(await q(tag, `&ids=${received.id}`)).toEqual([received.id]);
    expect(await q(tag, "", keyA)).toEqual([inA.id]);
    expect(await q(tag, "&status=on_hold", keyA)).toEqual([]);
    expect(await q(held.id, `&store_id=${storeA.id}`)).toEqual([]);
    expect(await q(buyer.email, "&status=cancelled")).toEqual([]);
    const first = await api(`/v1/orders?q=${tag}&limit=1`);
    expect(first.body.data.map((o: any) => o.id)).toEqual([inA.id]);
    const rest = await search(`q=${tag}&cursor=${first.body.next_cursor}`);
    expect(rest).toEqual([held.id, received.id].sort());
  });

  it("pages a search newest first", async () => {
    const page1 = await api("/v1/orders?q=1001&limit=2");
    expect(page1.body.data.map((o: any) => o.id)).toEqual(idsOf("a1001", "b1001", "b10010").reverse().slice(0, 2));
    const page2 = await api(`/v1/orders?q=1001&limit=2&cursor=${page1.body.next_cursor}`);
    expect(page2.body.data.map((o: any) => o.id)).toEqual([idsOf("a1001", "b1001", "b10010")[0]]);
    expect(page2.body.next_cursor).toBeNull();
  });

  it("refuses an empty or overlong q with a problem, and searches nothing", async () => {
    expectInvalidQuery(await api("/v1/orders?q="), "q");
    expectInvalidQuery(await api(`/v1/orders?q=${"x".repeat(101)}`), "q");
  });
});

describe("a merchant with many stores", () => {
  it("finds a customer by email, phone and the customer filter across 60 stores, and a scoped key only in its own", async () => {
    // Each store the caller sees adds a (store, blind index) pair: bound as one JSON value, not one OR term per store,
    // which failed from 47 stores on (D1's expression depth of 100) with a 500.
    const many: { id: string }[] = [];
    for (let i = 0; i < 60; i++) many.push(await createStore(unique("many")));
    const p = person();
    const far = await createOrder(many[59]!.id, { customer: { name: p.name, email: p.email, phone: p.phone } });
    const near = await createOrder(many[0]!.id, { customer: { name: p.name, email: p.email } });
    expect(await q(p.email)).toEqual([far.id, near.id].sort());
    expect(await q(p.e164)).toEqual([far.id]);
    expect(await search(`customer=${encodeURIComponent(p.email)}`)).toEqual([far.id, near.id].sort());
    const scoped = await createKey(
      "support",
      many.slice(30).map((s) => s.id),
    );
    expect(await q(p.email, "", scoped)).toEqual([far.id]);
    expect(await q(p.email, `&store_id=${many[0]!.id}`)).toEqual([near.id]);
  });
});

describe("store scope", () => {
  it("never finds another store's order through q, by external id, id or email", async () => {
    expect(await q("1001", "", keyA)).toEqual(idsOf("a1001"));
    expect(await q(orders.b1001!.id, "", keyA)).toEqual([]);
    const other = await createOrder(storeB.id, { customer: { name: "B Buyer", email: buyer.email } });
    expect(await q(buyer.email, "", keyA)).toEqual(idsOf("aNone"));
    expect(await q(buyer.email)).toEqual([orders.aNone!.id, other.id].sort());
    // Naming the other store changes nothing: the key's scope still applies.
    expect(await search(`store_id=${storeB.id}&q=1001`, keyA)).toEqual([]);
  });
});

describe("the trigram index", () => {
  it("holds each new order's external id as intake writes it, and nothing for an order without one", async () => {
    const before = await indexed("#1001");
    const o = await createOrder(storeA.id, { external_id: `#1001-${unique("n")}` });
    expect(await indexed("#1001")).toBe(before + 1);
    expect(await q(o.external_id)).toEqual([o.id]);
    expect(await indexIntact()).toBe(true);
  });

  it("keeps two orders taken in at once, and one order for the same external id sent twice at once", async () => {
    const ext = unique("RACE");
    const [x, y] = await Promise.all([createOrder(storeA.id, { external_id: `${ext}-X` }), createOrder(storeB.id, { external_id: `${ext}-Y` })]);
    expect(await q(ext)).toEqual([x.id, y.id].sort());
    const same = unique("TWICE");
    const answers = await Promise.all([0, 1].map(() => api("/v1/orders", { body: orderBody(storeA.id, { external_id: same }) })));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await q(same)).toEqual([answers.find((r) => r.status === 201)!.body.id]);
    expect(await indexed(same)).toBe(1);
    expect(await indexIntact()).toBe(true);
  });

  it("follows an edit of the external id (no route edits it today: the trigger is there for any writer)", async () => {
    const o = await createOrder(storeA.id, { external_id: unique("OLD") });
    const next = unique("NEW");
    await env.DB.prepare("UPDATE orders SET external_id = ? WHERE id = ?").bind(next, o.id).run();
    expect(await q(o.external_id)).toEqual([]);
    expect(await q(next)).toEqual([o.id]);
    await env.DB.prepare("UPDATE orders SET external_id = NULL WHERE id = ?").bind(o.id).run();
    expect(await q(next)).toEqual([]);
    expect(await indexIntact()).toBe(true);
  });

  it("hides an archived order unless archived orders are asked for", async () => {
    const o = await createOrder(storeA.id, { external_id: unique("ARCH") });
    await env.DB.prepare("UPDATE orders SET archived_at = ? WHERE id = ?").bind(Date.now(), o.id).run();
    expect(await q(o.external_id)).toEqual([]);
    expect(await q(o.external_id, "&include_archived=true")).toEqual([o.id]);
  });

  it("after erasure: the order is no longer found by the email, still by its external id, and the index is whole", async () => {
    const p = person();
    const o = await createOrder(storeA.id, { external_id: unique("ERASE"), customer: { name: p.name, email: p.email, phone: p.phone } });
    await sync();
    expect(await q(p.email)).toEqual([o.id]);
    const customer = (await api(`/v1/customers?q=${encodeURIComponent(p.email)}`)).body.data[0];
    const r = await api(`/v1/customers/${customer.id}/erase`, { body: { reason: "Customer asked by email" } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await q(p.email)).toEqual([]);
    expect(await q(p.e164)).toEqual([]);
    expect(await q(o.external_id)).toEqual([o.id]);
    expect(await indexIntact()).toBe(true);
  });
});
