//! Backup and restore of a server's data directory (docs/server.md, "Backup and restore").
//!
//! A backup **repository** (`pendata-server backup --out DIR`) holds any number of
//! **snapshots** and one content-addressed photo store they share:
//!
//! ```text
//! DIR/photos/ab/cd/<sha256>.jpg[.age]      every photo once; a later backup copies only new ones
//! DIR/snapshots/<UTC time>/pendata.db[.age] a consistent copy of the database (online backup API)
//! DIR/snapshots/<UTC time>/photos.tsv       the photos this snapshot needs: sha256, bytes
//! DIR/snapshots/<UTC time>/MANIFEST.json    written last: what the snapshot holds
//! DIR/key.age, DIR/recipient.txt            only with a passphrase: the repository's age key
//! ```
//!
//! A snapshot without `MANIFEST.json` was interrupted: [`verify`] and [`restore`] refuse it
//! with [`BackupError::Partial`]. Each idea has its file: [`layout`] (names and paths),
//! [`manifest`], [`database`] (the online copy and its facts), [`photos`] (copying photos in
//! and out), [`crypt`] (optional age encryption), [`take`], [`verify`], [`restore`].

pub mod crypt;
pub mod database;
pub mod layout;
pub mod manifest;
pub mod photos;
pub mod restore;
pub mod take;
pub mod verify;

pub use crypt::{Decryption, Encryption};
pub use manifest::Manifest;
pub use restore::{restore, RestoreReport};
pub use take::{backup, BackupReport};
pub use verify::{verify, VerifyReport};

use std::path::PathBuf;

/// What a long step reports as it goes: a stage name, work done and total (bytes or items).
pub type Progress<'a> = &'a mut dyn FnMut(Stage, u64, u64);

/// The stages [`Progress`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The database is copied (done/total in pages: one step).
    Database,
    /// Photos are copied or checked (done/total in bytes).
    Photos,
}

/// Why a backup, verification or restore failed. Messages are Bahasa Indonesia first, for the
/// operator; nothing in them is personal data (photo names are hashes).
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "cadangan {snapshot} tidak lengkap: pencadangannya terputus sebelum selesai (tidak ada \
         MANIFEST.json); pakai cadangan lengkap yang lain{}\n(the backup {snapshot} is partial: \
         it was interrupted; use another, complete one)",
        .last_complete.as_ref().map(|s| format!(", mis. --snapshot {s}")).unwrap_or_default()
    )]
    Partial {
        snapshot: String,
        last_complete: Option<String>,
    },
    #[error(
        "pencadangan lain sedang berjalan ke {0} (another backup into this folder is running)"
    )]
    Busy(PathBuf),
    #[error("tidak ada cadangan di {0} (no backup snapshot in this directory)")]
    NoSnapshot(PathBuf),
    #[error(
        "direktori tujuan {0} tidak kosong; pemulihan hanya ke direktori baru yang kosong \
         (the target directory is not empty: restore only into a new, empty one)"
    )]
    TargetNotEmpty(PathBuf),
    #[error(
        "cadangan ini terenkripsi: berikan --passphrase-file atau --identity \
         (this backup is encrypted: give its passphrase or identity)"
    )]
    KeyNeeded,
    #[error("kunci/kata sandi cadangan salah (wrong backup key or passphrase): {0}")]
    WrongKey(String),
    #[error("enkripsi gagal (encryption failed): {0}")]
    Crypt(String),
    #[error("cadangan rusak (the backup is damaged): {0}")]
    Damaged(String),
    #[error("basis data server (server database): {0}")]
    Db(#[from] rusqlite::Error),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl BackupError {
    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Self {
        let context = context.into();
        move |source| BackupError::Io { context, source }
    }
}
