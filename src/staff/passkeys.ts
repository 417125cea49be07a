/**
 * Passkeys (WebAuthn) with @simplewebauthn/server: registering one for the
 * signed-in person, and signing in with one. A passkey asked with user
 * verification (the device's PIN or biometrics) is both factors at once.
 *
 * Invariants:
 * - Every ceremony has a challenge of ours, stored with its purpose (and the
 *   person, for registration) for CHALLENGE_MS, and spent by a conditional
 *   DELETE before the response is checked: of two requests with the same
 *   challenge exactly one gets it, and a failed attempt burns it too.
 * - The relying party is the host the request came to: the console is served
 *   by this Worker, so the browser's origin is the request's origin (see
 *   `relyingParty`).
 * - A signature counter that does not move forward (when the authenticator
 *   keeps one) means a cloned key: refused, guarded in SQL as well.
 */
import type { AuthenticationResponseJSON, RegistrationResponseJSON, verifyRegistrationResponse } from "@simplewebauthn/server";
import { and, eq, gt, lt, or, sql } from "drizzle-orm";
import type { Context } from "hono";
import { directory } from "../db/client";
import { authChallenges, passkeys, users } from "../db/schema";
import type { AppEnv, ShardEnv } from "../env";
import { TOTP_ISSUER } from "./two-factor";
import type { UserRow } from "./sessions";

/**
 * The WebAuthn library and its ASN.1/X.509 dependencies are loaded on the
 * first passkey request, not with the app: most requests never need them
 * (and the test runner's isolates each load the app). What is kept is the
 * loaded library, never the loading promise: a promise made in one request
 * and awaited in another fails ("Cannot perform I/O on behalf of a different
 * request"), which two passkey requests at once met in the full test run.
 */
const load = () => Promise.all([import("@simplewebauthn/server"), import("@simplewebauthn/server/helpers")]).then(([server, helpers]) => ({ ...server, ...helpers }));
let loaded: Awaited<ReturnType<typeof load>> | undefined;
const webauthn = async () => (loaded ??= await load());

/** How long a browser has to answer a challenge. */
export const CHALLENGE_MS = 5 * 60 * 1000;

export type PasskeyRow = typeof passkeys.$inferSelect;
export type PasskeyRefusal = {
  ok: false;
  code: "challenge" | "verification" | "unknown_passkey" | "inactive" | "counter" | "duplicate";
  detail: string;
  /** The passkey's owner, when the refusal got that far (for the activity log). */
  user?: Pick<UserRow, "id" | "displayName">;
};

/**
 * Who the passkeys belong to: the origin and host of the request itself.
 * PUBLIC_URL is not used: it names where customer links point, which may be
 * another host than the console's, and a passkey is bound to the host the
 * browser shows. A deployment reached through a proxy that rewrites the Host
 * must pass the browser's host through (Cloudflare routes and custom domains
 * do), or passkeys registered there will not verify.
 */
export function relyingParty(c: Context): { rpID: string; origin: string } {
  const url = new URL(c.req.url);
  return { rpID: url.hostname, origin: url.origin };
}

async function storeChallenge(env: ShardEnv, o: { challenge: string; purpose: "register" | "sign_in"; userId: string | null }): Promise<void> {
  const now = Date.now();
  const db = directory(env);
  // Abandoned ceremonies are cleared as new ones start: the table stays as small as the traffic of the last minutes.
  await db.batch([
    db.delete(authChallenges).where(lt(authChallenges.expiresAt, now)),
    db.insert(authChallenges).values({ challenge: o.challenge, purpose: o.purpose, userId: o.userId, expiresAt: now + CHALLENGE_MS }),
  ]);
}

/** Spends the challenge the browser signed, once, if it is ours, live, and for this purpose. */
async function spendChallenge(env: ShardEnv, o: { clientDataJSON: unknown; purpose: "register" | "sign_in" }) {
  const { decodeClientDataJSON } = await webauthn();
  let challenge: string;
  try {
    const client = decodeClientDataJSON(String(o.clientDataJSON));
    challenge = client.challenge;
  } catch {
    return null;
  }
  if (typeof challenge !== "string" || !challenge || challenge.length > 200) return null;
  return (
    (await directory(env)
      .delete(authChallenges)
      .where(and(eq(authChallenges.challenge, challenge), eq(authChallenges.purpose, o.purpose), gt(authChallenges.expiresAt, Date.now())))
      .returning()
      .get()) ?? null
  );
}

export async function listPasskeys(env: ShardEnv, userId: string): Promise<PasskeyRow[]> {
  return directory(env).select().from(passkeys).where(eq(passkeys.userId, userId)).orderBy(passkeys.createdAt);
}

export async function registrationOptions(c: Context<AppEnv>, user: UserRow) {
  const { rpID } = relyingParty(c);
  const { generateRegistrationOptions } = await webauthn();
  const existing = await listPasskeys(c.env, user.id);
  const options = await generateRegistrationOptions({
    rpName: TOTP_ISSUER,
    rpID,
    userName: user.email,
    userDisplayName: user.displayName,
    userID: new Uint8Array(new TextEncoder().encode(user.id)),
    attestationType: "none",
    timeout: CHALLENGE_MS,
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports })),
    authenticatorSelection: { residentKey: "preferred", userVerification: "required" },
  });
  await storeChallenge(c.env, { challenge: options.challenge, purpose: "register", userId: user.id });
  return options;
}

export async function registerPasskey(
  c: Context<AppEnv>,
  user: UserRow,
  o: { name: string; response: Record<string, unknown> },
): Promise<{ ok: true; passkey: PasskeyRow } | PasskeyRefusal> {
  const response = o.response as unknown as RegistrationResponseJSON;
  const spent = await spendChallenge(c.env, { clientDataJSON: response.response?.clientDataJSON, purpose: "register" });
  if (!spent || spent.userId !== user.id) return { ok: false, code: "challenge", detail: "The challenge is unknown, expired or already used: ask for new options" };
  const { rpID, origin } = relyingParty(c);
  const { verifyRegistrationResponse, isoBase64URL } = await webauthn();
  let info: Awaited<ReturnType<typeof verifyRegistrationResponse>>["registrationInfo"];
  try {
    const verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: spent.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: true,
    });
    info = verified.verified ? verified.registrationInfo : undefined;
  } catch (e) {
    return { ok: false, code: "verification", detail: `The passkey could not be verified: ${(e as Error).message}` };
  }
  if (!info) return { ok: false, code: "verification", detail: "The passkey could not be verified" };
  const row: PasskeyRow = {
    id: info.credential.id,
    userId: user.id,
    publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
    counter: info.credential.counter,
    transports: (response.response.transports ?? []).filter((t) => typeof t === "string").slice(0, 10),
    name: o.name,
    createdAt: Date.now(),
    lastUsedAt: null,
  };
  const inserted = await directory(c.env).insert(passkeys).values(row).onConflictDoNothing().returning({ id: passkeys.id }).get();
  if (!inserted) return { ok: false, code: "duplicate", detail: "This passkey is already registered" };
  return { ok: true, passkey: row };
}

/** Options for `navigator.credentials.get()`. Without an email the browser offers the person's discoverable passkeys. */
export async function signInOptions(c: Context<AppEnv>, o: { email?: string }) {
  const { rpID } = relyingParty(c);
  const { generateAuthenticationOptions } = await webauthn();
  let allow: { id: string; transports: string[] }[] | undefined;
  if (o.email) {
    const rows = await directory(c.env)
      .select({ id: passkeys.id, transports: passkeys.transports })
      .from(passkeys)
      .innerJoin(users, eq(users.id, passkeys.userId))
      .where(and(eq(users.email, o.email), eq(users.status, "active")));
    // An unknown address gets the same shape of answer as a known one: the options say nothing about who is staff.
    allow = rows.length ? rows : [{ id: await decoyCredentialId(c.env, o.email), transports: ["internal"] }];
  }
  const options = await generateAuthenticationOptions({ rpID, allowCredentials: allow, userVerification: "required", timeout: CHALLENGE_MS });
  await storeChallenge(c.env, { challenge: options.challenge, purpose: "sign_in", userId: null });
  return options;
}

/** A credential id that is stable per address and matches no authenticator (a keyed hash of the address). */
async function decoyCredentialId(env: ShardEnv, email: string): Promise<string> {
  const { isoBase64URL } = await webauthn();
  const key = await crypto.subtle.importKey("raw", isoBase64URL.toBuffer(env.PII_INDEX_KEY ?? "", "base64"), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`passkey-decoy:${email}`));
  return isoBase64URL.fromBuffer(new Uint8Array(mac));
}

/** Checks a passkey's answer to our challenge: the person it signs in, if the passkey is theirs and they are active. */
export async function verifyPasskeySignIn(
  c: Context<AppEnv>,
  o: { response: Record<string, unknown> },
): Promise<{ ok: true; user: UserRow; passkey: PasskeyRow } | PasskeyRefusal> {
  const response = o.response as unknown as AuthenticationResponseJSON;
  const spent = await spendChallenge(c.env, { clientDataJSON: response.response?.clientDataJSON, purpose: "sign_in" });
  if (!spent) return { ok: false, code: "challenge", detail: "The challenge is unknown, expired or already used: ask for new options" };
  const found = await directory(c.env)
    .select({ passkey: passkeys, user: users })
    .from(passkeys)
    .innerJoin(users, eq(users.id, passkeys.userId))
    .where(eq(passkeys.id, String(response.id)))
    .get();
  if (!found) return { ok: false, code: "unknown_passkey", detail: "This passkey is not registered here" };
  const { passkey, user } = found;
  const { rpID, origin } = relyingParty(c);
  const { verifyAuthenticationResponse, isoBase64URL } = await webauthn();
  let newCounter: number;
  try {
    const verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: spent.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential: { id: passkey.id, publicKey: isoBase64URL.toBuffer(passkey.publicKey), counter: passkey.counter, transports: passkey.transports },
      requireUserVerification: true,
    });
    if (!verified.verified) return { ok: false, code: "verification", detail: "The passkey's signature is not valid", user };
    newCounter = verified.authenticationInfo.newCounter;
  } catch (e) {
    const message = (e as Error).message;
    if (/counter/i.test(message)) return { ok: false, code: "counter", detail: "The passkey's counter went backwards: it may have been copied", user };
    return { ok: false, code: "verification", detail: `The passkey could not be verified: ${message}`, user };
  }
  if (user.status !== "active") return { ok: false, code: "inactive", detail: "This account is not active", user };
  // The counter moves forward, checked against the row as it is now: two uses racing on one counter value cannot both pass.
  const moved = await directory(c.env)
    .update(passkeys)
    .set({ counter: newCounter, lastUsedAt: Date.now() })
    .where(and(eq(passkeys.id, passkey.id), newCounter === 0 ? eq(passkeys.counter, 0) : lt(passkeys.counter, newCounter)))
    .returning({ id: passkeys.id })
    .get();
  if (!moved) return { ok: false, code: "counter", detail: "The passkey's counter went backwards: it may have been copied", user };
  return { ok: true, user, passkey: { ...passkey, counter: newCounter } };
}

/**
 * Removes one of the person's passkeys. When two-factor is `required` and
 * this is their last second factor (no TOTP, no other passkey), refused:
 * checked inside the DELETE, so a TOTP being turned off at the same moment
 * cannot leave them with none.
 */
export async function removePasskey(env: ShardEnv, o: { userId: string; id: string; required: boolean }): Promise<"removed" | "not_found" | "last_factor"> {
  const db = directory(env);
  const others = sql`(select count(*) from ${passkeys} p where p.user_id = ${o.userId} and p.id <> ${o.id}) > 0`;
  const totp = sql`(select ${users.totpEnabledAt} from ${users} where ${users.id} = ${o.userId}) is not null`;
  const guard = o.required ? or(others, totp) : undefined;
  const removed = await db
    .delete(passkeys)
    .where(and(eq(passkeys.id, o.id), eq(passkeys.userId, o.userId), guard))
    .returning({ id: passkeys.id })
    .get();
  if (removed) return "removed";
  const exists = await db
    .select({ id: passkeys.id })
    .from(passkeys)
    .where(and(eq(passkeys.id, o.id), eq(passkeys.userId, o.userId)))
    .get();
  return exists ? "last_factor" : "not_found";
}
