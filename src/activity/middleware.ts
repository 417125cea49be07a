/**
 * Who did what: every write (POST, PUT, PATCH, DELETE) under /v1 by a
 * person or a key becomes one `activity_log` row, refused ones included (an
 * admin wants to see the attempts), written after the response
 * (`waitUntil`) so no request waits for it.
 *
 * What a row holds: the actor, `<METHOD> <route pattern>` (the OpenAPI path,
 * `{id}` and all), the main id of the path (or of what was created), the
 * store when the path, body or response names one, the status, address,
 * browser, and a small detail: the body's top-level field names, a few
 * enum-like values (the transition `event`, a `decision`), the problem code
 * of a refusal. Never a body's values otherwise: no personal data, no
 * passwords, secrets or tokens. Rows of requests that end within 100 ms of
 * each other are written in one round trip (`queueActivityRows`).
 *
 * Not logged, on purpose:
 * - a key's order traffic: intake (`POST /v1/orders`), payment reports
 *   (`POST /v1/orders/{id}/payment`) and transitions
 *   (`POST /v1/orders/{id}/transitions`). Integrations send these at volume
 *   and the order's own timeline already records each with the key (who,
 *   what, when), so they do not pay for a second write: measured with
 *   `npm run bench`, logging a key's transitions took them from 55% to 42% of
 *   their floor. A person doing the same is logged.
 * - /v1/auth/*: public, and its handlers record sign-ins themselves.
 * - requests that never authenticated (no principal: nobody to name).
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import type { AppEnv } from "../env";
import { activityRow, queueActivityRows } from "./record";

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const ORDER_STEP = /^\/v1\/orders\/[^/]+\/(payment|transitions)\/?$/;

/** Integration traffic a key sends at volume and the order timeline records: skipped before any work. */
export function isKeyOrderTraffic(method: string, path: string): boolean {
  return method === "POST" && (path === "/v1/orders" || path === "/v1/orders/" || ORDER_STEP.test(path));
}

/** Body fields whose value is a short enum-like word worth keeping (what was done, not to whom). */
const WORD_FIELDS = ["event", "decision", "status", "action", "kind", "role", "outcome", "reason_code"] as const;
const WORD = /^[a-z][a-z0-9_.:-]{0,39}$/;
const FIELD_NAME = /^[A-Za-z_][\w.-]{0,39}$/;

/** The detail kept of a request body: its top-level field names and a few enum-like values. Pure. */
export function bodyDetail(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return {};
  const record = body as Record<string, unknown>;
  const detail: Record<string, unknown> = {};
  const fields = Object.keys(record)
    .filter((k) => FIELD_NAME.test(k))
    .slice(0, 20);
  if (fields.length) detail.fields = fields;
  for (const k of WORD_FIELDS) {
    const v = record[k];
    if (typeof v === "string" && WORD.test(v)) detail[k] = v;
  }
  return detail;
}

/** Hono's `/v1/orders/:id` as the OpenAPI `/v1/orders/{id}`; null when no route matched (a `*` pattern). */
export function openApiPattern(honoPath: string): string | null {
  if (!honoPath || honoPath.includes("*")) return null;
  return honoPath.replace(/:(\w+)(\{[^}]*\})?\??/g, "{$1}");
}

const paramRegexes = new Map<string, { regex: RegExp; names: string[] }>();

/** The path's parameters by name, matching `pattern` ({name} placeholders) against `path`. Pure. */
export function pathParams(pattern: string, path: string): Record<string, string> {
  let compiled = paramRegexes.get(pattern);
  if (!compiled) {
    const names: string[] = [];
    const source = pattern.replace(/[.+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, (_, n: string) => {
      names.push(n);
      return "([^/]+)";
    });
    compiled = { regex: new RegExp(`^${source}/?$`), names };
    paramRegexes.set(pattern, compiled);
  }
  const m = compiled.regex.exec(path);
  if (!m) return {};
  const out: Record<string, string> = {};
  compiled.names.forEach((n, i) => {
    out[n] = safeDecode(m[i + 1]!).slice(0, 100);
  });
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The store a request names: a `store_id` path parameter, `/v1/stores/{id}`, or the body's `store_id`. Pure. */
export function namedStore(pattern: string | null, params: Record<string, string>, body: unknown): string | null {
  if (params.store_id) return params.store_id;
  if (pattern?.startsWith("/v1/stores/{id}") && params.id) return params.id;
  const fromBody = body && typeof body === "object" ? (body as Record<string, unknown>).store_id : undefined;
  return typeof fromBody === "string" && fromBody.length <= 100 ? fromBody : null;
}

/** What the JSON response says that the log wants: the created or changed thing's id and store, a problem's code. */
async function responseFacts(res: Response): Promise<{ id?: string; storeId?: string; code?: string }> {
  if (!/json/.test(res.headers.get("content-type") ?? "")) return {};
  try {
    const json = (await res.json()) as Record<string, unknown>;
    if (!json || typeof json !== "object" || Array.isArray(json)) return {};
    const str = (v: unknown) => (typeof v === "string" && v.length <= 100 ? v : undefined);
    return { id: str(json.id), storeId: str(json.store_id), code: str(json.code) };
  } catch {
    return {};
  }
}

export const activityLogging = createMiddleware<AppEnv>(async function activityLogging(c, next) {
  const method = c.req.method;
  if (!WRITES.has(method)) return next();
  // Authentication ran before this: no principal means /v1/auth/* (logged by its handlers) or a refused
  // request (counted by the rate limiter, not an actor's act). A key's intake costs nothing more than this check.
  const principal = c.get("principal");
  if (!principal || (principal.kind === "key" && isKeyOrderTraffic(method, c.req.path))) return next();
  await next();
  const res = c.res;
  // Read what the response says from a copy, later: the client gets the original now.
  const copy = /json/.test(res.headers.get("content-type") ?? "") ? res.clone() : null;
  c.executionCtx.waitUntil(record(c, copy).catch((err) => console.error(`activity log write failed for ${method} ${c.req.path}`, err)));
});

async function record(c: Context<AppEnv>, copy: Response | null): Promise<void> {
  const principal = c.get("principal");
  const method = c.req.method;
  const pattern = openApiPattern(routePath(c, -1));
  const params = pattern ? pathParams(pattern, c.req.path) : {};
  // The body as jsonBodies parsed it (the stream itself is long gone); a refused or empty body has none.
  const cached = (c.req.bodyCache as Record<string, Promise<unknown> | undefined>).json;
  const body = cached ? await cached.catch(() => undefined) : undefined;
  const facts = copy ? await responseFacts(copy) : {};
  const firstParam = Object.values(params)[0];
  const detail = { ...bodyDetail(body), ...(facts.code && c.res.status >= 400 ? { problem: facts.code } : {}) };
  const row = activityRow(c, {
    actor: { id: principal.id, kind: principal.kind, name: principal.name },
    action: `${method} ${pattern ?? c.req.path.slice(0, 200)}`,
    target: firstParam ?? (c.res.status < 300 ? facts.id : undefined) ?? null,
    storeId: namedStore(pattern, params, body) ?? facts.storeId ?? null,
    status: c.res.status,
    detail: Object.keys(detail).length ? detail : null,
  });
  queueActivityRows(c.env, c.executionCtx, [row]);
}
