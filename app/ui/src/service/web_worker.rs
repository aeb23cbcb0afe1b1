//! Inside the browser's dedicated Web Worker (`worker.js` calls [`worker_main`]): the same
//! [`Worker`] as on the desktop thread, its intents served by the same loop (`serve.rs`: a
//! sync beside the other intents) on the worker's event loop. The core's OPFS storage is installed first (`pendata_core::web`); a second tab
//! of the app cannot open it and says so.

use std::cell::RefCell;
use std::rc::Rc;

use tokio::sync::mpsc::unbounded_channel;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::serve::serve;
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

    // Updates leave as soon as they are emitted: the worker's own emits are posted at once
    // (`drain`, called by `Worker::emit`), not when the intent being served ends — the page
    // shows a search's rows while its totals are still counted, and a long unlock's notice
    // while it runs. What other tasks send (sync progress, reachability) the poster takes.
    let (out, updates) = unbounded_channel::<Update>();
    let updates = Rc::new(RefCell::new(updates));
    let post = {
        let scope = scope.clone();
        Rc::new(move |u: Update| match serde_wasm_bindgen::to_value(&u) {
            Ok(v) => {
                if let Err(e) = scope.post_message(&v) {
                    tracing::error!("cannot post an update: {e:?}");
                }
            }
            Err(e) => tracing::error!("cannot encode an update: {e}"),
        })
    };
    let drain = {
        let (updates, post) = (updates.clone(), post.clone());
        move || loop {
            let next = updates.borrow_mut().try_recv();
            match next {
                Ok(u) => post(u),
                Err(_) => break,
            }
        }
    };
    wasm_bindgen_futures::spawn_local(async move {
        loop {
            // The receiver is borrowed only while polled, never across the wait.
            let next = std::future::poll_fn(|cx| updates.borrow_mut().poll_recv(cx)).await;
            match next {
                Some(u) => post(u),
                None => break,
            }
        }
    });

    wasm_bindgen_futures::spawn_local(async move {
        // The storage opens at once, while the page is still starting the app that sends the
        // configuration (boot.js starts this worker before the page is parsed): the first
        // answer, NeedsUnlock or NeedsEnrol, then needs only a look into it.
        let storage = pendata_core::web::install_storage().await;
        let config = loop {
            match messages.recv().await {
                Some(ToWorker::Start(config)) => break config,
                Some(ToWorker::Intent(_)) => {
                    tracing::warn!("an intent before the configuration was dropped");
                }
                None => return,
            }
        };
        if let Err(e) = storage {
            let _ = out.send(Update::Error(format!("{e} ({})", e.code())));
            return;
        }
        // A backup kept from before for the page's download is no longer needed.
        wasm_bindgen_futures::spawn_local(async {
            if let Err(e) = super::web_files::clear_backups().await {
                tracing::warn!("an old backup file was not removed: {e}");
            }
        });
        let worker = Worker::new(config, out).posting_with(Rc::new(drain));
        serve(worker, messages, |m| match m {
            ToWorker::Intent(intent) => Some(intent),
            ToWorker::Start(_) => {
                tracing::warn!("the service was already started");
                None
            }
        })
        .await;
    });
}
