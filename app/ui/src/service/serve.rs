//! The worker's loop, the same on both runtimes (the desktop/Android thread, the browser's Web
//! Worker): intents are served in order, except that a sync does not hold them up. While a
//! sync waits on the network, a field edit, a search or opening a household is answered at
//! once; what cannot share the device with a running sync (a second sync, unlock, lock, the
//! PIN, backup and restore, logout, login again, a flush) waits for its end.
//!
//! There is one device and one SQLite connection. The sync gets the device only while it is
//! polled (it is lent into a slot and taken back), and every store call of the sync engine is
//! one short transaction (`pendata_core::sync::DeviceAccess`); an edit is its own transaction
//! between two of them. The engine marks sent the revisions it read and pushed; an edit made
//! meanwhile is a new revision, sent by the next sync (the core's revision rules).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;

use pendata_core::sync::{DeviceAccess, StoreError};
use pendata_core::Device;
use tokio::sync::mpsc::UnboundedReceiver;

use super::sync::SyncEnd;
use super::{Intent, Worker};
use crate::state::Update;

/// A sync in flight.
pub(super) type SyncRun = Pin<Box<dyn Future<Output = SyncEnd>>>;

/// Where the device is while a sync is polled.
pub(super) type Slot = Rc<RefCell<Option<Device>>>;

/// The sync's way to the device: the slot, filled only while the sync runs.
pub(super) struct Lent(pub(super) Slot);

impl DeviceAccess for Lent {
    fn with<R>(&mut self, f: impl FnOnce(&mut Device) -> R) -> Result<R, StoreError> {
        let mut slot = self
            .0
            .try_borrow_mut()
            .map_err(|_| StoreError::new("the device is in use (service.device_busy)"))?;
        match slot.as_mut() {
            Some(d) => Ok(f(d)),
            None => Err(StoreError::new(
                "the device is locked (service.device_absent)",
            )),
        }
    }
}

/// Whether `intent` must wait until a running sync ends: every long one but a photo (it only
/// adds to a record, as any edit), locking, and a flush (it promises nothing is in flight).
fn waits_for_sync(intent: &Intent) -> bool {
    let photo = matches!(
        intent,
        Intent::AddPhotoFile { .. } | Intent::AddPhotoBytes { .. }
    );
    (intent.is_long() && !photo) || matches!(intent, Intent::Lock | Intent::Flush(_))
}

enum Event {
    Intent(Intent),
    Synced(SyncEnd),
}

/// Serves the messages of `inbox` (each read as an intent by `intent_of`) until it closes.
pub(crate) async fn serve<M>(
    mut worker: Worker,
    mut inbox: UnboundedReceiver<M>,
    intent_of: impl Fn(M) -> Option<Intent>,
) {
    worker.hello();
    let slot: Slot = Rc::default();
    let mut sync: Option<SyncRun> = None;
    let mut waiting: VecDeque<Intent> = VecDeque::new();
    loop {
        let event = match waiting.pop_front() {
            Some(intent) if sync.is_none() => {
                if waiting.is_empty() {
                    worker.emit(Update::WaitingForSync(false));
                }
                Some(Event::Intent(intent))
            }
            held => {
                if let Some(intent) = held {
                    waiting.push_front(intent);
                }
                std::future::poll_fn(|cx| {
                    if let Some(run) = sync.as_mut() {
                        // The device goes to the sync for this poll only.
                        *slot.borrow_mut() = worker.device.take();
                        let polled = run.as_mut().poll(cx);
                        worker.device = slot.borrow_mut().take();
                        if let Poll::Ready(end) = polled {
                            return Poll::Ready(Some(Event::Synced(end)));
                        }
                    }
                    loop {
                        match inbox.poll_recv(cx) {
                            Poll::Ready(Some(m)) => match intent_of(m) {
                                Some(intent) => return Poll::Ready(Some(Event::Intent(intent))),
                                None => continue,
                            },
                            Poll::Ready(None) => return Poll::Ready(None),
                            Poll::Pending => return Poll::Pending,
                        }
                    }
                })
                .await
            }
        };
        match event {
            None => break,
            Some(Event::Synced(end)) => {
                sync = None;
                worker.end_sync(end);
            }
            Some(Event::Intent(intent)) if sync.is_some() && waits_for_sync(&intent) => {
                if waiting.is_empty() {
                    worker.emit(Update::WaitingForSync(true));
                }
                waiting.push_back(intent);
            }
            Some(Event::Intent(Intent::CancelWait)) => {
                if !waiting.is_empty() {
                    waiting.clear();
                    worker.emit(Update::WaitingForSync(false));
                }
            }
            Some(Event::Intent(intent)) => worker.step(intent).await,
        }
        if sync.is_none() && worker.take_sync_request() {
            sync = Some(worker.start_sync(slot.clone()));
        }
    }
    worker.close();
}
