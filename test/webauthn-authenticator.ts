/**
 * A software passkey for tests: an ES256 (P-256) key pair made with
 * WebCrypto, answering registration and sign-in options exactly as a
 * browser passes an authenticator's answer on (the JSON of
 * `PublicKeyCredential`, base64url fields). Attestation is `none`, as
 * passkeys usually give. Options let a test lie: another origin, a counter
 * that goes backwards, a signature from another key.
 */
import { isoBase64URL, isoCBOR } from "@simplewebauthn/server/helpers";

const utf8 = new TextEncoder();
const b64u = (bytes: Uint8Array) => isoBase64URL.fromBuffer(new Uint8Array(bytes));

/** User present, user verified, attested credential data included. */
const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(bytes)));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const uint32 = (n: number) => new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);

/** WebCrypto signs ECDSA as r||s; WebAuthn carries an ASN.1 DER SEQUENCE of two INTEGERs. */
export function derSignature(raw: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    let v: Uint8Array = bytes.slice(i);
    if (v[0]! & 0x80) v = concat(new Uint8Array([0]), v);
    return concat(new Uint8Array([0x02, v.length]), v);
  };
  const body = concat(integer(raw.slice(0, 32)), integer(raw.slice(32)));
  return concat(new Uint8Array([0x30, body.length]), body);
}

type Options = { challenge: string; rp?: { id?: string }; rpId?: string; user?: { id: string } };
type Lie = { origin?: string; rpId?: string; counter?: number; signWith?: CryptoKey; userVerified?: boolean; type?: string };

export class SoftAuthenticator {
  counter = 0;

  private constructor(
    readonly credentialId: Uint8Array,
    private readonly keys: CryptoKeyPair,
    /** The origin the "browser" reports: the page the person is on. */
    readonly origin: string,
    private userHandle: string | null = null,
  ) {}

  static async create(origin: string): Promise<SoftAuthenticator> {
    const keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    return new SoftAuthenticator(crypto.getRandomValues(new Uint8Array(16)), keys, origin);
  }

  get id(): string {
    return b64u(this.credentialId);
  }

  /** A private key of no registered passkey, for `signWith`. */
  static async strayKey(): Promise<CryptoKey> {
    const keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    return keys.privateKey;
  }

  private async coseKey(): Promise<Uint8Array> {
    const jwk = (await crypto.subtle.exportKey("jwk", this.keys.publicKey)) as JsonWebKey;
    // COSE_Key (RFC 9053): kty EC2 (2), alg ES256 (-7), crv P-256 (1), x, y.
    return isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, isoBase64URL.toBuffer(jwk.x!)],
        [-3, isoBase64URL.toBuffer(jwk.y!)],
      ]),
    );
  }

  private async clientData(type: string, challenge: string, lie: Lie): Promise<Uint8Array> {
    return utf8.encode(JSON.stringify({ type: lie.type ?? type, challenge, origin: lie.origin ?? this.origin, crossOrigin: false }));
  }

  private flags(lie: Lie, extra = 0): Uint8Array {
    return new Uint8Array([FLAG_UP | (lie.userVerified === false ? 0 : FLAG_UV) | extra]);
  }

  /** The answer to `navigator.credentials.create(options)`. */
  async register(options: Options, lie: Lie = {}) {
    const rpId = lie.rpId ?? options.rp?.id ?? new URL(this.origin).hostname;
    this.userHandle = options.user?.id ?? null;
    const credentialId = this.credentialId;
    const attested = concat(new Uint8Array(16), new Uint8Array([credentialId.length >> 8, credentialId.length & 255]), credentialId, await this.coseKey());
    const authData = concat(await sha256(utf8.encode(rpId)), this.flags(lie, FLAG_AT), uint32(lie.counter ?? this.counter), attested);
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Uint8Array | Map<string, string>>([
        ["fmt", "none"],
        ["attStmt", new Map<string, string>()],
        ["authData", authData],
      ]),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key" as const,
      response: {
        clientDataJSON: b64u(await this.clientData("webauthn.create", options.challenge, lie)),
        attestationObject: b64u(attestationObject),
        transports: ["internal"],
      },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    };
  }

  /** The answer to `navigator.credentials.get(options)`; each call moves the counter on, unless `lie.counter` says otherwise. */
  async assert(options: Options, lie: Lie = {}) {
    const rpId = lie.rpId ?? options.rpId ?? new URL(this.origin).hostname;
    if (lie.counter === undefined) this.counter += 1;
    const authData = concat(await sha256(utf8.encode(rpId)), this.flags(lie), uint32(lie.counter ?? this.counter));
    const clientDataJSON = await this.clientData("webauthn.get", options.challenge, lie);
    const signed = concat(authData, await sha256(clientDataJSON));
    const raw = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, lie.signWith ?? this.keys.privateKey, new Uint8Array(signed)));
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key" as const,
      response: {
        clientDataJSON: b64u(clientDataJSON),
        authenticatorData: b64u(authData),
        signature: b64u(derSignature(raw)),
        ...(this.userHandle ? { userHandle: this.userHandle } : {}),
      },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    };
  }
}
