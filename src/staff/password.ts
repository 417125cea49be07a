/**
 * Password hashing: scrypt (@noble/hashes, already ours for the PII keys'
 * HMAC), stored as `scrypt$<N>$<r>$<p>$<salt>$<hash>` so the cost can rise
 * later and old hashes still verify (and are re-hashed at the next sign-in).
 *
 * Why scrypt and not PBKDF2 through WebCrypto: Cloudflare caps PBKDF2 at
 * 100,000 iterations, a sixth of what OWASP asks for PBKDF2-SHA256, while
 * scrypt is memory-hard and runs within a Worker's 128 MB. The cost is
 * OWASP's N=2^15, r=8, p=3 (32 MiB); its CPU time in workerd is measured in
 * docs/staff.md. PASSWORD_SCRYPT_COST ("N,r,p") lowers it for the test suite
 * only, where hundreds of sign-ins would otherwise cost minutes.
 */
import { scryptAsync } from "@noble/hashes/scrypt.js";
import type { Env } from "../env";

export type ScryptCost = { N: number; r: number; p: number };
export const PRODUCTION_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 3 };

const utf8 = new TextEncoder();
const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (s: string) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));

export function costOf(env: Pick<Env, "PASSWORD_SCRYPT_COST">): ScryptCost {
  const m = /^(\d+),(\d+),(\d+)$/.exec(env.PASSWORD_SCRYPT_COST ?? "");
  return m ? { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) } : PRODUCTION_COST;
}

async function derive(password: string, salt: Uint8Array, cost: ScryptCost): Promise<Uint8Array> {
  // NFC first: the same password typed on two keyboards may arrive composed or decomposed.
  return scryptAsync(utf8.encode(password.normalize("NFC")), salt, { ...cost, dkLen: 32, maxmem: 2 ** 26, asyncTick: 50 });
}

export async function hashPassword(password: string, cost: ScryptCost): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(password, salt, cost);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${b64(salt)}$${b64(hash)}`;
}

/**
 * A hash of a password no one has: checked when the account does not exist, so an unknown email costs the same time.
 * The isolate keeps the finished hash, never the pending work: a request may not wait on I/O another request started
 * (that request may end first, and the waiter would hang), so two first sign-ins each derive one.
 */
let decoy: string | null = null;
export async function decoyHash(cost: ScryptCost): Promise<string> {
  decoy ??= await hashPassword(crypto.randomUUID(), cost);
  return decoy;
}

export type Verified = { ok: boolean; needsRehash: boolean };

export async function verifyPassword(password: string, stored: string, cost: ScryptCost): Promise<Verified> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return { ok: false, needsRehash: false };
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  // A stored cost beyond what a Worker can afford is refused rather than tried.
  if (!(N >= 2 && N <= 2 ** 17 && r >= 1 && r <= 16 && p >= 1 && p <= 16)) return { ok: false, needsRehash: false };
  const expected = unb64(parts[5]!);
  const actual = await derive(password, unb64(parts[4]!), { N, r, p });
  let diff = actual.length ^ expected.length;
  for (let i = 0; i < Math.min(actual.length, expected.length); i++) diff |= actual[i]! ^ expected[i]!;
  const ok = diff === 0;
  return { ok, needsRehash: ok && (N !== cost.N || r !== cost.r || p !== cost.p) };
}

/** What a password must be: long enough to resist guessing, short enough to hash. Returns the problem, or null. */
export function passwordProblem(password: string, context: { email: string; displayName?: string }): string | null {
  if ([...password].length < 12) return "must be at least 12 characters";
  if (password.length > 256) return "must be at most 256 characters";
  const lower = password.toLowerCase();
  const local = context.email.split("@")[0]!.toLowerCase();
  if (local.length >= 4 && lower.includes(local)) return "must not contain the email address";
  if (/^(.)\1+$/.test(password)) return "must not be one character repeated";
  return null;
}
