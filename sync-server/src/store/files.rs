//! [`BlobStore`] on the file system.
//!
//! Layout under the photo root: complete blobs at `ab/cd/<hash>.jpg`, uploads in progress at
//! `.partial/<hash>.part`, copies made from blobs (thumbnails) at
//! `.derived/<variant>/ab/<hash>.jpg`. The staging directory is inside the root so the final
//! rename stays on one file system and is atomic. Paths are only ever built from a
//! [`Sha256Hex`] and, for copies, a variant name of lower-case letters, digits and `-`.

use std::path::{Path, PathBuf};

use http_body_util::BodyExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::blobs::{is_variant_name, UploadLocks};
use super::{
    AppendOutcome, BlobError, BlobLimits, BlobStatus, BlobStore, BoxFuture, ContentCheck, Sha256Hex,
};

/// Content-addressed files with resumable staging.
pub struct FileBlobStore {
    root: PathBuf,
    staging: PathBuf,
    limits: BlobLimits,
    locks: UploadLocks,
}

impl FileBlobStore {
    /// Uses `root` for complete blobs and `root/.partial` for staging, creating both.
    pub fn open(root: &Path, limits: BlobLimits) -> std::io::Result<Self> {
        let staging = root.join(".partial");
        std::fs::create_dir_all(&staging)?;
        Ok(FileBlobStore {
            root: root.to_owned(),
            staging,
            limits,
            locks: UploadLocks::default(),
        })
    }

    /// Where a complete blob lives.
    pub fn final_path(&self, hash: &Sha256Hex) -> PathBuf {
        let h = hash.as_str();
        self.root
            .join(&h[0..2])
            .join(&h[2..4])
            .join(format!("{h}.jpg"))
    }

    /// Where the `variant` copy of a blob lives; `None` for a variant name that is not
    /// lower-case letters, digits and `-` (1 to 40 of them).
    fn derived_path(&self, hash: &Sha256Hex, variant: &str) -> Option<PathBuf> {
        let h = hash.as_str();
        is_variant_name(variant).then(|| {
            self.root
                .join(".derived")
                .join(variant)
                .join(&h[0..2])
                .join(format!("{h}.jpg"))
        })
    }

    fn staging_path(&self, hash: &Sha256Hex) -> PathBuf {
        self.staging.join(format!("{}.part", hash.as_str()))
    }

    async fn complete_len(&self, hash: &Sha256Hex) -> Result<Option<u64>, BlobError> {
        match tokio::fs::metadata(self.final_path(hash)).await {
            Ok(meta) => Ok(Some(meta.len())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn staged_len(&self, hash: &Sha256Hex) -> Result<u64, BlobError> {
        match tokio::fs::metadata(self.staging_path(hash)).await {
            Ok(meta) => Ok(meta.len()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(e.into()),
        }
    }

    async fn append_locked(
        &self,
        hash: &Sha256Hex,
        offset: u64,
        total: u64,
        mut body: axum::body::Body,
        check: ContentCheck,
    ) -> Result<AppendOutcome, BlobError> {
        if let Some(len) = self.complete_len(hash).await? {
            return Ok(AppendOutcome::done(len));
        }
        let staging = self.staging_path(hash);
        let received = self.staged_len(hash).await?;
        if offset != received {
            return Err(BlobError::OffsetMismatch { received });
        }
        let room = total.saturating_sub(offset);
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&staging)
            .await?;
        let mut written: u64 = 0;
        let mut failure = None;
        while let Some(frame) = body.frame().await {
            let frame = match frame {
                Ok(frame) => frame,
                Err(e) => {
                    // Keep what arrived: the client resumes from it.
                    failure = Some(BlobError::Body(e.to_string()));
                    break;
                }
            };
            let Ok(data) = frame.into_data() else {
                continue; // trailers
            };
            let len = data.len() as u64;
            if written + len > room {
                failure = Some(BlobError::PastTotal);
                break;
            }
            if written + len > self.limits.max_chunk_bytes {
                failure = Some(BlobError::ChunkTooLarge {
                    max: self.limits.max_chunk_bytes,
                });
                break;
            }
            if let Err(e) = file.write_all(&data).await {
                failure = Some(e.into());
                break;
            }
            written += len;
        }
        file.flush().await?;
        if let Some(failure) = failure {
            if matches!(
                failure,
                BlobError::PastTotal | BlobError::ChunkTooLarge { .. }
            ) {
                // A refused chunk leaves no trace.
                file.set_len(received).await?;
            }
            file.sync_data().await?;
            return Err(failure);
        }
        file.sync_data().await?;
        drop(file);
        let received = received + written;
        if received < total {
            return Ok(AppendOutcome {
                received,
                total,
                complete: false,
            });
        }
        self.finish(hash, &staging, check).await?;
        Ok(AppendOutcome::done(total))
    }

    /// Verifies a fully staged blob and moves it into place.
    async fn finish(
        &self,
        hash: &Sha256Hex,
        staging: &Path,
        check: ContentCheck,
    ) -> Result<(), BlobError> {
        let mut bytes = Vec::new();
        tokio::fs::File::open(staging)
            .await?
            .read_to_end(&mut bytes)
            .await?;
        let verdict = if Sha256Hex::of(&bytes) != *hash {
            Err(BlobError::HashMismatch)
        } else {
            check(&bytes).map_err(BlobError::Rejected)
        };
        if let Err(e) = verdict {
            tokio::fs::remove_file(staging).await?;
            return Err(e);
        }
        let target = self.final_path(hash);
        let dir = target
            .parent()
            .ok_or_else(|| std::io::Error::other("blob path without parent"))?;
        tokio::fs::create_dir_all(dir).await?;
        tokio::fs::rename(staging, &target).await?;
        // Make the rename durable before answering "complete".
        tokio::fs::File::open(dir).await?.sync_all().await?;
        Ok(())
    }
}

impl BlobStore for FileBlobStore {
    fn status<'a>(&'a self, hash: &'a Sha256Hex) -> BoxFuture<'a, Result<BlobStatus, BlobError>> {
        Box::pin(async move {
            if let Some(len) = self.complete_len(hash).await? {
                return Ok(BlobStatus::Complete(len));
            }
            Ok(BlobStatus::Partial(self.staged_len(hash).await?))
        })
    }

    /// One trip to the blocking pool for all the hashes (not two per hash).
    fn complete_many<'a>(
        &'a self,
        hashes: &'a [Sha256Hex],
    ) -> BoxFuture<'a, Result<Vec<bool>, BlobError>> {
        Box::pin(async move {
            let paths: Vec<PathBuf> = hashes.iter().map(|h| self.final_path(h)).collect();
            tokio::task::spawn_blocking(move || {
                paths
                    .iter()
                    .map(|path| match std::fs::metadata(path) {
                        Ok(_) => Ok(true),
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
                        Err(e) => Err(BlobError::Io(e)),
                    })
                    .collect()
            })
            .await
            .map_err(|e| BlobError::Io(std::io::Error::other(e.to_string())))?
        })
    }

    fn append<'a>(
        &'a self,
        hash: &'a Sha256Hex,
        offset: u64,
        total: u64,
        body: axum::body::Body,
        check: ContentCheck,
    ) -> BoxFuture<'a, Result<AppendOutcome, BlobError>> {
        Box::pin(async move {
            if total == 0 || total > self.limits.max_blob_bytes {
                // Already complete? Then the declared total does not matter.
                if let Some(len) = self.complete_len(hash).await? {
                    return Ok(AppendOutcome::done(len));
                }
                return Err(BlobError::BadTotal {
                    total,
                    max: self.limits.max_blob_bytes,
                });
            }
            let lock = self.locks.lock_for(hash);
            let _guard = lock.lock().await;
            self.append_locked(hash, offset, total, body, check).await
        })
    }

    fn sweep_abandoned(&self, idle: std::time::Duration) -> BoxFuture<'_, Result<u64, BlobError>> {
        Box::pin(async move {
            let mut dir = match tokio::fs::read_dir(&self.staging).await {
                Ok(d) => d,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
                Err(e) => return Err(e.into()),
            };
            let mut swept = 0;
            while let Some(entry) = dir.next_entry().await? {
                let name = entry.file_name();
                let Some(hash) = name
                    .to_str()
                    .and_then(|n| n.strip_suffix(".part"))
                    .and_then(Sha256Hex::parse)
                else {
                    continue;
                };
                // Under the upload's lock, and only if it is still idle: an append in flight
                // is never cut.
                let lock = self.locks.lock_for(&hash);
                let _guard = lock.lock().await;
                let path = self.staging_path(&hash);
                let idle_for = match tokio::fs::metadata(&path).await {
                    Ok(meta) => meta.modified()?.elapsed().unwrap_or_default(),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(e.into()),
                };
                if idle_for >= idle {
                    tokio::fs::remove_file(&path).await?;
                    swept += 1;
                }
            }
            Ok(swept)
        })
    }

    fn read<'a>(
        &'a self,
        hash: &'a Sha256Hex,
    ) -> BoxFuture<'a, Result<Option<Vec<u8>>, BlobError>> {
        Box::pin(async move { read_if_there(&self.final_path(hash)).await })
    }

    fn read_derived<'a>(
        &'a self,
        hash: &'a Sha256Hex,
        variant: &'a str,
    ) -> BoxFuture<'a, Result<Option<Vec<u8>>, BlobError>> {
        Box::pin(async move {
            match self.derived_path(hash, variant) {
                Some(path) => read_if_there(&path).await,
                None => Ok(None),
            }
        })
    }

    fn keep_derived<'a>(
        &'a self,
        hash: &'a Sha256Hex,
        variant: &'a str,
        bytes: &'a [u8],
    ) -> BoxFuture<'a, Result<(), BlobError>> {
        Box::pin(async move {
            let Some(path) = self.derived_path(hash, variant) else {
                return Ok(());
            };
            let Some(dir) = path.parent() else {
                return Ok(());
            };
            tokio::fs::create_dir_all(dir).await?;
            // Written whole under a name of its own, then renamed: a reader sees the whole
            // copy or none, also when two requests make the same copy at once.
            let tmp = dir.join(format!(
                ".{}.{}.tmp",
                hash.as_str(),
                uuid::Uuid::now_v7().simple()
            ));
            tokio::fs::write(&tmp, bytes).await?;
            if let Err(e) = tokio::fs::rename(&tmp, &path).await {
                let _ = tokio::fs::remove_file(&tmp).await;
                return Err(e.into());
            }
            Ok(())
        })
    }
}

/// A file's bytes; `None` when there is no such file.
async fn read_if_there(path: &Path) -> Result<Option<Vec<u8>>, BlobError> {
    match tokio::fs::read(path).await {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn derived_copies_are_kept_per_variant_and_odd_variant_names_touch_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let limits = BlobLimits {
            max_blob_bytes: 1024,
            max_chunk_bytes: 1024,
        };
        let store = FileBlobStore::open(&dir.path().join("photos"), limits).unwrap();
        let hash = Sha256Hex::of(b"a photo");
        assert_eq!(store.read_derived(&hash, "thumb-1").await.unwrap(), None);
        // Kept, then kept again: replaced whole. Another variant is another copy.
        for content in [&b"small"[..], &b"smaller"[..]] {
            store.keep_derived(&hash, "thumb-1", content).await.unwrap();
            let read = store.read_derived(&hash, "thumb-1").await.unwrap();
            assert_eq!(read.as_deref(), Some(content));
            assert_eq!(store.read_derived(&hash, "thumb-2").await.unwrap(), None);
        }
        // A variant name that could leave the folder is neither read nor written.
        for bad in ["", "../x", "a/b", "UPPER", &"x".repeat(41)] {
            store.keep_derived(&hash, bad, b"nope").await.unwrap();
            assert_eq!(store.read_derived(&hash, bad).await.unwrap(), None, "{bad}");
        }
        let mut files = Vec::new();
        let mut stack = vec![dir.path().to_owned()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    files.push(p);
                }
            }
        }
        assert_eq!(
            files.len(),
            1,
            "only the one kept copy, no temporary left: {files:?}"
        );
        assert!(files[0].starts_with(dir.path().join("photos/.derived/thumb-1")));
    }

    #[tokio::test]
    async fn complete_blobs_land_in_the_sharded_layout() {
        let dir = tempfile::tempdir().unwrap();
        let limits = BlobLimits {
            max_blob_bytes: 1024,
            max_chunk_bytes: 1024,
        };
        let store = FileBlobStore::open(dir.path(), limits).unwrap();
        let bytes = b"ok layout".to_vec();
        let hash = Sha256Hex::of(&bytes);
        store
            .append(&hash, 0, 9, axum::body::Body::from(bytes.clone()), |_| {
                Ok(())
            })
            .await
            .unwrap();
        let h = hash.as_str();
        let expected = dir
            .path()
            .join(&h[..2])
            .join(&h[2..4])
            .join(format!("{h}.jpg"));
        assert_eq!(std::fs::read(expected).unwrap(), bytes);
        assert!(!dir
            .path()
            .join(".partial")
            .join(format!("{h}.part"))
            .exists());
    }
}
