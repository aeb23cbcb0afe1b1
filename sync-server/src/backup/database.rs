//! The database part of a backup: a consistent copy of the live SQLite database taken with
//! SQLite's online backup API while the server keeps writing, and the facts the manifest
//! records about that copy.
//!
//! Never a file copy: the live database is in WAL mode, so the main file alone lacks the
//! commits still in `pendata.db-wal`, and copying both while they change gives a torn copy.
//! The backup API copies every page in one step, inside one read transaction: the copy is the
//! database as of one commit, and since WAL readers and the writer do not wait for each other,
//! pushes go on meanwhile.

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use rusqlite::{backup::StepResult, Connection, OpenFlags, OptionalExtension};

use crate::store::Sha256Hex;

use super::manifest::{Counts, ServerState};
use super::BackupError;

/// What a database copy holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbFacts {
    pub schema_version: i64,
    pub change_seq: i64,
    pub counts: Counts,
    pub server: Option<ServerState>,
    /// `ok`, or the problems `PRAGMA integrity_check` found.
    pub integrity: String,
    /// Photos a stored revision references and no revision waits for: the photo folder
    /// must hold each of them.
    pub complete_photos: Vec<Sha256Hex>,
}

/// Copies the live database at `live` into the new file `dest` (one self-contained file,
/// journal mode DELETE).
pub fn copy_online(live: &Path, dest: &Path) -> Result<(), BackupError> {
    let src = Connection::open_with_flags(
        live,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    src.busy_timeout(Duration::from_secs(30))?;
    let mut dst = Connection::open(dest)?;
    {
        let backup = rusqlite::backup::Backup::new(&src, &mut dst)?;
        // Every page in one step: one read transaction, so no write by the server can make
        // the copy restart. Busy/Locked only while another connection holds a lock that
        // keeps readers out (a checkpoint in RESTART mode): wait and try again.
        let mut waited = Duration::ZERO;
        loop {
            match backup.step(-1)? {
                StepResult::Done => break,
                StepResult::More | StepResult::Busy | StepResult::Locked
                    if waited < Duration::from_secs(60) =>
                {
                    std::thread::sleep(Duration::from_millis(50));
                    waited += Duration::from_millis(50);
                }
                other => {
                    return Err(BackupError::Damaged(format!(
                        "the database could not be copied ({other:?})"
                    )))
                }
            }
        }
    }
    dst.pragma_update(None, "journal_mode", "DELETE")?;
    dst.pragma_update(None, "synchronous", "FULL")?;
    drop(dst);
    std::fs::File::open(dest)
        .and_then(|f| f.sync_all())
        .map_err(BackupError::io(format!("syncing {}", dest.display())))
}

/// Checks and describes a database file (read only).
pub fn facts(db: &Path) -> Result<DbFacts, BackupError> {
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let integrity = {
        let mut stmt = conn.prepare("PRAGMA integrity_check")?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        rows.join("; ")
    };
    let count = |sql: &str| -> Result<u64, BackupError> {
        Ok(conn.query_row(sql, [], |r| r.get::<_, i64>(0))?.max(0) as u64)
    };
    let counts = Counts {
        households: count("SELECT count(*) FROM households")?,
        revisions: count("SELECT count(*) FROM revisions")?,
        reviews: count("SELECT count(*) FROM reviews")?,
        users: count("SELECT count(*) FROM users")?,
        referenced_photos: count("SELECT count(DISTINCT sha256) FROM household_photos")?,
    };
    let change_seq = crate::store::sqlite::change_log_end(&conn)
        .map_err(|e| BackupError::Damaged(format!("the change log: {e}")))?;
    let schema_version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let server = server_state(&conn)?;
    let mut complete_photos = Vec::new();
    {
        let mut stmt = conn.prepare(
            "SELECT DISTINCT sha256 FROM household_photos \
             WHERE sha256 NOT IN (SELECT sha256 FROM revision_missing_photos) ORDER BY sha256",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        for row in rows {
            let text = row?;
            let sha = Sha256Hex::parse(&text).ok_or_else(|| {
                BackupError::Damaged(format!("photo name {text:?} in the database"))
            })?;
            complete_photos.push(sha);
        }
    }
    Ok(DbFacts {
        schema_version,
        change_seq,
        counts,
        server,
        integrity,
        complete_photos,
    })
}

/// The server's identity and generation, when the database has them (migration 0006).
fn server_state(conn: &Connection) -> Result<Option<ServerState>, BackupError> {
    let has_table: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'server_identity'",
        [],
        |r| r.get(0),
    )?;
    if !has_table {
        return Ok(None);
    }
    Ok(conn
        .query_row(
            "SELECT server_id, generation, timeline FROM server_identity",
            [],
            |r| {
                Ok(ServerState {
                    server_id: r.get(0)?,
                    generation: r.get(1)?,
                    timeline: r.get(2)?,
                })
            },
        )
        .optional()?)
}

/// Size and SHA-256 of a file.
pub fn file_sha256(path: &Path) -> Result<(u64, String), BackupError> {
    use sha2::Digest;
    let ctx = || format!("reading {}", path.display());
    let mut file = std::fs::File::open(path).map_err(BackupError::io(ctx()))?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(BackupError::io(ctx()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((total, hex::encode(hasher.finalize())))
}
