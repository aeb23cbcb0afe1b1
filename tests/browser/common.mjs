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
