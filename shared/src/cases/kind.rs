//! The three kinds of case a facilitator takes to the field (issue 21 §1; DTSEN-REFERENCE
//! §3.2-3.4). Each kind is its own questionnaire id, so that stores, exports and the dashboard
//! tell them apart by the same column they already use for DTKS households and DTSEN families.

use serde::{Deserialize, Serialize};

use crate::protocol::AssignmentKind;
use crate::questionnaire::Questionnaire;
use crate::text::{Localized, Text};

/// A case kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// Field verification of a proposal or an objection from Cek Bansos or entered by hand
    /// (§3.2).
    UsulSanggah,
    /// A PBI-JK participant's reactivation (Permensos 3/2026, §3.3).
    ReaktivasiPbiJk,
    /// A PKH family's graduation (§3.4).
    GraduasiPkh,
}

impl CaseKind {
    pub const ALL: [CaseKind; 3] = [
        CaseKind::UsulSanggah,
        CaseKind::ReaktivasiPbiJk,
        CaseKind::GraduasiPkh,
    ];

    /// The id on the wire and in files: the same as its [`AssignmentKind::id`].
    pub const fn id(self) -> &'static str {
        self.assignment_kind().id()
    }

    /// The kind for an id.
    pub fn parse(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }

    /// The assignment kind that hands this case out.
    pub const fn assignment_kind(self) -> AssignmentKind {
        match self {
            CaseKind::UsulSanggah => AssignmentKind::UsulSanggah,
            CaseKind::ReaktivasiPbiJk => AssignmentKind::ReaktivasiPbiJk,
            CaseKind::GraduasiPkh => AssignmentKind::GraduasiPkh,
        }
    }

    /// The questionnaire the case's record answers.
    pub const fn questionnaire(self) -> Questionnaire {
        match self {
            CaseKind::UsulSanggah => Questionnaire::KasusUsulSanggah,
            CaseKind::ReaktivasiPbiJk => Questionnaire::KasusReaktivasiPbiJk,
            CaseKind::GraduasiPkh => Questionnaire::KasusGraduasiPkh,
        }
    }

    /// The case kind a questionnaire is the record of, if any.
    pub fn of_questionnaire(q: Questionnaire) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.questionnaire() == q)
    }

    /// The case kind an assignment kind hands out, if any.
    pub fn of_assignment(k: AssignmentKind) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.assignment_kind() == k)
    }
}

impl Localized for CaseKind {
    fn text(&self) -> Text {
        match self {
            CaseKind::UsulSanggah => {
                Text::new("Verifikasi usul-sanggah", "Proposal/objection verification")
            }
            CaseKind::ReaktivasiPbiJk => Text::new("Reaktivasi PBI-JK", "PBI-JK reactivation"),
            CaseKind::GraduasiPkh => Text::new("Graduasi PKH", "PKH graduation"),
        }
    }
}

impl std::fmt::Display for CaseKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_questionnaires_and_assignment_kinds_map_one_to_one() {
        for k in CaseKind::ALL {
            assert_eq!(CaseKind::parse(k.id()), Some(k));
            assert_eq!(CaseKind::of_questionnaire(k.questionnaire()), Some(k));
            assert_eq!(CaseKind::of_assignment(k.assignment_kind()), Some(k));
            assert_eq!(
                Questionnaire::parse(k.questionnaire().id()),
                Some(k.questionnaire())
            );
            assert_eq!(AssignmentKind::parse(k.id()), Some(k.assignment_kind()));
        }
        assert_eq!(
            CaseKind::of_questionnaire(Questionnaire::Regsosek2022k),
            None
        );
        assert_eq!(CaseKind::of_assignment(AssignmentKind::GroundCheck), None);
        assert_eq!(
            CaseKind::ALL.map(CaseKind::id),
            ["usul_sanggah", "reaktivasi_pbi_jk", "graduasi_pkh"]
        );
    }
}
