/**
 * My account: every signed-in person's own page (and the only one an
 * "enrol" session opens): profile, password, two-factor, passkeys and
 * sessions. The secret of a new authenticator app and the recovery codes
 * are shown in the answer to the post that made them, once, never again.
 */
import { Hono } from "hono";
import { raw } from "hono/html";
import type { z } from "@hono/zod-openapi";
import type { PasskeyList, RecoveryCodes, TotpEnrolment, TwoFactorStatus } from "../../staff/two-factor-schemas";
import type { SessionList } from "../../staff/sign-in-schemas";
import { api, type ApiAnswer, passCookies } from "../api";
import type { ConsoleContext, ConsoleEnv } from "../context";
import { formatsOf, setFlash, setLang } from "../context";
import { doneRedirect, formValue, uiOf } from "../guard";
import { CONSOLE_LANGS, fill, isLang, LANG_NAMES } from "../i18n";
import { Csrf, renderPage } from "../layout";
import { problemText } from "../problems";
import { dateTime } from "../format";
import { positionLabel, TEXT } from "./text";

type Status2fa = z.infer<typeof TwoFactorStatus>;
type Passkeys = z.infer<typeof PasskeyList>;
type Sessions = z.infer<typeof SessionList>;

/**
 * The authenticator app's QR code as inline SVG, drawn on the server (no script, no image request). bwip-js is
 * loaded on first use: only this page and the shipping label draw codes, and a Worker that starts without them
 * starts faster.
 */
export async function qrSvg(otpauthUri: string): Promise<string> {
  const { toSVG } = await import("bwip-js/generic");
  return toSVG({ bcid: "qrcode", text: otpauthUri, scale: 4, paddingwidth: 2, paddingheight: 2, backgroundcolor: "FFFFFF" });
}

export const accountPages = new Hono<ConsoleEnv>();

type AccountErrors = { password?: string; current?: string; newPassword?: string; profile?: string; name?: string };

async function accountPage(c: ConsoleContext, errors: AccountErrors = {}, status: 200 | 422 | 429 = 200) {
  const ui = uiOf(c);
  const t = TEXT[ui.lang];
  const user = ui.user!;
  const [tf, keys, sessions, formats] = await Promise.all([
    api<Status2fa>(c, "/v1/me/two-factor"),
    api<Passkeys>(c, "/v1/me/passkeys"),
    api<Sessions>(c, "/v1/me/sessions"),
    formatsOf(c),
  ]);
  const when = (at: string | null) => (at ? dateTime(at, formats.timeZone, ui.lang) : t.never);
  const scope = (ids: string[]) => (ids.includes("*") ? t.all : ids.join(", "));
  return renderPage(
    c,
    ui,
    { title: ui.t.account, scripts: ["webauthn"], status },
    <>
      <h1>{ui.t.account}</h1>
      {ui.stage === "enrol" ? (
        <div class="flash warn" role="alert">
          {t.two_factor_required} <a href="/console/account/two-factor">{t.enrol}</a>
        </div>
      ) : null}
      <div class="grid">
        <section class="card" aria-labelledby="profile-h">
          <h2 id="profile-h">{t.profile}</h2>
          <dl class="facts">
            <dt>{t.email}</dt>
            <dd class="wrap">{user.email}</dd>
            <dt>{t.positions}</dt>
            <dd>{user.positions.map((p) => positionLabel(ui.lang, p)).join(", ")}</dd>
            <dt>{t.stores}</dt>
            <dd>{scope(user.storeIds)}</dd>
            <dt>{t.warehouses}</dt>
            <dd>{scope(user.warehouseIds)}</dd>
          </dl>
          {errors.profile ? (
            <div class="flash bad" role="alert">
              {errors.profile}
            </div>
          ) : null}
          <form method="post" action="/console/account/profile" class="profile-form">
            <Csrf ui={ui} />
            <div class="field">
              <label for="display_name">{t.name}</label>
              <input
                id="display_name"
                name="display_name"
                autocomplete="name"
                maxlength={100}
                required
                value={errors.profile ? formValue(c, "display_name") : user.displayName}
                aria-invalid={errors.name ? "true" : undefined}
                aria-describedby={errors.name ? "display_name-error" : undefined}
              />
              {errors.name ? (
                <p class="error-text" id="display_name-error">
                  {errors.name}
                </p>
              ) : null}
            </div>
            <div class="field">
              <label for="locale">{t.my_language}</label>
              <select id="locale" name="locale" aria-describedby="locale-hint">
                {CONSOLE_LANGS.map((l) => (
                  <option value={l} selected={l === user.locale}>
                    {LANG_NAMES[l]}
                  </option>
                ))}
              </select>
              <p class="hint" id="locale-hint">
                {t.my_language_hint}
              </p>
            </div>
            <button type="submit">{t.save_profile}</button>
          </form>
          <p class="hint">{t.language_hint}</p>
        </section>
        <section class="card" aria-labelledby="password-h">
          <h2 id="password-h">{t.change_password}</h2>
          {errors.password ? (
            <div class="flash bad" role="alert" id="password-error">
              {errors.password}
            </div>
          ) : null}
          <form method="post" action="/console/account/password">
            <Csrf ui={ui} />
            <input type="text" name="username" autocomplete="username" value={user.email} hidden />
            <div class="field">
              <label for="current_password">{t.current_password}</label>
              <input id="current_password" name="current_password" type="password" autocomplete="current-password" required />
              {errors.current ? <p class="error-text">{errors.current}</p> : null}
            </div>
            <div class="field">
              <label for="new_password">{t.new_password}</label>
              <input id="new_password" name="new_password" type="password" autocomplete="new-password" minlength={12} required aria-describedby="new-password-hint" />
              <p class="hint" id="new-password-hint">
                {t.password_hint}
              </p>
              {errors.newPassword ? <p class="error-text">{errors.newPassword}</p> : null}
            </div>
            <button type="submit">{t.change_password}</button>
          </form>
        </section>
        <section class="card" aria-labelledby="tf-h">
          <h2 id="tf-h">{t.two_factor}</h2>
          <p>{t.two_factor_intro}</p>
          {tf.ok ? (
            <p>
              <span class={`badge ${tf.body.totp_enabled ? "ok" : "warn"}`}>{tf.body.totp_enabled ? t.two_factor_on : t.two_factor_off}</span>{" "}
              {tf.body.totp_enabled ? fill(t.recovery_left, { n: tf.body.recovery_codes_left }) : ""}
            </p>
          ) : null}
          <a class="button secondary" href="/console/account/two-factor">
            {t.two_factor}
          </a>
        </section>
      </div>
      <section class="card" aria-labelledby="passkeys-h" id="passkeys">
        <h2 id="passkeys-h">{t.passkeys}</h2>
        <p>{t.passkeys_intro}</p>
        {keys.ok && keys.body.data.length ? (
          <div class="table-wrap">
            <table class="stack">
              <thead>
                <tr>
                  <th>{t.name}</th>
                  <th>{t.added}</th>
                  <th>{t.last_used}</th>
                  <th>{t.actions}</th>
                </tr>
              </thead>
              <tbody>
                {keys.body.data.map((k) => (
                  <tr>
                    <td data-label={t.name}>{k.name}</td>
                    <td data-label={t.added}>{when(k.created_at)}</td>
                    <td data-label={t.last_used}>{when(k.last_used_at)}</td>
                    <td data-label={t.actions}>
                      <form method="post" action={`/console/account/passkeys/${encodeURIComponent(k.id)}/remove`} data-confirm={t.remove_confirm}>
                        <Csrf ui={ui} />
                        <button type="submit" class="secondary">
                          {t.remove}
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p class="muted">{t.passkey_none}</p>
        )}
        <div class="field">
          <label for="passkey-name">{t.passkey_name}</label>
          <input id="passkey-name" maxlength={100} placeholder="MacBook" />
        </div>
        <button type="button" data-passkey-register data-csrf={ui.csrf} data-name-field="passkey-name" data-status="passkey-status" data-failed={t.passkey_failed} hidden>
          {t.passkey_add}
        </button>
        <noscript>
          <p class="muted">{t.passkey_no_script}</p>
        </noscript>
        <p id="passkey-status" class="error-text" role="alert" hidden />
      </section>
      <section class="card" aria-labelledby="sessions-h">
        <h2 id="sessions-h">{t.sessions}</h2>
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th>{t.started}</th>
                <th>{t.last_used}</th>
                <th>{t.browser}</th>
                <th>{t.address}</th>
                <th>{t.actions}</th>
              </tr>
            </thead>
            <tbody>
              {(sessions.ok ? sessions.body.data : []).map((s) => (
                <tr>
                  <td data-label={t.started}>{when(s.created_at)}</td>
                  <td data-label={t.last_used}>{when(s.last_seen_at)}</td>
                  <td data-label={t.browser} class="session-browser">
                    <span class="wrap">
                      {s.user_agent ?? "—"} {s.current ? <span class="badge ok">{t.this_one}</span> : null}
                    </span>
                  </td>
                  <td data-label={t.address}>{s.ip ?? "—"}</td>
                  <td data-label={t.actions}>
                    <form method="post" action={`/console/account/sessions/${encodeURIComponent(s.id)}/end`} data-confirm={t.end_confirm}>
                      <Csrf ui={ui} />
                      <button type="submit" class="secondary">
                        {t.end}
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <form method="post" action="/console/account/sign-out-everywhere" data-confirm={t.everywhere_confirm} class="actions" style="margin-top:12px">
          <Csrf ui={ui} />
          <button type="submit" class="danger">
            {t.everywhere}
          </button>
        </form>
      </section>
    </>,
  );
}

accountPages.get("/console/account", (c) => accountPage(c));

accountPages.post("/console/account/profile", async (c) => {
  const ui = uiOf(c);
  const locale = formValue(c, "locale");
  const r = await api(c, "/v1/me", { method: "PATCH", body: { display_name: formValue(c, "display_name"), locale } });
  if (!r.ok) {
    const name = (r.body.errors ?? []).find((e) => e.field === "display_name");
    return accountPage(c, { profile: problemText(r.body, ui.lang), ...(name ? { name: problemText(r.body, ui.lang) } : {}) }, 422);
  }
  // The person chose a language: this browser follows it at once, as the switch would.
  if (isLang(locale)) setLang(c, locale);
  return doneRedirect(c, "/console/account", { kind: "ok", text: TEXT[isLang(locale) ? locale : ui.lang].profile_saved });
});

accountPages.post("/console/account/password", async (c) => {
  const ui = uiOf(c);
  const t = TEXT[ui.lang];
  const r = await api(c, "/v1/me/password", { method: "PUT", body: { current_password: formValue(c, "current_password"), new_password: formValue(c, "new_password") } });
  if (!r.ok) {
    const fields = Object.fromEntries((r.body.errors ?? []).map((e) => [e.field, e.message]));
    const errors: AccountErrors = { password: problemText(r.body, ui.lang) };
    if (r.body.code === "current_password_wrong") errors.current = problemText(r.body, ui.lang);
    if (fields.new_password) errors.newPassword = ui.lang === "en" ? `${t.password_hint} (${fields.new_password})` : `${t.password_hint}（${fields.new_password}）`;
    return accountPage(c, errors, r.status === 429 ? 429 : 422);
  }
  // The API renewed this browser's session (a new cookie): pass it on, or the next page would be signed out.
  return redirectWith(c, "/console/account", r, { kind: "ok", text: t.password_changed });
});

accountPages.post("/console/account/passkeys/:id/remove", async (c) => {
  const ui = uiOf(c);
  const r = await api(c, `/v1/me/passkeys/${encodeURIComponent(c.req.param("id"))}`, { method: "DELETE" });
  if (!r.ok) return doneRedirect(c, "/console/account#passkeys", { kind: "bad", text: problemText(r.body, ui.lang) });
  return doneRedirect(c, "/console/account#passkeys", { kind: "ok", text: TEXT[ui.lang].passkey_removed });
});

accountPages.post("/console/account/sessions/:id/end", async (c) => {
  const ui = uiOf(c);
  const id = c.req.param("id");
  const r = await api(c, `/v1/me/sessions/${encodeURIComponent(id)}`, { method: "DELETE" });
  if (!r.ok) return doneRedirect(c, "/console/account", { kind: "bad", text: problemText(r.body, ui.lang) });
  const current = ui.principal.session && r.headers.getSetCookie().length > 0;
  return redirectWith(c, current ? "/console/sign-in" : "/console/account", r, { kind: "ok", text: TEXT[ui.lang].session_ended });
});

accountPages.post("/console/account/sign-out-everywhere", async (c) => {
  const ui = uiOf(c);
  const r = await api(c, "/v1/me/sign-out-everywhere", { method: "POST" });
  if (!r.ok) return doneRedirect(c, "/console/account", { kind: "bad", text: problemText(r.body, ui.lang) });
  return redirectWith(c, "/console/sign-in", r, { kind: "ok", text: TEXT[ui.lang].everywhere_done });
});

function redirectWith(c: ConsoleContext, to: string, r: ApiAnswer<unknown>, flash: { kind: "ok" | "bad" | "warn"; text: string }): Response {
  setFlash(c, flash);
  const res = c.redirect(to, 303);
  passCookies(r.headers, res.headers);
  return res;
}

// Two-factor: the status, setting up an authenticator app, recovery codes, turning it off.

type TwoFactorView =
  | { kind: "status"; error?: string }
  | { kind: "enrol"; uri: string; secret: string; error?: string }
  | { kind: "codes"; codes: string[]; csrf?: string | undefined; error?: undefined };

async function twoFactorPage(c: ConsoleContext, view: TwoFactorView, status: 200 | 409 | 422 = 200, cookiesFrom?: Headers) {
  const base = uiOf(c);
  // Confirming in an "enrol" session replaced it: the page's forms carry the new session's token.
  const ui = view.kind === "codes" && view.csrf ? { ...base, csrf: view.csrf } : base;
  const t = TEXT[ui.lang];
  const qr = view.kind === "enrol" ? await qrSvg(view.uri) : "";
  const tf = view.kind === "status" ? await api<Status2fa>(c, "/v1/me/two-factor") : null;
  const res = await renderPage(
    c,
    ui,
    { title: t.two_factor, status },
    <>
      <h1>{t.two_factor}</h1>
      {view.error ? (
        <div class="flash bad" role="alert" id="two-factor-error">
          {view.error}
        </div>
      ) : null}
      {ui.stage === "enrol" && view.kind !== "codes" ? (
        <div class="flash warn" role="alert">
          {t.two_factor_required}
        </div>
      ) : null}
      {view.kind === "enrol" ? (
        <section class="card">
          <h2>{t.enrol}</h2>
          <p>{t.enrol_step1}</p>
          <div class="qr" role="img" aria-label="QR">
            {raw(qr)}
          </div>
          <p>
            {t.secret}:{" "}
            <code class="mono secret" id="totp-secret">
              {view.secret}
            </code>
          </p>
          <form method="post" action="/console/account/two-factor/confirm">
            <Csrf ui={ui} />
            <input type="hidden" name="uri" value={view.uri} />
            <p>{t.enrol_step2}</p>
            <div class="field">
              <label for="code">{t.code}</label>
              <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength={6} required autofocus />
            </div>
            <button type="submit">{t.confirm}</button>
          </form>
        </section>
      ) : view.kind === "codes" ? (
        <section class="card" aria-labelledby="codes-h">
          <h2 id="codes-h">{t.recovery_title}</h2>
          <p>{t.recovery_intro}</p>
          <ol class="recovery-codes mono" id="recovery-codes">
            {view.codes.map((code) => (
              <li>{code}</li>
            ))}
          </ol>
          <a class="button" href="/console/account">
            {t.recovery_done}
          </a>
        </section>
      ) : tf?.ok && tf.body.totp_enabled ? (
        <>
          <section class="card">
            <p>
              <span class="badge ok">{t.two_factor_on}</span> {fill(t.recovery_left, { n: tf.body.recovery_codes_left })}
            </p>
          </section>
          <div class="grid">
            <section class="card">
              <h2>{t.regenerate}</h2>
              <form method="post" action="/console/account/two-factor/recovery-codes">
                <Csrf ui={ui} />
                <p class="hint">{t.regenerate_hint}</p>
                <div class="field">
                  <label for="regen-code">{t.code}</label>
                  <input id="regen-code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength={6} required />
                </div>
                <button type="submit" class="secondary">
                  {t.regenerate}
                </button>
              </form>
            </section>
            {!tf.body.required || tf.body.passkeys > 0 ? (
              <section class="card">
                <h2>{t.turn_off}</h2>
                <form method="post" action="/console/account/two-factor/off" data-confirm={t.turn_off_confirm}>
                  <Csrf ui={ui} />
                  <input type="text" name="username" autocomplete="username" value={ui.user?.email ?? ""} hidden />
                  <p class="hint">{t.turn_off_hint}</p>
                  <div class="field">
                    <label for="off-password">{t.password}</label>
                    <input id="off-password" name="password" type="password" autocomplete="current-password" required />
                  </div>
                  <button type="submit" class="danger">
                    {t.turn_off}
                  </button>
                </form>
              </section>
            ) : null}
          </div>
        </>
      ) : (
        <section class="card">
          <p>
            <span class="badge warn">{t.two_factor_off}</span>
          </p>
          <p>{t.two_factor_intro}</p>
          <form method="post" action="/console/account/two-factor/totp">
            <Csrf ui={ui} />
            <button type="submit">{t.enrol}</button>
          </form>
          <p>
            <a href="/console/account#passkeys">{t.passkeys}</a>
          </p>
        </section>
      )}
    </>,
  );
  if (cookiesFrom) passCookies(cookiesFrom, res.headers);
  return res;
}

accountPages.get("/console/account/two-factor", (c) => twoFactorPage(c, { kind: "status" }));

accountPages.post("/console/account/two-factor/totp", async (c) => {
  const ui = uiOf(c);
  const r = await api<z.infer<typeof TotpEnrolment>>(c, "/v1/me/two-factor/totp", { method: "POST" });
  if (!r.ok) return twoFactorPage(c, { kind: "status", error: problemText(r.body, ui.lang) }, 409);
  return twoFactorPage(c, { kind: "enrol", uri: r.body.otpauth_uri, secret: r.body.secret });
});

/** The secret, back out of the otpauth URI the confirm form carries (to show the same QR again after a wrong code). */
const secretOf = (uri: string) => {
  try {
    return new URL(uri).searchParams.get("secret") ?? "";
  } catch {
    return "";
  }
};

accountPages.post("/console/account/two-factor/confirm", async (c) => {
  const ui = uiOf(c);
  const r = await api<z.infer<typeof RecoveryCodes>>(c, "/v1/me/two-factor/totp/confirm", { body: { code: formValue(c, "code") } });
  if (!r.ok) {
    const uri = formValue(c, "uri");
    const error = problemText(r.body, ui.lang);
    if (r.status === 422 && uri.startsWith("otpauth://")) return twoFactorPage(c, { kind: "enrol", uri, secret: secretOf(uri), error }, 422);
    return twoFactorPage(c, { kind: "status", error }, r.status === 422 ? 422 : 409);
  }
  return twoFactorPage(c, { kind: "codes", codes: r.body.recovery_codes, csrf: r.body.session?.csrf_token }, 200, r.headers);
});

accountPages.post("/console/account/two-factor/recovery-codes", async (c) => {
  const ui = uiOf(c);
  const r = await api<z.infer<typeof RecoveryCodes>>(c, "/v1/me/recovery-codes", { body: { code: formValue(c, "code") } });
  if (!r.ok) return twoFactorPage(c, { kind: "status", error: problemText(r.body, ui.lang) }, r.status === 409 ? 409 : 422);
  return twoFactorPage(c, { kind: "codes", codes: r.body.recovery_codes });
});

accountPages.post("/console/account/two-factor/off", async (c) => {
  const ui = uiOf(c);
  const r = await api(c, "/v1/me/two-factor/totp", { method: "DELETE", body: { password: formValue(c, "password") } });
  if (!r.ok) return twoFactorPage(c, { kind: "status", error: problemText(r.body, ui.lang) }, r.status === 409 ? 409 : 422);
  return doneRedirect(c, "/console/account/two-factor", { kind: "ok", text: TEXT[ui.lang].two_factor_disabled });
});
