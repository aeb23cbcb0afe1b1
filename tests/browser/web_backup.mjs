// "Nothing unsent is ever lost to the browser", as a facilitator meets it on the phone (part of
// the web app scenario, web_app.mjs, which calls it with its phone after a household got a
// photo): Pengaturan → Cadangkan data gives one download that starts with the backup magic and
// holds nothing in clear; restoring it over this phone is refused while work is unsent (the
// count is said); logging out says what is unsent first and deletes nothing (a new login finds
// the household); then a SECOND browser profile (a new user-data-dir: another phone, or this
// one after its browser data was cleared) refuses a damaged copy, restores the backup, unlocks
// with the PIN and shows the household and its photo.
import { writeFileSync } from 'node:fs';
import { check } from './common.mjs';
import { dismissMessages, hook, launchPhone, shots } from './phone.mjs';
import { makeBackup } from './web_steps.mjs';

const MAGIC = 'PDBACKUP';

/// `phone`: the first profile, unlocked, the household `prelist` holding an F-RUMAH photo.
/// `afterLogin`: runs on the first phone once it is logged in again (online, the work list shown).
export async function backupAndRestore({ phone, app, profile, pin, username, password, prelist, secrets, afterLogin }) {
  const { context, page } = phone;
  const shot = shots(page, 'web-backup');

  // --- Cadangkan data: one file in Downloads, still locked -------------------------------------
  const file = `${profile}-backup.pdbackup`;
  const bytes = await makeBackup(page, file);
  check(bytes.subarray(0, 8).toString('latin1') === MAGIC, 'the download is a Pendata backup');
  for (const s of secrets) {
    check(!bytes.includes(Buffer.from(s)), `the backup holds "${s}" in clear`);
  }
  check(!bytes.includes(Buffer.from('SQLite format 3')), 'the backup holds a plain SQLite database');
  await shot('backup');

  // --- Pulihkan over a phone with unsent work: refused, the count said --------------------------
  await page.setInputFiles(hook('backup-restore-file'), file);
  await page.waitForSelector('text=1 data belum terkirim', { timeout: 60000 });
  await page.waitForSelector('text=Tidak dipulihkan');
  await shot('restore-refused');

  // --- Keluar: the count first, then nothing deleted ---------------------------------------------
  await dismissMessages(page);
  await page.tap(hook('logout-ask'));
  const unsent = await page.textContent(hook('logout-unsent'));
  check(unsent.includes('1 data belum terkirim') && unsent.includes('1 di antaranya draf') && unsent.includes('foto'),
    `before logout: ${unsent}`);
  await shot('logout-ask');
  await page.tap(hook('logout-confirm'));
  await page.waitForSelector(hook('enrol-submit'), { timeout: 60000 });
  check(!(await page.isVisible(hook('enrol-pin'))), 'after logout only the login is asked (the PIN stays)');
  await page.waitForSelector('text=Sudah keluar');
  await shot('logged-out');
  await dismissMessages(page);
  await context.setOffline(false);
  await page.fill(hook('enrol-username'), username);
  await page.fill(hook('enrol-password'), password);
  await page.tap(hook('enrol-submit'));
  await page.waitForSelector(hook('home-unsent'), { timeout: 60000 });
  await page.tap(hook('nav-list'));
  await page.waitForSelector(hook(`open-household-${prelist}`), { timeout: 60000 });
  if (afterLogin) await afterLogin();
  await context.close();

  // --- A second profile: a damaged copy refused, the backup restored ----------------------------
  const second = await launchPhone(`${profile}-second`);
  try {
    const p2 = second.page;
    const shot2 = shots(p2, 'web-restore');
    await p2.goto(app);
    await p2.waitForSelector(hook('enrol-username'), { timeout: 60000 });
    const damaged = `${profile}-damaged.pdbackup`;
    writeFileSync(damaged, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    await p2.setInputFiles(hook('backup-restore-file'), damaged);
    await p2.waitForSelector('text=Berkas cadangan rusak atau tidak lengkap', { timeout: 60000 });
    check(await p2.isVisible(hook('enrol-username')), 'a damaged backup leaves the fresh phone as it was');
    await shot2('damaged');
    await dismissMessages(p2);
    await p2.setInputFiles(hook('backup-restore-file'), file);
    await p2.waitForSelector(hook('unlock-pin'), { timeout: 60000 });
    await p2.waitForSelector('text=Data dipulihkan');
    await shot2('restored');
    await dismissMessages(p2);
    await p2.fill(hook('unlock-pin'), pin);
    await p2.tap(hook('unlock-submit'));
    await p2.waitForSelector(hook('home-unsent'), { timeout: 60000 });
    await p2.tap(hook('nav-list'));
    await p2.tap(hook(`open-household-${prelist}`));
    await p2.waitForSelector(hook('form-head'));
    await p2.tap(hook('step-photos'));
    await p2.waitForSelector(hook('thumb-F-RUMAH'), { timeout: 60000 });
    // The thumbnail decoded from the restored, encrypted blob: a real JPEG the browser drew.
    const thumb = await p2.$eval(hook('thumb-F-RUMAH'), (img) => ({
      src: img.getAttribute('src').slice(0, 23), width: img.naturalWidth,
    }));
    check(thumb.src === 'data:image/jpeg;base64,' && thumb.width > 0, `restored thumbnail ${JSON.stringify(thumb)}`);
    await shot2('restored-photo');
    return { backup_bytes: bytes.length, restored_thumb_width: thumb.width };
  } finally {
    await second.context.close().catch(() => {});
  }
}
