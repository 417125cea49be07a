/**
 * HMAC-SHA256 over raw bytes and constant-time comparison, for the partners'
 * signature schemes. Invariants: the MAC is always computed over the exact
 * bytes received (never a re-serialisation), and a received MAC is decoded
 * and compared as bytes with `crypto.subtle.timingSafeEqual` after a length
 * check, so neither its encoding's case nor the position of the first wrong
 * byte changes the time taken.
 */

/** Imported keys, kept by the isolate once imported: never the pending import, which another request may not await. */
const keys = new Map<string, CryptoKey>();

async function hmacKey(secret: Uint8Array): Promise<CryptoKey> {
  const id = btoa(String.fromCharCode(...secret));
  let key = keys.get(id);
  if (!key) {
    key = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    if (keys.size > 100) keys.clear();
    keys.set(id, key);
  }
  return key;
}

export async function hmacSha256(secret: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), data));
}

export const utf8 = (s: string) => new TextEncoder().encode(s);

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Lowercase or uppercase hex to bytes; null if it is not hex. */
export function fromHex(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Standard base64 (with or without padding) to bytes; null if it is not base64. */
export function fromBase64(b64: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return null;
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    return null;
  }
  // A plain loop: Uint8Array.from(string, mapFn) walks the string through an iterator and a call per byte, which
  // for a label's PDF (every label.pdf request) showed as 0.8% of the Worker thread in the whole-order profile.
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Constant time for equal lengths; different lengths are unequal at once (the length of a MAC is no secret). */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  return crypto.subtle.timingSafeEqual(a, b);
}

/** True when `received` equals HMAC-SHA256 of `data` under any of the secrets (rotation). */
export async function macMatches(secrets: readonly Uint8Array[], data: Uint8Array, received: Uint8Array | null): Promise<boolean> {
  if (!received) return false;
  let ok = false;
  // Every secret is tried (no early exit), so timing does not tell which one matched.
  for (const s of secrets) ok = timingSafeEqual(await hmacSha256(s, data), received) || ok;
  return ok;
}
