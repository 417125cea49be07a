import { describe, expect, it } from "vitest";
import { fromBase64, fromHex, toBase64, toHex } from "./signatures";

describe("base64 and hex", () => {
  it("round-trips every byte value, and a label-sized buffer", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(fromBase64(toBase64(all))).toEqual(all);
    const big = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31 + 7) % 256);
    expect(fromBase64(toBase64(big))).toEqual(big);
    expect(fromHex(toHex(all))).toEqual(all);
  });

  it("reads what partners send: padded, unpadded, empty", () => {
    expect(fromBase64("aGk=")).toEqual(new TextEncoder().encode("hi"));
    expect(fromBase64("aGk")).toEqual(new TextEncoder().encode("hi"));
    expect(fromBase64("")).toEqual(new Uint8Array(0));
  });

  it("answers null for what is not base64 or hex", () => {
    for (const bad of ["a-b_", "abc$", "aGk==="]) expect(fromBase64(bad), bad).toBeNull();
    expect(fromBase64("a")).toBeNull(); // one character is no byte: atob refuses it
    for (const bad of ["abc", "zz", "0x12"]) expect(fromHex(bad), bad).toBeNull();
  });
});
