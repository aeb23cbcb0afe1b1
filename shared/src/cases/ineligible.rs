//! Why a household or a person is found "tidak layak": the fifteen groups struck from bansos
//! (DTSEN-REFERENCE §3.8), plus two of Pendata's own, documented as such: a household found
//! well-off in the field (the general reason a usul-sanggah check ends "tidak layak" without
//! any of the fifteen applying), and "other", which needs a note. No official numbering of the
//! list was found, so each reason is identified by a stable text id, never by a number.

use serde::{Deserialize, Serialize};

use crate::text::{Localized, Text};

/// A "tidak layak" reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IneligibleReason {
    AddressNotFound,
    PersonNotMet,
    /// Deceased, and the carer was not replaced.
    Deceased,
    AsnTniPolri,
    /// A member of the same KK is ASN/TNI/Polri.
    FamilyMemberAsnTniPolri,
    RetiredAsnTniPolri,
    /// Paid from the APBN or an APBD.
    PaidByState,
    VillageOfficial,
    CertifiedTeacher,
    HealthWorker,
    /// Owner or director of a company.
    CompanyOwner,
    /// A wage above the UMR/UMK.
    WageAboveMinimum,
    /// Refused (the aid or the visit).
    Refused,
    LegallyIneligible,
    /// Receives bansos from another agency.
    OtherAgencyAid,
    /// Pendata's addition: well-off as seen in the field (house, assets, income).
    WellOff,
    /// Pendata's addition: another reason, written in the note (required).
    Other,
}

impl IneligibleReason {
    /// The fifteen groups of §3.8 in the reference's order, then Pendata's two.
    pub const ALL: [IneligibleReason; 17] = [
        IneligibleReason::AddressNotFound,
        IneligibleReason::PersonNotMet,
        IneligibleReason::Deceased,
        IneligibleReason::AsnTniPolri,
        IneligibleReason::FamilyMemberAsnTniPolri,
        IneligibleReason::RetiredAsnTniPolri,
        IneligibleReason::PaidByState,
        IneligibleReason::VillageOfficial,
        IneligibleReason::CertifiedTeacher,
        IneligibleReason::HealthWorker,
        IneligibleReason::CompanyOwner,
        IneligibleReason::WageAboveMinimum,
        IneligibleReason::Refused,
        IneligibleReason::LegallyIneligible,
        IneligibleReason::OtherAgencyAid,
        IneligibleReason::WellOff,
        IneligibleReason::Other,
    ];

    /// The id in files and on the wire.
    pub fn id(self) -> &'static str {
        match self {
            IneligibleReason::AddressNotFound => "address_not_found",
            IneligibleReason::PersonNotMet => "person_not_met",
            IneligibleReason::Deceased => "deceased",
            IneligibleReason::AsnTniPolri => "asn_tni_polri",
            IneligibleReason::FamilyMemberAsnTniPolri => "family_member_asn_tni_polri",
            IneligibleReason::RetiredAsnTniPolri => "retired_asn_tni_polri",
            IneligibleReason::PaidByState => "paid_by_state",
            IneligibleReason::VillageOfficial => "village_official",
            IneligibleReason::CertifiedTeacher => "certified_teacher",
            IneligibleReason::HealthWorker => "health_worker",
            IneligibleReason::CompanyOwner => "company_owner",
            IneligibleReason::WageAboveMinimum => "wage_above_minimum",
            IneligibleReason::Refused => "refused",
            IneligibleReason::LegallyIneligible => "legally_ineligible",
            IneligibleReason::OtherAgencyAid => "other_agency_aid",
            IneligibleReason::WellOff => "well_off",
            IneligibleReason::Other => "other",
        }
    }

    /// The reason for an id.
    pub fn parse(id: &str) -> Option<Self> {
        let id = id.trim().to_ascii_lowercase().replace('-', "_");
        Self::ALL.into_iter().find(|r| r.id() == id)
    }

    /// Whether the reason says the house could not be seen (no house photo can be asked for).
    pub fn house_not_seen(self) -> bool {
        matches!(self, IneligibleReason::AddressNotFound)
    }

    /// Whether the note must say more.
    pub fn needs_note(self) -> bool {
        matches!(self, IneligibleReason::Other)
    }
}

impl Localized for IneligibleReason {
    fn text(&self) -> Text {
        match self {
            IneligibleReason::AddressNotFound => {
                Text::new("Alamat tidak ditemukan", "Address not found")
            }
            IneligibleReason::PersonNotMet => Text::new("Orang tidak ditemui", "Person not met"),
            IneligibleReason::Deceased => Text::new(
                "Meninggal dunia (pengurus tidak diganti)",
                "Deceased (carer not replaced)",
            ),
            IneligibleReason::AsnTniPolri => Text::new("ASN/TNI/Polri", "Civil servant/TNI/Polri"),
            IneligibleReason::FamilyMemberAsnTniPolri => Text::new(
                "Anggota keluarga dalam KK yang sama ASN/TNI/Polri",
                "A member of the same KK is a civil servant/TNI/Polri",
            ),
            IneligibleReason::RetiredAsnTniPolri => {
                Text::new("Pensiunan ASN/TNI/Polri", "Retired civil servant/TNI/Polri")
            }
            IneligibleReason::PaidByState => Text::new(
                "Penerima gaji dari APBN/APBD",
                "Paid from the state or regional budget",
            ),
            IneligibleReason::VillageOfficial => Text::new("Perangkat desa", "Village official"),
            IneligibleReason::CertifiedTeacher => {
                Text::new("Guru bersertifikat", "Certified teacher")
            }
            IneligibleReason::HealthWorker => Text::new("Tenaga kesehatan", "Health worker"),
            IneligibleReason::CompanyOwner => Text::new(
                "Pemilik atau direksi perusahaan",
                "Company owner or director",
            ),
            IneligibleReason::WageAboveMinimum => {
                Text::new("Upah di atas UMR/UMK", "Wage above the regional minimum")
            }
            IneligibleReason::Refused => Text::new("Menolak", "Refused"),
            IneligibleReason::LegallyIneligible => {
                Text::new("Tidak memenuhi syarat secara hukum", "Legally ineligible")
            }
            IneligibleReason::OtherAgencyAid => Text::new(
                "Menerima bansos dari lembaga lain",
                "Receives aid from another agency",
            ),
            IneligibleReason::WellOff => Text::new(
                "Mampu (kondisi rumah, aset, penghasilan)",
                "Well-off (house, assets, income)",
            ),
            IneligibleReason::Other => Text::new("Lainnya (tulis di catatan)", "Other (see note)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_has_a_unique_id_that_parses_back() {
        let mut ids: Vec<&str> = IneligibleReason::ALL.iter().map(|r| r.id()).collect();
        for r in IneligibleReason::ALL {
            assert_eq!(IneligibleReason::parse(r.id()), Some(r));
            assert_eq!(
                serde_json::to_value(r).unwrap_or_default(),
                serde_json::Value::String(r.id().into())
            );
            assert!(!r.text().id.is_empty() && r.text().id != r.text().en);
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 17);
        assert_eq!(
            IneligibleReason::parse(" Wage-Above-Minimum"),
            Some(IneligibleReason::WageAboveMinimum)
        );
        assert_eq!(IneligibleReason::parse("mampu"), None);
    }
}
