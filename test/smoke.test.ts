import { describe, expect, it } from "vitest";
import { api, createOrder, createStore, transition } from "./helpers";

describe("smoke", () => {
  it("creates and approves", async () => {
    const store = await createStore();
    const order = await createOrder(store.id);
    expect(order.status).toBe("received");
    const r = await transition(order.id, "approve");
    expect(r.status).toBe(200);
    const g = await api(`/v1/orders/${order.id}`);
    expect(g.body.status).toBe("approved");
  });
});
