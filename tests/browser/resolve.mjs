// A supervisor opens the conflict list, compares the two revisions side by side and keeps the
// conflicting one with a reason.
import { env, run, login, shooter, check } from './common.mjs';

const url = env('PD_URL');
const id = env('PD_HOUSEHOLD');
const keep = env('PD_KEEP');

await run('resolve', async ({ page }) => {
  const shot = shooter(page, 'resolve');
  await login(page, url, env('PD_USER'), env('PD_PASSWORD'));
  await Promise.all([page.waitForURL(/\/dashboard\/conflicts/), page.click('nav a[href="/dashboard/conflicts"]')]);
  const link = page.locator(`tr[data-household="${id}"] a.conflict`);
  check(await link.count() === 1, 'the household is in the conflict list');
  await shot('list');
  await Promise.all([page.waitForURL(`${url}/dashboard/households/${id}/conflict`), link.click()]);
  const differing = await page.locator('tr.differs').count();
  check(differing > 0, 'differing fields are marked');
  await shot('side-by-side');

  // The reason is required: nothing is sent without it.
  await page.check(`#keep-${keep}`);
  check(await page.$eval('#resolve-reason', (el) => el.validity.valueMissing), 'an empty reason is refused by the form');
  await page.fill('#resolve-reason', 'Petugas B mengunjungi lebih akhir; foto lebih jelas');
  await Promise.all([page.waitForURL(`${url}/dashboard/households/${id}`), page.click('#resolve')]);
  check(await page.locator('#conflict-link').count() === 0, 'no open conflict any more');
  await shot('resolved');
  return { differing };
});
