// The dedicated worker of the storage proof: OPFS sync access handles exist only here.
import init, * as core from './pkg/web_store.js';

const ready = init();

self.onmessage = async (e) => {
  const { id, op, args } = e.data;
  try {
    await ready;
    const value = await core[op](...args);
    self.postMessage({ id, ok: true, value });
  } catch (err) {
    self.postMessage({ id, ok: false, error: String(err && err.message ? err.message : err) });
  }
};
