/**
 * Auditors claim the orders they review, so two never work one order at
 * once; staff leave each other internal notes on an order, which the
 * customer never reads.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, createKey, createOrder, createStore, transition, unique } from "./helpers";
import { openLink, mintLink } from "./customer-visit";
import { asPerson, createUser, sessionFor } from "./staff-helpers";

let store: { id: string };
let otherStore: { id: string };
const who = {} as Record<
  "ada" | "bo" | "manager" | "support" | "finance" | "picker" | "analyst" | "channel" | "scoped",
  { id: string; call: (path: string, init?: any) => ReturnType<typeof api> }
>;

async function person(positions: string[], storeIds?: string[]) {
  const u = await createUser({ positions, storeIds });
  const s = await sessionFor(u.id);
  return { id: u.id, call: (path: string, init: any = {}) => asPerson(s, path, init) };
}

async function heldOrder(storeId = store.id) {
  const o = await createOrder(storeId);
  expect((await transition(o.id, "hold", { reason: "check the address" })).status).toBe(200);
  return o.id as string;
}

beforeAll(async () => {
  store = await createStore(unique("review"));
  otherStore = await createStore(unique("review-other"));
  who.ada = await person(["auditor"]);
  who.bo = await person(["auditor"]);
  who.manager = await person(["admin"]);
  who.support = await person(["support"]);
  who.finance = await person(["finance"]);
  who.picker = await person(["picker"]);
  who.analyst = await person(["analyst"]);
  who.scoped = await person(["auditor"], [otherStore.id]);
  const channelKey = await createKey("channel", [store.id]);
  who.channel = { id: "channel", call: (path, init = {}) => api(path, { ...init, key: channelKey }) };
});

describe("claims", () => {
  it("an auditor claims a held order for 15 minutes; re-claiming extends it; the queue names the holder", async () => {
    const id = await heldOrder();
    const first = await who.ada.call(`/v1/orders/${id}/claim`, { method: "POST" });
    expect(first.status).toBe(200);
    expect(first.body.claimed_by.id).toBe(who.ada.id);
    const left = Date.parse(first.body.claimed_by.until) - Date.now();
    expect(left).toBeGreaterThan(14 * 60_000);
    expect(left).toBeLessThanOrEqual(15 * 60_000);
    await new Promise((r) => setTimeout(r, 5));
    const again = await who.ada.call(`/v1/orders/${id}/claim`, { method: "POST" });
    expect(again.status).toBe(200);
    expect(Date.parse(again.body.claimed_by.until)).toBeGreaterThan(Date.parse(first.body.claimed_by.until));
    expect(again.body.claimed_at).toBe(first.body.claimed_at);

    const queue = await who.bo.call(`/v1/review-queue?store_id=${store.id}`);
    const item = queue.body.data.find((i: any) => i.order.id === id);
    expect(item.claimed_by).toMatchObject({ id: who.ada.id, until: again.body.claimed_by.until });
    expect(item.claimed_by.name).toBeTruthy();
    expect((await who.analyst.call(`/v1/orders/${id}/claim`)).body).toEqual({ order_id: id, claimed_by: item.claimed_by });
  });

  it("someone else's live claim is a 409 `claimed` naming who and until when", async () => {
    const id = await heldOrder();
    const mine = await who.ada.call(`/v1/orders/${id}/claim`, { method: "POST" });
    const theirs = await who.bo.call(`/v1/orders/${id}/claim`, { method: "POST" });
    expect(theirs.status).toBe(409);
    expect(theirs.headers.get("content-type")).toBe("application/problem+json");
    expect(theirs.body.code).toBe("claimed");
    expect(theirs.body.claimed_by).toEqual(mine.body.claimed_by);
    expect(theirs.body.detail).toContain(mine.body.claimed_by.name);
  });

  it("two auditors claiming at once: exactly one wins", async () => {
    for (let round = 0; round < 3; round++) {
      const id = await heldOrder();
      const [a, b] = await Promise.all([who.ada.call(`/v1/orders/${id}/claim`, { method: "POST" }), who.bo.call(`/v1/orders/${id}/claim`, { method: "POST" })]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const winner = a.status === 200 ? who.ada.id : who.bo.id;
      const item = (await api(`/v1/review-queue?store_id=${store.id}`)).body.data.find((i: any) => i.order.id === id);
      expect(item.claimed_by.id).toBe(winner);
    }
  });

  it("only the holder releases, or someone who manages audits; then anyone may claim", async () => {
    const id = await heldOrder();
    await who.ada.call(`/v1/orders/${id}/claim`, { method: "POST" });
    const refused = await who.bo.call(`/v1/orders/${id}/claim`, { method: "DELETE" });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("claimed");
    const released = await who.ada.call(`/v1/orders/${id}/claim`, { method: "DELETE" });
    expect(released.body).toEqual({ order_id: id, released: true });
    expect((await who.bo.call(`/v1/orders/${id}/claim`, { method: "POST" })).status).toBe(200);
    const byManager = await who.manager.call(`/v1/orders/${id}/claim`, { method: "DELETE" });
    expect(byManager.body).toEqual({ order_id: id, released: true });
    expect((await who.ada.call(`/v1/orders/${id}/claim`, { method: "DELETE" })).body.released).toBe(false);
  });

  it("a claim ends when the order leaves the queue, and an order out of the queue cannot be claimed", async () => {
    const id = await heldOrder();
    await who.ada.call(`/v1/orders/${id}/claim`, { method: "POST" });
    expect((await transition(id, "approve")).status).toBe(200);
    const r = await who.bo.call(`/v1/orders/${id}/claim`, { method: "POST" });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("not_in_review");
    // The approver's old claim does not block a release either.
    expect((await who.bo.call(`/v1/orders/${id}/claim`, { method: "DELETE" })).body.released).toBe(false);
    expect((await who.ada.call(`/v1/orders/${id}/claim`)).body.claimed_by).toBeNull();
  });

  it("an order held again after its approval comes back unclaimed, even within the old claim's 15 minutes", async () => {
    const id = await heldOrder();
    const old = await who.ada.call(`/v1/orders/${id}/claim`, { method: "POST" });
    expect(old.status).toBe(200);
    expect((await transition(id, "approve")).status).toBe(200);
    expect((await transition(id, "hold", { reason: "the customer asked to wait" })).status).toBe(200);

    expect((await who.bo.call(`/v1/orders/${id}/claim`)).body.claimed_by).toBeNull();
    const queue = await who.bo.call(`/v1/review-queue?store_id=${store.id}&claimed=none`);
    expect(queue.body.data.map((i: any) => i.order.id)).toContain(id);
    // Bo may take it now; Ada's old claim neither blocks nor comes back.
    const bo = await who.bo.call(`/v1/orders/${id}/claim`, { method: "POST" });
    expect(bo.status).toBe(200);
    expect(bo.body.claimed_by.id).toBe(who.bo.id);
    expect((await who.ada.call(`/v1/orders/${id}/claim`, { method: "POST" })).body.code).toBe("claimed");

    // The same holder claiming again after a round trip starts a new claim rather than extending the old one.
    const id2 = await heldOrder();
    const first = await who.ada.call(`/v1/orders/${id2}/claim`, { method: "POST" });
    await transition(id2, "approve");
    await new Promise((r) => setTimeout(r, 5));
    await transition(id2, "hold", { reason: "check the address" });
    const again = await who.ada.call(`/v1/orders/${id2}/claim`, { method: "POST" });
    expect(again.status).toBe(200);
    expect(Date.parse(again.body.claimed_at)).toBeGreaterThan(Date.parse(first.body.claimed_at));
    expect((await who.bo.call(`/v1/orders/${id2}/claim`)).body.claimed_by.id).toBe(who.ada.id);
  });

  it("filters the queue by claimed=mine|others|none", async () => {
    const s = await createStore(unique("claims-filter"));
    const [a, b, none] = [await heldOrder(s.id), await heldOrder(s.id), await heldOrder(s.id)];
    await who.ada.call(`/v1/orders/${a}/claim`, { method: "POST" });
    await who.bo.call(`/v1/orders/${b}/claim`, { method: "POST" });
    const ids = async (claimed: string) => (await who.ada.call(`/v1/review-queue?store_id=${s.id}&claimed=${claimed}`)).body.data.map((i: any) => i.order.id);
    expect(await ids("mine")).toEqual([a]);
    expect(await ids("others")).toEqual([b]);
    expect(await ids("none")).toEqual([none]);
    expect((await who.ada.call(`/v1/review-queue?claimed=everyone`)).status).toBe(400);
  });

  it("is store-scoped and refused to positions that do not audit", async () => {
    const id = await heldOrder();
    expect((await who.scoped.call(`/v1/orders/${id}/claim`, { method: "POST" })).status).toBe(404);
    for (const p of [who.picker, who.analyst, who.support]) expect((await p.call(`/v1/orders/${id}/claim`, { method: "POST" })).status).toBe(403);
    expect((await api("/v1/orders/ord_00000000000000000000000000/claim", { method: "POST" })).status).toBe(404);
    expect((await api("/v1/orders/nope/claim", { method: "POST" })).status).toBe(400);
  });
});

describe("internal notes", () => {
  it("staff who work orders add notes; staff who read orders read them newest first with the author's name", async () => {
    const id = await heldOrder();
    const one = await who.ada.call(`/v1/orders/${id}/notes`, { body: { body: "Called the customer, no answer." } });
    expect(one.status).toBe(201);
    expect(one.body).toMatchObject({ body: "Called the customer, no answer.", author_id: who.ada.id });
    await new Promise((r) => setTimeout(r, 5));
    expect((await who.support.call(`/v1/orders/${id}/notes`, { body: { body: "  Customer wrote back: address is right.  " } })).status).toBe(201);
    const list = await who.analyst.call(`/v1/orders/${id}/notes`);
    expect(list.status).toBe(200);
    expect(list.body.data.map((n: any) => n.body)).toEqual(["Customer wrote back: address is right.", "Called the customer, no answer."]);
    expect(Object.keys(list.body.data[0]).sort()).toEqual(["author_id", "author_name", "body", "created_at", "id"]);
    expect(list.body.data[1].author_name).toBeTruthy();
  });

  it("refuses an empty or too long note and writes nothing", async () => {
    const id = await heldOrder();
    for (const body of [{ body: "" }, { body: "   " }, { body: "x".repeat(2001) }, {}, { body: 3 }]) {
      const r = await who.ada.call(`/v1/orders/${id}/notes`, { body });
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.errors.some((e: any) => e.field === "body")).toBe(true);
    }
    expect((await api(`/v1/orders/${id}/notes`)).body.data).toEqual([]);
  });

  it("is refused to positions that do not work orders, store-scoped, and storefronts read none", async () => {
    const id = await heldOrder();
    await who.ada.call(`/v1/orders/${id}/notes`, { body: { body: "secret to staff" } });
    for (const p of [who.analyst, who.picker, who.finance]) expect((await p.call(`/v1/orders/${id}/notes`, { body: { body: "x" } })).status).toBe(403);
    expect((await who.picker.call(`/v1/orders/${id}/notes`)).status).toBe(403);
    expect((await who.scoped.call(`/v1/orders/${id}/notes`)).status).toBe(404);
    expect((await who.scoped.call(`/v1/orders/${id}/notes`, { body: { body: "x" } })).status).toBe(404);
    const channel = await who.channel.call(`/v1/orders/${id}/notes`);
    expect(channel.status).toBe(200);
    expect(channel.body.data).toEqual([]);
  });

  it("never reach the customer: not on their page, not in their messages", async () => {
    const s = await createStore(unique("notes-customer"));
    const o = await createOrder(s.id, { shipping_address: { name: "Ada Lovelace", line1: "1 Main St", city: "Springfield", region: "IL", postal_code: "1234", country: "US" } });
    expect((await api(`/v1/orders/${o.id}/audit`, { method: "POST" })).body.audit.outcome).toBe("hold");
    const secret = `internal-${unique("n")}`;
    expect((await who.ada.call(`/v1/orders/${o.id}/notes`, { body: { body: secret } })).status).toBe(201);
    const visit = await openLink(await mintLink(o.id));
    for (const lang of ["", "?lang=zh-CN"]) {
      const page = await visit.get(lang);
      expect(page.status).toBe(200);
      expect(String(page.body)).not.toContain(secret);
    }
    const messages = await api(`/v1/notifications?order_id=${o.id}`);
    expect(JSON.stringify(messages.body)).not.toContain(secret);
  });
});
