/**
 * Customer PII and partner secrets at rest: AES-256-GCM with keys from the
 * `PII_KEYS` Worker secret, and keyed blind indexes (HMAC-SHA256 under
 * `PII_INDEX_KEY`) for the few lookups by value (duplicate detection, the
 * blocklist, the order list's contact search).
 *
 * Invariants:
 * - A sealed value reads `enc1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`;
 *   the key id names the key that sealed it, so a value sealed under an
 *   older key still opens after a newer key is put first (rotation).
 * - New writes always use the first (newest) key in `PII_KEYS`.
 * - A value without the `enc1:` prefix is plaintext written before
 *   encryption was switched on: it reads as it is, and the re-encryption
 *   job (src/db/reseal-pii.ts) seals it.
 * - Opening never guesses: an unknown key id or a failed tag is an error,
 *   not garbage.
 *
 * Synchronous on purpose: drizzle's column mappers are synchronous, and
 * sealing in the mapper means no reader or writer of an encrypted column can
 * forget it. WebCrypto is async only, so this uses the runtime's native
 * `node:crypto` (nodejs_compat), which is synchronous. It replaced AES-GCM
 * and HMAC in JS (@noble): the same bytes (a value sealed by either opens
 * with the other). In Node here the native cipher sealed 30 KB (a label PDF)
 * in 25 µs against 558; a whole order in `npm run bench:order` went from
 * 72-74 to 71-73 ms of server CPU, inside the runs' spread (bench/README.md).
 */
import { Buffer } from "node:buffer";
import { createCipheriv, createDecipheriv, createHmac } from "node:crypto";

export const SEALED_PREFIX = "enc1:";
const NONCE_BYTES = 12;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export type PiiKeyring = {
  /** Newest first: keys[0] seals, every key opens what it sealed. */
  keys: readonly { id: string; key: Uint8Array }[];
  /** HMAC key of the blind indexes and customer keys; not rotated with PII_KEYS (see docs/deployment.md). */
  indexKey: Uint8Array | null;
};

const TAG_BYTES = 16;
const fromUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");

/** Base64 or base64url, padded or not (Buffer's base64 decoder reads both alphabets). */
const unb64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.trim(), "base64"));
const decodeKey = unb64;

/**
 * `PII_KEYS` is a comma list of `id:base64key` (32-byte keys), newest first;
 * `PII_INDEX_KEY` is one base64 key of at least 32 bytes. A malformed value
 * throws: a Worker that cannot seal must not start writing plaintext.
 */
export function parseKeyring(piiKeys: string | undefined, indexKey: string | undefined): PiiKeyring {
  const keys = (piiKeys ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const at = entry.indexOf(":");
      const id = entry.slice(0, at);
      if (at < 1 || !KEY_ID.test(id)) throw new Error("PII_KEYS: each entry is id:base64key, the id of letters, digits, - or _");
      const key = decodeKey(entry.slice(at + 1));
      if (key.length !== 32) throw new Error(`PII_KEYS: key ${id} is ${key.length} bytes, not 32`);
      return { id, key };
    });
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new Error("PII_KEYS: a key id appears twice");
  const index = indexKey?.trim() ? decodeKey(indexKey) : null;
  if (index && index.length < 32) throw new Error("PII_INDEX_KEY: the key must be at least 32 bytes");
  return { keys, indexKey: index };
}

let current: PiiKeyring = { keys: [], indexKey: null };
let currentSource: string | null = null;

/**
 * Values this isolate sealed or opened, by their sealed form. A sealed value
 * never changes meaning (its nonce makes it unique), and the same rows are
 * read again and again (an order's object reads it for every change, staff
 * lists the same recent orders), while opening costs tens of microseconds
 * of pure-JS AES-GCM per field. Bounded, oldest out first; emptied when the
 * keys change, so a retired key's values are not served from memory.
 */
const OPENED_MAX = 10_000;
const opened = new Map<string, string>();
function remember(sealed: string, plaintext: string): void {
  if (opened.size >= OPENED_MAX) opened.delete(opened.keys().next().value!);
  opened.set(sealed, plaintext);
}

/**
 * Sets the isolate's keyring from the Worker's secrets; cheap when they have
 * not changed. Called by `database(env)`, which every entry point (fetch,
 * queue, scheduled, the order object) goes through before it reads or writes.
 */
export function useKeyring(env: { PII_KEYS?: string; PII_INDEX_KEY?: string }): void {
  const source = `${env.PII_KEYS ?? ""}\n${env.PII_INDEX_KEY ?? ""}`;
  if (source === currentSource) return;
  current = parseKeyring(env.PII_KEYS, env.PII_INDEX_KEY);
  currentSource = source;
  opened.clear();
}

export const keyring = (): PiiKeyring => current;

export const isSealed = (value: string) => value.startsWith(SEALED_PREFIX);

/** The id of the key that sealed a value, or null for plaintext. */
export function sealedWith(value: string): string | null {
  if (!isSealed(value)) return null;
  const end = value.indexOf(":", SEALED_PREFIX.length);
  return end < 0 ? null : value.slice(SEALED_PREFIX.length, end);
}

export function seal(plaintext: string, ring: PiiKeyring = current): string {
  const k = ring.keys[0];
  if (!k) throw new Error("PII_KEYS is not set: customer data cannot be stored unencrypted (see docs/deployment.md)");
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const cipher = createCipheriv("aes-256-gcm", k.key, nonce);
  // nonce ‖ ciphertext ‖ tag, the layout every sealed value has had.
  const out = Buffer.concat([nonce, cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  const stored = `${SEALED_PREFIX}${k.id}:${out.toString("base64url")}`;
  if (ring === current) remember(stored, plaintext);
  return stored;
}

export function open(stored: string, ring: PiiKeyring = current): string {
  const id = sealedWith(stored);
  if (id === null) return stored;
  const known = ring === current ? opened.get(stored) : undefined;
  if (known !== undefined) return known;
  const k = ring.keys.find((x) => x.id === id);
  if (!k) throw new Error(`PII key "${id}" is not in PII_KEYS: keep retired keys until the re-encryption job has run`);
  const bytes = unb64(stored.slice(SEALED_PREFIX.length + id.length + 1));
  if (bytes.length < NONCE_BYTES + TAG_BYTES) throw new Error("a sealed value is too short to hold its nonce and tag");
  const decipher = createDecipheriv("aes-256-gcm", k.key, bytes.subarray(0, NONCE_BYTES));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  const plain = Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
  const plaintext = fromUtf8.decode(plain);
  if (ring === current) remember(stored, plaintext);
  return plaintext;
}

function mac(label: string, storeId: string, value: string, ring: PiiKeyring): Uint8Array {
  if (!ring.indexKey) throw new Error("PII_INDEX_KEY is not set: lookups by email or phone need it (see docs/deployment.md)");
  // NUL separators: no store id or value can shift a byte from one part to another.
  return createHmac("sha256", ring.indexKey).update(`${label}\u0000${storeId}\u0000${value}`, "utf8").digest();
}

export type BlindKind = "email" | "phone" | "address";

/**
 * The blind index of an already normalised value: equal values of one
 * store give equal indexes, and without PII_INDEX_KEY nobody can tell what
 * value an index stands for.
 */
export function blindIndex(kind: BlindKind, storeId: string, normalised: string, ring: PiiKeyring = current): string {
  return b64(mac(`index:${kind}`, storeId, normalised, ring));
}

/**
 * The blind index of a normalised value across the whole merchant (every
 * store of the deployment): what recognises one customer in several stores
 * (src/customers). Same key, its own label and no store, so it matches no
 * per-store index and tells nothing about them.
 */
export function merchantIndex(kind: "email" | "phone" | "name", normalised: string, ring: PiiKeyring = current): string {
  return b64(mac(`merchant:${kind}`, "", normalised, ring));
}

/** A keyed digest for other derived values (the shipments' merge key), under its own label. */
export function keyedDigest(label: string, storeId: string, value: string, ring: PiiKeyring = current): string {
  return b64(mac(`digest:${label}`, storeId, value, ring));
}

/**
 * A pseudonymous customer id for analysts: stable per store for the same
 * normalised email (or phone), unlinkable across stores and to the blind
 * indexes (another HMAC label), and 128 bits so collisions do not happen.
 */
export function customerKey(storeId: string, normalised: string, ring: PiiKeyring = current): string {
  return `cus_${b64(mac("customer", storeId, normalised, ring).subarray(0, 16))}`;
}
