/**
 * Second factors as data: TOTP codes (RFC 6238: SHA-1, 6 digits, 30 s, as
 * every authenticator app reads an `otpauth://` URI) and recovery codes.
 * Pure: what is stored, and the conditional writes that make each code
 * count once, live in src/staff/two-factor-store.ts.
 *
 * Invariants:
 * - A code is accepted for its time step ±1 (a phone's clock a little off),
 *   and the step it matched is returned so the caller can refuse any step
 *   at or before the last one accepted: a code seen over a shoulder or
 *   replayed from a log is worth nothing once used.
 * - Recovery codes are only ever kept as their SHA-256; the person sees them
 *   once.
 */
import { Secret, TOTP } from "otpauth";
import { sha256Hex } from "../lib/ids";

export const TOTP_ISSUER = "Edge OMS";
export const TOTP_PERIOD_S = 30;
const TOTP_DIGITS = 6;
/** Steps either side of now that still count. */
const TOTP_WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;

function totp(secretBase32: string, email: string): TOTP {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label: email,
    algorithm: "SHA1",
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_S,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** A fresh secret (160 bits, RFC 4226's recommendation) and the URI an authenticator app scans. */
export function newTotpSecret(email: string): { secret: string; uri: string } {
  const secret = new Secret({ size: 20 }).base32;
  return { secret, uri: totp(secret, email).toString() };
}

/** The time step this code belongs to (within the window around `now`), or null when it matches none. */
export function totpStep(o: { secret: string; email: string; code: string; now?: number }): number | null {
  const code = o.code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(code)) return null;
  const now = o.now ?? Date.now();
  const delta = totp(o.secret, o.email).validate({ token: code, timestamp: now, window: TOTP_WINDOW });
  return delta === null ? null : Math.floor(now / 1000 / TOTP_PERIOD_S) + delta;
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/** `abcd-efgh-ijkl`: 12 letters (~56 bits), easy to read out and type on a handheld. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    let letters = "";
    while (letters.length < 12) {
      // 234 = 9 * 26: rejecting bytes above it keeps every letter equally likely.
      for (const b of crypto.getRandomValues(new Uint8Array(24))) if (b < 234 && letters.length < 12) letters += LETTERS[b % 26];
    }
    return `${letters.slice(0, 4)}-${letters.slice(4, 8)}-${letters.slice(8)}`;
  });
}

/** A recovery code as typed (any case, spaces or dashes) in its stored form, or null if it cannot be one. */
export function normaliseRecoveryCode(input: string): string | null {
  const letters = input.toLowerCase().replace(/[\s-]/g, "");
  if (!/^[a-z]{12}$/.test(letters)) return null;
  return `${letters.slice(0, 4)}-${letters.slice(4, 8)}-${letters.slice(8)}`;
}

export const hashRecoveryCode = (code: string) => sha256Hex(code);
