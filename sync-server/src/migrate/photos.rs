//! Copying the photo folder into an S3-compatible bucket. Photos are named by their SHA-256,
//! so a photo the bucket already has (same key, same size) is skipped: a cut copy resumes where
//! it stopped. Each photo is read, its hash checked against its name (a damaged file is
//! reported, never copied), and written with one create-only PUT under the key the server's
//! [`S3BlobStore`] reads. Thumbnails (`photos/.derived/`) are not copied (the server makes them
//! again) and neither are uploads in progress (`photos/.partial/`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures_util::TryStreamExt;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, PutMode, PutOptions, PutPayload};

use super::MigrateError;
use crate::store::s3::S3BlobStore;
use crate::store::Sha256Hex;

/// How many photos are read and written at once.
const AT_ONCE: usize = 8;

/// One complete photo of the source folder.
#[derive(Debug, Clone)]
pub(super) struct SourcePhoto {
    pub hash: Sha256Hex,
    pub path: PathBuf,
    pub size: u64,
}

/// The complete photos under `root` (`ab/cd/<sha256>.jpg`), sorted by hash.
pub(super) fn source_photos(root: &Path) -> Result<Vec<SourcePhoto>, MigrateError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| MigrateError::Photos { path, source }
    };
    let mut out = Vec::new();
    if !root.exists() {
        return Ok(out);
    }
    for a in std::fs::read_dir(root).map_err(io(root))? {
        let a = a.map_err(io(root))?;
        if !is_shard(&a.file_name()) || !a.file_type().map_err(io(&a.path()))?.is_dir() {
            continue;
        }
        for b in std::fs::read_dir(a.path()).map_err(io(&a.path()))? {
            let b = b.map_err(io(&a.path()))?;
            if !is_shard(&b.file_name()) || !b.file_type().map_err(io(&b.path()))?.is_dir() {
                continue;
            }
            for f in std::fs::read_dir(b.path()).map_err(io(&b.path()))? {
                let f = f.map_err(io(&b.path()))?;
                let name = f.file_name();
                let Some(hash) = name
                    .to_str()
                    .and_then(|n| n.strip_suffix(".jpg"))
                    .and_then(Sha256Hex::parse)
                else {
                    continue;
                };
                let meta = f.metadata().map_err(io(&f.path()))?;
                if meta.is_file() {
                    out.push(SourcePhoto {
                        hash,
                        path: f.path(),
                        size: meta.len(),
                    });
                }
            }
        }
    }
    out.sort_by(|x, y| x.hash.as_str().cmp(y.hash.as_str()));
    Ok(out)
}

fn is_shard(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.len() == 2 && n.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The photos in the bucket under the store's prefix: hash → size (thumbnails left out).
pub(super) async fn bucket_photos(
    objects: &Arc<dyn ObjectStore>,
    store: &S3BlobStore,
    prefix: &str,
) -> Result<HashMap<String, u64>, MigrateError> {
    let root = ObjectPath::from(prefix);
    let listed: Vec<_> = objects
        .list(if prefix.is_empty() { None } else { Some(&root) })
        .try_collect()
        .await
        .map_err(MigrateError::bucket)?;
    Ok(listed
        .into_iter()
        .filter_map(|meta| {
            let key = meta.location.to_string();
            let hash = key.rsplit('/').next()?.strip_suffix(".jpg")?;
            let hash = Sha256Hex::parse(hash)?;
            // Only a photo's own key (not a thumbnail that happens to share its name).
            (store.key(&hash) == meta.location).then(|| (hash.as_str().to_owned(), meta.size))
        })
        .collect())
}

/// How many photos were copied and how many the bucket already had.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PhotosCopied {
    pub copied: u64,
    pub already_there: u64,
}

/// Copies the photos the bucket lacks.
pub(super) async fn copy_photos(
    photos: &[SourcePhoto],
    objects: &Arc<dyn ObjectStore>,
    store: &S3BlobStore,
    prefix: &str,
    bar: &indicatif::ProgressBar,
) -> Result<PhotosCopied, MigrateError> {
    let there = bucket_photos(objects, store, prefix).await?;
    let mut done = PhotosCopied::default();
    let todo: Vec<&SourcePhoto> = photos
        .iter()
        .filter(|p| {
            let have = there.get(p.hash.as_str()) == Some(&p.size);
            if have {
                done.already_there += 1;
                bar.inc(1);
            }
            !have
        })
        .collect();
    for group in todo.chunks(AT_ONCE) {
        let mut puts = tokio::task::JoinSet::new();
        for photo in group {
            let (objects, key, photo) = (objects.clone(), store.key(&photo.hash), (*photo).clone());
            puts.spawn(async move { put_photo(&objects, key, &photo).await });
        }
        while let Some(joined) = puts.join_next().await {
            joined.map_err(|e| MigrateError::Bucket(e.to_string()))??;
            done.copied += 1;
            bar.inc(1);
        }
    }
    Ok(done)
}

async fn put_photo(
    objects: &Arc<dyn ObjectStore>,
    key: ObjectPath,
    photo: &SourcePhoto,
) -> Result<(), MigrateError> {
    let bytes = tokio::fs::read(&photo.path)
        .await
        .map_err(|source| MigrateError::Photos {
            path: photo.path.clone(),
            source,
        })?;
    if Sha256Hex::of(&bytes) != photo.hash {
        return Err(MigrateError::DamagedPhoto {
            path: photo.path.clone(),
        });
    }
    let create = PutOptions {
        mode: PutMode::Create,
        ..PutOptions::default()
    };
    match objects
        .put_opts(&key, PutPayload::from(bytes), create)
        .await
    {
        // The same name is the same bytes (a photo is never rewritten).
        Ok(_) | Err(object_store::Error::AlreadyExists { .. }) => Ok(()),
        Err(e) => Err(MigrateError::bucket(e)),
    }
}
