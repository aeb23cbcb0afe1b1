// Pendata's service worker: keeps the app shell for use without signal. Never caches API calls.
//
// scripts/build-web replaces the two placeholders below: VERSION by a hash over every shell
// file, SHELL by the list of their (content-hashed) names relative to this file. A new build
// is therefore a new sw.js: the browser installs it beside the running one, and it waits until
// the page says the facilitator tapped "Versi baru tersedia — muat ulang" (message
// "skip-waiting"), which the page only offers when no edit is in flight.
const VERSION = "__PENDATA_VERSION__";
const SHELL = __PENDATA_SHELL__;
const CACHE = `pendata-shell-${VERSION}`;

// Content-hashed files (the wasm and its glue: name-<16 hex>.js / _bg.wasm) never change under
// their name: the copy the page just downloaded (in the HTTP cache) is taken. Every other file
// is fetched fresh, so a new version never precaches an old index.html or sw-side file.
const HASHED = /-[0-9a-f]{16}(_bg)?\.(js|wasm)$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(
      SHELL.map((f) => new Request(f, { cache: HASHED.test(f) ? "default" : "reload" })),
    )),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((k) => k.startsWith("pendata-shell-") && k !== CACHE).map((k) => caches.delete(k)),
      ))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") {
    self.skipWaiting();
  }
});

// The scope is the app's folder (/app/); the API lives beside it (/api/, /healthz) and is never
// answered from here: only GETs inside the scope, and never a URL under /api/.
self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  const scope = new URL(self.registration.scope);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  if (url.pathname.includes("/api/")) return;
  event.respondWith(fromShell(req, url, scope));
});

async function fromShell(req, url, scope) {
  const cache = await caches.open(CACHE);
  // The app's own address (and a reload of it) is its index page.
  const key = url.pathname === scope.pathname ? new URL("index.html", scope).href : req;
  const hit = await cache.match(key, { ignoreSearch: true });
  if (hit) return hit;
  return fetch(req);
}
