/**
 * The console is a client of the API, in the same isolate: every screen reads
 * and writes through the /v1 routes, so each rule, permission, validation
 * and activity-log line is the API's, written once. A call is an in-memory
 * `fetch` of the API app (no network), vouched for with the person the
 * console already authenticated, so the session is read once per page.
 */
import type { Context } from "hono";
import type { ShardEnv } from "../env";
import { type Principal, vouchFor } from "../http/auth";
import { BOOKMARK_HEADER, newerBookmark } from "../http/bookmark";
import { zhFieldMessage, zhValidationDetail } from "./field-messages";

type ApiFetch = (request: Request, env: ShardEnv, ctx: Context["executionCtx"]) => Response | Promise<Response>;
let apiFetch: ApiFetch | null = null;

/** Wired once by src/app.ts (the console never imports the app: no cycle). */
export function connectApi(fetch: ApiFetch): void {
  apiFetch = fetch;
}

/** A problem+json answer, as the API gives it. */
export type Problem = { type?: string; title?: string; status?: number; detail?: string; code?: string; errors?: { field: string; message: string }[] };

export type ApiAnswer<T> = { ok: true; status: number; body: T; headers: Headers } | { ok: false; status: number; body: Problem; headers: Headers };

export type CallOptions = {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is, with its own content type (a settlement file as text/csv); instead of `body`. */
  content?: { type: string; data: string | Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array> };
  /** Appended to the path; undefined and "" values are left out. */
  query?: Record<string, string | number | boolean | undefined | null | readonly string[]>;
  /** Extra headers (e.g. idempotency-key). */
  headers?: Record<string, string>;
  /** Not vouched: the API authenticates the cookie itself (sign-in steps, which must set or clear it). */
  anonymous?: boolean;
};

export function withQuery(path: string, query: CallOptions["query"]): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === "") continue;
    if (Array.isArray(v)) for (const one of v) params.append(k, one);
    else params.set(k, String(v));
  }
  const q = params.toString();
  return q ? `${path}${path.includes("?") ? "&" : "?"}${q}` : path;
}

/** Builds the API request a console page makes on behalf of the person (or of nobody yet, for sign-in). */
function apiRequest(c: Context, path: string, opts: CallOptions, principal: Principal | undefined): Request {
  const url = new URL(withQuery(path, opts.query), c.req.url);
  const headers = new Headers(opts.headers);
  headers.set("accept", "application/json");
  // What the activity log and rate limits key on: the real client's address and browser.
  // The browser's Origin and Sec-Fetch-Site go through as they came, so the API's cross-site checks of
  // the steps before sign-in see the real request.
  for (const name of ["cf-connecting-ip", "user-agent", "accept-language", "cookie", "origin", "sec-fetch-site"]) {
    const value = c.req.header(name);
    if (value) headers.set(name, value);
  }
  if (principal?.session) headers.set("x-csrf-token", principal.session.csrfToken);
  // Read-your-own-writes: the newest bookmark this page has seen (its cookie, then earlier calls), or an opt-in so a
  // write answers with one (src/http/bookmark.ts).
  headers.set(BOOKMARK_HEADER, c.get("d1Bookmark") ?? "first-unconstrained");
  let body: string | Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array> | undefined;
  if (opts.content) {
    headers.set("content-type", opts.content.type);
    body = opts.content.data;
  } else if (opts.body !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(opts.body);
  }
  const request = new Request(url, { method: opts.method ?? (body === undefined ? "GET" : "POST"), headers, body });
  return principal && !opts.anonymous ? vouchFor(request, principal) : request;
}

/** The API's raw answer (a PDF, a CSV): for streaming through to the browser. */
export async function apiRaw(c: Context, path: string, opts: CallOptions = {}): Promise<Response> {
  if (!apiFetch) throw new Error("the console's API is not connected (src/app.ts calls connectApi)");
  const principal = c.get("principal") as Principal | undefined;
  const res = await apiFetch(apiRequest(c, path, opts, principal), c.env as ShardEnv, c.executionCtx);
  // The next call of this page, and the cookie of the next page, start from what this one saw or wrote.
  c.set("d1Bookmark", newerBookmark(c.get("d1Bookmark"), res.headers.get(BOOKMARK_HEADER)));
  return res;
}

/** Calls the API and reads its JSON answer (204 gives `null`). */
export async function api<T = Record<string, unknown>>(c: Context, path: string, opts: CallOptions = {}): Promise<ApiAnswer<T>> {
  const res = await apiRaw(c, path, opts);
  const text = await res.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = { detail: text };
    }
  }
  if (res.ok) return { ok: true, status: res.status, body: body as T, headers: res.headers };
  const problem = (body ?? {}) as Problem;
  return { ok: false, status: res.status, body: c.get("ui")?.lang === "zh-CN" ? inChinese(problem) : problem, headers: res.headers };
}

/** A validation refusal's field messages in Chinese for a Chinese page (see field-messages.ts); other refusals as they are. */
function inChinese(p: Problem): Problem {
  if (p.code !== "validation_failed" && p.code !== "invalid_parameters") return p;
  return {
    ...p,
    ...(p.detail ? { detail: zhValidationDetail(p.detail) } : {}),
    ...(p.errors ? { errors: p.errors.map((e) => ({ ...e, message: zhFieldMessage(e.message) })) } : {}),
  };
}

/** Copies the API's Set-Cookie headers (a new or ended session) onto the console's answer. */
export function passCookies(from: Headers, to: Headers): void {
  for (const cookie of from.getSetCookie()) to.append("set-cookie", cookie);
}
