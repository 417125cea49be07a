/**
 * A signed-in person is a principal like a key: the permissions of their
 * positions (several add up), their store scope, and the customer details
 * their widest position may see. Cookie writes need the CSRF token.
 */
import { describe, expect, it } from "vitest";
import { api, createOrder, createStore } from "./helpers";
import { asPerson, createUser, sessionFor } from "./staff-helpers";

describe("a person's session as a principal", () => {
  it("reads what the position allows and is refused the rest", async () => {
    const store = await createStore();
    const order = await createOrder(store.id);
    const picker = await createUser({ positions: ["picker"] });
    const s = await sessionFor(picker.id);
    expect((await asPerson(s, "/v1/waves")).status).toBe(200);
    const refused = await asPerson(s, `/v1/orders/${order.id}`);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain(picker.displayName);
  });

  it("adds up several positions, and sees customers as the widest one does", async () => {
    const store = await createStore();
    const order = await createOrder(store.id);
    const both = await createUser({ positions: ["analyst", "support"] });
    const s = await sessionFor(both.id);
    const r = await asPerson(s, `/v1/orders/${order.id}`);
    expect(r.status).toBe(200);
    expect(r.body.customer.email).toBeTruthy();
    const analyst = await sessionFor((await createUser({ positions: ["analyst"] })).id);
    const pseudonymous = (await asPerson(analyst, `/v1/orders/${order.id}`)).body;
    expect(pseudonymous.customer).toBeUndefined();
    expect(pseudonymous.customer_key).toMatch(/^cus_/);
  });

  it("acts only for the person's stores", async () => {
    const mine = await createStore();
    const other = await createStore();
    const person = await createUser({ positions: ["auditor"], storeIds: [mine.id] });
    const s = await sessionFor(person.id);
    const theirs = await createOrder(other.id);
    expect((await asPerson(s, `/v1/orders/${theirs.id}`)).status).toBe(404);
    expect((await asPerson(s, `/v1/orders/${(await createOrder(mine.id)).id}`)).status).toBe(200);
  });

  it("refuses a cookie write without the CSRF token, with a wrong one, or from another site, and writes nothing", async () => {
    const store = await createStore();
    const order = await createOrder(store.id);
    const s = await sessionFor((await createUser({ positions: ["auditor"] })).id);
    const body = { event: "hold", reason: "check the address" };
    for (const init of [{ csrf: null }, { csrf: "x".repeat(32) }, { headers: { origin: "https://evil.example" } }]) {
      const r = await asPerson(s, `/v1/orders/${order.id}/transitions`, { body, ...init });
      expect(r.status).toBe(401);
      expect(r.body.code).toBe("csrf_failed");
    }
    expect((await api(`/v1/orders/${order.id}`)).body.status).toBe("received");
    const ok = await asPerson(s, `/v1/orders/${order.id}/transitions`, { body });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe("on_hold");
  });

  it("records the person as the actor of what they do", async () => {
    const store = await createStore();
    const order = await createOrder(store.id);
    const person = await createUser({ positions: ["auditor"] });
    const s = await sessionFor(person.id);
    await asPerson(s, `/v1/orders/${order.id}/transitions`, { body: { event: "approve" } });
    const events = await api(`/v1/orders/${order.id}/events`);
    expect(events.body.data.at(-1)).toMatchObject({ type: "approve", actor: person.id });
  });
});
