import { describe, expect, it } from "vitest";
import { actorKindOf, wordsFor } from "./actor-names";

describe("actor ids in words", () => {
  it("tells people, keys, the system, channels and the customer apart", () => {
    expect(actorKindOf("usr_01ABC")).toBe("user");
    expect(actorKindOf("key_01ABC")).toBe("key");
    expect(actorKindOf("bootstrap")).toBe("key");
    expect(actorKindOf("system:backorder-retry")).toBe("system");
    expect(actorKindOf("channel:chn_1")).toBe("channel");
    expect(actorKindOf("customer")).toBe("customer");
    expect(actorKindOf("something")).toBe("unknown");
  });

  it("names what needs no lookup, and nothing else", () => {
    expect(wordsFor("bootstrap")).toBe("bootstrap admin key");
    expect(wordsFor("system:backorder-retry")).toBe("system (backorder retry)");
    expect(wordsFor("channel:chn_1")).toBe("channel connection chn_1");
    expect(wordsFor("customer")).toBe("the customer");
    expect(wordsFor("usr_01ABC")).toBeNull();
    expect(wordsFor("key_01ABC")).toBeNull();
  });
});
