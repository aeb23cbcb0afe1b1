// What the phone refuses on the photo step (part of the web app scenario, web_app.mjs, offline,
// the household open on Foto with the `keep` photo taken): each gets a clear message in Bahasa
// Indonesia and loses nothing (the `keep` photo stays, `kind` stays empty, the app goes on):
//   * files that are not photos (a PDF scan picked from the phone's files, a text note);
//   * a 60 MP photo (9000x6700, a real JPEG made by Chromium's own encoder on a canvas);
// and (fullStorage) the storage filling up while the other photos are taken.
import { check } from './common.mjs';
import { dismissMessages, hook } from './phone.mjs';

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
  '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
  'latin1',
);

export async function refusedPhotos({ page, shot, kind, keep }) {
  const unchanged = async (where) => {
    check(await page.isVisible(hook(`thumb-${keep}`)), `${where}: the ${keep} photo is gone`);
    check(!(await page.$(hook(`thumb-${kind}`))), `${where}: a ${kind} photo was stored`);
  };
  const said = async (text, where) => {
    await page.waitForSelector(`[data-t^="msg-"]:has-text("${text}")`, { timeout: 60000 });
    await unchanged(where);
  };

  // --- not a photo: a PDF scan of the KK, a text note ---------------------------------------
  await page.setInputFiles(hook(`photo-file-${kind}`), {
    name: 'scan-kk.pdf', mimeType: 'application/pdf', buffer: PDF,
  });
  await said('Format gambar PDF tidak didukung. Gunakan foto JPEG atau PNG', 'a PDF');
  await shot('refused-pdf');
  await dismissMessages(page);
  await page.setInputFiles(hook(`photo-file-${kind}`), {
    name: 'catatan.txt', mimeType: 'text/plain', buffer: Buffer.from('Catatan kunjungan: rumah kosong\n'),
  });
  await said('Berkas ini bukan foto', 'a text file');
  await dismissMessages(page);

  // --- 60 MP --------------------------------------------------------------------------------
  const bigBytes = await page.evaluate(async (sel) => {
    const w = 9000;
    const h = 6700;
    const canvas = new OffscreenCanvas(w, h);
    const g = canvas.getContext('2d');
    const sky = g.createLinearGradient(0, 0, w, h);
    sky.addColorStop(0, '#6a8caf');
    sky.addColorStop(1, '#c9a46b');
    g.fillStyle = sky;
    g.fillRect(0, 0, w, h);
    for (let i = 0; i < 600; i++) {
      g.fillStyle = `hsl(${(i * 37) % 360}, 40%, ${25 + (i % 50)}%)`;
      g.fillRect((i * 997) % w, (i * 661) % h, 120 + (i % 7) * 60, 80 + (i % 5) * 50);
    }
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
    const input = document.querySelector(sel);
    const files = new DataTransfer();
    files.items.add(new File([blob], 'IMG_20261207_60MP.jpg', { type: 'image/jpeg' }));
    input.files = files.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    return blob.size;
  }, hook(`photo-file-${kind}`));
  await said('Resolusi foto terlalu besar (9000x6700 piksel)', 'a 60 MP photo');
  await shot('refused-60mp');
  await dismissMessages(page);

  return { refused_60mp_bytes: bigBytes };
}

/// The phone's storage fills up while the facilitator takes the other photos: Chromium's quota
/// for this origin is set to 1 byte (DevTools protocol, `Storage.overrideQuotaForOrigin`; the
/// OPFS files keep the room Chromium already granted them, so the first photos may still fit).
/// Photo after photo goes in until one is refused with "Penyimpanan penuh"; every photo taken
/// before is still there; with room again the refused one is taken, then the rest.
export async function fullStorage({ page, context, shot, kinds, photos }) {
  const origin = new URL(page.url()).origin;
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1 });
  const taken = [];
  let refused = null;
  let next = 1;
  const take = async (kind) => {
    await page.setInputFiles(hook(`photo-file-${kind}`), photos[next % photos.length]);
    next += 1;
  };
  for (const kind of kinds) {
    if (await page.$(hook(`thumb-${kind}`))) {
      taken.push(kind);
      continue;
    }
    await take(kind);
    const full = `[data-t^="msg-"]:has-text("Penyimpanan penuh")`;
    await page.waitForSelector(`${hook(`thumb-${kind}`)}, ${full}`, { timeout: 120000 });
    if (await page.$(full)) {
      refused = kind;
      break;
    }
    taken.push(kind);
  }
  check(refused !== null, `the quota of 1 byte never filled up: ${taken.length} photos taken`);
  for (const k of taken) check(await page.isVisible(hook(`thumb-${k}`)), `storage full: the ${k} photo is gone`);
  check(!(await page.$(hook(`thumb-${refused}`))), `storage full: a ${refused} photo was stored anyway`);
  await shot('refused-full');
  await dismissMessages(page);
  // Room again (the facilitator sent the data and freed some): the refused photo, then the rest.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  await cdp.detach();
  for (const kind of kinds) {
    if (await page.$(hook(`thumb-${kind}`))) continue;
    await take(kind);
    await page.waitForSelector(hook(`thumb-${kind}`), { timeout: 120000 });
  }
  return { photos_before_full: taken.length, refused_when_full: refused };
}
