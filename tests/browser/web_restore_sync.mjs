// A backup with unsent work, restored into the wiped profile AND into a second, fresh one;
// both sync, and the server keeps each household once (started by
// tests/tests/e2e/web_app_browser.rs, which then reads the server's own database).
//
// Phone A enrols and syncs the prelist, then takes photos for two prelist households, marks
// them not found and finalizes them: two households and their photos wait in the outbox. A
// third household is left as a draft with a photo. Pengaturan → Cadangkan data. Then A's
// browser data is cleared for the server's origin (DevTools' Storage.clearDataForOrigin, as
// "Hapus data situs" does: OPFS, the service worker and its cache): the app asks for an
// enrolment again. Pulihkan restores the backup into A, the PIN unlocks, every household is
// back with the same photos (each thumbnail the same bytes) and the same state. A syncs. A
// second profile B (another phone) restores the same file: the same households and photos;
// B syncs too, its push answered as the records the server already holds, and nothing waits to
// be sent on either phone. The draft stays a draft on the phones, not on the server.
//
// PD_URL, PD_USERNAME, PD_PASSWORD, PD_PIN, PD_PRELISTS (finalized, comma-separated),
// PD_DRAFT (a prelist id left as a draft), PD_PHOTOS, PD_PROFILE, PD_SHOTS.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { check, env } from './common.mjs';
import { dismissMessages, hook, launchPhone, shots } from './phone.mjs';
import {
  enrolAndSync, finalize, makeBackup, markNotFound, openHousehold, photoKinds, restoreOnFreshPhone, sync,
  takePhoto, thumbHash,
} from './web_steps.mjs';

const url = env('PD_URL');
const origin = new URL(url).origin;
const app = `${url}/app/?kdf=test`;
const pin = env('PD_PIN');
const finals = env('PD_PRELISTS').split(',');
const draft = env('PD_DRAFT');
const profile = env('PD_PROFILE');
const photos = readdirSync(env('PD_PHOTOS')).filter((n) => n.endsWith('.jpg')).sort().map((n) => join(env('PD_PHOTOS'), n));

/// Per prelist id: its photo kinds' thumbnail hashes and its state as the form shows it.
const taken = {};

async function household(page, prelist) {
  await openHousehold(page, prelist);
  const state = (await page.textContent(hook('form-state'))).trim();
  await page.tap(hook('step-photos'));
  const thumbs = {};
  for (const kind of Object.keys(taken[prelist].thumbs)) {
    await page.waitForSelector(hook(`thumb-${kind}`), { timeout: 30000 }).catch(() => {});
    thumbs[kind] = await thumbHash(page, kind);
  }
  return { state, thumbs };
}

/// Every household of the backup is on `page`'s phone as it was on A.
async function sameAsBackedUp(page, where) {
  for (const prelist of [...finals, draft]) {
    const got = await household(page, prelist);
    check(got.state === taken[prelist].state, `${where}: ${prelist} is "${got.state}", was "${taken[prelist].state}"`);
    check(JSON.stringify(got.thumbs) === JSON.stringify(taken[prelist].thumbs),
      `${where}: ${prelist}'s photos ${JSON.stringify(got.thumbs)}, backed up ${JSON.stringify(taken[prelist].thumbs)}`);
  }
}

/// The home screen says `n` records wait to be sent (it loads its numbers from the worker:
/// waited for, up to 15 s, then the number shown is the failure).
async function unsentIs(page, n, where) {
  await dismissMessages(page);
  await page.tap(hook('nav-home'));
  const sel = `${hook('home-unsent')} strong`;
  const ok = await page.waitForFunction(([s, v]) => {
    const el = document.querySelector(s);
    return el && el.textContent.trim() === v;
  }, [sel, String(n)], { timeout: 15000 }).then(() => true, () => false);
  check(ok, `${where}: the home screen says ${await page.textContent(sel).catch(() => '?')} unsent, expected ${n}`);
}

const result = { scenario: 'web_restore_sync', households: {}, ms: {} };
// Milliseconds since the start at the end of each phase (where the test's time goes).
const started = Date.now();
const lap = (phase) => { result.ms[phase] = Date.now() - started; };
let phone;
let second;
try {
  // --- Phone A: two households finalized with photos, one draft, nothing sent ------------------
  phone = await launchPhone(profile);
  const a = phone.page;
  const shotA = shots(a, 'web-resync-a');
  await a.goto(app);
  await enrolAndSync(a, { username: env('PD_USERNAME'), password: env('PD_PASSWORD'), pin });
  lap('enrolled');
  let next = 0;
  for (const prelist of [...finals, draft]) {
    await openHousehold(a, prelist);
    await a.tap(hook('step-photos'));
    const kinds = (await photoKinds(a)).slice(0, prelist === draft ? 1 : 2);
    const thumbs = {};
    for (const kind of kinds) {
      thumbs[kind] = await takePhoto(a, kind, photos[next % photos.length]);
      next += 1;
    }
    if (prelist !== draft) {
      await markNotFound(a);
      await finalize(a);
    }
    taken[prelist] = { thumbs, state: (await a.textContent(hook('form-state'))).trim() };
    result.households[prelist] = { photos: kinds.length, final: prelist !== draft };
  }
  // Home's "Belum terkirim": records waiting to be sent (drafts are counted apart).
  const unsentBefore = finals.length;
  await unsentIs(a, unsentBefore, 'A before the backup');
  const file = `${profile}-backup.pdbackup`;
  result.backup_bytes = (await makeBackup(a, file)).length;
  await shotA('backup');
  lap('backed_up');

  // --- A's browser data cleared: the app starts over ----------------------------------------------
  await a.goto('about:blank');
  const cdp = await phone.context.newCDPSession(a);
  await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'all' });
  await cdp.detach();
  await a.goto(app);
  await a.waitForSelector(hook('enrol-username'), { timeout: 60000 });
  check(await a.isVisible(hook('enrol-pin')), 'after clearing the site data the phone holds no PIN');
  await shotA('wiped');
  lap('wiped');

  // --- Restored into A: everything back; A syncs -------------------------------------------------
  await restoreOnFreshPhone(a, file, pin);
  await sameAsBackedUp(a, 'A restored');
  await unsentIs(a, unsentBefore, 'A restored');
  lap('restored_a');
  result.summary_a = await sync(a);
  await unsentIs(a, 0, 'A synced');
  await shotA('synced');
  lap('synced_a');
  await phone.context.close();
  phone = null;

  // --- Restored into a second, fresh profile B: everything back; B syncs -------------------------
  second = await launchPhone(`${profile}-second`);
  const b = second.page;
  await b.goto(app);
  await restoreOnFreshPhone(b, file, pin);
  await sameAsBackedUp(b, 'B restored');
  await unsentIs(b, unsentBefore, 'B restored');
  lap('restored_b');
  result.summary_b = await sync(b);
  await unsentIs(b, 0, 'B synced');
  await shots(b, 'web-resync-b')('synced');
  await second.context.close();
  second = null;
  lap('synced_b');
  console.log(JSON.stringify({ ok: true, ...result }));
} catch (e) {
  for (const [name, p] of [['a', phone], ['b', second]]) {
    if (!p) continue;
    try { await p.page.screenshot({ path: join(env('PD_SHOTS'), `web-resync-${name}-failure.png`) }); } catch (_) { /* bonus */ }
    await p.context.close().catch(() => {});
  }
  console.error(`web_restore_sync: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
}
