//! `pendata-server backup --out DIR`: one new snapshot in the repository, while the server
//! runs.
//!
//! Order: the database first (a consistent copy as of one commit), then the photo folder.
//! Photos are only ever added, so every photo the copied database relies on is in the folder
//! when it is read afterwards. Everything is flushed to disk (`syncfs`) before the manifest is
//! written, and the manifest is written last: a backup killed at any point leaves a snapshot
//! without a manifest, which restore and verify-backup refuse.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::Utc;

use crate::config::Config;
use crate::store::Sha256Hex;

use super::crypt::{Encryption, Sealer};
use super::database::{copy_online, facts, file_sha256};
use super::layout::{
    sync_dir, sync_filesystem, write_atomically, Repository, DATABASE, PHOTO_LIST,
};
use super::manifest::{photo_list_text, DatabaseEntry, Manifest, PhotosEntry, FORMAT};
use super::{photos, BackupError, Progress, Stage};

/// What a backup wrote.
#[derive(Debug, Clone)]
pub struct BackupReport {
    pub snapshot_dir: PathBuf,
    pub manifest: Manifest,
}

impl BackupReport {
    /// Whether the server had problems the operator must look at (photos missing or corrupt
    /// on the server: the backup holds everything else).
    pub fn has_problems(&self) -> bool {
        !self.manifest.photos.missing_on_server.is_empty()
            || !self.manifest.photos.corrupt_on_server.is_empty()
    }
}

/// Takes a snapshot of the data directory of `config` into the repository `out`.
pub fn backup(
    config: &Config,
    out: &Path,
    encryption: Encryption,
    progress: Progress<'_>,
) -> Result<BackupReport, BackupError> {
    let started_at = Utc::now();
    let repo = Repository::new(out);
    let snapshots = repo.snapshots_dir();
    std::fs::create_dir_all(&snapshots)
        .map_err(BackupError::io(format!("creating {}", snapshots.display())))?;
    // One backup into a folder at a time (the lock goes with the process, also when killed).
    let lock_path = repo.root.join(".lock");
    let lock = std::fs::File::create(&lock_path)
        .map_err(BackupError::io(format!("creating {}", lock_path.display())))?;
    rustix::fs::flock(&lock, rustix::fs::FlockOperation::NonBlockingLockExclusive)
        .map_err(|_| BackupError::Busy(repo.root.clone()))?;
    // Leftovers of a killed run are never part of a snapshot.
    let _ = std::fs::remove_dir_all(repo.tmp_dir());
    let sealer = Sealer::prepare(&repo, encryption)?;

    let name = repo.new_snapshot_name(started_at);
    let snapshot_dir = repo.snapshot(&name);
    std::fs::create_dir_all(&snapshot_dir).map_err(BackupError::io(format!(
        "creating {}",
        snapshot_dir.display()
    )))?;
    sync_dir(&snapshots)?;

    // The database. When encrypting, its plain copy is made inside the server's own data
    // directory (where the plain database lives anyway), never on the backup disk.
    let plain_dir = if sealer.info().is_some() {
        config.data_dir.join(".backup-tmp")
    } else {
        snapshot_dir.clone()
    };
    let _ = std::fs::remove_dir_all(config.data_dir.join(".backup-tmp"));
    std::fs::create_dir_all(&plain_dir)
        .map_err(BackupError::io(format!("creating {}", plain_dir.display())))?;
    let plain_db = plain_dir.join(format!("{DATABASE}.copy"));
    progress(Stage::Database, 0, 1);
    copy_online(&config.db_path(), &plain_db)?;
    let db_facts = facts(&plain_db)?;
    if db_facts.integrity != "ok" {
        return Err(BackupError::Damaged(format!(
            "the copied database fails PRAGMA integrity_check: {}",
            db_facts.integrity
        )));
    }
    let (db_bytes, db_sha) = file_sha256(&plain_db)?;
    let db_file = format!("{DATABASE}{}", sealer.suffix());
    let db_target = snapshot_dir.join(&db_file);
    if sealer.info().is_some() {
        let tmp = snapshot_dir.join(format!(".{db_file}.tmp"));
        {
            let ctx = || format!("writing {}", tmp.display());
            let mut input = std::fs::File::open(&plain_db).map_err(BackupError::io(ctx()))?;
            let file = std::fs::File::create(&tmp).map_err(BackupError::io(ctx()))?;
            let mut output = std::io::BufWriter::new(file);
            sealer.seal(&mut input, &mut output)?;
            let file = output
                .into_inner()
                .map_err(|e| BackupError::io(ctx())(e.into_error()))?;
            file.sync_all().map_err(BackupError::io(ctx()))?;
        }
        std::fs::rename(&tmp, &db_target)
            .map_err(BackupError::io(format!("writing {}", db_target.display())))?;
        let _ = std::fs::remove_dir_all(&plain_dir);
    } else {
        std::fs::rename(&plain_db, &db_target)
            .map_err(BackupError::io(format!("writing {}", db_target.display())))?;
    }
    progress(Stage::Database, 1, 1);

    // The photos.
    let on_server = photos::server_photos(&config.photos_dir())?;
    let stats = photos::copy_in(&repo, &sealer, &config.photos_dir(), &on_server, progress)?;
    let corrupt: HashSet<&Sha256Hex> = stats.corrupt.iter().collect();
    let kept: Vec<(Sha256Hex, u64)> = on_server
        .iter()
        .filter(|(sha, _)| !corrupt.contains(sha))
        .cloned()
        .collect();
    let present: HashSet<&Sha256Hex> = on_server.iter().map(|(sha, _)| sha).collect();
    let missing_on_server: Vec<String> = db_facts
        .complete_photos
        .iter()
        .filter(|sha| !present.contains(sha))
        .map(|sha| sha.to_string())
        .collect();
    let list_text = photo_list_text(&kept);
    write_atomically(&snapshot_dir.join(PHOTO_LIST), list_text.as_bytes())?;

    // Everything on disk, then the manifest.
    sync_filesystem(out)?;
    let manifest = Manifest {
        format: FORMAT.into(),
        snapshot: name,
        server_version: env!("CARGO_PKG_VERSION").into(),
        started_at,
        finished_at: Utc::now(),
        schema_version: db_facts.schema_version,
        server: db_facts.server,
        change_seq: db_facts.change_seq,
        counts: db_facts.counts,
        database: DatabaseEntry {
            file: db_file,
            bytes: db_bytes,
            sha256: db_sha,
            integrity: db_facts.integrity,
        },
        photos: PhotosEntry {
            count: kept.len() as u64,
            bytes: kept.iter().map(|(_, b)| b).sum(),
            list_sha256: Sha256Hex::of(list_text.as_bytes()).to_string(),
            copied: stats.copied,
            copied_bytes: stats.copied_bytes,
            missing_on_server,
            corrupt_on_server: stats.corrupt.iter().map(ToString::to_string).collect(),
        },
        encryption: sealer.info(),
    };
    manifest.write(&snapshot_dir)?;
    let _ = std::fs::remove_dir_all(repo.tmp_dir());
    drop(lock);
    Ok(BackupReport {
        snapshot_dir,
        manifest,
    })
}
