// A supervisor logs in, opens the pushed household from the review queue, looks at its photos
// and rejects it with a note.
import { env, run, login, shooter, check } from './common.mjs';

const url = env('PD_URL');
const id = env('PD_HOUSEHOLD');
const note = env('PD_NOTE');

await run('reject', async ({ context, page }) => {
  const shot = shooter(page, 'reject');
  await login(page, url, env('PD_USER'), env('PD_PASSWORD'));
  check(await page.locator('#progress').isVisible(), 'the progress table is shown');
  check(await page.locator('svg.chart').count() === 1, 'the progress chart is drawn');
  await shot('progress');

  await Promise.all([page.waitForURL(/\/dashboard\/households/), page.click('nav a[href="/dashboard/households"]')]);
  const row = page.locator(`tr[data-household="${id}"] a`).first();
  check(await row.count() === 1, 'the household is in the review queue');
  await shot('queue');
  await Promise.all([page.waitForURL(`${url}/dashboard/households/${id}`), row.click()]);
  check((await page.textContent('#review-state')).trim() === 'menunggu tinjauan', 'state before');

  // Every thumbnail loaded (served through the scoped photo route).
  const thumbs = page.locator('img.thumb');
  const count = await thumbs.count();
  check(count === 9, `nine photos, got ${count}`);
  await page.waitForFunction(() => [...document.querySelectorAll('img.thumb')].every((i) => i.complete && i.naturalWidth > 0));
  await shot('detail');
  // Full size on click (a new tab with the JPEG).
  const [full] = await Promise.all([context.waitForEvent('page'), page.locator('div.photos a').first().click()]);
  await full.waitForLoadState();
  const size = await full.evaluate(() => { const i = document.querySelector('img'); return i ? i.naturalWidth : 0; });
  check(size > 180, `the full-size photo opens (${size}px wide)`);
  await full.close();

  // Rejecting needs a note: the browser itself refuses an empty one (required).
  check(await page.$eval('#reject-note', (el) => el.validity.valueMissing), 'an empty note is refused by the form');
  await page.fill('#reject-note', note);
  await Promise.all([page.waitForURL(`${url}/dashboard/households/${id}`), page.click('#reject')]);
  await page.waitForLoadState();
  const state = (await page.textContent('#review-state')).trim();
  check(state === 'ditolak', `state after: ${state}`);
  check((await page.textContent('#audit')).includes(note), 'the note is in the audit trail');
  await shot('rejected');

  // English switch, kept in a cookie.
  await page.click('a[hreflang="en"]');
  await page.waitForLoadState();
  check((await page.textContent('#review-state')).trim() === 'rejected', 'English labels');
  await shot('english');
  return { photos: count, fullWidth: size };
});
