/**
 * The sign-in throttle's key for an email (`sign_in_throttle.subject`):
 * HMAC-SHA256 under PII_INDEX_KEY of the normalised address, so the table
 * cannot be checked against a list of addresses. Shared by the lockout
 * (src/staff/lockout.ts) and the password reset, which clears it.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import type { Env } from "../env";
import { keyring, useKeyring } from "../lib/pii-crypto";

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
const utf8 = new TextEncoder();

/** The email as people type it in different ways: one account name. */
export const normaliseEmail = (email: string) => email.normalize("NFC").trim().toLowerCase();

export function throttleSubject(env: Pick<Env, "PII_KEYS" | "PII_INDEX_KEY">, email: string): string {
  useKeyring(env);
  const key = keyring().indexKey;
  if (!key) throw new Error("PII_INDEX_KEY is not set: sign-in lockout needs it (see docs/deployment.md)");
  let out = "";
  for (const b of hmac(sha256, key, utf8.encode(`sign-in\u0000${normaliseEmail(email)}`))) out += HEX[b];
  return out;
}
