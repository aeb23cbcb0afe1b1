//! Names and paths inside a backup repository.

use std::path::{Path, PathBuf};

use crate::store::Sha256Hex;

use super::BackupError;

/// The folder of snapshots inside a repository.
pub const SNAPSHOTS: &str = "snapshots";
/// The shared photo store inside a repository.
pub const PHOTOS: &str = "photos";
/// Written last into a snapshot: its presence makes the snapshot complete.
pub const MANIFEST: &str = "MANIFEST.json";
/// The photos a snapshot needs, one `sha256 TAB bytes` line each, sorted.
pub const PHOTO_LIST: &str = "photos.tsv";
/// The database copy (plus [`crypt::SUFFIX`](super::crypt::SUFFIX) when encrypted).
pub const DATABASE: &str = "pendata.db";
/// Where files are written before they are renamed into place (same file system).
pub const TMP: &str = ".tmp";

/// A backup repository (the `--out` / `--from` directory).
#[derive(Debug, Clone)]
pub struct Repository {
    pub root: PathBuf,
}

impl Repository {
    pub fn new(root: &Path) -> Self {
        Repository {
            root: root.to_owned(),
        }
    }

    pub fn snapshots_dir(&self) -> PathBuf {
        self.root.join(SNAPSHOTS)
    }

    pub fn snapshot(&self, name: &str) -> PathBuf {
        self.snapshots_dir().join(name)
    }

    pub fn tmp_dir(&self) -> PathBuf {
        self.root.join(TMP)
    }

    /// Where a photo lives in the repository (`suffix`: `""` or `.age`).
    pub fn photo(&self, sha: &Sha256Hex, suffix: &str) -> PathBuf {
        let h = sha.as_str();
        self.root
            .join(PHOTOS)
            .join(&h[0..2])
            .join(&h[2..4])
            .join(format!("{h}.jpg{suffix}"))
    }

    /// Snapshot names, oldest first (names are UTC times, so they sort by age).
    pub fn snapshot_names(&self) -> Result<Vec<String>, BackupError> {
        let dir = self.snapshots_dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(BackupError::io(format!("reading {}", dir.display()))(e)),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(BackupError::io(format!("reading {}", dir.display())))?;
            if let Some(name) = entry.file_name().to_str() {
                if !name.starts_with('.') && entry.path().is_dir() {
                    names.push(name.to_owned());
                }
            }
        }
        names.sort();
        Ok(names)
    }

    /// Whether a snapshot is complete (its manifest was written).
    pub fn is_complete(&self, name: &str) -> bool {
        self.snapshot(name).join(MANIFEST).is_file()
    }

    /// The snapshot to read: `wanted`, or the newest. Refuses a partial one, naming the newest
    /// complete one instead.
    pub fn choose(&self, wanted: Option<&str>) -> Result<String, BackupError> {
        let names = self.snapshot_names()?;
        let name = match wanted {
            Some(w) => {
                if !names.iter().any(|n| n == w) {
                    return Err(BackupError::NoSnapshot(self.snapshot(w)));
                }
                w.to_owned()
            }
            None => names
                .last()
                .cloned()
                .ok_or_else(|| BackupError::NoSnapshot(self.root.clone()))?,
        };
        if !self.is_complete(&name) {
            let last_complete = names.iter().rev().find(|n| self.is_complete(n)).cloned();
            return Err(BackupError::Partial {
                snapshot: name,
                last_complete,
            });
        }
        Ok(name)
    }

    /// A new snapshot name from the time: `20261207T043600Z` (a suffix when taken).
    pub fn new_snapshot_name(&self, now: chrono::DateTime<chrono::Utc>) -> String {
        let base = now.format("%Y%m%dT%H%M%SZ").to_string();
        let mut name = base.clone();
        let mut n = 1;
        while self.snapshot(&name).exists() {
            n += 1;
            name = format!("{base}-{n}");
        }
        name
    }
}

/// `--from` may name a repository or one of its snapshots: the repository and, for a
/// snapshot, its name.
pub fn open_from(from: &Path) -> (Repository, Option<String>) {
    let parent = from.parent();
    let in_snapshots = parent
        .and_then(Path::file_name)
        .is_some_and(|n| n == SNAPSHOTS);
    match (
        in_snapshots,
        parent.and_then(Path::parent),
        from.file_name(),
    ) {
        (true, Some(root), Some(name)) => (Repository::new(root), name.to_str().map(str::to_owned)),
        _ => (Repository::new(from), None),
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// reader (or a killed writer) never leaves a half file under the final name.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), BackupError> {
    use std::io::Write;
    let dir = path
        .parent()
        .ok_or_else(|| BackupError::Damaged(format!("{} has no folder", path.display())))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        uuid::Uuid::now_v7().simple()
    ));
    let ctx = || format!("writing {}", path.display());
    let mut file = std::fs::File::create(&tmp).map_err(BackupError::io(ctx()))?;
    file.write_all(bytes).map_err(BackupError::io(ctx()))?;
    file.sync_all().map_err(BackupError::io(ctx()))?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(BackupError::io(ctx()))?;
    sync_dir(dir)
}

/// fsync of a folder, so renames into it are durable.
pub fn sync_dir(dir: &Path) -> Result<(), BackupError> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(BackupError::io(format!("syncing {}", dir.display())))
}

/// Everything written under `dir` reaches the disk (one `syncfs` for the whole file system,
/// instead of one fsync per photo).
pub fn sync_filesystem(dir: &Path) -> Result<(), BackupError> {
    let f =
        std::fs::File::open(dir).map_err(BackupError::io(format!("opening {}", dir.display())))?;
    rustix::fs::syncfs(&f).map_err(|e| BackupError::Io {
        context: format!("syncing the file system of {}", dir.display()),
        source: e.into(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn from_names_a_repository_or_one_of_its_snapshots() {
        let (repo, snap) = open_from(Path::new("/mnt/usb/pendata"));
        assert_eq!(repo.root, Path::new("/mnt/usb/pendata"));
        assert_eq!(snap, None);
        let (repo, snap) = open_from(Path::new("/mnt/usb/pendata/snapshots/20261207T010000Z"));
        assert_eq!(repo.root, Path::new("/mnt/usb/pendata"));
        assert_eq!(snap.as_deref(), Some("20261207T010000Z"));
    }

    #[test]
    fn the_newest_snapshot_is_chosen_and_a_partial_one_refused_naming_a_complete_one() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::new(dir.path());
        assert!(matches!(repo.choose(None), Err(BackupError::NoSnapshot(_))));
        for name in ["20261201T010000Z", "20261202T010000Z", "20261203T010000Z"] {
            std::fs::create_dir_all(repo.snapshot(name)).unwrap();
        }
        std::fs::write(repo.snapshot("20261201T010000Z").join(MANIFEST), "{}").unwrap();
        std::fs::write(repo.snapshot("20261202T010000Z").join(MANIFEST), "{}").unwrap();
        match repo.choose(None) {
            Err(BackupError::Partial {
                snapshot,
                last_complete,
            }) => {
                assert_eq!(snapshot, "20261203T010000Z");
                assert_eq!(last_complete.as_deref(), Some("20261202T010000Z"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            repo.choose(Some("20261201T010000Z")).unwrap(),
            "20261201T010000Z"
        );
        std::fs::write(repo.snapshot("20261203T010000Z").join(MANIFEST), "{}").unwrap();
        assert_eq!(repo.choose(None).unwrap(), "20261203T010000Z");
    }
}
