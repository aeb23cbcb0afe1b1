// The first thing the page runs (a classic script in <head>, before the page is parsed): starts
// the service's Web Worker (worker.js), which compiles the wasm and opens the store on its own
// thread while the page parses, loads its scripts and draws. The worker hands the compiled wasm
// module back over `pendata.module` (a MessageChannel, so the app's own messages stay apart),
// and the page runs the same module instead of compiling it a second time. The app takes the
// worker (`pendata.worker`, app/ui/src/service/web.rs); an error before it does is kept for it
// to show.
window.pendata = { worker: null, workerError: undefined, port: null, module: Promise.resolve(null) };
try {
  const worker = new Worker("worker.js", { type: "module", name: "pendata-service" });
  const channel = new MessageChannel();
  // Held until the module came, so that nothing collects the port while the worker compiles.
  pendata.port = channel.port1;
  pendata.module = new Promise((resolve) => {
    const took = (module) => {
      resolve(module);
      channel.port1.close();
      pendata.port = null;
    };
    channel.port1.onmessage = (e) => took(e.data instanceof WebAssembly.Module ? e.data : null);
    // A module the page cannot take (it failed to deserialize here): the page compiles its own.
    channel.port1.onmessageerror = () => {
      console.warn("the worker's compiled wasm could not be taken; compiling it here");
      took(null);
    };
    worker.addEventListener("error", (e) => {
      pendata.workerError ??= e.message || "error";
      resolve(null);
    });
  });
  worker.postMessage(channel.port2, [channel.port2]);
  pendata.worker = worker;
} catch (e) {
  pendata.workerError = String(e);
}
