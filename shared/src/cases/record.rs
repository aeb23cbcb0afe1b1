//! A case's record on the device and on the server: the assignment as it came, and what the
//! facilitator found. It shares the record id space, the life cycle, the outbox and the photo
//! references of households and families; it travels as `Change::UpsertCase`.

use serde::{Deserialize, Serialize};

use super::assignment::CaseAssignment;
use super::graduasi::GraduasiFinding;
use super::kind::CaseKind;
use super::pbi_jk::PbiJkFinding;
use super::usul_sanggah::UsulSanggahFinding;
use crate::ids::HouseholdId;
use crate::model::{Geotag, InterviewMeta};
use crate::photos::PhotoRef;
use crate::protocol::Assignment;
use crate::questionnaire::Questionnaire;
use crate::text::Text;

/// One case's record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseRecord {
    /// The record id: the assignment's `household_id`.
    pub id: HouseholdId,
    /// The kind's questionnaire (`kasus-usul-sanggah`, ...); validation refuses a mismatch.
    pub questionnaire: Questionnaire,
    /// The case number the Dinsos gave (the assignment's `prelist_id`).
    pub case_id: String,
    pub desa_code: String,
    #[serde(default)]
    pub address: String,
    /// The case as assigned, kept with the finding so that the record alone explains itself.
    pub assignment: CaseAssignment,
    pub finding: CaseFinding,
    #[serde(default)]
    pub photos: Vec<PhotoRef>,
    /// Where the facilitator stood (required for usul-sanggah).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geotag: Option<Geotag>,
    #[serde(default)]
    pub interview: InterviewMeta,
}

/// What the facilitator found, tagged `"kind"` with the [`CaseKind`] id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CaseFinding {
    UsulSanggah(UsulSanggahFinding),
    ReaktivasiPbiJk(PbiJkFinding),
    GraduasiPkh(GraduasiFinding),
}

impl CaseFinding {
    /// Nothing recorded yet, for a case of `kind`.
    pub fn empty(kind: CaseKind) -> Self {
        match kind {
            CaseKind::UsulSanggah => CaseFinding::UsulSanggah(UsulSanggahFinding::default()),
            CaseKind::ReaktivasiPbiJk => CaseFinding::ReaktivasiPbiJk(PbiJkFinding::default()),
            CaseKind::GraduasiPkh => CaseFinding::GraduasiPkh(GraduasiFinding::default()),
        }
    }

    pub fn kind(&self) -> CaseKind {
        match self {
            CaseFinding::UsulSanggah(_) => CaseKind::UsulSanggah,
            CaseFinding::ReaktivasiPbiJk(_) => CaseKind::ReaktivasiPbiJk,
            CaseFinding::GraduasiPkh(_) => CaseKind::GraduasiPkh,
        }
    }
}

/// An assignment that cannot be opened as a case: stable code [`NotACase::CODE`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotACase {
    /// The assignment's kind is not a case kind, or it carries no case.
    #[error("the assignment is not a case")]
    NotACase,
    /// The assignment's kind and its case's kind differ.
    #[error("the assignment's kind and its case's kind differ")]
    KindMismatch,
}

impl NotACase {
    pub const CODE: &'static str = "case.not_a_case";

    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            NotACase::NotACase => Self::CODE,
            NotACase::KindMismatch => "case.kind_mismatch",
        }
    }

    pub fn text(&self) -> Text {
        match self {
            NotACase::NotACase => Text::new(
                "Penugasan ini bukan kasus (usul-sanggah, reaktivasi PBI-JK, graduasi PKH)",
                "This assignment is not a case (proposal/objection, PBI-JK reactivation, PKH graduation)",
            ),
            NotACase::KindMismatch => Text::new(
                "Jenis penugasan dan jenis kasusnya berbeda; minta supervisor memperbaiki penugasan",
                "The assignment's kind and its case's kind differ; ask the supervisor to fix the assignment",
            ),
        }
    }
}

impl CaseRecord {
    /// A new record for a case assignment, nothing found yet.
    pub fn from_assignment(a: &Assignment) -> Result<Self, NotACase> {
        let kind = a.kind.case_kind().ok_or(NotACase::NotACase)?;
        let case = a.case.as_deref().ok_or(NotACase::NotACase)?;
        if case.kind() != kind {
            return Err(NotACase::KindMismatch);
        }
        Ok(Self {
            id: a.household_id,
            questionnaire: kind.questionnaire(),
            case_id: a.prelist_id.clone(),
            desa_code: a.desa_code.clone(),
            address: a.address.clone(),
            assignment: case.clone(),
            finding: CaseFinding::empty(kind),
            photos: Vec::new(),
            geotag: None,
            interview: InterviewMeta::default(),
        })
    }

    /// The kind, as its assignment says.
    pub fn kind(&self) -> CaseKind {
        self.assignment.kind()
    }

    /// The name a list shows: who the case is about.
    pub fn name(&self) -> &str {
        &self.assignment.detail.subject().name
    }
}
