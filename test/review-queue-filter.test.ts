/**
 * The auditors' queue filters on hold reason codes it knows; a code it does
 * not know is a mistake to say so, not an empty queue that reads as "nothing
 * held for this".
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, createKey, createOrder, createStore, expectInvalidQuery, transition, unique } from "./helpers";

let store: { id: string };
let heldId: string;

beforeAll(async () => {
  store = await createStore(unique("queue"));
  const o = await createOrder(store.id);
  expect((await transition(o.id, "hold", { reason: "call the customer" })).status).toBe(200);
  heldId = o.id;
});

describe("the review queue's reason filter", () => {
  it("answers 400 naming the known codes for a code it does not know", async () => {
    const r = await api(`/v1/review-queue?store_id=${store.id}&reason=postcode_invalid`);
    expectInvalidQuery(r, "reason");
    const message: string = r.body.errors.find((e: any) => e.field === "query.reason").message;
    for (const code of ["postal_code_invalid", "phone_invalid", "possible_duplicate", "manual", "finance_review", "awaiting_payment"]) expect(message).toContain(code);
    expect(r.body.detail).toContain("postal_code_invalid");
  });

  it.each(["", "Manual", "manual;drop", "x".repeat(65)])("refuses %j", async (reason) => {
    expectInvalidQuery(await api(`/v1/review-queue?reason=${encodeURIComponent(reason)}`), "reason");
  });

  it("filters on a known code", async () => {
    const manual = await api(`/v1/review-queue?store_id=${store.id}&reason=manual`);
    expect(manual.status).toBe(200);
    expect(manual.body.data.map((i: any) => i.order.id)).toEqual([heldId]);
    const other = await api(`/v1/review-queue?store_id=${store.id}&reason=postal_code_invalid`);
    expect(other.status).toBe(200);
    expect(other.body.data).toEqual([]);
  });

  it("is refused to roles that do not audit, before the filter is looked at", async () => {
    for (const role of ["warehouse", "logistics"]) {
      const key = await createKey(role, [store.id]);
      for (const reason of ["manual", "nope"]) {
        const r = await api(`/v1/review-queue?reason=${reason}`, { key });
        expect([r.status, role]).toEqual([403, role]);
        expect(r.headers.get("content-type")).toBe("application/problem+json");
      }
    }
  });
});
