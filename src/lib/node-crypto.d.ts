// The part of Node's crypto and Buffer the Worker uses (nodejs_compat provides them natively and synchronously):
// sealing customer data (src/lib/pii-crypto.ts) and hashing keys (src/lib/ids.ts).
declare module "node:buffer" {
  export class Buffer extends Uint8Array {
    static from(data: ArrayBufferLike, byteOffset?: number, length?: number): Buffer;
    static from(data: string, encoding: "base64" | "base64url" | "utf8" | "hex"): Buffer;
    static from(data: Uint8Array): Buffer;
    static concat(list: readonly Uint8Array[]): Buffer;
    toString(encoding?: "base64" | "base64url" | "utf8" | "hex"): string;
  }
}

declare module "node:crypto" {
  import type { Buffer } from "node:buffer";
  interface Cipher {
    update(data: string, encoding: "utf8"): Buffer;
    update(data: Uint8Array): Buffer;
    final(): Buffer;
  }
  export interface CipherGCM extends Cipher {
    getAuthTag(): Buffer;
  }
  export interface DecipherGCM extends Cipher {
    setAuthTag(tag: Uint8Array): this;
  }
  export interface Hash {
    update(data: string | Uint8Array, encoding?: "utf8"): this;
    digest(): Buffer;
    digest(encoding: "hex" | "base64url"): string;
  }
  export function createCipheriv(algorithm: "aes-256-gcm", key: Uint8Array, iv: Uint8Array): CipherGCM;
  export function createDecipheriv(algorithm: "aes-256-gcm", key: Uint8Array, iv: Uint8Array): DecipherGCM;
  export function createHmac(algorithm: "sha256", key: Uint8Array): Hash;
  export function createHash(algorithm: "sha256"): Hash;
}
