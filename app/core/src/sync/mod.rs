//! The sync engine: plan, photo upload, push, pull (docs/sync-protocol.md is the contract).
//!
//! * [`plan`] turns a snapshot of local state into an ordered list of operations (pure);
//! * [`client`] speaks the HTTP protocol (reqwest + rustls, typed errors, request deadlines);
//! * [`retry`] is the backoff policy (full jitter, injectable sleeping);
//! * [`engine`] runs one sync against a [`SyncStore`] and reports what happened.
//!
//! The local store plugs in through [`SyncStore`]; the engine never touches SQLite itself.

use chrono::{DateTime, Utc};
use pendata_shared::ids::{RevisionId, Sha256Hex};
use pendata_shared::photos::LocalPhotoProblem;
use pendata_shared::protocol::{
    Change, DesilUpdate, DeviceSettings, PullItem, PushRecord, PushResult, ServerEpoch,
};

pub mod client;
pub mod device_access;
pub mod device_store;
pub mod engine;
pub mod plan;
pub mod retry;
pub mod settings;

pub use crate::store::SetAside;
pub use client::{ChunkOutcome, Client, ClientConfig, ClientError, Me};
pub use device_access::{sync_through, DeviceAccess};
pub use device_store::{DeviceSyncStore, LogoutOutcome, Revoke, Session, SyncOutcome, Unsent};
pub use engine::{
    run_sync, ConflictEntry, Issue, Phase, Progress, PulledCounts, RejectedEntry, SyncError,
    SyncFailure, SyncReport,
};
pub use plan::{plan, Operation, PlanInput};
#[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
pub use retry::TokioSleeper;
pub use retry::{PlatformSleeper, RetryPolicy, Sleeper};

/// Most revisions one sync takes from the outbox (the engine pushes them in batches).
pub const MAX_PENDING_PER_SYNC: usize = 10_000;

/// A photo a pending revision references: its SHA-256 and its size in bytes.
pub type PhotoSize = (Sha256Hex, u64);

/// A failure of the local store, passed through the engine unchanged.
#[derive(Debug, thiserror::Error)]
#[error("penyimpanan lokal gagal (local store failed): {0}")]
pub struct StoreError(#[source] pub Box<dyn std::error::Error + Send + Sync + 'static>);

impl StoreError {
    /// Wraps any error (or a message) of the store.
    pub fn new(e: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>) -> Self {
        StoreError(e.into())
    }
}

/// Why [`SyncStore::photo_bytes`] gave no bytes.
#[derive(Debug, thiserror::Error)]
pub enum PhotoReadError {
    /// The photo's bytes are not usable on this device: only the records needing it suffer.
    #[error("foto tidak dapat dipakai di perangkat (photo not usable on this device): {}", .0.as_str())]
    Lost(LocalPhotoProblem),
    /// The store itself failed: the sync stops.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the sync engine needs from the local store. Every method is one short transaction;
/// all take `&mut self` so any store (one SQLite connection) can implement them.
///
/// Contract (docs/sync-protocol.md, "One sync, in order"):
/// * [`pending_revisions`](Self::pending_revisions): revisions saved for sending and not yet
///   acknowledged (neither sent, duplicate, conflict nor rejected), oldest first. A revision
///   keeps its ids and content between calls, so a re-send gets `duplicate`.
/// * [`record_push_results`](Self::record_push_results): called right after each push answer;
///   `accepted`/`duplicate` → mark sent (and remember `revision` as the household's new base,
///   noting `missing_photos`), `conflict` → keep it, mark in conflict, stop re-sending,
///   `rejected` → set aside with the findings. It must be durable when it returns.
/// * [`apply_pull`](Self::apply_pull): apply the items (idempotently; an item can arrive twice)
///   and store `next_cursor`, in one transaction. A pulled item must never overwrite a local
///   edit that is not acknowledged.
pub trait SyncStore {
    /// Revisions waiting to be pushed, oldest first.
    fn pending_revisions(&mut self) -> Result<Vec<PushRecord>, StoreError>;

    /// The photos the pending revisions reference, with their sizes (duplicates allowed).
    /// The default derives them from the households' `photos` lists.
    fn photo_refs_for_pending(&mut self) -> Result<Vec<PhotoSize>, StoreError> {
        Ok(self
            .pending_revisions()?
            .iter()
            .flat_map(photo_refs_of)
            .collect())
    }

    /// The stored bytes of one photo (the exact bytes whose SHA-256 is `sha`). A photo whose
    /// bytes are gone or unreadable is [`PhotoReadError::Lost`]: the engine then sets aside only
    /// the records that need it ([`set_aside_for_photo`](Self::set_aside_for_photo)).
    fn photo_bytes(&mut self, sha: &Sha256Hex) -> Result<Vec<u8>, PhotoReadError>;

    /// The photo `sha` cannot be sent (`problem`): take every record that needs it out of this
    /// and later syncs until the photo is taken again, durably, and say which. The engine drops
    /// the returned `withdrawn` revisions from the push; everything else goes as planned.
    fn set_aside_for_photo(
        &mut self,
        sha: &Sha256Hex,
        problem: LocalPhotoProblem,
    ) -> Result<Vec<SetAside>, StoreError>;

    /// Records the server's answer for pushed revisions (durably, before returning).
    fn record_push_results(&mut self, results: &[PushResult]) -> Result<(), StoreError>;

    /// A whole push batch got no per-record answer (the server refused the batch with a 4xx
    /// such as `request.too_large`). The revisions stay pending; the store may note the code to
    /// show it. Default: nothing to do.
    fn record_push_failure(
        &mut self,
        _revisions: &[RevisionId],
        _code: &str,
    ) -> Result<(), StoreError> {
        Ok(())
    }

    /// The opaque pull cursor last stored by [`apply_pull`](Self::apply_pull), if any.
    fn pull_cursor(&mut self) -> Result<Option<String>, StoreError>;

    /// Applies one pulled page and stores `next_cursor`, in one transaction.
    fn apply_pull(&mut self, items: &[PullItem], next_cursor: &str) -> Result<(), StoreError>;

    /// The pull has ended (all pages, or cut): make what it pulled visible where the store
    /// defers that (the device's work list lists a pull's assignments once). Default: nothing.
    fn finish_pull(&mut self) -> Result<(), StoreError> {
        Ok(())
    }

    /// Remembers when a sync last finished.
    fn set_last_sync(&mut self, now: DateTime<Utc>) -> Result<(), StoreError>;

    /// The server answering this sync is `server` (asked before anything is pushed). When it
    /// is another server state than the last sync's (the server was restored from a backup:
    /// docs/sync-protocol.md, "After a restore"), every revision the server acknowledged that
    /// the device still holds goes back to the pending revisions with its photos, and `server`
    /// is remembered, durably and together. Returns how many revisions were offered again.
    /// Default: nothing is remembered or offered again.
    fn note_server(&mut self, _server: &ServerEpoch) -> Result<u64, StoreError> {
        Ok(0)
    }

    /// The server sent its settings for devices with a pull page (the cut-off, the `[dtsen]`
    /// choices): keep them ([`settings`]). Default: ignored.
    fn apply_settings(&mut self, _settings: &DeviceSettings) -> Result<(), StoreError> {
        Ok(())
    }

    /// The desil import the device holds as a whole, named to the server in the pull so that
    /// the whole set comes again only after a new import. Default: none.
    fn desil_import_held(&mut self) -> Result<Option<i64>, StoreError> {
        Ok(None)
    }

    /// The server sent the desil of families in the user's wilayah with a pull page: keep it
    /// (before the page's items, so a page pulled again brings it again). Default: ignored.
    fn apply_desil(&mut self, _update: &DesilUpdate) -> Result<(), StoreError> {
        Ok(())
    }
}

/// The photos a record references (from the household's or family's `photos`; none for a
/// tombstone).
pub fn photo_refs_of(record: &PushRecord) -> Vec<PhotoSize> {
    record
        .change
        .photos()
        .iter()
        .map(|p| (p.sha256.clone(), p.bytes))
        .collect()
}

/// What setting aside the photo `sha` means for `records` (revisions an in-memory store still
/// holds for sending): one [`SetAside`] per household whose revisions reference the photo, with
/// those revisions as `withdrawn`. For [`SyncStore`] implementations that keep revisions in
/// memory; the device's store does the same in SQL (`Store::set_aside_for_photo`).
pub fn set_aside_of(
    records: &[PushRecord],
    sha: &Sha256Hex,
    problem: LocalPhotoProblem,
) -> Vec<SetAside> {
    let mut out: Vec<SetAside> = Vec::new();
    for r in records {
        let Change::Upsert { household } = &r.change else {
            continue;
        };
        let Some(photo) = household.photos.iter().find(|p| &p.sha256 == sha) else {
            continue;
        };
        match out.iter_mut().find(|s| s.household_id == r.household_id) {
            Some(s) => s.withdrawn.push(r.revision),
            None => out.push(SetAside {
                household_id: r.household_id,
                withdrawn: vec![r.revision],
                sha256: sha.clone(),
                problem,
                finding: pendata_shared::validate::local_photo_finding(
                    household,
                    photo.kind,
                    photo.member_id,
                    problem,
                ),
            }),
        }
    }
    out
}
