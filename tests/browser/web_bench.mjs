// Numbers of the browser build for scripts/bench-web (never a test): in Debian's headless
// Chromium, the real pendata-core in its dedicated worker (the storage proof's probe,
// app/ui/examples/web_store.rs, built with wasm-opt as shipped):
//   * the photo pipeline on PD_PHOTO (the same 12 MP JPEG the native photo_bench timed),
//     PD_RUNS times after one warm-up: median ms, and the wasm memory afterwards (linear memory
//     never shrinks: the high-water mark of the whole worker);
//   * enrolment (argon2id at KdfParams::default, a fresh store with the migrations) and one
//     unlock after a relaunch of the browser.
// Prints one JSON line.  PD_PKG, PD_PHOTO, PD_PROFILE (empty dir), PD_RUNS.
import { dirname, basename } from 'node:path';
import { env } from './common.mjs';
import { serve, launch, kill, call } from './probe.mjs';

const PKG = env('PD_PKG');
const PHOTO = env('PD_PHOTO');
const PROFILE = env('PD_PROFILE');
const RUNS = Number(process.env.PD_RUNS || 5);

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const server = await serve(PKG, dirname(PHOTO));
const url = `http://127.0.0.1:${server.address().port}/`;
let b;
try {
  b = await launch(url, PROFILE);
  const created = await call(b.page, 'open', '135790');
  const name = basename(PHOTO);
  await b.page.evaluate((u) => window.probeProcess(u), `/photos/${name}`);
  const runs = [];
  let last;
  for (let i = 0; i < RUNS; i++) {
    last = await b.page.evaluate((u) => window.probeProcess(u), `/photos/${name}`);
    runs.push(last.ms);
  }
  await kill(b);
  b = await launch(url, PROFILE);
  const unlocked = await call(b.page, 'open', '135790');
  await kill(b);
  b = null;
  server.close();
  console.log(JSON.stringify({
    photo_ms_runs: runs,
    photo_median_ms: median(runs),
    photo_output: { width: last.width, height: last.height, bytes: last.jpeg_bytes },
    wasm_memory_bytes_after_photos: last.wasm_memory_bytes,
    kdf: created.kdf,
    create_ms: created.unlock_ms,
    unlock_ms: unlocked.unlock_ms,
  }));
} catch (e) {
  console.error(`web_bench: ${e && e.stack ? e.stack : e}`);
  if (b) await kill(b).catch(() => {});
  server.close();
  process.exit(1);
}
