/**
 * Prefixed, time-sortable ids (`ord_01J...`): a 48-bit millisecond timestamp
 * then 80 random bits, both in Crockford base32, so ids sort by creation
 * time and a listing ordered by id is ordered by age.
 */
import { sha256 } from "@noble/hashes/sha2.js";
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

export function newId(prefix: IdPrefix, now = Date.now()): string {
  const time = timePart(now);
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let rand = "";
  for (let i = 0; i < 16; i++) rand += ALPHABET[bytes[i]! % 32];
  return `${prefix}_${time}${rand}`;
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

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
const utf8 = new TextEncoder();

/**
 * Hashes every API key, idempotent body and customer link on their hot paths, hence the table. Synchronous
 * SHA-256 in JS (@noble/hashes, audited, already ours for scrypt) rather than WebCrypto: for these short inputs
 * `crypto.subtle.digest`'s trip through the runtime and its promise cost far more than the hashing, and showed as
 * about 3 % of a whole order's CPU in the profile (bench/whole-order.mjs, BENCH_PROFILE=1). Still returns a
 * promise, so callers need not care.
 */
export async function sha256Hex(input: string): Promise<string> {
  const digest = sha256(utf8.encode(input));
  let out = "";
  for (let i = 0; i < digest.length; i++) out += HEX[digest[i]!];
  return out;
}
