//! The one place a store connection is opened. The store is always encrypted: this is a thin
//! wrapper over [`crate::db::open_encrypted`] (SQLCipher keyed from the [`DataKey`], WAL,
//! `synchronous=FULL`, foreign keys, busy timeout). There is no unencrypted variant.

use std::path::Path;

use rusqlite::Connection;

use crate::crypto::DataKey;
use crate::db::{self, DbError};

pub use crate::db::BUSY_TIMEOUT;

/// Open (creating if needed) the encrypted store file at `path`, keyed from `key`.
/// A wrong key fails with [`DbError::WrongKey`] before anything is written.
pub fn open(path: &Path, key: &DataKey) -> Result<Connection, DbError> {
    db::open_encrypted(path, key)
}
