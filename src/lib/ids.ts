/**
 * Prefixed, time-sortable ids (`ord_01J...`): a 48-bit millisecond timestamp
 * then 80 random bits, both in Crockford base32, so ids sort by creation
 * time and a listing ordered by id is ordered by age.
 *
 * An id made for a store's records may carry the store's tag (docs/SHARDING.md
 * section 4): `ord_<time>-<tag><random>`, 4 characters of tag and 60 random
 * bits, so whoever holds only the id finds the store's shard from the tag
 * (src/db/homes.ts). The tag follows the time, so tagged and untagged ids
 * still sort by creation time together. Ids without a tag (made before
 * tags, or for stores that have none) are "legacy": they live on shard 0
 * unless `legacy_homes` says otherwise.
 */
import { createHash } from "node:crypto";
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export type IdPrefix =
  | "ord"
  | "inv"
  | "note"
  | "svw"
  | "evt"
  | "obx"
  | "st"
  | "prd"
  | "key"
  | "wh"
  | "dlq"
  | "blk"
  | "aud"
  | "ntf"
  | "zn"
  | "pkt"
  | "bin"
  | "rcv"
  | "adj"
  | "trf"
  | "cnt"
  | "shp"
  | "si"
  | "wv"
  | "exc"
  | "svc"
  | "tev"
  | "lex"
  | "as"
  | "whc"
  | "chn"
  | "syn"
  | "psh"
  | "whs"
  | "msg"
  | "ntc"
  | "chi"
  | "usr"
  | "pos"
  | "act"
  | "utk"
  | "eml"
  | "sup"
  | "po"
  | "poe"
  | "prc"
  | "stt"
  | "led"
  | "stl"
  | "cst"
  | "cev";

function timePart(ms: number): string {
  let time = "";
  let t = ms;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time;
}

/**
 * The smallest id made at `ms` or later: every id of `prefix` made at or after
 * `ms` sorts at or above it, every one made before sorts below. A range of
 * creation times is a range of ids (for records whose created_at is the
 * instant their id was made), which an index on the id serves in order.
 */
export function idFloor(prefix: IdPrefix, ms: number): string {
  return `${prefix}_${timePart(Math.min(Math.max(0, Math.floor(ms)), 32 ** 10 - 1))}`;
}

const CROCKFORD = "0-9A-HJKMNP-TV-Z";

/** A store's tag: 4 Crockford base32 characters (about a million stores). */
export const TAG = new RegExp(`^[${CROCKFORD}]{4}$`);

/** The part of an id after its prefix, tagged or not, as regex source: `new RegExp(\`^ord_${ID_BODY}$\`)`. */
export const ID_BODY = "(?:[0-9A-Z]{26}|[0-9A-Z]{10}-[0-9A-Z]{16})";

/** `^<prefix>_<body>$`: one id of that kind, tagged or not. */
export const idPattern = (prefix: IdPrefix) => new RegExp(`^${prefix}_${ID_BODY}$`);

/** `idPattern` held to the alphabet ids are made of (no I, L, O, U): text that only looks like an id is not one. */
export const strictIdPattern = (prefix: IdPrefix) => new RegExp(`^${prefix}_(?:[${CROCKFORD}]{26}|[${CROCKFORD}]{10}-[${CROCKFORD}]{16})$`);

function randomPart(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let rand = "";
  for (let i = 0; i < length; i++) rand += ALPHABET[bytes[i]! % 32];
  return rand;
}

/** A new id; with `tag`, one that names its store's tag (see the top of this file). */
export function newId(prefix: IdPrefix, now = Date.now(), tag: string | null = null): string {
  const time = timePart(now);
  if (tag === null) return `${prefix}_${time}${randomPart(16)}`;
  if (!TAG.test(tag)) throw new Error(`newId: "${tag}" is not a store tag`);
  return `${prefix}_${time}-${tag}${randomPart(12)}`;
}

/** A new store tag (the directory's unique index decides whether it is free). */
export const newTag = () => randomPart(4);

const TAGGED = /^[a-z]{2,4}_[0-9A-Z]{10}-([0-9A-Z]{4})[0-9A-Z]{12}$/;

/** The store tag an id carries, or null for an id without one (a legacy id, or not an id at all). */
export function tagOf(id: string): string | null {
  return TAGGED.exec(id)?.[1] ?? null;
}

/** A random secret of `length` base62 characters (API keys, customer tokens). */
export function randomToken(length = 32): string {
  const chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  // 248 is the largest multiple of 62 below 256: rejecting the rest keeps every character equally likely.
  let out = "";
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (b < 248 && out.length < length) out += chars[b % 62];
    }
  }
  return out;
}

/**
 * Hashes every API key, idempotent body and customer link on their hot paths. Synchronous SHA-256 from the
 * runtime's native `node:crypto` rather than WebCrypto: for these short inputs `crypto.subtle.digest`'s trip
 * through the runtime and its promise cost far more than the hashing, and showed as about 3 % of a whole order's
 * CPU in the profile (bench/whole-order.mjs, BENCH_PROFILE=1). SHA-256 in JS (@noble/hashes), used before, took
 * 2.2 µs for an API key in Node here, the native one 0.6. Still returns a promise, so callers need not care.
 */
export async function sha256Hex(input: string): Promise<string> {
  return createHash("sha256").update(input, "utf8").digest("hex");
}
