import { describe, expect, it } from "vitest";
import { changedFields, isShared, mayManage, servesAnyOf, servesStore, webhookUrlAllowed } from "./warehouse-stores";

describe("warehouse stores", () => {
  it("a warehouse of every store or of several stores is shared; one of a single store is not", () => {
    expect(isShared(["*"])).toBe(true);
    expect(isShared(["st_a", "st_b"])).toBe(true);
    expect(isShared(["st_a"])).toBe(false);
  });

  it("only a merchant-wide key manages a shared warehouse; a store's key manages its own store's warehouse", () => {
    const merchant = { stores: "*" as const };
    const storeA = { stores: ["st_a"] };
    const both = { stores: ["st_a", "st_b"] };
    expect(mayManage(merchant, ["*"])).toBe(true);
    expect(mayManage(merchant, ["st_a", "st_b"])).toBe(true);
    expect(mayManage(storeA, ["*"])).toBe(false);
    expect(mayManage(storeA, ["st_a", "st_b"])).toBe(false);
    expect(mayManage(both, ["st_a", "st_b"])).toBe(false);
    expect(mayManage(storeA, ["st_a"])).toBe(true);
    expect(mayManage(storeA, ["st_b"])).toBe(false);
  });

  it("allocation and visibility follow the stores served", () => {
    expect(servesStore(["*"], "st_a")).toBe(true);
    expect(servesStore(["st_b"], "st_a")).toBe(false);
    expect(servesAnyOf(["st_b"], ["st_a"])).toBe(false);
    expect(servesAnyOf(["st_a", "st_b"], ["st_a"])).toBe(true);
    expect(servesAnyOf(["st_b"], "*")).toBe(true);
  });

  it("webhook URLs are https, or http to this machine only", () => {
    expect(webhookUrlAllowed("https://3pl.example/hook")).toBe(true);
    expect(webhookUrlAllowed("http://localhost:9000/hook")).toBe(true);
    expect(webhookUrlAllowed("http://127.0.0.1/hook")).toBe(true);
    expect(webhookUrlAllowed("http://[::1]:8080/")).toBe(true);
    expect(webhookUrlAllowed("http://3pl.example/hook")).toBe(false);
    expect(webhookUrlAllowed("http://localhost.attacker.example/")).toBe(false);
    expect(webhookUrlAllowed("https://user:pw@3pl.example/")).toBe(false);
    expect(webhookUrlAllowed("ftp://3pl.example/")).toBe(false);
    expect(webhookUrlAllowed("not a url")).toBe(false);
  });

  it("a change records each field that differs, before and after", () => {
    expect(changedFields({ a: 1, b: "x", c: null }, { a: 1, b: "y", c: "z" })).toEqual({ b: { from: "x", to: "y" }, c: { from: null, to: "z" } });
    expect(changedFields({ ids: ["*"] }, { ids: ["*"] })).toEqual({});
  });
});
