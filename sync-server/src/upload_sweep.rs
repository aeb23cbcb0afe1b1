//! Forgetting photo uploads that were started and never finished (a photo retaken before it was
//! sent, a phone reset or lost): every hour the server asks its photo store to drop uploads
//! silent for longer than `[limits] abandoned_upload_hours` ([`BlobStore::sweep_abandoned`]).
//! With several server processes each sweeps; dropping twice is harmless.

use std::sync::Arc;
use std::time::Duration;

use crate::store::BlobStore;

/// How often the sweep runs (the first time right at start).
const EVERY: Duration = Duration::from_secs(3600);

/// Sweeps until the task is dropped.
pub async fn run(blobs: Arc<dyn BlobStore>, idle: Duration) {
    let mut every = tokio::time::interval(EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        match blobs.sweep_abandoned(idle).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(uploads = n, "unfinished photo uploads forgotten"),
            Err(e) => tracing::warn!(error = %e, "sweeping unfinished photo uploads failed"),
        }
    }
}
