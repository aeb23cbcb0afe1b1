//! SQLite implementation of [`AccountStore`] and the connection handling later stores share.
//!
//! Concurrency: one writer connection behind a mutex, plus a small pool of reader connections
//! (WAL lets readers run while the writer writes). All methods block; the server calls them
//! from `spawn_blocking`. `busy_timeout` covers the CLI writing while `serve` runs.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use uuid::Uuid;

use super::{
    AccountStore, NewUser, Role, Session, StoreError, TokenHash, User, UserCredentials, UserId,
};

/// Migrations, applied in order; `PRAGMA user_version` is the number applied.
/// Append-only: never edit a shipped file, add the next one.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_accounts",
        include_str!("../../migrations/0001_accounts.sql"),
    ),
    (
        "0002_households",
        include_str!("../../migrations/0002_households.sql"),
    ),
    (
        "0003_dashboard_sessions",
        include_str!("../../migrations/0003_dashboard_sessions.sql"),
    ),
    (
        "0004_without_rowid",
        include_str!("../../migrations/0004_without_rowid.sql"),
    ),
    (
        "0005_packed_changes",
        include_str!("../../migrations/0005_packed_changes.sql"),
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
    for (index, (_name, sql)) in MIGRATIONS.iter().enumerate() {
        let target = index as i64 + 1;
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
            tx.pragma_update(None, "user_version", target)?;
        }
        tx.commit()?;
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

/// How often the checkpointer copies the write-ahead log back into the database.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);
/// A log this many pages long (~256 MB) is checkpointed with RESTART, which waits for readers,
/// so a database that always has a reader cannot grow its log without bound.
const CHECKPOINT_RESTART_PAGES: i64 = 65_536;

/// Runs SQLite's WAL checkpoints on its own thread and connection, so a commit on the writer
/// never pays for copying the log back (with `wal_autocheckpoint` on, every ~1,000 pages one
/// unlucky commit did, inside the push path). PASSIVE checkpoints neither block nor wait;
/// crash safety is SQLite's either way. Stopped and joined on drop.
struct Checkpointer {
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Checkpointer {
    fn start(path: &Path) -> Result<Self, StoreError> {
        let conn = open_connection(path, false)?;
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || loop {
                let (lock_, cv) = &*flag;
                let guard = lock(lock_);
                let (guard, _) = cv
                    .wait_timeout_while(guard, CHECKPOINT_EVERY, |stopped| !*stopped)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                if *guard {
                    return;
                }
                drop(guard);
                let log = conn
                    .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(1))
                    .unwrap_or(0);
                if log > CHECKPOINT_RESTART_PAGES {
                    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(()))
                    {
                        tracing::warn!(error = %e, "WAL checkpoint (restart) failed");
                    }
                }
            })
            .map_err(|e| StoreError::Task(e.to_string()))?;
        Ok(Checkpointer {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        *lock(&self.stop.0) = true;
        self.stop.1.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
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

/// A poisoned mutex only means another thread panicked mid-call; SQLite rolled that
/// transaction back, so the connection is still usable.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(crate) const USER_COLUMNS: &str = "u.id, u.username, u.role, u.wilayah, u.disabled, \
     (SELECT COUNT(DISTINCT t.device_id) FROM tokens t \
      WHERE t.user_id = u.id AND t.revoked_at IS NULL)";

pub(crate) fn user_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Result<User, StoreError>> {
    let role: String = row.get(2)?;
    let role = match role.parse::<Role>() {
        Ok(role) => role,
        Err(e) => return Ok(Err(StoreError::Corrupt(e))),
    };
    Ok(Ok(User {
        id: UserId(row.get(0)?),
        username: row.get(1)?,
        role,
        wilayah: row.get(3)?,
        disabled: row.get::<_, i64>(4)? != 0,
        active_devices: row.get(5)?,
    }))
}

fn user_id_by_name(conn: &Connection, username: &str) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT id FROM users WHERE username = ?1",
            [username],
            |r| r.get(0),
        )
        .optional()?)
}

impl AccountStore for SqliteStore {
    fn create_user(&self, new: NewUser) -> Result<User, StoreError> {
        self.write(|conn| {
            let inserted = conn.execute(
                "INSERT INTO users (username, password_hash, role, wilayah, disabled, created_at) \
                 VALUES (?1, ?2, ?3, ?4, 0, ?5) ON CONFLICT (username) DO NOTHING",
                params![
                    new.username,
                    new.password_hash,
                    new.role.as_str(),
                    new.wilayah,
                    now()
                ],
            )?;
            if inserted == 0 {
                return Err(StoreError::UsernameTaken);
            }
            Ok(User {
                id: UserId(conn.last_insert_rowid()),
                username: new.username,
                role: new.role,
                wilayah: new.wilayah,
                disabled: false,
                active_devices: 0,
            })
        })
    }

    fn credentials(&self, username: &str) -> Result<Option<UserCredentials>, StoreError> {
        self.read(|conn| {
            let sql = format!(
                "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.username = ?1"
            );
            let found = conn
                .query_row(&sql, [username], |row| {
                    Ok((user_from_row(row)?, row.get::<_, String>(6)?))
                })
                .optional()?;
            match found {
                None => Ok(None),
                Some((user, password_hash)) => Ok(Some(UserCredentials {
                    user: user?,
                    password_hash,
                })),
            }
        })
    }

    fn list_users(&self) -> Result<Vec<User>, StoreError> {
        self.read(|conn| {
            let sql = format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.username");
            let mut stmt = conn.prepare(&sql)?;
            let rows = stmt.query_map([], user_from_row)?;
            let mut users = Vec::new();
            for row in rows {
                users.push(row??);
            }
            Ok(users)
        })
    }

    fn set_disabled(&self, username: &str, disabled: bool) -> Result<bool, StoreError> {
        self.write(|conn| {
            let changed = conn.execute(
                "UPDATE users SET disabled = ?2 WHERE username = ?1",
                params![username, i64::from(disabled)],
            )?;
            Ok(changed > 0)
        })
    }

    fn reset_devices(&self, username: &str) -> Result<Option<u32>, StoreError> {
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(user_id) = user_id_by_name(&tx, username)? else {
                return Ok(None);
            };
            let revoked = tx.execute(
                "UPDATE tokens SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL",
                params![user_id, now()],
            )?;
            tx.execute("DELETE FROM devices WHERE user_id = ?1", [user_id])?;
            tx.commit()?;
            Ok(Some(u32::try_from(revoked).unwrap_or(u32::MAX)))
        })
    }

    fn create_session(
        &self,
        user: UserId,
        device_id: Uuid,
        device_name: &str,
        token: TokenHash,
    ) -> Result<(), StoreError> {
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let at = now();
            let device = device_id.to_string();
            tx.execute(
                "INSERT INTO devices (user_id, device_id, device_name, first_seen_at, last_login_at) \
                 VALUES (?1, ?2, ?3, ?4, ?4) \
                 ON CONFLICT (user_id, device_id) DO UPDATE SET \
                 device_name = excluded.device_name, last_login_at = excluded.last_login_at",
                params![user.0, device, device_name, at],
            )?;
            tx.execute(
                "UPDATE tokens SET revoked_at = ?3 \
                 WHERE user_id = ?1 AND device_id = ?2 AND revoked_at IS NULL",
                params![user.0, device, at],
            )?;
            tx.execute(
                "INSERT INTO tokens (token_sha256, user_id, device_id, created_at) \
                 VALUES (?1, ?2, ?3, ?4)",
                params![token.0.as_slice(), user.0, device, at],
            )?;
            tx.commit()?;
            Ok(())
        })
    }

    fn session(&self, token: &TokenHash) -> Result<Option<Session>, StoreError> {
        self.read(|conn| {
            let sql = format!(
                "SELECT {USER_COLUMNS}, t.device_id FROM tokens t JOIN users u ON u.id = t.user_id \
                 WHERE t.token_sha256 = ?1 AND t.revoked_at IS NULL AND u.disabled = 0"
            );
            // Every request asks this: keep the statement prepared.
            let found = conn
                .prepare_cached(&sql)?
                .query_row([token.0.as_slice()], |row| {
                    Ok((user_from_row(row)?, row.get::<_, String>(6)?))
                })
                .optional()?;
            let Some((user, device)) = found else {
                return Ok(None);
            };
            let device_id = Uuid::parse_str(&device)
                .map_err(|_| StoreError::Corrupt("device id is not a UUID".into()))?;
            Ok(Some(Session {
                user: user?,
                device_id,
            }))
        })
    }

    fn revoke_token(&self, token: &TokenHash) -> Result<bool, StoreError> {
        self.write(|conn| {
            let changed = conn.execute(
                "UPDATE tokens SET revoked_at = ?2 WHERE token_sha256 = ?1 AND revoked_at IS NULL",
                params![token.0.as_slice(), now()],
            )?;
            Ok(changed > 0)
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

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
    fn sqlite_account_store_passes_the_contract() {
        let dir = tempfile::tempdir().unwrap();
        let n = AtomicUsize::new(0);
        super::super::contract::account_store_contract(|| {
            let i = n.fetch_add(1, Ordering::SeqCst);
            SqliteStore::open(&dir.path().join(format!("db{i}.sqlite")), 2).unwrap()
        });
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
        let progress = store.progress(&all).unwrap();
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
        let progress = store.progress(&all).unwrap();
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
