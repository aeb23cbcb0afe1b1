//! Storage behind traits, so a second backend can run the same contract tests.
//!
//! * [`AccountStore`]: users, devices and per-device bearer tokens (SQLite: [`sqlite::SqliteStore`]).
//! * [`BlobStore`]: content-addressed photo bytes with resumable uploads (files: [`files::FileBlobStore`]).
//! * [`RecordStore`]: households, their revisions, conflicts, reviews and the pull change log
//!   (SQLite: [`sqlite::SqliteStore`], implemented in [`sqlite_records`]).
//!
//! Account methods are blocking (call them from `tokio::task::spawn_blocking`; see
//! [`crate::AppState::accounts`]); blob methods are async because they stream request bodies.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use pendata_shared::model::{Family, Household};
use pendata_shared::protocol::{
    Assignment, Change, ConflictReason, PrelistMember, PullItem, PushOutcome, PushRecord,
    ResolveRequest, ReviewOutcome, ReviewRequest,
};
use pendata_shared::{Finding, HouseholdId, RevisionId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The shared crate's SHA-256 hex (accepts either case, stores lower case), used in records.
pub use pendata_shared::Sha256Hex as ShaHex;

use crate::error::ApiError;

pub mod files;
pub mod packed;
pub mod sqlite;
pub mod sqlite_records;
pub mod sqlite_web;

#[cfg(any(test, feature = "test-support"))]
pub mod contract;

/// A boxed future, so [`BlobStore`] stays usable as `dyn BlobStore`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Errors of the storage layer. Their `Display` never contains passwords or tokens.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    #[error("username already exists")]
    UsernameTaken,
    #[error("database schema version {found} is newer than this server supports ({supported})")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error("storage task failed: {0}")]
    Task(String),
}

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Enumerator,
    Supervisor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Enumerator => "enumerator",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "enumerator" => Ok(Role::Enumerator),
            "supervisor" => Ok(Role::Supervisor),
            "admin" => Ok(Role::Admin),
            other => Err(format!(
                "unknown role {other:?} (expected enumerator, supervisor or admin)"
            )),
        }
    }
}

/// Database id of a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UserId(pub i64);

/// A user as the rest of the server sees it (no password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub role: Role,
    /// Dotless region code prefix the user works in; `""` means everything (admins only).
    pub wilayah: String,
    pub disabled: bool,
    /// Devices that currently hold an unrevoked token.
    pub active_devices: u32,
}

/// A user together with the stored argon2id PHC string, for login only.
#[derive(Clone)]
pub struct UserCredentials {
    pub user: User,
    pub password_hash: String,
}

impl fmt::Debug for UserCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserCredentials")
            .field("user", &self.user)
            .field("password_hash", &"<redacted>")
            .finish()
    }
}

/// Input of [`AccountStore::create_user`]; the password is already hashed.
#[derive(Clone)]
pub struct NewUser {
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub wilayah: String,
}

impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("username", &self.username)
            .field("role", &self.role)
            .field("wilayah", &self.wilayah)
            .finish_non_exhaustive()
    }
}

/// SHA-256 of a bearer token. Only this is ever stored.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash(pub [u8; 32]);

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenHash(<redacted>)")
    }
}

/// The user and device a valid token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: User,
    pub device_id: Uuid,
}

/// Users, devices and tokens.
pub trait AccountStore: Send + Sync + 'static {
    /// Creates a user; [`StoreError::UsernameTaken`] if the name exists (case-insensitive).
    fn create_user(&self, new: NewUser) -> Result<User, StoreError>;
    /// Looks a user up by name (case-insensitive), with the password hash.
    fn credentials(&self, username: &str) -> Result<Option<UserCredentials>, StoreError>;
    /// All users, ordered by username.
    fn list_users(&self) -> Result<Vec<User>, StoreError>;
    /// Disables or re-enables a user. Returns false if there is no such user.
    /// A disabled user's tokens stop working at once.
    fn set_disabled(&self, username: &str, disabled: bool) -> Result<bool, StoreError>;
    /// Revokes every token of every device of the user. Returns the number of tokens
    /// revoked, or `None` if there is no such user.
    fn reset_devices(&self, username: &str) -> Result<Option<u32>, StoreError>;
    /// Records a login: registers the device and stores the token hash, revoking any
    /// earlier token of the same user on the same device.
    fn create_session(
        &self,
        user: UserId,
        device_id: Uuid,
        device_name: &str,
        token: TokenHash,
    ) -> Result<(), StoreError>;
    /// The session of an unrevoked token of an enabled user.
    fn session(&self, token: &TokenHash) -> Result<Option<Session>, StoreError>;
    /// Revokes one token. Returns false if it was unknown or already revoked.
    fn revoke_token(&self, token: &TokenHash) -> Result<bool, StoreError>;
}

/// A lower-case hex SHA-256 (64 chars). The only way to name a blob, so no path built
/// from it can escape the photo directory.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sha256Hex(String);

impl Sha256Hex {
    /// Accepts exactly 64 characters of `0-9a-f`.
    pub fn parse(s: &str) -> Option<Self> {
        (s.len() == 64
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        .then(|| Sha256Hex(s.to_owned()))
    }

    /// The hex of the SHA-256 of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        use sha2::Digest;
        Sha256Hex(hex::encode(sha2::Sha256::digest(bytes)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Sha256Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How much of a blob the store holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobStatus {
    /// Stored and verified; the size in bytes.
    Complete(u64),
    /// Not complete; bytes staged so far (0 if nothing).
    Partial(u64),
}

/// Result of one accepted chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppendOutcome {
    pub received: u64,
    pub total: u64,
    pub complete: bool,
}

/// Limits the blob store enforces on every upload.
#[derive(Debug, Clone, Copy)]
pub struct BlobLimits {
    pub max_blob_bytes: u64,
    pub max_chunk_bytes: u64,
}

/// Why a chunk was refused. Staged bytes stay where they were unless said otherwise.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("offset does not match the {received} bytes already staged")]
    OffsetMismatch { received: u64 },
    #[error("total size {total} is outside 1..={max}")]
    BadTotal { total: u64, max: u64 },
    #[error("chunk goes past the declared total")]
    PastTotal,
    #[error("chunk larger than {max} bytes")]
    ChunkTooLarge { max: u64 },
    #[error("content does not hash to its name; staged bytes discarded")]
    HashMismatch,
    /// The content check refused the bytes; staged bytes discarded.
    #[error("content rejected: {0}")]
    Rejected(ApiError),
    #[error("request body failed: {0}")]
    Body(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Checks complete content before it is stored (e.g. "is this a JPEG").
pub type ContentCheck = fn(&[u8]) -> Result<(), ApiError>;

/// Content-addressed blobs with resumable, chunked uploads.
///
/// Protocol: a client asks [`BlobStore::status`] (how much is staged), then sends chunks at
/// exactly that offset. When the staged length reaches `total` the store verifies the
/// SHA-256 and the content check and moves the blob into place atomically; a complete blob is
/// never rewritten. Concurrent appends to the same hash are serialised.
pub trait BlobStore: Send + Sync + 'static {
    fn status<'a>(&'a self, hash: &'a Sha256Hex) -> BoxFuture<'a, Result<BlobStatus, BlobError>>;

    /// Whether each of `hashes` is complete, in order: what a push asks for the photos of its
    /// batch. A store may answer them all in one go.
    fn complete_many<'a>(
        &'a self,
        hashes: &'a [Sha256Hex],
    ) -> BoxFuture<'a, Result<Vec<bool>, BlobError>> {
        Box::pin(async move {
            let mut out = Vec::with_capacity(hashes.len());
            for hash in hashes {
                out.push(matches!(self.status(hash).await?, BlobStatus::Complete(_)));
            }
            Ok(out)
        })
    }

    /// Appends one chunk (a streamed request body) at `offset` of a blob of `total` bytes.
    /// A complete blob answers `complete = true` without reading the body.
    fn append<'a>(
        &'a self,
        hash: &'a Sha256Hex,
        offset: u64,
        total: u64,
        body: axum::body::Body,
        check: ContentCheck,
    ) -> BoxFuture<'a, Result<AppendOutcome, BlobError>>;

    /// The bytes of a complete blob.
    fn read<'a>(&'a self, hash: &'a Sha256Hex)
        -> BoxFuture<'a, Result<Option<Vec<u8>>, BlobError>>;

    /// A copy made from a blob and kept beside it (the dashboard's thumbnails), by `variant`
    /// (a name that changes whenever the way it is made changes, e.g. `thumb-360-q70`); `None`
    /// when none is kept. A blob never changes, so neither does its copy. The default keeps
    /// nothing.
    fn read_derived<'a>(
        &'a self,
        hash: &'a Sha256Hex,
        variant: &'a str,
    ) -> BoxFuture<'a, Result<Option<Vec<u8>>, BlobError>> {
        let _ = (hash, variant);
        Box::pin(async { Ok(None) })
    }

    /// Keeps `bytes` as the `variant` copy of `hash` for [`BlobStore::read_derived`]. Losing
    /// it is harmless (it is made again); the default keeps nothing.
    fn keep_derived<'a>(
        &'a self,
        hash: &'a Sha256Hex,
        variant: &'a str,
        bytes: &'a [u8],
    ) -> BoxFuture<'a, Result<(), BlobError>> {
        let _ = (hash, variant, bytes);
        Box::pin(async { Ok(()) })
    }
}

// ---------------------------------------------------------------------------------------------
// Households

/// Which households a caller may see: a dotless region-code prefix, or everything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// `None`: every region (admins). `Some(prefix)`: desa codes starting with it.
    prefix: Option<String>,
}

impl Scope {
    /// Every region.
    pub fn all() -> Self {
        Scope { prefix: None }
    }
    /// Desa codes starting with `prefix`. An empty prefix covers nothing (only admins see all).
    pub fn within(prefix: &str) -> Self {
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
            // A prefix no desa code has: digits only are ever stored.
            Scope {
                prefix: Some("-".into()),
            }
        } else {
            Scope {
                prefix: Some(prefix.to_owned()),
            }
        }
    }
    /// The scope of a user with this role and wilayah.
    pub fn of(role: Role, wilayah: &str) -> Self {
        match role {
            Role::Admin => Scope::all(),
            Role::Enumerator | Role::Supervisor => Scope::within(wilayah),
        }
    }
    /// Whether `desa_code` is inside.
    pub fn covers(&self, desa_code: &str) -> bool {
        match &self.prefix {
            None => true,
            Some(p) => desa_code.starts_with(p.as_str()),
        }
    }
    /// The prefix for SQL (`""` matches everything).
    pub fn sql_prefix(&self) -> &str {
        self.prefix.as_deref().unwrap_or("")
    }
}

/// Who is pushing: recorded with each revision.
#[derive(Debug, Clone)]
pub struct Pusher {
    pub username: String,
    pub device_id: Uuid,
    pub scope: Scope,
}

/// A push record that passed the checks that need no database (protocol, hash, shared
/// validation, wilayah of its content), ready for [`RecordStore::push`].
#[derive(Debug, Clone)]
pub struct IncomingRecord {
    pub record: PushRecord,
    /// The JSON of `record.change` exactly as hashed.
    pub change_json: String,
    /// `change_json` packed for storage ([`packed::PackedChange`]), done where the push is
    /// parsed so that the single writer does not; `None`: the store packs it itself.
    pub packed_change: Option<packed::PackedChange>,
    /// Desa of an upsert (`None` for a tombstone).
    pub desa_code: Option<String>,
    /// Name of the head of household (for listings), empty if none.
    pub head_name: String,
    /// Every photo the revision references.
    pub photos: Vec<ShaHex>,
    /// The referenced photos the blob store did not hold completely when checked.
    pub missing_photos: Vec<ShaHex>,
    /// Validation warnings, returned with `accepted`.
    pub warnings: Vec<Finding>,
}

/// A prelist household to import (one per `prelist_id`).
#[derive(Debug, Clone, PartialEq)]
pub struct PrelistHousehold {
    pub prelist_id: String,
    pub desa_code: String,
    pub rt: Option<String>,
    pub rw: Option<String>,
    pub address: String,
    pub families: Vec<Family>,
    pub members: Vec<PrelistMember>,
    pub assigned_to: Option<String>,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportSummary {
    pub created: u32,
    pub updated: u32,
}

/// Review state of a household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    /// A prelist household nobody has pushed yet.
    Assigned,
    /// Its current revision waits for review.
    Submitted,
    Approved,
    Rejected,
}

impl ReviewState {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::Assigned => "assigned",
            ReviewState::Submitted => "submitted",
            ReviewState::Approved => "approved",
            ReviewState::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "assigned" => Some(ReviewState::Assigned),
            "submitted" => Some(ReviewState::Submitted),
            "approved" => Some(ReviewState::Approved),
            "rejected" => Some(ReviewState::Rejected),
            _ => None,
        }
    }
}

/// Filter of the household list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StateFilter {
    Assigned,
    Submitted,
    Approved,
    Rejected,
    /// With at least one unresolved conflict.
    Conflict,
    /// Current revision waits for photos.
    Incomplete,
    /// Withdrawn by a tombstone.
    Deleted,
}

/// One household in a listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HouseholdSummary {
    pub id: HouseholdId,
    pub prelist_id: Option<String>,
    pub desa_code: String,
    pub head_name: String,
    pub current_revision: Option<RevisionId>,
    pub review_state: ReviewState,
    pub open_conflicts: u32,
    /// The current revision waits for photos.
    pub incomplete: bool,
    pub deleted: bool,
    pub assigned_to: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// A stored revision as the dashboard shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RevisionInfo {
    pub revision: RevisionId,
    pub base_revision: Option<RevisionId>,
    pub content_sha256: ShaHex,
    /// `current`, `superseded`, `conflict` or `resolved_away`.
    pub state: String,
    pub conflict_reason: Option<ConflictReason>,
    pub username: String,
    pub device_id: Uuid,
    pub saved_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    pub incomplete: bool,
    pub missing_photos: Vec<ShaHex>,
    pub change: Change,
}

/// One household with its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HouseholdDetail {
    pub summary: HouseholdSummary,
    /// Content of the current revision (none for a prelist household or a tombstone).
    pub household: Option<Household>,
    pub assignment: Option<Assignment>,
    /// Every stored revision, oldest first.
    pub revisions: Vec<RevisionInfo>,
    pub reviews: Vec<ReviewOutcome>,
}

/// A page of the household list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HouseholdPage {
    pub items: Vec<HouseholdSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Query of the household list.
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub state: Option<StateFilter>,
    pub desa: Option<String>,
    pub limit: u32,
    /// Only households with ids after this one.
    pub after: Option<HouseholdId>,
}

/// Everything the export writes about one household.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportHousehold {
    pub summary: HouseholdSummary,
    pub household: Option<Household>,
    pub assignment: Option<Assignment>,
    pub last_review: Option<ReviewOutcome>,
}

/// What the dashboard's progress page needs of one household, without its whole record (a
/// kabupaten holds tens of thousands; parsing each record for a page view would take seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressRow {
    pub desa_code: String,
    pub assigned_to: Option<String>,
    /// The enumerator recorded in the current revision's interview.
    pub enumerator: Option<String>,
    /// The household's last change on the server.
    pub updated_at: DateTime<Utc>,
    /// On the prelist (an assignment exists).
    pub assigned: bool,
    /// The server holds a current revision that is not a deletion.
    pub received: bool,
    /// `received`, and the current revision's interview was opened.
    pub visited: bool,
    /// `received`, and the current revision was finalized by the facilitator.
    pub finalized: bool,
    pub review_state: ReviewState,
    /// With at least one open conflict.
    pub in_conflict: bool,
}

impl ProgressRow {
    /// The same facts read from a full export: the definition a store's query must match.
    pub fn of_export(e: &ExportHousehold) -> Self {
        let s = &e.summary;
        let received = s.current_revision.is_some() && !s.deleted;
        let interview = e.household.as_ref().map(|h| &h.interview);
        ProgressRow {
            desa_code: s.desa_code.clone(),
            assigned_to: s.assigned_to.clone(),
            enumerator: interview.and_then(|i| i.enumerator.clone()),
            updated_at: s.updated_at,
            assigned: e.assignment.is_some(),
            received,
            visited: received && interview.is_some_and(|i| i.first_opened_at.is_some()),
            finalized: received && interview.is_some_and(|i| i.finalized_at.is_some()),
            review_state: s.review_state,
            in_conflict: s.open_conflicts > 0,
        }
    }
}

/// A page of change-log items for one user.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangePage {
    pub items: Vec<PullItem>,
    /// Sequence of the last item returned (the cursor's value if none).
    pub last_seq: i64,
    pub has_more: bool,
}

/// Who pulls.
#[derive(Debug, Clone)]
pub struct Puller {
    pub username: String,
    pub role: Role,
    pub scope: Scope,
}

/// Why a review or resolve was refused.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// No such household, or outside the caller's scope (not revealed).
    #[error("no such household")]
    NotFound,
    /// The revision is not the household's current one.
    #[error("the revision is not the current one")]
    NotCurrent { current: Option<RevisionId> },
    /// The revision is not a revision of this household.
    #[error("unknown revision")]
    UnknownRevision,
    /// Resolve of a household with no open conflict (`resolve.no_conflict`): nothing changed.
    #[error("the household has no open conflict")]
    NoOpenConflict,
    /// Resolve keeping a revision of the household that is neither its current one nor one of
    /// its conflicting ones, e.g. an old superseded one (`resolve.not_a_candidate`): nothing
    /// changed.
    #[error("the revision is not one of the household's candidates")]
    NotACandidate,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Households: revisions, conflicts, reviews and the change log. Blocking, like
/// [`AccountStore`].
pub trait RecordStore: Send + Sync + 'static {
    /// Stores a batch in one transaction; one outcome per record, in order. Never fails one
    /// record because of another; a database failure fails the whole call (nothing stored).
    fn push(
        &self,
        pusher: &Pusher,
        records: Vec<IncomingRecord>,
    ) -> Result<Vec<PushOutcome>, StoreError>;
    /// Several pushes (of several devices) at once, one result per push, in order, each as
    /// [`RecordStore::push`] would answer it alone and in this order. A backend may share one
    /// commit among them (SQLite: one transaction and one fsync, each push in a savepoint, so
    /// a failing push leaves nothing and the others stay).
    fn push_group(
        &self,
        pushes: Vec<(Pusher, Vec<IncomingRecord>)>,
    ) -> Vec<Result<Vec<PushOutcome>, StoreError>> {
        pushes
            .into_iter()
            .map(|(pusher, records)| self.push(&pusher, records))
            .collect()
    }
    /// A photo became complete: revisions waiting only for it are no longer incomplete.
    /// Returns how many revisions became complete.
    fn photo_completed(&self, sha256: &ShaHex) -> Result<u32, StoreError>;
    /// Whether some household inside `scope` references the photo.
    fn photo_visible(&self, sha256: &ShaHex, scope: &Scope) -> Result<bool, StoreError>;
    /// Change-log items after `after` for this user, at most `limit`.
    fn pull(&self, who: &Puller, after: i64, limit: u32) -> Result<ChangePage, StoreError>;
    /// Records a supervisor's decision on the current revision.
    fn review(
        &self,
        household: HouseholdId,
        request: &ReviewRequest,
        reviewer: &str,
        scope: &Scope,
    ) -> Result<ReviewOutcome, RecordError>;
    /// Makes `keep_revision` current and closes the household's conflicts. Refuses, changing
    /// nothing: [`RecordError::NotFound`] (no such household in `scope`),
    /// [`RecordError::UnknownRevision`] (not a revision of this household),
    /// [`RecordError::NoOpenConflict`] (no open conflict: no revision in conflict and no open
    /// conflict count — a second resolve, or an approved household, stays as it is) and
    /// [`RecordError::NotACandidate`] (neither the current revision nor one in conflict).
    fn resolve(
        &self,
        household: HouseholdId,
        request: &ResolveRequest,
        by: &str,
        scope: &Scope,
    ) -> Result<HouseholdSummary, RecordError>;
    /// Households inside `scope`, ordered by id.
    fn list(&self, scope: &Scope, query: &ListQuery) -> Result<Vec<HouseholdSummary>, StoreError>;
    /// One household inside `scope`.
    fn get(&self, id: HouseholdId, scope: &Scope) -> Result<Option<HouseholdDetail>, StoreError>;
    /// Creates or updates prelist households (by `prelist_id`) in one transaction.
    fn import_prelist(&self, households: &[PrelistHousehold]) -> Result<ImportSummary, StoreError>;
    /// Every household inside `scope`, for the export.
    fn export(&self, scope: &Scope) -> Result<Vec<ExportHousehold>, StoreError>;
    /// One [`ProgressRow`] per household inside `scope`, ordered by desa and id; the same
    /// facts as [`ProgressRow::of_export`] of [`RecordStore::export`], without parsing records.
    fn progress(&self, scope: &Scope) -> Result<Vec<ProgressRow>, StoreError>;
}
