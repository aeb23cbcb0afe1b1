//! How the sync engine reaches the [`Device`]: borrowed for the whole sync
//! ([`Device::sync`]), or lent for each store call only ([`sync_through`]).
//!
//! Lent, the device is free for other work while the sync waits on the network: the app's
//! service answers a field edit, a search or an open household in the middle of a sync on a
//! slow link. Nothing races on the store: there is one connection, each engine call and each
//! edit is its own transaction, and the engine pushes the revisions it read and marks those
//! (an edit made meanwhile is a new revision, based on the acknowledged one, sent next time).

use super::{run_sync, Client, Progress, StoreError};
use crate::device::{Device, DeviceError};
use crate::sync::{DeviceSyncStore, SyncOutcome};

/// Gives the sync engine the device for one short step at a time.
pub trait DeviceAccess {
    /// Runs `f` on the device, or says why the device cannot be had now.
    fn with<R>(&mut self, f: impl FnOnce(&mut Device) -> R) -> Result<R, StoreError>;
}

impl DeviceAccess for &mut Device {
    fn with<R>(&mut self, f: impl FnOnce(&mut Device) -> R) -> Result<R, StoreError> {
        Ok(f(self))
    }
}

/// One sync (photos, push, pull) reaching the device through `access` for each store call and
/// never across a network wait. Like [`Device::sync_with`] otherwise.
pub async fn sync_through<A: DeviceAccess>(
    access: A,
    client: &Client,
    progress: &mut dyn FnMut(Progress),
) -> Result<SyncOutcome, DeviceError> {
    let mut store = DeviceSyncStore::through(access);
    let report = run_sync(&mut store, client, progress)
        .await
        .map_err(|e| DeviceError::Sync(Box::new(e)))?;
    Ok(SyncOutcome {
        report,
        reviews: store.reviews,
        pulled: store.pulled,
    })
}
