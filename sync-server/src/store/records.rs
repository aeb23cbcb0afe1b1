//! [`RecordStore`]: households, their revisions, conflicts, reviews and the pull change log,
//! and the types it speaks.

use chrono::{DateTime, Utc};
use pendata_shared::model::{Family, Household};
use pendata_shared::protocol::{
    Assignment, Change, ConflictReason, PrelistMember, PullItem, PushOutcome, PushRecord,
    ResolveRequest, ReviewOutcome, ReviewRequest,
};
use pendata_shared::validate::Severity;
use pendata_shared::{Finding, HouseholdId, RevisionId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{packed, Role, ShaHex, StoreError};

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
            Role::Enumerator | Role::Supervisor | Role::KepalaOpd => Scope::within(wilayah),
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
    /// The questionnaire the record answers (checked against the content and the stored
    /// record; a tombstone takes the envelope's).
    pub questionnaire: pendata_shared::Questionnaire,
    /// Name of the head of household (for listings), empty if none.
    pub head_name: String,
    /// Every photo the revision references.
    pub photos: Vec<ShaHex>,
    /// The referenced photos the blob store did not hold completely when checked.
    pub missing_photos: Vec<ShaHex>,
    /// Validation warnings, returned with `accepted`.
    pub warnings: Vec<Finding>,
    /// A proposal (usulan baru, an usul-sanggah finding, a PBI-JK reactivation): the store
    /// notes it in its period in the push's own transaction (`store::period`).
    pub period: Option<super::period::PeriodArrival>,
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
    /// Set for a family of a DTSEN ground-check list (`pendata_shared::dtsen::listing`): its
    /// assignment is a ground check and its record a Regsosek2022K family; `None`: a DTKS
    /// prelist household (verivali).
    pub listing: Option<GroundCheckListing>,
}

/// What a ground-check list adds to an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroundCheckListing {
    pub programme: pendata_shared::dtsen::family::ListProgramme,
    pub desil: Option<pendata_shared::dtsen::codes::WelfareDecile>,
    pub building_no: Option<u16>,
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
    /// The questionnaire the record answers (`dtks-bdt` household or `regsosek2022k` family).
    #[serde(default)]
    pub questionnaire: pendata_shared::Questionnaire,
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
    /// The current content when it is a DTKS household.
    pub household: Option<Household>,
    /// The current content when it is a DTSEN family (then `household` is `None`).
    pub family: Option<pendata_shared::dtsen::FamilyRecord>,
    pub assignment: Option<Assignment>,
    pub last_review: Option<ReviewOutcome>,
}

/// What the dashboard's progress page needs of one household, without its whole record (a
/// kabupaten holds tens of thousands; parsing each record for a page view would take seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressRow {
    pub id: HouseholdId,
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
    /// The record's questionnaire: the DTKS progress page counts `dtks-bdt` households only
    /// (DTSEN families have the ground-check page).
    pub questionnaire: pendata_shared::Questionnaire,
}

impl ProgressRow {
    /// The same facts read from a full export: the definition a store's query must match.
    pub fn of_export(e: &ExportHousehold) -> Self {
        let s = &e.summary;
        let received = s.current_revision.is_some() && !s.deleted;
        let interview = e.household.as_ref().map(|h| &h.interview);
        ProgressRow {
            id: s.id,
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
            questionnaire: s.questionnaire,
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
    /// The household is a proposal of a desa period the Kepala OPD approved
    /// (`period.locked`): a decision on it would change a ratified result. Checked inside
    /// the decision's transaction, so an approval at the same moment is seen.
    #[error("period {period} of desa {desa_code} is locked")]
    PeriodLocked {
        desa_code: String,
        period: pendata_shared::month::period::Period,
    },
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
    /// Whether concurrent pushes should wait in one queue and reach the store together through
    /// [`RecordStore::push_group`] (a single-writer database: SQLite). A store that takes
    /// concurrent writers (PostgreSQL) answers false and gets its pushes side by side.
    fn groups_pushes(&self) -> bool {
        false
    }
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
    /// One page of the export: the households inside `scope` that come after `after` in
    /// (desa code, id) order, at most `limit`. A province does not fit in memory: read a whole
    /// wilayah with [`each_exported`], one page at a time.
    fn export_page(
        &self,
        scope: &Scope,
        after: Option<&PageAfter>,
        limit: u32,
    ) -> Result<Vec<ExportHousehold>, StoreError>;
    /// One page of [`ProgressRow`]s, in the same order and paging as
    /// [`RecordStore::export_page`]; the same facts as [`ProgressRow::of_export`], without
    /// parsing records. A whole wilayah: [`each_progress`].
    fn progress_page(
        &self,
        scope: &Scope,
        after: Option<&PageAfter>,
        limit: u32,
    ) -> Result<Vec<ProgressRow>, StoreError>;
    /// The DTSEN ground check's progress inside `scope`, one row per (desa, pendamping),
    /// counted in the database (one grouped query; no record parsed) from the facts stored
    /// beside each revision: the same definition as [`super::GroundCheckRow::of_export`]
    /// summed by [`super::group_rows`]. `programme`: only families of that programme's list.
    /// Rows in no particular order.
    fn ground_check_progress(
        &self,
        scope: &Scope,
        programme: Option<pendata_shared::dtsen::family::ListProgramme>,
    ) -> Result<Vec<super::GroundCheckRow>, StoreError>;
}

/// Where a page of households ends: they are listed by desa code, then id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageAfter {
    pub desa_code: String,
    pub id: HouseholdId,
}

/// Households per page when a whole wilayah is read.
pub const PAGE_SIZE: u32 = 500;

/// Calls `f` with every household inside `scope` in (desa, id) order, holding one page in
/// memory at a time; returns how many there were.
pub fn each_exported<S, E>(
    store: &S,
    scope: &Scope,
    mut f: impl FnMut(ExportHousehold) -> Result<(), E>,
) -> Result<u64, E>
where
    S: RecordStore + ?Sized,
    E: From<StoreError>,
{
    each_page(
        |after| store.export_page(scope, after, PAGE_SIZE),
        |e| PageAfter {
            desa_code: e.summary.desa_code.clone(),
            id: e.summary.id,
        },
        &mut f,
    )
}

/// Calls `f` with the [`ProgressRow`] of every household inside `scope`, one page in memory
/// at a time; returns how many there were.
pub fn each_progress<S, E>(
    store: &S,
    scope: &Scope,
    mut f: impl FnMut(ProgressRow) -> Result<(), E>,
) -> Result<u64, E>
where
    S: RecordStore + ?Sized,
    E: From<StoreError>,
{
    each_page(
        |after| store.progress_page(scope, after, PAGE_SIZE),
        |r| PageAfter {
            desa_code: r.desa_code.clone(),
            id: r.id,
        },
        &mut f,
    )
}

fn each_page<T, E: From<StoreError>>(
    mut page: impl FnMut(Option<&PageAfter>) -> Result<Vec<T>, StoreError>,
    key: impl Fn(&T) -> PageAfter,
    f: &mut impl FnMut(T) -> Result<(), E>,
) -> Result<u64, E> {
    let mut after: Option<PageAfter> = None;
    let mut n = 0;
    loop {
        let items = page(after.as_ref())?;
        let full = items.len() >= PAGE_SIZE as usize;
        after = items.last().map(&key);
        for item in items {
            f(item)?;
            n += 1;
        }
        if !full {
            return Ok(n);
        }
    }
}

/// Every household inside `scope` in one `Vec`: for tests and small scopes only (an operator's
/// export goes through [`each_exported`]).
pub fn collect_export<S: RecordStore + ?Sized>(
    store: &S,
    scope: &Scope,
) -> Result<Vec<ExportHousehold>, StoreError> {
    let mut all = Vec::new();
    each_exported(store, scope, |e| {
        all.push(e);
        Ok::<(), StoreError>(())
    })?;
    Ok(all)
}

/// Name of the head of household, for listings.
pub fn head_name_of(h: &Household) -> String {
    h.head()
        .or_else(|| h.members.first())
        .map(|m| m.name.clone())
        .unwrap_or_default()
}

/// A finding for a record whose questionnaire differs from the stored record's.
pub fn questionnaire_mismatch_finding(
    stored: &str,
    incoming: pendata_shared::Questionnaire,
) -> Finding {
    Finding {
        path: "questionnaire".into(),
        severity: Severity::Error,
        code: "questionnaire.mismatch".into(),
        message: format!(
            "Rekaman ini berversi {stored}; revisi berversi {incoming} tidak bisa menggantikannya"
        ),
        message_en: format!("This record is {stored}; a {incoming} revision cannot replace it"),
    }
}

/// A finding for a record refused because of where it is.
pub fn outside_wilayah_finding() -> Finding {
    Finding {
        path: "location.desa_code".into(),
        severity: Severity::Error,
        code: "push.outside_wilayah".into(),
        message: "Rumah tangga ini di luar wilayah tugas Anda".into(),
        message_en: "This household is outside your assigned area".into(),
    }
}

/// A finding for a delete of a household the server does not have.
pub fn unknown_household_finding() -> Finding {
    Finding {
        path: "household_id".into(),
        severity: Severity::Error,
        code: "push.unknown_household".into(),
        message: "Rumah tangga yang akan dihapus tidak ada di server".into(),
        message_en: "The household to delete does not exist on the server".into(),
    }
}

/// How a conflict reason is stored.
pub fn conflict_reason_str(r: ConflictReason) -> &'static str {
    match r {
        ConflictReason::SameRevisionDifferentContent => "same_revision_different_content",
        ConflictReason::StaleBase => "stale_base",
        ConflictReason::ExistsWithoutBase => "exists_without_base",
    }
}

/// A stored conflict reason.
pub fn parse_conflict_reason(s: &str) -> Option<ConflictReason> {
    match s {
        "same_revision_different_content" => Some(ConflictReason::SameRevisionDifferentContent),
        "stale_base" => Some(ConflictReason::StaleBase),
        "exists_without_base" => Some(ConflictReason::ExistsWithoutBase),
        _ => None,
    }
}

/// The assignment a prelist household becomes, as of `at`.
pub fn prelist_assignment(id: HouseholdId, p: &PrelistHousehold, at: DateTime<Utc>) -> Assignment {
    let head_name = p
        .members
        .iter()
        .find(|m| m.relation_to_head == Some(pendata_shared::codes::Relation::Head))
        .or_else(|| p.members.first())
        .map(|m| m.name.clone())
        .unwrap_or_default();
    Assignment {
        kind: if p.listing.is_some() {
            pendata_shared::protocol::AssignmentKind::GroundCheck
        } else {
            pendata_shared::protocol::AssignmentKind::Verivali
        },
        programme: p.listing.map(|l| l.programme),
        desil: p.listing.and_then(|l| l.desil),
        building_no: p.listing.and_then(|l| l.building_no),
        case: None,
        household_id: id,
        prelist_id: p.prelist_id.clone(),
        desa_code: p.desa_code.clone(),
        rt: p.rt.clone(),
        rw: p.rw.clone(),
        address: p.address.clone(),
        head_name,
        families: p.families.clone(),
        members: p.members.clone(),
        assigned_to: p.assigned_to.clone(),
        active: true,
        updated_at: at,
    }
}
