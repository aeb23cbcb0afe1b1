//! Storage behind traits, so every backend runs the same contract tests.
//!
//! * [`AccountStore`] (`accounts.rs`): users, devices and per-device bearer tokens.
//! * [`BlobStore`] (`blobs.rs`): content-addressed photo bytes with resumable uploads.
//! * [`RecordStore`] (`records.rs`): households, their revisions, conflicts, reviews and the
//!   pull change log.
//! * [`web::WebSessionStore`]: the dashboard's browser sessions.
//! * [`RestoreStore`] (`restores.rs`): the data's restore lineage (identity, timelines, what
//!   came back across a restore).
//! * [`RegistryStore`] (`registry.rs`): the registry's own data beside the records (the
//!   families' desil).
//! * [`PeriodStore`] (`period.rs`): the Dinsos month — proposals' periods, a desa period's
//!   musdes/SPTJM and its two-step ratification, which locks it.
//!
//! Backends: [`sqlite::SqliteStore`] (accounts, records, web sessions in one SQLite file, one
//! file per concept under `sqlite/`), [`postgres::PgStore`] (the same on PostgreSQL, for more
//! than one server process, under `postgres/`) [`files::FileBlobStore`] (photos in a
//! folder) and [`s3::S3BlobStore`] (photos in an S3-compatible bucket, uploads in progress
//! staged in PostgreSQL). [`crate::backend::Backend`] picks them from the configuration.
//! Nothing here knows HTTP: the API maps these errors to its answers.
//!
//! Account and record methods are blocking (call them from `tokio::task::spawn_blocking`; see
//! [`crate::AppState::accounts`]); blob methods are async because they stream request bodies.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, MutexGuard};

/// The shared crate's SHA-256 hex (accepts either case, stores lower case), used in records.
pub use pendata_shared::Sha256Hex as ShaHex;

mod accounts;
mod blobs;
pub mod cases;
pub mod files;
mod ground_check;
pub mod packed;
pub mod period;
pub mod postgres;
mod records;
mod registry;
mod restores;
pub mod s3;
pub mod sqlite;
pub mod web;

#[cfg(test)]
mod backend_tests;
#[cfg(any(test, feature = "test-support"))]
pub mod case_contract;
#[cfg(any(test, feature = "test-support"))]
pub mod contract;
#[cfg(any(test, feature = "test-support"))]
pub mod period_contract;
#[cfg(any(test, feature = "test-support"))]
pub mod period_push_contract;
#[cfg(any(test, feature = "test-support"))]
pub mod registry_contract;

pub use accounts::*;
pub use blobs::*;
pub use cases::{
    CaseImportSummary, CaseKind, CaseQuery, CaseRow, CaseStore, DecideError, NewCase, PbiDecision,
    PbiOutcome,
};
pub use ground_check::*;
pub use period::PeriodStore;
pub use records::*;
pub use registry::{
    DesilImport, DuplicateNik, DuplicateRecord, NikEntry, RegistryStore, StaleHead,
};
pub use restores::*;

/// A boxed future, so [`BlobStore`] stays usable as `dyn BlobStore`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Errors of the storage layer. Their `Display` never contains passwords or tokens.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed (any backend; the backend's own error inside).
    #[error("database error: {0}")]
    Db(Box<dyn std::error::Error + Send + Sync>),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    #[error("username already exists")]
    UsernameTaken,
    #[error("database schema version {found} is newer than this server supports ({supported})")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error("storage task failed: {0}")]
    Task(String),
    /// The storage configuration cannot be used (a bad CA file, say).
    #[error("{0}")]
    Config(String),
    /// Refused while a server process runs on the database.
    #[error(
        "server masih berjalan pada basis data ini; hentikan dulu semua pendata-server \
         (a server process still runs on this database; stop every pendata-server first)"
    )]
    InUse,
}

/// Locks a mutex even if another thread panicked while holding it: the data behind the
/// store's mutexes stays consistent (SQLite rolls a half-done transaction back).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
