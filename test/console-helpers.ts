/**
 * The console as a browser uses it, inside workerd: pages fetched with the
 * session cookie, forms posted urlencoded with the session's CSRF token and
 * our Origin. For browser journeys in Chromium see test/http/console.browser.test.mjs.
 */
import { exports } from "cloudflare:workers";
import { ORIGIN, type TestSession, createUser, sessionFor } from "./staff-helpers";

export type Page = { status: number; html: string; location: string | null; headers: Headers };

async function pageOf(res: Response): Promise<Page> {
  return { status: res.status, html: await res.text(), location: res.headers.get("location"), headers: res.headers };
}

/** GET a console page as this person (or as nobody). */
export async function openPage(path: string, session?: Pick<TestSession, "cookie"> | null, headers: Record<string, string> = {}): Promise<Page> {
  const h: Record<string, string> = { ...headers };
  if (session) h.cookie = [session.cookie, h.cookie].filter(Boolean).join("; ");
  return pageOf(await exports.default.fetch(`${ORIGIN}${path}`, { headers: h, redirect: "manual" }));
}

/**
 * POST a console form as this person: the CSRF token goes in the `_csrf` field (pass `csrf: null` to leave it out,
 * or a string to send a wrong one) and the Origin is ours unless `origin` says otherwise.
 */
export async function postForm(
  path: string,
  session: Pick<TestSession, "cookie" | "csrf"> | null,
  fields: Record<string, string | string[]> = {},
  opts: { csrf?: string | null; origin?: string; headers?: Record<string, string> } = {},
): Promise<Page> {
  const body = new URLSearchParams();
  const csrf = opts.csrf === undefined ? session?.csrf : opts.csrf;
  if (csrf) body.set("_csrf", csrf);
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", origin: opts.origin ?? ORIGIN, ...opts.headers };
  if (session) headers.cookie = [session.cookie, headers.cookie].filter(Boolean).join("; ");
  return pageOf(await exports.default.fetch(`${ORIGIN}${path}`, { method: "POST", headers, body, redirect: "manual" }));
}

/** A signed-in person holding these positions (all stores and warehouses unless given). */
export async function signedIn(positions: string[], o: { storeIds?: string[]; warehouseIds?: string[]; locale?: string } = {}) {
  const user = await createUser({ positions, storeIds: o.storeIds, warehouseIds: o.warehouseIds });
  const session = await sessionFor(user.id);
  return { user, session };
}

/** The text of a page without tags, whitespace collapsed: for asserting what a reader sees. */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ")
    .trim();
}

/** The flash message the next page will show, from a redirect's Set-Cookie (decoded). */
export function flashOf(headers: Headers): { kind: string; text: string } | null {
  for (const line of headers.getSetCookie()) {
    const m = /^oms_console_flash=([^;]+)/.exec(line);
    if (m?.[1]) return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(decodeURIComponent(m[1])), (ch) => ch.charCodeAt(0))));
  }
  return null;
}
