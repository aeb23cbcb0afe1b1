// A supervisor of another kecamatan: the household is not listed and cannot be opened, not even
// by typing its URL, and neither can its photo.
import { env, run, login, shooter, check } from './common.mjs';

const url = env('PD_URL');
const id = env('PD_HOUSEHOLD');
const photo = env('PD_PHOTO');

await run('scope', async ({ page }) => {
  const shot = shooter(page, 'scope');
  await login(page, url, env('PD_USER'), env('PD_PASSWORD'));
  await page.goto(`${url}/dashboard/households?state=all`);
  check(await page.locator(`tr[data-household="${id}"]`).count() === 0, 'not in the list');
  await shot('queue');
  const statuses = {};
  for (const [name, path] of [
    ['detail', `/dashboard/households/${id}`],
    ['conflict', `/dashboard/households/${id}/conflict`],
    ['photo', `/dashboard/photos/${photo}`],
  ]) {
    const res = await page.goto(`${url}${path}`);
    statuses[name] = res.status();
    check(res.status() === 404, `${path} answers ${res.status()}`);
    check((await page.content()).includes('dashboard.not_found'), `${path} shows the not-found page`);
  }
  await shot('typed-url');
  // A forged form (right session, right origin, no CSRF token) is refused and changes nothing.
  const [forged] = await Promise.all([
    page.waitForNavigation(),
    page.evaluate((hid) => {
      const f = document.createElement('form');
      f.method = 'post';
      f.action = `/dashboard/households/${hid}/review`;
      for (const [k, v] of [['decision', 'approved'], ['revision', '00000000-0000-0000-0000-000000000000']]) {
        const i = document.createElement('input');
        i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i);
      }
      document.body.appendChild(f);
      f.submit();
    }, id),
  ]);
  check(forged.status() === 403, `a post without the CSRF token answers ${forged.status()}`);
  await shot('forged');
  return { statuses, forged: forged.status() };
});
