//! [`BlobStore`]: content-addressed photo bytes with resumable, chunked uploads.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use super::BoxFuture;

/// A lower-case hex SHA-256 (64 chars). The only way to name a blob, so no path built
/// from it can escape the photo directory.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sha256Hex(String);

impl Sha256Hex {
    /// Accepts exactly 64 characters of `0-9a-f`.
    pub fn parse(s: &str) -> Option<Self> {
        (s.len() == 64
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        .then(|| Sha256Hex(s.to_owned()))
    }

    /// The hex of the SHA-256 of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        use sha2::Digest;
        Sha256Hex(hex::encode(sha2::Sha256::digest(bytes)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Sha256Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How much of a blob the store holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobStatus {
    /// Stored and verified; the size in bytes.
    Complete(u64),
    /// Not complete; bytes staged so far (0 if nothing).
    Partial(u64),
}

/// Result of one accepted chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppendOutcome {
    pub received: u64,
    pub total: u64,
    pub complete: bool,
}

impl AppendOutcome {
    /// The answer for a complete blob of `len` bytes.
    pub fn done(len: u64) -> Self {
        AppendOutcome {
            received: len,
            total: len,
            complete: true,
        }
    }
}

/// Whether `variant` may name a copy kept beside a blob ([`BlobStore::keep_derived`]): 1 to
/// 40 lower-case letters, digits and `-`, so a path or key built from it stays where it belongs.
pub(crate) fn is_variant_name(variant: &str) -> bool {
    (1..=40).contains(&variant.len())
        && variant
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// One async lock per hash with an upload in progress in this process, so racing chunks of the
/// same blob are serialised (different blobs proceed in parallel).
#[derive(Default)]
pub(crate) struct UploadLocks(Mutex<HashMap<Sha256Hex, Arc<tokio::sync::Mutex<()>>>>);

impl UploadLocks {
    /// The lock of `hash` (forgetting locks nobody holds any more, so the map stays small).
    pub(crate) fn lock_for(&self, hash: &Sha256Hex) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = super::lock(&self.0);
        locks.retain(|_, lock| Arc::strong_count(lock) > 1);
        locks.entry(hash.clone()).or_default().clone()
    }
}

/// Limits the blob store enforces on every upload.
#[derive(Debug, Clone, Copy)]
pub struct BlobLimits {
    pub max_blob_bytes: u64,
    pub max_chunk_bytes: u64,
}

/// Why a chunk was refused. Staged bytes stay where they were unless said otherwise.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("offset does not match the {received} bytes already staged")]
    OffsetMismatch { received: u64 },
    #[error("total size {total} is outside 1..={max}")]
    BadTotal { total: u64, max: u64 },
    #[error("chunk goes past the declared total")]
    PastTotal,
    #[error("chunk larger than {max} bytes")]
    ChunkTooLarge { max: u64 },
    #[error("content does not hash to its name; staged bytes discarded")]
    HashMismatch,
    /// The content check refused the bytes; staged bytes discarded.
    #[error("content rejected: {0}")]
    Rejected(ContentRejection),
    #[error("request body failed: {0}")]
    Body(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Why a [`ContentCheck`] refused complete bytes: a stable code for programs and the reason
/// in Bahasa Indonesia and in English for people (the API answers it as a 422).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message_en}")]
pub struct ContentRejection {
    pub code: &'static str,
    pub message: String,
    pub message_en: String,
}

/// Checks complete content before it is stored (e.g. "is this a JPEG").
pub type ContentCheck = fn(&[u8]) -> Result<(), ContentRejection>;

/// Content-addressed blobs with resumable, chunked uploads.
///
/// Protocol: a client asks [`BlobStore::status`] (how much is staged), then sends chunks at
/// exactly that offset. When the staged length reaches `total` the store verifies the
/// SHA-256 and the content check and moves the blob into place atomically; a complete blob is
/// never rewritten. Concurrent appends to the same hash are serialised.
pub trait BlobStore: Send + Sync + 'static {
    fn status<'a>(&'a self, hash: &'a Sha256Hex) -> BoxFuture<'a, Result<BlobStatus, BlobError>>;

    /// Whether each of `hashes` is complete, in order: what a push asks for the photos of its
    /// batch. A store may answer them all in one go.
    fn complete_many<'a>(
        &'a self,
        hashes: &'a [Sha256Hex],
    ) -> BoxFuture<'a, Result<Vec<bool>, BlobError>> {
        Box::pin(async move {
            let mut out = Vec::with_capacity(hashes.len());
            for hash in hashes {
                out.push(matches!(self.status(hash).await?, BlobStatus::Complete(_)));
            }
            Ok(out)
        })
    }

    /// Appends one chunk (a streamed request body) at `offset` of a blob of `total` bytes.
    /// A complete blob answers `complete = true` without reading the body.
    fn append<'a>(
        &'a self,
        hash: &'a Sha256Hex,
        offset: u64,
        total: u64,
        body: axum::body::Body,
        check: ContentCheck,
    ) -> BoxFuture<'a, Result<AppendOutcome, BlobError>>;

    /// Forgets uploads in progress that received nothing for `idle`: a photo retaken before it
    /// was sent, a phone reset or lost. Their staged chunks would otherwise stay forever. A
    /// phone that does come back starts that photo again from 0 (the status says 0 staged).
    /// Returns how many uploads were forgotten.
    fn sweep_abandoned(&self, idle: std::time::Duration) -> BoxFuture<'_, Result<u64, BlobError>>;

    /// The bytes of a complete blob.
    fn read<'a>(&'a self, hash: &'a Sha256Hex)
        -> BoxFuture<'a, Result<Option<Vec<u8>>, BlobError>>;

    /// A copy made from a blob and kept beside it (the dashboard's thumbnails), by `variant`
    /// (a name that changes whenever the way it is made changes, e.g. `thumb-360-q70`); `None`
    /// when none is kept. A blob never changes, so neither does its copy. The default keeps
    /// nothing.
    fn read_derived<'a>(
        &'a self,
        hash: &'a Sha256Hex,
        variant: &'a str,
    ) -> BoxFuture<'a, Result<Option<Vec<u8>>, BlobError>> {
        let _ = (hash, variant);
        Box::pin(async { Ok(None) })
    }

    /// Keeps `bytes` as the `variant` copy of `hash` for [`BlobStore::read_derived`]. Losing
    /// it is harmless (it is made again); the default keeps nothing.
    fn keep_derived<'a>(
        &'a self,
        hash: &'a Sha256Hex,
        variant: &'a str,
        bytes: &'a [u8],
    ) -> BoxFuture<'a, Result<(), BlobError>> {
        let _ = (hash, variant, bytes);
        Box::pin(async { Ok(()) })
    }
}
