//! Work the worker starts and does not wait for (the `/healthz` check): natively on a
//! short-lived thread of its own with its own current-thread runtime, so neither the worker
//! nor the UI waits; in the browser a task on the worker's event loop.

use std::future::Future;

/// Runs the future `make` returns apart from the worker's intents.
pub(super) fn spawn_background<F, Fut>(name: &str, make: F)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + 'static,
{
    #[cfg(not(target_family = "wasm"))]
    {
        let spawned = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt.block_on(make()),
                    Err(e) => tracing::warn!("no runtime for a background job: {e}"),
                }
            });
        if let Err(e) = spawned {
            tracing::warn!("cannot start {name}: {e}");
        }
    }
    #[cfg(all(target_family = "wasm", feature = "web"))]
    {
        let _ = name;
        wasm_bindgen_futures::spawn_local(make());
    }
}
