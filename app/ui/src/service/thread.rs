//! The worker as a thread (desktop, Android): intents on a channel, served by the loop of
//! `serve.rs` (a sync beside the other intents) on the thread's current-thread tokio runtime.

use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

use super::{serve::serve, Intent, Service, ServiceConfig, Worker};
use crate::state::Update;

/// Spawns the worker thread. It stops once every handle is gone.
pub(super) fn start(config: ServiceConfig) -> (Service, UnboundedReceiver<Update>) {
    let (tx, rx) = unbounded_channel::<Intent>();
    let (out, updates) = unbounded_channel();
    let spawned = std::thread::Builder::new()
        .name("pendata-service".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    tracing::error!("no async runtime for the service: {e}");
                    let _ = out.send(Update::Error(format!("{e} (service.runtime)")));
                    return;
                }
            };
            runtime.block_on(serve(Worker::new(config, out), rx, Some));
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start the service thread: {e}");
    }
    let send = move |intent| {
        if tx.send(intent).is_err() {
            tracing::error!("the service thread has stopped");
        }
    };
    (Service::from_fn(send), updates)
}
