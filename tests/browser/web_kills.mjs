// kill -9 of the phone's browser in the middle of the real web app (started by
// tests/tests/e2e/web_app_browser.rs against the real pendata-server): the phone as web_app.mjs
// emulates it, on a profile directory of its own, enrols and syncs the prelist, opens a prelist
// household; then, PD_KILLS times, one seeded moment of the household form
//   * field:  "Jumlah kamar" typed, then "Status rumah tangga" changed (the worker serves
//             intents in order: its skip rule showing or hiding "Alasan tidak ditemukan" is the
//             app's answer to both);
//   * photo:  a camera JPEG through the file chooser for a photo kind, new or a retake (the
//             app's answer: its thumbnail, another one for a retake);
//   * member: a member added by name (the app's answer: the name in the member list);
// and SIGKILL of the whole browser right after the app showed it. Chromium is started again on
// the same profile, the PIN unlocks, and every acknowledged edit, member and photo is there:
// the same values, the same names in the same order, each photo's thumbnail the same bytes.
//
// PD_URL, PD_USERNAME, PD_PASSWORD, PD_PIN, PD_PRELIST, PD_PHOTOS (camera JPEGs), PD_PROFILE,
// PD_KILLS, PD_SEED, PD_SHOTS.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { check, env, seededRandom } from './common.mjs';
import { dismissMessages, hook, killPhone, launchPhone, shots } from './phone.mjs';
import { enrolAndSync, openHousehold, photoKinds, takePhoto, thumbHash, unlock } from './web_steps.mjs';

const url = env('PD_URL');
const app = `${url}/app/?kdf=test`;
const pin = env('PD_PIN');
const prelist = env('PD_PRELIST');
const profile = env('PD_PROFILE');
const photos = readdirSync(env('PD_PHOTOS')).filter((n) => n.endsWith('.jpg')).sort().map((n) => join(env('PD_PHOTOS'), n));
const KILLS = Number(env('PD_KILLS'));
const rand = seededRandom(Number(env('PD_SEED')));
const pickOne = (list) => list[Math.floor(rand() * list.length)];
const MOMENTS = ['field', 'photo', 'member'];

const STATUS = 'verivali.household_status';
const REASON = 'verivali.not_found_reason';
const ROOMS = 'housing.rooms';

// What the app acknowledged: it must all be there after each kill.
const expected = { rooms: null, status: null, members: [], photos: {} };

const value = (page, path) => page.$eval(hook(`f-${path}`), (el) => el.value);

async function memberNames(page) {
  await page.tap(hook('step-members'));
  await page.waitForSelector(hook('member-add'));
  return page.$$eval('[data-t^="member-name-"]', (els) => els.map((e) => e.textContent));
}

/// Everything acknowledged is on the phone (the household open).
async function verify(page, round) {
  const at = `after kill ${round}`;
  await page.tap(hook('step-housing'));
  check(await value(page, ROOMS) === expected.rooms, `${at}: rooms ${await value(page, ROOMS)}, acknowledged ${expected.rooms}`);
  await page.tap(hook('step-status'));
  check(await value(page, STATUS) === expected.status, `${at}: status ${await value(page, STATUS)}, acknowledged ${expected.status}`);
  check((await page.$(hook(`f-${REASON}`)) !== null) === (expected.status === '2'), `${at}: the skip rule of the status`);
  const names = await memberNames(page);
  check(JSON.stringify(names) === JSON.stringify(expected.members), `${at}: members ${JSON.stringify(names)}, acknowledged ${JSON.stringify(expected.members)}`);
  await page.tap(hook('step-photos'));
  for (const [kind, sha] of Object.entries(expected.photos)) {
    await page.waitForSelector(hook(`thumb-${kind}`), { timeout: 30000 }).catch(() => {});
    const got = await thumbHash(page, kind);
    check(got === sha, `${at}: the ${kind} photo's thumbnail is ${got}, acknowledged ${sha}`);
  }
}

/// One moment of the form, done until the app answered it. Returns what it was.
async function moment(page, kind, k) {
  if (kind === 'field') {
    const rooms = String(1 + Math.floor(rand() * 9));
    await page.tap(hook('step-housing'));
    await page.fill(hook(`f-${ROOMS}`), rooms);
    await page.tap(hook('step-status'));
    const status = (await value(page, STATUS)) === '2' ? '1' : '2';
    await page.selectOption(hook(`f-${STATUS}`), status);
    await page.waitForSelector(hook(`f-${REASON}`), { state: status === '2' ? 'attached' : 'detached' });
    expected.rooms = rooms;
    expected.status = status;
    return `field rooms=${rooms} status=${status}`;
  }
  if (kind === 'photo') {
    await page.tap(hook('step-photos'));
    const photoKind = pickOne(await photoKinds(page));
    expected.photos[photoKind] = await takePhoto(page, photoKind, photos[k % photos.length]);
    return `photo ${photoKind}`;
  }
  const name = `Anggota Uji ${k}`;
  await page.tap(hook('step-members'));
  await page.fill(hook('member-new-name'), name);
  await page.tap(hook('member-add'));
  await page.waitForSelector(`[data-t^="member-name-"]:text-is("${name}")`);
  expected.members.push(name);
  return `member ${name}`;
}

const result = { scenario: 'web_kills', kills: 0, moments: {}, relaunch_ms: [] };
const started = Date.now();
let phone;
try {
  phone = await launchPhone(profile);
  await phone.page.goto(app);
  await enrolAndSync(phone.page, { username: env('PD_USERNAME'), password: env('PD_PASSWORD'), pin });
  result.enrol_ms = Date.now() - started;
  await openHousehold(phone.page, prelist);
  // What the prelist brought: the baseline the moments add to.
  expected.rooms = await (async () => { await phone.page.tap(hook('step-housing')); return value(phone.page, ROOMS); })();
  expected.status = await (async () => { await phone.page.tap(hook('step-status')); return value(phone.page, STATUS); })();
  expected.members = await memberNames(phone.page);
  check(expected.members.length > 0, 'the prelist household has its members');

  // Every kind of moment once in the first rounds, then as the seed says.
  const order = [...MOMENTS].sort(() => rand() - 0.5);
  for (let k = 1; k <= KILLS; k++) {
    const kind = k <= MOMENTS.length ? order[k - 1] : pickOne(MOMENTS);
    const what = await moment(phone.page, kind, k);
    await killPhone(phone, profile);
    result.kills += 1;
    result.moments[kind] = (result.moments[kind] || 0) + 1;
    const start = Date.now();
    phone = await launchPhone(profile);
    await phone.page.goto(app);
    await unlock(phone.page, pin);
    await openHousehold(phone.page, prelist);
    result.relaunch_ms.push(Date.now() - start);
    try {
      await verify(phone.page, k);
    } catch (e) {
      throw new Error(`kill ${k} right after "${what}": ${e.message}`);
    }
  }
  await dismissMessages(phone.page);
  await shots(phone.page, 'web-kills')('after-kills');
  result.members = expected.members.length;
  result.photos = Object.keys(expected.photos).length;
  result.total_ms = Date.now() - started;
  console.log(JSON.stringify({ ok: true, ...result }));
  await phone.context.close();
} catch (e) {
  if (phone) {
    try { await phone.page.screenshot({ path: join(env('PD_SHOTS'), 'web-kills-failure.png') }); } catch (_) { /* bonus */ }
    await phone.context.close().catch(() => {});
  }
  console.error(`web_kills: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
}
