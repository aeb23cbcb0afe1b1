//! The page's side of the service in the browser: the worker runs in a dedicated module Web
//! Worker (`worker.js`, which calls `worker_main` in this same wasm: `web_worker.rs`), because
//! the OPFS storage the core needs exists only there. Intents go to it and updates come back
//! as structured-cloned values made with `serde-wasm-bindgen` (photo bytes as one
//! `Uint8Array`). The first message is the configuration ([`ToWorker::Start`]). index.js starts
//! the worker as the page loads, with the page's compiled wasm, and the app takes it here.

use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::{Intent, Service, ServiceConfig, ToWorker};
use crate::i18n::tr;
use crate::state::Update;

/// The worker's script, beside index.html (a stable name: it imports the hashed wasm glue).
pub const WORKER_SCRIPT: &str = "worker.js";

/// The worker index.js started as the page loaded (`pendata.worker`, given the compiled wasm),
/// taken once; `Err` with what failed when it could not start or failed before it was taken.
/// `None` when index.js started none (the app then starts its own).
fn take_started_worker() -> Option<Result<web_sys::Worker, String>> {
    let shell = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("pendata"))
        .ok()
        .filter(|v| v.is_object())?;
    let key = JsValue::from_str("worker");
    let worker = js_sys::Reflect::get(&shell, &key).ok()?;
    let _ = js_sys::Reflect::set(&shell, &key, &JsValue::UNDEFINED);
    let failed = js_sys::Reflect::get(&shell, &JsValue::from_str("workerError"))
        .ok()
        .filter(|e| !e.is_undefined() && !e.is_null());
    if let Some(e) = failed {
        return Some(Err(e.as_string().unwrap_or_else(|| format!("{e:?}"))));
    }
    worker.dyn_into::<web_sys::Worker>().ok().map(Ok)
}

fn encode(message: &ToWorker) -> Result<JsValue, String> {
    serde_wasm_bindgen::to_value(message).map_err(|e| e.to_string())
}

/// Starts the Web Worker and returns the handle and the update stream.
pub(super) fn start(config: ServiceConfig) -> (Service, UnboundedReceiver<Update>) {
    let (out, updates) = unbounded_channel();
    let lang = pendata_shared::Lang::Id;
    let started = take_started_worker().unwrap_or_else(|| {
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        options.set_name("pendata-service");
        web_sys::Worker::new_with_options(WORKER_SCRIPT, &options).map_err(|e| format!("{e:?}"))
    });
    let worker = match started {
        Ok(w) => w,
        Err(e) => {
            tracing::error!("cannot start the service worker: {e}");
            let _ = out.send(Update::Error(format!(
                "{} (service.worker)",
                tr(lang, "web.worker_failed")
            )));
            return (Service::from_fn(|_| {}), updates);
        }
    };
    let to_ui = out.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            match serde_wasm_bindgen::from_value::<Update>(e.data()) {
                Ok(u) => {
                    let _ = to_ui.send(u);
                }
                Err(err) => tracing::error!("an update from the worker was not understood: {err}"),
            }
        });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The page lives as long as the app: the handler is kept for good.
    on_message.forget();
    let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |e: web_sys::ErrorEvent| {
        tracing::error!("the service worker failed: {}", e.message());
        let _ = out.send(Update::Error(format!(
            "{} (service.worker)",
            tr(lang, "web.worker_failed")
        )));
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    let post = move |message: ToWorker| match encode(&message) {
        Ok(v) => {
            if let Err(e) = worker.post_message(&v) {
                tracing::error!("cannot post to the service worker: {e:?}");
            }
        }
        Err(e) => tracing::error!("cannot encode a message for the service worker: {e}"),
    };
    post(ToWorker::Start(config));
    (
        Service::from_fn(move |intent: Intent| post(ToWorker::Intent(intent))),
        updates,
    )
}
