// The accessibility audit of every dashboard page (issue 21 §4): axe-core (pinned in
// package.json) runs in Debian's Chromium on each page the Rust test lists, logged in as the
// user it names; a serious or critical finding fails the test with the page, the rule and the
// elements. axe is evaluated through the DevTools protocol, so the dashboard's CSP (no script
// at all) stays as served.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { env, run, login } from './common.mjs';

const require = createRequire(import.meta.url);
let axePath;
try {
  axePath = require.resolve('axe-core/axe.min.js');
} catch (_) {
  console.error('axe-core is not installed: run `npm ci --prefix tests/browser` (scripts/test does)');
  process.exit(1);
}
const AXE = readFileSync(axePath, 'utf8');
const url = env('PD_URL');
// [{ user: "name" | "", path: "/dashboard/..." }], in order; "" = not logged in.
const visits = JSON.parse(env('PD_PAGES'));
const BLOCKING = new Set(['serious', 'critical']);

await run('a11y', async ({ browser }) => {
  const findings = [];
  const audited = [];
  let context = null;
  let page = null;
  let who = null;
  for (const { user, path } of visits) {
    if (user !== who) {
      if (context) await context.close();
      context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'id-ID' });
      page = await context.newPage();
      page.setDefaultTimeout(20000);
      if (user) await login(page, url, user, env('PD_PASSWORD'));
      who = user;
    }
    const t0 = Date.now();
    const res = await page.goto(`${url}${path}`);
    await page.evaluate(AXE);
    const result = await page.evaluate(() =>
      // eslint-disable-next-line no-undef
      axe.run(document, { resultTypes: ['violations'] }));
    const blocking = result.violations.filter((v) => BLOCKING.has(v.impact));
    audited.push({ user, path, status: res.status(), violations: result.violations.length, ms: Date.now() - t0 });
    for (const v of blocking) {
      findings.push({
        user, path, rule: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
      });
    }
  }
  if (context) await context.close();
  if (findings.length > 0) {
    throw new Error(`serious/critical accessibility findings:\n${JSON.stringify(findings, null, 2)}`);
  }
  return { pages: audited.length, audited };
});
