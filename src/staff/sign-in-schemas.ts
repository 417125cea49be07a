/** The shapes of signing in, the signed-in person's own account and their sessions. */
import { z } from "@hono/zod-openapi";
import { Rfc3339 } from "../http/route";
import { STAFF_LOCALES } from "./staff-mail";

// Lengths bound the work an anonymous request can cause (a password is hashed as given).
export const SignIn = z
  .object({
    email: z.string().trim().min(3).max(254).openapi({ example: "ana@merchant.example" }),
    password: z.string().min(1).max(256),
  })
  .strict()
  .openapi("SignIn");

export const SignedInUser = z
  .object({
    id: z.string(),
    email: z.string(),
    display_name: z.string(),
    positions: z.array(z.string()).openapi({ description: "Position ids; the first is the person's main position" }),
    store_ids: z.array(z.string()).openapi({ description: 'Stores the person acts for, or ["*"]' }),
    warehouse_ids: z.array(z.string()).openapi({ description: 'Warehouses the person works in, or ["*"]' }),
    locale: z.string().openapi({ example: "zh-CN" }),
  })
  .openapi("SignedInUser");

export const UpdateMe = z
  .object({
    display_name: z.string().trim().min(1).max(100).optional(),
    locale: z.enum(STAFF_LOCALES).optional().openapi({ description: "The language of my emails, and of the console where this browser has not chosen one" }),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: "name at least one field to change" })
  .openapi("UpdateMe");
export type UpdateMeInput = z.infer<typeof UpdateMe>;

export const STAGE_DESCRIPTION =
  "`full`: signed in. `second_factor`: the password was right, give the second factor within 5 minutes (nothing else is open). `enrol`: a position requires two-factor: only the person's own account is open until it is set up.";

export const SignedIn = z
  .object({
    stage: z.enum(["full", "second_factor", "enrol"]).openapi({ description: STAGE_DESCRIPTION }),
    csrf_token: z.string().openapi({ description: "Send it as `x-csrf-token` on every write made with the session cookie" }),
    user: SignedInUser,
  })
  .openapi("SignedIn");

export const SessionInfo = z
  .object({
    id: z.string().openapi({
      description: "The session's id: the SHA-256 of its cookie token, which cannot be turned back into the token. Use it to end the session.",
    }),
    current: z.boolean().openapi({ description: "This is the session of the request" }),
    stage: z.enum(["full", "second_factor", "enrol"]),
    method: z.string().openapi({ description: "How the person signed in: `password`, `password+totp`, `password+recovery`, `passkey`" }),
    created_at: Rfc3339,
    last_seen_at: Rfc3339.openapi({ description: "Updated at most once a minute" }),
    expires_at: Rfc3339.openapi({ description: "The absolute end, whatever the activity" }),
    idle_expires_at: Rfc3339.openapi({ description: "When it ends if unused until then" }),
    ip: z.string().nullable(),
    user_agent: z.string().nullable(),
  })
  .openapi("SessionInfo");

export const SessionList = z.object({ data: z.array(SessionInfo) }).openapi("SessionList");

export const Me = z
  .object({
    user: SignedInUser,
    permissions: z.array(z.string()).openapi({ description: "What this session may do, from the person's positions" }),
    stores: z.union([z.literal("*"), z.array(z.string())]).openapi({ description: "Stores this session acts for" }),
    warehouses: z.union([z.literal("*"), z.array(z.string())]),
    session: SessionInfo.omit({ id: true, current: true, ip: true, user_agent: true, last_seen_at: true }),
    csrf_token: z.string(),
  })
  .openapi("Me");

export const SessionIdParam = z.object({
  id: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "must be a session id (64 hex characters)")
    .openapi({ param: { name: "id", in: "path" } }),
});

export const ChangePassword = z
  .object({
    current_password: z.string().min(1).max(256),
    new_password: z.string().min(1).max(256).openapi({ description: "At least 12 characters, not the email address" }),
  })
  .strict()
  .openapi("ChangePassword");

export const PasswordChanged = z
  .object({
    csrf_token: z.string().openapi({ description: "This browser's session was renewed: its new CSRF token" }),
    sessions_ended: z.number().int().openapi({ description: "Other sessions ended by the change" }),
  })
  .openapi("PasswordChanged");

export const SessionsEnded = z.object({ sessions_ended: z.number().int() }).openapi("SessionsEnded");
