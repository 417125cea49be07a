import { Secret, TOTP } from "otpauth";
import { describe, expect, it } from "vitest";
import { newRecoveryCodes, newTotpSecret, normaliseRecoveryCode, totpStep } from "./two-factor";

const email = "ada@staff.example";
const codeAt = (secret: string, timestamp: number) => new TOTP({ algorithm: "SHA1", digits: 6, period: 30, secret: Secret.fromBase32(secret) }).generate({ timestamp });

describe("TOTP codes", () => {
  const { secret, uri } = newTotpSecret(email);
  const now = Date.UTC(2026, 11, 3, 12, 0, 15);
  const step = Math.floor(now / 30_000);

  it("names the issuer, the person and the parameters every authenticator app reads", () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(uri).toBe(`otpauth://totp/Edge%20OMS:${encodeURIComponent(email)}?issuer=Edge%20OMS&secret=${secret}&algorithm=SHA1&digits=6&period=30`);
  });

  it("accepts a code for its step and the one either side, and says which step it was", () => {
    expect(totpStep({ secret, email, code: codeAt(secret, now), now })).toBe(step);
    expect(totpStep({ secret, email, code: codeAt(secret, now - 30_000), now })).toBe(step - 1);
    expect(totpStep({ secret, email, code: ` ${codeAt(secret, now + 30_000)} `, now })).toBe(step + 1);
  });

  it("refuses codes two steps away, of another secret, or not six digits", () => {
    for (const at of [now - 60_000, now + 60_000]) {
      const code = codeAt(secret, at);
      // A code two steps away may by chance equal one inside the window; only a real mismatch counts.
      if (![now - 30_000, now, now + 30_000].some((t) => codeAt(secret, t) === code)) expect(totpStep({ secret, email, code, now })).toBeNull();
    }
    const other = newTotpSecret(email).secret;
    const theirs = codeAt(other, now);
    if (theirs !== codeAt(secret, now)) expect(totpStep({ secret, email, code: theirs, now })).toBeNull();
    for (const code of ["", "12345", "1234567", "abcdef", "12 34 5"]) expect(totpStep({ secret, email, code, now })).toBeNull();
  });
});

describe("recovery codes", () => {
  it("are ten distinct codes of three groups of four letters", () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-z]{4}-[a-z]{4}-[a-z]{4}$/);
  });

  it("are read however they are typed, and nothing else passes for one", () => {
    expect(normaliseRecoveryCode("ABCD-EFGH-IJKL")).toBe("abcd-efgh-ijkl");
    expect(normaliseRecoveryCode(" abcd efgh ijkl ")).toBe("abcd-efgh-ijkl");
    expect(normaliseRecoveryCode("abcdefghijkl")).toBe("abcd-efgh-ijkl");
    for (const bad of ["abcd-efgh-ijk", "abcd-efgh-ijklm", "abcd-efgh-ijk1", "", "ab'd-efgh-ijkl"]) expect(normaliseRecoveryCode(bad)).toBeNull();
  });
});
