/**
 * One REST call to a platform, its answer sorted the way the engine acts on
 * it: a rate limit waits (for as long as the platform says), an outage or a
 * page that is not JSON (maintenance, a login wall) retries later, a 4xx is
 * a refusal to show, and 404 is an answer (no such order). Each platform
 * brings only its dialect: how it authenticates, how it says how long to
 * wait, and where its error message is.
 */
import { parsePlatformJson } from "./json";
import type { CallResult, Http, PlatformConnection } from "./platform";

export type RestAnswer = { status: number; headers: Headers; body: unknown };

export type RestDialect = {
  /** The platform's name, for messages staff read. */
  name: string;
  headers(c: PlatformConnection): Record<string, string>;
  /** How long a 429 asks us to wait. */
  retryAfterMs(res: Response): number;
  /** The message of an error body, if the platform wrote one. */
  errorMessage(body: unknown): string | null;
};

export async function platformCall(
  c: PlatformConnection,
  http: Http,
  dialect: RestDialect,
  init: { method: string; path: string; body?: unknown },
): Promise<CallResult<RestAnswer>> {
  const headers: Record<string, string> = { ...dialect.headers(c), accept: "application/json" };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await http(new Request(`${c.apiBaseUrl}${init.path}`, { method: init.method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) }));
  } catch (err) {
    return { ok: false, kind: "unavailable", status: null, message: `${dialect.name} unreachable: ${err instanceof Error ? err.message : String(err)}` };
  }
  const text = await res.text();
  if (res.status === 429) return { ok: false, kind: "rate_limited", retryAfterMs: dialect.retryAfterMs(res) };
  if (res.status >= 500 || res.status === 408)
    return { ok: false, kind: "unavailable", status: res.status, message: `${dialect.name} answered ${res.status}: ${text.slice(0, 200)}` };
  let body: unknown = null;
  try {
    body = text ? parsePlatformJson(text) : null;
  } catch {
    // A 2xx that is not JSON is a maintenance or login page in front of the API: try again later.
    if (res.ok) return { ok: false, kind: "unavailable", status: res.status, message: `${dialect.name} answered with something that is not JSON` };
  }
  if (!res.ok && res.status !== 404) {
    const message = dialect.errorMessage(body) ?? text.slice(0, 200);
    return { ok: false, kind: "refused", status: res.status, message: `${dialect.name} refused (${res.status}): ${message}` };
  }
  return { ok: true, value: { status: res.status, headers: res.headers, body } };
}
