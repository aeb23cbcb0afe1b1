// What a facilitator does in the web app, step by step, shared by the scenarios that start
// from a fresh phone (web_kills.mjs, web_restore_sync.mjs): enrol and sync the prelist, unlock
// with the PIN, open a household from the work list, take a photo, sync. Each step waits for
// the app's own answer (the worker served it), never for a fixed time.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { check } from './common.mjs';
import { dismissMessages, hook } from './phone.mjs';

/// Enrols on the enrolment page (the app freshly loaded online) and syncs the prelist.
export async function enrolAndSync(page, { username, password, pin }) {
  await page.waitForSelector(hook('enrol-username'), { timeout: 60000 });
  await page.fill(hook('enrol-username'), username);
  await page.fill(hook('enrol-password'), password);
  await page.fill(hook('enrol-pin'), pin);
  await page.fill(hook('enrol-pin2'), pin);
  await page.tap(hook('enrol-submit'));
  await page.waitForSelector(hook('home-unsent'), { timeout: 60000 });
  await page.tap(hook('home-sync'));
  await page.waitForSelector(hook('sync-summary'), { timeout: 60000 });
}

/// Unlocks a phone that shows the PIN screen; ends on the home screen.
export async function unlock(page, pin) {
  await page.waitForSelector(hook('unlock-pin'), { timeout: 60000 });
  await page.fill(hook('unlock-pin'), pin);
  await page.tap(hook('unlock-submit'));
  await page.waitForSelector(hook('home-unsent'), { timeout: 60000 });
}

/// Opens the prelist household `prelist` from the work list (opened before, or not yet).
export async function openHousehold(page, prelist) {
  await dismissMessages(page);
  await page.tap(hook('nav-list'));
  const either = `${hook(`open-household-${prelist}`)}, ${hook(`open-prelist-${prelist}`)}`;
  await page.waitForSelector(either, { timeout: 60000 });
  await page.tap(either);
  await page.waitForSelector(hook('form-head'));
}

const thumbSrc = (page, kind) =>
  page.$eval(hook(`thumb-${kind}`), (img) => img.getAttribute('src')).catch(() => null);
const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/// SHA-256 of what the thumbnail of `kind` shows (its data URL: the stored thumbnail's bytes),
/// or null when the kind has no photo.
export async function thumbHash(page, kind) {
  const src = await thumbSrc(page, kind);
  return src === null ? null : sha256(src);
}

/// Takes `file` as the photo of `kind` (the photo step open) through the file chooser and
/// waits until the app shows it: a thumbnail where there was none, or another one than before.
/// Returns the new thumbnail's hash.
export async function takePhoto(page, kind, file) {
  const before = await thumbSrc(page, kind);
  await page.setInputFiles(hook(`photo-file-${kind}`), file);
  await page.waitForFunction(([sel, old]) => {
    const img = document.querySelector(sel);
    return img !== null && img.getAttribute('src') !== old;
  }, [hook(`thumb-${kind}`), before], { timeout: 120000, polling: 25 });
  return thumbHash(page, kind);
}

/// Photo kinds the photo step offers (the step open).
export async function photoKinds(page) {
  return page.$$eval('[data-t^="photo-file-"]', (els) => els.map((e) => e.dataset.t.slice('photo-file-'.length)));
}

/// Syncs from the sync screen; returns the summary the app shows.
export async function sync(page) {
  await dismissMessages(page);
  await page.tap(hook('nav-sync'));
  await page.tap(hook('sync-start'));
  await page.waitForFunction((sel) => {
    const b = document.querySelector(sel);
    return b && !b.disabled;
  }, hook('sync-start'), { timeout: 120000 });
  await page.waitForSelector(hook('sync-summary'), { timeout: 60000 });
  const problems = await page.$(hook('sync-problems'));
  check(!problems, `the sync reports problems: ${problems && (await problems.textContent())}`);
  return (await page.textContent(hook('sync-summary'))).trim();
}

/// Chooses `value` in the select of `path` and waits until the form came back with it.
export async function pick(page, path, value) {
  await page.selectOption(hook(`f-${path}`), value);
  await page.waitForFunction(([sel, v]) => {
    const el = document.querySelector(sel);
    return el && el.value === v;
  }, [hook(`f-${path}`), value]);
}

/// The status step of a household nobody was found at: "2 Tidak ditemukan", its reason, not
/// well off, result 3.
export async function markNotFound(page) {
  await page.tap(hook('step-status'));
  await pick(page, 'verivali.household_status', '2');
  await page.waitForSelector(hook('f-verivali.not_found_reason'));
  await pick(page, 'verivali.not_found_reason', '1');
  await pick(page, 'verivali.well_off', '2');
  await pick(page, 'verivali.result', '3');
}

/// Finalizes the open household (confirming the warnings, if any are left: errors block it).
export async function finalize(page) {
  await page.tap(hook('step-review'));
  await page.waitForSelector(`${hook('review-finalize')}, ${hook('review-confirm')}`);
  // The review may still show the findings from before the last answer (a select's value is
  // on the page before the worker has stored it): a block must outlast the worker's answer.
  const cleared = await page.waitForSelector(hook('review-blocked'), { state: 'detached', timeout: 15000 })
    .then(() => true, () => false);
  check(cleared, `finalize blocked: ${!cleared && (await page.textContent(hook('review-errors')))}`);
  const confirm = await page.$(hook('review-confirm'));
  await page.tap(confirm ? hook('review-confirm') : hook('review-finalize'));
  await page.waitForSelector(hook('review-final'));
}

/// Pengaturan → Cadangkan data: the download saved as `file`; returns its bytes.
export async function makeBackup(page, file) {
  await dismissMessages(page);
  await page.tap(hook('nav-settings'));
  await page.waitForSelector(hook('backup-make'));
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 60000 }),
    page.tap(hook('backup-make')),
  ]);
  check(download.suggestedFilename().endsWith('.pdbackup'), `file name ${download.suggestedFilename()}`);
  await download.saveAs(file);
  await page.waitForSelector('text=Cadangan dibuat');
  return readFileSync(file);
}

/// "Pulihkan" on the enrolment page of a phone with no data: the backup `file` restored, the
/// PIN screen with "Data dipulihkan", unlocked with the backup's PIN.
export async function restoreOnFreshPhone(page, file, pin) {
  await page.waitForSelector(hook('enrol-username'), { timeout: 60000 });
  await page.setInputFiles(hook('backup-restore-file'), file);
  await page.waitForSelector(hook('unlock-pin'), { timeout: 60000 });
  await page.waitForSelector('text=Data dipulihkan');
  await dismissMessages(page);
  await unlock(page, pin);
}
