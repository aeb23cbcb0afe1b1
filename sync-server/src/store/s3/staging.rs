//! [`ChunkStaging`]: where the chunks of uploads in progress wait until the photo is whole.
//!
//! S3 parts must be at least 5 MiB and a phone sends 256 KiB chunks, so chunks are not mapped
//! to parts: they are staged where every server process sees them (PostgreSQL's `blob_uploads`
//! and `blob_chunks`, [`crate::store::postgres::PgChunkStaging`]) and assembled when complete.

use crate::store::{BlobError, BoxFuture, Sha256Hex};

/// Staged chunks of uploads in progress, shared by every server process.
pub trait ChunkStaging: Send + Sync + 'static {
    /// Bytes staged for `hash` (0 when nothing is).
    fn staged<'a>(&'a self, hash: &'a Sha256Hex) -> BoxFuture<'a, Result<u64, BlobError>>;

    /// Adds `bytes` at `offset` of an upload of `total` bytes, atomically with the check that
    /// `offset` is the staged count (else [`BlobError::OffsetMismatch`] and nothing changes).
    /// Answers the new staged count.
    fn stage<'a>(
        &'a self,
        hash: &'a Sha256Hex,
        offset: u64,
        total: u64,
        bytes: Vec<u8>,
    ) -> BoxFuture<'a, Result<u64, BlobError>>;

    /// Every staged byte of `hash`, in order.
    fn assemble<'a>(&'a self, hash: &'a Sha256Hex) -> BoxFuture<'a, Result<Vec<u8>, BlobError>>;

    /// Forgets what is staged for `hash` (after the object is stored, or refused).
    fn discard<'a>(&'a self, hash: &'a Sha256Hex) -> BoxFuture<'a, Result<(), BlobError>>;

    /// Forgets uploads that received nothing for `idle` ([`crate::store::BlobStore::sweep_abandoned`]);
    /// returns how many.
    fn sweep(&self, idle: std::time::Duration) -> BoxFuture<'_, Result<u64, BlobError>>;
}
