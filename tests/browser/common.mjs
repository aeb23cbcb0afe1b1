// Shared by the dashboard scenarios: start Debian's Chromium through playwright-core, log in,
// take screenshots, fail loudly. Started by tests/tests/e2e/dashboard_browser.rs with PD_* variables.
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const env = (name) => {
  const v = process.env[name];
  if (v === undefined || v === '') throw new Error(`missing environment variable ${name}`);
  return v;
};

export const CHROMIUM = process.env.PD_CHROMIUM || '/usr/bin/chromium';

export async function launch() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (scripts/install-deps test)`);
  }
  // Playwright makes a fresh temporary profile itself (it refuses --user-data-dir in args).
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'id-ID' });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  return { browser, context, page };
}

export function shooter(page, scenario) {
  const dir = env('PD_SHOTS');
  mkdirSync(dir, { recursive: true });
  let n = 0;
  return async (name) => {
    n += 1;
    await page.screenshot({ path: join(dir, `${scenario}-${String(n).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
}

export async function login(page, url, username, password) {
  await page.goto(`${url}/dashboard/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(`${url}/dashboard`), page.click('#login')]);
}

export function check(cond, message) {
  if (!cond) throw new Error(`check failed: ${message}`);
}

/// Runs a scenario; prints one JSON line on success, the error on failure (exit code 1).
export async function run(scenario, body) {
  let b;
  try {
    b = await launch();
    const result = await body(b);
    console.log(JSON.stringify({ scenario, ok: true, ...result }));
    await b.browser.close();
  } catch (e) {
    if (b) {
      try {
        await b.page.screenshot({ path: join(env('PD_SHOTS'), `${scenario}-failure.png`), fullPage: true });
      } catch (_) { /* the screenshot is a bonus */ }
      await b.browser.close().catch(() => {});
    }
    console.error(`${scenario}: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  }
}

/// A small seeded generator (mulberry32) in [0, 1): the same seed gives the same sequence, so a
/// failing run of a randomised scenario can be repeated.
export function seededRandom(seed) {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/// A second user beside the first (its own cookies): a new context of the same browser, logged in.
export async function userPage(browser, url, username, password) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'id-ID' });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  await login(page, url, username, password);
  return { context, page };
}

/// Brings the focus to `selector` with the Tab key, as a keyboard user would: the focus is put
/// on the control before it in the page's tab order (or at the page's start), and one Tab
/// press must land on it. Fails when the element is not in the tab order (hidden, disabled,
/// tabindex=-1, or skipped). One press per control (a date input takes one per part) keeps a
/// long page cheap; the chain of presses from each control to the next is what a keyboard
/// user walks.
export async function tabTo(page, selector) {
  const before = await page.evaluate((s) => {
    const target = document.querySelector(s);
    if (!target) return { missing: true };
    const tabbable = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
      .filter((e) => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length > 0
        && getComputedStyle(e).visibility !== 'hidden' && !(e.type === 'radio' && !e.checked && document.querySelector(`input[type=radio][name="${e.name}"]:checked`)));
    const i = tabbable.indexOf(target);
    if (document.activeElement) document.activeElement.blur();
    if (i > 0) tabbable[i - 1].focus();
    return { index: i };
  }, selector);
  if (before.missing) throw new Error(`${selector} is not on the page`);
  if (before.index < 0) throw new Error(`${selector} is not in the tab order`);
  if (before.index === 0) {
    // From the page's start: Tab until the first control (the skip of the browser's own UI).
    for (let i = 0; i < 3; i += 1) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
    }
    throw new Error(`${selector} is not reached with the Tab key from the page's start`);
  }
  // A date input takes a Tab per part (day, month, year) before the focus leaves it.
  const prev = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120));
  for (let i = 0; i < 4; i += 1) {
    await page.keyboard.press('Tab');
    const now = await page.evaluate((s) => document.activeElement?.matches(s) ? 'target' : document.activeElement?.outerHTML.slice(0, 120), selector);
    if (now === 'target') return;
    if (now !== prev) throw new Error(`the Tab key does not reach ${selector} from the control before it (${prev}): focus on ${now}`);
  }
  throw new Error(`the Tab key does not leave ${prev} for ${selector}`);
}

/// Tabs to `selector` and presses `key` there (Enter follows a link or submits, Space ticks).
export async function keyOn(page, selector, key = 'Enter') {
  await tabTo(page, selector);
  await page.keyboard.press(key);
}

/// Tabs to a text field and types `text` into it.
export async function typeInto(page, selector, text) {
  await tabTo(page, selector);
  await page.keyboard.type(text);
}
