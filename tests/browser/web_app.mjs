// The facilitator's phone, end to end in Chromium's phone emulation, against the real
// pendata-server serving the web app under /app/ (tests/tests/e2e/web_app_browser.rs starts it):
// install (service worker active, manifest valid, what Chromium says about installability),
// enrol, sync the prelist, go offline and stay offline (reload from the cache, unlock with the
// PIN, the work list), open the prelist household, GPS from the emulated location, a photo from
// a real camera JPEG through the file chooser; no sideways scrolling at 412 and 360 px, touch
// targets >= 48 px, every request to the server's origin; then the backup, the refused restore,
// the logout that keeps everything and the restore into a second profile (web_backup.mjs).
// Screenshots in PD_SHOTS.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { check, env } from './common.mjs';
import { hook, horizontalOverflow, launchPhone, recordRequests, shots, smallTargets } from './phone.mjs';
import { backupAndRestore } from './web_backup.mjs';
import { fullStorage, refusedPhotos } from './web_photos.mjs';
import { finalizeSyncAndReject } from './web_review.mjs';
import { enrolAndSync } from './web_steps.mjs';

const url = env('PD_URL');
const origin = new URL(url).origin;
const app = `${url}/app/?kdf=test`;
const username = env('PD_USERNAME');
const password = env('PD_PASSWORD');
const pin = env('PD_PIN');
const prelist = env('PD_PRELIST');
const jpeg = env('PD_JPEG');
// Phone-sized camera JPEGs (1600x1200), one file each, for the other photo kinds.
const photos = readdirSync(env('PD_PHOTOS')).filter((n) => n.endsWith('.jpg')).sort().map((n) => join(env('PD_PHOTOS'), n));
const profile = env('PD_PROFILE');

let phone;
try {
  phone = await launchPhone(profile);
  const { context, page } = phone;
  const requests = recordRequests(context);
  const shot = shots(page, 'web');
  const layout = async (where) => {
    const over = await horizontalOverflow(page);
    check(over <= 0, `${where}: the page scrolls sideways by ${over}px at ${page.viewportSize().width}px`);
    const small = await smallTargets(page);
    check(small.length === 0, `${where}: touch targets under 48px: ${small.join(', ')}`);
  };

  // --- install --------------------------------------------------------------------------------
  await page.goto(app);
  await page.waitForSelector(hook('enrol-username'));
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  const sw = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    // `ready` resolves once a worker is active, which may still be running its activate handler
    // (the cache clean-up and clients.claim): wait for that to end, whichever way it ends.
    const worker = reg.active;
    if (worker && worker.state === 'activating') {
      await new Promise((resolve) => {
        worker.addEventListener('statechange', () => worker.state !== 'activating' && resolve());
      });
    }
    return { active: reg.active && reg.active.state, scope: reg.scope };
  });
  check(sw.active === 'activated', `service worker ${JSON.stringify(sw)}`);
  const manifest = await page.evaluate(async () => {
    const link = document.querySelector('link[rel=manifest]');
    const res = await fetch(link.href);
    return { type: res.headers.get('content-type'), body: await res.json() };
  });
  check(manifest.body.display === 'standalone' && manifest.body.icons.some((i) => i.sizes === '512x512'),
    `manifest ${JSON.stringify(manifest)}`);
  const cdp = await context.newCDPSession(page);
  const installability = await cdp.send('Page.getInstallabilityErrors');
  const appManifest = await cdp.send('Page.getAppManifest');
  check((appManifest.errors || []).length === 0, `manifest errors ${JSON.stringify(appManifest.errors)}`);
  check(await page.isVisible(hook('install-help')), 'the enrolment page says how to add the app to the home screen');
  await layout('enrol');
  await shot('enrol');

  // --- enrol, sync the prelist ----------------------------------------------------------------
  await enrolAndSync(page, { username, password, pin });
  await layout('sync');
  await shot('synced');
  await page.tap(hook('nav-list'));
  await page.waitForSelector(hook(`open-prelist-${prelist}`), { timeout: 60000 });
  await layout('list');
  await shot('list');

  // --- offline from here on: reload from the cache, unlock, the list ---------------------------
  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector(hook('unlock-pin'), { timeout: 60000 });
  await layout('unlock');
  await shot('offline-unlock');
  await page.fill(hook('unlock-pin'), '000000');
  await page.tap(hook('unlock-submit'));
  await page.waitForSelector('text=PIN salah');
  await page.fill(hook('unlock-pin'), pin);
  await page.tap(hook('unlock-submit'));
  await page.waitForSelector(hook('home-unsent'), { timeout: 60000 });
  await page.tap(hook('nav-list'));
  await page.tap(hook(`open-prelist-${prelist}`));
  await page.waitForSelector(hook('form-head'));
  await layout('form');
  await shot('offline-form');

  // GPS from the (emulated) phone location, with its accuracy.
  await page.tap(hook('gps-take'));
  await page.waitForSelector(hook('gps-accuracy'));
  const gps = await page.textContent(hook('gps-current'));
  check(gps.includes('-6.284100') && gps.includes('107.166300') && gps.includes('± 8 m'), `gps shows ${gps}`);
  await shot('gps');

  // A real camera JPEG through the file chooser of "Pilih dari galeri" (the camera input takes
  // the same path; Chromium has no camera here).
  await page.tap(hook('step-photos'));
  check(await page.getAttribute(hook('photo-camera-F-RUMAH'), 'capture') === 'environment',
    'Ambil foto asks for the rear camera');
  await page.setInputFiles(hook('photo-file-F-RUMAH'), jpeg);
  await page.waitForSelector(hook('thumb-F-RUMAH'), { timeout: 120000 });
  await layout('photos');
  await shot('photo');

  // What the phone refuses gets a clear message and loses nothing (web_photos.mjs): files that
  // are not photos, a 60 MP photo; then the storage full while the other photos are taken.
  const refusals = await refusedPhotos({ page, shot, kind: 'F-DINDING', keep: 'F-RUMAH' });
  // Every other photo kind the step lists, from real camera JPEGs, while the storage fills up.
  const kinds = await page.$$eval('[data-t^="photo-file-"]', (els) => els.map((e) => e.dataset.t.slice('photo-file-'.length)));
  const full = await fullStorage({ page, context, shot, kinds, photos });
  const photoKinds = kinds.length;
  await shot('all-photos');

  // 360 px wide (the narrowest common Android phone): still no sideways scrolling.
  await page.setViewportSize({ width: 360, height: 800 });
  await layout('photos at 360px');
  await page.tap(hook('nav-settings'));
  await page.waitForSelector(hook('storage-used'));
  await layout('settings at 360px');
  await shot('settings-360');

  const foreign = requests.filter((r) => !r.startsWith(origin) && !r.startsWith('data:') && !r.startsWith('blob:'));
  check(foreign.length === 0, `requests outside the server: ${foreign.join(', ')}`);
  const requestsOnPhone = requests.length;

  // Cadangkan data, Pulihkan, Keluar; a second profile restores the backup.
  // After the backup and the logout, logged in again and online: finalize, sync, the
  // supervisor's rejection and its note (web_review.mjs); then the second profile's restore.
  let review;
  const backup = await backupAndRestore({
    phone, app, profile, pin, username, password, prelist, secrets: [prelist, username],
    afterLogin: async () => {
      review = await finalizeSyncAndReject({
        phone, url, prelist, supervisor: env('PD_SUPERVISOR'), password, note: env('PD_NOTE'),
      });
    },
  });
  console.log(JSON.stringify({
    scenario: 'web', ok: true, installability_errors: installability.installabilityErrors,
    manifest_type: manifest.type, requests: requestsOnPhone, photo_kinds: photoKinds,
    ...refusals, ...full, ...review, ...backup,
  }));
} catch (e) {
  if (phone) {
    try { await phone.page.screenshot({ path: join(env('PD_SHOTS'), 'web-failure.png') }); } catch (_) { /* bonus */ }
    await phone.context.close().catch(() => {});
  }
  console.error(`web: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
}
