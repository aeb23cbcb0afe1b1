//! The encrypted SQLite database (SQLCipher).
//!
//! There is deliberately no `open_plain`: the client store is always encrypted. The SQLCipher
//! key is the [`KeyPurpose::Database`] sub-key of the DEK, passed in SQLCipher's raw-key form
//! (`x'<64 hex>'`), so SQLCipher's own PBKDF2 step is skipped (the PIN was already stretched by
//! argon2id when the DEK was unwrapped).

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode};
use zeroize::Zeroizing;

use crate::crypto::{CryptoError, DataKey, KeyPurpose};

/// How long a connection waits for a lock held by another connection.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Errors opening the encrypted database. `Display` is Bahasa Indonesia,
/// [`message_en`](DbError::message_en) English, [`code`](DbError::code) stable.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("Kunci basis data salah, atau berkas bukan basis data terenkripsi: {}", path.display())]
    WrongKey { path: PathBuf },
    #[error("SQLite yang terpasang tidak mendukung enkripsi (SQLCipher tidak aktif)")]
    NoCipher,
    #[error("Kesalahan basis data: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Key(#[from] CryptoError),
}

impl DbError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            DbError::WrongKey { .. } => "store.wrong_key",
            DbError::NoCipher => "store.no_cipher",
            DbError::Sqlite(_) => "store.db",
            DbError::Key(e) => e.code(),
        }
    }

    /// English message (the `Display` form is Bahasa Indonesia).
    pub fn message_en(&self) -> String {
        match self {
            DbError::WrongKey { path } => format!(
                "Wrong database key, or the file is not an encrypted database: {}",
                path.display()
            ),
            DbError::NoCipher => {
                "The linked SQLite does not support encryption (SQLCipher missing)".to_owned()
            }
            DbError::Sqlite(e) => format!("Database error: {e}"),
            DbError::Key(e) => e.message_en(),
        }
    }
}

/// Opens (creating if absent) the SQLCipher database at `path`, keyed from `key`.
///
/// Order matters: the key is applied first, then verified by reading `sqlite_master`; only
/// after that are the journal mode and the other settings applied, so a wrong key fails with
/// [`DbError::WrongKey`] before anything is written to the file.
///
/// Native builds link SQLCipher and use WAL. The browser build links SQLite3 Multiple Ciphers
/// in its SQLCipher-compatible mode (`cipher=sqlcipher`, `legacy=4`: the same page format as
/// native SQLCipher 4, so a file from a phone opens with the `pendata` CLI) in the OPFS pool
/// VFS, which has no shared memory: a rollback journal instead of WAL (docs/app.md).
pub fn open_encrypted(path: &Path, key: &DataKey) -> Result<Connection, DbError> {
    let conn = cipher::open(path)?;

    let sub = key.subkey(KeyPurpose::Database)?;
    conn.execute_batch(&key_pragma(sub.expose()))?;

    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| {
        row.get::<_, i64>(0)
    }) {
        Ok(_) => {}
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::NotADatabase => {
            tracing::warn!(path = %path.display(), "database key rejected");
            return Err(DbError::WrongKey {
                path: path.to_path_buf(),
            });
        }
        Err(e) => return Err(e.into()),
    }

    let pragma = format!("PRAGMA journal_mode = {}", cipher::JOURNAL_MODE);
    let mode: String = conn.query_row(&pragma, [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case(cipher::JOURNAL_MODE) {
        tracing::warn!(%mode, "journal mode not available");
    }
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// SQLCipher, linked natively.
#[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
mod cipher {
    use std::path::Path;

    use rusqlite::Connection;

    use super::DbError;

    pub(super) const JOURNAL_MODE: &str = "wal";

    /// A connection with the cipher ready for `PRAGMA key`.
    pub(super) fn open(path: &Path) -> Result<Connection, DbError> {
        let conn = Connection::open(path)?;
        // Plain SQLite silently ignores `PRAGMA key`; refuse to run without SQLCipher.
        let cipher_version: Option<String> = conn
            .query_row("PRAGMA cipher_version", [], |row| row.get(0))
            .ok();
        if cipher_version.as_deref().is_none_or(str::is_empty) {
            return Err(DbError::NoCipher);
        }
        // SQLCipher logs failed page HMAC checks to stderr / logcat itself; we report them as
        // `DbError::WrongKey` instead (process-wide setting).
        conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
        Ok(conn)
    }
}

/// SQLite3 Multiple Ciphers in the browser, in the OPFS pool VFS.
#[cfg(all(target_family = "wasm", target_os = "unknown"))]
mod cipher {
    use std::path::Path;

    use rusqlite::{Connection, OpenFlags};

    use super::DbError;

    pub(super) const JOURNAL_MODE: &str = "delete";

    /// A connection with the cipher ready for `PRAGMA key`: SQLCipher 4's format.
    pub(super) fn open(path: &Path) -> Result<Connection, DbError> {
        let conn = Connection::open_with_flags_and_vfs(
            path,
            OpenFlags::default(),
            crate::web::CIPHER_VFS,
        )?;
        // SQLite3MC answers the cipher it now uses; a SQLite without it answers nothing (and
        // would ignore `PRAGMA key`): refuse to run then.
        let cipher: Option<String> = conn
            .query_row("PRAGMA cipher = 'sqlcipher'", [], |row| row.get(0))
            .ok();
        if !cipher.is_some_and(|c| c.eq_ignore_ascii_case("sqlcipher")) {
            return Err(DbError::NoCipher);
        }
        conn.execute_batch("PRAGMA legacy = 4;")?;
        Ok(conn)
    }
}

/// `PRAGMA key = "x'<64 hex>'";` in a buffer that is zeroized on drop.
fn key_pragma(key: &[u8; 32]) -> Zeroizing<String> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut sql = Zeroizing::new(String::with_capacity(96));
    sql.push_str("PRAGMA key = \"x'");
    for b in key {
        sql.push(char::from(HEX[usize::from(b >> 4)]));
        sql.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    sql.push_str("'\";");
    sql
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn key_pragma_is_raw_key_form() {
        let mut key = [0u8; 32];
        key[0] = 0xab;
        key[31] = 0x01;
        let sql = key_pragma(&key);
        assert_eq!(
            sql.as_str(),
            format!("PRAGMA key = \"x'{}'\";", hex::encode(key))
        );
    }
}
