//! Case work (issue 21 §1), for every backend: usul-sanggah verifications, PBI-JK
//! reactivations and graduasi PKH, each one assignment to a pendamping with a due date.
//!
//! A case is two rows under one id: a `households` row carrying its assignment (so devices
//! receive it through the ordinary pull, and the record the pendamping pushes back for that
//! id is the case's field finding, stored like any record), and a `cases` row (SQLite
//! migration 0011, PostgreSQL 0006) with what the case is about, its due date and, for PBI-JK,
//! the supervisor's decision. A case is open until its finding arrives; a PBI-JK case also
//! until the supervisor decided it.

use chrono::{DateTime, NaiveDate, Utc};
use pendata_shared::cases::CaseRecord;
use pendata_shared::protocol::{Assignment, Change};
use pendata_shared::HouseholdId;
use serde::{Deserialize, Serialize};

use super::{Scope, StoreError};

/// The three case types (`pendata_shared::cases::CaseKind`; ids `usul_sanggah`,
/// `reaktivasi_pbi_jk`, `graduasi_pkh`).
pub use pendata_shared::cases::CaseKind;

/// Where a case came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseSource {
    /// A file of the Cek Bansos channel (`import-cases`, the dashboard's upload).
    Import,
    /// Entered by hand on the dashboard.
    Hand,
}

/// What a case is about: the facts the facilitator takes to the field. Kept as one JSON value.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CaseSubject {
    /// The person or the family's head.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nik: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kk_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rw: Option<String>,
    #[serde(default)]
    pub address: String,
    /// Usul-sanggah: `usulan` (a proposal) or `sanggah` (an objection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submission: Option<String>,
    /// Usul-sanggah: who proposed or objected (as the channel gives it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposer: Option<String>,
    /// The programme concerned (`pkh`, `sembako`, `pbi_jk`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub programme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The evidence the proposal came with, as described by the channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// PBI-JK: care is needed now (treatment first, data fix after).
    #[serde(default)]
    pub emergency: bool,
    /// The supervisor's or operator's note for the facilitator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A case to create (or, for the same kind and source id, to update while unvisited).
#[derive(Debug, Clone)]
pub struct NewCase {
    pub id: HouseholdId,
    pub kind: CaseKind,
    /// The channel's id (import) or a generated one (by hand); unique per kind.
    pub source_id: String,
    pub source: CaseSource,
    pub desa_code: String,
    pub assigned_to: Option<String>,
    pub due_date: NaiveDate,
    pub subject: CaseSubject,
    pub created_by: Option<String>,
    /// What the device receives ([`crate::cases::assignment`]).
    pub assignment: Assignment,
}

/// The supervisor's decision on a PBI-JK case (`pendata_shared::cases::pbi_jk::PbiJkDecision`:
/// reactivated with the letter's number and date and the DTSEN update deadline, or refused).
pub use pendata_shared::cases::pbi_jk::PbiJkDecision as PbiOutcome;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PbiDecision {
    pub outcome: PbiOutcome,
    pub decided_by: String,
    pub decided_at: DateTime<Utc>,
}

/// A stored case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRow {
    pub id: HouseholdId,
    pub kind: CaseKind,
    pub source_id: String,
    pub source: CaseSource,
    pub desa_code: String,
    pub assigned_to: Option<String>,
    pub due_date: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<String>,
    pub subject: CaseSubject,
    /// When the current finding (the record pushed for this id) arrived; `None`: not yet.
    pub finding_at: Option<DateTime<Utc>>,
    /// Who sent the current finding.
    pub finding_by: Option<String>,
    pub decision: Option<PbiDecision>,
}

impl CaseRow {
    /// Still needs work: no finding yet, or a PBI-JK case not decided.
    pub fn is_open(&self) -> bool {
        self.finding_at.is_none()
            || (self.kind == CaseKind::ReaktivasiPbiJk && self.decision.is_none())
    }

    /// No finding by the end of its due date.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.finding_at.is_none() && self.due_date < today
    }

    /// The pendamping the case counts for: the assignee, else who sent the finding.
    pub fn pendamping(&self) -> Option<&str> {
        self.assigned_to.as_deref().or(self.finding_by.as_deref())
    }
}

/// A case with its field record, read together for many cases at once
/// ([`CaseStore::cases_with_records`]).
#[derive(Debug, Clone)]
pub struct CaseWithRecord {
    pub case: CaseRow,
    /// The current record pushed for the case (`Change::UpsertCase`); `None` before the
    /// finding arrives, or when the record was deleted.
    pub record: Option<CaseRecord>,
    /// The assignment the device received.
    pub assignment: Option<Assignment>,
}

impl CaseWithRecord {
    /// The record to show or export: the pushed one, else the assignment's empty finding.
    pub fn record_or_assigned(self) -> Option<CaseRecord> {
        self.record.or_else(|| {
            self.assignment
                .and_then(|a| CaseRecord::from_assignment(&a).ok())
        })
    }

    /// The record of a current revision's change, if it is a case's.
    pub fn record_of(change: Change) -> Option<CaseRecord> {
        match change {
            Change::UpsertCase { case } => Some(*case),
            _ => None,
        }
    }
}

/// Which cases to list.
#[derive(Debug, Clone, Default)]
pub struct CaseQuery {
    pub kind: Option<CaseKind>,
    /// Only open ones ([`CaseRow::is_open`]).
    pub open_only: bool,
    pub limit: u32,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CaseImportSummary {
    pub created: u64,
    pub updated: u64,
}

/// Why a PBI-JK decision was not stored.
#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error("no such case in the scope")]
    NotFound,
    #[error("the case is not a PBI-JK reactivation")]
    NotPbi,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The case work of one database.
pub trait CaseStore: Send + Sync {
    /// Creates the cases in one transaction (households rows with their assignment, the
    /// `assignment` change devices pull, the `cases` rows). A case whose (kind, source id)
    /// exists already is updated (subject, assignee, assignment), keeping its id and due date.
    fn create_cases(&self, cases: &[NewCase]) -> Result<CaseImportSummary, StoreError>;

    /// Cases of `scope`, by due date then id.
    fn cases(&self, scope: &Scope, query: &CaseQuery) -> Result<Vec<CaseRow>, StoreError>;

    /// [`CaseStore::cases`] with each case's current record and assignment, in the same
    /// read: for pages and exports that need the findings of many cases.
    fn cases_with_records(
        &self,
        scope: &Scope,
        query: &CaseQuery,
    ) -> Result<Vec<CaseWithRecord>, StoreError>;

    /// One case, if it lies in `scope` (outside looks the same as missing).
    fn case(&self, id: HouseholdId, scope: &Scope) -> Result<Option<CaseRow>, StoreError>;

    /// Stores (or replaces) the supervisor's decision on a PBI-JK case.
    fn decide_pbi(
        &self,
        id: HouseholdId,
        scope: &Scope,
        outcome: &PbiOutcome,
        decided_by: &str,
    ) -> Result<CaseRow, DecideError>;

    /// Reactivated PBI-JK cases of `scope` whose data update is due on or before `until`, by
    /// that day.
    fn pbi_updates_due(&self, scope: &Scope, until: NaiveDate) -> Result<Vec<CaseRow>, StoreError>;
}

/// The source-id key a case's households row carries in `prelist_id` (unique there).
pub fn case_key(kind: CaseKind, source_id: &str) -> String {
    format!("case:{}:{source_id}", kind.id())
}
