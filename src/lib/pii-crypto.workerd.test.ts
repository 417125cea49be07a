import { describe, expect, it } from "vitest";
import { blindIndex, customerKey, isSealed, merchantIndex, open, parseKeyring, seal, sealedWith, useKeyring } from "./pii-crypto";

const K_OLD = "WX49WWECEzWj5RnB8OmAkSkgWDdxfymBreT0jVOfqTI=";
const K_NEW = "+SOFbqgfOeQVnH9jlFtpJYM6/UsGisfniPSl7lKt/DA=";
const INDEX = "1D8Es5BB1UPkjcbL5jSlgDaRhM0TCs+k5AzUeSthmVU=";
const oldOnly = parseKeyring(`old:${K_OLD}`, INDEX);
const rotated = parseKeyring(`new:${K_NEW},old:${K_OLD}`, INDEX);

describe("sealing customer data", () => {
  it("seals to a prefixed ciphertext naming its key, and opens back to the same text", () => {
    const s = seal("Ada Lovelace, 12 St James's Square 🫖", rotated);
    expect(isSealed(s)).toBe(true);
    expect(sealedWith(s)).toBe("new");
    expect(s).not.toContain("Ada");
    expect(open(s, rotated)).toBe("Ada Lovelace, 12 St James's Square 🫖");
  });

  it("never seals the same text to the same ciphertext (fresh nonce each time)", () => {
    expect(seal("ada@example.com", rotated)).not.toBe(seal("ada@example.com", rotated));
  });

  it("reads what an older key sealed once a newer key is put first, and writes with the newest", () => {
    const before = seal("ada@example.com", oldOnly);
    expect(sealedWith(before)).toBe("old");
    expect(open(before, rotated)).toBe("ada@example.com");
    expect(sealedWith(seal("ada@example.com", rotated))).toBe("new");
  });

  it("reads plaintext from before encryption as it is", () => {
    expect(open("ada@example.com", rotated)).toBe("ada@example.com");
    expect(open('{"line1":"1 Market St"}', rotated)).toBe('{"line1":"1 Market St"}');
  });

  it("refuses a key it does not have, and a tampered ciphertext", () => {
    const s = seal("secret", rotated);
    expect(() => open(s, oldOnly)).toThrow(/"new" is not in PII_KEYS/);
    const tampered = s.slice(0, -3) + (s.endsWith("A") ? "BBB" : "AAA");
    expect(() => open(tampered, rotated)).toThrow();
  });

  it("opens what was sealed before the cipher became the runtime's own (the same bytes at rest)", () => {
    // Sealed under K_OLD by the JS AES-GCM (@noble/ciphers) this module used until 2026-12-06.
    expect(open("enc1:old:y9Iljmb2XozmbsBoRc_sFwHaH8PaWNIouE0kZhA4wMVyQnqoCnL9ePjfi3lFpsnuYZ5c-qZpXn1J3WQZGlPBvkLs7A", rotated)).toBe("Ada Lovelace, 12 St James's Square 🫖");
    expect(open("enc1:old:7NP9RR6VU1xer4u4Hsj1M5bnswlrbLrhNK9iag", rotated)).toBe("");
    // A label PDF is tens of kilobytes: a large value seals and opens whole.
    const big = `${"%PDF-1.7 ".repeat(5000)}✓`;
    expect(open(seal(big, rotated), rotated)).toBe(big);
    // Too short to hold a nonce and a tag: an error, not garbage.
    expect(() => open("enc1:old:AAAA", rotated)).toThrow();
  });

  it("will not store plaintext when no key is configured", () => {
    expect(() => seal("ada@example.com", parseKeyring("", INDEX))).toThrow(/PII_KEYS is not set/);
  });

  it("refuses malformed key lists", () => {
    expect(() => parseKeyring("nokey", INDEX)).toThrow(/id:base64key/);
    expect(() => parseKeyring("a:AAAA", INDEX)).toThrow(/not 32/);
    expect(() => parseKeyring(`a:${K_OLD},a:${K_NEW}`, INDEX)).toThrow(/twice/);
    expect(() => parseKeyring(`a:${K_OLD}`, "c2hvcnQ=")).toThrow(/at least 32/);
  });
});

describe("blind indexes and customer keys", () => {
  it("are equal for equal values of one store, and differ across stores and from each other", () => {
    const a = blindIndex("email", "st_1", "ada@example.com", rotated);
    expect(blindIndex("email", "st_1", "ada@example.com", rotated)).toBe(a);
    expect(blindIndex("email", "st_2", "ada@example.com", rotated)).not.toBe(a);
    expect(blindIndex("phone", "st_1", "ada@example.com", rotated)).not.toBe(a);
    expect(a).not.toContain("ada");
    const k = customerKey("st_1", "email:ada@example.com", rotated);
    expect(k).toMatch(/^cus_[A-Za-z0-9_-]{22}$/);
    expect(customerKey("st_1", "email:ada@example.com", rotated)).toBe(k);
    expect(customerKey("st_2", "email:ada@example.com", rotated)).not.toBe(k);
  });

  it("are the same values as before the HMAC became the runtime's own (lookups by value keep matching)", () => {
    // Computed by the JS HMAC-SHA256 (@noble/hashes) this module used until 2026-12-06.
    expect(blindIndex("email", "st_1", "ada@example.com", rotated)).toBe("QVskwrXkDXB36IyRtzugjsKNi-Tw--Pmqhrm2_jRprY");
    expect(customerKey("st_1", "ada@example.com", rotated)).toBe("cus_bjEILfT7AlR8igYL2tjtqA");
    expect(merchantIndex("name", "ada", rotated)).toBe("kenSRBjQp87W4ehV4J2rgcPpnhAA3ELmK7_wv3sDFzA");
  });

  it("do not change when the encryption keys rotate (they have their own key)", () => {
    expect(blindIndex("email", "st_1", "x@example.com", oldOnly)).toBe(blindIndex("email", "st_1", "x@example.com", rotated));
  });

  it("need PII_INDEX_KEY", () => {
    expect(() => blindIndex("email", "st_1", "x", parseKeyring(`a:${K_OLD}`, undefined))).toThrow(/PII_INDEX_KEY/);
  });
});

describe("the isolate's memory of opened values", () => {
  it("serves a value it sealed or opened again, and forgets them all when the keys change", () => {
    useKeyring({ PII_KEYS: `old:${K_OLD}`, PII_INDEX_KEY: INDEX });
    const s = seal("ada@example.com");
    expect(open(s)).toBe("ada@example.com");
    // A tampered value is another string: never served from memory, its tag fails.
    const at = s.length - 10; // inside the ciphertext, where every bit counts
    expect(() => open(`${s.slice(0, at)}${s[at] === "A" ? "B" : "A"}${s.slice(at + 1)}`)).toThrow();
    // The old key is retired from the keyring: what it sealed no longer opens, remembered or not.
    useKeyring({ PII_KEYS: `new:${K_NEW}`, PII_INDEX_KEY: INDEX });
    expect(() => open(s)).toThrow(/"old" is not in PII_KEYS/);
  });
});
