// People: an admin invites a packer; the packer opens the emailed link in a fresh browser, sets a password,
// lands in the console, sets up two-factor on their account and sees the recovery codes. Then every people
// page at 360 and 1280 px in both languages.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "./harness.mjs";
import { setTimeout as sleep } from "node:timers/promises";
import { Secret, TOTP } from "otpauth";
import { openSealed } from "../../../scripts/open-sealed.mjs";
import { ctx, newPage, shot, shotsEverywhere, signIn, WIDTHS } from "./harness.mjs";

/** The invitation link's token, from the email the local provider kept (as `npm run staff-mail` reads it). */
async function invitationToken(email) {
  let rows = [];
  for (let i = 0; i < 40 && !rows.length; i++) {
    rows = await ctx.server.d1(`SELECT body FROM staff_emails WHERE recipient = '${email}' AND purpose = 'invitation' ORDER BY id DESC`, "DIRECTORY");
    if (!rows.length) await sleep(250);
  }
  assert.ok(rows.length, `an invitation email to ${email}`);
  const piiKeys = /^PII_KEYS=(.*)$/m.exec(readFileSync(new URL("../../../.dev.vars", import.meta.url), "utf8"))[1];
  return /#token=([A-Za-z0-9_-]+)/.exec(openSealed(rows[0].body, piiKeys))[1];
}

test("an admin invites a packer, who joins from the emailed link and sets up two-factor", { timeout: 300_000 }, async () => {
  const email = `packer-${Date.now().toString(36)}@shop.example`;
  const admin = await newPage({ width: WIDTHS.desktop });
  try {
    await signIn(admin, "admin");
    await admin.goto(`${ctx.server.base}/console/settings/people`);
    await admin.getByLabel("Email", { exact: true }).fill(email);
    await admin.getByLabel("Name", { exact: true }).fill("Nia Packer");
    await admin.locator("#invite").getByLabel("Packer", { exact: true }).check();
    await Promise.all([admin.waitForURL((u) => u.pathname === "/console/settings/people"), admin.getByRole("button", { name: "Send invitation" }).click()]);
    assert.match(await admin.locator(".flash.ok").textContent(), new RegExp(`Invitation sent to ${email.replace(/\./g, "\\.")}`));
    await shot(admin, "people-invited-en-1280");
  } finally {
    await admin.context().close();
  }

  const token = await invitationToken(email);
  const page = await newPage({ width: WIDTHS.phone });
  try {
    await page.goto(`${ctx.server.base}/console/invitation#token=${token}`);
    await page.getByLabel("New password", { exact: true }).fill("boxes and tape on friday");
    await page.getByLabel("New password again").fill("boxes and tape on friday");
    await shot(page, "people-invitation-en-360");
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/console/invitation")), page.getByRole("button", { name: "Set password and sign in" }).click()]);
    assert.equal(new URL(page.url()).pathname, "/console/account");
    assert.match(await page.locator(".flash.ok").textContent(), /Welcome/);

    await page.goto(`${ctx.server.base}/console/account/two-factor`);
    await page.getByRole("button", { name: "Set up an authenticator app" }).click();
    await page.waitForSelector(".qr svg");
    const secret = (await page.locator("#totp-secret").textContent()).trim();
    await shot(page, "people-two-factor-enrol-en-360");
    const code = new TOTP({ secret: Secret.fromBase32(secret) }).generate();
    await page.getByLabel("Code", { exact: true }).fill(code);
    await page.getByRole("button", { name: "Turn on" }).click();
    await page.waitForSelector("#recovery-codes");
    assert.equal(await page.locator("#recovery-codes li").count(), 10);
    await shot(page, "people-recovery-codes-en-360");
    // The rest of the console is theirs: the menu leads to the pack station.
    assert.ok(await page.locator("#menu-narrow a[href='/console/pack']").count());
    await page.getByRole("link", { name: "I have saved them" }).click();
    await page.waitForURL((u) => u.pathname === "/console/account");
    assert.match(await page.locator("main").textContent(), /Recovery codes left: 10/);
    await shot(page, "people-account-packer-en-360");
  } finally {
    await page.context().close();
  }
});

test("the people pages read well at 360 and 1280 px in both languages", { timeout: 600_000 }, async () => {
  const pages = [
    { path: "/console/invitation", name: "people-invitation" },
    { path: "/console/password-reset", name: "people-password-reset" },
    { path: "/console/account", name: "people-account", position: "support" },
    { path: "/console/account/two-factor", name: "people-two-factor", position: "support" },
    { path: "/console/settings/people", name: "people-staff", position: "admin" },
    { path: "/console/settings/positions", name: "people-positions", position: "admin" },
    { path: "/console/settings/api-keys", name: "people-api-keys", position: "admin" },
    { path: "/console/settings/activity", name: "people-activity", position: "admin" },
  ];
  for (const p of pages) {
    const results = await shotsEverywhere(p.path, { position: p.position, name: p.name });
    for (const r of results) {
      assert.equal(r.status, 200, `${p.path} ${r.lang} ${r.width}`);
      assert.equal(r.htmlLang, r.lang);
      assert.ok(r.overflow <= 0, `${p.path}: no sideways scrolling at ${r.width}px (${r.lang}): ${r.overflow}px`);
    }
  }
});
