/** The shapes of second factors: TOTP, recovery codes, passkeys, and the sign-in steps they answer. */
import { z } from "@hono/zod-openapi";
import { Rfc3339 } from "../http/route";

const TotpCode = z
  .string()
  .trim()
  .regex(/^\d{6}$/, "six digits")
  .openapi({ example: "123456", description: "The six digits the authenticator app shows now" });
const RecoveryCode = z.string().trim().min(12).max(20).openapi({ example: "abcd-efgh-ijkl" });

export const TotpEnrolment = z
  .object({
    secret: z.string().openapi({ description: "Base32, for typing into an authenticator app. Shown only in this response" }),
    otpauth_uri: z.string().openapi({ description: "`otpauth://totp/...`: show it as a QR code" }),
  })
  .openapi("TotpEnrolment");

export const CodeBody = z.object({ code: TotpCode }).strict().openapi("TotpCodeBody");

export const DisableTotpBody = z
  .object({ password: z.string().min(1).max(1000).optional(), code: TotpCode.optional() })
  .strict()
  .refine((b) => (b.password === undefined) !== (b.code === undefined), { message: "give either `password` or `code`", path: ["password"] })
  .openapi("DisableTotp");

/** A session the answer started: the console keeps the CSRF token for its writes. */
const SessionStarted = z.object({ stage: z.literal("full"), csrf_token: z.string() });

export const RecoveryCodes = z
  .object({
    recovery_codes: z.array(z.string()).openapi({ description: "Each works once, in place of a code. Shown only in this response" }),
    session: SessionStarted.optional().openapi({
      description: "Present when this completed a required enrolment: the session was replaced by a full one (new cookie)",
    }),
  })
  .openapi("RecoveryCodes");

export const TwoFactorStatus = z
  .object({
    totp_enabled: z.boolean(),
    totp_enabled_at: Rfc3339.nullable(),
    recovery_codes_left: z.number().int(),
    passkeys: z.number().int(),
    required: z.boolean().openapi({ description: "A position of this person requires two-factor" }),
  })
  .openapi("TwoFactorStatus");

export const SecondStepBody = z
  .object({ code: TotpCode.optional(), recovery_code: RecoveryCode.optional() })
  .strict()
  .refine((b) => (b.code === undefined) !== (b.recovery_code === undefined), { message: "give either `code` or `recovery_code`", path: ["code"] })
  .openapi("SecondStep");

export { SignedIn } from "./sign-in-schemas";

/** A WebAuthn credential as the browser's `navigator.credentials` returns it, JSON-encoded (base64url fields). */
const CredentialJson = z
  .object({
    id: z.string().min(1).max(1400),
    rawId: z.string().min(1).max(1400),
    type: z.literal("public-key"),
    response: z.record(z.string(), z.unknown()),
    clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
    authenticatorAttachment: z.string().max(40).optional(),
  })
  .passthrough();

export const RegisterPasskeyBody = z
  .object({ name: z.string().trim().min(1).max(100), response: CredentialJson })
  .strict()
  .openapi("RegisterPasskey");

export const PasskeySignInOptionsBody = z
  .object({ email: z.string().trim().toLowerCase().email().max(320).optional() })
  .strict()
  .openapi("PasskeySignInOptions");

export const PasskeySignInBody = z.object({ response: CredentialJson }).strict().openapi("PasskeySignIn");

export const Passkey = z.object({ id: z.string(), name: z.string(), transports: z.array(z.string()), created_at: Rfc3339, last_used_at: Rfc3339.nullable() }).openapi("Passkey");
export const RegisteredPasskey = Passkey.extend({ session: SessionStarted.optional() }).openapi("RegisteredPasskey");
export const PasskeyList = z.object({ data: z.array(Passkey) }).openapi("PasskeyList");
export const PasskeyIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(1400)
    .openapi({ param: { name: "id", in: "path" } }),
});

/** WebAuthn options for `navigator.credentials.create()` / `.get()` (see @simplewebauthn/browser). */
export const WebAuthnOptions = z.record(z.string(), z.unknown()).openapi("WebAuthnOptions");
