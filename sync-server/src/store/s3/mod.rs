//! [`BlobStore`] on an S3-compatible object store (`blob_url = "s3://bucket/prefix"`).
//!
//! Keys under the prefix: complete photos at `ab/cd/<sha256>.jpg` (as the photo folder),
//! copies made from them (thumbnails) at `derived/<variant>/ab/<sha256>.jpg`. The phones'
//! resumable 256 KiB chunks are staged in a [`ChunkStaging`] every server process sees; when
//! the last chunk arrives the bytes are assembled, their SHA-256 and content checked, and the
//! photo is written with one PUT that only creates (`If-None-Match: *`): a complete photo is
//! never rewritten, also when two processes finish the same one at once.

mod client;
mod staging;

use std::sync::Arc;

use http_body_util::BodyExt;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, PutMode, PutOptions, PutPayload};

pub use client::{from_env, S3ConfigError};
pub use staging::ChunkStaging;

use super::blobs::{is_variant_name, UploadLocks};
use super::{
    AppendOutcome, BlobError, BlobLimits, BlobStatus, BlobStore, BoxFuture, ContentCheck, Sha256Hex,
};

/// How many HEAD requests [`BlobStore::complete_many`] keeps in flight.
const HEADS_AT_ONCE: usize = 32;

/// Photos in a bucket, uploads in progress in a shared [`ChunkStaging`].
pub struct S3BlobStore {
    objects: Arc<dyn ObjectStore>,
    /// `""` or a prefix ending in `/`.
    prefix: String,
    staging: Arc<dyn ChunkStaging>,
    limits: BlobLimits,
    /// Racing chunks of one photo in this process queue here, not in the staging database.
    locks: UploadLocks,
}

impl S3BlobStore {
    pub fn new(
        objects: Arc<dyn ObjectStore>,
        prefix: &str,
        staging: Arc<dyn ChunkStaging>,
        limits: BlobLimits,
    ) -> Self {
        S3BlobStore {
            objects,
            prefix: prefix.to_owned(),
            staging,
            limits,
            locks: UploadLocks::default(),
        }
    }

    /// The key of a complete photo.
    pub fn key(&self, hash: &Sha256Hex) -> ObjectPath {
        let h = hash.as_str();
        ObjectPath::from(format!("{}{}/{}/{h}.jpg", self.prefix, &h[0..2], &h[2..4]))
    }

    /// The key of the `variant` copy of a photo; `None` for a variant name that is not
    /// lower-case letters, digits and `-` (1 to 40 of them).
    fn derived_key(&self, hash: &Sha256Hex, variant: &str) -> Option<ObjectPath> {
        let h = hash.as_str();
        is_variant_name(variant).then(|| {
            ObjectPath::from(format!(
                "{}derived/{variant}/{}/{h}.jpg",
                self.prefix,
                &h[0..2]
            ))
        })
    }

    /// The size of a complete photo, `None` when there is none.
    async fn complete_len(&self, hash: &Sha256Hex) -> Result<Option<u64>, BlobError> {
        match self.objects.head(&self.key(hash)).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(storage(e)),
        }
    }

    async fn get(&self, key: &ObjectPath) -> Result<Option<Vec<u8>>, BlobError> {
        match self.objects.get(key).await {
            Ok(got) => Ok(Some(got.bytes().await.map_err(storage)?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(storage(e)),
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
        let received = self.staging.staged(hash).await?;
        if offset != received {
            return Err(BlobError::OffsetMismatch { received });
        }
        let room = total.saturating_sub(offset);
        let mut chunk: Vec<u8> = Vec::new();
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
            let written = chunk.len() as u64;
            if written + len > room {
                return Err(BlobError::PastTotal);
            }
            if written + len > self.limits.max_chunk_bytes {
                return Err(BlobError::ChunkTooLarge {
                    max: self.limits.max_chunk_bytes,
                });
            }
            chunk.extend_from_slice(&data);
        }
        let received = if chunk.is_empty() {
            received
        } else {
            self.staging.stage(hash, offset, total, chunk).await?
        };
        if received < total {
            if let Some(len) = self.complete_len(hash).await? {
                // Another process finished this photo while this chunk was arriving (its
                // discard came before this stage, so the offset matched again): what was
                // just staged is not needed. Seen in tests/e2e/two_servers.rs: a cut chunk on
                // one process, the phone's retry completing the photo on the other.
                self.staging.discard(hash).await?;
                return Ok(AppendOutcome::done(len));
            }
        }
        if let Some(failure) = failure {
            return Err(failure);
        }
        if received < total {
            return Ok(AppendOutcome {
                received,
                total,
                complete: false,
            });
        }
        self.finish(hash, check).await?;
        Ok(AppendOutcome::done(total))
    }

    /// Verifies a fully staged photo, stores it with a create-only PUT and drops its chunks.
    async fn finish(&self, hash: &Sha256Hex, check: ContentCheck) -> Result<(), BlobError> {
        let bytes = self.staging.assemble(hash).await?;
        let verdict = if Sha256Hex::of(&bytes) != *hash {
            Err(BlobError::HashMismatch)
        } else {
            check(&bytes).map_err(BlobError::Rejected)
        };
        if let Err(e) = verdict {
            self.staging.discard(hash).await?;
            return Err(e);
        }
        let create = PutOptions {
            mode: PutMode::Create,
            ..PutOptions::default()
        };
        match self
            .objects
            .put_opts(&self.key(hash), PutPayload::from(bytes), create)
            .await
        {
            // Already there (another process finished it): the same bytes, by their name.
            Ok(_) | Err(object_store::Error::AlreadyExists { .. }) => {}
            Err(e) => return Err(storage(e)),
        }
        self.staging.discard(hash).await
    }
}

/// An object store failure, as the storage failure the API answers with a 500.
fn storage(e: object_store::Error) -> BlobError {
    BlobError::Io(std::io::Error::other(format!("object store: {e}")))
}

impl BlobStore for S3BlobStore {
    fn status<'a>(&'a self, hash: &'a Sha256Hex) -> BoxFuture<'a, Result<BlobStatus, BlobError>> {
        Box::pin(async move {
            if let Some(len) = self.complete_len(hash).await? {
                return Ok(BlobStatus::Complete(len));
            }
            Ok(BlobStatus::Partial(self.staging.staged(hash).await?))
        })
    }

    /// The HEADs of a push's photos go out side by side ([`HEADS_AT_ONCE`] at a time): one
    /// after another they would cost a round trip to the store each.
    fn complete_many<'a>(
        &'a self,
        hashes: &'a [Sha256Hex],
    ) -> BoxFuture<'a, Result<Vec<bool>, BlobError>> {
        Box::pin(async move {
            let mut out = vec![false; hashes.len()];
            for (n, group) in hashes.chunks(HEADS_AT_ONCE).enumerate() {
                let mut heads = tokio::task::JoinSet::new();
                for (i, hash) in group.iter().enumerate() {
                    let (objects, key) = (self.objects.clone(), self.key(hash));
                    let index = n * HEADS_AT_ONCE + i;
                    heads.spawn(async move { (index, objects.head(&key).await) });
                }
                while let Some(joined) = heads.join_next().await {
                    let (index, head) =
                        joined.map_err(|e| BlobError::Io(std::io::Error::other(e.to_string())))?;
                    out[index] = match head {
                        Ok(_) => true,
                        Err(object_store::Error::NotFound { .. }) => false,
                        Err(e) => return Err(storage(e)),
                    };
                }
            }
            Ok(out)
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
        self.staging.sweep(idle)
    }

    fn read<'a>(
        &'a self,
        hash: &'a Sha256Hex,
    ) -> BoxFuture<'a, Result<Option<Vec<u8>>, BlobError>> {
        Box::pin(async move { self.get(&self.key(hash)).await })
    }

    fn read_derived<'a>(
        &'a self,
        hash: &'a Sha256Hex,
        variant: &'a str,
    ) -> BoxFuture<'a, Result<Option<Vec<u8>>, BlobError>> {
        Box::pin(async move {
            match self.derived_key(hash, variant) {
                Some(key) => self.get(&key).await,
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
            let Some(key) = self.derived_key(hash, variant) else {
                return Ok(());
            };
            // One PUT: readers see the whole copy or none.
            self.objects
                .put(&key, PutPayload::from(bytes.to_vec()))
                .await
                .map_err(storage)?;
            Ok(())
        })
    }
}

/// Test support: the S3 server the tests use, from `PENDATA_TEST_S3_ENDPOINT`,
/// `PENDATA_TEST_S3_BUCKET` and the `AWS_*` keys (scripts/test starts SeaweedFS and sets them).
#[doc(hidden)]
#[allow(clippy::expect_used, clippy::panic)]
pub mod testing {
    use super::*;

    /// Whether the S3 suites must run (scripts/test sets `PENDATA_REQUIRE_S3=1`): then a
    /// missing server fails them instead of skipping them.
    pub fn required() -> bool {
        std::env::var("PENDATA_REQUIRE_S3").is_ok_and(|v| v == "1")
    }

    /// The test bucket's client, or `None` (after saying so on stderr) when no S3 server is
    /// configured and none is required. Panics when one is required and missing.
    pub fn objects_or_skip(test: &str) -> Option<Arc<dyn ObjectStore>> {
        let endpoint = std::env::var("PENDATA_TEST_S3_ENDPOINT").ok();
        let bucket = std::env::var("PENDATA_TEST_S3_BUCKET").ok();
        let (Some(endpoint), Some(bucket)) = (endpoint, bucket) else {
            if required() {
                panic!("{test}: PENDATA_REQUIRE_S3=1 but no S3 server (set PENDATA_TEST_S3_ENDPOINT and PENDATA_TEST_S3_BUCKET)");
            }
            eprintln!("SKIPPED {test}: no S3 server (PENDATA_TEST_S3_ENDPOINT unset)");
            return None;
        };
        let store = AmazonS3Builder::from_env()
            .with_endpoint(endpoint)
            .with_bucket_name(bucket)
            .with_virtual_hosted_style_request(false)
            .with_allow_http(true)
            .build()
            .expect("S3 test client");
        Some(Arc::new(store))
    }

    use object_store::aws::AmazonS3Builder;

    /// A fresh key prefix per store, so tests sharing one bucket never see each other's photos.
    pub fn fresh_prefix(tag: &str) -> String {
        format!("t-{tag}-{}/", uuid::Uuid::new_v4().simple())
    }
}
