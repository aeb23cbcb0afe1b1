// The dedicated worker that runs Pendata's service (the client core: encrypted SQLite in OPFS,
// photos, sync). boot.js starts it as the page begins to load and sends a MessagePort first: the
// worker compiles the wasm (off the page's thread) and hands the compiled module back through
// it, so the page does not compile it again. Messages that arrive while the wasm loads are kept
// and handed over.
// scripts/build-web rewrites "./pendata_app.js" and "pendata_app_bg.wasm" to the content-hashed
// names it builds.
const early = [];
let port = null;
// The compiled module once compiling ended (null if it failed), for the page.
let compiled;
const handOver = () => {
  if (port && compiled !== undefined) {
    port.postMessage(compiled);
    port = null;
  }
};
// The port is taken by a listener of its own, which stays when the service takes `onmessage`.
self.addEventListener("message", (event) => {
  if (event.data instanceof MessagePort) {
    port = event.data;
    handOver();
  }
});
self.onmessage = (event) => {
  if (!(event.data instanceof MessagePort)) early.push(event.data);
};
// The wasm's download and compilation start first, beside the glue's import.
const compiling = WebAssembly.compileStreaming(fetch(new URL("pendata_app_bg.wasm", import.meta.url)));
// Never an unhandled rejection: its failure is handled below, once the glue is in.
compiling.catch(() => {});
const wasm = await import("./pendata_app.js");
performance.mark("pendata-worker-glue");
try {
  compiled = await compiling;
} catch (e) {
  // The page then compiles its own; this worker fails, and the app says so.
  compiled = null;
  handOver();
  throw e;
}
handOver();
performance.mark("pendata-worker-compiled");
const exports = await wasm.default({ module_or_path: compiled });
performance.mark("pendata-worker-wasm");
// The size of the worker's wasm memory (it only grows: its high-water mark), read by the
// browser tests (a backup must not need memory in proportion to its size).
self.pendataWasmBytes = () => exports.memory.buffer.byteLength;
wasm.worker_main(early);
