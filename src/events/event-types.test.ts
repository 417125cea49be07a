import { describe, expect, it } from "vitest";
import { EVENT_GROUPS, EVENT_TYPES, matches, matchesAny, validPattern } from "./event-types";

describe("event type patterns", () => {
  it("accept every type, every group and the wildcard, and nothing else", () => {
    for (const t of EVENT_TYPES) expect(validPattern(t)).toBe(true);
    for (const g of EVENT_GROUPS) expect(validPattern(`${g}.*`)).toBe(true);
    expect(validPattern("*")).toBe(true);
    for (const bad of ["order", "orders.*", "order.shipped", "", ".*", "order.*.*", "ORDER.created"]) expect(validPattern(bad)).toBe(false);
  });

  it("a group selects its own types only", () => {
    expect(matches("order.*", "order.created")).toBe(true);
    expect(matches("order.*", "shipment.created")).toBe(false);
    expect(matches("after_sales.*", "after_sales.status_changed")).toBe(true);
    expect(matches("order.created", "order.created")).toBe(true);
    expect(matches("order.created", "order.updated")).toBe(false);
    expect(matchesAny(["stock.*", "tracking.updated"], "tracking.updated")).toBe(true);
    expect(matchesAny([], "tracking.updated")).toBe(false);
  });
});
