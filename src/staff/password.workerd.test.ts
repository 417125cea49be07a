import { describe, expect, it } from "vitest";
import { costOf, decoyHash, hashPassword, PRODUCTION_COST, passwordProblem, verifyPassword } from "./password";

const LOW = { N: 1024, r: 8, p: 1 };

describe("password hashing", () => {
  it("hashes and verifies at the production cost (scrypt N=2^15, r=8, p=3)", async () => {
    expect(PRODUCTION_COST).toEqual({ N: 32768, r: 8, p: 3 });
    expect(costOf({ PASSWORD_SCRYPT_COST: "" })).toEqual(PRODUCTION_COST);
    const stored = await hashPassword("correct horse battery staple", PRODUCTION_COST);
    expect(stored).toMatch(/^scrypt\$32768\$8\$3\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword("correct horse battery staple", stored, PRODUCTION_COST)).toEqual({ ok: true, needsRehash: false });
  }, 120_000);

  it("salts every hash", async () => {
    const a = await hashPassword("same password here", LOW);
    const b = await hashPassword("same password here", LOW);
    expect(a).not.toBe(b);
  });

  it("refuses a wrong password and asks for no re-hash then", async () => {
    const stored = await hashPassword("the right password", LOW);
    expect(await verifyPassword("the wrong password", stored, PRODUCTION_COST)).toEqual({ ok: false, needsRehash: false });
    expect((await verifyPassword("", stored, LOW)).ok).toBe(false);
  });

  it("asks for a re-hash when a right password was stored at a lower cost", async () => {
    const stored = await hashPassword("the right password", LOW);
    expect(await verifyPassword("the right password", stored, { N: 2048, r: 8, p: 1 })).toEqual({ ok: true, needsRehash: true });
    expect(await verifyPassword("the right password", stored, LOW)).toEqual({ ok: true, needsRehash: false });
  });

  it("refuses malformed stored hashes and costs a Worker cannot afford, without throwing", async () => {
    const good = await hashPassword("the right password", LOW);
    const [, , , , salt, hash] = good.split("$");
    for (const stored of [
      "",
      "plain text",
      "bcrypt$10$abc",
      `scrypt$1024$8$1$${salt}`,
      `argon2$1024$8$1$${salt}$${hash}`,
      `scrypt$${2 ** 20}$8$1$${salt}$${hash}`,
      `scrypt$1024$64$1$${salt}$${hash}`,
      `scrypt$1024$8$0$${salt}$${hash}`,
      `scrypt$x$8$1$${salt}$${hash}`,
      `scrypt$1024$8$1$${salt}$${hash!.slice(0, 10)}`,
    ]) {
      expect(await verifyPassword("the right password", stored, LOW), stored).toEqual({ ok: false, needsRehash: false });
    }
  });

  it("normalises to NFC: a password typed composed or decomposed is the same password", async () => {
    const composed = "caf\u00e9 au lait, s'il vous pla\u00eet";
    const decomposed = composed.normalize("NFD");
    expect(decomposed).not.toBe(composed);
    const stored = await hashPassword(composed, LOW);
    expect((await verifyPassword(decomposed, stored, LOW)).ok).toBe(true);
    expect((await verifyPassword("cafe au lait, s'il vous plait", stored, LOW)).ok).toBe(false);
  });

  it("has a decoy hash that no password opens", async () => {
    const decoy = await decoyHash(LOW);
    expect(decoy).toBe(await decoyHash(LOW));
    expect((await verifyPassword("", decoy, LOW)).ok).toBe(false);
  });

  it("wants passwords long enough and not the email address", () => {
    expect(passwordProblem("short", { email: "ana@x.example" })).toMatch(/12/);
    expect(passwordProblem("a".repeat(300), { email: "ana@x.example" })).toMatch(/256/);
    expect(passwordProblem("my name is ana.lopez!", { email: "ana.lopez@x.example" })).toMatch(/email/);
    expect(passwordProblem("zzzzzzzzzzzzzz", { email: "ana@x.example" })).toMatch(/repeated/);
    expect(passwordProblem("a long enough passphrase", { email: "ana@x.example" })).toBeNull();
  });
});
