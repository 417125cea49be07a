/**
 * Who is calling: an integration with a bearer API key, or a person signed in
 * to the console with a session cookie (src/staff/sessions.ts). Both become
 * one `Principal` whose permissions are its positions' (src/positions), so
 * every route checks people and keys alike.
 *
 * Bearer API keys. The key's SHA-256 is looked up in D1 (keys are 190 bits
 * of randomness, so a fast hash is enough; no password stretching needed)
 * and the answer is kept in this isolate for a short while, so a busy
 * storefront does not pay a D1 round trip per request for authentication.
 * A revoked key therefore stops working everywhere within KEY_CACHE_MS.
 */
import { eq, inArray, SQL, type AnyColumn } from "drizzle-orm";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { type Access, accessOfRole, isRole, type Permission } from "../auth/roles";
import { directory } from "../db/client";
import { apiKeys } from "../db/schema";
import { sha256Hex } from "../lib/ids";
import type { AppEnv } from "../env";
import { resolveAccess } from "../positions/grants";
import { SESSION_COOKIE, sessionPrincipal } from "../staff/sessions";
import { ApiError, forbidden } from "./problem";
import { authCutOffSeconds, clientIp, countAuthFailure, tooManyAuthFailures } from "./rate-limit";

export type Principal = Access & {
  /** The actor recorded on everything it does: the api key id (`key_...`), `bootstrap` for the BOOTSTRAP_ADMIN_KEY secret, or the person (`usr_...`). */
  id: string;
  kind: "key" | "user";
  /** The key's name or the person's display name, for logs and messages. */
  name: string;
  /** "*" for every store, else the stores this key may act for. */
  stores: "*" | readonly string[];
  /** "*" for every warehouse, else the warehouses this key may see and work in. */
  warehouses: "*" | readonly string[];
  /** A person's console session: its id (the token's hash) and the CSRF token its writes carry. */
  session?: { id: string; csrfToken: string } | undefined;
};

export function allows(p: Pick<Principal, "permissions">, permission: Permission): boolean {
  return p.permissions.has(permission);
}

declare module "hono" {
  interface ContextVariableMap {
    principal: Principal;
  }
}

export const KEY_CACHE_MS = 30_000;
const NEGATIVE_CACHE_MS = 5_000;
const keyCache = new Map<string, { principal: Principal | null; expires: number }>();

/** Called when a key is revoked, so this isolate stops honouring it at once. */
export function forgetKey(keyHash: string): void {
  keyCache.delete(keyHash);
}

const unauthorized = (detail: string, code = "unauthorized") => new ApiError(401, code, "Unauthorized", detail, {}, { "www-authenticate": 'Bearer realm="edge-oms"' });

function timingSafeEqualHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * The bootstrap secret's hash, kept by the isolate once computed (and computed again if the secret changes). Only the
 * finished hash is shared: a request may not wait on a digest another request started.
 */
let bootstrapHash: { secret: string; hash: string } | null = null;
async function bootstrapHashOf(secret: string): Promise<string> {
  if (bootstrapHash?.secret !== secret) bootstrapHash = { secret, hash: await sha256Hex(secret) };
  return bootstrapHash.hash;
}

async function resolve(env: AppEnv["Bindings"], keyHash: string): Promise<Principal | null> {
  const bootstrap = env.BOOTSTRAP_ADMIN_KEY;
  if (bootstrap && timingSafeEqualHex(keyHash, await bootstrapHashOf(bootstrap))) {
    return { id: "bootstrap", kind: "key", name: "bootstrap admin key", ...accessOfRole("admin"), stores: "*", warehouses: "*" };
  }
  const now = Date.now();
  const hit = keyCache.get(keyHash);
  if (hit && hit.expires > now) return hit.principal;
  const row = await directory(env)
    .select({ id: apiKeys.id, name: apiKeys.name, role: apiKeys.role, storeIds: apiKeys.storeIds, warehouseIds: apiKeys.warehouseIds, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, keyHash))
    .get();
  const principal: Principal | null =
    row && row.revokedAt === null
      ? {
          id: row.id,
          kind: "key",
          name: row.name,
          // A key holds one position: built-in, or custom (resolved, and cached with the key).
          ...(isRole(row.role) ? accessOfRole(row.role) : await resolveAccess(env, [row.role])),
          stores: row.storeIds.includes("*") ? ("*" as const) : row.storeIds,
          warehouses: row.warehouseIds.includes("*") ? ("*" as const) : row.warehouseIds,
        }
      : null;
  if (keyCache.size > 10_000) keyCache.clear();
  keyCache.set(keyHash, { principal, expires: now + (principal ? KEY_CACHE_MS : NEGATIVE_CACHE_MS) });
  return principal;
}

/** The bootstrap key, or a key this isolate has seen succeed within KEY_CACHE_MS: answered without a lookup. */
async function knownGood(env: AppEnv["Bindings"], keyHash: string): Promise<boolean> {
  if (env.BOOTSTRAP_ADMIN_KEY && timingSafeEqualHex(keyHash, await bootstrapHashOf(env.BOOTSTRAP_ADMIN_KEY))) return true;
  const hit = keyCache.get(keyHash);
  return !!hit?.principal && hit.expires > Date.now();
}

/** A failed authentication: counted per client IP (src/http/rate-limit.ts); over the limit it is a 429, else a 401. */
async function refuse(c: Context<AppEnv>, detail: string, code?: string): Promise<never> {
  const wait = await countAuthFailure(c.env, clientIp(c.req.raw.headers));
  throw wait ? tooManyAuthFailures(wait) : unauthorized(detail, code);
}

/**
 * Requests the console builds for its own API calls, with the person it has
 * already authenticated (session and, for writes, the form's CSRF token):
 * the API takes that person without reading the session again. Only a
 * Request object made inside this isolate can be in the map, so nothing
 * from outside can claim to be vouched for.
 */
const vouched = new WeakMap<Request, Principal>();
export function vouchFor(request: Request, principal: Principal): Request {
  vouched.set(request, principal);
  return request;
}

export const authenticate = createMiddleware<AppEnv>(async function authenticate(c, next) {
  const known = vouched.get(c.req.raw);
  if (known) {
    c.set("principal", known);
    return next();
  }
  const ip = clientIp(c.req.raw.headers);
  const header = c.req.header("authorization");
  // No key, but a console session cookie: a person (src/staff/sessions.ts checks the session and CSRF).
  if (!header && c.req.header("cookie")?.includes(SESSION_COOKIE)) {
    const wait = authCutOffSeconds(ip);
    if (wait) throw tooManyAuthFailures(wait);
    const person = await sessionPrincipal(c);
    if (!person.ok) return refuse(c, person.detail, person.code);
    c.set("principal", person.principal);
    return next();
  }
  const m = header ? /^Bearer\s+(\S{8,200})\s*$/i.exec(header) : null;
  const keyHash = m ? await sha256Hex(m[1]!) : null;
  // A client cut off for failed attempts is not even looked up, unless its key already worked here.
  const wait = authCutOffSeconds(ip);
  if (wait && !(keyHash && (await knownGood(c.env, keyHash)))) throw tooManyAuthFailures(wait);
  if (!header) return refuse(c, "Send an API key as `Authorization: Bearer <key>`");
  if (!keyHash) return refuse(c, "The Authorization header must be `Bearer <key>`");
  const principal = await resolve(c.env, keyHash);
  if (!principal) return refuse(c, "The API key is not valid or has been revoked");
  c.set("principal", principal);
  await next();
});

export function requirePermission(permission: Permission) {
  return createMiddleware<AppEnv>(async function requirePermission(c, next) {
    const p = c.get("principal");
    if (!allows(p, permission)) throw forbidden(`${describe(p)} may not ${permission}`);
    await next();
  });
}

/** "The auditor key", "Ada Lovelace (picker)": who was refused, in words. */
export function describe(p: Pick<Principal, "kind" | "name" | "positions">): string {
  const positions = p.positions.join(", ") || "no position";
  return p.kind === "user" ? `${p.name} (${positions})` : `The ${positions} key`;
}

export function seesStore(p: Pick<Principal, "stores">, storeId: string): boolean {
  return p.stores === "*" || p.stores.includes(storeId);
}

export function seesWarehouse(p: Principal, warehouseId: string): boolean {
  return p.warehouses === "*" || p.warehouses.includes(warehouseId);
}

/** For acting on a store the caller named: out of scope is a 403 (nothing leaks; they chose the id). */
export function assertStoreInScope(p: Principal, storeId: string): void {
  if (!seesStore(p, storeId)) throw forbidden(`This key may not act for store ${storeId}`);
}

/**
 * The store scope as a query condition on `column` (a store id column):
 * undefined for a key of every store, so `and(...)` drops it. Every list a
 * store-scoped key reads puts this in its WHERE clause.
 */
export function storeScope(p: Pick<Principal, "stores">, column: AnyColumn | SQL): SQL | undefined {
  if (p.stores === "*") return undefined;
  // Also an expression of the column (`+store_id`, which keeps SQLite from choosing its index: src/orders/queries.ts).
  return column instanceof SQL ? inArray(column, [...p.stores]) : inArray(column, [...p.stores]);
}
