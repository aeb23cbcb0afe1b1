//! The components that make a family eligible for PKH, shown per family so a pendamping and a
//! supervisor see why (DTSEN-REFERENCE §3.9): a pregnant woman, a young child, a child in
//! SD / SMP / SMA, a member with a severe disability, an elderly member. Pendata lists them;
//! it does not decide eligibility, and it does not compute amounts (the 2025-26 amounts and the
//! per-family cap are UNCONFIRMED).
//!
//! What the form cannot tell: 410 asks about pregnancy only, so nifas (postpartum) is not
//! seen. The thresholds the reference could not confirm are [`PkhRules`] fields.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::YesNo;
use crate::dtsen::codes::{Difficulty, EducationLevel, Presence, SchoolParticipation};
use crate::dtsen::family::FamilyRecord;
use crate::dtsen::members::FamilyMember;
use crate::ids::MemberId;
use crate::text::{Localized, Text};

/// The thresholds a Dinsos sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PkhRules {
    /// Lansia from this age. UNCONFIRMED: 60 in Permensos 1/2018 practice, 70 reported later;
    /// 60 is the default so that no elderly member is hidden.
    pub elderly_from_age: u32,
    /// Anak usia dini up to this age, inclusive (0-6 in the reference).
    pub early_childhood_to_age: u32,
}

impl Default for PkhRules {
    fn default() -> Self {
        Self {
            elderly_from_age: 60,
            early_childhood_to_age: 6,
        }
    }
}

/// One PKH component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PkhComponent {
    /// 410 = 1.
    Pregnant,
    /// Age 0 to [`PkhRules::early_childhood_to_age`].
    EarlyChildhood,
    /// Attending (412 = 2) SD, MI, SDLB, Paket A or the pesantren's primary level.
    PrimarySchool,
    /// Attending SMP, MTs, SMP LB, Paket B or the pesantren's lower-secondary level.
    LowerSecondarySchool,
    /// Attending SMA, MA, SMK, MAK, SMLB, Paket C or the pesantren's upper-secondary level.
    UpperSecondarySchool,
    /// A Washington Group answer (428a-i) of 1 "cannot at all" or 2 "a lot of difficulty":
    /// the group's own disability cut-off, used here for "disabilitas berat".
    SevereDisability,
    /// Age [`PkhRules::elderly_from_age`] or more.
    Elderly,
}

impl PkhComponent {
    pub const ALL: [PkhComponent; 7] = [
        PkhComponent::Pregnant,
        PkhComponent::EarlyChildhood,
        PkhComponent::PrimarySchool,
        PkhComponent::LowerSecondarySchool,
        PkhComponent::UpperSecondarySchool,
        PkhComponent::SevereDisability,
        PkhComponent::Elderly,
    ];
}

impl Localized for PkhComponent {
    fn text(&self) -> Text {
        match self {
            PkhComponent::Pregnant => Text::new("Ibu hamil", "Pregnant woman"),
            PkhComponent::EarlyChildhood => Text::new("Anak usia dini", "Young child"),
            PkhComponent::PrimarySchool => Text::new("Anak SD", "Primary-school child"),
            PkhComponent::LowerSecondarySchool => Text::new("Anak SMP", "Lower-secondary child"),
            PkhComponent::UpperSecondarySchool => Text::new("Anak SMA", "Upper-secondary child"),
            PkhComponent::SevereDisability => Text::new("Disabilitas berat", "Severe disability"),
            PkhComponent::Elderly => Text::new("Lanjut usia", "Elderly"),
        }
    }
}

/// A component and the member who brings it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ComponentMember {
    pub component: PkhComponent,
    pub member: MemberId,
}

/// Whether the member is still part of the family (404 = 1 or 5, or not yet asked).
fn present(m: &FamilyMember) -> bool {
    matches!(
        m.presence,
        None | Some(Presence::Living | Presence::NewMember)
    )
}

fn school_component(level: EducationLevel) -> Option<PkhComponent> {
    use EducationLevel::*;
    match level {
        PaketA | SpecialNeedsPrimary | PrimarySchool | IslamicPrimary | PesantrenUla => {
            Some(PkhComponent::PrimarySchool)
        }
        PaketB | SpecialNeedsLower | LowerSecondary | IslamicLowerSecondary | PesantrenWustha => {
            Some(PkhComponent::LowerSecondarySchool)
        }
        PaketC
        | SpecialNeedsUpper
        | GeneralUpperSecondary
        | IslamicUpperSecondary
        | VocationalUpperSecondary
        | IslamicVocationalUpper
        | PesantrenUlya => Some(PkhComponent::UpperSecondarySchool),
        D1D3 | D4S1 | Profession | Master | Doctorate => None,
    }
}

/// The components one member brings, on `on`.
pub fn member_components(m: &FamilyMember, rules: &PkhRules, on: NaiveDate) -> Vec<PkhComponent> {
    let mut out = Vec::new();
    if !present(m) {
        return out;
    }
    let age = m.age_on(on);
    if m.pregnant == Some(YesNo::Yes) {
        out.push(PkhComponent::Pregnant);
    }
    if age.is_some_and(|a| a <= rules.early_childhood_to_age) {
        out.push(PkhComponent::EarlyChildhood);
    }
    if m.school_participation == Some(SchoolParticipation::Attending) {
        if let Some(c) = m.education_level.and_then(school_component) {
            out.push(c);
        }
    }
    if m.difficulties
        .entries()
        .iter()
        .any(|(_, _, _, a)| matches!(a, Some(Difficulty::Cannot | Difficulty::ALot)))
    {
        out.push(PkhComponent::SevereDisability);
    }
    if age.is_some_and(|a| a >= rules.elderly_from_age) {
        out.push(PkhComponent::Elderly);
    }
    out
}

/// Every component of a family, member by member in form order.
pub fn family_components(
    family: &FamilyRecord,
    rules: &PkhRules,
    on: NaiveDate,
) -> Vec<ComponentMember> {
    family
        .members
        .iter()
        .flat_map(|m| {
            member_components(m, rules, on)
                .into_iter()
                .map(|component| ComponentMember {
                    component,
                    member: m.id,
                })
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::dtsen::family::FamilyProcess;

    fn on() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
    }

    fn aged(name: &str, years: i32) -> FamilyMember {
        let mut m = FamilyMember::new(name);
        m.birth_date = NaiveDate::from_ymd_opt(2026 - years, 6, 1);
        m
    }

    #[test]
    fn each_component_is_seen_from_the_answers_that_make_it() {
        let rules = PkhRules::default();
        let mut mother = aged("Ibu", 30);
        mother.pregnant = Some(YesNo::Yes);
        assert_eq!(
            member_components(&mother, &rules, on()),
            [PkhComponent::Pregnant]
        );
        assert_eq!(
            member_components(&aged("Bayi", 6), &rules, on()),
            [PkhComponent::EarlyChildhood]
        );
        assert!(member_components(&aged("Anak", 7), &rules, on()).is_empty());
        for (level, want) in [
            (EducationLevel::IslamicPrimary, PkhComponent::PrimarySchool),
            (EducationLevel::PaketB, PkhComponent::LowerSecondarySchool),
            (
                EducationLevel::VocationalUpperSecondary,
                PkhComponent::UpperSecondarySchool,
            ),
        ] {
            let mut child = aged("Anak", 12);
            child.school_participation = Some(SchoolParticipation::Attending);
            child.education_level = Some(level);
            assert_eq!(member_components(&child, &rules, on()), [want]);
            // A child who left school brings no school component.
            child.school_participation = Some(SchoolParticipation::NoLonger);
            assert!(member_components(&child, &rules, on()).is_empty());
        }
        let mut student = aged("Mahasiswa", 20);
        student.school_participation = Some(SchoolParticipation::Attending);
        student.education_level = Some(EducationLevel::D4S1);
        assert!(member_components(&student, &rules, on()).is_empty());
        let mut blind = aged("Kakek", 59);
        blind.difficulties.seeing = Some(Difficulty::ALot);
        assert_eq!(
            member_components(&blind, &rules, on()),
            [PkhComponent::SevereDisability]
        );
        blind.difficulties.seeing = Some(Difficulty::Some);
        assert!(member_components(&blind, &rules, on()).is_empty());
    }

    #[test]
    fn the_elderly_age_is_the_dinsos_choice() {
        let grandma = aged("Nenek", 65);
        assert_eq!(
            member_components(&grandma, &PkhRules::default(), on()),
            [PkhComponent::Elderly]
        );
        let seventy = PkhRules {
            elderly_from_age: 70,
            ..PkhRules::default()
        };
        assert!(member_components(&grandma, &seventy, on()).is_empty());
        let rules: PkhRules = serde_json::from_str(r#"{"elderly_from_age":70}"#).unwrap();
        assert_eq!(rules, seventy);
    }

    #[test]
    fn members_who_died_or_moved_bring_nothing() {
        let process = FamilyProcess::GroundCheck {
            assignment_id: "GC-1".into(),
            programme: None,
            desil: None,
        };
        let mut family = FamilyRecord::new(process, "3201010001");
        let mut gone = aged("Nenek", 80);
        gone.presence = Some(Presence::Deceased);
        let mut here = aged("Bayi", 1);
        here.presence = Some(Presence::NewMember);
        family.members = vec![gone, here.clone()];
        assert_eq!(
            family_components(&family, &PkhRules::default(), on()),
            [ComponentMember {
                component: PkhComponent::EarlyChildhood,
                member: here.id
            }]
        );
    }
}
