//! The UI-free local store: records and their life cycle, photos' metadata, the prelist and
//! ground-check lists, the push outbox, pulled review outcomes and conflicts, the audit trail and
//! device settings.
//!
//! A record is a DTKS household (questionnaire `dtks-bdt`) or a DTSEN family
//! (`regsosek2022k`, see `family`): both share the `households` table, this life cycle, the
//! outbox and the search index; [`RecordContent`] is what the internals need of either.
//!
//! Every user action is one SQLite transaction. Every connection is opened through
//! [`connection::open`], which is always SQLCipher-encrypted with the device's [`DataKey`];
//! normally through [`crate::Device`], which also owns the key file and the photo blobs.
//!
//! Life cycle: `draft` (autosaved) → `final` (no validation errors) → `queued` (in the outbox) →
//! `sent` (acknowledged) → `approved` / `rejected` (from a pull); `conflict` from a push answer or
//! pull; `deleted` is a tombstone until the server acknowledges it; `needs_photo` when a photo
//! it must send is gone or damaged on the device (see `photo_problems`). Editing a record in any state
//! but `deleted` puts it back to `draft`; once a revision has been queued, the edit makes a new
//! revision based on the last one the server acknowledged.

mod assignments;
mod case;
pub mod connection;
mod content;
mod desil;
mod error;
mod family;
pub mod jsonpath;
mod lifecycle;
pub mod migrations;
mod photo_problems;
mod reading;
mod reoffer;
mod rows;
mod search;
mod state;
mod sync;
mod unsent;
mod worklist;
mod writing;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};
use pendata_shared::{DeviceId, MemberId, RevisionId};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::crypto::DataKey;
use rows::Actor;

pub use case::CaseRow;
pub use content::{Record, RecordContent, Rules, SearchFields};
pub use desil::FamilyDesil;
pub use error::StoreError;
pub use family::{GroundCheckVisit, NobodyHome, RevisitRow};
pub use photo_problems::{PhotoProblemRow, SetAside};
pub use search::{HouseholdSummary, RecordCursor, SearchQuery};
pub use state::RecordState;
pub use sync::{ConflictRow, PendingRow, PullSummary, PushSummary, RejectedPush};
pub use worklist::WorkListCursor;

/// Result of store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The name of the store file inside the data directory.
pub const STORE_FILE: &str = "pendata.db";

/// The bookkeeping of one record (everything but its content).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordInfo {
    pub id: pendata_shared::HouseholdId,
    /// Which form the content answers: a DTKS household or a DTSEN family.
    pub questionnaire: pendata_shared::Questionnaire,
    pub state: RecordState,
    pub revision: RevisionId,
    pub base_revision: Option<RevisionId>,
    pub acked_revision: Option<RevisionId>,
    pub server_revision: Option<RevisionId>,
    /// The supervisor's note of the last review.
    pub review_note: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// One audit-trail row: who changed which field. Values are JSON; the `Debug` output leaves
/// them out (they can hold NIK and KK numbers).
#[derive(Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub household_id: pendata_shared::HouseholdId,
    pub revision: RevisionId,
    pub path: String,
    pub old_value: Option<Value>,
    pub new_value: Option<Value>,
    pub username: Option<String>,
    pub device_id: String,
    pub at: String,
}

impl fmt::Debug for AuditEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditEntry")
            .field("household_id", &self.household_id)
            .field("revision", &self.revision)
            .field("path", &self.path)
            .field("username", &self.username)
            .field("at", &self.at)
            .finish_non_exhaustive()
    }
}

/// A photo's metadata as the store keeps it (the bytes live in the blob store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhotoRow {
    pub kind: String,
    pub member_id: Option<MemberId>,
    pub sha256: String,
    pub blob_id: String,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
    pub taken_at: String,
    /// Bytes the server is known to hold.
    pub uploaded: u64,
}

/// What a delete did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteOutcome {
    /// The server never saw the record: it is gone.
    Purged,
    /// A tombstone waits in the outbox until the server acknowledges it.
    Tombstoned,
}

/// Counts for the status screen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    /// Households per state (every state listed, zero included).
    pub states: BTreeMap<String, u64>,
    pub outbox_pending: u64,
    pub outbox_rejected: u64,
    pub open_conflicts: u64,
    pub assignments_active: u64,
    /// The active assignments the work list shows: not opened as a record, and listed (a
    /// sync's pulled assignments count once its pull ends, as the list shows them).
    pub assignments_listed: u64,
    pub last_sync_at: Option<String>,
}

/// Setting keys.
pub mod keys {
    pub const DEVICE_ID: &str = "device_id";
    pub const USERNAME: &str = "username";
    pub const SERVER_URL: &str = "server_url";
    pub const LANG: &str = "lang";
    pub const LAST_SYNC_AT: &str = "last_sync_at";
    pub const PULL_CURSOR: &str = "pull_cursor";
    /// The bearer token of the last login (kept only in this encrypted store).
    pub const SESSION_TOKEN: &str = "session_token";
    /// The logged-in user as the server described it (`protocol::UserInfo` as JSON).
    pub const SESSION_USER: &str = "session_user";
    /// Path of an extra CA certificate (PEM) to trust for the server.
    pub const CA_CERT_PEM: &str = "ca_cert_pem";
    /// The server state of the last sync (`protocol::ServerEpoch` as JSON).
    pub const SERVER_EPOCH: &str = "server_epoch";
    /// The DTSEN choices of this Dinsos (`dtsen::DtsenRules` as JSON: the revisit policy and
    /// the age limits); the documented defaults when unset.
    pub const DTSEN_RULES: &str = "dtsen_rules";
    /// The case choices of this Dinsos (`cases::CaseRules` as JSON); the documented defaults
    /// when unset.
    pub const CASE_RULES: &str = "case_rules";
}

/// The local store. One connection; use one `Store` per thread.
pub struct Store {
    conn: Connection,
    device_id: DeviceId,
    username: Option<String>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("device_id", &self.device_id)
            .finish_non_exhaustive()
    }
}

/// Now, in the store's timestamp format.
pub(crate) fn now_text(now: DateTime<Utc>) -> String {
    now.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub(crate) fn parse_rev(s: Option<String>) -> Result<Option<RevisionId>> {
    s.map(|s| {
        s.parse::<RevisionId>()
            .map_err(|_| StoreError::Corrupt("revision id".into()))
    })
    .transpose()
}

/// Reads stored JSON content.
pub(crate) fn parse_content<T: DeserializeOwned>(content: &str) -> Result<T> {
    serde_json::from_str(content).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn to_json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl Store {
    /// Open (creating and migrating as needed) the encrypted store file at `path`, keyed from
    /// `key`. A wrong key is `store.wrong_key` and leaves the file untouched.
    pub fn open(path: &Path, key: &DataKey) -> Result<Self> {
        Self::from_connection(connection::open(path, key)?)
    }

    /// Open the encrypted store in `dir` (created if missing), file [`STORE_FILE`].
    pub fn open_in_dir(dir: &Path, key: &DataKey) -> Result<Self> {
        crate::files::create_dir_all(dir)
            .map_err(|e| StoreError::Corrupt(format!("data directory: {e}")))?;
        Self::open(&dir.join(STORE_FILE), key)
    }

    /// Migrate a keyed connection and load the device identity, creating one on first use.
    /// Private: every connection comes from [`connection::open`], so none is unencrypted.
    fn from_connection(mut conn: Connection) -> Result<Self> {
        migrations::migrate(&mut conn)?;
        // A sync cut in its pull left assignments unlisted: list them now.
        worklist::list_pulled(&conn)?;
        let existing: Option<String> = conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                [keys::DEVICE_ID],
                |r| r.get(0),
            )
            .optional()?;
        let device_id = match existing {
            Some(s) => s
                .parse()
                .map_err(|_| StoreError::Corrupt("device id".into()))?,
            None => {
                let id = DeviceId::new();
                conn.execute(
                    "INSERT INTO settings (key, value) VALUES (?1, ?2)",
                    params![keys::DEVICE_ID, id.to_string()],
                )?;
                id
            }
        };
        let username = conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                [keys::USERNAME],
                |r| r.get(0),
            )
            .optional()?;
        Ok(Self {
            conn,
            device_id,
            username,
        })
    }

    /// The connection, for read-only inspection (tests, integrity checks).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Closes the database at `path` (this store's file), runs `f`, and opens it again with
    /// `key`. Closing fails (and `f` does not run) while a statement is still in use; the
    /// store is then unchanged.
    pub(crate) fn with_file_closed<T>(
        &mut self,
        path: &Path,
        key: &DataKey,
        f: impl FnOnce(&Path) -> T,
    ) -> Result<T> {
        let open = std::mem::replace(&mut self.conn, Connection::open_in_memory()?);
        if let Err((open, e)) = open.close() {
            self.conn = open;
            return Err(e.into());
        }
        let out = f(path);
        self.conn = connection::open(path, key)?;
        Ok(out)
    }

    fn tx(&mut self) -> Result<Transaction<'_>> {
        Ok(Transaction::new(
            &mut self.conn,
            TransactionBehavior::Immediate,
        )?)
    }

    fn split(&mut self) -> Result<(Transaction<'_>, Actor<'_>)> {
        let actor = Actor {
            device_id: self.device_id,
            username: self.username.as_deref(),
        };
        let tx = Transaction::new(&mut self.conn, TransactionBehavior::Immediate)?;
        Ok((tx, actor))
    }

    // -- settings ------------------------------------------------------------------------------

    /// This device's id (made on first open).
    pub fn device_id(&self) -> DeviceId {
        self.device_id
    }

    /// A setting's value.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Set (or with `None`, clear) a setting. The device id cannot be changed.
    pub fn set_setting(&mut self, key: &str, value: Option<&str>) -> Result<()> {
        if key == keys::DEVICE_ID {
            return Err(StoreError::ReadOnlyField { path: key.into() });
        }
        match value {
            Some(v) => self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, v],
            )?,
            None => self
                .conn
                .execute("DELETE FROM settings WHERE key = ?1", [key])?,
        };
        if key == keys::USERNAME {
            self.username = value.map(str::to_string);
        }
        Ok(())
    }

    /// The logged-in facilitator, written into `interview.enumerator` on each save.
    pub fn username(&self) -> Option<&str> {
        self.username.as_deref()
    }

    pub fn set_username(&mut self, username: Option<&str>) -> Result<()> {
        self.set_setting(keys::USERNAME, username)
    }

    /// The opaque pull cursor of the last pull page applied.
    pub fn pull_cursor(&self) -> Result<Option<String>> {
        self.setting(keys::PULL_CURSOR)
    }

    pub fn set_pull_cursor(&mut self, cursor: &str) -> Result<()> {
        self.set_setting(keys::PULL_CURSOR, Some(cursor))
    }

    /// Record the end of a successful sync.
    pub fn set_last_sync_at(&mut self, at: DateTime<Utc>) -> Result<()> {
        self.set_setting(keys::LAST_SYNC_AT, Some(&now_text(at)))
    }
}
