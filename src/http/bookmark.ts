/**
 * Read-your-own-writes across D1 read replicas (issue #18). Reads that may be
 * a little stale run on one D1 session per GET request (src/db/client.ts
 * `readDatabase`); the session starts at the bookmark the client sends back,
 * so a replica answers only once it has caught up with that bookmark.
 *
 * - API clients: `x-d1-bookmark` request header in, `x-d1-bookmark` response
 *   header out. A GET answers with its session's newest bookmark (free: it
 *   comes with the reads). A write answers with the primary's bookmark after
 *   it only when the request carried the header (a bookmark, or
 *   `first-unconstrained` / `first-primary` to start): that costs one round
 *   trip, which storefronts that never read back do not pay.
 * - The console and the customer's page keep it in a cookie, so a person who
 *   just acted sees it on the next page.
 *
 * A header that is not a bookmark is a 400: a client that believes it reads
 * its own writes and does not is a bug to show at once, not to hide. A
 * cookie that is not one is ignored (and replaced): it is ours, and a person
 * should not meet an error page for it. An empty header is no header (the
 * Sessions API's own example echoes `getBookmark() ?? ""`).
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { onPrimary, openReads, primaryBookmark, type ReadsFrom } from "../db/client";
import { validationFailed } from "./problem";

export const BOOKMARK_HEADER = "x-d1-bookmark";
export const BOOKMARK_COOKIE = "oms_d1_bookmark";

/** D1's bookmarks as the runtime gives them: four hex groups (the last a hash), which sort oldest to newest. */
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;
const CONSTRAINTS = new Set<string>(["first-unconstrained", "first-primary"]);

/** A bookmark or a constraint; null for none (absent or empty); "invalid" for anything else. */
export function readsFrom(value: string | undefined | null): ReadsFrom | null | "invalid" {
  if (value === undefined || value === null || value === "") return null;
  return BOOKMARK.test(value) || CONSTRAINTS.has(value) ? value : "invalid";
}

const isBookmark = (from: ReadsFrom | null | "invalid"): from is string => typeof from === "string" && BOOKMARK.test(from);

/** The newer of two bookmarks (they sort oldest to newest); constraints and nulls are not bookmarks. */
export function newerBookmark(a: string | null | undefined, b: string | null | undefined): string | null {
  const x = a && BOOKMARK.test(a) ? a : null;
  const y = b && BOOKMARK.test(b) ? b : null;
  if (!x || (y && y > x)) return y;
  return x;
}

const SAFE = new Set(["GET", "HEAD"]);

/**
 * The primary's bookmark after a write, or null when it cannot be had: the write is done, and a failed `SELECT 1`
 * must not turn its answer into a 500 (a client would retry what already happened). The next read is then merely
 * not guaranteed to see it.
 */
async function bookmarkAfterWrite(c: Context): Promise<string | null> {
  try {
    return await primaryBookmark(c.env);
  } catch (err) {
    console.warn(`no D1 bookmark after ${c.req.method} ${c.req.path}; answering without one`, err);
    return null;
  }
}

/** A refused write wrote nothing (the house rule every route's tests assert), so only a success needs a new bookmark. */
const succeeded = (res: Response) => res.status < 400;

function setHeader(c: Context, name: string, value: string) {
  try {
    c.res.headers.set(name, value);
  } catch {
    // A response whose headers are immutable (one fetched as it is): copy it.
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set(name, value);
  }
}

/** For /v1/*: the header in, the session for GETs, the header out. */
export const apiBookmarks: MiddlewareHandler = async function apiBookmarks(c, next) {
  const sent = c.req.header(BOOKMARK_HEADER);
  const from = readsFrom(sent);
  if (from === "invalid") {
    throw validationFailed([{ field: `header.${BOOKMARK_HEADER}`, message: "must be a bookmark this API returned in x-d1-bookmark, first-unconstrained or first-primary" }], 400);
  }
  let bookmark: string | null;
  if (SAFE.has(c.req.method)) {
    const reads = await openReads(c.env, from ?? "first-unconstrained", next);
    bookmark = newerBookmark(reads.bookmark, isBookmark(from) ? from : null);
  } else {
    await onPrimary(next);
    // Asked for (the header came, whatever its value) and something may have been written: the primary's bookmark.
    bookmark = sent !== undefined && succeeded(c.res) ? await bookmarkAfterWrite(c) : isBookmark(from) ? from : null;
  }
  if (bookmark) setHeader(c, BOOKMARK_HEADER, bookmark);
};

declare module "hono" {
  interface ContextVariableMap {
    /**
     * The newest bookmark a browser's request has seen (its cookie, then the API's answers), or `first-primary` once
     * a form of the customer's page has written; see cookieBookmarks.
     */
    d1Bookmark: string | null;
  }
}

/**
 * For pages a browser opens (the console, the customer's page): the bookmark lives in a cookie scoped to `path`.
 * `reads`: the pages read D1 themselves (the customer's page), so GETs get the session; the console reads through
 * the API, whose answers update `c.get("d1Bookmark")` instead (src/console/api.ts). The cookie is written only when
 * the bookmark moved.
 *
 * After a form of such a page succeeds, the cookie says `first-primary` rather than the primary's bookmark: the
 * page the form leads to (the redirect the browser follows at once) starts its session on the primary, which has
 * the write, and its answer's bookmark replaces the constraint. Asking the primary for its bookmark after the write
 * would cost the form a round trip of its own (a `SELECT 1`), and the page would still have had to wait for a
 * replica as new as that bookmark.
 */
export function cookieBookmarks({ path, reads }: { path: string; reads: boolean }): MiddlewareHandler {
  return async function cookieBookmarksMiddleware(c, next) {
    const from = readsFrom(getCookie(c, BOOKMARK_COOKIE));
    const had = isBookmark(from) ? from : null;
    c.set("d1Bookmark", had);
    if (reads && SAFE.has(c.req.method)) {
      const opened = await openReads(c.env, from === "first-primary" ? from : (had ?? "first-unconstrained"), next);
      c.set("d1Bookmark", newerBookmark(c.get("d1Bookmark"), opened.bookmark));
    } else {
      await onPrimary(next);
      if (reads && succeeded(c.res)) c.set("d1Bookmark", "first-primary");
    }
    const now = c.get("d1Bookmark");
    if (now && now !== had) {
      // Replicas lag by seconds: after a few minutes any replica is past this bookmark, so it constrains nothing.
      setCookie(c, BOOKMARK_COOKIE, now, { path, httpOnly: true, sameSite: "Lax", secure: new URL(c.req.url).protocol === "https:", maxAge: 300 });
    }
  };
}
