//! The one place a database connection is opened. The crypto merge replaces the body of
//! [`open`] with the SQLCipher-keyed `open_encrypted`; every caller goes through here.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

/// How long a writer waits for another connection's lock before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Open (creating if needed) the store file at `path` with the pragmas the store relies on:
/// WAL journal, `synchronous=FULL` (a committed transaction survives power loss), foreign keys
/// and a busy timeout.
pub fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    configure(&conn)?;
    Ok(conn)
}

/// Apply the store's pragmas to an already opened (and, later, keyed) connection.
pub fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
    Ok(())
}
