/**
 * The frame of every console page: skip link, the menu of the reader's
 * sections (a disclosure on a phone), who is signed in, the language switch
 * and sign-out, the flash message, then the page. Server-rendered with
 * hono/jsx, which escapes everything interpolated.
 */
import type { Child } from "hono/jsx";
import type { ConsoleContext, Flash, Ui } from "./context";
import { assetVersions } from "./assets";
import { CONSOLE_LANGS, LANG_NAMES } from "./i18n";
import { sectionsFor } from "./nav";
import { sectionLabel } from "./text";

export type PageOptions = {
  title: string;
  /** Vendored libraries this page needs. */
  scripts?: ("chart" | "webauthn")[];
  /** For pages before sign-in: no menu. */
  bare?: boolean;
  status?: 200 | 400 | 401 | 403 | 404 | 409 | 422 | 429 | 500 | 503;
};

export function Csrf({ ui }: { ui: Ui }) {
  return <input type="hidden" name="_csrf" value={ui.csrf} />;
}

export function FlashBox({ flash }: { flash: Flash | undefined }) {
  if (!flash) return null;
  return (
    <div class={`flash ${flash.kind}`} role={flash.kind === "ok" ? "status" : "alert"}>
      {flash.text}
    </div>
  );
}

/** A refusal's one line above a form (the form keeps the field-level messages): a "bad" flash. */
export function TopProblem({ text }: { text: string | undefined }) {
  return <FlashBox flash={text ? { kind: "bad", text } : undefined} />;
}

function Menu({ ui, id }: { ui: Ui; id: string }) {
  const sections = ui.principal ? sectionsFor(ui.principal.permissions) : [];
  return (
    <ul id={id}>
      {sections.map((s) => (
        <li>
          <a href={s.path} aria-current={ui.path === s.path || ui.path.startsWith(`${s.path}/`) ? "page" : undefined}>
            {sectionLabel(ui.t, s.id)}
          </a>
        </li>
      ))}
    </ul>
  );
}

export function LanguageSwitch({ ui }: { ui: Ui }) {
  return (
    <form method="post" action="/console/language">
      <Csrf ui={ui} />
      <input type="hidden" name="back" value={ui.path} />
      <label class="visually-hidden" for="lang-switch">
        {ui.t.language}
      </label>
      <select id="lang-switch" name="lang" data-autosubmit>
        {CONSOLE_LANGS.map((l) => (
          <option value={l} selected={l === ui.lang} lang={l}>
            {LANG_NAMES[l]}
          </option>
        ))}
      </select>
      <noscript>
        <button type="submit" class="secondary">
          {ui.t.change_language}
        </button>
      </noscript>
    </form>
  );
}

export async function renderPage(c: ConsoleContext, ui: Ui, opts: PageOptions, body: Child): Promise<Response> {
  const v = await assetVersions();
  const page = (
    <html lang={ui.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>{`${opts.title} · ${ui.t.product}`}</title>
        <link rel="stylesheet" href={`/console/assets/console.css?v=${v.css}`} />
        {(opts.scripts ?? []).map((s) => (
          <script src={`/console/assets/${s}.js`} defer />
        ))}
        <script src={`/console/assets/console.js?v=${v.js}`} defer />
      </head>
      <body>
        <a class="skip" href="#main">
          {ui.t.skip_to_content}
        </a>
        <header class="top">
          <a class="brand" href="/console">
            {ui.t.product}
          </a>
          {!opts.bare && ui.principal ? (
            <>
              <nav class="wide" aria-label={ui.t.menu}>
                <Menu ui={ui} id="menu-wide" />
              </nav>
              <details class="menu">
                <summary>{ui.t.menu}</summary>
                <nav aria-label={ui.t.menu}>
                  <Menu ui={ui} id="menu-narrow" />
                </nav>
              </details>
            </>
          ) : null}
          <div class="me">
            {!opts.bare && ui.principal ? (
              <>
                <a href="/console/account">{ui.principal.name}</a>
                <form method="post" action="/console/sign-out">
                  <Csrf ui={ui} />
                  <button type="submit" class="link">
                    {ui.t.sign_out}
                  </button>
                </form>
              </>
            ) : null}
            <LanguageSwitch ui={ui} />
          </div>
        </header>
        <main id="main" tabindex={-1}>
          <FlashBox flash={ui.flash} />
          {body}
        </main>
      </body>
    </html>
  );
  c.header("cache-control", "no-store");
  c.header("x-frame-options", "DENY");
  c.header(
    "content-security-policy",
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  );
  return c.html(`<!doctype html>${page}`, opts.status ?? 200);
}
