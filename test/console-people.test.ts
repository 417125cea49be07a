/**
 * The people screens of the console: the emailed invitation and reset
 * pages, my account (password, two-factor, passkeys, sessions), and under
 * settings the staff, positions, API keys and the activity log. Every
 * change is checked back through the API.
 */
import { env } from "./shard-env";
import { Secret, TOTP } from "otpauth";
import { describe, expect, it, vi } from "vitest";
import { directory } from "../src/db/client";
import { passkeys } from "../src/db/schema";
import { api, unique } from "./helpers";
import { flashOf, openPage, postForm, signedIn, textOf } from "./console-helpers";
import { asPerson, cookieFrom, createUser, positionRequiringTwoFactor, sessionFor } from "./staff-helpers";
import { emailsTo, lastToken, waitForEmails } from "./staff-mail-helpers";

const EVIL = "https://evil.example";
const GOOD_PASSWORD = "boxes and tape on friday";

async function userByEmail(email: string) {
  const r = await api(`/v1/users?q=${encodeURIComponent(email)}`);
  return r.body.data.find((u: { email: string }) => u.email === email) as
    | { id: string; status: string; positions: string[]; display_name: string; store_ids: string[] }
    | undefined;
}

async function inviteThroughPage(session: { cookie: string; csrf: string }, fields: Record<string, string | string[]> = {}) {
  const email = `${unique("invitee")}@shop.example`;
  const r = await postForm("/console/settings/people/invite", session, { email, display_name: "Nia Packer", positions: ["packer"], locale: "en", ...fields });
  return { r, email };
}

const totpOf = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 });

describe("the invitation link", () => {
  it("lets the invited person set a password once, refusing a weak one and a reused link in words", async () => {
    const { session } = await signedIn(["admin"]);
    const { r, email } = await inviteThroughPage(session);
    expect(r.status).toBe(303);
    expect(flashOf(r.headers)?.text).toContain(email);
    const invited = await userByEmail(email);
    expect(invited?.status).toBe("invited");
    const token = await lastToken(invited!.id, "invitation");

    const page = await openPage("/console/invitation");
    expect(page.status).toBe(200);
    expect(page.html).toContain("data-token-from-fragment");

    const weak = await postForm("/console/invitation", null, { token, display_name: "Nia P.", password: "short", password2: "short" });
    expect(weak.status).toBe(422);
    expect(textOf(weak.html)).toContain("At least 12 characters");
    expect(weak.html).toContain('value="Nia P."');
    expect((await userByEmail(email))?.status).toBe("invited");

    const differ = await postForm("/console/invitation", null, { token, password: GOOD_PASSWORD, password2: `${GOOD_PASSWORD}!` });
    expect(differ.status).toBe(422);
    expect(textOf(differ.html)).toContain("The two passwords are not the same.");

    const ok = await postForm("/console/invitation", null, { token, display_name: "Nia P.", password: GOOD_PASSWORD, password2: GOOD_PASSWORD });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe("/console/account");
    expect(flashOf(ok.headers)?.text).toBe("Welcome! Your password is set.");
    expect(cookieFrom(ok.headers)).toMatch(/^__Host-oms_session=/);
    const active = await userByEmail(email);
    expect(active?.status).toBe("active");
    expect(active?.display_name).toBe("Nia P.");

    const again = await postForm("/console/invitation", null, { token, password: GOOD_PASSWORD, password2: GOOD_PASSWORD }, { headers: { "accept-language": "zh-CN" } });
    expect(again.status).toBe(400);
    expect(textOf(again.html)).toContain("此链接已失效");
    expect(cookieFrom(again.headers)).toBeNull();
  });

  it("refuses an invitation or reset form posted from another site, writing nothing", async () => {
    const { session } = await signedIn(["admin"]);
    const { email } = await inviteThroughPage(session);
    const invited = await userByEmail(email);
    const token = await lastToken(invited!.id, "invitation");
    const forged = await postForm("/console/invitation", null, { token, password: GOOD_PASSWORD, password2: GOOD_PASSWORD }, { origin: EVIL });
    expect(forged.status).toBe(403);
    expect(textOf(forged.html)).toContain("sent from another site");
    expect(cookieFrom(forged.headers)).toBeNull();
    expect((await userByEmail(email))?.status).toBe("invited");
    const crossReset = await postForm("/console/password-reset", null, { email }, { origin: EVIL });
    expect(crossReset.status).toBe(403);
    // The link still works from our own page.
    const ok = await postForm("/console/invitation", null, { token, password: GOOD_PASSWORD, password2: GOOD_PASSWORD });
    expect(ok.status).toBe(303);
  });
});

describe("resetting a password", () => {
  it("asks for the email with the same answer for anyone, then sets the new password from the emailed link", async () => {
    const user = await createUser({ positions: ["picker"] });
    const form = await openPage("/console/password-reset");
    expect(form.status).toBe(200);
    expect(form.html).toContain('name="email"');
    const asked = await postForm("/console/password-reset", null, { email: user.email });
    const unknown = await postForm("/console/password-reset", null, { email: "nobody-here@staff.example" });
    expect(asked.status).toBe(303);
    expect(unknown.status).toBe(303);
    expect(asked.location).toBe(unknown.location);
    const sent = await openPage(asked.location!);
    expect(textOf(sent.html)).toContain("If the address is known, an email with a link is on its way.");
    const zh = await openPage(asked.location!, null, { "accept-language": "zh-CN" });
    expect(textOf(zh.html)).toContain("如果该地址已登记");

    const token = await lastToken(user.id, "password_reset");
    const weak = await postForm("/console/password-reset", null, { token, password: "tiny", password2: "tiny" });
    expect(weak.status).toBe(422);
    expect(textOf(weak.html)).toContain("At least 12 characters");
    const done = await postForm("/console/password-reset", null, { token, password: GOOD_PASSWORD, password2: GOOD_PASSWORD });
    expect(done.status).toBe(303);
    expect(done.location).toBe("/console/account");
    expect(cookieFrom(done.headers)).toMatch(/^__Host-oms_session=/);
    const signIn = await postForm("/console/sign-in", null, { email: user.email, password: GOOD_PASSWORD });
    expect(signIn.status).toBe(303);
    const reused = await postForm("/console/password-reset", null, { token, password: GOOD_PASSWORD, password2: GOOD_PASSWORD });
    expect(reused.status).toBe(400);
    expect(textOf(reused.html)).toContain("This link is not valid any more");
  });
});

describe("my account", () => {
  it("shows the person's profile, and changes the password (a wrong current one is refused in words)", async () => {
    const { user, session } = await signedIn(["packer"]);
    const page = await openPage("/console/account", session);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain(user.email);
    expect(text).toContain("Packer");
    expect(page.html).toContain("data-passkey-register");
    expect(page.html).toContain(`data-csrf="${session.csrf}"`);

    const wrong = await postForm("/console/account/password", session, { current_password: "not it at all", new_password: GOOD_PASSWORD });
    expect(wrong.status).toBe(422);
    expect(textOf(wrong.html)).toContain("The current password is not right.");
    const ok = await postForm("/console/account/password", session, { current_password: user.password, new_password: GOOD_PASSWORD });
    expect(ok.status).toBe(303);
    expect(flashOf(ok.headers)?.text).toContain("Password changed");
    const renewed = cookieFrom(ok.headers);
    expect(renewed).toMatch(/^__Host-oms_session=/);
    expect((await openPage("/console/account", { cookie: renewed! })).status).toBe(200);
    expect((await postForm("/console/sign-in", null, { email: user.email, password: GOOD_PASSWORD })).status).toBe(303);
  });

  it("changes the person's own name and language; the console and their emails follow; a blank name is refused in words", async () => {
    const { user, session } = await signedIn(["picker"]);
    const blank = await postForm("/console/account/profile", session, { display_name: "  ", locale: "zh-CN" });
    expect(blank.status).toBe(422);
    expect(blank.html).toContain('aria-invalid="true"');
    // On a Chinese page the validator's words are Chinese too.
    const blankZh = await postForm("/console/account/profile", session, { display_name: "", locale: "en" }, { headers: { cookie: "oms_console_lang=zh-CN" } });
    expect(blankZh.status).toBe(422);
    expect(textOf(blankZh.html)).toContain("不能为空");
    expect(textOf(blankZh.html)).not.toContain("Too small");
    expect((await asPerson(session, "/v1/me")).body.user).toMatchObject({ display_name: user.displayName, locale: "en" });

    const saved = await postForm("/console/account/profile", session, { display_name: "Pat Chen", locale: "zh-CN" });
    expect(saved.status).toBe(303);
    expect(flashOf(saved.headers)?.text).toBe("您的姓名和语言已保存。");
    expect(saved.headers.getSetCookie().some((c) => c.startsWith("oms_console_lang=zh-CN"))).toBe(true);
    expect((await asPerson(session, "/v1/me")).body.user).toMatchObject({ display_name: "Pat Chen", locale: "zh-CN" });
    // Without the browser's own choice, the account's language now decides.
    const page = await openPage("/console/account", session);
    expect(page.html).toContain('<html lang="zh-CN"');
    expect(textOf(page.html)).toContain("Pat Chen");
  });

  it("sets up an authenticator app from a server-drawn QR code, shows the recovery codes once, and makes new ones", async () => {
    const { session } = await signedIn(["picker"]);
    const start = await postForm("/console/account/two-factor/totp", session);
    expect(start.status).toBe(200);
    expect(start.html).toMatch(/<svg[^>]*>/);
    const secret = /id="totp-secret">([A-Z2-7]+)</.exec(start.html)?.[1];
    expect(secret).toBeTruthy();
    const uri = /name="uri" value="([^"]+)"/.exec(start.html)?.[1]?.replace(/&amp;/g, "&");
    expect(uri).toMatch(/^otpauth:\/\/totp\//);

    const wrong = await postForm("/console/account/two-factor/confirm", session, { code: "000000", uri: uri! });
    expect(wrong.status).toBe(422);
    expect(textOf(wrong.html)).toContain("That code is not right.");
    expect(wrong.html).toMatch(/<svg/);

    const totp = totpOf(secret!);
    const on = await postForm("/console/account/two-factor/confirm", session, { code: totp.generate(), uri: uri! });
    expect(on.status).toBe(200);
    const codes = [...on.html.matchAll(/<li>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})<\/li>/g)].map((m) => m[1]);
    expect(codes).toHaveLength(10);
    const status = await asPerson(session, "/v1/me/two-factor");
    expect(status.body.totp_enabled).toBe(true);

    const later = await openPage("/console/account/two-factor", session);
    expect(later.status).toBe(200);
    expect(textOf(later.html)).toContain("Recovery codes left: 10");
    for (const code of codes) expect(later.html).not.toContain(code!);

    const fresh = await postForm("/console/account/two-factor/recovery-codes", session, { code: totp.generate({ timestamp: Date.now() + 30_000 }) });
    expect(fresh.status).toBe(200);
    const next = [...fresh.html.matchAll(/<li>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})<\/li>/g)].map((m) => m[1]);
    expect(next).toHaveLength(10);
    expect(next).not.toContain(codes[0]);
  });

  it("opens only the account to a session that must set up two-factor, and the rest once it has", async () => {
    const position = await positionRequiringTwoFactor();
    const user = await createUser({ positions: [position] });
    const session = await sessionFor(user.id, "enrol");
    for (const path of ["/console/orders", "/console/settings/people"]) {
      const r = await openPage(path, session);
      expect(r.status).toBe(303);
      expect(r.location).toBe("/console/account/two-factor");
    }
    const tf = await openPage("/console/account/two-factor", session);
    expect(tf.status).toBe(200);
    expect(textOf(tf.html)).toContain("Your position requires two-factor");
    expect((await openPage("/console/account", session)).status).toBe(200);

    const start = await postForm("/console/account/two-factor/totp", session);
    const secret = /id="totp-secret">([A-Z2-7]+)</.exec(start.html)![1]!;
    const on = await postForm("/console/account/two-factor/confirm", session, { code: totpOf(secret).generate() });
    expect(on.status).toBe(200);
    const full = cookieFrom(on.headers);
    expect(full).toMatch(/^__Host-oms_session=/);
    // A full session: the rest of the console is no longer sent to the account (this position may not read staff).
    const after = await openPage("/console/settings/people", { cookie: full! });
    expect(after.status).toBe(403);
  });

  it("lists the person's passkeys and removes one", async () => {
    const { user, session } = await signedIn(["support"]);
    const id = `cred-${unique("pk")}`;
    await directory(env)
      .insert(passkeys)
      .values({ id, userId: user.id, publicKey: "AAAA", name: "Work laptop", createdAt: Date.now(), transports: ["internal"] });
    const page = await openPage("/console/account", session);
    expect(textOf(page.html)).toContain("Work laptop");
    const removed = await postForm(`/console/account/passkeys/${id}/remove`, session);
    expect(removed.status).toBe(303);
    expect(flashOf(removed.headers)?.text).toBe("Passkey removed.");
    expect((await asPerson(session, "/v1/me/passkeys")).body.data).toHaveLength(0);
  });

  it("lists the person's sessions, ends one, and signs out everywhere", async () => {
    const { user, session } = await signedIn(["support"]);
    const other = await sessionFor(user.id);
    const page = await openPage("/console/account", session);
    expect(textOf(page.html)).toContain("This browser");
    expect(page.html).toContain(`/console/account/sessions/${other.id}/end`);
    const ended = await postForm(`/console/account/sessions/${other.id}/end`, session);
    expect(ended.status).toBe(303);
    expect(ended.location).toBe("/console/account");
    expect((await openPage("/console/account", other)).status).toBe(303);
    const everywhere = await postForm("/console/account/sign-out-everywhere", session);
    expect(everywhere.status).toBe(303);
    expect(everywhere.location).toBe("/console/sign-in");
    expect((await openPage("/console/account", session)).status).toBe(303);
  });
});

describe("settings: people", () => {
  it("lists the staff with positions and status for an owner (reading), without the invite form", async () => {
    const { user } = await signedIn(["picker"]);
    const { session } = await signedIn(["owner"]);
    const page = await openPage(`/console/settings/people?q=${encodeURIComponent(user.email)}`, session);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain(user.email);
    expect(text).toContain("Picker");
    expect(text).toContain("Active");
    expect(page.html).not.toContain('action="/console/settings/people/invite"');
    const refused = await postForm("/console/settings/people/invite", session, { email: "x@shop.example", display_name: "X", positions: "picker" });
    expect(refused.status).toBe(403);
  });

  it("refuses a bad email with the message, writing nothing", async () => {
    const { session } = await signedIn(["admin"]);
    const before = (await api("/v1/users?limit=200")).body.data.length;
    const r = await postForm("/console/settings/people/invite", session, { email: "not-an-email", display_name: "Nobody", positions: "picker" });
    expect(r.status).toBe(422);
    expect(textOf(r.html)).toContain("Some fields need another look.");
    expect(r.html).toContain('value="not-an-email"');
    expect((await api("/v1/users?limit=200")).body.data.length).toBe(before);
  });

  it("changes a person's positions and scope, resends the invitation and deactivates", async () => {
    const { session } = await signedIn(["admin"]);
    const { email } = await inviteThroughPage(session);
    const person = (await userByEmail(email))!;
    const page = await openPage(`/console/settings/people/${person.id}`, session);
    expect(page.status).toBe(200);
    const changed = await postForm(`/console/settings/people/${person.id}`, session, { version: "1", positions: ["packer", "picker"] });
    expect(changed.status).toBe(303);
    expect((await userByEmail(email))?.positions).toEqual(["packer", "picker"]);

    const resent = await postForm(`/console/settings/people/${person.id}/invitation`, session);
    expect(resent.status).toBe(303);
    await waitForEmails(person.id, "invitation", 2);
    expect((await emailsTo(person.id, "invitation")).length).toBe(2);

    const off = await postForm(`/console/settings/people/${person.id}/status`, session, { status: "deactivated" });
    expect(off.status).toBe(303);
    expect((await userByEmail(email))?.status).toBe("deactivated");
  });
});

describe("settings: positions", () => {
  it("composes a custom position from ticked permissions, refuses a bad one, edits and archives it", async () => {
    const { session } = await signedIn(["admin"]);
    const page = await openPage("/console/settings/positions", session);
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain("Warehouse lead");
    expect(page.html).toContain('value="orders:read"');
    expect(textOf(page.html)).toContain("Orders: see");
    // A built-in position has a Change link (its description, its two-factor): the page says what stays fixed.
    expect(textOf(page.html)).toContain("A built-in position keeps its permissions (its description and two-factor can change)");

    const name = unique("returns desk");
    const bad = await postForm("/console/settings/positions", session, { name, permissions: ["orders:read", "orders:fly"] });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain(`value="${name}"`);
    const all = async () => (await api("/v1/positions?include_archived=true")).body.data as { id: string; name: string; permissions: string[]; archived_at: string | null }[];
    expect((await all()).some((p) => p.name === name)).toBe(false);

    const made = await postForm("/console/settings/positions", session, { name, permissions: ["orders:read", "after_sales:read"], require_two_factor: "true" });
    expect(made.status).toBe(303);
    const created = (await all()).find((p) => p.name === name)!;
    expect(created.permissions.sort()).toEqual(["after_sales:read", "orders:read"]);
    expect(made.location).toBe(`/console/settings/positions/${created.id}`);

    const edited = await postForm(`/console/settings/positions/${created.id}`, session, { name: `${name} 2`, permissions: ["orders:read"] });
    expect(edited.status).toBe(303);
    expect((await all()).find((p) => p.id === created.id)?.permissions).toEqual(["orders:read"]);

    const archived = await postForm(`/console/settings/positions/${created.id}/archive`, session);
    expect(archived.status).toBe(303);
    expect((await all()).find((p) => p.id === created.id)?.archived_at).toBeTruthy();
  });
});

describe("settings: API keys", () => {
  it("creates a key, shows it once, and revokes it", async () => {
    const { session } = await signedIn(["admin"]);
    const name = unique("shop sync");
    const made = await postForm("/console/settings/api-keys", session, { name, role: "support" });
    expect(made.status, textOf(made.html).slice(0, 3000)).toBe(200);
    const key = /id="new-key" class="mono" readonly="" value="([^"]+)"/.exec(made.html)?.[1] ?? /id="new-key"[^>]*value="([^"]+)"/.exec(made.html)?.[1];
    expect(key).toBeTruthy();
    expect(textOf(made.html)).toContain("shown only this once");
    const again = await openPage("/console/settings/api-keys", session);
    expect(again.html).not.toContain(key!);
    expect(textOf(again.html)).toContain(name);
    expect((await api("/v1/orders?limit=1", { key: key! })).status).toBe(200);

    const list = (await api("/v1/api-keys?limit=200")).body.data as { id: string; name: string; revoked_at: string | null }[];
    const row = list.find((k) => k.name === name)!;
    const revoked = await postForm(`/console/settings/api-keys/${row.id}/revoke`, session);
    expect(revoked.status).toBe(303);
    const after = (await api("/v1/api-keys?limit=200&include_revoked=true")).body.data.find((k: { id: string }) => k.id === row.id);
    expect(after.revoked_at).toBeTruthy();

    const bad = await postForm("/console/settings/api-keys", session, { name: "", role: "channel" });
    expect(bad.status).toBe(422);
  });
});

describe("settings: activity", () => {
  it("filters the log by person and action, and downloads it as CSV", async () => {
    const { user, session } = await signedIn(["admin"]);
    await postForm("/console/settings/positions", session, { name: unique("filtered"), permissions: ["orders:read"] });
    // The log is written just after the response (rows of requests close together go in one write): wait for it.
    let page = await openPage(`/console/settings/activity?actor=${user.id}&action=POST%20/v1/positions`, session);
    await vi.waitFor(
      async () => {
        page = await openPage(`/console/settings/activity?actor=${user.id}&action=POST%20/v1/positions`, session);
        expect(textOf(page.html)).toContain("POST /v1/positions");
      },
      { timeout: 5000, interval: 50 },
    );
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain("POST /v1/positions");
    expect(text).toContain(user.displayName);
    // The position it made is linked to its page.
    expect(page.html).toMatch(/<a href="\/console\/settings\/positions\/(pos_[0-9A-Za-z]+)">\1<\/a>/);
    const none = await openPage(`/console/settings/activity?actor=${user.id}&action=DELETE%20/v1/nothing`, session);
    expect(textOf(none.html)).toContain("Nothing recorded for these filters.");
    const csv = await openPage(`/console/settings/activity.csv?actor=${user.id}`, session);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.html.split("\n")[0]).toContain("actor_id");
    expect(csv.html).toContain(user.id);
  });
});

describe("who may see the settings pages", () => {
  it("refuses a packer the staff, positions, keys and activity pages, in Chinese too", async () => {
    const { session } = await signedIn(["packer"]);
    for (const path of ["/console/settings/people", "/console/settings/positions", "/console/settings/api-keys", "/console/settings/activity", "/console/settings/activity.csv"]) {
      const r = await openPage(path, session);
      expect(r.status, path).toBe(403);
    }
    const zh = await openPage("/console/settings/people", session, { cookie: "oms_console_lang=zh-CN" });
    expect(zh.html).toContain('lang="zh-CN"');
  });

  it("shows the staff page in Chinese", async () => {
    const { session } = await signedIn(["admin"]);
    const zh = await openPage("/console/settings/people", session, { cookie: "oms_console_lang=zh-CN" });
    expect(zh.status).toBe(200);
    expect(textOf(zh.html)).toContain("邀请新成员");
    expect(textOf(zh.html)).toContain("打包员");
  });
});

describe("the last admin", () => {
  it("cannot deactivate themselves nor move out of the admin position when they are the last one", async () => {
    const { user, session } = await signedIn(["admin"]);
    const self = await postForm(`/console/settings/people/${user.id}/status`, session, { status: "deactivated" });
    expect(self.status).toBe(409);
    await env.DIRECTORY.prepare(
      "UPDATE users SET status = 'deactivated' WHERE id != ? AND status = 'active' AND EXISTS (SELECT 1 FROM json_each(users.positions) WHERE value = 'admin')",
    )
      .bind(user.id)
      .run();
    const moved = await postForm(`/console/settings/people/${user.id}`, session, { positions: "owner" });
    expect(moved.status).toBe(409);
    expect(textOf(moved.html)).toContain("this is the last one");
    expect((await userByEmail(user.email))?.positions).toEqual(["admin"]);
  });
});
