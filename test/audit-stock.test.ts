/** The audit's stock rule against the real inventory: an order no warehouse can fill is held; one that fits is approved. */
import { beforeAll, describe, expect, it } from "vitest";
import { auditedOrder, createProduct, createStore, orderBody, unique } from "./helpers";
import { stockedWarehouse } from "./processing-helpers";

let store: { id: string };
// A SKU no other test keeps stock of: the rule skips while no warehouse keeps any.
const KETTLE = unique("KETTLE");
beforeAll(async () => {
  store = await createStore(unique("stocked"), "USD", { autoAudit: true });
  await createProduct(store.id, KETTLE, { price: "69.00" });
});

const audited = (quantity: number) =>
  auditedOrder(
    orderBody(store.id, { payment_status: "paid", customer: { name: "K", email: `${unique("k")}@example.com` }, lines: [{ sku: KETTLE, quantity, unit_price: "69.00" }] }),
  );

describe("stock rule", () => {
  it("skips while no inventory is kept, then checks every warehouse's available units", async () => {
    expect((await audited(5)).status).toBe("approved");
    await stockedWarehouse({ bins: ["A-01"], stock: [["A-01", KETTLE, 3]] });
    await stockedWarehouse({ bins: ["B-01"], stock: [["B-01", KETTLE, 1]] });
    const held = await audited(5);
    expect(held).toMatchObject({ status: "on_hold", status_reason: `5 × ${KETTLE} wanted, 4 available in all warehouses` });
    expect((await audited(4)).status).not.toBe("on_hold");
  });
});
