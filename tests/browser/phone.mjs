// The facilitator's phone as Chromium emulates it: 412x915 CSS px, device scale factor 2.6,
// a touch screen, an Android Chrome user agent, Bahasa Indonesia, a GPS fix near the example
// desa. Shared by the web app's scenarios (started by tests/tests/e2e/web_app_browser.rs).
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM, env } from './common.mjs';

export const PHONE = {
  viewport: { width: 412, height: 915 },
  deviceScaleFactor: 2.6,
  isMobile: true,
  hasTouch: true,
  userAgent:
    'Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) ' +
    'Chrome/156.0.0.0 Mobile Safari/537.36',
  locale: 'id-ID',
  timezoneId: 'Asia/Jakarta',
  geolocation: { latitude: -6.2841, longitude: 107.1663, accuracy: 8 },
  permissions: ['geolocation'],
};

const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/// A phone with a profile on disk (`profile`), so a relaunch finds the same storage.
export async function launchPhone(profile) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (scripts/install-deps test)`);
  }
  mkdirSync(profile, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    ...PHONE,
  });
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(30000);
  return { context, page };
}

/// Every request the page and its workers make, to check they all stay on the server's origin.
export function recordRequests(context) {
  const urls = [];
  context.on('request', (r) => urls.push(r.url()));
  return urls;
}

export function shots(page, scenario) {
  const dir = env('PD_SHOTS');
  mkdirSync(dir, { recursive: true });
  let n = 0;
  return async (name) => {
    n += 1;
    await page.screenshot({ path: join(dir, `${scenario}-${String(n).padStart(2, '0')}-${name}.png`) });
  };
}

export const hook = (name) => `[data-t="${name}"]`;

/// The page scrolls sideways (something wider than the screen).
export async function horizontalOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/// Visible buttons, inputs and selects lower than 48 CSS px (their labels' text excepted).
export async function smallTargets(page) {
  return page.evaluate(() => {
    const small = [];
    for (const el of document.querySelectorAll('button, input:not([type=file]):not([type=checkbox]), select')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.height < 47.5) small.push(`${el.tagName.toLowerCase()}[data-t=${el.dataset.t || '?'}] ${Math.round(r.height)}px`);
    }
    return small;
  });
}

/// Closes every message toast (they sit over the bottom of the screen, as on a phone).
export async function dismissMessages(page) {
  for (;;) {
    const close = await page.$('[data-t^="msg-dismiss-"]');
    if (!close) return;
    await close.tap();
  }
}

/// Kills the phone's browser as the phone's system would (SIGKILL, no shutdown at all): its
/// whole process group. Playwright starts Chromium as the leader of a group of its own; the
/// leader is found in /proc as the process of this one that runs on `profile` without a
/// `--type=` (renderers, GPU and utility processes have one). Returns once it is gone.
export async function killPhone(phone, profile) {
  const leader = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).find((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0');
      const ppid = Number(/^\d+ \(.*\) \S (\d+)/.exec(readFileSync(`/proc/${pid}/stat`, 'latin1'))[1]);
      return ppid === process.pid && argv.includes(`--user-data-dir=${profile}`) && !argv.some((a) => a.startsWith('--type='));
    } catch (_) {
      return false; // gone meanwhile, or not ours to read
    }
  });
  if (!leader) throw new Error(`no browser process of ours runs on ${profile}`);
  const closed = new Promise((resolve) => phone.context.once('close', resolve));
  process.kill(-Number(leader), 'SIGKILL');
  await closed;
}
