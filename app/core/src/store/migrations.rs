//! Append-only schema migrations, tracked in `PRAGMA user_version`. Migration N (1-based) takes
//! the store from version N-1 to N in one transaction. Never edit a migration that has shipped.

use rusqlite::{Connection, OptionalExtension};

use super::error::StoreError;

/// Every migration, in order: (name, SQL).
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init", include_str!("../../migrations/0001_init.sql")),
    (
        "0002_needs_photo",
        include_str!("../../migrations/0002_needs_photo.sql"),
    ),
    (
        "0003_ground_check",
        include_str!("../../migrations/0003_ground_check.sql"),
    ),
    (
        "0004_assignment_worklist",
        include_str!("../../migrations/0004_assignment_worklist.sql"),
    ),
    (
        "0005_cases",
        include_str!("../../migrations/0005_cases.sql"),
    ),
    (
        "0006_family_desil",
        include_str!("../../migrations/0006_family_desil.sql"),
    ),
    (
        "0007_assignment_listing",
        include_str!("../../migrations/0007_assignment_listing.sql"),
    ),
];

/// The schema version this build writes.
pub const LATEST_VERSION: u32 = MIGRATIONS.len() as u32;

/// The store's schema version.
pub fn version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Bring the store to [`LATEST_VERSION`], one transaction per migration. Refuses a store
/// written by a newer app.
///
/// Foreign keys are off while migrations run (SQLite's procedure for rebuilding a table: a
/// `DROP TABLE` would otherwise cascade into the tables that refer to it); each migration checks
/// them with `foreign_key_check` before it commits, and they are turned back on afterwards.
pub fn migrate(conn: &mut Connection) -> Result<u32, StoreError> {
    let current = version(conn)?;
    if current > LATEST_VERSION {
        return Err(StoreError::SchemaTooNew {
            found: current,
            supported: LATEST_VERSION,
        });
    }
    if current == LATEST_VERSION {
        return Ok(LATEST_VERSION);
    }
    let fk_on: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    conn.pragma_update(None, "foreign_keys", false)?;
    let result = run_from(conn, current);
    if fk_on {
        conn.pragma_update(None, "foreign_keys", true)?;
    }
    result.map(|()| LATEST_VERSION)
}

fn run_from(conn: &mut Connection, current: u32) -> Result<(), StoreError> {
    for (i, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let target = i as u32 + 1;
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        let broken: Option<String> = tx
            .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
            .optional()?;
        if let Some(table) = broken {
            return Err(StoreError::Corrupt(format!(
                "migration {name} leaves a broken reference in {table}"
            )));
        }
        tx.pragma_update(None, "user_version", target)?;
        tx.commit()?;
        tracing::info!(migration = name, version = target, "store migrated");
    }
    Ok(())
}
