//! `pendata-server restore --from DIR --data-dir NEW`: a snapshot back into a new, empty data
//! directory.
//!
//! Refuses a data directory that is not empty (a live server's, or an earlier attempt's), a
//! partial snapshot, and a snapshot whose database or any photo does not match its manifest.
//! The database is placed last under its real name, after every photo: a restore cut short
//! leaves no `pendata.db`, so nothing looks like a finished restore. The restored database
//! starts a new **restore generation** (docs/sync-protocol.md, "After a restore"), which
//! tells every device that the server went back in time.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::config::Config;
use crate::store::sqlite::{start_timeline, SqliteStore};

use super::crypt::Decryption;
use super::layout::sync_dir;
use super::manifest::Manifest;
use super::verify::{open, unpack_database};
use super::{photos, BackupError, Progress, Stage};

/// What a restore did.
#[derive(Debug, Clone)]
pub struct RestoreReport {
    pub snapshot_dir: PathBuf,
    pub manifest: Manifest,
    /// The restore generation the restored server starts.
    pub generation: i64,
}

/// Restores a snapshot of `from` (a repository, newest snapshot, or `wanted`) into `data_dir`.
pub fn restore(
    from: &Path,
    wanted: Option<&str>,
    decryption: &Decryption,
    data_dir: &Path,
    progress: Progress<'_>,
) -> Result<RestoreReport, BackupError> {
    refuse_unless_empty(data_dir)?;
    let opened = open(from, wanted, decryption)?;
    std::fs::create_dir_all(data_dir)
        .map_err(BackupError::io(format!("creating {}", data_dir.display())))?;
    let config = Config::with_data_dir(data_dir);

    progress(Stage::Database, 0, 1);
    let db = config.db_path();
    let mut restoring = db.clone().into_os_string();
    restoring.push(".restoring");
    let restoring = PathBuf::from(restoring);
    unpack_database(&opened, &restoring)?;
    progress(Stage::Database, 1, 1);

    photos::copy_out(
        &opened.repo,
        &opened.opener,
        opened.suffix,
        &opened.photos,
        &config.photos_dir(),
        progress,
    )?;

    // Bring the schema up to this server's (a backup of an older server), then start a new
    // generation, in the copy, before it gets its real name.
    drop(
        SqliteStore::open(&restoring, 1)
            .map_err(|e| BackupError::Damaged(format!("opening the restored database: {e}")))?,
    );
    let generation = mark_restored(&restoring, &opened.manifest)?;
    std::fs::rename(&restoring, &db)
        .map_err(BackupError::io(format!("writing {}", db.display())))?;
    sync_dir(data_dir)?;
    Ok(RestoreReport {
        snapshot_dir: opened.snapshot_dir,
        manifest: opened.manifest,
        generation,
    })
}

/// Refuses a path that exists and is not an empty folder.
fn refuse_unless_empty(data_dir: &Path) -> Result<(), BackupError> {
    match std::fs::read_dir(data_dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(BackupError::TargetNotEmpty(data_dir.to_owned()));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) => Err(BackupError::TargetNotEmpty(data_dir.to_owned())),
    }
}

/// Starts a new timeline in the database at `db` (the server's identity stays, its generation
/// goes up by one), recording where the change log stood in the backup. Returns the new
/// generation.
pub fn mark_restored(db: &Path, manifest: &Manifest) -> Result<i64, BackupError> {
    let mut conn = Connection::open(db)?;
    let tx = conn.transaction()?;
    let generation = start_timeline(&tx, manifest.change_seq, &manifest.snapshot)
        .map_err(|e| BackupError::Damaged(format!("the restored database: {e}")))?;
    tx.commit()?;
    Ok(i64::from(generation))
}
