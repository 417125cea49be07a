// Shared by the console's browser journeys (test/http/console/*.journey.mjs):
// one server (`npm start`'s own scripts, seeded with the demo staff) and one
// Chromium for all of them, set up by test/http/console.browser.test.mjs.
// Screenshots go to test-artifacts/console/: look at them.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DEMO_PASSWORD, DEMO_STAFF } from "../../../scripts/seed.mjs";

export const ARTIFACTS = join(import.meta.dirname, "../../../test-artifacts/console");
mkdirSync(ARTIFACTS, { recursive: true });

/** Filled in by the runner's `before`: { server, browser }. */
export const ctx = { server: null, browser: null };

/**
 * A journey module's tests, in the order written: `test(name, options, fn)` as in node:test. The runner
 * runs each module's journeys one after another and several modules at once (they wait on queues and
 * rollups far more than they compute), so a journey makes its own data and never relies on another's.
 */
export const journeys = [];
let loading = null;
export function loadingModule(name) {
  loading = name;
}
export function test(name, options, fn) {
  journeys.push({ module: loading, name, options, fn });
}

export const WIDTHS = { phone: 360, desktop: 1280 };

/** A fresh browser context (its own cookies) at a width, in a language. */
export async function newPage({ width = WIDTHS.desktop, lang = "en", height, storageState } = {}) {
  const context = await ctx.browser.newContext({
    viewport: { width, height: height ?? (width <= 400 ? 780 : 900) },
    locale: lang,
    isMobile: width <= 400,
    hasTouch: width <= 400,
    ...(storageState ? { storageState } : {}),
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

/** The demo person of a built-in position (seeded by `npm start`). */
export function demoStaff(position) {
  const person = DEMO_STAFF.find((u) => u.position === position);
  if (!person) throw new Error(`no demo staff for ${position}`);
  return { ...person, password: DEMO_PASSWORD };
}

/** Signs in through the sign-in form, as a person would, and waits for their home page. */
export async function signIn(page, position) {
  const person = demoStaff(position);
  await page.goto(`${ctx.server.base}/console/sign-in`);
  await page.getByLabel(/^(Email|邮箱)$/).fill(person.email);
  await page.getByLabel(/^(Password|密码)$/).fill(person.password);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith("/console/sign-in")), page.getByRole("button", { name: /^(Sign in|登录)$/ }).click()]);
  return person;
}

/** Switches the language with the switch in the page header (as a person would), and waits for the page in it. */
export async function switchLanguage(page, lang) {
  await page.locator("#lang-switch").selectOption(lang);
  // The switch posts and the page comes back: poll across the navigation (an evaluate may land mid-way).
  for (let i = 0; i < 150; i++) {
    const now = await page.evaluate(() => (document.readyState === "complete" ? document.documentElement?.lang : null)).catch(() => null);
    if (now === lang) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the page did not come back in ${lang}`);
}

/** A full-page screenshot kept as an artifact: test-artifacts/console/<name>.png. */
export async function shot(page, name) {
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * A signed-in browser state per demo position, made once by signing in through the form: the
 * screenshots of every page at every size reuse it rather than sign in (a password hash) each time.
 */
const states = new Map();
export function signedInState(position) {
  if (!states.has(position)) {
    states.set(
      position,
      (async () => {
        const page = await newPage();
        try {
          await signIn(page, position);
          const state = await page.context().storageState();
          return { ...state, cookies: state.cookies.filter((c) => c.name !== "oms_console_lang") };
        } finally {
          await page.context().close();
        }
      })(),
    );
  }
  return states.get(position);
}

/**
 * What a screen reader or keyboard user would miss on this page: form fields
 * without a label, buttons and links without a name, images and charts
 * without a text alternative, duplicate ids, no language. Empty when fine.
 */
export async function accessibilityProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    const visible = (el) => !el.closest("[hidden]") && el.getClientRects().length > 0;
    const named = (el) => (el.getAttribute("aria-label") ?? "").trim() || (el.getAttribute("aria-labelledby") ?? "").trim() || (el.getAttribute("title") ?? "").trim();
    const describe = (el) => `<${el.tagName.toLowerCase()}${el.id ? ` id="${el.id}"` : ""}${el.getAttribute("name") ? ` name="${el.getAttribute("name")}"` : ""}>`;
    if (!document.documentElement.lang) problems.push("<html> has no lang");
    for (const el of document.querySelectorAll("input, select, textarea")) {
      if (["hidden", "submit", "button", "reset"].includes(el.type) || !visible(el)) continue;
      if (!el.labels?.length && !named(el)) problems.push(`${describe(el)} has no label`);
    }
    for (const el of document.querySelectorAll("button, a[href]")) {
      if (!visible(el)) continue;
      if (!el.textContent.trim() && !named(el) && !el.querySelector("img[alt]:not([alt=''])")) problems.push(`${describe(el)} has no name`);
    }
    for (const el of document.querySelectorAll("img")) if (!el.hasAttribute("alt")) problems.push(`${describe(el)} has no alt`);
    for (const el of document.querySelectorAll("canvas")) if (!named(el) && !el.textContent.trim()) problems.push(`${describe(el)} (a chart) has no text alternative`);
    const ids = new Map();
    for (const el of document.querySelectorAll("[id]")) ids.set(el.id, (ids.get(el.id) ?? 0) + 1);
    for (const [id, n] of ids) if (n > 1) problems.push(`id "${id}" used ${n} times`);
    return problems;
  });
}

/**
 * The page at 360 and 1280 px in en and zh-CN, signed in as `position`, screenshotted as
 * <name>-<lang>-<width>.png, and fails on any accessibility problem (above). Returns what each rendering said (status, <html lang>, any
 * horizontal overflow at that width), for the journey to assert on.
 */
export async function shotsEverywhere(path, { position, name, prepare } = {}) {
  const results = [];
  for (const lang of ["en", "zh-CN"]) {
    for (const width of [WIDTHS.phone, WIDTHS.desktop]) {
      const page = await newPage({ width, lang });
      try {
        // The language is the reader's choice, kept in a cookie by the header's switch.
        await page.context().addCookies([{ name: "oms_console_lang", value: lang, url: ctx.server.base }]);
        if (position) await page.context().addCookies((await signedInState(position)).cookies);
        const res = await page.goto(`${ctx.server.base}${path}`);
        if (prepare) await prepare(page);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        await shot(page, `${name}-${lang}-${width}`);
        const a11y = await accessibilityProblems(page);
        if (a11y.length) throw new Error(`${path} (${lang}, ${width}px) is not accessible:\n  ${a11y.join("\n  ")}`);
        results.push({ lang, width, status: res?.status(), htmlLang: await page.evaluate(() => document.documentElement.lang), overflow });
      } finally {
        await page.context().close();
      }
    }
  }
  return results;
}
