//! `pendata-server verify-backup DIR`: reads a snapshot back as a restore would, without
//! restoring it — the database (SHA-256, `PRAGMA integrity_check`, the manifest's counts) and
//! every photo (decrypted, hashed against its name).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::store::Sha256Hex;

use super::crypt::{Decryption, Opener};
use super::database::{facts, file_sha256, DbFacts};
use super::layout::{open_from, Repository};
use super::manifest::{read_photo_list, Manifest};
use super::{photos, BackupError, Progress, Stage};

/// What a verification found.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    pub snapshot_dir: PathBuf,
    pub manifest: Manifest,
    pub photos_checked: u64,
    /// Everything that is wrong, one line each; empty when the snapshot is sound.
    pub problems: Vec<String>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// A snapshot chosen and opened for reading (verify and restore share this).
pub(crate) struct Opened {
    pub repo: Repository,
    pub snapshot_dir: PathBuf,
    pub manifest: Manifest,
    pub opener: Opener,
    pub suffix: &'static str,
    pub photos: Vec<(Sha256Hex, u64)>,
}

/// Chooses the snapshot (`from` may be a repository or a snapshot folder; `wanted` a name),
/// refusing a partial one, and reads its manifest and photo list.
pub(crate) fn open(
    from: &Path,
    wanted: Option<&str>,
    decryption: &Decryption,
) -> Result<Opened, BackupError> {
    let (repo, named) = open_from(from);
    let name = repo.choose(wanted.or(named.as_deref()))?;
    let snapshot_dir = repo.snapshot(&name);
    let manifest = Manifest::read(&snapshot_dir)?;
    let opener = Opener::prepare(&repo, decryption, manifest.encryption.is_some())?;
    let photos = read_photo_list(&snapshot_dir, &manifest)?;
    let suffix = if manifest.encryption.is_some() {
        super::crypt::SUFFIX
    } else {
        ""
    };
    Ok(Opened {
        repo,
        snapshot_dir,
        manifest,
        opener,
        suffix,
        photos,
    })
}

/// Writes the snapshot's plain database to `dest` and checks it against the manifest.
pub(crate) fn unpack_database(opened: &Opened, dest: &Path) -> Result<DbFacts, BackupError> {
    let source = opened.snapshot_dir.join(&opened.manifest.database.file);
    {
        let ctx = || format!("reading {}", source.display());
        let mut input = std::fs::File::open(&source).map_err(BackupError::io(ctx()))?;
        let file = std::fs::File::create(dest)
            .map_err(BackupError::io(format!("writing {}", dest.display())))?;
        let mut output = std::io::BufWriter::new(file);
        opened.opener.open(&mut input, &mut output)?;
        let file = output
            .into_inner()
            .map_err(|e| BackupError::io(format!("writing {}", dest.display()))(e.into_error()))?;
        file.sync_all()
            .map_err(BackupError::io(format!("writing {}", dest.display())))?;
    }
    let (bytes, sha) = file_sha256(dest)?;
    let m = &opened.manifest;
    if bytes != m.database.bytes || sha != m.database.sha256 {
        return Err(BackupError::Damaged(format!(
            "basis data cadangan rusak: {} tidak cocok dengan SHA-256 di manifest \
             (the database copy does not match the manifest)",
            m.database.file
        )));
    }
    let found = facts(dest)?;
    if found.integrity != "ok" {
        return Err(BackupError::Damaged(format!(
            "PRAGMA integrity_check: {}",
            found.integrity
        )));
    }
    if found.counts != m.counts || found.change_seq != m.change_seq {
        return Err(BackupError::Damaged(format!(
            "the database holds {:?} (change log at {}), the manifest says {:?} (at {})",
            found.counts, found.change_seq, m.counts, m.change_seq
        )));
    }
    Ok(found)
}

/// A file removed when dropped (the plain database a verification reads).
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        for suffix in ["-journal", "-wal", "-shm"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
    }
}

/// Verifies a snapshot. A partial snapshot is an error ([`BackupError::Partial`]); damage
/// found in a complete one is listed in [`VerifyReport::problems`].
pub fn verify(
    from: &Path,
    wanted: Option<&str>,
    decryption: &Decryption,
    progress: Progress<'_>,
) -> Result<VerifyReport, BackupError> {
    let opened = open(from, wanted, decryption)?;
    let mut problems = Vec::new();

    progress(Stage::Database, 0, 1);
    let scratch = Scratch(std::env::temp_dir().join(format!(
        "pendata-verify-{}.db",
        uuid::Uuid::now_v7().simple()
    )));
    let mut needed: Vec<Sha256Hex> = Vec::new();
    match unpack_database(&opened, &scratch.0) {
        Ok(found) => needed = found.complete_photos,
        Err(e @ (BackupError::Damaged(_) | BackupError::Db(_) | BackupError::WrongKey(_))) => {
            problems.push(e.to_string())
        }
        Err(e) => return Err(e),
    }
    drop(scratch);
    progress(Stage::Database, 1, 1);

    let listed: HashSet<&Sha256Hex> = opened.photos.iter().map(|(sha, _)| sha).collect();
    let known_missing: HashSet<&str> = opened
        .manifest
        .photos
        .missing_on_server
        .iter()
        .map(String::as_str)
        .collect();
    for sha in &needed {
        if !listed.contains(sha) && !known_missing.contains(sha.as_str()) {
            problems.push(format!(
                "foto {sha} dirujuk basis data tetapi tidak ada di cadangan \
                 (a photo the database references is not in the backup)"
            ));
        }
    }

    let total: u64 = opened.photos.iter().map(|(_, b)| b).sum();
    let mut done = 0u64;
    for (sha, bytes) in &opened.photos {
        match photos::read_back(&opened.repo, &opened.opener, opened.suffix, sha, *bytes) {
            Ok(_) => {}
            Err(e @ BackupError::Damaged(_)) => problems.push(e.to_string()),
            Err(e) => return Err(e),
        }
        done += bytes;
        progress(Stage::Photos, done, total);
    }
    Ok(VerifyReport {
        snapshot_dir: opened.snapshot_dir,
        manifest: opened.manifest,
        photos_checked: opened.photos.len() as u64,
        problems,
    })
}
