//! Photos in and out of a repository. Photos are content-addressed and never change, so a
//! photo already in the repository is not copied again: a second backup of an unchanged
//! server copies no photo. Every photo is hashed as it is copied (in: its bytes must hash to
//! its name before they are stored; out: after decryption, before they are placed).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::store::Sha256Hex;

use super::crypt::{Opener, Sealer};
use super::layout::Repository;
use super::{BackupError, Progress, Stage};

/// What copying photos into a repository did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopyStats {
    /// Photos written by this run and their plain bytes.
    pub copied: u64,
    pub copied_bytes: u64,
    /// Photos whose bytes on the server do not hash to their name (left out).
    pub corrupt: Vec<Sha256Hex>,
}

/// Every complete photo in a server's photo folder (`ROOT/ab/cd/<sha256>.jpg`) with its size,
/// sorted. Uploads in progress (`.partial/`) and derived copies (`.derived/`) are not photos.
pub fn server_photos(root: &Path) -> Result<Vec<(Sha256Hex, u64)>, BackupError> {
    let mut out = Vec::new();
    for first in subdirs(root)? {
        for second in subdirs(&first)? {
            let entries = std::fs::read_dir(&second)
                .map_err(BackupError::io(format!("reading {}", second.display())))?;
            for entry in entries {
                let entry =
                    entry.map_err(BackupError::io(format!("reading {}", second.display())))?;
                let name = entry.file_name();
                let Some(sha) = name
                    .to_str()
                    .and_then(|n| n.strip_suffix(".jpg"))
                    .and_then(Sha256Hex::parse)
                else {
                    continue;
                };
                let meta = entry.metadata().map_err(BackupError::io(format!(
                    "reading {}",
                    entry.path().display()
                )))?;
                if meta.is_file() {
                    out.push((sha, meta.len()));
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The two-hex-digit shard folders of a photo folder.
fn subdirs(dir: &Path) -> Result<Vec<PathBuf>, BackupError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(BackupError::io(format!("reading {}", dir.display()))(e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(BackupError::io(format!("reading {}", dir.display())))?;
        let name = entry.file_name();
        let shard = name.to_str().is_some_and(|n| {
            n.len() == 2
                && n.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        });
        if shard && entry.path().is_dir() {
            out.push(entry.path());
        }
    }
    out.sort();
    Ok(out)
}

/// Copies the photos of `list` from the server's folder `root` into the repository, each
/// only if the repository lacks it. A photo whose bytes do not hash to its name is left out
/// and reported.
pub fn copy_in(
    repo: &Repository,
    sealer: &Sealer,
    root: &Path,
    list: &[(Sha256Hex, u64)],
    progress: Progress<'_>,
) -> Result<CopyStats, BackupError> {
    let total: u64 = list.iter().map(|(_, b)| b).sum();
    let tmp_dir = repo.tmp_dir();
    std::fs::create_dir_all(&tmp_dir)
        .map_err(BackupError::io(format!("creating {}", tmp_dir.display())))?;
    let mut stats = CopyStats::default();
    let mut done = 0u64;
    let mut made_dirs = std::collections::HashSet::new();
    for (sha, bytes) in list {
        done += bytes;
        let target = repo.photo(sha, sealer.suffix());
        if already_stored(&target, *bytes, !sealer.suffix().is_empty()) {
            progress(Stage::Photos, done, total);
            continue;
        }
        let h = sha.as_str();
        let source = root.join(&h[0..2]).join(&h[2..4]).join(format!("{h}.jpg"));
        let plain = std::fs::read(&source)
            .map_err(BackupError::io(format!("reading {}", source.display())))?;
        if Sha256Hex::of(&plain) != *sha {
            tracing::warn!(sha256 = %sha, "a photo on the server does not hash to its name; not backed up");
            stats.corrupt.push(sha.clone());
            progress(Stage::Photos, done, total);
            continue;
        }
        let tmp = tmp_dir.join(format!("{h}.{}", uuid::Uuid::now_v7().simple()));
        {
            let ctx = || format!("writing {}", tmp.display());
            let file = std::fs::File::create(&tmp).map_err(BackupError::io(ctx()))?;
            let mut out = std::io::BufWriter::new(file);
            sealer.seal(&mut &plain[..], &mut out)?;
            out.flush().map_err(BackupError::io(ctx()))?;
        }
        let dir = target
            .parent()
            .ok_or_else(|| BackupError::Damaged("photo path without folder".into()))?
            .to_owned();
        if made_dirs.insert(dir.clone()) {
            std::fs::create_dir_all(&dir)
                .map_err(BackupError::io(format!("creating {}", dir.display())))?;
        }
        std::fs::rename(&tmp, &target)
            .map_err(BackupError::io(format!("writing {}", target.display())))?;
        stats.copied += 1;
        stats.copied_bytes += bytes;
        progress(Stage::Photos, done, total);
    }
    Ok(stats)
}

/// Whether a photo is already in the repository: present, and (plain) of its size, or
/// (encrypted) larger than it. Written through a rename, so a present file is whole unless
/// the disk lost it; `verify-backup` reads every byte.
fn already_stored(target: &Path, bytes: u64, encrypted: bool) -> bool {
    match std::fs::metadata(target) {
        Ok(meta) if encrypted => meta.len() > bytes,
        Ok(meta) => meta.len() == bytes,
        Err(_) => false,
    }
}

/// One photo of a snapshot read back: its plain bytes, checked against its name and size.
pub fn read_back(
    repo: &Repository,
    opener: &Opener,
    suffix: &str,
    sha: &Sha256Hex,
    bytes: u64,
) -> Result<Vec<u8>, BackupError> {
    let path = repo.photo(sha, suffix);
    let mut file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(BackupError::Damaged(format!(
                "foto {sha} tidak ada (photo missing)"
            )))
        }
        Err(e) => return Err(BackupError::io(format!("reading {}", path.display()))(e)),
    };
    let plain = opener.open_to_vec(&mut file).map_err(|e| match e {
        BackupError::WrongKey(m) | BackupError::Damaged(m) => {
            BackupError::Damaged(format!("foto {sha} rusak (photo damaged): {m}"))
        }
        other => other,
    })?;
    if plain.len() as u64 != bytes || Sha256Hex::of(&plain) != *sha {
        return Err(BackupError::Damaged(format!(
            "foto {sha} rusak: isinya tidak cocok dengan SHA-256-nya \
             (photo damaged: its bytes do not hash to its name)"
        )));
    }
    Ok(plain)
}

/// Restores the photos of `list` into a server photo folder `root` (`ab/cd/<sha256>.jpg`),
/// each checked before it is placed.
pub fn copy_out(
    repo: &Repository,
    opener: &Opener,
    suffix: &str,
    list: &[(Sha256Hex, u64)],
    root: &Path,
    progress: Progress<'_>,
) -> Result<(), BackupError> {
    let total: u64 = list.iter().map(|(_, b)| b).sum();
    let staging = root.join(".partial");
    std::fs::create_dir_all(&staging)
        .map_err(BackupError::io(format!("creating {}", staging.display())))?;
    let mut done = 0u64;
    let mut made_dirs = std::collections::HashSet::new();
    for (sha, bytes) in list {
        let plain = read_back(repo, opener, suffix, sha, *bytes)?;
        let h = sha.as_str();
        let dir = root.join(&h[0..2]).join(&h[2..4]);
        if made_dirs.insert(dir.clone()) {
            std::fs::create_dir_all(&dir)
                .map_err(BackupError::io(format!("creating {}", dir.display())))?;
        }
        let tmp = staging.join(format!("{h}.restore"));
        std::fs::write(&tmp, &plain)
            .map_err(BackupError::io(format!("writing {}", tmp.display())))?;
        let target = dir.join(format!("{h}.jpg"));
        std::fs::rename(&tmp, &target)
            .map_err(BackupError::io(format!("writing {}", target.display())))?;
        done += bytes;
        progress(Stage::Photos, done, total);
    }
    Ok(())
}
