//! The SQLite backend: accounts, records and web sessions in one database file.
//!
//! Concurrency: one writer connection behind a mutex, plus a small pool of reader connections
//! (WAL lets readers run while the writer writes). All methods block; the server calls them
//! from `spawn_blocking`. `busy_timeout` covers the CLI writing while `serve` runs.
//!
//! One file per concept: `accounts.rs` ([`AccountStore`](crate::store::AccountStore)),
//! `records.rs` (the [`RecordStore`](crate::store::RecordStore) impl, delegating to `push.rs`,
//! `reads.rs`, `review.rs`, `prelist.rs`; `rows.rs` holds the row helpers they share),
//! `web_sessions.rs`, `checkpoint.rs` (the WAL checkpointer thread).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::{lock, StoreError};
use checkpoint::Checkpointer;

mod accounts;
mod cases;
mod checkpoint;
mod ground_check;
mod lineage;
mod period;
mod prelist;
mod push;
mod reads;
mod records;
mod registry;
mod restores;
mod review;
mod rows;
mod web_sessions;

pub use lineage::start_timeline;
pub use restores::{change_log_end, read_epoch};

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Db(Box::new(e))
    }
}

/// Migrations, applied in order; `PRAGMA user_version` is the number applied.
/// Append-only: never edit a shipped file, add the next one.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_accounts",
        include_str!("../../../migrations/0001_accounts.sql"),
    ),
    (
        "0002_households",
        include_str!("../../../migrations/0002_households.sql"),
    ),
    (
        "0003_dashboard_sessions",
        include_str!("../../../migrations/0003_dashboard_sessions.sql"),
    ),
    (
        "0004_without_rowid",
        include_str!("../../../migrations/0004_without_rowid.sql"),
    ),
    (
        "0005_packed_changes",
        include_str!("../../../migrations/0005_packed_changes.sql"),
    ),
    (
        "0006_server_identity",
        include_str!("../../../migrations/0006_server_identity.sql"),
    ),
    (
        "0007_questionnaire",
        include_str!("../../../migrations/0007_questionnaire.sql"),
    ),
    (
        "0008_ground_check_progress",
        include_str!("../../../migrations/0008_ground_check_progress.sql"),
    ),
    (
        "0009_family_desil",
        include_str!("../../../migrations/0009_family_desil.sql"),
    ),
    (
        "0010_nik_index",
        include_str!("../../../migrations/0010_nik_index.sql"),
    ),
    (
        "0011_cases",
        include_str!("../../../migrations/0011_cases.sql"),
    ),
    (
        "0012_month",
        include_str!("../../../migrations/0012_month.sql"),
    ),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens a connection with the pragmas every Pendata server connection uses.
fn open_connection(path: &Path, read_only: bool) -> Result<Connection, StoreError> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // The push path alone keeps more than rusqlite's default 16 statements prepared (the
    // multi-row photo inserts, one per row count).
    conn.set_prepared_statement_cache_capacity(64);
    if !read_only {
        conn.pragma_update(None, "journal_mode", "WAL")?;
    }
    // FULL: a commit the server has acknowledged to a phone survives power loss. The phone
    // deletes its outbox entry once the server says "stored", so losing an acknowledged
    // commit would lose field data for good. NORMAL would only risk the last transactions
    // on power loss, but the write volume here is small, so the fsync per commit is cheap.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

/// Applies pending migrations, each in its own `BEGIN IMMEDIATE` transaction (so a CLI and a
/// server starting together cannot both apply the same step).
pub fn migrate(conn: &mut Connection) -> Result<i64, StoreError> {
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate() {
        let target = index as i64 + 1;
        // 0012 copies `users` into a new table (a CHECK cannot change): SQLite's way is with
        // foreign keys off (a pragma that only takes effect outside a transaction).
        let rebuilds = *name == "0012_month";
        if rebuilds {
            conn.pragma_update(None, "foreign_keys", "OFF")?;
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if current > SCHEMA_VERSION {
            return Err(StoreError::SchemaTooNew {
                found: current,
                supported: SCHEMA_VERSION,
            });
        }
        if current < target {
            tx.execute_batch(sql)?;
            if *name == "0008_ground_check_progress" {
                // Families stored before it: their changes are packed, SQL cannot read them.
                ground_check::backfill(&tx)?;
            }
            if *name == "0011_cases" {
                cases::widen_checks(&tx)?;
            }
            if rebuilds {
                let broken: i64 =
                    tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                        r.get(0)
                    })?;
                if broken > 0 {
                    return Err(StoreError::Corrupt(format!(
                        "{name}: {broken} rows lost their user"
                    )));
                }
            }
            tx.pragma_update(None, "user_version", target)?;
        }
        tx.commit()?;
        if rebuilds {
            conn.pragma_update(None, "foreign_keys", "ON")?;
        }
    }
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(version)
}

/// The SQLite database: one writer, a few readers, and a checkpointer.
pub struct SqliteStore {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    max_idle_readers: usize,
    _checkpointer: Checkpointer,
}

impl SqliteStore {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: &Path, max_idle_readers: usize) -> Result<Self, StoreError> {
        let mut writer = open_connection(path, false)?;
        migrate(&mut writer)?;
        // The checkpointer thread copies the log back; commits do not.
        writer.pragma_update(None, "wal_autocheckpoint", 0)?;
        // Each push in a group commit is a savepoint; its undo pages (the sub-journal) stay in
        // memory instead of spilling to a temporary file past 64 KiB.
        writer.pragma_update(None, "temp_store", "MEMORY")?;
        Ok(SqliteStore {
            path: path.to_owned(),
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
            max_idle_readers: max_idle_readers.max(1),
            _checkpointer: Checkpointer::start(path)?,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` with the writer connection (serialised).
    pub fn write<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = lock(&self.writer);
        f(&mut conn)
    }

    /// Runs `f` with a reader connection from the pool.
    pub fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let pooled = lock(&self.readers).pop();
        let conn = match pooled {
            Some(conn) => conn,
            None => open_connection(&self.path, true)?,
        };
        let result = f(&conn);
        let mut idle = lock(&self.readers);
        if idle.len() < self.max_idle_readers {
            idle.push(conn);
        }
        result
    }
}

pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::store::{AccountStore, NewUser, Role};
    use rusqlite::params;
    use uuid::Uuid;

    #[test]
    fn the_checkpointer_copies_the_log_back_without_a_commit_doing_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        let store = SqliteStore::open(&path, 2).unwrap();
        let db_size = || std::fs::metadata(&path).unwrap().len();
        let before = db_size();
        // ~4 MB of rows: with autocheckpoint off on the writer, they stay in the log until the
        // checkpointer copies them into the database file.
        store
            .write(|c| {
                c.execute_batch("CREATE TABLE filler (x BLOB)")?;
                let tx = c.transaction()?;
                for _ in 0..1000 {
                    tx.execute("INSERT INTO filler VALUES (zeroblob(4000))", [])?;
                }
                tx.commit()?;
                Ok(())
            })
            .unwrap();
        let autocheckpoint: i64 = store
            .write(|c| Ok(c.pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0))?))
            .unwrap();
        assert_eq!(autocheckpoint, 0, "commits must not checkpoint");
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while db_size() < before + 4_000_000 {
            assert!(
                std::time::Instant::now() < deadline,
                "the log was never copied back ({} bytes)",
                db_size()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        // Dropping the store stops and joins the thread.
        drop(store);
    }

    #[test]
    fn migrations_set_user_version_and_are_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.db");
        drop(SqliteStore::open(&path, 1).unwrap());
        let store = SqliteStore::open(&path, 1).unwrap();
        let version: i64 = store
            .read(|c| Ok(c.pragma_query_value(None, "user_version", |r| r.get(0))?))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let mode: String = store
            .read(|c| Ok(c.pragma_query_value(None, "journal_mode", |r| r.get(0))?))
            .unwrap();
        assert_eq!(mode.to_lowercase(), "wal");
    }

    #[test]
    fn migration_4_keeps_the_pair_rows_and_stores_each_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.db");
        {
            // A database as a server with migrations 1-3 left it, with rows in the four tables.
            let c = Connection::open(&path).unwrap();
            for (_, sql) in &MIGRATIONS[..3] {
                c.execute_batch(sql).unwrap();
            }
            c.pragma_update(None, "user_version", 3).unwrap();
            c.execute_batch(
                "INSERT INTO revision_missing_photos VALUES ('r1', 'aa'), ('r1', 'bb');
                 INSERT INTO photos_complete VALUES ('cc', '2026-11-23T00:00:00Z');
                 INSERT INTO household_photos VALUES ('aa', 'h1'), ('aa', 'h2');
                 INSERT INTO household_pushers VALUES ('h1', 'Ani');",
            )
            .unwrap();
        }
        let store = SqliteStore::open(&path, 1).unwrap();
        store
            .write(|c| {
                let count = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
                assert_eq!(count("SELECT count(*) FROM revision_missing_photos WHERE revision = 'r1'"), 2);
                assert_eq!(count("SELECT count(*) FROM photos_complete WHERE sha256 = 'cc'"), 1);
                assert_eq!(count("SELECT count(*) FROM household_photos WHERE sha256 = 'aa'"), 2);
                // The keys still hold, with the username's case-blind collation.
                c.execute("INSERT OR IGNORE INTO household_pushers VALUES ('h1', 'ANI')", [])
                    .unwrap();
                assert_eq!(count("SELECT count(*) FROM household_pushers"), 1);
                c.execute("INSERT OR IGNORE INTO household_photos VALUES ('aa', 'h1')", [])
                    .unwrap();
                assert_eq!(count("SELECT count(*) FROM household_photos"), 2);
                // Stored once: no rowid table and no separate automatic key index left.
                for table in ["revision_missing_photos", "photos_complete", "household_photos", "household_pushers"] {
                    assert!(
                        c.prepare(&format!("SELECT rowid FROM {table}")).is_err(),
                        "{table} still has a rowid"
                    );
                }
                assert_eq!(
                    count("SELECT count(*) FROM sqlite_schema WHERE name LIKE 'sqlite_autoindex_household_p%' OR name LIKE 'sqlite_autoindex_revision_missing%' OR name LIKE 'sqlite_autoindex_photos_complete%'"),
                    0
                );
                assert_eq!(
                    count("SELECT count(*) FROM sqlite_schema WHERE name = 'revision_missing_by_revision'"),
                    1
                );
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn migration_8_gives_families_stored_before_it_their_ground_check_facts() {
        use crate::store::contract::ground_check_family;
        use crate::store::packed::PackedChange;
        use crate::store::{RecordStore, Scope};
        use pendata_shared::dtsen::{GroundCheckOutcome, VisitResult};
        use pendata_shared::protocol::Change;

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.db");
        let desa = "3201022001";
        // Two families as a server with migrations 1-7 stored them: packed, no facts.
        let found = ground_check_family(
            pendata_shared::HouseholdId::new(),
            desa,
            &[VisitResult::NobodyHome, VisitResult::Met],
            Some(GroundCheckOutcome::Found),
        );
        let waiting = ground_check_family(
            pendata_shared::HouseholdId::new(),
            desa,
            &[VisitResult::NobodyHome],
            None,
        );
        {
            let c = Connection::open(&path).unwrap();
            for (_, sql) in &MIGRATIONS[..7] {
                c.execute_batch(sql).unwrap();
            }
            c.pragma_update(None, "user_version", 7).unwrap();
            let at = "2026-12-01T00:00:00.000Z";
            for f in [&found, &waiting] {
                let rev = pendata_shared::RevisionId::new();
                let json = serde_json::to_string(&Change::UpsertFamily {
                    family: Box::new(f.clone()),
                })
                .unwrap();
                c.execute(
                    "INSERT INTO households (id, desa_code, head_revision, review_state, \
                     created_at, updated_at, questionnaire, assignment_kind) \
                     VALUES (?1, ?2, ?3, 'submitted', ?4, ?4, 'regsosek2022k', 'ground_check')",
                    params![f.id.to_string(), desa, rev.to_string(), at],
                )
                .unwrap();
                c.execute(
                    "INSERT INTO revisions (revision, household_id, content_sha256, op, \
                     change_json, change_packed, device_id, username, saved_at, received_at, \
                     state, questionnaire) VALUES (?1, ?2, ?3, 'upsert', '', ?4, ?5, 'ani', ?6, \
                     ?6, 'current', 'regsosek2022k')",
                    params![
                        rev.to_string(),
                        f.id.to_string(),
                        pendata_shared::Sha256Hex::digest(json.as_bytes()).as_str(),
                        PackedChange::pack(&json).unwrap().as_bytes(),
                        Uuid::nil().to_string(),
                        at
                    ],
                )
                .unwrap();
            }
        }
        let store = SqliteStore::open(&path, 1).unwrap();
        let rows = store.ground_check_progress(&Scope::all(), None).unwrap();
        assert_eq!(rows.len(), 1, "{rows:?}");
        // [assigned, visited, found, moved, died, not found, to revisit]
        assert_eq!(rows[0].counts.cells(), [0, 2, 1, 0, 0, 0, 1]);
    }

    #[test]
    fn migration_5_packs_new_changes_and_still_reads_the_old_ones() {
        use crate::store::contract::{household, incoming, pusher};
        use crate::store::packed::PackedChange;
        use crate::store::{RecordStore, Scope};
        use pendata_shared::protocol::{Change, PushOutcome};

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.db");
        let desa = "3201022001";
        // A revision as a server with migrations 1-4 stored it: the change as plain JSON.
        let mut old = household(desa);
        old.interview.enumerator = Some("ani".into());
        old.interview.first_opened_at = Some(chrono::Utc::now());
        let old_rev = pendata_shared::RevisionId::new();
        let old_json = serde_json::to_string(&Change::Upsert {
            household: Box::new(old.clone()),
        })
        .unwrap();
        {
            let c = Connection::open(&path).unwrap();
            for (_, sql) in &MIGRATIONS[..4] {
                c.execute_batch(sql).unwrap();
            }
            c.pragma_update(None, "user_version", 4).unwrap();
            let at = "2026-11-23T00:00:00.000Z";
            c.execute(
                "INSERT INTO households (id, desa_code, head_revision, review_state, created_at, \
                 updated_at) VALUES (?1, ?2, ?3, 'submitted', ?4, ?4)",
                params![old.id.to_string(), desa, old_rev.to_string(), at],
            )
            .unwrap();
            c.execute(
                "INSERT INTO revisions (revision, household_id, content_sha256, op, change_json, \
                 device_id, username, saved_at, received_at, state) \
                 VALUES (?1, ?2, ?3, 'upsert', ?4, ?5, 'ani', ?6, ?6, 'current')",
                params![
                    old_rev.to_string(),
                    old.id.to_string(),
                    pendata_shared::Sha256Hex::digest(old_json.as_bytes()).as_str(),
                    old_json,
                    Uuid::nil().to_string(),
                    at
                ],
            )
            .unwrap();
        }
        let store = SqliteStore::open(&path, 1).unwrap();
        let all = Scope::all();
        // The old row reads as before: its household, its progress facts from the JSON.
        let detail = store.get(old.id, &all).unwrap().unwrap();
        assert_eq!(detail.household.as_ref(), Some(&old));
        let progress = crate::store::contract::progress_all(&store, &all);
        assert_eq!(progress.len(), 1);
        assert_eq!(progress[0].enumerator.as_deref(), Some("ani"));
        assert!(progress[0].visited && !progress[0].finalized);

        // A new revision on top of it is stored packed, and reads back byte for byte.
        let mut new = old.clone();
        new.interview.enumerator = Some("budi".into());
        new.interview.finalized_at = Some(chrono::Utc::now());
        let rec = incoming(new.clone(), Some(old_rev));
        let out = store.push(&pusher(desa), vec![rec.clone()]).unwrap();
        assert!(matches!(out[0], PushOutcome::Accepted { .. }), "{out:?}");
        let (json, packed): (String, Option<Vec<u8>>) = store
            .read(|c| {
                Ok(c.query_row(
                    "SELECT change_json, change_packed FROM revisions WHERE revision = ?1",
                    [rec.record.revision.to_string()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?)
            })
            .unwrap();
        assert_eq!(json, "", "a packed change is not stored twice");
        let packed = packed.expect("the new revision is packed");
        assert!(packed.len() < rec.change_json.len());
        assert_eq!(PackedChange::unpack(&packed).unwrap(), rec.change_json);

        let detail = store.get(old.id, &all).unwrap().unwrap();
        assert_eq!(detail.household.as_ref(), Some(&new));
        let changes: Vec<&Change> = detail.revisions.iter().map(|r| &r.change).collect();
        assert_eq!(
            changes,
            vec![
                &Change::Upsert {
                    household: Box::new(old)
                },
                &Change::Upsert {
                    household: Box::new(new)
                }
            ]
        );
        // The progress facts now come from the new revision's columns.
        let progress = crate::store::contract::progress_all(&store, &all);
        assert_eq!(progress[0].enumerator.as_deref(), Some("budi"));
        assert!(progress[0].visited && progress[0].finalized);
    }

    #[test]
    fn a_database_from_a_newer_server_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.db");
        {
            let c = Connection::open(&path).unwrap();
            c.pragma_update(None, "user_version", SCHEMA_VERSION + 5)
                .unwrap();
        }
        match SqliteStore::open(&path, 1) {
            Err(StoreError::SchemaTooNew { found, .. }) => assert_eq!(found, SCHEMA_VERSION + 5),
            other => panic!("expected SchemaTooNew, got {:?}", other.err()),
        }
    }

    #[test]
    fn a_second_connection_sees_writes_while_the_first_is_open() {
        // The CLI and `serve` share the file: simulate with two stores on one path.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.db");
        let server = SqliteStore::open(&path, 2).unwrap();
        assert!(server.list_users().unwrap().is_empty());
        let cli = SqliteStore::open(&path, 1).unwrap();
        cli.create_user(NewUser {
            username: "ani".into(),
            password_hash: "x".into(),
            role: Role::Enumerator,
            wilayah: "3201".into(),
        })
        .unwrap();
        assert_eq!(server.list_users().unwrap().len(), 1);
    }
}
