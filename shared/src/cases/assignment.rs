//! What an imported or hand-entered case carries to the device: its kind's details and its due
//! date. It travels as `Assignment::case` ([`crate::protocol::Assignment`]), beside the
//! assignment's desa, address and the facilitator it is assigned to.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::graduasi::GraduasiAssignment;
use super::kind::CaseKind;
use super::pbi_jk::PbiJkAssignment;
use super::subject::CaseSubject;
use super::usul_sanggah::UsulSanggahAssignment;

/// A case as assigned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseAssignment {
    /// The day the finding is due ([`super::CaseRules::due_date`]).
    pub due_date: NaiveDate,
    pub detail: CaseDetail,
}

/// The kind's details, tagged `"kind"` with the [`CaseKind`] id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CaseDetail {
    UsulSanggah(UsulSanggahAssignment),
    ReaktivasiPbiJk(PbiJkAssignment),
    GraduasiPkh(GraduasiAssignment),
}

impl CaseDetail {
    pub fn kind(&self) -> CaseKind {
        match self {
            CaseDetail::UsulSanggah(_) => CaseKind::UsulSanggah,
            CaseDetail::ReaktivasiPbiJk(_) => CaseKind::ReaktivasiPbiJk,
            CaseDetail::GraduasiPkh(_) => CaseKind::GraduasiPkh,
        }
    }

    /// Who the case is about: the subject of a submission, the PBI-JK participant, the head of
    /// the graduating family.
    pub fn subject(&self) -> &CaseSubject {
        match self {
            CaseDetail::UsulSanggah(a) => &a.subject,
            CaseDetail::ReaktivasiPbiJk(a) => &a.person,
            CaseDetail::GraduasiPkh(a) => &a.family.head,
        }
    }
}

impl CaseAssignment {
    pub fn kind(&self) -> CaseKind {
        self.detail.kind()
    }

    /// Days left until the due date on `today` (negative when overdue).
    pub fn days_left(&self, today: NaiveDate) -> i64 {
        (self.due_date - today).num_days()
    }

    /// Whether the due date has passed on `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.days_left(today) < 0
    }
}
