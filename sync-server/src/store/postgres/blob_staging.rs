//! [`ChunkStaging`] in PostgreSQL (`blob_uploads`, `blob_chunks`): the chunks of photo uploads
//! in progress for the S3 photo store, seen by every server process. One transaction per
//! chunk, under an advisory lock on the photo's hash, so racing chunks from two processes
//! are checked against one staged count.

use std::sync::Arc;

use super::{in_transaction, lock_key, lock_keys, PgStore};
use crate::store::s3::ChunkStaging;
use crate::store::{BlobError, BoxFuture, Sha256Hex, StoreError};

/// The advisory-lock kind byte of a photo upload.
const UPLOAD_LOCK: u8 = b'b';

/// Uploads in progress staged in the records' PostgreSQL database.
pub struct PgChunkStaging {
    db: Arc<PgStore>,
}

impl PgChunkStaging {
    pub fn new(db: Arc<PgStore>) -> Self {
        PgChunkStaging { db }
    }

    /// Runs `f` with the store on the blocking pool (the store's calls block their thread).
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&PgStore) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, BlobError> {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || f(&db))
            .await
            .map_err(|e| BlobError::Io(std::io::Error::other(e.to_string())))?
            .map_err(|e| match e {
                StoreError::Io(io) => BlobError::Io(io),
                other => BlobError::Io(std::io::Error::other(other.to_string())),
            })
    }
}

/// A staged count that does not fit PostgreSQL's bigint, or one that is negative.
fn to_u64(n: i64) -> Result<u64, StoreError> {
    u64::try_from(n).map_err(|_| StoreError::Corrupt(format!("negative staged count {n}")))
}

fn to_i64(n: u64) -> Result<i64, StoreError> {
    i64::try_from(n).map_err(|_| StoreError::Corrupt(format!("size {n} too large")))
}

/// The outcome of one staging transaction.
enum Staged {
    Now(u64),
    Mismatch(u64),
}

impl ChunkStaging for PgChunkStaging {
    fn staged<'a>(&'a self, hash: &'a Sha256Hex) -> BoxFuture<'a, Result<u64, BlobError>> {
        let hash = hash.as_str().to_owned();
        Box::pin(self.blocking(move |db| {
            db.run(async {
                let c = db.client().await?;
                let row = c
                    .query_opt(
                        "SELECT received FROM blob_uploads WHERE sha256 = $1",
                        &[&hash],
                    )
                    .await?;
                match row {
                    Some(row) => to_u64(row.try_get(0)?),
                    None => Ok(0),
                }
            })
        }))
    }

    fn stage<'a>(
        &'a self,
        hash: &'a Sha256Hex,
        offset: u64,
        total: u64,
        bytes: Vec<u8>,
    ) -> BoxFuture<'a, Result<u64, BlobError>> {
        let hash = hash.as_str().to_owned();
        Box::pin(async move {
            let staged = self
                .blocking(move |db| {
                    let (offset, total) = (to_i64(offset)?, to_i64(total)?);
                    let len = to_i64(bytes.len() as u64)?;
                    in_transaction!(db, |tx| {
                        lock_keys(&tx, vec![lock_key(UPLOAD_LOCK, hash.as_bytes())]).await?;
                        let received: i64 = tx
                            .query_opt(
                                "SELECT received FROM blob_uploads WHERE sha256 = $1",
                                &[&hash],
                            )
                            .await?
                            .map(|row| row.try_get(0))
                            .transpose()?
                            .unwrap_or(0);
                        if received != offset {
                            return Ok(Staged::Mismatch(to_u64(received)?));
                        }
                        tx.execute(
                            "INSERT INTO blob_uploads (sha256, total, received, updated_at) \
                             VALUES ($1, $2, $3, now()) \
                             ON CONFLICT (sha256) DO UPDATE \
                             SET total = $2, received = $3, updated_at = now()",
                            &[&hash, &total, &(offset + len)],
                        )
                        .await?;
                        tx.execute(
                            "INSERT INTO blob_chunks (sha256, offset_bytes, bytes) \
                             VALUES ($1, $2, $3)",
                            &[&hash, &offset, &bytes],
                        )
                        .await?;
                        Ok::<_, StoreError>(Staged::Now(to_u64(offset + len)?))
                    })
                })
                .await?;
            match staged {
                Staged::Now(received) => Ok(received),
                Staged::Mismatch(received) => Err(BlobError::OffsetMismatch { received }),
            }
        })
    }

    fn assemble<'a>(&'a self, hash: &'a Sha256Hex) -> BoxFuture<'a, Result<Vec<u8>, BlobError>> {
        let hash = hash.as_str().to_owned();
        Box::pin(self.blocking(move |db| {
            db.run(async {
                let c = db.client().await?;
                let rows = c
                    .query(
                        "SELECT bytes FROM blob_chunks WHERE sha256 = $1 ORDER BY offset_bytes",
                        &[&hash],
                    )
                    .await?;
                let mut out = Vec::new();
                for row in rows {
                    let chunk: &[u8] = row.try_get(0)?;
                    out.extend_from_slice(chunk);
                }
                Ok(out)
            })
        }))
    }

    fn sweep(&self, idle: std::time::Duration) -> BoxFuture<'_, Result<u64, BlobError>> {
        let idle_secs = idle.as_secs_f64();
        Box::pin(self.blocking(move |db| {
            db.run(async {
                let c = db.client().await?;
                // Chunks go with their upload (ON DELETE CASCADE).
                Ok(c.execute(
                    "DELETE FROM blob_uploads \
                     WHERE updated_at < now() - make_interval(secs => $1)",
                    &[&idle_secs],
                )
                .await?)
            })
        }))
    }

    fn discard<'a>(&'a self, hash: &'a Sha256Hex) -> BoxFuture<'a, Result<(), BlobError>> {
        let hash = hash.as_str().to_owned();
        Box::pin(self.blocking(move |db| {
            db.run(async {
                let c = db.client().await?;
                c.execute("DELETE FROM blob_uploads WHERE sha256 = $1", &[&hash])
                    .await?;
                Ok(())
            })
        }))
    }
}
