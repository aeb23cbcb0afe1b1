// Starts the app (the UI's wasm; the Web Worker that runs its service was started by boot.js)
// and the service worker that keeps it for use without signal.
// scripts/build-web rewrites "./pendata_app.js" and "pendata_app_bg.wasm" to the content-hashed
// names it builds.
import init, { start_app } from "./pendata_app.js";

performance.mark("pendata-index");

// What the UI reads through js_sys (no eval: the page's CSP forbids it); boot.js made it.
const pendata = window.pendata ?? { worker: null, module: Promise.resolve(null) };
Object.assign(pendata, {
  // Resolves with true once a new version is installed and waiting.
  updateReady: null,
  // Activates the waiting version and reloads once it controls the page.
  applyUpdate() {
    navigator.serviceWorker.getRegistration().then((reg) => {
      if (!reg || !reg.waiting) { location.reload(); return; }
      navigator.serviceWorker.addEventListener("controllerchange", () => location.reload(), { once: true });
      reg.waiting.postMessage("skip-waiting");
    });
  },
});
window.pendata = pendata;

// The service worker is registered only once the app runs (below): its install copies the
// whole shell into its cache, and started earlier it would download the wasm a second time
// beside the page's own download (measured: twice the bytes of the first visit, on a phone's
// slow link twice the wait); registered after, it finds the content-hashed files in the HTTP
// cache.
let resolveUpdate;
pendata.updateReady = new Promise((resolve) => { resolveUpdate = resolve; });
function registerServiceWorker(resolve) {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("sw.js").then((reg) => {
    // A waiting worker while another controls the page is a new version.
    const watch = (worker) => {
      if (!worker) return;
      const check = () => {
        if (worker.state === "installed" && navigator.serviceWorker.controller) resolve(true);
      };
      worker.addEventListener("statechange", check);
      check();
    };
    watch(reg.waiting);
    watch(reg.installing);
    reg.addEventListener("updatefound", () => watch(reg.installing));
    // Look for a new version whenever the app comes back online or to the front.
    window.addEventListener("online", () => reg.update().catch(() => {}));
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") reg.update().catch(() => {});
    });
  }).catch((e) => console.warn("service worker not registered", e));
}

// The service's Web Worker started first (boot.js) and compiles the wasm off this thread; the
// page runs the module it hands back rather than compile the same wasm a second time. Without
// it (no worker, or its compile failed) the page compiles its own.
const wasmUrl = new URL("pendata_app_bg.wasm", import.meta.url);
async function compile() {
  try {
    // Streaming: compiled as the bytes arrive, and Chromium keeps the compiled code beside the
    // service worker's cached response for the next start.
    return await WebAssembly.compileStreaming(fetch(wasmUrl));
  } catch (e) {
    console.warn("streaming compilation failed; compiling from the bytes", e);
    const bytes = await (await fetch(wasmUrl)).arrayBuffer();
    return WebAssembly.compile(bytes);
  }
}
let module = await pendata.module;
if (!module) {
  performance.mark("pendata-compiling-here");
  module = await compile();
}
performance.mark("pendata-compiled");
const exports = await init({ module_or_path: module });
performance.mark("pendata-page-wasm");
// The size of the page's wasm memory (its high-water mark), read by the browser tests.
pendata.wasmBytes = () => exports.memory.buffer.byteLength;
// The boot screen (and its install help) gives way to the app.
document.getElementById("main").replaceChildren();
start_app();
performance.mark("pendata-app-started");
registerServiceWorker(resolveUpdate);
