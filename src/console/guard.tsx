/**
 * The console's door: every page past sign-in runs behind `consoleSession`,
 * which reads the session cookie (and, for a form post, the form's CSRF
 * token and the Origin) with the API's own `sessionPrincipal`. A browser
 * without a session goes to sign-in and comes back where it was; a session
 * owing its second factor goes to that step; one that must enrol two-factor
 * sees only its account until it has.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { Permission } from "../auth/roles";
import type { AppEnv } from "../env";
import { allows } from "../http/auth";
import { sessionPrincipal } from "../staff/sessions";
import { type ConsoleContext, type ConsoleEnv, langOf, setFlash, takeFlash, type Ui } from "./context";
import { renderPage } from "./layout";
import { COMMON } from "./text";

const SAFE_METHODS = new Set(["GET", "HEAD"]);

/** Where a signed-out browser goes, keeping where it wanted to be (only ever a console path). */
export function signInUrl(c: Context): string {
  const url = new URL(c.req.url);
  const back = SAFE_METHODS.has(c.req.method) ? `${url.pathname}${url.search}` : "/console";
  return `/console/sign-in?next=${encodeURIComponent(back)}`;
}

/** A `next` from a query string, if it is one of our console pages (never another site). */
export function safeNext(next: string | undefined | null): string {
  return next && /^\/console(\/[^\s\\]*)?(\?[^\s\\]*)?$/.test(next) && !next.startsWith("//") ? next : "/console";
}

export const consoleSession = createMiddleware<ConsoleEnv>(async function consoleSession(c, next) {
  let csrf: string | undefined;
  if (!SAFE_METHODS.has(c.req.method)) {
    const type = c.req.header("content-type") ?? "";
    if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
      const form = await c.req.parseBody({ all: true });
      c.set("form", form);
      csrf = typeof form._csrf === "string" ? form._csrf : undefined;
    } else {
      c.set("form", {});
    }
  }
  // The console's context is the API's plus its own variables; the session check reads only the request and env.
  const who = await sessionPrincipal(c as unknown as Context<AppEnv>, csrf);
  if (!who.ok) {
    const lang = langOf(c);
    if (who.code === "two_factor_required") return c.redirect("/console/sign-in/two-factor", 303);
    if (who.code === "csrf_failed") {
      setFlash(c, { kind: "bad", text: COMMON[lang].csrf_failed });
      const back = c.req.header("referer");
      const here = new URL(c.req.url);
      return c.redirect(back && new URL(back).origin === here.origin ? safeNext(new URL(back).pathname + new URL(back).search) : "/console", 303);
    }
    setFlash(c, { kind: "warn", text: COMMON[lang].session_ended });
    return c.redirect(signInUrl(c), 303);
  }
  const url = new URL(c.req.url);
  if (who.stage === "enrol" && !url.pathname.startsWith("/console/account")) return c.redirect("/console/account/two-factor", 303);
  const lang = langOf(c, who.user.locale);
  c.set("principal", who.principal);
  c.set("ui", {
    lang,
    t: COMMON[lang],
    principal: who.principal,
    user: who.user,
    stage: who.stage,
    csrf: who.principal.session?.csrfToken ?? "",
    path: url.pathname,
    flash: takeFlash(c),
  });
  await next();
});

/** The signed-in reader (only behind `consoleSession`). */
export function uiOf(c: ConsoleContext): Ui & { principal: NonNullable<Ui["principal"]> } {
  const ui = c.get("ui");
  if (!ui.principal) throw new Error("uiOf called outside consoleSession");
  return ui as Ui & { principal: NonNullable<Ui["principal"]> };
}

/** One field of the posted form, as a trimmed string ("" when absent). */
export function formValue(c: ConsoleContext, name: string): string {
  const v = c.get("form")?.[name];
  const one = Array.isArray(v) ? v[0] : v;
  return typeof one === "string" ? one.trim() : "";
}

/** Every value of a repeated form field (ticked checkboxes). */
export function formValues(c: ConsoleContext, name: string): string[] {
  const v = c.get("form")?.[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === "string" && x !== "");
}

export function forbiddenPage(c: ConsoleContext): Promise<Response> {
  const ui = uiOf(c);
  return renderPage(
    c,
    ui,
    { title: ui.t.forbidden_title, status: 403 },
    <div class="card">
      <h1>{ui.t.forbidden_title}</h1>
      <p>{ui.t.forbidden_body}</p>
    </div>,
  );
}

export function notFoundPage(c: ConsoleContext): Promise<Response> {
  const ui = uiOf(c);
  return renderPage(
    c,
    ui,
    { title: ui.t.not_found_title, status: 404 },
    <div class="card">
      <h1>{ui.t.not_found_title}</h1>
      <p>{ui.t.not_found_body}</p>
    </div>,
  );
}

/** The page's permission: null when the reader has any of them, else the 403 page to return. */
export function need(c: ConsoleContext, ...anyOf: Permission[]): Promise<Response> | null {
  const ui = uiOf(c);
  return anyOf.some((p) => allows(ui.principal, p)) ? null : forbiddenPage(c);
}

/** After a form's action: back to a page, with a message. */
export function doneRedirect(c: ConsoleContext, to: string, flash: { kind: "ok" | "bad" | "warn"; text: string }): Response {
  setFlash(c, flash);
  return c.redirect(to, 303);
}
