// The dedicated worker that runs Pendata's service (the client core: encrypted SQLite in OPFS,
// photos, sync). Messages that arrive while the wasm loads are kept and handed over.
// scripts/build-web rewrites "./pendata_app.js" to the content-hashed name it builds.
const early = [];
self.onmessage = (event) => early.push(event.data);
const wasm = await import("./pendata_app.js");
await wasm.default();
wasm.worker_main(early);
