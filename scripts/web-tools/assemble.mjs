// Assembles the installable web app (scripts/build-web app) from wasm-bindgen's output and the
// shell in app/ui/web/, into OUT (served by pendata-server under /app/):
//   * the wasm and its JS glue get content-hashed names (pendata_app-<hash>.js, …_bg.wasm), so
//     the server may let browsers keep them for a year; index.js and worker.js import the glue
//     by that name;
//   * sw.js gets VERSION (a hash over every shell file) and SHELL (every file to precache);
//   * every text and wasm file gets .br and .gz siblings, sent as the browser accepts them.
// Prints one JSON line: the files and their raw, gzip and brotli sizes.
//   node assemble.mjs PKG_DIR SHELL_DIR STYLE_CSS OUT_DIR
import { createHash } from 'node:crypto';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { cpSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const [pkg, shell, style, out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node assemble.mjs PKG_DIR SHELL_DIR STYLE_CSS OUT_DIR');
  process.exit(2);
}
const hash = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
cpSync(shell, out, { recursive: true });
cpSync(style, join(out, 'style.css'));
cpSync(join(pkg, 'snippets'), join(out, 'snippets'), { recursive: true, errorOnExist: false });

// wasm, then the glue that names it, then the scripts that import the glue.
const wasm = readFileSync(join(pkg, 'pendata_app_bg.wasm'));
const wasmName = `pendata_app-${hash(wasm)}_bg.wasm`;
writeFileSync(join(out, wasmName), wasm);
let glue = readFileSync(join(pkg, 'pendata_app.js'), 'utf8');
if (!glue.includes('pendata_app_bg.wasm')) throw new Error('the glue does not name pendata_app_bg.wasm');
glue = glue.replaceAll('pendata_app_bg.wasm', wasmName);
const glueName = `pendata_app-${hash(glue)}.js`;
writeFileSync(join(out, glueName), glue);
for (const f of ['index.js', 'worker.js']) {
  const text = readFileSync(join(out, f), 'utf8');
  if (!text.includes('./pendata_app.js')) throw new Error(`${f} does not import ./pendata_app.js`);
  writeFileSync(join(out, f), text.replaceAll('./pendata_app.js', `./${glueName}`));
}
// worker.js compiles the wasm (and hands the module to the page); index.js only without it.
for (const f of ['index.js', 'worker.js']) {
  const text = readFileSync(join(out, f), 'utf8');
  if (!text.includes('pendata_app_bg.wasm')) throw new Error(`${f} does not name pendata_app_bg.wasm`);
  writeFileSync(join(out, f), text.replaceAll('pendata_app_bg.wasm', wasmName));
}
// index.html preloads every module of index.js's graph (the glue and the snippets it imports),
// which the browser would otherwise discover one level at a time.
const graph = [];
const visit = (f) => {
  if (graph.includes(f)) return;
  graph.push(f);
  const text = readFileSync(join(out, f), 'utf8');
  for (const [, spec] of text.matchAll(/^import\s[^;]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/gm)) {
    visit(relative(out, join(out, f, '..', spec)));
  }
};
visit(glueName);
const preload = graph.map((f) => `<link rel="modulepreload" href="${f}">`).join('\n  ');
const indexHtml = readFileSync(join(out, 'index.html'), 'utf8');
if (!indexHtml.includes('<!--PENDATA_PRELOAD-->')) throw new Error('index.html lacks <!--PENDATA_PRELOAD-->');
writeFileSync(join(out, 'index.html'), indexHtml.replace('<!--PENDATA_PRELOAD-->', preload));

const files = (dir) => readdirSync(dir).flatMap((n) => {
  const p = join(dir, n);
  return statSync(p).isDirectory() ? files(p) : [relative(out, p)];
});
const shellFiles = files(out).filter((f) => f !== 'sw.js').sort();
const version = hash(shellFiles.map((f) => `${f}\0${hash(readFileSync(join(out, f)))}`).join('\n'));
let sw = readFileSync(join(out, 'sw.js'), 'utf8');
for (const placeholder of ['"__PENDATA_VERSION__"', '__PENDATA_SHELL__']) {
  if (!sw.includes(placeholder)) throw new Error(`sw.js lacks ${placeholder}`);
}
sw = sw.replace('"__PENDATA_VERSION__"', JSON.stringify(version))
  .replace('__PENDATA_SHELL__', JSON.stringify(['./', ...shellFiles]));
writeFileSync(join(out, 'sw.js'), sw);

// Precompressed siblings for everything compressible (PNG icons already are).
const sizes = [];
for (const f of files(out).sort()) {
  const bytes = readFileSync(join(out, f));
  const row = { file: f, raw: bytes.length };
  if (!f.endsWith('.png')) {
    const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } });
    const gz = gzipSync(bytes, { level: 9 });
    writeFileSync(join(out, `${f}.br`), br);
    writeFileSync(join(out, `${f}.gz`), gz);
    row.br = br.length;
    row.gz = gz.length;
  }
  sizes.push(row);
}
const total = (k) => sizes.reduce((s, r) => s + (r[k] ?? r.raw), 0);
console.log(JSON.stringify({ version, wasm: wasmName, glue: glueName, raw: total('raw'), gzip: total('gz'), brotli: total('br'), files: sizes }));
