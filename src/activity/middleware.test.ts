import { describe, expect, it } from "vitest";
import { bodyDetail, isKeyOrderTraffic, namedStore, openApiPattern, pathParams } from "./middleware";

describe("what the activity middleware keeps of a request", () => {
  it("keeps field names and enum-like words, never other values", () => {
    expect(bodyDetail({ event: "hold", reason: "call +44 20 7946 0958", password: "hunter2" })).toEqual({ fields: ["event", "reason", "password"], event: "hold" });
    expect(bodyDetail({ event: "Not A Word", decision: "refund" })).toEqual({ fields: ["event", "decision"], decision: "refund" });
    expect(bodyDetail([1, 2])).toEqual({});
    expect(bodyDetail(null)).toEqual({});
    expect(bodyDetail({ "a b": 1, ["x".repeat(50)]: 2 })).toEqual({});
    expect(bodyDetail(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}`, i]))).fields).toHaveLength(20);
  });

  it("turns Hono's route into the OpenAPI path and reads its parameters", () => {
    expect(openApiPattern("/v1/orders/:id/transitions")).toBe("/v1/orders/{id}/transitions");
    expect(openApiPattern("/v1/*")).toBeNull();
    expect(openApiPattern("")).toBeNull();
    expect(pathParams("/v1/orders/{id}/transitions", "/v1/orders/ord_1/transitions")).toEqual({ id: "ord_1" });
    expect(pathParams("/v1/orders/{id}", "/v1/orders/%%%")).toEqual({ id: "%%%" });
    expect(pathParams("/v1/orders/{id}", "/v1/stores/x")).toEqual({});
  });

  it("finds the store in the path or the body", () => {
    expect(namedStore("/v1/stores/{id}/sla", { id: "sto_1" }, undefined)).toBe("sto_1");
    expect(namedStore("/v1/products", {}, { store_id: "sto_2" })).toBe("sto_2");
    expect(namedStore("/v1/orders/{id}", { id: "ord_1" }, { store_id: 5 })).toBeNull();
  });

  it("skips only a key's order intake and payment reports", () => {
    expect(isKeyOrderTraffic("POST", "/v1/orders")).toBe(true);
    expect(isKeyOrderTraffic("POST", "/v1/orders/ord_1/payment")).toBe(true);
    expect(isKeyOrderTraffic("POST", "/v1/orders/ord_1/transitions")).toBe(true);
    expect(isKeyOrderTraffic("POST", "/v1/orders/ord_1/after-sales")).toBe(false);
    expect(isKeyOrderTraffic("PATCH", "/v1/orders/ord_1")).toBe(false);
  });
});
