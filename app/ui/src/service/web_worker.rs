//! Inside the browser's dedicated Web Worker (`worker.js` calls [`worker_main`]): the same
//! [`Worker`] as on the desktop thread, its intents served one after another on the worker's
//! event loop. The core's OPFS storage is installed first (`pendata_core::web`); a second tab
//! of the app cannot open it and says so.

use tokio::sync::mpsc::unbounded_channel;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::{ToWorker, Worker};
use crate::state::Update;

fn decode(v: JsValue) -> Option<ToWorker> {
    serde_wasm_bindgen::from_value(v)
        .map_err(|e| tracing::error!("a message for the service was not understood: {e}"))
        .ok()
}

/// The worker's entry. `early` holds the messages that arrived while the wasm was loading.
#[wasm_bindgen]
pub fn worker_main(early: js_sys::Array) {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let (inbox, mut messages) = unbounded_channel::<ToWorker>();
    for v in early.iter() {
        if let Some(m) = decode(v) {
            let _ = inbox.send(m);
        }
    }
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            if let Some(m) = decode(e.data()) {
                let _ = inbox.send(m);
            }
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();

    let (out, mut updates) = unbounded_channel::<Update>();
    let post_scope = scope.clone();
    wasm_bindgen_futures::spawn_local(async move {
        while let Some(u) = updates.recv().await {
            match serde_wasm_bindgen::to_value(&u) {
                Ok(v) => {
                    if let Err(e) = post_scope.post_message(&v) {
                        tracing::error!("cannot post an update: {e:?}");
                    }
                }
                Err(e) => tracing::error!("cannot encode an update: {e}"),
            }
        }
    });

    wasm_bindgen_futures::spawn_local(async move {
        let config = loop {
            match messages.recv().await {
                Some(ToWorker::Start(config)) => break config,
                Some(ToWorker::Intent(_)) => {
                    tracing::warn!("an intent before the configuration was dropped");
                }
                None => return,
            }
        };
        if let Err(e) = pendata_core::web::install_storage().await {
            let _ = out.send(Update::Error(format!("{e} ({})", e.code())));
            return;
        }
        let mut worker = Worker::new(config, out);
        worker.hello();
        while let Some(m) = messages.recv().await {
            match m {
                ToWorker::Intent(intent) => worker.step(intent).await,
                ToWorker::Start(_) => tracing::warn!("the service was already started"),
            }
        }
        worker.close();
    });
}
