/**
 * Standard Webhooks (standardwebhooks.com) signatures, both ways:
 * `webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`
 * where the key is the base64 part of a `whsec_...` secret and the timestamp
 * is in seconds. Verification compares in constant time, accepts any of
 * several space-separated signatures (secret rotation), and refuses
 * timestamps further than the tolerance from now (replays).
 */

export const TIMESTAMP_TOLERANCE_S = 5 * 60;

function keyBytes(secret: string): Uint8Array {
  const b64 = secret.startsWith("whsec_") ? secret.slice(6) : secret;
  return Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
}

async function hmac(secret: string, content: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", keyBytes(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(content)));
}

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

export async function sign(secret: string, id: string, timestampS: number, body: string): Promise<string> {
  return `v1,${b64(await hmac(secret, `${id}.${timestampS}.${body}`))}`;
}

/** The three headers of a signed request. */
export async function signedHeaders(secret: string, id: string, body: string, nowMs = Date.now()): Promise<Record<string, string>> {
  const ts = Math.floor(nowMs / 1000);
  return { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": await sign(secret, id, ts, body) };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export type Verdict = { ok: true } | { ok: false; reason: "missing_headers" | "stale_timestamp" | "bad_signature" };

export async function verify(
  secret: string,
  headers: { id?: string | null | undefined; timestamp?: string | null | undefined; signature?: string | null | undefined },
  body: string,
  nowMs = Date.now(),
  toleranceS = TIMESTAMP_TOLERANCE_S,
): Promise<Verdict> {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return { ok: false, reason: "missing_headers" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "stale_timestamp" };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceS) return { ok: false, reason: "stale_timestamp" };
  const expected = await hmac(secret, `${id}.${timestamp}.${body}`);
  let match = false;
  for (const part of signature.split(" ")) {
    const [version, sig] = part.split(",", 2);
    if (version !== "v1" || !sig) continue;
    let given: Uint8Array;
    try {
      given = Uint8Array.from(atob(sig), (ch) => ch.charCodeAt(0));
    } catch {
      continue;
    }
    // Every candidate is compared (no early exit), each in constant time.
    if (equalBytes(given, expected)) match = true;
  }
  return match ? { ok: true } : { ok: false, reason: "bad_signature" };
}
