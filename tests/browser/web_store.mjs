// The storage proof of the browser build, in Debian's Chromium (started by
// tests/tests/e2e/web_store.rs). The real pendata-core runs in a dedicated worker
// (app/ui/examples/web_store.rs): PIN-wrapped key, SQLite3MC-encrypted store in the OPFS pool,
// encrypted photo blobs. The browser is started here with a profile directory of its own and
// killed with SIGKILL (its whole process group) at seeded moments: right after an autosave was
// acknowledged, or while one is in flight. After each relaunch every acknowledged edit and
// photo must be there, and nothing else (an in-flight edit is either whole or absent).
//
// PD_PKG: the built probe (scripts/build-web → target/web/store-probe); PD_PHOTOS: a directory of
// camera JPEGs (the 12 MP one named big.jpg); PD_HOUSEHOLD: a household JSON file;
// PD_KILLS, PD_SEED; PD_PROFILE: an empty directory for the browser profile.
import { readFileSync, readdirSync } from 'node:fs';
import { env, check, seededRandom } from './common.mjs';
import { serve, launch, kill, call, photo } from './probe.mjs';

const PKG = env('PD_PKG');
const PHOTOS = env('PD_PHOTOS');
const PROFILE = env('PD_PROFILE');
const HOUSEHOLD = JSON.parse(readFileSync(env('PD_HOUSEHOLD'), 'utf8'));
const KILLS = Number(process.env.PD_KILLS || 20);
const rand = seededRandom(Number(process.env.PD_SEED || 18));
const PIN = '246810';

// What must be there: the household's address, and each photo kind's SHA-256.
const expected = { address: null, photos: {} };
let inFlight = null; // an address sent whose answer never came (before a kill)

function verify(state, round) {
  check(state.integrity === 'ok', `round ${round}: integrity_check = ${state.integrity}`);
  check(state.households.length === 1, `round ${round}: ${state.households.length} households`);
  const h = state.households[0];
  const okAddress = h.address === expected.address || (inFlight !== null && h.address === inFlight);
  check(okAddress, `round ${round}: address ${JSON.stringify(h.address)}, acknowledged ${JSON.stringify(expected.address)}, in flight ${JSON.stringify(inFlight)}`);
  const got = Object.fromEntries(h.photos.map((p) => [p.kind, p.sha256]));
  for (const [kind, sha] of Object.entries(expected.photos)) {
    check(got[kind] === sha, `round ${round}: photo ${kind} is ${got[kind]}, acknowledged ${sha}`);
  }
  for (const p of h.photos) check(p.bytes > 0 && p.thumbnail_bytes > 0, `round ${round}: photo ${p.kind} unreadable`);
  if (h.address !== expected.address) expected.address = h.address; // the in-flight edit landed whole
  inFlight = null;
}

const server = await serve(PKG, PHOTOS);
const url = `http://127.0.0.1:${server.address().port}/`;
const photoNames = readdirSync(PHOTOS).filter((n) => n.endsWith('.jpg')).sort();
const small = photoNames.filter((n) => n !== 'big.jpg');
const KINDS = ['F-RUMAH', 'F-DINDING', 'F-LANTAI', 'F-ATAP', 'F-DAPUR', 'F-JAMBAN', 'F-KK', 'F-BERITA-ACARA'];
const result = { kills: 0, after_ack: 0, in_flight: 0, in_flight_landed: 0, unlock_ms: [], autosave_ms: [], photo_ms: [] };

let b;
try {
  // Enrolment: a new device with the real KDF parameters, one household, eight photos (one 12 MP).
  b = await launch(url, PROFILE);
  const opened = await call(b.page, 'open', PIN);
  check(opened.created, 'a fresh profile must create the device');
  result.kdf = opened.kdf;
  result.create_ms = opened.unlock_ms;
  await call(b.page, 'create', JSON.stringify(HOUSEHOLD));
  expected.address = HOUSEHOLD.location.address;
  for (let i = 0; i < KINDS.length; i++) {
    const name = i === 0 ? 'big.jpg' : small[i % small.length];
    const p = await photo(b.page, HOUSEHOLD.id, KINDS[i], name);
    expected.photos[KINDS[i]] = p.sha256;
    if (name === 'big.jpg') result.big_photo_ms = p.ms;
  }
  verify(await call(b.page, 'state'), 0);

  for (let k = 1; k <= KILLS; k++) {
    const edits = 1 + Math.floor(rand() * 4);
    for (let j = 0; j < edits; j++) {
      const address = `Jl. Uji Kill ${k}.${j}`;
      const r = await call(b.page, 'set_field', HOUSEHOLD.id, 'location.address', JSON.stringify(address));
      result.autosave_ms.push(r.ms);
      expected.address = address;
      if (rand() < 0.25) {
        const kind = KINDS[1 + Math.floor(rand() * (KINDS.length - 1))];
        const p = await photo(b.page, HOUSEHOLD.id, kind, small[Math.floor(rand() * small.length)]);
        result.photo_ms.push(p.ms);
        expected.photos[kind] = p.sha256;
      }
    }
    if (rand() < 0.5) {
      result.after_ack += 1; // killed right after the last acknowledgement
    } else {
      // Another autosave is sent and the browser dies while it runs (or just after).
      inFlight = `Jl. Uji Kill ${k}.terbang`;
      b.page.evaluate(([id, v]) => window.probe('set_field', id, 'location.address', v), [HOUSEHOLD.id, JSON.stringify(inFlight)]).catch(() => {});
      await new Promise((r) => setTimeout(r, Math.floor(rand() * 40)));
      result.in_flight += 1;
    }
    await kill(b);
    result.kills += 1;
    b = await launch(url, PROFILE);
    const again = await call(b.page, 'open', PIN);
    check(!again.created, `round ${k}: the device was created again: the key file was lost`);
    result.unlock_ms.push(again.unlock_ms);
    const landedBefore = expected.address;
    const wasInFlight = inFlight;
    verify(await call(b.page, 'state'), k);
    if (wasInFlight !== null && expected.address === wasInFlight && landedBefore !== wasInFlight) result.in_flight_landed += 1;
  }

  // A wrong PIN is refused with its code and changes nothing.
  await call(b.page, 'close');
  const wrong = await call(b.page, 'open', '999999').then(() => null, (e) => String(e));
  check(wrong && wrong.includes('store.wrong_pin'), `wrong PIN answered ${wrong}`);
  await call(b.page, 'open', PIN);
  verify(await call(b.page, 'state'), 'after wrong PIN');

  // The 12 MP pipeline alone, for the native ratio and the memory high-water mark.
  result.process = await b.page.evaluate(() => window.probeProcess('/photos/big.jpg'));
  await b.page.evaluate(() => window.stopWorker());
  await kill(b);
  b = null;
  result.expected_photos = Object.keys(expected.photos).length;
  console.log(JSON.stringify({ scenario: 'web_store', ok: true, ...result }));
  server.close();
} catch (e) {
  console.error(`web_store: ${e && e.stack ? e.stack : e}`);
  if (b) await kill(b).catch(() => {});
  server.close();
  process.exit(1);
}
