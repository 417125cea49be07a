/**
 * Signing in to the console: password, then (when the person has one) the
 * second factor, a TOTP or recovery code; or a passkey, which is both. Each
 * step posts to the API's own /v1/auth route, so lockout, rate limits,
 * logging and the session cookie are exactly the API's.
 */
import { Hono } from "hono";
import { api, passCookies } from "./api";
import { anonymousUi, type ConsoleContext, type ConsoleEnv, langOf, setFlash, setLang, type Ui } from "./context";
import { safeNext } from "./guard";
import { dictionary, isLang } from "./i18n";
import { renderPage } from "./layout";
import { problemText } from "./problems";

const TEXT = dictionary(
  {
    title: "Sign in",
    email: "Email",
    password: "Password",
    submit: "Sign in",
    or: "or",
    passkey: "Sign in with a passkey",
    passkey_failed: "The passkey did not sign you in",
    forgot: "Forgot your password?",
    second_title: "Two-step verification",
    second_intro: "Enter the 6-digit code from your authenticator app.",
    code: "Code",
    verify: "Verify",
    use_recovery: "Lost your phone? Use a recovery code",
    recovery_code: "Recovery code",
    use_recovery_submit: "Use recovery code",
    start_over: "Start again",
    second_expired: "The sign-in waited too long for its second step: sign in again.",
    signed_out: "You are signed out.",
  },
  {
    title: "登录",
    email: "邮箱",
    password: "密码",
    submit: "登录",
    or: "或",
    passkey: "使用通行密钥登录",
    passkey_failed: "通行密钥登录失败",
    forgot: "忘记密码？",
    second_title: "两步验证",
    second_intro: "请输入身份验证器应用中的 6 位验证码。",
    code: "验证码",
    verify: "验证",
    use_recovery: "手机丢失？使用恢复码",
    recovery_code: "恢复码",
    use_recovery_submit: "使用恢复码",
    start_over: "重新登录",
    second_expired: "登录等待第二步验证超时，请重新登录。",
    signed_out: "您已退出登录。",
  },
);

type Form = Record<string, string | File | (string | File)[]>;
const field = (form: Form, name: string) => {
  const v = form[name];
  return typeof v === "string" ? v : "";
};

function signInForm(c: ConsoleContext, ui: Ui, opts: { email?: string; error?: string; next: string }) {
  const t = TEXT[ui.lang];
  return renderPage(
    c,
    ui,
    { title: t.title, bare: true, scripts: ["webauthn"], status: opts.error ? 401 : 200 },
    <div class="sign-in card">
      <h1>{t.title}</h1>
      {opts.error ? (
        <div class="flash bad" role="alert" id="sign-in-error">
          {opts.error}
        </div>
      ) : null}
      <form method="post" action={`/console/sign-in?next=${encodeURIComponent(opts.next)}`}>
        <div class="field">
          <label for="email">{t.email}</label>
          <input id="email" name="email" type="email" autocomplete="username webauthn" required value={opts.email ?? ""} autofocus={!opts.email} />
        </div>
        <div class="field">
          <label for="password">{t.password}</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required autofocus={!!opts.email} />
        </div>
        <div class="actions">
          <button type="submit">{t.submit}</button>
          <a href="/console/password-reset">{t.forgot}</a>
        </div>
      </form>
      <p class="muted">{t.or}</p>
      <button type="button" class="secondary" data-passkey-sign-in data-next={opts.next} data-status="passkey-status" data-failed={t.passkey_failed} hidden>
        {t.passkey}
      </button>
      <p id="passkey-status" class="error-text" role="alert" hidden />
    </div>,
  );
}

function secondStepForm(c: ConsoleContext, ui: Ui, opts: { error?: string; recovery?: boolean; next: string }) {
  const t = TEXT[ui.lang];
  return renderPage(
    c,
    ui,
    { title: t.second_title, bare: true, scripts: ["webauthn"], status: opts.error ? 401 : 200 },
    <div class="sign-in card">
      <h1>{t.second_title}</h1>
      {opts.error ? (
        <div class="flash bad" role="alert">
          {opts.error}
        </div>
      ) : null}
      {opts.recovery ? (
        <form method="post" action={`/console/sign-in/two-factor?next=${encodeURIComponent(opts.next)}`}>
          <div class="field">
            <label for="recovery_code">{t.recovery_code}</label>
            <input id="recovery_code" name="recovery_code" autocomplete="off" required autofocus />
          </div>
          <button type="submit">{t.use_recovery_submit}</button>
        </form>
      ) : (
        <form method="post" action={`/console/sign-in/two-factor?next=${encodeURIComponent(opts.next)}`}>
          <p>{t.second_intro}</p>
          <div class="field">
            <label for="code">{t.code}</label>
            <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength={6} required autofocus />
          </div>
          <div class="actions">
            <button type="submit">{t.verify}</button>
            <a href={`/console/sign-in/two-factor?recovery=1&next=${encodeURIComponent(opts.next)}`}>{t.use_recovery}</a>
          </div>
        </form>
      )}
      <p class="muted">{TEXT[ui.lang].or}</p>
      <button type="button" class="secondary" data-passkey-sign-in data-next={opts.next} data-status="passkey-status" data-failed={t.passkey_failed} hidden>
        {t.passkey}
      </button>
      <p id="passkey-status" class="error-text" role="alert" hidden />
      <p>
        <a href="/console/sign-in">{t.start_over}</a>
      </p>
    </div>,
  );
}

/** A redirect that carries the API's Set-Cookie (the new session, or its end). */
function redirectWith(c: ConsoleContext, to: string, from: Headers): Response {
  const res = c.redirect(to, 303);
  passCookies(from, res.headers);
  return res;
}

export const signInPages = new Hono<ConsoleEnv>();

signInPages.get("/console/sign-in", (c) => signInForm(c, anonymousUi(c), { next: safeNext(c.req.query("next")) }));

signInPages.post("/console/sign-in", async (c) => {
  const ui = anonymousUi(c);
  const next = safeNext(c.req.query("next"));
  const form = await c.req.parseBody();
  const email = field(form, "email").trim();
  const r = await api<{ stage: string }>(c, "/v1/auth/sign-in", { body: { email, password: field(form, "password") }, anonymous: true });
  if (!r.ok) {
    const retry = r.headers.get("retry-after");
    if (retry) c.header("retry-after", retry);
    return signInForm(c, ui, { email, error: problemText(r.body, ui.lang), next });
  }
  const to = r.body.stage === "second_factor" ? `/console/sign-in/two-factor?next=${encodeURIComponent(next)}` : r.body.stage === "enrol" ? "/console/account/two-factor" : next;
  return redirectWith(c, to, r.headers);
});

signInPages.get("/console/sign-in/two-factor", (c) => secondStepForm(c, anonymousUi(c), { recovery: c.req.query("recovery") === "1", next: safeNext(c.req.query("next")) }));

signInPages.post("/console/sign-in/two-factor", async (c) => {
  const ui = anonymousUi(c);
  const next = safeNext(c.req.query("next"));
  const form = await c.req.parseBody();
  const recovery = field(form, "recovery_code").trim();
  const body = recovery ? { recovery_code: recovery } : { code: field(form, "code").trim() };
  const r = await api<{ stage: string }>(c, "/v1/auth/two-factor", { body, anonymous: true });
  if (!r.ok) {
    // The pending sign-in is gone (expired, or too many wrong codes): start again.
    if (r.status === 401 && r.body.code !== "two_factor_failed" && r.body.code !== "invalid_code") {
      return signInForm(c, ui, { error: TEXT[ui.lang].second_expired, next });
    }
    return secondStepForm(c, ui, { error: problemText(r.body, ui.lang), recovery: !!recovery, next });
  }
  return redirectWith(c, r.body.stage === "enrol" ? "/console/account/two-factor" : next, r.headers);
});

signInPages.post("/console/sign-out", async (c) => {
  // Signing out needs the session's CSRF token like any write: a cross-site form cannot sign someone out.
  const form = await c.req.parseBody();
  const r = await api(c, "/v1/me/sign-out", { method: "POST", anonymous: true, headers: { "x-csrf-token": field(form, "_csrf") } });
  if (r.ok) setFlash(c, { kind: "ok", text: TEXT[langOf(c)].signed_out });
  return redirectWith(c, "/console/sign-in", r.headers);
});

/** The language switch: remembered in this browser (the account's language is the default). */
signInPages.post("/console/language", async (c) => {
  const form = await c.req.parseBody();
  const lang = field(form, "lang");
  if (isLang(lang)) setLang(c, lang);
  return c.redirect(safeNext(field(form, "back")), 303);
});
