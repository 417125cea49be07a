/**
 * The console's door: signing in with a password (and a second factor),
 * where each position lands, the language, signing out, and the refusals:
 * no session, a cross-site form, a missing CSRF token.
 */
import { env } from "./shard-env";
import { Secret, TOTP } from "otpauth";
import { describe, expect, it } from "vitest";
import { api } from "./helpers";
import { flashOf, openPage, postForm, signedIn, textOf } from "./console-helpers";
import { cookieFrom, createUser, sessionFor } from "./staff-helpers";

const cookieOf = (headers: Headers) => cookieFrom(headers) ?? "";

describe("console sign-in", () => {
  it("sends a browser without a session to sign-in, keeping where it wanted to go", async () => {
    const page = await openPage("/console/orders?status=on_hold");
    expect(page.status).toBe(303);
    expect(page.location).toBe(`/console/sign-in?next=${encodeURIComponent("/console/orders?status=on_hold")}`);
    const form = await openPage(page.location!);
    expect(form.status).toBe(200);
    expect(form.html).toContain('name="email"');
    expect(form.html).toContain('autocomplete="current-password"');
  });

  it("signs in with a password and lands on the page it wanted", async () => {
    const user = await createUser({ positions: ["auditor"] });
    const r = await postForm(`/console/sign-in?next=${encodeURIComponent("/console/orders?status=on_hold")}`, null, { email: user.email, password: user.password });
    expect(r.status).toBe(303);
    expect(r.location).toBe("/console/orders?status=on_hold");
    expect(cookieOf(r.headers)).toMatch(/^__Host-oms_session=/);
  });

  it("never sends anyone to another site after signing in", async () => {
    const user = await createUser({ positions: ["auditor"] });
    for (const next of ["https://evil.example/", "//evil.example", "/v1/orders", "/console\\@evil.example"]) {
      const r = await postForm(`/console/sign-in?next=${encodeURIComponent(next)}`, null, { email: user.email, password: user.password });
      expect(r.status).toBe(303);
      expect(r.location).toBe("/console");
    }
  });

  it("refuses a wrong password with the same words as an unknown email, and sets no session", async () => {
    const user = await createUser({ positions: ["auditor"] });
    const wrong = await postForm("/console/sign-in", null, { email: user.email, password: "not the password" });
    const unknown = await postForm("/console/sign-in", null, { email: "nobody@staff.example", password: "not the password" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(textOf(wrong.html)).toContain("The email or password is not right.");
    expect(cookieFrom(wrong.headers)).toBeNull();
    // The email stays in the form; the password does not.
    expect(wrong.html).toContain(`value="${user.email}"`);
    expect(wrong.html).not.toContain("not the password");
  });

  it("refuses a sign-in form posted from another site", async () => {
    const user = await createUser({ positions: ["auditor"] });
    const r = await postForm("/console/sign-in", null, { email: user.email, password: user.password }, { origin: "https://evil.example" });
    expect(r.status).toBe(401);
    expect(cookieFrom(r.headers)).toBeNull();
  });

  it("asks for the second factor when the person has one, then signs in", async () => {
    const user = await createUser({ positions: ["support"] });
    const session = await sessionFor(user.id);
    const enrol = await api("/v1/me/two-factor/totp", { method: "POST", headers: { cookie: session.cookie, origin: "http://oms.test", "x-csrf-token": session.csrf }, key: null });
    expect(enrol.status, JSON.stringify(enrol.body)).toBe(201);
    const totp = new TOTP({ secret: Secret.fromBase32(enrol.body.secret) });
    const confirm = await api("/v1/me/two-factor/totp/confirm", {
      body: { code: totp.generate() },
      headers: { cookie: session.cookie, origin: "http://oms.test", "x-csrf-token": session.csrf },
      key: null,
    });
    expect(confirm.status, JSON.stringify(confirm.body)).toBe(200);

    const first = await postForm("/console/sign-in", null, { email: user.email, password: user.password });
    expect(first.status).toBe(303);
    expect(first.location).toBe(`/console/sign-in/two-factor?next=${encodeURIComponent("/console")}`);
    const pending = { cookie: cookieOf(first.headers), csrf: "" };
    // Owing the second factor opens no page.
    const blocked = await openPage("/console/after-sales", pending);
    expect(blocked.location).toBe("/console/sign-in/two-factor");

    const wrong = await postForm("/console/sign-in/two-factor", pending, { code: "000000" });
    expect(wrong.status).toBe(401);
    expect(textOf(wrong.html)).toContain("That code is not right.");

    // The code that confirmed enrolment is spent (a time step is never accepted twice): as if that was a step ago.
    await env.DIRECTORY.prepare("UPDATE users SET totp_last_step = totp_last_step - 1 WHERE id = ?").bind(user.id).run();
    const ok = await postForm("/console/sign-in/two-factor", pending, { code: totp.generate() });
    expect(ok.status, textOf(ok.html)).toBe(303);
    expect(ok.location).toBe("/console");
    const full = { cookie: cookieOf(ok.headers) };
    const home = await openPage("/console", full);
    expect(home.location).toBe("/console/after-sales");
  });

  it("sends each position to its own home", async () => {
    const homes: Record<string, string> = {
      auditor: "/console/review",
      picker: "/console/waves",
      packer: "/console/pack",
      logistics: "/console/logistics",
      support: "/console/after-sales",
      owner: "/console/dashboard",
      analyst: "/console/dashboard",
      admin: "/console/orders",
    };
    for (const [position, home] of Object.entries(homes)) {
      const { session } = await signedIn([position]);
      const page = await openPage("/console", session);
      expect(page.location, position).toBe(home);
    }
  });

  it("shows only the sections a position may use", async () => {
    const { session } = await signedIn(["picker"]);
    const page = await openPage("/console/account", session);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain("Waves & picking");
    expect(text).not.toContain("Settings");
    expect(text).not.toContain("Dashboard");
  });

  it("switches the language and keeps it for this browser", async () => {
    const { session } = await signedIn(["picker"]);
    const r = await postForm("/console/language", session, { lang: "zh-CN", back: "/console/account" });
    expect(r.status).toBe(303);
    expect(r.location).toBe("/console/account");
    const lang = r.headers
      .getSetCookie()
      .find((c) => c.startsWith("oms_console_lang="))!
      .split(";")[0]!;
    const page = await openPage("/console/account", { cookie: `${session.cookie}; ${lang}` });
    expect(page.html).toContain('<html lang="zh-CN">');
    expect(textOf(page.html)).toContain("波次与拣货");
    // A language we do not have changes nothing.
    const junk = await postForm("/console/language", session, { lang: "xx", back: "https://evil.example" });
    expect(junk.location).toBe("/console");
    expect(junk.headers.getSetCookie().some((c) => c.startsWith("oms_console_lang="))).toBe(false);
  });

  it("follows the browser's language before sign-in", async () => {
    const page = await openPage("/console/sign-in", null, { "accept-language": "zh-CN,zh;q=0.9" });
    expect(page.html).toContain('<html lang="zh-CN">');
    expect(textOf(page.html)).toContain("登录");
  });

  it("signs out with the CSRF token, and not without it", async () => {
    const { session } = await signedIn(["auditor"]);
    const refused = await postForm("/console/sign-out", session, {}, { csrf: "wrong" });
    expect((await openPage("/console", session)).status).toBe(303);
    expect((await openPage("/console", session)).location).toBe("/console/review");
    expect(refused.location).toBe("/console/sign-in");
    const out = await postForm("/console/sign-out", session, {});
    expect(out.status).toBe(303);
    expect(flashOf(out.headers)?.text).toBe("You are signed out.");
    const after = await openPage("/console/review", session);
    expect(after.location).toContain("/console/sign-in");
  });

  it("refuses a console form without its CSRF token and changes nothing", async () => {
    const { session } = await signedIn(["admin"]);
    const r = await postForm("/console/language-test-target", session, {}, { csrf: null, headers: { referer: "http://oms.test/console/orders" } });
    expect(r.status).toBe(303);
    expect(r.location).toBe("/console/orders");
    expect(flashOf(r.headers)?.kind).toBe("bad");
  });

  it("answers an unknown console page with a page, not JSON", async () => {
    const { session } = await signedIn(["admin"]);
    const page = await openPage("/console/no-such-screen", session);
    expect(page.status).toBe(404);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(textOf(page.html)).toContain("Not found");
  });

  it("serves its stylesheet and script with content-hashed URLs", async () => {
    const { session } = await signedIn(["admin"]);
    const page = await openPage("/console/account", session);
    const css = /href="(\/console\/assets\/console\.css\?v=[0-9a-f]+)"/.exec(page.html)![1]!;
    const res = await openPage(css);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("immutable");
    expect((await openPage("/console/assets/chart.js")).html).toContain("Chart.js");
  });
});
