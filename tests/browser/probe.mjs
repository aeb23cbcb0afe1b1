// The storage proof's driver, shared by web_store.mjs (kills) and web_bench.mjs (numbers): a
// static server for the probe page (tests/browser/web_store/), the built probe (PKG) and test
// photos, and Chromium started on a profile directory in a process group of its own, driven
// over CDP, killed with SIGKILL.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync, statSync, existsSync } from 'node:fs';
import { join, extname } from 'node:path';
import { CHROMIUM } from './common.mjs';

const STATIC = join(import.meta.dirname, 'web_store');

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.jpg': 'image/jpeg' };

// One origin for every launch (OPFS belongs to the origin, port included).
export function serve(pkg, photos) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let file;
    if (url.pathname.startsWith('/pkg/')) file = join(pkg, url.pathname.slice(5));
    else if (url.pathname.startsWith('/photos/')) file = join(photos, url.pathname.slice(8));
    else file = join(STATIC, url.pathname === '/' ? 'index.html' : url.pathname.slice(1));
    if (file.includes('..') || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': MIME[extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// Starts Chromium on the profile in a process group of its own (so SIGKILL reaches all of it).
export async function launch(url, profile) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium`);
  const child = spawn(CHROMIUM, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank',
  ], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  const ws = await new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`chromium did not start: ${err}`)), 30000);
    child.stderr.on('data', (d) => {
      err += d;
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => reject(new Error(`chromium exited (${code}): ${err}`)));
  });
  child.stderr.resume();
  const browser = await chromium.connectOverCDP(ws);
  const context = browser.contexts()[0];
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(60000);
  await page.goto(url);
  await page.waitForFunction(() => window.probe !== undefined);
  return { child, browser, page };
}

export async function kill(b) {
  const gone = new Promise((resolve) => b.child.on('exit', resolve));
  process.kill(-b.child.pid, 'SIGKILL');
  await gone;
  await b.browser.close().catch(() => {});
}

export const call = (page, op, ...args) => page.evaluate(([op, args]) => window.probe(op, ...args), [op, args]);
export const photo = (page, id, kind, name) => page.evaluate(([id, kind, url]) => window.probePhoto(id, kind, url), [id, kind, `/photos/${name}`]);

