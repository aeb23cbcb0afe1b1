//! DTSEN family validation: the realistic example is clean, and every skip rule of
//! DTSEN-REFERENCE.md §2.4 fires both ways (required when it applies, refused when it does not).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{NaiveDate, TimeZone, Utc};
use pendata_shared::dtsen::codes::{self as dc, YesNo};
use pendata_shared::dtsen::family::FamilyProcess;
use pendata_shared::dtsen::validate::missing_photos;
use pendata_shared::dtsen::{
    validate_family, validate_family_batch, DtsenRules, FamilyRecord, GroundCheckOutcome,
    RevisitPolicy, Visit, VisitResult,
};
use pendata_shared::model::MusdesRef;
use pendata_shared::validate::{is_finalizable, Context, Severity};
use pendata_shared::{Lang, Localized, PhotoKind, Questionnaire};

const EXAMPLE: &str = include_str!("../../../assets/examples/family-dtsen.json");

fn example() -> FamilyRecord {
    serde_json::from_str(EXAMPLE).unwrap()
}

fn ctx() -> Context<'static> {
    Context::embedded(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap())
}

fn findings_with(f: &FamilyRecord, rules: &DtsenRules) -> Vec<(String, String, Severity)> {
    validate_family(f, &ctx(), rules)
        .into_iter()
        .map(|f| (f.path, f.code, f.severity))
        .collect()
}

fn findings_after(edit: impl FnOnce(&mut FamilyRecord)) -> Vec<(String, String, Severity)> {
    let mut f = example();
    edit(&mut f);
    findings_with(&f, &DtsenRules::default())
}

#[track_caller]
fn check(edit: impl FnOnce(&mut FamilyRecord), path: &str, code: &str, severity: Severity) {
    let got = findings_after(edit);
    assert!(
        got.iter()
            .any(|(p, c, s)| p == path && c == code && *s == severity),
        "expected {severity:?} {code} at {path}, got {got:?}"
    );
}

#[track_caller]
fn clean(edit: impl FnOnce(&mut FamilyRecord)) {
    let got = findings_after(edit);
    assert!(got.is_empty(), "expected no findings, got {got:?}");
}

/// A skip rule both ways: `unset` in a full interview where it applies is required at `path`;
/// `set` where it does not apply is refused at the same field, of the member `set` edits.
#[track_caller]
fn both_ways(
    path: &str,
    unset_where_applies: impl FnOnce(&mut FamilyRecord),
    set_where_not: impl FnOnce(&mut FamilyRecord),
) {
    check(unset_where_applies, path, "field.required", Error);
    let got = findings_after(set_where_not);
    let field = path.rsplit_once("].").map_or(path, |(_, f)| f);
    assert!(
        got.iter().any(
            |(p, c, s)| (p == path || p.ends_with(&format!("].{field}")))
                && c == "skip.not_applicable"
                && *s == Error
        ),
        "expected skip.not_applicable at {path} (or the same field of another member), got {got:?}"
    );
}

use Severity::{Error, Warning};

#[test]
fn the_example_is_complete_realistic_and_clean() {
    let f = example();
    assert_eq!(f.questionnaire, Questionnaire::Regsosek2022k);
    assert_eq!(f.members.len(), 5);
    assert!(f.is_full_interview());
    assert_eq!(f.location.building_no, Some(12));
    assert_eq!(
        f.location.family_no,
        Some(2),
        "the second family of its building"
    );
    assert_eq!(f.kk_code, Some(dc::KkCode::SplitOff));
    assert_eq!(missing_photos(&f), []);
    let today = ctx().today;
    assert!(f.members.iter().any(|m| m.pregnant == Some(YesNo::Yes)));
    assert!(f
        .members
        .iter()
        .any(|m| m.age_on(today).unwrap() >= 60 && m.caregiver.is_some()));
    assert!(f
        .members
        .iter()
        .any(|m| m.age_on(today).unwrap() <= 4 && m.nutrition.is_some()));
    assert!(f.members.iter().any(|m| m.chronic_illnesses.len() > 1));
    assert!(f.members.iter().any(|m| m.business_applies()));
    assert_eq!(f.housing.meters.len(), 2);
    let findings = validate_family(&f, &ctx(), &DtsenRules::default());
    assert!(findings.is_empty(), "{findings:#?}");
    assert!(is_finalizable(&findings));
    // It survives a round trip unchanged.
    let again: FamilyRecord = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
    assert_eq!(again, f);
}

#[test]
fn findings_speak_both_languages() {
    let mut f = example();
    f.members[0].name.clear();
    let found = validate_family(&f, &ctx(), &DtsenRules::default());
    let first = &found[0];
    assert_eq!(first.text().get(Lang::Id), first.message);
    assert_eq!(first.in_lang(Lang::En), first.message_en);
    assert_ne!(first.message, first.message_en);
}

#[test]
fn the_questionnaire_must_match() {
    check(
        |f| f.questionnaire = Questionnaire::DtksBdt,
        "questionnaire",
        "questionnaire.mismatch",
        Error,
    );
    let unknown = serde_json::from_str::<FamilyRecord>(
        &EXAMPLE.replace("\"regsosek2022k\"", "\"regsosek2030\""),
    );
    assert!(
        unknown.is_err(),
        "an unknown version is refused, never read as another"
    );
}

#[test]
fn identity_and_place() {
    check(
        |f| f.kk_number = Some("320102150324001".into()),
        "kk_number",
        "kk.length",
        Error,
    );
    check(|f| f.kk_number = None, "kk_number", "field.required", Error);
    check(
        |f| f.members[1].nik = Some("3201026208930002".into()),
        "members[1].nik",
        "nik.birth_date_mismatch",
        Warning,
    );
    check(
        |f| f.members[0].nik = Some("3201026108930002".into()),
        "members[0].nik",
        "nik.sex_mismatch",
        Warning,
    );
    check(
        |f| f.location.building_no = Some(1000),
        "location.building_no",
        "field.out_of_range",
        Error,
    );
    check(
        |f| f.location.building_no = None,
        "location.building_no",
        "field.required",
        Error,
    );
    check(
        |f| f.location.family_no = Some(0),
        "location.family_no",
        "field.out_of_range",
        Error,
    );
    check(
        |f| f.location.sls_code = Some("00077".into()),
        "location.sls_code",
        "field.code_format",
        Error,
    );
    check(
        |f| f.location.desa_code = "3201029999".into(),
        "location.desa_code",
        "wilayah.unknown_desa",
        Error,
    );
    check(|f| f.kk_code = None, "kk_code", "field.required", Error);
    check(
        |f| f.enumeration.respondent_phone = Some("0812-345".into()),
        "enumeration.respondent_phone",
        "field.phone_format",
        Error,
    );
    check(
        |f| f.enumeration.date = NaiveDate::from_ymd_opt(2026, 12, 1),
        "enumeration.date",
        "field.date_in_future",
        Error,
    );
}

#[test]
fn result_205_two_to_five_needs_a_note() {
    for r in [
        dc::EnumerationResult::Partial,
        dc::EnumerationResult::Refused,
    ] {
        check(
            |f| f.enumeration.result = Some(r),
            "notes",
            "notes.required_for_result",
            Error,
        );
        clean(|f| {
            f.enumeration.result = Some(r);
            f.notes = Some("Responden menolak melanjutkan setelah Blok III".into());
        });
    }
    check(
        |f| f.enumeration.result = None,
        "enumeration.result",
        "field.required",
        Error,
    );
}

#[test]
fn housing_skip_rules_both_ways() {
    both_ways(
        "housing.land_title",
        |f| f.housing.tenure = Some(dc::Tenure::Owned),
        |f| f.housing.land_title = Some(dc::LandTitle::ShmFamily),
    );
    clean(|f| {
        f.housing.tenure = Some(dc::Tenure::Owned);
        f.housing.land_title = Some(dc::LandTitle::OtherProof);
    });
    both_ways(
        "housing.water_waste_distance",
        |f| f.housing.water_waste_distance = None,
        |f| f.housing.drinking_water = Some(dc::DrinkingWater::RefillWater),
    );
    clean(|f| {
        f.housing.drinking_water = Some(dc::DrinkingWater::PipedWater);
        f.housing.water_waste_distance = None;
    });
    both_ways(
        "housing.meters",
        |f| f.housing.meters.clear(),
        |f| f.housing.lighting = Some(dc::Lighting::PlnUnmetered),
    );
    clean(|f| {
        f.housing.lighting = Some(dc::Lighting::NonPln);
        f.housing.meters.clear();
    });
    check(
        |f| f.housing.meters = vec![dc::MeterPower::W450; 4],
        "housing.meters",
        "housing.too_many_meters",
        Error,
    );
    both_ways(
        "housing.toilet_type",
        |f| f.housing.toilet_type = None,
        |f| f.housing.toilet_use = Some(dc::ToiletUse::None),
    );
    check(
        |f| f.housing.floor_area_m2 = Some(0),
        "housing.floor_area_m2",
        "field.out_of_range",
        Error,
    );
    check(
        |f| f.housing.roof = None,
        "housing.roof",
        "field.required",
        Error,
    );
}

#[test]
fn member_presence_404_skips_the_rest() {
    // Died, moved (in Indonesia, abroad) or not found: 410 and 412-431 are not asked.
    for p in [
        dc::Presence::Deceased,
        dc::Presence::MovedInIndonesia,
        dc::Presence::MovedAbroad,
        dc::Presence::NotFound,
    ] {
        check(
            |f| f.members[2].presence = Some(p),
            "members[2].school_participation",
            "skip.not_applicable",
            Error,
        );
    }
    clean(|f| {
        let m = &mut f.members[2];
        let (id, name, nik) = (m.id, m.name.clone(), m.nik.clone());
        *m = pendata_shared::dtsen::FamilyMember::new(name);
        m.id = id;
        m.nik = nik;
        m.presence = Some(dc::Presence::MovedAbroad);
        m.relation = Some(dc::Relation::Child);
    });
    // A new member (5) is present and answers everything.
    clean(|f| f.members[2].presence = Some(dc::Presence::NewMember));
    check(
        |f| f.members[2].presence = None,
        "members[2].presence",
        "field.required",
        Error,
    );
}

#[test]
fn pregnancy_410_both_ways() {
    both_ways(
        "members[1].pregnant",
        |f| f.members[1].pregnant = None,
        |f| f.members[0].pregnant = Some(YesNo::No),
    );
    check(
        |f| f.members[4].pregnant = Some(YesNo::No),
        "members[4].pregnant",
        "skip.not_applicable",
        Error,
    );
    // 54 is still asked, 55 is not (birth date moved so age changes).
    check(
        |f| {
            f.members[1].birth_date = NaiveDate::from_ymd_opt(1971, 8, 21);
            f.members[1].age = Some(55);
            f.members[1].nik = None;
        },
        "members[1].pregnant",
        "skip.not_applicable",
        Error,
    );
}

#[test]
fn blocks_b_to_d_only_from_age_5() {
    for field in [
        "school_participation",
        "worked_last_week",
        "npwp",
        "has_business",
    ] {
        check(
            |f| match field {
                "school_participation" => {
                    f.members[3].school_participation = Some(dc::SchoolParticipation::Never)
                }
                "worked_last_week" => f.members[3].worked_last_week = Some(YesNo::No),
                "npwp" => f.members[3].npwp = Some(dc::Npwp::None),
                _ => f.members[3].has_business = Some(YesNo::No),
            },
            &format!("members[3].{field}"),
            "skip.not_applicable",
            Error,
        );
        check(
            |f| match field {
                "school_participation" => f.members[2].school_participation = None,
                "worked_last_week" => f.members[2].worked_last_week = None,
                "npwp" => f.members[2].npwp = None,
                _ => f.members[2].has_business = None,
            },
            &format!("members[2].{field}"),
            "field.required",
            Error,
        );
    }
}

#[test]
fn education_413_to_415_both_ways() {
    for field in ["education_level", "highest_grade", "diploma"] {
        check(
            |f| match field {
                "education_level" => f.members[2].education_level = None,
                "highest_grade" => f.members[2].highest_grade = None,
                _ => f.members[2].diploma = None,
            },
            &format!("members[2].{field}"),
            "field.required",
            Error,
        );
        check(
            |f| f.members[2].school_participation = Some(dc::SchoolParticipation::Never),
            &format!("members[2].{field}"),
            "skip.not_applicable",
            Error,
        );
    }
}

#[test]
fn work_416b_to_418_both_ways() {
    both_ways(
        "members[0].hours_worked",
        |f| f.members[0].hours_worked = None,
        |f| f.members[0].worked_last_week = Some(YesNo::No),
    );
    both_ways(
        "members[0].work_sector",
        |f| f.members[0].work_sector = None,
        |f| f.members[0].worked_last_week = Some(YesNo::No),
    );
    both_ways(
        "members[0].employment_status",
        |f| f.members[0].employment_status = None,
        |f| f.members[0].worked_last_week = Some(YesNo::No),
    );
    check(
        |f| f.members[0].hours_worked = Some(100),
        "members[0].hours_worked",
        "field.out_of_range",
        Error,
    );
}

#[test]
fn business_420b_to_426_both_ways() {
    for field in [
        "business_count",
        "business_sector",
        "paid_workers",
        "unpaid_workers",
        "business_permit",
        "business_turnover",
        "business_internet",
    ] {
        check(
            |f| f.members[1].has_business = Some(YesNo::No),
            &format!("members[1].{field}"),
            "skip.not_applicable",
            Error,
        );
    }
    both_ways(
        "members[1].business_turnover",
        |f| f.members[1].business_turnover = None,
        |f| f.members[0].business_turnover = Some(dc::Turnover::Under5m),
    );
    check(
        |f| f.members[1].paid_workers = Some(1000),
        "members[1].paid_workers",
        "field.out_of_range",
        Error,
    );
    check(
        |f| f.members[1].business_count = Some(0),
        "members[1].business_count",
        "field.out_of_range",
        Error,
    );
}

#[test]
fn health_427_to_429_both_ways() {
    both_ways(
        "members[3].nutrition",
        |f| f.members[3].nutrition = None,
        |f| f.members[2].nutrition = Some(dc::Nutrition::NoRecord),
    );
    // 428a-f from age 2, 428g-i and 428j from age 5.
    both_ways(
        "members[3].difficulties.seeing",
        |f| f.members[3].difficulties.seeing = None,
        |f| {
            f.members[3].birth_date = NaiveDate::from_ymd_opt(2025, 3, 1);
            f.members[3].age = Some(1);
            f.members[3].nik = None;
        },
    );
    both_ways(
        "members[2].difficulties.speaking",
        |f| f.members[2].difficulties.speaking = None,
        |f| f.members[3].difficulties.speaking = Some(dc::Difficulty::None),
    );
    both_ways(
        "members[2].depression",
        |f| f.members[2].depression = None,
        |f| f.members[3].depression = Some(dc::DepressionFrequency::Never),
    );
    // 429: age 60+ ...
    both_ways(
        "members[4].caregiver",
        |f| f.members[4].caregiver = None,
        |f| f.members[0].caregiver = Some(dc::Caregiver::FamilyMember),
    );
    // ... or a 428 answer of 1 or 2, at any age.
    clean(|f| {
        f.members[0].difficulties.seeing = Some(dc::Difficulty::Cannot);
        f.members[0].caregiver = Some(dc::Caregiver::FamilyMember);
    });
    check(
        |f| f.members[0].difficulties.hands = Some(dc::Difficulty::ALot),
        "members[0].caregiver",
        "field.required",
        Error,
    );
    clean(|f| {
        f.members[4].difficulties.walking = Some(dc::Difficulty::Some);
    });
}

#[test]
fn chronic_illness_430_is_a_list() {
    check(
        |f| f.members[0].chronic_illnesses = vec![],
        "members[0].chronic_illnesses",
        "field.required",
        Error,
    );
    check(
        |f| {
            f.members[0].chronic_illnesses =
                vec![dc::ChronicIllness::None, dc::ChronicIllness::Asthma]
        },
        "members[0].chronic_illnesses",
        "member.illness_none_with_other",
        Error,
    );
    check(
        |f| {
            f.members[4].chronic_illnesses =
                vec![dc::ChronicIllness::Stroke, dc::ChronicIllness::Stroke]
        },
        "members[4].chronic_illnesses",
        "member.illness_repeated",
        Error,
    );
}

#[test]
fn protection_431_both_ways() {
    both_ways(
        "members[2].pra_kerja",
        |f| f.members[2].pra_kerja = None,
        |f| f.members[3].pra_kerja = Some(dc::YesNoDontKnow::No),
    );
    both_ways(
        "members[2].pip",
        |f| f.members[2].pip = None,
        |f| f.members[0].pip = Some(dc::YesNoDontKnow::No),
    );
    both_ways(
        "members[0].employment_insurance",
        |f| f.members[0].employment_insurance = None,
        |f| f.members[2].employment_insurance = Some(dc::EmploymentInsurance::NONE),
    );
    check(
        |f| f.members[0].health_insurance = None,
        "members[0].health_insurance",
        "field.required",
        Error,
    );
    // The open choices are configuration: OpenSID asks PIP of everyone 5+.
    let mut f = example();
    for i in [0, 1, 4] {
        f.members[i].pip = Some(dc::YesNoDontKnow::No);
    }
    let rules = DtsenRules {
        pip_max_age: 120,
        ..DtsenRules::default()
    };
    assert!(findings_with(&f, &rules).is_empty());
}

#[test]
fn one_head_and_plausible_ages() {
    check(
        |f| f.members[1].relation = Some(dc::Relation::Head),
        "members",
        "family.head_count",
        Error,
    );
    check(
        |f| f.members[0].relation = Some(dc::Relation::Other),
        "members",
        "family.head_count",
        Error,
    );
    // A head who died does not count: someone else must head the family.
    check(
        |f| {
            let m = &mut f.members[0];
            *m = pendata_shared::dtsen::FamilyMember {
                presence: Some(dc::Presence::Deceased),
                ..pendata_shared::dtsen::FamilyMember::new("Dedi Kurniawan")
            };
            m.relation = Some(dc::Relation::Head);
        },
        "members",
        "family.head_count",
        Error,
    );
    check(
        |f| f.members[0].age = Some(30),
        "members[0].age",
        "member.age_mismatch",
        Error,
    );
    check(
        |f| f.members[0].birth_date = NaiveDate::from_ymd_opt(2027, 1, 1),
        "members[0].birth_date",
        "member.birth_in_future",
        Error,
    );
    check(
        |f| {
            f.members[4].relation = Some(dc::Relation::Child);
        },
        "members[4].age",
        "member.child_older_than_head",
        Warning,
    );
    check(
        |f| f.members[2].nik = f.members[0].nik.clone(),
        "members[2].nik",
        "nik.duplicate_in_family",
        Error,
    );
}

#[test]
fn programmes_501_month_and_year() {
    check(
        |f| f.programmes.blt_dana_desa.last_month = Some(3),
        "programmes.blt_dana_desa.last_month",
        "skip.not_applicable",
        Error,
    );
    check(
        |f| f.programmes.pkh.last_year = None,
        "programmes.pkh.last_year",
        "programme.last_received_missing",
        Warning,
    );
    check(
        |f| f.programmes.pkh.last_month = Some(13),
        "programmes.pkh.last_month",
        "field.out_of_range",
        Error,
    );
    check(
        |f| f.programmes.pkh.last_year = Some(2004),
        "programmes.pkh.last_year",
        "field.out_of_range",
        Error,
    );
    check(
        |f| f.programmes.pkh.last_month = Some(12),
        "programmes.pkh.last_month",
        "field.date_in_future",
        Error,
    );
    check(
        |f| f.programmes.pemda.participates = None,
        "programmes.pemda.participates",
        "field.required",
        Error,
    );
}

#[test]
fn assets_502_to_506() {
    check(
        |f| f.assets.motorcycles = Some(100),
        "assets.motorcycles",
        "field.out_of_range",
        Error,
    );
    clean(|f| f.assets.gold_grams = Some(250));
    check(
        |f| f.assets.goats_sheep = Some(1000),
        "assets.goats_sheep",
        "field.out_of_range",
        Error,
    );
    check(
        |f| f.assets.smartphones = None,
        "assets.smartphones",
        "field.required",
        Error,
    );
    check(
        |f| f.assets.land_area = Some(dc::LandArea::Under1000m2),
        "assets.land_area",
        "skip.not_applicable",
        Error,
    );
    clean(|f| {
        f.assets.other_land = Some(YesNo::Yes);
        f.assets.land_area = Some(dc::LandArea::Under1000m2);
    });
    check(|f| f.internet = None, "internet", "field.required", Error);
    check(
        |f| f.bank_account = None,
        "bank_account",
        "field.required",
        Error,
    );
}

#[test]
fn an_asn_family_is_a_warning_not_an_error() {
    let got = findings_after(|f| {
        f.members[0].employment_status = Some(dc::EmploymentStatus::CivilServant)
    });
    assert_eq!(
        got,
        [(
            "members[0].employment_status".to_string(),
            "eligibility.civil_servant".to_string(),
            Warning
        )]
    );
}

#[test]
fn the_photo_checklist_follows_the_process() {
    check(
        |f| f.photos.retain(|p| p.kind != PhotoKind::RumahDalam),
        "photos",
        "photo.missing",
        Error,
    );
    let mut f = example();
    f.photos.clear();
    assert_eq!(missing_photos(&f), PhotoKind::GROUND_CHECK);
    f.ground_check.outcome = Some(GroundCheckOutcome::Moved);
    assert_eq!(
        missing_photos(&f),
        [],
        "a family that moved has no house to photograph"
    );
    f.process = FamilyProcess::UsulanBaru {
        musdes: MusdesRef::default(),
    };
    assert_eq!(missing_photos(&f), PhotoKind::USULAN_MINIMUM);
}

fn at(day: u32, hour: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
}

#[test]
fn ground_check_outcomes_and_revisits() {
    // Nobody home: the family waits for a revisit and cannot be final.
    let revisit = |f: &mut FamilyRecord| {
        f.ground_check.outcome = None;
        f.ground_check.visits = vec![Visit {
            at: at(21, 2),
            result: VisitResult::NobodyHome,
            note: None,
        }];
    };
    check(
        revisit,
        "ground_check.outcome",
        "ground_check.revisit_pending",
        Error,
    );
    let mut f = example();
    revisit(&mut f);
    assert!(f.ground_check.awaits_revisit());
    let policy = RevisitPolicy::default();
    assert_eq!(
        policy.next_visit_on(&f.ground_check, f.zone()),
        NaiveDate::from_ymd_opt(2026, 11, 22)
    );
    // The visit's day is the family's own: 20:00 UTC on the 21st is 03:00 on the 22nd in its
    // desa (WIB), so the next visit is due from the 23rd, not the 22nd.
    let mut late = f.clone();
    late.ground_check.visits[0].at = at(21, 20);
    assert_eq!(
        policy.next_visit_on(&late.ground_check, late.zone()),
        NaiveDate::from_ymd_opt(2026, 11, 23)
    );
    // The message names the next date and the attempts.
    let msg = validate_family(&f, &ctx(), &DtsenRules::default())
        .into_iter()
        .find(|x| x.code == "ground_check.revisit_pending")
        .unwrap();
    assert!(
        msg.message.contains("22-11-2026") && msg.message.contains("1 dari 3"),
        "{}",
        msg.message
    );

    // Closing as not found before the attempts are used up is a warning; after, it is clean.
    let close = |visits: u32| {
        move |f: &mut FamilyRecord| {
            f.ground_check.visits = (0..visits)
                .map(|i| Visit {
                    at: at(18 + i, 2),
                    result: VisitResult::NobodyHome,
                    note: None,
                })
                .collect();
            f.ground_check.outcome = Some(GroundCheckOutcome::NotFound);
            f.enumeration.result = Some(dc::EnumerationResult::NoRespondent);
            f.notes = Some("Tiga kali tidak ada penghuni; tetangga tidak mengenal keluarga".into());
            f.photos.clear();
        }
    };
    check(
        close(1),
        "ground_check.outcome",
        "ground_check.closed_early",
        Warning,
    );
    clean(close(3));

    // The outcome and 205 must agree.
    check(
        |f| {
            f.ground_check.outcome = Some(GroundCheckOutcome::Moved);
            f.photos.clear();
        },
        "enumeration.result",
        "ground_check.result_mismatch",
        Warning,
    );
    check(
        |f| {
            f.ground_check.outcome = Some(GroundCheckOutcome::Died);
            f.enumeration.result = Some(dc::EnumerationResult::MovedOrGone);
            f.notes = Some("Keluarga sudah tidak ada".into());
            f.photos.clear();
        },
        "ground_check.outcome",
        "ground_check.died_with_living_members",
        Warning,
    );
    check(
        |f| f.ground_check.outcome = None,
        "ground_check.outcome",
        "field.required",
        Error,
    );
    check(
        |f| f.ground_check.visits[0].at = at(30, 2),
        "ground_check.visits[0].at",
        "ground_check.visit_in_future",
        Error,
    );
    // A new proposal has no ground check.
    check(
        |f| {
            f.process = FamilyProcess::UsulanBaru {
                musdes: MusdesRef::default(),
            }
        },
        "ground_check",
        "skip.not_applicable",
        Error,
    );
}

#[test]
fn a_moved_family_needs_only_the_outcome_the_result_and_the_note() {
    clean(|f| {
        f.ground_check.outcome = Some(GroundCheckOutcome::Moved);
        f.enumeration.result = Some(dc::EnumerationResult::MovedOrGone);
        f.notes = Some("Pindah ke Cileungsi sejak Agustus 2026".into());
        f.housing = Default::default();
        f.programmes = Default::default();
        f.assets = Default::default();
        f.internet = None;
        f.bank_account = None;
        f.photos.clear();
        for m in &mut f.members {
            let keep = pendata_shared::dtsen::FamilyMember {
                id: m.id,
                name: m.name.clone(),
                nik: m.nik.clone(),
                sex: m.sex,
                birth_date: m.birth_date,
                relation: m.relation,
                presence: Some(dc::Presence::MovedInIndonesia),
                ..pendata_shared::dtsen::FamilyMember::new("")
            };
            *m = keep;
        }
    });
}

#[test]
fn batches_find_duplicates_across_families_and_buildings() {
    let a = example();
    // The other family of the same building (family no. 1), whose member repeats a NIK.
    let mut b = example();
    b.id = pendata_shared::HouseholdId::new();
    b.location.family_no = Some(1);
    b.kk_number = Some("3201020704050009".into());
    b.kk_code = Some(dc::KkCode::Parent);
    for m in &mut b.members {
        m.id = pendata_shared::MemberId::new();
        m.nik = None;
    }
    b.members[0].nik = a.members[4].nik.clone();
    let ok = validate_family_batch(&[a.clone(), b.clone()], &ctx(), &DtsenRules::default());
    assert!(ok[0].is_empty(), "{:?}", ok[0]);
    let codes: Vec<&str> = ok[1].iter().map(|f| f.code.as_str()).collect();
    assert!(codes.contains(&"nik.duplicate_in_building"), "{codes:?}");
    // In another building it is a batch duplicate.
    let mut c = b.clone();
    c.location.building_no = Some(13);
    let far = validate_family_batch(&[a.clone(), c], &ctx(), &DtsenRules::default());
    assert!(far[1].iter().any(|f| f.code == "nik.duplicate_in_batch"));
    // Same building and family number twice; same KK twice; the same record twice.
    let mut d = b.clone();
    d.location.family_no = Some(2);
    d.kk_number = a.kk_number.clone();
    let dup = validate_family_batch(&[a.clone(), d, a.clone()], &ctx(), &DtsenRules::default());
    let codes: Vec<&str> = dup[1].iter().map(|f| f.code.as_str()).collect();
    assert!(
        codes.contains(&"family.duplicate_family_no") && codes.contains(&"kk.duplicate_in_batch"),
        "{codes:?}"
    );
    assert!(dup[2].iter().any(|f| f.code == "household.duplicate_id"));
}
