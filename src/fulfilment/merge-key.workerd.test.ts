import { env } from "../../test/shard-env";
import { beforeAll, describe, expect, it } from "vitest";
import { useKeyring } from "../lib/pii-crypto";
import { mergeKeyOf } from "./merge-key";

// Merge keys are keyed digests: the test keys from vitest.config.ts, as database(env) would load them.
beforeAll(() => useKeyring(env));

const order = (address: Record<string, string | null>) => ({
  storeId: "st_1",
  customerEmail: "li@example.com",
  customerName: "Li",
  shippingAddress: { name: "李娜", line1: "建国路88号", line2: null, city: "北京市", region: "北京市", postal_code: "100022", country: "CN", ...address },
});

describe("merge keys", () => {
  it("two districts of one city are two addresses", async () => {
    expect(await mergeKeyOf(order({ district: "朝阳区" }))).not.toBe(await mergeKeyOf(order({ district: "海淀区" })));
  });

  it("an address without a district keeps the key it had before districts existed", async () => {
    const before = await mergeKeyOf(order({}));
    expect(await mergeKeyOf(order({ district: null }))).toBe(before);
    expect(await mergeKeyOf(order({ district: " " }))).toBe(before);
  });
});
