/**
 * Staff accounts (src/staff, src/positions, src/activity): people who sign
 * in to the console, the positions that say what they may do, their
 * sessions and second factors, and the activity log of who did what.
 *
 * Secrets are never stored as given: passwords as a slow KDF hash
 * (src/staff/password.ts), session and emailed tokens as their SHA-256,
 * recovery codes as their SHA-256, the TOTP secret sealed (AES-GCM, like
 * other personal data).
 */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { encryptedText } from "../encrypted";

/**
 * Every position: a row per built-in one (its permissions live in code,
 * src/auth/roles.ts; the row holds the merchant's settings for it, such as
 * requiring two-factor) and a row per custom one an admin composed.
 */
export const positions = sqliteTable("positions", {
  /** The built-in name (`auditor`, `picker`) or `pos_...` for a custom one. */
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  description: text("description"),
  builtIn: integer("built_in", { mode: "boolean" }).notNull().default(false),
  /** Custom positions only: the permissions it grants (JSON array); null for built-in ones. */
  permissions: text("permissions", { mode: "json" }).$type<string[]>(),
  /** Custom positions only: what it sees of customers (`contact`, `ship_to`, `pseudonymous`). */
  contactScope: text("contact_scope"),
  requireTwoFactor: integer("require_two_factor", { mode: "boolean" }).notNull().default(false),
  /** Custom positions can be retired: people keep the id, it grants nothing. */
  archivedAt: integer("archived_at"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  version: integer("version").notNull().default(1),
});

export const USER_STATUSES = ["invited", "active", "deactivated"] as const;

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    /** Lower-cased and trimmed: one account per address. */
    email: text("email").notNull(),
    displayName: text("display_name").notNull(),
    status: text("status", { enum: USER_STATUSES }).notNull(),
    /** Position ids, the first one the person's main position (reports group by it). */
    positions: text("positions", { mode: "json" }).$type<string[]>().notNull(),
    storeIds: text("store_ids", { mode: "json" }).$type<string[]>().notNull(),
    warehouseIds: text("warehouse_ids", { mode: "json" }).$type<string[]>().notNull(),
    /** `scrypt$<N>$<r>$<p>$<salt>$<hash>` (src/staff/password.ts); null until the invitation is accepted. */
    passwordHash: text("password_hash"),
    passwordChangedAt: integer("password_changed_at"),
    /** The TOTP secret (base32), sealed; set while enrolling, live once `totp_enabled_at` is set. */
    totpSecret: encryptedText("totp_secret"),
    totpEnabledAt: integer("totp_enabled_at"),
    /** The last TOTP time step accepted: a code is never accepted twice. */
    totpLastStep: integer("totp_last_step"),
    /** `en` or `zh-CN`: the console's language and the emails'. */
    locale: text("locale").notNull().default("en"),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    deactivatedAt: integer("deactivated_at"),
    lastSignInAt: integer("last_sign_in_at"),
    version: integer("version").notNull().default(1),
  },
  (t) => [uniqueIndex("users_email_uq").on(t.email)],
);

/** One-time recovery codes for a lost second factor: SHA-256 of each, spent once. */
export const recoveryCodes = sqliteTable(
  "user_recovery_codes",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    codeHash: text("code_hash").notNull(),
    createdAt: integer("created_at").notNull(),
    usedAt: integer("used_at"),
  },
  (t) => [primaryKey({ columns: [t.userId, t.codeHash] })],
);

/** WebAuthn credentials (passkeys), one row per authenticator a person registered. */
export const passkeys = sqliteTable(
  "passkeys",
  {
    /** The credential id, base64url. */
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    /** COSE public key, base64url. */
    publicKey: text("public_key").notNull(),
    counter: integer("counter").notNull().default(0),
    transports: text("transports", { mode: "json" }).$type<string[]>().notNull().default([]),
    name: text("name").notNull(),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
  },
  (t) => [index("passkeys_user_idx").on(t.userId)],
);

export const SESSION_STAGES = ["second_factor", "enrol", "full"] as const;

/**
 * A signed-in browser. The cookie holds a random token; the row is keyed by
 * its SHA-256, so a leaked table is no session. `stage`: `second_factor`
 * (password given, second factor owed), `enrol` (a position requires
 * two-factor the person has not set up: only their own account is open),
 * `full`.
 */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    stage: text("stage", { enum: SESSION_STAGES }).notNull(),
    /** Sent back by the console on every write (header `x-csrf-token`). */
    csrfToken: text("csrf_token").notNull(),
    /** How the person signed in: `password`, `password+totp`, `password+recovery`, `passkey`. */
    method: text("method").notNull(),
    createdAt: integer("created_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    /** The absolute end, whatever the activity. */
    expiresAt: integer("expires_at").notNull(),
    revokedAt: integer("revoked_at"),
    revokedReason: text("revoked_reason"),
    /** Wrong codes given while the second factor is owed (src/staff/two-factor-sign-in.ts): the fifth ends the session. */
    secondFactorFailures: integer("second_factor_failures").notNull().default(0),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const USER_TOKEN_PURPOSES = ["invitation", "password_reset"] as const;

/** Emailed one-time links: an invitation or a password reset. Keyed by the token's SHA-256. */
export const userTokens = sqliteTable(
  "user_tokens",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    purpose: text("purpose", { enum: USER_TOKEN_PURPOSES }).notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
  },
  (t) => [index("user_tokens_user_idx").on(t.userId)],
);

/** WebAuthn challenges in flight (registration or sign-in), each usable once until it expires. */
export const authChallenges = sqliteTable("auth_challenges", {
  challenge: text("challenge").primaryKey(),
  purpose: text("purpose").notNull(),
  userId: text("user_id"),
  expiresAt: integer("expires_at").notNull(),
});

/**
 * Failed sign-ins per account name, whether or not the account exists (so
 * the lockout says nothing about which addresses are staff). `subject` is a
 * keyed hash of the normalised email.
 */
export const signInThrottle = sqliteTable("sign_in_throttle", {
  subject: text("subject").primaryKey(),
  failures: integer("failures").notNull(),
  lockedUntil: integer("locked_until"),
  lastFailureAt: integer("last_failure_at").notNull(),
});

/**
 * Who did what, when, from where: every sign-in event and every change made
 * through the API by a person or a key (src/activity). Never updated.
 */
export const activityLog = sqliteTable(
  "activity_log",
  {
    id: text("id").primaryKey(),
    at: integer("at").notNull(),
    /** `usr_...`, `key_...`, `bootstrap`, or null for an anonymous attempt (a failed sign-in). */
    actorId: text("actor_id"),
    /** `user`, `key`, `anonymous`. */
    actorKind: text("actor_kind").notNull(),
    /** The person's display name or the key's name at the time. */
    actorName: text("actor_name"),
    /** A stable verb: `sign_in`, `sign_in_failed`, `POST /v1/orders/{id}/transitions`, ... */
    action: text("action").notNull(),
    /** What it acted on, when known: an order, a user, a setting. */
    target: text("target"),
    storeId: text("store_id"),
    /** The HTTP status the change got. */
    status: integer("status"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [index("activity_at_idx").on(t.at), index("activity_actor_idx").on(t.actorId, t.at)],
);

/**
 * Staff emails (invitations, password resets) while NOTIFY_PROVIDER is
 * `local`: nothing leaves, so the message is kept here for the developer
 * (and tests) to read the link from. Its text holds a live one-time link,
 * so it is sealed at rest; with a real provider nothing is written here.
 */
export const staffEmails = sqliteTable(
  "staff_emails",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    purpose: text("purpose", { enum: USER_TOKEN_PURPOSES }).notNull(),
    recipient: text("recipient").notNull(),
    subject: text("subject").notNull(),
    body: encryptedText("body").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("staff_emails_user_idx").on(t.userId, t.createdAt)],
);

/**
 * A person's saved filters for a console list: a name and the page's query
 * string, shown as links above the list. Names are unique per person and
 * page; a person keeps at most 50 (src/staff/saved-views.ts).
 */
export const savedViews = sqliteTable(
  "saved_views",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    name: text("name").notNull(),
    /** Which list: `orders`, ... */
    page: text("page").notNull(),
    /** The list's query string, without the leading `?`. */
    query: text("query").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("saved_views_user_page_name_uq").on(t.userId, t.page, t.name)],
);
