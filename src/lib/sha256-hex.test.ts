import { describe, expect, it } from "vitest";
import { sha256Hex } from "./ids";

// Keys, links and idempotency records stored before the switch from WebCrypto were hashed as hex SHA-256 of the
// UTF-8 text: the same function must give the same digests, or stored keys would stop matching.
describe("sha256Hex", () => {
  it("gives the standard SHA-256 digests (FIPS 180-2 vectors) of the UTF-8 text, in lower-case hex", async () => {
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(await sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(await sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  });

  it("hashes the UTF-8 bytes of text outside ASCII, as WebCrypto over TextEncoder did", async () => {
    const bytes = new TextEncoder().encode("密钥-clé");
    const webcrypto = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
    expect(await sha256Hex("密钥-clé")).toBe(webcrypto);
  });
});
