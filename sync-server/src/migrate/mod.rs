//! `pendata-server migrate-storage`: copies a SQLite + photo-folder deployment into PostgreSQL
//! (and optionally its photos into an S3-compatible bucket), because that is how a kabupaten
//! grows into a province (issue 19; docs/server.md, "Pindah ke PostgreSQL").
//!
//! * **Same server, not a restore.** The target takes the source's server id, restore
//!   generation and timeline, every id, time and sequence number is kept, and the change log's
//!   head is set to where SQLite's ended: the phones' pull cursors stay valid and they notice
//!   nothing but a new address (if any). Web sessions are not copied (log in again).
//! * **One snapshot.** The SQLite side is read in one read transaction, so the copy is of one
//!   moment even if something writes meanwhile; stop the server first anyway, since whatever
//!   it accepts after that moment stays behind.
//! * **Idempotent and resumable.** Each batch of rows is one `INSERT … ON CONFLICT` in its own
//!   transaction, photos are content-addressed: a run cut anywhere is finished by running it
//!   again, and a finished one run again writes nothing.
//! * **Refusals** ([`MigrateError`]): a server running on the target, a target holding other
//!   data (another server id, another timeline, or anything newer than the source).
//! * **Checked.** At the end rows per table, photos, the change log's end and the identity are
//!   compared on both sides; a difference fails the command with what differs.
//!
//! One idea per file: `tables.rs` (what is copied), `cell.rs` (value conversion), `rows.rs`
//! (batches), `target.rs` (lock and identity), `photos.rs`, `verify.rs`.

mod cell;
mod photos;
mod rows;
mod tables;
mod target;
mod verify;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use photos::PhotosCopied;
pub use rows::Copied;
pub use verify::TableCount;

use crate::config::{BlobUrl, DatabaseUrl};
use crate::store::postgres::{PgChunkStaging, PgStore};
use crate::store::s3::{self, S3BlobStore};
use crate::store::{BlobLimits, StoreError};

/// Rows per `INSERT` (PostgreSQL takes at most 65 535 parameters; the widest table has 18).
pub const DEFAULT_BATCH_ROWS: usize = 1000;

/// What to migrate where.
#[derive(Debug, Clone)]
pub struct MigrateOptions {
    /// The SQLite data directory: `pendata.db` and `photos/`.
    pub data_dir: PathBuf,
    pub to_database_url: DatabaseUrl,
    /// Where the photos go; `None`: they stay in `data_dir/photos`, where a PostgreSQL server
    /// started with the same `--data-dir` reads them.
    pub to_blob_url: Option<BlobUrl>,
    pub batch_rows: usize,
    /// Stop (with [`MigrateError::Stopped`]) after reading this many rows: how the tests cut a
    /// migration halfway.
    pub stop_after_rows: Option<u64>,
}

/// What a finished migration did and found.
#[derive(Debug, Clone)]
pub struct MigrateReport {
    pub server_id: String,
    /// Whether the target was empty (first run) rather than an earlier, unfinished copy.
    pub target_was_empty: bool,
    /// Per table: rows read, rows the target took (new or changed).
    pub copied: Vec<(&'static str, Copied)>,
    /// Per table: rows on both sides after the copy (all equal, or the run failed).
    pub counts: Vec<TableCount>,
    /// Complete photos in the source folder (and, all of them, in the target).
    pub photos: u64,
    /// `None` when the photos stayed in the folder.
    pub photos_copied: Option<PhotosCopied>,
    pub rows_took: Duration,
    pub photos_took: Duration,
}

impl MigrateReport {
    pub fn rows_read(&self) -> u64 {
        self.copied.iter().map(|(_, c)| c.read).sum()
    }

    pub fn rows_written(&self) -> u64 {
        self.copied.iter().map(|(_, c)| c.written).sum()
    }
}

/// Why a migration stopped. Nothing is lost either way: the source is only read, and the
/// target is completed by running the command again.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("tidak ada basis data SQLite di {0} (no SQLite database there)")]
    NoSource(PathBuf),
    #[error("membaca SQLite (reading the SQLite source): {0}")]
    Source(StoreError),
    #[error("menulis ke PostgreSQL (writing to PostgreSQL): {0}")]
    Target(StoreError),
    #[error(
        "server masih berjalan pada PostgreSQL tujuan; hentikan dulu semua pendata-server di \
         sana (a pendata-server still runs on the target PostgreSQL; stop it first)"
    )]
    TargetInUse,
    #[error(
        "PostgreSQL tujuan sudah berisi data server lain (id {target_id}); pakai basis data \
         kosong (the target PostgreSQL already holds another server's data, id {target_id}; \
         migrate into an empty database)"
    )]
    TargetHoldsOtherData { target_id: String },
    #[error(
        "PostgreSQL tujuan ada di garis waktu lain (dipulihkan sejak salinan sebelumnya); \
         pakai basis data kosong (the target is on another timeline, restored since the earlier \
         copy; migrate into an empty database)"
    )]
    TargetOtherTimeline,
    #[error(
        "PostgreSQL tujuan sudah menerima data yang lebih baru dari SQLite (server sudah berjalan \
         di sana); menyalin lagi akan menimpanya (the target already holds data newer than the \
         SQLite source, a server has run on it; copying again would overwrite it)"
    )]
    TargetNewer,
    #[error("nilai tidak cocok di {table}.{column}, baris ke-{row} (value does not fit {table}.{column}, row {row}): {reason}")]
    BadValue {
        table: &'static str,
        column: &'static str,
        row: u64,
        reason: String,
    },
    #[error("foto {path}: {source}")]
    Photos {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("foto rusak, isinya tidak cocok dengan namanya (damaged photo, its bytes do not match its name): {path}")]
    DamagedPhoto { path: PathBuf },
    #[error("penyimpanan foto S3 (S3 photo storage): {0}")]
    Bucket(String),
    #[error("berhenti setelah {rows} baris, sesuai permintaan; jalankan lagi untuk melanjutkan (stopped after {rows} rows as asked; run again to finish)")]
    Stopped { rows: u64 },
    #[error(
        "hitungan tidak cocok setelah penyalinan (counts differ after the copy):\n  {}",
        .0.join("\n  ")
    )]
    Mismatch(Vec<String>),
}

impl MigrateError {
    fn source(e: rusqlite::Error) -> Self {
        MigrateError::Source(e.into())
    }

    fn bucket(e: object_store::Error) -> Self {
        MigrateError::Bucket(e.to_string())
    }
}

/// Runs one migration; `bar` shows rows, then photos (a hidden bar in tests).
pub fn migrate_storage(
    options: &MigrateOptions,
    bar: &indicatif::ProgressBar,
) -> Result<MigrateReport, MigrateError> {
    let db_path = options.data_dir.join("pendata.db");
    if !db_path.is_file() {
        return Err(MigrateError::NoSource(db_path));
    }
    let mut conn = rusqlite::Connection::open(&db_path).map_err(MigrateError::source)?;
    conn.busy_timeout(Duration::from_secs(10))
        .map_err(MigrateError::source)?;
    crate::store::sqlite::migrate(&mut conn).map_err(MigrateError::Source)?;
    // One read transaction: every table is read as of one moment.
    let source = conn.transaction().map_err(MigrateError::source)?;
    let identity = target::SourceIdentity::read(&source)?;

    let db = Arc::new(
        PgStore::connect(options.to_database_url.expose(), 4).map_err(MigrateError::Target)?,
    );
    let (_lock, fresh) = target::take_target(&db, &identity)?;
    tracing::info!(
        server_id = %identity.server_id,
        target = %options.to_database_url,
        resuming = !fresh,
        "migrating storage"
    );

    let total_rows: u64 = tables::TABLES
        .iter()
        .map(|t| {
            source
                .query_row(&format!("SELECT count(*) FROM {}", t.name), [], |r| {
                    r.get::<_, i64>(0)
                })
                .map(|n| n as u64)
        })
        .sum::<Result<u64, _>>()
        .map_err(MigrateError::source)?;
    bar.set_length(total_rows);
    bar.set_position(0);
    let started = Instant::now();
    let mut budget = rows::Budget {
        stop_after_rows: options.stop_after_rows,
        rows_read: 0,
    };
    let mut copied = Vec::new();
    for table in tables::TABLES {
        bar.set_message(table.name);
        let c = rows::copy_table(
            &source,
            &db,
            table,
            options.batch_rows.max(1),
            &mut budget,
            bar,
        )?;
        copied.push((table.name, c));
    }
    let identities: Vec<(&str, &str)> = tables::TABLES
        .iter()
        .filter_map(|t| t.identity.map(|c| (t.name, c)))
        .collect();
    target::finish_counters(&db, &identity, &identities)?;
    let rows_took = started.elapsed();

    let started = Instant::now();
    let photos = photos::source_photos(&options.data_dir.join("photos"))?;
    let (photos_copied, missing) = match &options.to_blob_url {
        None => (None, Vec::new()),
        Some(url) => {
            bar.set_message("foto / photos");
            bar.set_length(photos.len() as u64);
            bar.set_position(0);
            let (copied, missing) = copy_and_check_photos(&db, url, &photos, bar)?;
            (Some(copied), missing)
        }
    };
    let photos_took = started.elapsed();

    bar.set_message("memeriksa / verifying");
    let counts = verify::count_tables(&source, &db)?;
    let mut differences = verify::differences(&counts, &identity, &db)?;
    differences.extend(missing);
    if !differences.is_empty() {
        return Err(MigrateError::Mismatch(differences));
    }
    Ok(MigrateReport {
        server_id: identity.server_id,
        target_was_empty: fresh,
        copied,
        counts,
        photos: photos.len() as u64,
        photos_copied,
        rows_took,
        photos_took,
    })
}

/// Copies the photos into the bucket of `url` and lists it again: returns what was copied and
/// a line per source photo the bucket still lacks (or holds with another size).
fn copy_and_check_photos(
    db: &Arc<PgStore>,
    url: &BlobUrl,
    photos: &[photos::SourcePhoto],
    bar: &indicatif::ProgressBar,
) -> Result<(PhotosCopied, Vec<String>), MigrateError> {
    let objects = s3::from_env(url).map_err(|e| MigrateError::Bucket(e.to_string()))?;
    let store = S3BlobStore::new(
        objects.clone(),
        &url.prefix,
        Arc::new(PgChunkStaging::new(db.clone())),
        BlobLimits {
            max_blob_bytes: u64::MAX,
            max_chunk_bytes: u64::MAX,
        },
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| MigrateError::Bucket(e.to_string()))?;
    runtime.block_on(async {
        let copied = photos::copy_photos(photos, &objects, &store, &url.prefix, bar).await?;
        let there = photos::bucket_photos(&objects, &store, &url.prefix).await?;
        let missing: Vec<String> = photos
            .iter()
            .filter(|p| there.get(p.hash.as_str()) != Some(&p.size))
            .map(|p| {
                format!(
                    "foto {} tidak ada di bucket (photo missing from the bucket)",
                    p.hash
                )
            })
            .collect();
        Ok((copied, missing))
    })
}
