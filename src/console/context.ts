/**
 * What every console page knows about its reader: who they are, their
 * language and words, the session's CSRF token for forms, and the stores
 * they act for (time zone and currency come from there).
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../env";
import type { Principal } from "../http/auth";
import type { SessionStage, UserRow } from "../staff/sessions";
import { api } from "./api";
import { type Lang, pickLang } from "./i18n";
import { COMMON, type CommonText } from "./text";

export type StoreFacts = { id: string; name: string; currency: string; timezone: string; language: string };

export type Ui = {
  lang: Lang;
  t: CommonText;
  /** Absent on the pages before sign-in. */
  principal?: Principal;
  user?: UserRow;
  stage?: SessionStage;
  csrf: string;
  path: string;
  flash?: Flash | undefined;
};

export type Flash = { kind: "ok" | "bad" | "warn"; text: string };

export type ConsoleEnv = AppEnv & { Variables: AppEnv["Variables"] & { ui: Ui; form: Record<string, string | File | (string | File)[]> } };
export type ConsoleContext = Context<ConsoleEnv>;

export const LANG_COOKIE = "oms_console_lang";
const FLASH_COOKIE = "oms_console_flash";

export function langOf(c: Context, account?: string): Lang {
  return pickLang({ cookie: getCookie(c, LANG_COOKIE), account, acceptLanguage: c.req.header("accept-language") });
}

export function setLang(c: Context, lang: Lang): void {
  setCookie(c, LANG_COOKIE, lang, { path: "/", sameSite: "Lax", maxAge: 365 * 24 * 3600, httpOnly: true, secure: new URL(c.req.url).protocol === "https:" });
}

/** A message for the next page the browser opens (after a redirect). */
export function setFlash(c: Context, flash: Flash): void {
  const value = btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(flash))));
  setCookie(c, FLASH_COOKIE, value, { path: "/console", sameSite: "Lax", maxAge: 120, httpOnly: true });
}

export function takeFlash(c: Context): Flash | undefined {
  const raw = getCookie(c, FLASH_COOKIE);
  if (!raw) return undefined;
  deleteCookie(c, FLASH_COOKIE, { path: "/console" });
  try {
    const parsed = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(raw), (ch) => ch.charCodeAt(0)))) as Flash;
    return (parsed.kind === "ok" || parsed.kind === "bad" || parsed.kind === "warn") && typeof parsed.text === "string"
      ? { kind: parsed.kind, text: parsed.text.slice(0, 500) }
      : undefined;
  } catch {
    return undefined;
  }
}

/** A bare Ui for the pages before sign-in. */
export function anonymousUi(c: Context): Ui {
  const lang = langOf(c);
  return { lang, t: COMMON[lang], csrf: "", path: new URL(c.req.url).pathname, flash: takeFlash(c) };
}

const storeCache = new WeakMap<Request, Promise<StoreFacts[]>>();
/** The stores the reader acts for (read once per page, through the API, so the store scope is the API's). */
export function storesOf(c: ConsoleContext): Promise<StoreFacts[]> {
  let found = storeCache.get(c.req.raw);
  if (!found) {
    found = api<{ data: StoreFacts[] }>(c, "/v1/stores", { query: { limit: 100 } }).then((r) => (r.ok ? r.body.data : []));
    storeCache.set(c.req.raw, found);
  }
  return found;
}

/** The time zone and currency a page shows when it is not about one store: the reader's first store's. */
export async function formatsOf(c: ConsoleContext, storeId?: string | null): Promise<{ timeZone: string; currency: string }> {
  const stores = await storesOf(c);
  const store = stores.find((s) => s.id === storeId) ?? stores[0];
  return { timeZone: store?.timezone ?? "UTC", currency: store?.currency ?? "USD" };
}
