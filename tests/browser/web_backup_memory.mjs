// A large backup through a fresh phone, with the wasm memory of the page and of the service's
// worker read before and after each step (started by tests/tests/e2e/web_app_browser/restore.rs,
// which made PD_BACKUP: a real phone's backup with tens of MB of photos added, and then checks
// that neither memory grew in proportion to the file — a backup built or read whole in memory
// again fails it). Wasm memory never shrinks, so its size after a step is the step's
// high-water mark.
//
// Pulihkan restores PD_BACKUP on the enrolment page, the PIN unlocks it, Cadangkan data makes a
// new backup (saved to PD_OUT) of everything restored.
//
// PD_URL, PD_PIN, PD_BACKUP, PD_OUT, PD_PROFILE, PD_SHOTS.
import { statSync } from 'node:fs';
import { env } from './common.mjs';
import { dismissMessages, launchPhone } from './phone.mjs';
import { makeBackup, unlock } from './web_steps.mjs';

const app = `${env('PD_URL')}/app/?kdf=test`;

/// The page's and the worker's wasm memory (bytes).
async function memory(page) {
  const workers = page.workers();
  let worker = null;
  for (const w of workers) {
    worker = (await w.evaluate(() => (self.pendataWasmBytes ? self.pendataWasmBytes() : null))) ?? worker;
  }
  const page_ = await page.evaluate(() => (window.pendata && window.pendata.wasmBytes ? window.pendata.wasmBytes() : null));
  return { page: page_, worker };
}

const result = { scenario: 'web_backup_memory', ms: {} };
const started = Date.now();
const lap = (phase) => { result.ms[phase] = Date.now() - started; };
let phone;
try {
  result.backup_in_bytes = statSync(env('PD_BACKUP')).size;
  phone = await launchPhone(env('PD_PROFILE'));
  const p = phone.page;
  await p.goto(app);
  await p.waitForSelector('[data-t="enrol-username"]', { timeout: 60000 });
  // The worker has opened the storage by now (the enrolment form is its first answer).
  result.start = await memory(p);
  await p.setInputFiles('[data-t="backup-restore-file"]', env('PD_BACKUP'));
  await p.waitForSelector('[data-t="unlock-pin"]', { timeout: 60000 });
  result.restored = await memory(p);
  lap('restored');
  await p.waitForSelector('text=Data dipulihkan');
  await dismissMessages(p);
  await unlock(p, env('PD_PIN'));
  result.unlocked = await memory(p);
  result.backup_out_bytes = (await makeBackup(p, env('PD_OUT'))).length;
  result.backed_up = await memory(p);
  lap('backed_up');
  await phone.context.close();
  phone = null;
  console.log(JSON.stringify({ ok: true, ...result }));
} catch (e) {
  if (phone) await phone.context.close().catch(() => {});
  console.error(`web_backup_memory: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
}
