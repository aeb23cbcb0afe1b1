//! `MANIFEST.json`: what a snapshot holds, and `photos.tsv`: the photos it needs.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::store::Sha256Hex;

use super::layout::{write_atomically, MANIFEST, PHOTO_LIST};
use super::BackupError;

/// The format this server writes; [`Manifest::read`] refuses others.
pub const FORMAT: &str = "pendata-backup/1";

/// What one snapshot holds. Written last, so its presence means the snapshot is complete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    /// The snapshot's folder name.
    pub snapshot: String,
    /// `pendata-server --version` that wrote it.
    pub server_version: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    /// The database's schema version (`PRAGMA user_version`).
    pub schema_version: i64,
    /// The server's identity and restore generation at the time of the copy, when the
    /// database has them.
    #[serde(default)]
    pub server: Option<ServerState>,
    /// The server's change-log position: the last sequence number handed out.
    pub change_seq: i64,
    pub counts: Counts,
    pub database: DatabaseEntry,
    pub photos: PhotosEntry,
    /// `None`: stored in plain.
    pub encryption: Option<EncryptionInfo>,
}

/// Which server state a backup was copied from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerState {
    pub server_id: String,
    pub generation: i64,
    pub timeline: String,
}

/// Row counts of the copied database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counts {
    pub households: u64,
    pub revisions: u64,
    pub reviews: u64,
    pub users: u64,
    /// Distinct photos the households reference.
    pub referenced_photos: u64,
}

/// The database copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseEntry {
    /// File name inside the snapshot (`pendata.db` or `pendata.db.age`).
    pub file: String,
    /// Size and SHA-256 of the plain database.
    pub bytes: u64,
    pub sha256: String,
    /// `PRAGMA integrity_check` of the copy, as checked when it was written.
    pub integrity: String,
}

/// The photos of the snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PhotosEntry {
    /// Photos the snapshot needs (every complete photo of the server) and their bytes.
    pub count: u64,
    pub bytes: u64,
    /// SHA-256 of `photos.tsv`.
    pub list_sha256: String,
    /// Of those, copied by this backup (the rest were in the repository already).
    pub copied: u64,
    pub copied_bytes: u64,
    /// Photos a household references as complete that the server's photo folder lacks.
    pub missing_on_server: Vec<String>,
    /// Photos on the server whose bytes do not hash to their name (not copied).
    pub corrupt_on_server: Vec<String>,
}

/// How the snapshot is encrypted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncryptionInfo {
    /// Always `age` (age-encryption.org/v1).
    pub scheme: String,
    /// The age recipients (public keys) every file is encrypted to.
    pub recipients: Vec<String>,
    /// One of the recipients is the repository key kept in `key.age` under a passphrase.
    pub passphrase: bool,
}

impl Manifest {
    /// Writes `MANIFEST.json` into the snapshot folder (atomically, durably).
    pub fn write(&self, snapshot_dir: &Path) -> Result<(), BackupError> {
        let json = serde_json::to_vec_pretty(self)
            .map_err(|e| BackupError::Damaged(format!("manifest: {e}")))?;
        write_atomically(&snapshot_dir.join(MANIFEST), &json)
    }

    /// Reads `MANIFEST.json` of a snapshot folder.
    pub fn read(snapshot_dir: &Path) -> Result<Self, BackupError> {
        let path = snapshot_dir.join(MANIFEST);
        let bytes =
            std::fs::read(&path).map_err(BackupError::io(format!("reading {}", path.display())))?;
        let manifest: Manifest = serde_json::from_slice(&bytes)
            .map_err(|e| BackupError::Damaged(format!("{}: {e}", path.display())))?;
        if manifest.format != FORMAT {
            return Err(BackupError::Damaged(format!(
                "{}: format {:?}, this server reads {FORMAT:?}",
                path.display(),
                manifest.format
            )));
        }
        Ok(manifest)
    }
}

/// The text of `photos.tsv` for these photos (sorted by hash, one `sha256 TAB bytes` line each).
pub fn photo_list_text(photos: &[(Sha256Hex, u64)]) -> String {
    let mut sorted: Vec<&(Sha256Hex, u64)> = photos.iter().collect();
    sorted.sort();
    let mut out = String::with_capacity(sorted.len() * 72);
    for (sha, bytes) in sorted {
        out.push_str(sha.as_str());
        out.push('\t');
        out.push_str(&bytes.to_string());
        out.push('\n');
    }
    out
}

/// Reads `photos.tsv` and checks it against the manifest's hash.
pub fn read_photo_list(
    snapshot_dir: &Path,
    manifest: &Manifest,
) -> Result<Vec<(Sha256Hex, u64)>, BackupError> {
    let path = snapshot_dir.join(PHOTO_LIST);
    let text =
        std::fs::read(&path).map_err(BackupError::io(format!("reading {}", path.display())))?;
    if Sha256Hex::of(&text).as_str() != manifest.photos.list_sha256 {
        return Err(BackupError::Damaged(format!(
            "{} does not match the manifest's SHA-256",
            path.display()
        )));
    }
    let text = String::from_utf8(text)
        .map_err(|_| BackupError::Damaged(format!("{} is not text", path.display())))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let parsed = line
            .split_once('\t')
            .and_then(|(sha, bytes)| Some((Sha256Hex::parse(sha)?, bytes.parse::<u64>().ok()?)));
        match parsed {
            Some(entry) => out.push(entry),
            None => {
                return Err(BackupError::Damaged(format!(
                    "{} line {}: not `sha256 TAB bytes`",
                    path.display(),
                    n + 1
                )))
            }
        }
    }
    if out.len() as u64 != manifest.photos.count {
        return Err(BackupError::Damaged(format!(
            "{} lists {} photos, the manifest {}",
            path.display(),
            out.len(),
            manifest.photos.count
        )));
    }
    Ok(out)
}
