// Everyone's first step: signing in, the language switch, signing out.
import assert from "node:assert/strict";
import { test } from "./harness.mjs";
import { ctx, newPage, shot, shotsEverywhere, signIn, switchLanguage, WIDTHS } from "./harness.mjs";

test("a picker signs in on a phone, switches to Chinese and signs out", { timeout: 60_000 }, async () => {
  const page = await newPage({ width: WIDTHS.phone });
  try {
    await page.goto(`${ctx.server.base}/console`);
    assert.match(new URL(page.url()).pathname, /^\/console\/sign-in/);
    await signIn(page, "picker");
    assert.equal(new URL(page.url()).pathname, "/console/waves");
    await page.goto(`${ctx.server.base}/console/account`);
    await switchLanguage(page, "zh-CN");
    assert.equal(await page.evaluate(() => document.documentElement.lang), "zh-CN");
    await shot(page, "account-picker-zh-CN-360");
    // On a phone the menu is a disclosure; it names the picker's sections in Chinese.
    await page.getByText("菜单", { exact: true }).click();
    assert.ok(await page.getByRole("link", { name: "波次与拣货" }).last().isVisible());
    await page.getByRole("button", { name: "退出登录" }).click();
    await page.waitForURL((url) => url.pathname === "/console/sign-in");
    assert.ok(await page.getByText("您已退出登录。").isVisible());
    await page.goto(`${ctx.server.base}/console/account`);
    assert.match(new URL(page.url()).pathname, /^\/console\/sign-in/);
  } finally {
    await page.context().close();
  }
});

test("a wrong password is refused in words, in the reader's language", { timeout: 60_000 }, async () => {
  const page = await newPage({ lang: "zh-CN" });
  try {
    await page.goto(`${ctx.server.base}/console/sign-in`);
    await page.getByLabel("邮箱").fill("picker@demo.example");
    await page.getByLabel("密码").fill("wrong password");
    await page.getByRole("button", { name: "登录", exact: true }).click();
    await page.waitForSelector("#sign-in-error");
    assert.match(await page.locator("#sign-in-error").textContent(), /邮箱或密码不正确/);
    await shot(page, "sign-in-refused-zh-CN-1280");
  } finally {
    await page.context().close();
  }
});

test("the sign-in page reads well at 360 and 1280 px in both languages", { timeout: 120_000 }, async () => {
  const results = await shotsEverywhere("/console/sign-in", { name: "sign-in" });
  for (const r of results) {
    assert.equal(r.status, 200);
    assert.equal(r.htmlLang, r.lang);
    assert.ok(r.overflow <= 0, `no sideways scrolling at ${r.width}px (${r.lang}): ${r.overflow}px`);
  }
});
