/**
 * The pages an emailed link opens, before there is a session: accepting an
 * invitation and resetting a password. The link's token is in the URL's
 * fragment, which never reaches a server: console.js copies it into the
 * form's hidden field. Each post goes to the API's /v1/auth route, which
 * checks the browser's Origin again; we refuse another site's post first.
 */
import { Hono } from "hono";
import { sameOrigin } from "../../staff/sessions";
import { api, passCookies } from "../api";
import { anonymousUi, type ConsoleContext, type ConsoleEnv, setFlash, type Ui } from "../context";
import { renderPage } from "../layout";
import { fieldProblems, problemText } from "../problems";
import { type PeopleText, TEXT } from "./text";

type Form = Record<string, string | File | (string | File)[]>;
const field = (form: Form, name: string) => {
  const v = form[name];
  return typeof v === "string" ? v : "";
};

type Errors = { general?: string; password?: string; repeat?: string };

function ErrorBox({ text }: { text: string | undefined }) {
  return text ? (
    <div class="flash bad" role="alert" id="form-error">
      {text}
    </div>
  ) : null;
}

function TokenField({ token }: { token: string }) {
  return <input type="hidden" name="token" value={token} data-token-from-fragment />;
}

function PasswordFields({ t, errors }: { t: PeopleText; errors: Errors }) {
  return (
    <>
      <div class="field">
        <label for="password">{t.new_password}</label>
        <input id="password" name="password" type="password" autocomplete="new-password" minlength={12} required aria-describedby="password-hint" />
        <p class="hint" id="password-hint">
          {t.password_hint}
        </p>
        {errors.password ? <p class="error-text">{errors.password}</p> : null}
      </div>
      <div class="field">
        <label for="password2">{t.repeat_password}</label>
        <input id="password2" name="password2" type="password" autocomplete="new-password" minlength={12} required />
        {errors.repeat ? <p class="error-text">{errors.repeat}</p> : null}
      </div>
    </>
  );
}

type Status = 200 | 400 | 403 | 422 | 429;

function invitationPage(c: ConsoleContext, ui: Ui, o: { token?: string; name?: string; errors?: Errors; status?: Status }) {
  const t = TEXT[ui.lang];
  const errors = o.errors ?? {};
  return renderPage(
    c,
    ui,
    { title: t.invitation_title, bare: true, status: o.status ?? 200 },
    <div class="sign-in card">
      <h1>{t.invitation_title}</h1>
      <ErrorBox text={errors.general} />
      <p>{t.invitation_intro}</p>
      <form method="post" action="/console/invitation">
        <TokenField token={o.token ?? ""} />
        <div class="field">
          <label for="display_name">{t.display_name}</label>
          <input id="display_name" name="display_name" autocomplete="name" maxlength={100} value={o.name ?? ""} aria-describedby="display-name-hint" />
          <p class="hint" id="display-name-hint">
            {t.display_name_hint}
          </p>
        </div>
        <PasswordFields t={t} errors={errors} />
        <button type="submit">{t.accept}</button>
      </form>
    </div>,
  );
}

function resetRequestPage(c: ConsoleContext, ui: Ui, o: { email?: string; error?: string; sent?: boolean; status?: Status }) {
  const t = TEXT[ui.lang];
  return renderPage(
    c,
    ui,
    { title: t.reset_title, bare: true, status: o.status ?? 200 },
    <div class="sign-in card">
      <h1>{t.reset_title}</h1>
      <ErrorBox text={o.error} />
      {o.sent ? (
        <div class="flash ok" role="status" id="reset-sent">
          {t.reset_sent}
        </div>
      ) : null}
      <p>{t.reset_intro}</p>
      <form method="post" action="/console/password-reset" data-reset-request>
        <div class="field">
          <label for="email">{t.email}</label>
          <input id="email" name="email" type="email" autocomplete="username" required value={o.email ?? ""} />
        </div>
        <button type="submit">{t.reset_send}</button>
      </form>
      <p>
        <a href="/console/sign-in">{t.back_to_sign_in}</a>
      </p>
    </div>,
  );
}

function resetCompletePage(c: ConsoleContext, ui: Ui, o: { token: string; errors?: Errors; status?: Status }) {
  const t = TEXT[ui.lang];
  return renderPage(
    c,
    ui,
    { title: t.reset_new_title, bare: true, status: o.status ?? 200 },
    <div class="sign-in card">
      <h1>{t.reset_new_title}</h1>
      <ErrorBox text={o.errors?.general} />
      <p>{t.reset_new_intro}</p>
      <form method="post" action="/console/password-reset">
        <TokenField token={o.token} />
        <PasswordFields t={t} errors={o.errors ?? {}} />
        <button type="submit">{t.reset_save}</button>
      </form>
      <p>
        <a href="/console/password-reset?again=1">{t.reset_again}</a>
      </p>
    </div>,
  );
}

/** The password checks the page makes before the API: the two typings match. */
function passwordErrors(t: PeopleText, form: Form): Errors | null {
  return field(form, "password") === field(form, "password2") ? null : { general: t.passwords_differ, repeat: t.passwords_differ };
}

/** The API's refusal of a link step, in words: a dead link, a weak password, a limit. */
function linkRefusal(ui: Ui, r: { status: number; body: Parameters<typeof problemText>[0] }): { errors: Errors; status: Status } {
  const t = TEXT[ui.lang];
  if (r.body.code === "invalid_token") return { errors: { general: t.invalid_link }, status: 400 };
  const fields = fieldProblems(r.body);
  if (r.status === 422 && fields.password) {
    const general = problemText(r.body, ui.lang);
    return { errors: { general, password: ui.lang === "en" ? `${t.password_hint} (${fields.password})` : `${t.password_hint}（${fields.password}）` }, status: 422 };
  }
  const status: Status = r.status === 403 || r.status === 429 || r.status === 422 ? r.status : 400;
  return { errors: { general: problemText(r.body, ui.lang) }, status };
}

/**
 * After a link signed the person in: their account in the console (where a newcomer finds two-factor and
 * passkeys, and the menu leads to their work), or setting up two-factor first when a position requires it.
 * Not /console itself: its redirect to the position's home would spend the welcome message.
 */
function signedInRedirect(c: ConsoleContext, stage: string, headers: Headers, text: string): Response {
  setFlash(c, { kind: "ok", text });
  const res = c.redirect(stage === "enrol" ? "/console/account/two-factor" : "/console/account", 303);
  passCookies(headers, res.headers);
  return res;
}

function crossSite(c: ConsoleContext, ui: Ui, page: "invitation" | "reset") {
  const error = TEXT[ui.lang].cross_site;
  return page === "invitation" ? invitationPage(c, ui, { errors: { general: error }, status: 403 }) : resetRequestPage(c, ui, { error, status: 403 });
}

export const linkPages = new Hono<ConsoleEnv>();

linkPages.get("/console/invitation", (c) => invitationPage(c, anonymousUi(c), {}));

linkPages.post("/console/invitation", async (c) => {
  const ui = anonymousUi(c);
  const t = TEXT[ui.lang];
  if (!sameOrigin(c)) return crossSite(c, ui, "invitation");
  const form = await c.req.parseBody();
  const token = field(form, "token").trim();
  const name = field(form, "display_name").trim();
  if (!token) return invitationPage(c, ui, { name, errors: { general: t.no_token }, status: 400 });
  const differ = passwordErrors(t, form);
  if (differ) return invitationPage(c, ui, { token, name, errors: differ, status: 422 });
  const r = await api<{ stage: string }>(c, "/v1/auth/invitations/accept", {
    body: { token, password: field(form, "password"), ...(name ? { display_name: name } : {}) },
    anonymous: true,
  });
  if (!r.ok) {
    const { errors, status } = linkRefusal(ui, r);
    return invitationPage(c, ui, { token: r.body.code === "invalid_token" ? "" : token, name, errors, status });
  }
  return signedInRedirect(c, r.body.stage, r.headers, t.welcome);
});

// Without a token (no fragment, which the server cannot see) the page offers both: console.js fills the token
// field, and the form that is shown depends on it. Without JavaScript the request form is what works.
linkPages.get("/console/password-reset", (c) => {
  const ui = anonymousUi(c);
  return c.req.query("sent") === "1" ? resetRequestPage(c, ui, { sent: true }) : resetBoth(c, ui);
});

function resetBoth(c: ConsoleContext, ui: Ui) {
  const t = TEXT[ui.lang];
  return renderPage(
    c,
    ui,
    { title: t.reset_title, bare: true },
    <>
      <div class="sign-in card" data-show-with-token hidden>
        <h1>{t.reset_new_title}</h1>
        <p>{t.reset_new_intro}</p>
        <form method="post" action="/console/password-reset">
          <TokenField token="" />
          <PasswordFields t={t} errors={{}} />
          <button type="submit">{t.reset_save}</button>
        </form>
      </div>
      <div class="sign-in card" data-hide-with-token>
        <h1>{t.reset_title}</h1>
        <p>{t.reset_intro}</p>
        <form method="post" action="/console/password-reset">
          <div class="field">
            <label for="email">{t.email}</label>
            <input id="email" name="email" type="email" autocomplete="username" required />
          </div>
          <button type="submit">{t.reset_send}</button>
        </form>
        <p>
          <a href="/console/sign-in">{t.back_to_sign_in}</a>
        </p>
      </div>
    </>,
  );
}

linkPages.post("/console/password-reset", async (c) => {
  const ui = anonymousUi(c);
  const t = TEXT[ui.lang];
  if (!sameOrigin(c)) return crossSite(c, ui, "reset");
  const form = await c.req.parseBody();
  const token = field(form, "token").trim();
  if (!token) {
    const email = field(form, "email").trim();
    const r = await api(c, "/v1/auth/password-resets", { body: { email }, anonymous: true });
    if (!r.ok) {
      const { errors, status } = linkRefusal(ui, r);
      return resetRequestPage(c, ui, { email, error: errors.general, status });
    }
    // The same answer whether or not the address is known: nothing here tells who is on the staff.
    return c.redirect("/console/password-reset?sent=1", 303);
  }
  const differ = passwordErrors(t, form);
  if (differ) return resetCompletePage(c, ui, { token, errors: differ, status: 422 });
  const r = await api<{ stage: string }>(c, "/v1/auth/password-resets/complete", { body: { token, password: field(form, "password") }, anonymous: true });
  if (!r.ok) {
    const { errors, status } = linkRefusal(ui, r);
    if (r.body.code === "invalid_token") return resetRequestPage(c, ui, { error: errors.general, status });
    return resetCompletePage(c, ui, { token, errors, status });
  }
  return signedInRedirect(c, r.body.stage, r.headers, t.password_reset_done);
});
