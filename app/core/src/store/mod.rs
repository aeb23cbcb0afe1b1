//! The UI-free local store: households and their life cycle, photos' metadata, the prelist,
//! the push outbox, pulled review outcomes and conflicts, the audit trail and device settings.
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

pub mod connection;
mod error;
pub mod jsonpath;
pub mod migrations;
mod photo_problems;
mod reoffer;
mod search;
mod sync;
mod unsent;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};
use pendata_shared::model::Location;
use pendata_shared::photos::LocalPhotoProblem;
use pendata_shared::protocol::Assignment;
use pendata_shared::validate::{is_finalizable, local_photo_finding, Context};
use pendata_shared::{
    validate_household, DeviceId, Finding, Household, Lang, Member, MemberId, PhotoRef, RecordKind,
    RevisionId,
};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::crypto::DataKey;

pub use error::StoreError;
pub use photo_problems::{PhotoProblemRow, SetAside};
pub use search::{HouseholdSummary, SearchQuery};
pub use sync::{ConflictRow, PendingRow, PullSummary, PushSummary, RejectedPush};

/// Result of store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The name of the store file inside the data directory.
pub const STORE_FILE: &str = "pendata.db";

/// Where a household record is in its life cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordState {
    Draft,
    Final,
    Queued,
    Sent,
    Approved,
    Rejected,
    Conflict,
    Deleted,
    /// A photo the record references is gone or damaged on this device: it is not sent until
    /// the photo is taken again ("perlu foto ulang"). See [`Store::set_aside_for_photo`].
    NeedsPhoto,
}

impl RecordState {
    /// Every state, in life-cycle order.
    pub const ALL: [RecordState; 9] = [
        RecordState::Draft,
        RecordState::Final,
        RecordState::Queued,
        RecordState::Sent,
        RecordState::Approved,
        RecordState::Rejected,
        RecordState::Conflict,
        RecordState::Deleted,
        RecordState::NeedsPhoto,
    ];

    /// The spelling in the store and on the command line.
    pub const fn as_str(self) -> &'static str {
        match self {
            RecordState::Draft => "draft",
            RecordState::Final => "final",
            RecordState::Queued => "queued",
            RecordState::Sent => "sent",
            RecordState::Approved => "approved",
            RecordState::Rejected => "rejected",
            RecordState::Conflict => "conflict",
            RecordState::Deleted => "deleted",
            RecordState::NeedsPhoto => "needs_photo",
        }
    }

    /// Parse the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Label for people.
    pub const fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (RecordState::Draft, Lang::Id) => "draf",
            (RecordState::Final, Lang::Id) => "final",
            (RecordState::Queued, Lang::Id) => "antre kirim",
            (RecordState::Sent, Lang::Id) => "terkirim",
            (RecordState::Approved, Lang::Id) => "disetujui",
            (RecordState::Rejected, Lang::Id) => "ditolak",
            (RecordState::Conflict, Lang::Id) => "konflik",
            (RecordState::Deleted, Lang::Id) => "dihapus",
            (RecordState::NeedsPhoto, Lang::Id) => "perlu foto ulang",
            (RecordState::Draft, Lang::En) => "draft",
            (RecordState::Final, Lang::En) => "final",
            (RecordState::Queued, Lang::En) => "queued",
            (RecordState::Sent, Lang::En) => "sent",
            (RecordState::Approved, Lang::En) => "approved",
            (RecordState::Rejected, Lang::En) => "rejected",
            (RecordState::Conflict, Lang::En) => "conflict",
            (RecordState::Deleted, Lang::En) => "deleted",
            (RecordState::NeedsPhoto, Lang::En) => "photo retake needed",
        }
    }
}

impl fmt::Display for RecordState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The bookkeeping of one household record (everything but its content).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordInfo {
    pub id: pendata_shared::HouseholdId,
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

pub(crate) fn parse_household(content: &str) -> Result<Household> {
    serde_json::from_str(content).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn to_json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// The row of a household, as edits need it.
pub(crate) struct Row {
    pub seq: i64,
    pub state: RecordState,
    pub revision: RevisionId,
    pub frozen: bool,
    pub base_revision: Option<RevisionId>,
    pub acked_revision: Option<RevisionId>,
    pub server_revision: Option<RevisionId>,
    pub content: String,
    pub session_started_at: Option<String>,
}

pub(crate) fn load_row(conn: &Connection, id: &str) -> Result<Option<Row>> {
    let raw = conn
        .query_row(
            "SELECT seq, state, revision, revision_frozen, base_revision, acked_revision,
                    server_revision, content, session_started_at
             FROM households WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, Option<String>>(8)?,
                ))
            },
        )
        .optional()?;
    let Some((seq, state, revision, frozen, base, acked, server, content, session)) = raw else {
        return Ok(None);
    };
    Ok(Some(Row {
        seq,
        state: RecordState::parse(&state).ok_or_else(|| StoreError::Corrupt("state".into()))?,
        revision: revision
            .parse()
            .map_err(|_| StoreError::Corrupt("revision id".into()))?,
        frozen: frozen != 0,
        base_revision: parse_rev(base)?,
        acked_revision: parse_rev(acked)?,
        server_revision: parse_rev(server)?,
        content,
        session_started_at: session,
    }))
}

/// The text the search index keeps for a household.
struct SearchFields {
    head_name: String,
    names: String,
    numbers: String,
    address: String,
}

fn search_fields(h: &Household) -> SearchFields {
    let head_name = h
        .head()
        .or_else(|| h.members.first())
        .map(|m| m.name.clone())
        .unwrap_or_default();
    let names = h
        .members
        .iter()
        .map(|m| m.name.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let mut numbers: Vec<&str> = h.members.iter().filter_map(|m| m.nik.as_deref()).collect();
    numbers.extend(h.families.iter().map(|f| f.kk_number.as_str()));
    if let RecordKind::Verivali { prelist_id } = &h.kind {
        numbers.push(prelist_id);
    }
    let mut address = h.location.address.clone();
    if let Some(sls) = &h.location.sls_name {
        address.push(' ');
        address.push_str(sls);
    }
    SearchFields {
        head_name,
        names,
        numbers: numbers.join(" "),
        address,
    }
}

fn kind_str(h: &Household) -> (&'static str, Option<&str>) {
    match &h.kind {
        RecordKind::Verivali { prelist_id } => ("verivali", Some(prelist_id.as_str())),
        RecordKind::UsulanBaru { .. } => ("usulan_baru", None),
    }
}

/// Write the content, the denormalised search columns and the search index of an existing row.
fn write_content(
    tx: &Transaction<'_>,
    seq: i64,
    h: &Household,
    state: RecordState,
    now: &str,
) -> Result<()> {
    let content = to_json(h)?;
    let sf = search_fields(h);
    let (kind, prelist) = kind_str(h);
    tx.execute(
        "UPDATE households SET content = ?2, state = ?3, kind = ?4, prelist_id = ?5,
                desa_code = ?6, head_name = ?7, address = ?8, member_count = ?9, updated_at = ?10
         WHERE seq = ?1",
        params![
            seq,
            content,
            state.as_str(),
            kind,
            prelist,
            h.location.desa_code,
            sf.head_name,
            sf.address,
            h.members.len() as i64,
            now
        ],
    )?;
    tx.execute("DELETE FROM household_search WHERE rowid = ?1", [seq])?;
    tx.execute(
        "INSERT INTO household_search (rowid, head_name, names, numbers, address, desa)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            seq,
            sf.head_name,
            sf.names,
            sf.numbers,
            sf.address,
            h.location.desa_code
        ],
    )?;
    Ok(())
}

fn insert_household(tx: &Transaction<'_>, h: &Household, now: &str) -> Result<i64> {
    let (kind, _) = kind_str(h);
    tx.execute(
        "INSERT INTO households (id, content, state, revision, kind, desa_code, created_at, updated_at)
         VALUES (?1, '{}', 'draft', ?2, ?3, ?4, ?5, ?5)",
        params![
            h.id.to_string(),
            RevisionId::new().to_string(),
            kind,
            h.location.desa_code,
            now
        ],
    )?;
    let seq = tx.last_insert_rowid();
    write_content(tx, seq, h, RecordState::Draft, now)?;
    Ok(seq)
}

pub(crate) fn purge_household(tx: &Transaction<'_>, id: &str, seq: i64) -> Result<()> {
    tx.execute("DELETE FROM household_search WHERE rowid = ?1", [seq])?;
    tx.execute("DELETE FROM outbox WHERE household_id = ?1", [id])?;
    tx.execute("DELETE FROM households WHERE seq = ?1", [seq])?;
    Ok(())
}

/// Who is editing.
struct Actor<'a> {
    device_id: DeviceId,
    username: Option<&'a str>,
}

impl Actor<'_> {
    fn stamp(&self, h: &mut Household, now: DateTime<Utc>) {
        h.interview.last_saved_at = Some(now);
        h.interview.device_id = Some(self.device_id);
        if let Some(u) = self.username {
            h.interview.enumerator = Some(u.to_string());
        }
        if h.interview.first_opened_at.is_none() {
            h.interview.first_opened_at = Some(now);
        }
    }
}

/// Apply an edit to a stored household: checks the state, runs `mutate`, makes a new revision
/// when the current one has been queued, stamps the interview metadata, writes the content as a
/// draft and the audit rows. `mutate` returns the audit rows (path, old, new).
fn edit<F>(tx: &Transaction<'_>, actor: &Actor<'_>, id: &str, mutate: F) -> Result<bool>
where
    F: FnOnce(&mut Household) -> Result<Vec<(String, Value, Value)>>,
{
    let row = load_row(tx, id)?.ok_or(StoreError::NotFound)?;
    if row.state == RecordState::Deleted {
        return Err(StoreError::IllegalTransition {
            from: row.state,
            action: "edit",
        });
    }
    let before = parse_household(&row.content)?;
    let mut h = before.clone();
    let changes = mutate(&mut h)?;
    if h == before {
        return Ok(false);
    }
    let now = Utc::now();
    let now_s = now_text(now);
    actor.stamp(&mut h, now);
    let revision = if row.frozen {
        let rev = RevisionId::new();
        let base = row.server_revision.or(row.acked_revision);
        // Revoke what still waits to be pushed: the new revision carries all of it.
        tx.execute(
            "DELETE FROM outbox WHERE household_id = ?1 AND status = 'pending'",
            [id],
        )?;
        tx.execute(
            "UPDATE households SET revision = ?2, revision_frozen = 0, base_revision = ?3
             WHERE seq = ?1",
            params![row.seq, rev.to_string(), base.map(|b| b.to_string())],
        )?;
        rev
    } else {
        row.revision
    };
    write_content(tx, row.seq, &h, RecordState::Draft, &now_s)?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO audit (household_id, revision, path, old_value, new_value, username, device_id, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (path, old, new) in changes {
        let old = (!old.is_null()).then(|| old.to_string());
        let new = (!new.is_null()).then(|| new.to_string());
        stmt.execute(params![
            id,
            revision.to_string(),
            path,
            old,
            new,
            actor.username,
            actor.device_id.to_string(),
            now_s
        ])?;
    }
    Ok(true)
}

/// Replace runs of six or more digits (a NIK or KK number quoted by serde) so that error
/// messages, which may end up in logs, never carry them.
pub(crate) fn redact_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 6 {
            out.push_str("<angka>");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Paths a person may not set through [`Store::set_field`].
fn read_only(path: &[jsonpath::Segment]) -> bool {
    use jsonpath::Segment::Key;
    match path {
        [Key(k), ..] if k == "id" || k == "interview" || k == "photos" => true,
        [Key(m), jsonpath::Segment::Index(_), Key(k), ..]
            if m == "members" && (k == "id" || k == "padan") =>
        {
            true
        }
        _ => false,
    }
}

fn full_diff(old: &Household, new: &Household) -> Result<Vec<(String, Value, Value)>> {
    let a = serde_json::to_value(old).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let b = serde_json::to_value(new).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(jsonpath::diff(&a, &b)
        .into_iter()
        .filter(|(p, _, _)| !p.starts_with("interview."))
        .collect())
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

    // -- reading -------------------------------------------------------------------------------

    /// The current content of a household.
    pub fn household(&self, id: pendata_shared::HouseholdId) -> Result<Household> {
        let content: String = self
            .conn
            .query_row(
                "SELECT content FROM households WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(StoreError::NotFound)?;
        parse_household(&content)
    }

    /// The bookkeeping of a household.
    pub fn record(&self, id: pendata_shared::HouseholdId) -> Result<RecordInfo> {
        let raw = self
            .conn
            .query_row(
                "SELECT state, revision, base_revision, acked_revision, server_revision,
                        review_note, created_at, updated_at
                 FROM households WHERE id = ?1",
                [id.to_string()],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, String>(7)?,
                    ))
                },
            )
            .optional()?
            .ok_or(StoreError::NotFound)?;
        Ok(RecordInfo {
            id,
            state: RecordState::parse(&raw.0).ok_or_else(|| StoreError::Corrupt("state".into()))?,
            revision: raw
                .1
                .parse()
                .map_err(|_| StoreError::Corrupt("revision id".into()))?,
            base_revision: parse_rev(raw.2)?,
            acked_revision: parse_rev(raw.3)?,
            server_revision: parse_rev(raw.4)?,
            review_note: raw.5,
            created_at: raw.6,
            updated_at: raw.7,
        })
    }

    /// The state of a household.
    pub fn state(&self, id: pendata_shared::HouseholdId) -> Result<RecordState> {
        Ok(self.record(id)?.state)
    }

    /// Validation findings of the current content (errors, then warnings as the rules give them).
    pub fn validate(&self, id: pendata_shared::HouseholdId) -> Result<Vec<Finding>> {
        let h = self.household(id)?;
        Ok(validate_household(
            &h,
            &Context::embedded(Utc::now().date_naive()),
        ))
    }

    /// The audit trail of a household, oldest first.
    pub fn audit_trail(&self, id: pendata_shared::HouseholdId) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT revision, path, old_value, new_value, username, device_id, at
             FROM audit WHERE household_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([id.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (rev, path, old, new, username, device_id, at) = row?;
            let json = |s: Option<String>| -> Result<Option<Value>> {
                s.map(|s| serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(e.to_string())))
                    .transpose()
            };
            out.push(AuditEntry {
                household_id: id,
                revision: rev
                    .parse()
                    .map_err(|_| StoreError::Corrupt("revision id".into()))?,
                path,
                old_value: json(old)?,
                new_value: json(new)?,
                username,
                device_id,
                at,
            });
        }
        Ok(out)
    }

    /// Households per state and the sync counters.
    pub fn status(&self) -> Result<StatusCounts> {
        let mut states: BTreeMap<String, u64> = RecordState::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), 0))
            .collect();
        let mut stmt = self
            .conn
            .prepare("SELECT state, count(*) FROM households GROUP BY state")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (s, n) = row?;
            states.insert(s, n.max(0) as u64);
        }
        let count = |sql: &str| -> Result<u64> {
            Ok(self.conn.query_row(sql, [], |r| r.get::<_, i64>(0))?.max(0) as u64)
        };
        Ok(StatusCounts {
            states,
            outbox_pending: count("SELECT count(*) FROM outbox WHERE status = 'pending'")?,
            outbox_rejected: count("SELECT count(*) FROM outbox WHERE status = 'rejected'")?,
            open_conflicts: count("SELECT count(*) FROM conflicts WHERE resolved_with IS NULL")?,
            assignments_active: count("SELECT count(*) FROM assignments WHERE active = 1")?,
            last_sync_at: self.setting(keys::LAST_SYNC_AT)?,
        })
    }

    // -- writing -------------------------------------------------------------------------------

    /// Store a new household as a draft.
    pub fn create_household(&mut self, h: &Household) -> Result<()> {
        let (tx, actor) = self.split()?;
        if load_row(&tx, &h.id.to_string())?.is_some() {
            return Err(StoreError::AlreadyExists);
        }
        let now = Utc::now();
        let mut h = h.clone();
        actor.stamp(&mut h, now);
        insert_household(&tx, &h, &now_text(now))?;
        tx.commit()?;
        Ok(())
    }

    /// Save a whole household (new or existing) in one transaction, auditing every changed
    /// field. An existing record goes back to draft (with a new revision once it was queued).
    pub fn save_household(&mut self, h: &Household) -> Result<()> {
        let (tx, actor) = self.split()?;
        save_in(&tx, &actor, h)?;
        tx.commit()?;
        Ok(())
    }

    /// Save several households all-or-nothing (one transaction), e.g. an imported file.
    pub fn import(&mut self, households: &[Household]) -> Result<()> {
        let (tx, actor) = self.split()?;
        for h in households {
            save_in(&tx, &actor, h)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Set one field, e.g. `members[2].sex` or `housing.wall`, to a JSON value. The result is
    /// type-checked against the household model; a bad value is refused and nothing is saved.
    /// Saving, the audit row and the revision bookkeeping are one transaction.
    pub fn set_field(
        &mut self,
        id: pendata_shared::HouseholdId,
        path: &str,
        value: Value,
    ) -> Result<()> {
        let segments = jsonpath::parse(path).ok_or_else(|| StoreError::InvalidPath {
            path: path.to_string(),
        })?;
        if read_only(&segments) {
            return Err(StoreError::ReadOnlyField {
                path: path.to_string(),
            });
        }
        let (tx, actor) = self.split()?;
        edit(&tx, &actor, &id.to_string(), |h| {
            let mut v =
                serde_json::to_value(&*h).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let existed = jsonpath::get(&v, &segments).is_some();
            let old = jsonpath::set(&mut v, &segments, value.clone()).ok_or_else(|| {
                StoreError::InvalidPath {
                    path: path.to_string(),
                }
            })?;
            let new_h: Household = serde_json::from_value(v).map_err(|e| {
                let detail = redact_numbers(&e.to_string());
                if !existed && detail.starts_with("unknown field") {
                    StoreError::InvalidPath {
                        path: path.to_string(),
                    }
                } else {
                    StoreError::InvalidValue {
                        path: path.to_string(),
                        detail,
                    }
                }
            })?;
            let changed = old != value;
            *h = new_h;
            Ok(if changed {
                vec![(path.to_string(), old, value)]
            } else {
                Vec::new()
            })
        })?;
        tx.commit()?;
        Ok(())
    }

    /// Add a member at the end of the list.
    pub fn add_member(&mut self, id: pendata_shared::HouseholdId, member: Member) -> Result<()> {
        let (tx, actor) = self.split()?;
        edit(&tx, &actor, &id.to_string(), |h| {
            let path = format!("members[{}]", h.members.len());
            let new =
                serde_json::to_value(&member).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            h.members.push(member);
            Ok(vec![(path, Value::Null, new)])
        })?;
        tx.commit()?;
        Ok(())
    }

    /// Remove a member (and their dependants' link to them).
    pub fn remove_member(
        &mut self,
        id: pendata_shared::HouseholdId,
        member_id: MemberId,
    ) -> Result<()> {
        let (tx, actor) = self.split()?;
        edit(&tx, &actor, &id.to_string(), |h| {
            let idx = h
                .members
                .iter()
                .position(|m| m.id == member_id)
                .ok_or_else(|| StoreError::InvalidPath {
                    path: format!("members[id={member_id}]"),
                })?;
            let old = h.members.remove(idx);
            for d in &mut h.dependents {
                if d.member_id == Some(member_id) {
                    d.member_id = None;
                }
            }
            let old = serde_json::to_value(&old).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            Ok(vec![(format!("members[{idx}]"), old, Value::Null)])
        })?;
        tx.commit()?;
        Ok(())
    }

    /// Attach (or replace) a photo of a kind (and member) whose bytes are stored as `blob_id`.
    pub fn attach_photo(
        &mut self,
        id: pendata_shared::HouseholdId,
        photo: &PhotoRef,
        blob_id: &str,
    ) -> Result<()> {
        let (tx, actor) = self.split()?;
        let photo = photo.clone();
        let idstr = id.to_string();
        edit(&tx, &actor, &idstr, |h| {
            let old = h
                .photos
                .iter()
                .position(|p| p.kind == photo.kind && p.member_id == photo.member_id)
                .map(|i| h.photos.remove(i));
            let path = format!("photos.{}", photo.kind.stereotype());
            let oldv = old
                .map(|p| Value::String(p.sha256.to_string()))
                .unwrap_or(Value::Null);
            let newv = Value::String(photo.sha256.to_string());
            h.photos.push(photo.clone());
            Ok(vec![(path, oldv, newv)])
        })?;
        photo_problems::clear_slot(&tx, &idstr, photo.kind, photo.member_id)?;
        tx.execute(
            "INSERT INTO photos (household_id, kind, member_id, sha256, blob_id, bytes, width, height, taken_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (household_id, kind, member_id) DO UPDATE SET
               sha256 = excluded.sha256, blob_id = excluded.blob_id, bytes = excluded.bytes,
               width = excluded.width, height = excluded.height, taken_at = excluded.taken_at,
               uploaded = 0",
            params![
                idstr,
                photo.kind.stereotype(),
                photo.member_id.map(|m| m.to_string()).unwrap_or_default(),
                photo.sha256.as_str(),
                blob_id,
                photo.bytes as i64,
                photo.width,
                photo.height,
                now_text(photo.taken_at)
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The photos of a household.
    pub fn photos(&self, id: pendata_shared::HouseholdId) -> Result<Vec<PhotoRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT kind, member_id, sha256, blob_id, bytes, width, height, taken_at, uploaded
             FROM photos WHERE household_id = ?1 ORDER BY kind, member_id",
        )?;
        let rows = stmt.query_map([id.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, u32>(5)?,
                r.get::<_, u32>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, i64>(8)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let r = row?;
            out.push(PhotoRow {
                kind: r.0,
                member_id: if r.1.is_empty() {
                    None
                } else {
                    r.1.parse().ok()
                },
                sha256: r.2,
                blob_id: r.3,
                bytes: r.4.max(0) as u64,
                width: r.5,
                height: r.6,
                taken_at: r.7,
                uploaded: r.8.max(0) as u64,
            });
        }
        Ok(out)
    }

    /// Whether anything in the store still refers to the photo with this SHA-256: a photo
    /// row, a household's content, or a revision waiting in the outbox. The blob store may
    /// drop a photo's bytes only when this is false.
    pub fn photo_referenced(&self, sha256: &str) -> Result<bool> {
        let n: i64 = self.conn.query_row(
            "SELECT (SELECT count(*) FROM photos WHERE sha256 = ?1)
                  + (SELECT count(*) FROM households WHERE instr(content, ?1) > 0)
                  + (SELECT count(*) FROM outbox WHERE content IS NOT NULL AND instr(content, ?1) > 0)",
            [sha256],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }

    /// Record that the server holds `received` bytes of a photo (upload progress).
    pub fn set_photo_uploaded(&mut self, sha256: &str, received: u64) -> Result<()> {
        self.conn.execute(
            "UPDATE photos SET uploaded = min(bytes, ?2) WHERE sha256 = ?1",
            params![sha256, received as i64],
        )?;
        Ok(())
    }

    /// Start an editing session: sets `first_opened_at` on the first open of a draft.
    pub fn begin_session(&mut self, id: pendata_shared::HouseholdId) -> Result<()> {
        let tx = self.tx()?;
        let row = load_row(&tx, &id.to_string())?.ok_or(StoreError::NotFound)?;
        let now = Utc::now();
        if row.state == RecordState::Draft {
            let mut h = parse_household(&row.content)?;
            if h.interview.first_opened_at.is_none() {
                h.interview.first_opened_at = Some(now);
                write_content(&tx, row.seq, &h, row.state, &now_text(now))?;
            }
        }
        tx.execute(
            "UPDATE households SET session_started_at = ?2 WHERE seq = ?1",
            params![row.seq, now_text(now)],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// End an editing session: adds its length to `interview.duration_ms` of a draft.
    /// Returns the milliseconds added.
    pub fn end_session(&mut self, id: pendata_shared::HouseholdId) -> Result<u64> {
        let tx = self.tx()?;
        let row = load_row(&tx, &id.to_string())?.ok_or(StoreError::NotFound)?;
        let Some(started) = row.session_started_at.as_deref() else {
            return Ok(0);
        };
        let now = Utc::now();
        let ms = DateTime::parse_from_rfc3339(started)
            .map(|s| (now - s.with_timezone(&Utc)).num_milliseconds().max(0) as u64)
            .unwrap_or(0);
        let mut added = 0;
        if row.state == RecordState::Draft {
            let mut h = parse_household(&row.content)?;
            h.interview.duration_ms = h.interview.duration_ms.saturating_add(ms);
            write_content(&tx, row.seq, &h, row.state, &now_text(now))?;
            added = ms;
        }
        tx.execute(
            "UPDATE households SET session_started_at = NULL WHERE seq = ?1",
            [row.seq],
        )?;
        tx.commit()?;
        Ok(added)
    }

    /// Make a draft final: refused with the findings when validation finds errors, or when a
    /// photo the record references is not usable on this device. The store does not hold photo
    /// bytes: `photo_problem` answers for each photo (the device reads them back; see
    /// `Device::finalize`), so no record becomes final with a photo that could never be sent.
    /// Returns the (warning) findings. Finalising a final record again is harmless; a record
    /// waiting for a photo retake (`needs_photo`) becomes final again once its photos read back.
    pub fn finalize(
        &mut self,
        id: pendata_shared::HouseholdId,
        photo_problem: impl Fn(&PhotoRef) -> Option<LocalPhotoProblem>,
    ) -> Result<Vec<Finding>> {
        let tx = self.tx()?;
        let row = load_row(&tx, &id.to_string())?.ok_or(StoreError::NotFound)?;
        if !matches!(
            row.state,
            RecordState::Draft | RecordState::Final | RecordState::NeedsPhoto
        ) {
            return Err(StoreError::IllegalTransition {
                from: row.state,
                action: "finalize",
            });
        }
        let mut h = parse_household(&row.content)?;
        let now = Utc::now();
        let mut findings = validate_household(&h, &Context::embedded(now.date_naive()));
        findings.extend(h.photos.iter().filter_map(|p| {
            photo_problem(p).map(|problem| local_photo_finding(&h, p.kind, p.member_id, problem))
        }));
        if !is_finalizable(&findings) {
            return Err(StoreError::NotFinalizable(findings));
        }
        if row.state != RecordState::Final {
            h.interview.finalized_at = Some(now);
            write_content(&tx, row.seq, &h, RecordState::Final, &now_text(now))?;
            photo_problems::clear_household(&tx, &id.to_string())?;
            tx.commit()?;
        }
        Ok(findings)
    }

    /// Put a final record back to draft without changing it.
    pub fn reopen(&mut self, id: pendata_shared::HouseholdId) -> Result<()> {
        let tx = self.tx()?;
        let row = load_row(&tx, &id.to_string())?.ok_or(StoreError::NotFound)?;
        if row.state != RecordState::Final {
            return Err(StoreError::IllegalTransition {
                from: row.state,
                action: "reopen",
            });
        }
        tx.execute(
            "UPDATE households SET state = 'draft', updated_at = ?2 WHERE seq = ?1",
            params![row.seq, now_text(Utc::now())],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Put a final record in the outbox.
    pub fn queue(&mut self, id: pendata_shared::HouseholdId) -> Result<RevisionId> {
        let tx = self.tx()?;
        let rev = queue_in(&tx, &id.to_string())?;
        tx.commit()?;
        Ok(rev)
    }

    /// Queue every final record; returns how many.
    pub fn queue_all_final(&mut self) -> Result<usize> {
        let tx = self.tx()?;
        let ids: Vec<String> = {
            let mut stmt =
                tx.prepare("SELECT id FROM households WHERE state = 'final' ORDER BY seq")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for id in &ids {
            queue_in(&tx, id)?;
        }
        tx.commit()?;
        Ok(ids.len())
    }

    /// Delete a household: gone at once when the server never saw it, else a tombstone that is
    /// pushed and removed once the server acknowledges it.
    pub fn delete(&mut self, id: pendata_shared::HouseholdId) -> Result<DeleteOutcome> {
        let tx = self.tx()?;
        let idstr = id.to_string();
        let row = load_row(&tx, &idstr)?.ok_or(StoreError::NotFound)?;
        if row.state == RecordState::Deleted {
            return Err(StoreError::IllegalTransition {
                from: row.state,
                action: "delete",
            });
        }
        let server_may_have: i64 = tx.query_row(
            "SELECT count(*) FROM outbox WHERE household_id = ?1
               AND (attempts > 0 OR status = 'conflict')",
            [&idstr],
            |r| r.get(0),
        )?;
        let outcome = if row.acked_revision.is_none()
            && row.server_revision.is_none()
            && server_may_have == 0
        {
            purge_household(&tx, &idstr, row.seq)?;
            DeleteOutcome::Purged
        } else {
            let now = now_text(Utc::now());
            let rev = RevisionId::new();
            let base = row.server_revision.or(row.acked_revision);
            tx.execute(
                "DELETE FROM outbox WHERE household_id = ?1 AND status = 'pending'",
                [&idstr],
            )?;
            tx.execute(
                "INSERT INTO outbox (revision, household_id, base_revision, op, content, saved_at)
                 VALUES (?1, ?2, ?3, 'delete', NULL, ?4)",
                params![rev.to_string(), idstr, base.map(|b| b.to_string()), now],
            )?;
            tx.execute(
                "UPDATE households SET state = 'deleted', revision = ?2, revision_frozen = 1,
                        base_revision = ?3, updated_at = ?4 WHERE seq = ?1",
                params![row.seq, rev.to_string(), base.map(|b| b.to_string()), now],
            )?;
            DeleteOutcome::Tombstoned
        };
        tx.commit()?;
        Ok(outcome)
    }

    // -- prelist -------------------------------------------------------------------------------

    /// The active assignments, optionally of one desa, by head name.
    pub fn assignments(&self, desa_code: Option<&str>) -> Result<Vec<Assignment>> {
        let mut stmt = self.conn.prepare(
            "SELECT content FROM assignments WHERE active = 1 AND (?1 IS NULL OR desa_code = ?1)
             ORDER BY head_name, household_id",
        )?;
        let rows = stmt.query_map([desa_code], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(serde_json::from_str(&row?).map_err(|e| StoreError::Corrupt(e.to_string()))?);
        }
        Ok(out)
    }

    /// Open a prelist household for verivali: creates the draft record from the assignment
    /// (members, KK list, location) the first time, and returns the record.
    pub fn open_assignment(
        &mut self,
        household_id: pendata_shared::HouseholdId,
    ) -> Result<Household> {
        let (tx, actor) = self.split()?;
        let idstr = household_id.to_string();
        if let Some(row) = load_row(&tx, &idstr)? {
            return parse_household(&row.content);
        }
        let content: String = tx
            .query_row(
                "SELECT content FROM assignments WHERE household_id = ?1",
                [&idstr],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(StoreError::AssignmentNotFound)?;
        let a: Assignment =
            serde_json::from_str(&content).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        // A DTSEN ground check answers the Regsosek2022K form, not the DTKS household one.
        if a.kind != pendata_shared::protocol::AssignmentKind::Verivali {
            return Err(StoreError::AssignmentKindUnsupported(a.kind));
        }
        let mut h = Household::new(
            RecordKind::Verivali {
                prelist_id: a.prelist_id.clone(),
            },
            a.desa_code.clone(),
        );
        h.id = a.household_id;
        h.location = Location {
            desa_code: a.desa_code.clone(),
            rt: a.rt.clone(),
            rw: a.rw.clone(),
            sls_name: None,
            address: a.address.clone(),
        };
        h.families = a.families.clone();
        h.members = a
            .members
            .iter()
            .map(|p| {
                let mut m = Member::new(p.name.clone());
                m.nik = p.nik.clone();
                m.relation_to_head = p.relation_to_head;
                m.sex = p.sex;
                m.birth_date = p.birth_date;
                m.family_no = p.family_no;
                m
            })
            .collect();
        let now = Utc::now();
        actor.stamp(&mut h, now);
        h.interview.first_opened_at = Some(now);
        insert_household(&tx, &h, &now_text(now))?;
        tx.commit()?;
        Ok(h)
    }

    /// One page of the active assignments not yet opened as a household (the work list of
    /// the app), by head name. `text` matches any part of the assignment (name, prelist id,
    /// address, numbers), case-insensitively for ASCII; `desa_code` keeps one desa.
    pub fn unopened_assignments(
        &self,
        text: Option<&str>,
        desa_code: Option<&str>,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<Assignment>> {
        let pattern = like_pattern(text);
        let sql = format!(
            "SELECT a.content FROM assignments a {UNOPENED_WHERE}
             ORDER BY a.head_name, a.household_id LIMIT ?3 OFFSET ?4"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params![desa_code, pattern, i64::from(limit), i64::from(offset)],
            |r| r.get::<_, String>(0),
        )?;
        let mut out = Vec::new();
        for row in rows {
            out.push(serde_json::from_str(&row?).map_err(|e| StoreError::Corrupt(e.to_string()))?);
        }
        Ok(out)
    }

    /// How many active assignments [`unopened_assignments`](Self::unopened_assignments) would
    /// list over all its pages (same `text` and `desa_code` rules).
    pub fn count_unopened_assignments(
        &self,
        text: Option<&str>,
        desa_code: Option<&str>,
    ) -> Result<u64> {
        let pattern = like_pattern(text);
        let n: i64 = self
            .conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM assignments a {UNOPENED_WHERE}"
            ))?
            .query_row(params![desa_code, pattern], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }
}

/// The filter of [`Store::unopened_assignments`] and its count: active, not yet opened as a
/// household, `?1` a desa code or NULL, `?2` a [`like_pattern`] or NULL.
const UNOPENED_WHERE: &str = "WHERE a.active = 1 AND (?1 IS NULL OR a.desa_code = ?1)
               AND (?2 IS NULL OR a.content LIKE ?2 ESCAPE '\\')
               AND NOT EXISTS (SELECT 1 FROM households h WHERE h.id = a.household_id)";

/// `%text%` with LIKE's wildcards escaped (`\` is the escape), or `None` for no or blank text.
fn like_pattern(text: Option<&str>) -> Option<String> {
    text.map(str::trim).filter(|t| !t.is_empty()).map(|t| {
        let escaped = t
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    })
}

fn save_in(tx: &Transaction<'_>, actor: &Actor<'_>, h: &Household) -> Result<()> {
    let idstr = h.id.to_string();
    if load_row(tx, &idstr)?.is_none() {
        let now = Utc::now();
        let mut h = h.clone();
        actor.stamp(&mut h, now);
        insert_household(tx, &h, &now_text(now))?;
        return Ok(());
    }
    edit(tx, actor, &idstr, |cur| {
        // The app manages interview metadata; keep the stored timing.
        let mut new = h.clone();
        new.interview = cur.interview.clone();
        let changes = full_diff(cur, &new)?;
        *cur = new;
        Ok(changes)
    })?;
    Ok(())
}

fn queue_in(tx: &Transaction<'_>, id: &str) -> Result<RevisionId> {
    let row = load_row(tx, id)?.ok_or(StoreError::NotFound)?;
    if row.state != RecordState::Final {
        return Err(StoreError::IllegalTransition {
            from: row.state,
            action: "queue",
        });
    }
    let rev = if row.frozen {
        RevisionId::new()
    } else {
        row.revision
    };
    let now = now_text(Utc::now());
    tx.execute(
        "INSERT INTO outbox (revision, household_id, base_revision, op, content, saved_at)
         VALUES (?1, ?2, ?3, 'upsert', ?4, ?5)",
        params![
            rev.to_string(),
            id,
            row.base_revision.map(|b| b.to_string()),
            row.content,
            now
        ],
    )?;
    tx.execute(
        "UPDATE households SET state = 'queued', revision = ?2, revision_frozen = 1, updated_at = ?3
         WHERE seq = ?1",
        params![row.seq, rev.to_string(), now],
    )?;
    Ok(rev)
}
