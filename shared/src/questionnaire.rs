//! Which questionnaire a record answers. Every record carries its version, and its answers are
//! that version's codes: nothing is converted silently between versions.
//!
//! - `dtks-bdt`: the DTKS/BDT-era SIKS-Droid household form ([`crate::model::Household`],
//!   DTKS-REFERENCE.md).
//! - `regsosek2022k`: BPS's Regsosek2022K family form used by DTSEN
//!   ([`crate::dtsen::FamilyRecord`], DTSEN-REFERENCE.md).
//! - `kasus-usul-sanggah`, `kasus-reaktivasi-pbi-jk`, `kasus-graduasi-pkh`: the field finding of
//!   a case ([`crate::cases::CaseRecord`], issue 21 §1). One id per case kind, so that a store's
//!   or an export's `questionnaire` column alone says what a row is; the three share one record
//!   type whose finding is tagged by the kind.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::text::Text;

/// A questionnaire version this crate knows.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Questionnaire {
    /// The DTKS/BDT household form (SIKS-Droid). Records made before versions existed are this.
    #[default]
    #[serde(rename = "dtks-bdt")]
    DtksBdt,
    /// The Regsosek2022K family form (DTSEN).
    #[serde(rename = "regsosek2022k")]
    Regsosek2022k,
    /// The finding of a usul-sanggah verification case.
    #[serde(rename = "kasus-usul-sanggah")]
    KasusUsulSanggah,
    /// The finding of a PBI-JK reactivation case.
    #[serde(rename = "kasus-reaktivasi-pbi-jk")]
    KasusReaktivasiPbiJk,
    /// The finding of a PKH graduation case.
    #[serde(rename = "kasus-graduasi-pkh")]
    KasusGraduasiPkh,
}

impl Questionnaire {
    /// Every known version.
    pub const ALL: [Questionnaire; 5] = [
        Questionnaire::DtksBdt,
        Questionnaire::Regsosek2022k,
        Questionnaire::KasusUsulSanggah,
        Questionnaire::KasusReaktivasiPbiJk,
        Questionnaire::KasusGraduasiPkh,
    ];

    /// The id on the wire, in stores and in exports.
    pub const fn id(self) -> &'static str {
        match self {
            Questionnaire::DtksBdt => "dtks-bdt",
            Questionnaire::Regsosek2022k => "regsosek2022k",
            Questionnaire::KasusUsulSanggah => "kasus-usul-sanggah",
            Questionnaire::KasusReaktivasiPbiJk => "kasus-reaktivasi-pbi-jk",
            Questionnaire::KasusGraduasiPkh => "kasus-graduasi-pkh",
        }
    }

    /// The version for an id; `None` for an id this build does not know.
    pub fn parse(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|q| q.id() == id)
    }

    /// Whether this is the DTKS/BDT form (the default, left out of a household's JSON so that
    /// records and their content hashes stay byte-for-byte what they were).
    pub fn is_dtks_bdt(&self) -> bool {
        *self == Questionnaire::DtksBdt
    }

    /// Whether this is the record of a case ([`crate::cases::CaseKind`]).
    pub fn is_case(self) -> bool {
        crate::cases::CaseKind::of_questionnaire(self).is_some()
    }

    /// The name people read.
    pub const fn text(self) -> Text {
        match self {
            Questionnaire::DtksBdt => Text::new(
                "DTKS (formulir BDT/SIKS-Droid)",
                "DTKS (BDT/SIKS-Droid form)",
            ),
            Questionnaire::Regsosek2022k => Text::new(
                "DTSEN (formulir Regsosek2022K)",
                "DTSEN (Regsosek2022K form)",
            ),
            Questionnaire::KasusUsulSanggah => Text::new(
                "Kasus: verifikasi usul-sanggah",
                "Case: proposal/objection verification",
            ),
            Questionnaire::KasusReaktivasiPbiJk => {
                Text::new("Kasus: reaktivasi PBI-JK", "Case: PBI-JK reactivation")
            }
            Questionnaire::KasusGraduasiPkh => {
                Text::new("Kasus: graduasi PKH", "Case: PKH graduation")
            }
        }
    }
}

impl fmt::Display for Questionnaire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The refusal of a questionnaire id this build does not know: stable code
/// [`UnknownQuestionnaire::CODE`], both languages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown questionnaire {0:?}")]
pub struct UnknownQuestionnaire(pub String);

impl UnknownQuestionnaire {
    /// The stable code a server answers with.
    pub const CODE: &'static str = "questionnaire.unknown";

    /// The message people read. The id is not personal data and is quoted (cut at 40 chars).
    pub fn text(&self) -> Text {
        let id: String = self.0.chars().take(40).collect();
        let known = Questionnaire::ALL.map(Questionnaire::id).join(", ");
        Text::owned(
            format!("Versi kuesioner {id:?} tidak dikenal server ini (yang dikenal: {known}); perbarui server atau aplikasi"),
            format!("Questionnaire version {id:?} is unknown to this server (known: {known}); update the server or the app"),
        )
    }
}

/// Parse a questionnaire id, refusing unknown ones with [`UnknownQuestionnaire`].
impl std::str::FromStr for Questionnaire {
    type Err = UnknownQuestionnaire;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| UnknownQuestionnaire(s.to_string()))
    }
}
