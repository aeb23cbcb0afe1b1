// The household goes to the supervisor and comes back (part of the web app scenario,
// web_app.mjs → web_backup.mjs, on the first phone, online and logged in again): the status
// step's skip rule both ways ("2 Tidak ditemukan" shows "Alasan tidak ditemukan", "1 Ditemukan"
// hides it again), finalize, sync; the server holds the household once, its photos
// byte-identical (the dashboard's JPEGs hash to the SHA-256 the household lists); the
// supervisor rejects it with a note in the dashboard (a second tab of the same browser);
// the phone syncs and shows the note, in the sync summary and in the household form.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { check, env } from './common.mjs';
import { dismissMessages, hook, shots } from './phone.mjs';
import { finalize, pick } from './web_steps.mjs';

export async function finalizeSyncAndReject({ phone, url, prelist, supervisor, password, note }) {
  const { context, page } = phone;
  const shot = shots(page, 'web-review');

  await page.tap(hook(`open-household-${prelist}`));
  await page.waitForSelector(hook('form-head'));
  const head = (await page.textContent(hook('form-head'))).trim();
  await page.tap(hook('step-status'));
  const reason = hook('f-verivali.not_found_reason');

  // The skip rule, both ways.
  await pick(page, 'verivali.household_status', '2');
  await page.waitForSelector(reason);
  await pick(page, 'verivali.household_status', '1');
  await page.waitForSelector(reason, { state: 'detached' });
  await pick(page, 'verivali.household_status', '2');
  await page.waitForSelector(reason);
  await pick(page, 'verivali.not_found_reason', '1');
  await pick(page, 'verivali.well_off', '2');
  await pick(page, 'verivali.result', '3');
  await shot('status');

  await finalize(page);
  await shot('final');

  // Sync: sent.
  await dismissMessages(page);
  await page.tap(hook('nav-sync'));
  await page.tap(hook('sync-start'));
  await page.waitForSelector(hook('sync-summary'), { timeout: 60000 });
  await page.waitForFunction((sel) => !document.querySelector(sel).disabled, hook('sync-start'));
  await shot('sent');

  // The supervisor, in another tab: the household is in the queue once, its photos are the
  // bytes the phone sent; reject it with a note.
  const desk = await context.newPage();
  desk.setDefaultTimeout(30000);
  // The supervisor works at a desk: a laptop-sized window (this context emulates the phone).
  await desk.setViewportSize({ width: 1280, height: 900 });
  await desk.goto(`${url}/dashboard/login`);
  await desk.fill('#username', supervisor);
  await desk.fill('#password', password);
  await Promise.all([desk.waitForURL(`${url}/dashboard`), desk.click('#login')]);
  await desk.goto(`${url}/dashboard/households`);
  const rows = desk.locator('tr[data-household]', { hasText: head });
  check(await rows.count() === 1, `the household "${head}" is in the queue ${await rows.count()} times`);
  const id = await rows.first().getAttribute('data-household');
  await desk.goto(`${url}/dashboard/households/${id}`);
  const photos = await desk.$$eval('div.photos a', (as) => as.map((a) => a.getAttribute('href')));
  check(photos.length >= 1, 'the household has its photos on the server');
  for (const href of photos) {
    const res = await desk.request.get(`${url}${href}`);
    check(res.ok(), `${href}: ${res.status()}`);
    const sha = createHash('sha256').update(await res.body()).digest('hex');
    check(href.endsWith(`/${sha}`), `${href} holds other bytes (sha256 ${sha})`);
  }
  await desk.screenshot({ path: join(env('PD_SHOTS'), 'web-review-dashboard.png') });
  await desk.fill('#reject-note', note);
  await Promise.all([desk.waitForURL(`${url}/dashboard/households/${id}`), desk.click('#reject')]);
  check((await desk.textContent('#review-state')).trim() === 'ditolak', 'rejected on the server');
  await desk.close();

  // Back on the phone: sync, the note shows in the summary and in the form.
  await page.bringToFront();
  await page.tap(hook('sync-start'));
  await page.waitForSelector(`text=${note}`, { timeout: 60000 });
  await shot('rejected');
  await page.tap(hook('sync-fix'));
  await page.waitForSelector(hook('form-head'));
  await page.waitForSelector(`text=Catatan pengawas: ${note}`);
  check((await page.textContent(hook('form-state'))).toLowerCase().includes('tolak'),
    `state after the rejection: ${await page.textContent(hook('form-state'))}`);
  await shot('note');
  return { server_photos: photos.length };
}
