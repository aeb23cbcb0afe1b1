// The month-end flow on the dashboard (issue 21 §4), in two phases around the pendamping's
// field visit (the Rust test drives the real `pendata` CLI in between):
//   PD_PHASE=import  the supervisor imports the usul-sanggah file on /dashboard/cases/new;
//   PD_PHASE=month   the supervisor sees the case's finding, records the desa's musdes (date,
//                    berita acara number, attendance, BNBA) with a photo and checks the period;
//                    the Kepala OPD approves it; the period shows locked, a review there is
//                    refused with the clear message, and the SIKS-NG export downloads.
// Every action is taken with the keyboard (Tab to the control, Enter or Space); files are
// chosen through the file input, as the OS dialog would.
import { readFileSync } from 'node:fs';
import { env, run, login, shooter, check, userPage, keyOn, tabTo, typeInto } from './common.mjs';

const url = env('PD_URL');
const password = env('PD_PASSWORD');
const supervisor = env('PD_SUPERVISOR');
const phase = env('PD_PHASE');
// Milliseconds since the start at each step, in the answer (where the time goes).
const t0 = Date.now();
const marks = {};
const mark = (name) => { marks[name] = Date.now() - t0; };

async function importCases({ page }) {
  const shot = shooter(page, 'month-end-import');
  await login(page, url, supervisor, password);
  await keyOn(page, 'nav a[href="/dashboard/cases"]');
  await page.waitForURL(`${url}/dashboard/cases`);
  await keyOn(page, 'main a[href="/dashboard/cases/new"]');
  await page.waitForURL(`${url}/dashboard/cases/new`);
  await page.setInputFiles('#cases-file', env('PD_CSV'));
  mark('form');
  await Promise.all([page.waitForURL(`${url}/dashboard/cases/import`), keyOn(page, '#cases-import')]);
  const created = (await page.textContent('#created')).trim();
  check(created === '1', `one case created, got ${created}`);
  check(await page.locator('#nothing-imported').count() === 0, 'the file was imported');
  await shot('imported');
  mark('imported');
  await keyOn(page, 'main a[href="/dashboard/cases?kind=usul_sanggah"]');
  await page.waitForURL(/\/dashboard\/cases\?kind=usul_sanggah/);
  const rows = await page.locator('tr[data-case]').count();
  check(rows === 1, `the case is listed, ${rows} rows`);
  const caseId = await page.locator('tr[data-case]').first().getAttribute('data-case');
  mark('listed');
  return { created: Number(created), caseId, marks };
}

async function monthEnd({ browser, page }) {
  const shot = shooter(page, 'month-end');
  const caseId = env('PD_CASE');
  const household = env('PD_HOUSEHOLD');
  const desa = env('PD_DESA');
  const period = env('PD_PERIOD');
  const base = `/dashboard/month/${desa}/${period}`;
  await login(page, url, supervisor, password);
  mark('login');

  // The finding the pendamping sent: verdict, note and the house photo.
  await keyOn(page, 'nav a[href="/dashboard/cases"]');
  await page.waitForURL(`${url}/dashboard/cases`);
  check(await page.locator(`tr[data-case="${caseId}"]`).count() === 0, 'a verified case is no longer open');
  await page.goto(`${url}/dashboard/cases?all=1`);
  await keyOn(page, `tr[data-case="${caseId}"] a`);
  await page.waitForURL(`${url}/dashboard/cases/${caseId}`);
  const verdict = (await page.textContent('#verdict')).trim();
  const note = (await page.textContent('#finding-note')).trim();
  await page.waitForFunction(() => [...document.querySelectorAll('img.thumb')].every((i) => i.complete && i.naturalWidth > 0));
  const thumbs = await page.locator('img.thumb').count();
  const caseState = (await page.textContent('#case-state')).trim();
  await shot('finding');
  mark('finding');

  // The desa's period: the musdes with its BNBA list.
  await keyOn(page, 'nav a[href="/dashboard/month"]');
  await page.waitForURL(`${url}/dashboard/month`);
  await keyOn(page, `#month-desas a[href="${base}"]`);
  await page.waitForURL(`${url}${base}`);
  check(await page.locator(`#period-items a[href="/dashboard/households/${household}"]`).count() === 1, 'the usulan baru is in the period');
  await tabTo(page, 'input[name="form"][value="musdes"]');
  check(await page.isChecked('input[name="form"][value="musdes"]'), 'musdes is the default form');
  await tabTo(page, 'input[name="held_on"]');
  await page.fill('input[name="held_on"]', env('PD_HELD_ON'));
  await typeInto(page, 'input[name="document_number"]', env('PD_DOCUMENT'));
  await typeInto(page, 'input[name="attendance"]', env('PD_ATTENDANCE'));
  await typeInto(page, 'input[name="note"]', 'Musdes akhir bulan (uji peramban)');
  const boxes = await page.locator('#bnba input[type="checkbox"]').evaluateAll((els) => els.map((e) => e.name));
  check(boxes.includes(`bnba:household:${household}`), `the usulan is on the BNBA list: ${boxes}`);
  for (const name of boxes) await keyOn(page, `#bnba input[name="${name}"]`, 'Space');
  mark('musdes-form');
  await Promise.all([page.waitForURL(`${url}${base}`), keyOn(page, '#save-agreement')]);
  await page.waitForLoadState();
  const agreement = await page.textContent('#agreement');
  check(agreement.includes(env('PD_DOCUMENT')) && agreement.includes(env('PD_ATTENDANCE')), `the musdes is recorded: ${agreement}`);
  const agreed = await page.locator('#period-items td', { hasText: 'disepakati' }).count();
  mark('musdes');

  // The berita acara's photo (a real JPEG), then the verifikator's check.
  await page.setInputFiles('input[name="photo"]', env('PD_PHOTO'));
  await Promise.all([page.waitForURL(`${url}${base}`), keyOn(page, '#upload-photo')]);
  await page.waitForFunction(() => {
    const imgs = [...document.querySelectorAll('#agreement-photos img')];
    return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0);
  });
  await Promise.all([page.waitForURL(`${url}${base}`), keyOn(page, '#check-period')]);
  await page.waitForLoadState();
  const checkedBy = await page.textContent('#ratification');
  check(checkedBy.includes(supervisor), `checked by the supervisor: ${checkedBy}`);
  check(await page.locator('#approve-period').count() === 0, 'the supervisor cannot approve');
  await shot('checked');
  mark('checked');

  // The Kepala OPD approves: the period is locked.
  const kepala = await userPage(browser, url, env('PD_KEPALA'), password);
  const kshot = shooter(kepala.page, 'month-end-kepala');
  await keyOn(kepala.page, 'nav a[href="/dashboard/month"]');
  await kepala.page.waitForURL(`${url}/dashboard/month`);
  await keyOn(kepala.page, `#month-desas a[href="${base}"]`);
  await kepala.page.waitForURL(`${url}${base}`);
  await Promise.all([kepala.page.waitForURL(`${url}${base}`), keyOn(kepala.page, '#approve-period')]);
  await kepala.page.waitForLoadState();
  const status = (await kepala.page.textContent('#period-status')).trim();
  const lockedClass = await kepala.page.getAttribute('#period-status', 'class');
  check(lockedClass.includes('locked'), `the status is marked locked: ${lockedClass}`);
  check(await kepala.page.locator('#agreement-form').count() === 0, 'no musdes form on a locked period');
  await kshot('approved');
  mark('approved');

  // The locked period's proposal takes no more review decisions: its page says why instead
  // of showing the buttons.
  await page.reload();
  check(await page.locator('#agreement-form').count() === 0, 'the supervisor sees no form either');
  await keyOn(page, `#period-items a[href="/dashboard/households/${household}"]`);
  await page.waitForURL(`${url}/dashboard/households/${household}`);
  const refusedText = (await page.textContent('#period-locked')).trim();
  const reviewButtons = await page.locator('#approve, #reject').count();
  await shot('review-refused');
  mark('refused');

  // The SIKS-NG export of the ratified period downloads.
  const [download] = await Promise.all([kepala.page.waitForEvent('download'), keyOn(kepala.page, '#period-export')]);
  const csv = readFileSync(await download.path(), 'utf8');
  const lines = csv.trim().split(/\r?\n/);
  await kepala.context.close();
  mark('exported');
  return {
    marks,
    verdict,
    note,
    thumbs,
    caseState,
    agreed,
    status,
    refusedText,
    reviewButtons,
    exportFile: download.suggestedFilename(),
    exportHeader: lines[0],
    exportRows: lines.length - 1,
    exportHasHousehold: csv.includes(household),
  };
}

await run(`month-end-${phase}`, async (b) => {
  if (phase === 'import') return importCases(b);
  if (phase === 'month') return monthEnd(b);
  throw new Error(`PD_PHASE must be import or month, not ${phase}`);
});
