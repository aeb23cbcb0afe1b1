//! The DTSEN family record (one Regsosek2022K form, one KK): its process, place (Blok I), the
//! enumeration (Blok II) and the other blocks. Everything is optional while a record is a draft;
//! what a final record needs is decided by [`super::validate`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::codes::{BankAccount, EnumerationResult, InternetAccess, KkCode, WelfareDecile};
use super::ground_check::GroundCheck;
use super::housing::Housing;
use super::members::FamilyMember;
use super::programmes::{Assets, Programmes};
use crate::ids::{HouseholdId, MemberId};
use crate::model::{Geotag, InterviewMeta, MusdesRef};
use crate::month::zone::{zone_of, Zone};
use crate::photos::PhotoRef;
use crate::questionnaire::Questionnaire;

/// One family's Regsosek2022K form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FamilyRecord {
    /// The record id (the same id space as households: the sync protocol and the stores key
    /// every record by it).
    pub id: HouseholdId,
    /// Always `regsosek2022k` for this type; validation refuses anything else.
    pub questionnaire: Questionnaire,
    /// Why the family is visited.
    pub process: FamilyProcess,
    /// Blok I: where the family lives, its building (109) and family number (110).
    pub location: FamilyLocation,
    /// 114: Nomor KK, 16 digits.
    #[serde(default)]
    pub kk_number: Option<String>,
    /// 115: the KK as listed, a parent family or a split-off family.
    #[serde(default)]
    pub kk_code: Option<KkCode>,
    /// Blok II.
    #[serde(default)]
    pub enumeration: Enumeration,
    /// The ground-check outcome and visits (process `ground_check` only).
    #[serde(default, skip_serializing_if = "GroundCheck::is_empty")]
    pub ground_check: GroundCheck,
    /// Blok III, as this family uses the building.
    #[serde(default)]
    pub housing: Housing,
    /// Blok IV.
    #[serde(default)]
    pub members: Vec<FamilyMember>,
    /// 501a-g.
    #[serde(default)]
    pub programmes: Programmes,
    /// 502-504.
    #[serde(default)]
    pub assets: Assets,
    /// 505: main internet access last month.
    #[serde(default)]
    pub internet: Option<InternetAccess>,
    /// 506: an active bank account or e-wallet.
    #[serde(default)]
    pub bank_account: Option<BankAccount>,
    #[serde(default)]
    pub photos: Vec<PhotoRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geotag: Option<Geotag>,
    #[serde(default)]
    pub interview: InterviewMeta,
    /// Blok VI Catatan: required when 205 is 2-5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl FamilyRecord {
    /// The zone whose calendar the family's dates are kept in (its desa's province: WIB, WITA
    /// or WIT): an enumeration date, a visit's day, the next visit's day.
    pub fn zone(&self) -> Zone {
        zone_of(&self.location.desa_code)
    }

    /// A new, empty family record of the given process in the given desa.
    pub fn new(process: FamilyProcess, desa_code: impl Into<String>) -> Self {
        Self {
            id: HouseholdId::new(),
            questionnaire: Questionnaire::Regsosek2022k,
            process,
            location: FamilyLocation {
                desa_code: desa_code.into(),
                ..FamilyLocation::default()
            },
            kk_number: None,
            kk_code: None,
            enumeration: Enumeration::default(),
            ground_check: GroundCheck::default(),
            housing: Housing::default(),
            members: Vec::new(),
            programmes: Programmes::default(),
            assets: Assets::default(),
            internet: None,
            bank_account: None,
            photos: Vec::new(),
            geotag: None,
            interview: InterviewMeta::default(),
            notes: None,
        }
    }

    /// The head of family (409 = 1) among present members, if there is exactly one.
    pub fn head(&self) -> Option<&FamilyMember> {
        let mut heads = self
            .members
            .iter()
            .filter(|m| m.is_present() && m.is_head());
        match (heads.next(), heads.next()) {
            (Some(h), None) => Some(h),
            _ => None,
        }
    }

    /// The member with this id.
    pub fn member(&self, id: MemberId) -> Option<&FamilyMember> {
        self.members.iter().find(|m| m.id == id)
    }

    /// 108: the head of family's name, or the first member's while there is no head yet.
    pub fn head_name(&self) -> &str {
        self.head()
            .or(self.members.first())
            .map(|m| m.name.as_str())
            .unwrap_or("")
    }

    /// 112: the number of members who still belong to the family (404 = 1 or 5).
    pub fn member_count(&self) -> usize {
        self.members.iter().filter(|m| m.is_present()).count()
    }

    /// Whether the form was filled in full, so that every block applies: 205 = 1, and for a
    /// ground check, the family was found.
    pub fn is_full_interview(&self) -> bool {
        let found = match self.process {
            FamilyProcess::GroundCheck { .. } => {
                self.ground_check.outcome == Some(super::GroundCheckOutcome::Found)
            }
            FamilyProcess::UsulanBaru { .. } => true,
        };
        found && self.enumeration.result == Some(EnumerationResult::Complete)
    }

    /// The building this family shares with others: (desa, SLS, building number). `None` until
    /// the building number is known.
    pub fn building_key(&self) -> Option<(&str, &str, u16)> {
        let l = &self.location;
        l.building_no.map(|b| {
            (
                l.desa_code.trim(),
                l.sls_code.as_deref().unwrap_or("").trim(),
                b,
            )
        })
    }
}

/// Why a family is visited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FamilyProcess {
    /// The DTSEN ground check of a listed beneficiary family (KPM/PM) from an assignment list.
    GroundCheck {
        /// The list's id of the family (the row key of the imported ground-check list).
        assignment_id: String,
        /// The programme whose list it came from.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        programme: Option<ListProgramme>,
        /// The desil the list gives (BPS's ranking; never entered in the field).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        desil: Option<WelfareDecile>,
    },
    /// A new family proposed for DTSEN, agreed in a musdes/muskel (or an SPTJM).
    UsulanBaru { musdes: MusdesRef },
}

/// The programme a ground-check list belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ListProgramme {
    Pkh,
    /// BPNT / Sembako.
    Sembako,
    /// PBI Jaminan Kesehatan.
    PbiJk,
}

impl ListProgramme {
    pub const ALL: [ListProgramme; 3] = [
        ListProgramme::Pkh,
        ListProgramme::Sembako,
        ListProgramme::PbiJk,
    ];

    /// The id in CSV files and exports.
    pub const fn id(self) -> &'static str {
        match self {
            ListProgramme::Pkh => "pkh",
            ListProgramme::Sembako => "sembako",
            ListProgramme::PbiJk => "pbi_jk",
        }
    }

    /// The programme for an id (case-insensitive; `bpnt` is Sembako, `pbi-jk` is PBI-JK).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "pkh" => Some(ListProgramme::Pkh),
            "sembako" | "bpnt" | "bpnt_sembako" => Some(ListProgramme::Sembako),
            "pbi_jk" | "pbi_jkn" | "pbi" => Some(ListProgramme::PbiJk),
            _ => None,
        }
    }

    pub const fn text(self) -> crate::text::Text {
        use crate::text::Text;
        match self {
            ListProgramme::Pkh => Text::new("PKH", "PKH (conditional cash transfer)"),
            ListProgramme::Sembako => Text::new("BPNT/Sembako", "BPNT/Sembako (food aid)"),
            ListProgramme::PbiJk => Text::new("PBI-JK", "PBI-JK (subsidised health insurance)"),
        }
    }
}

/// Blok I: where the family lives.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FamilyLocation {
    /// 101-104 as a Kemendagri desa/kelurahan code, 10 digits without dots (Pendata's region
    /// list; BPS's own village codes are not shipped: docs/formats.md).
    pub desa_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rw: Option<String>,
    /// 105: SLS/non-SLS code, at most 4 letters or digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sls_code: Option<String>,
    /// 105a: sub-SLS code, at most 2 letters or digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_sls_code: Option<String>,
    /// 106: SLS name (at most 100 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sls_name: Option<String>,
    /// 107: address.
    #[serde(default)]
    pub address: String,
    /// 109: building number (1-999); families of one building share it.
    #[serde(default)]
    pub building_no: Option<u16>,
    /// 110: family number in the building after verification (1-999).
    #[serde(default)]
    pub family_no: Option<u16>,
    /// 113: Wilkerstat landmark id (at most 6 letters or digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub landmark_id: Option<String>,
}

/// Blok II: who enumerated, who checked, who answered, and the result (205).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Enumeration {
    /// 201
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// 202
    #[serde(default)]
    pub enumerator_name: Option<String>,
    /// 202a (at most 4 letters or digits)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enumerator_code: Option<String>,
    /// 203
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_date: Option<NaiveDate>,
    /// 204
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checker_name: Option<String>,
    /// 204a (at most 3 letters or digits)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checker_code: Option<String>,
    #[serde(default)]
    pub respondent_name: Option<String>,
    /// At most 16 digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respondent_phone: Option<String>,
    /// 205: hasil pendataan keluarga.
    #[serde(default)]
    pub result: Option<EnumerationResult>,
    /// The respondent agreed to the consent statement.
    #[serde(default)]
    pub consent: Option<bool>,
}
