//! The data's restore lineage (docs/sync-protocol.md, "After a restore"), for every backend.
//!
//! A restored server is older than the phones. It starts a new timeline (so pull cursors are
//! re-based and devices re-offer what it lacks, [`crate::epoch`]), accepts a re-offered
//! revision whose base was lost with the old server (each backend's push), and shows the
//! supervisor which households came back across the restore (`/dashboard/restore`).
//! On SQLite `pendata-server restore` marks the restore itself; PostgreSQL is restored with its
//! own tools (pg_dump, point-in-time recovery), after which the operator runs
//! `pendata-server mark-restored`.

use chrono::{DateTime, Utc};
use pendata_shared::HouseholdId;

use super::{Scope, StoreError};
use crate::epoch::Epoch;

/// One restore in the data's past.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreRecord {
    pub generation: u32,
    /// Which backup it came from (a snapshot name, or the operator's label).
    pub snapshot: String,
    pub restored_at: DateTime<Utc>,
}

/// A household with a revision saved on a phone before the newest restore that arrived after
/// it: data sent (again) across the restore, for the supervisor to review again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResentHousehold {
    pub id: HouseholdId,
    pub desa_code: String,
    pub head_name: String,
    /// Who sent its newest such revision.
    pub username: String,
    pub received_at: DateTime<Utc>,
}

/// The restore lineage of one database.
pub trait RestoreStore: Send + Sync {
    /// The identity and lineage the sync answers show (read once when a server starts).
    fn epoch(&self) -> Result<Epoch, StoreError>;

    /// Starts a new timeline on data that was just restored: the server's identity stays, the
    /// generation goes up by one, and the change log's current end is recorded as where the
    /// histories part. Refused with [`StoreError::InUse`] while a server process runs on the
    /// database (it would keep answering with the old timeline). Returns the new generation.
    fn mark_restored(&self, snapshot: &str) -> Result<u32, StoreError>;

    /// The restores, newest first.
    fn restores(&self) -> Result<Vec<RestoreRecord>, StoreError>;

    /// The households of `scope` sent across the newest restore (none if never restored),
    /// ordered by desa and id, at most `limit`.
    fn resent_after_restore(
        &self,
        scope: &Scope,
        limit: u32,
    ) -> Result<Vec<ResentHousehold>, StoreError>;
}
