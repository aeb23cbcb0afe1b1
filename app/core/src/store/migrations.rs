//! Append-only schema migrations, tracked in `PRAGMA user_version`. Migration N (1-based) takes
//! the store from version N-1 to N in one transaction. Never edit a migration that has shipped.

use rusqlite::Connection;

use super::error::StoreError;

/// Every migration, in order: (name, SQL).
pub const MIGRATIONS: &[(&str, &str)] =
    &[("0001_init", include_str!("../../migrations/0001_init.sql"))];

/// The schema version this build writes.
pub const LATEST_VERSION: u32 = MIGRATIONS.len() as u32;

/// The store's schema version.
pub fn version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Bring the store to [`LATEST_VERSION`], one transaction per migration. Refuses a store
/// written by a newer app.
pub fn migrate(conn: &mut Connection) -> Result<u32, StoreError> {
    let current = version(conn)?;
    if current > LATEST_VERSION {
        return Err(StoreError::SchemaTooNew {
            found: current,
            supported: LATEST_VERSION,
        });
    }
    for (i, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let target = i as u32 + 1;
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", target)?;
        tx.commit()?;
        tracing::info!(migration = name, version = target, "store migrated");
    }
    Ok(LATEST_VERSION)
}
