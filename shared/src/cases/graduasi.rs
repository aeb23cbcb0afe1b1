//! Graduasi PKH (DTSEN-REFERENCE §3.4): a PKH family leaves the programme. The three types are
//! the reference's: *mandiri* (by the family's own request), *alami* (no eligible component
//! left) and *paksa* (non-compliance, with the desa's letter that the family is mampu). The
//! current Kemensos wording ("sejahtera mandiri") is UNCONFIRMED, so the ids are these three.
//! The evidence is a photo of the statement letter (`F-SURAT-GRADUASI`); whether it must be
//! stamped (*bermaterai*) is UNCONFIRMED and not checked.
//!
//! The family's PKH components are shown with the case ([`GraduasiFamily::components`], from
//! [`crate::month::pkh`]), so the pendamping sees why an *alami* graduation fits or not.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::subject::CaseSubject;
use crate::dtsen::family::FamilyRecord;
use crate::month::pkh::{family_components, PkhComponent, PkhRules};
use crate::text::{Localized, Text};

/// How a family graduates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GraduasiType {
    Mandiri,
    Alami,
    Paksa,
}

impl GraduasiType {
    pub const ALL: [GraduasiType; 3] = [
        GraduasiType::Mandiri,
        GraduasiType::Alami,
        GraduasiType::Paksa,
    ];

    pub const fn id(self) -> &'static str {
        match self {
            GraduasiType::Mandiri => "mandiri",
            GraduasiType::Alami => "alami",
            GraduasiType::Paksa => "paksa",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase();
        let s = s.strip_prefix("graduasi ").unwrap_or(&s);
        match s {
            "alamiah" => Some(GraduasiType::Alami),
            _ => Self::ALL.into_iter().find(|t| t.id() == s),
        }
    }
}

impl Localized for GraduasiType {
    fn text(&self) -> Text {
        match self {
            GraduasiType::Mandiri => Text::new(
                "Graduasi mandiri (atas permintaan sendiri)",
                "Self-graduation (on the family's request)",
            ),
            GraduasiType::Alami => Text::new(
                "Graduasi alami (tidak ada lagi komponen)",
                "Natural graduation (no eligible component left)",
            ),
            GraduasiType::Paksa => Text::new(
                "Graduasi paksa (tidak patuh, surat desa bahwa mampu)",
                "Forced graduation (non-compliance, desa letter that the family is well-off)",
            ),
        }
    }
}

/// A PKH component of the family and the member who brings it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FamilyComponent {
    pub component: PkhComponent,
    pub member_name: String,
}

/// The family a graduation case is about.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GraduasiFamily {
    /// The head of the family (name, NIK) and the KK number.
    pub head: CaseSubject,
    /// The year the family first received PKH, if known (productive-age families: at most 5
    /// years on aid, §3.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pkh_since_year: Option<i32>,
    /// The family's PKH components when the case was made (empty when the server holds no
    /// DTSEN record of the family).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<FamilyComponent>,
}

impl GraduasiFamily {
    /// The family as its DTSEN record shows it on `on`, components by the Dinsos's rules.
    pub fn from_family(family: &FamilyRecord, rules: &PkhRules, on: NaiveDate) -> Self {
        let components = family_components(family, rules, on)
            .into_iter()
            .map(|c| FamilyComponent {
                component: c.component,
                member_name: family
                    .member(c.member)
                    .map(|m| m.name.clone())
                    .unwrap_or_default(),
            })
            .collect();
        let head = family.head();
        Self {
            head: CaseSubject {
                name: family.head_name().to_string(),
                nik: head.and_then(|h| h.nik.clone()),
                kk_number: family.kk_number.clone(),
            },
            pkh_since_year: None,
            components,
        }
    }

    /// Whether a component the programme exempts from the graduation target (severe disability,
    /// elderly: §3.4 "except persons with disabilities and neglected elderly") is present.
    pub fn has_target_exempt_member(&self) -> bool {
        self.components.iter().any(|c| {
            matches!(
                c.component,
                PkhComponent::SevereDisability | PkhComponent::Elderly
            )
        })
    }
}

/// What the supervisor hands out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GraduasiAssignment {
    pub family: GraduasiFamily,
    /// The type the supervisor expects, if any; the facilitator records the one found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposed_type: Option<GraduasiType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What the facilitator records (the statement letter is a photo on the record).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GraduasiFinding {
    #[serde(default)]
    pub graduation_type: Option<GraduasiType>,
    #[serde(default)]
    pub reason: Option<String>,
    /// The pendamping's assessment of the family.
    #[serde(default)]
    pub assessment_note: Option<String>,
}

/// The yearly target a Dinsos sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GraduasiRules {
    /// Graduated families per pendamping per year (Mensos, 8 Oct 2025: at least 10).
    pub yearly_target: u32,
}

impl Default for GraduasiRules {
    fn default() -> Self {
        Self { yearly_target: 10 }
    }
}

/// A pendamping's graduations of a year against the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraduasiProgress {
    pub graduated: u32,
    pub target: u32,
}

impl GraduasiProgress {
    pub fn new(graduated: u32, rules: &GraduasiRules) -> Self {
        Self {
            graduated,
            target: rules.yearly_target,
        }
    }

    pub fn met(&self) -> bool {
        self.graduated >= self.target
    }

    /// "7 dari 10" / "7 of 10".
    pub fn text(&self) -> Text {
        Text::owned(
            format!("{} dari target {}", self.graduated, self.target),
            format!("{} of the target {}", self.graduated, self.target),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtsen::family::FamilyProcess;
    use crate::dtsen::members::FamilyMember;

    #[test]
    fn the_family_carries_its_pkh_components_by_member_name() {
        let process = FamilyProcess::GroundCheck {
            assignment_id: "GC-1".into(),
            programme: None,
            desil: None,
        };
        let mut family = FamilyRecord::new(process, "3201010001");
        let mut grandma = FamilyMember::new("Nenek Sumi");
        grandma.birth_date = NaiveDate::from_ymd_opt(1950, 1, 1);
        let mut baby = FamilyMember::new("Bayi Ani");
        baby.birth_date = NaiveDate::from_ymd_opt(2025, 1, 1);
        family.members = vec![grandma, baby];
        let on = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default();
        let f = GraduasiFamily::from_family(&family, &PkhRules::default(), on);
        assert_eq!(
            f.components,
            [
                FamilyComponent {
                    component: PkhComponent::Elderly,
                    member_name: "Nenek Sumi".into()
                },
                FamilyComponent {
                    component: PkhComponent::EarlyChildhood,
                    member_name: "Bayi Ani".into()
                }
            ]
        );
        assert!(f.has_target_exempt_member());
        let seventy_five = PkhRules {
            elderly_from_age: 80,
            ..PkhRules::default()
        };
        let f = GraduasiFamily::from_family(&family, &seventy_five, on);
        assert!(!f.has_target_exempt_member());
    }

    #[test]
    fn types_parse_and_the_target_is_counted() {
        for t in GraduasiType::ALL {
            assert_eq!(GraduasiType::parse(t.id()), Some(t));
        }
        assert_eq!(
            GraduasiType::parse("Graduasi Alamiah"),
            Some(GraduasiType::Alami)
        );
        assert_eq!(GraduasiType::parse("sejahtera"), None);
        let rules = GraduasiRules::default();
        assert!(!GraduasiProgress::new(9, &rules).met());
        assert!(GraduasiProgress::new(10, &rules).met());
        assert_eq!(
            GraduasiProgress::new(7, &rules).text().id,
            "7 dari target 10"
        );
        let five: GraduasiRules =
            serde_json::from_str(r#"{"yearly_target":5}"#).unwrap_or_default();
        assert!(GraduasiProgress::new(5, &five).met());
    }
}
