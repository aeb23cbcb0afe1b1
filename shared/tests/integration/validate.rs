//! Offline validation: the realistic example is clean, and every rule fires both ways.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use pendata_shared::codes::*;
use pendata_shared::model::{Household, Member, MusdesRef, RecordKind};
use pendata_shared::photos::{missing_photo_kinds, PhotoKind};
use pendata_shared::validate::{
    is_finalizable, validate_batch, validate_household, Context, Severity,
};

const EXAMPLE: &str = include_str!("../../../assets/examples/household.json");

fn example() -> Household {
    serde_json::from_str(EXAMPLE).unwrap()
}

fn ctx() -> Context<'static> {
    Context::embedded(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap())
}

/// (path, code, severity) of every finding after `edit` is applied to the example.
fn findings_after(edit: impl FnOnce(&mut Household)) -> Vec<(String, String, Severity)> {
    let mut h = example();
    edit(&mut h);
    validate_household(&h, &ctx())
        .into_iter()
        .map(|f| (f.path, f.code, f.severity))
        .collect()
}

#[track_caller]
fn check(edit: impl FnOnce(&mut Household), path: &str, code: &str, severity: Severity) {
    let got = findings_after(edit);
    assert!(
        got.iter()
            .any(|(p, c, s)| p == path && c == code && *s == severity),
        "expected {severity:?} {code} at {path}, got {got:?}"
    );
}

#[track_caller]
fn clean(edit: impl FnOnce(&mut Household)) {
    let got = findings_after(edit);
    assert!(got.is_empty(), "expected no findings, got {got:?}");
}

use Severity::{Error, Warning};

#[test]
fn the_example_is_complete_and_clean() {
    let h = example();
    assert_eq!(h.members.len(), 5);
    assert_eq!(missing_photo_kinds(&h), []);
    let f = validate_household(&h, &ctx());
    assert!(f.is_empty(), "{f:#?}");
    assert!(is_finalizable(&f));
    // The example has what the docs promise.
    let today = ctx().today;
    assert!(h.members.iter().any(|m| m.pregnant == Some(YesNo::Yes)));
    assert!(h
        .members
        .iter()
        .any(|m| m.school_participation == Some(SchoolParticipation::Attending)));
    assert!(h.members.iter().any(|m| m.age_on(today).unwrap() > 60));
    for kind in PhotoKind::VERIVALI_NINE {
        assert!(h.photos.iter().any(|p| p.kind == kind), "{kind}");
    }
}

#[test]
fn nik_rules() {
    check(
        |h| h.members[1].nik = Some("320102620790000".into()),
        "members[1].nik",
        "nik.length",
        Error,
    );
    check(
        |h| h.members[1].nik = Some("32010262079O0002".into()),
        "members[1].nik",
        "nik.not_digits",
        Error,
    );
    check(
        |h| h.members[1].nik = Some("3201026207900000".into()),
        "members[1].nik",
        "nik.zero_serial",
        Error,
    );
    check(
        |h| h.members[2].nik = Some("3201020512260001".into()),
        "members[2].nik",
        "nik.future_date",
        Error,
    );
    // Unknown kecamatan prefix: a warning only (old and split codes exist).
    check(
        |h| h.members[0].nik = Some("9999991403780003".into()),
        "members[0].nik",
        "nik.unknown_prefix",
        Warning,
    );
    // Sex and birth date decoded from the NIK disagree with the entries: warnings.
    check(
        |h| h.members[1].sex = Some(Sex::Male),
        "members[1].nik",
        "nik.sex_mismatch",
        Warning,
    );
    check(
        |h| h.members[0].birth_date = NaiveDate::from_ymd_opt(1978, 3, 15),
        "members[0].nik",
        "nik.birth_date_mismatch",
        Warning,
    );
    // Duplicate within the household.
    check(
        |h| h.members[3].nik = h.members[2].nik.clone(),
        "members[3].nik",
        "nik.duplicate_in_household",
        Error,
    );
    check(
        |h| h.members[4].nik = None,
        "members[4].nik",
        "field.required",
        Error,
    );
}

#[test]
fn kk_rules() {
    check(
        |h| h.families[0].kk_number = "3201021501160000".into(),
        "families[0].kk_number",
        "kk.zero_serial",
        Error,
    );
    check(
        |h| h.families[0].kk_number = "3201025501160007".into(),
        "families[0].kk_number",
        "kk.bad_day",
        Error,
    );
    check(
        |h| h.families[0].kk_number = "9999991501160007".into(),
        "families[0].kk_number",
        "kk.unknown_prefix",
        Warning,
    );
    check(|h| h.families.clear(), "families", "field.required", Error);
    check(
        |h| h.members[0].family_no = Some(2),
        "members[0].family_no",
        "member.unknown_family",
        Error,
    );
}

#[test]
fn pregnancy_only_for_ever_married_women_10_to_49() {
    // Applies: the example's wife is pregnant, and leaving it empty is an error.
    check(
        |h| h.members[1].pregnant = None,
        "members[1].pregnant",
        "field.required",
        Error,
    );
    // A man.
    check(
        |h| h.members[0].pregnant = Some(YesNo::No),
        "members[0].pregnant",
        "skip.not_applicable",
        Error,
    );
    // A girl of 4.
    check(
        |h| h.members[3].pregnant = Some(YesNo::No),
        "members[3].pregnant",
        "skip.not_applicable",
        Error,
    );
    // A never-married woman of 36.
    check(
        |h| {
            h.members[1].marital_status = Some(MaritalStatus::Single);
            h.members[1].relation_to_head = Some(Relation::Other);
        },
        "members[1].pregnant",
        "skip.not_applicable",
        Error,
    );
    // A widow of 50 (born 1976).
    check(
        |h| {
            let m = &mut h.members[1];
            m.birth_date = NaiveDate::from_ymd_opt(1976, 7, 22);
            m.age = Some(50);
            m.nik = Some("3201026207760002".into());
        },
        "members[1].pregnant",
        "skip.not_applicable",
        Error,
    );
    // Boundaries: 10 and 49 apply.
    for (birth, age, nik) in [
        (NaiveDate::from_ymd_opt(1977, 1, 1), 49, "3201024101770002"),
        (NaiveDate::from_ymd_opt(2016, 1, 1), 10, "3201024101160002"),
    ] {
        clean(|h| {
            let m = &mut h.members[1];
            m.birth_date = birth;
            m.age = Some(age);
            m.nik = Some(nik.into());
            if age < 17 {
                m.identity_cards = Some(IdentityCards::BIRTH_CERTIFICATE);
            }
        });
    }
}

#[test]
fn housing_skip_rules() {
    // Wall condition: only walls 1-3. The example's wall is 4 (anyaman bambu), without condition.
    check(
        |h| h.housing.wall_condition = Some(Condition::Poor),
        "housing.wall_condition",
        "skip.not_applicable",
        Error,
    );
    check(
        |h| h.housing.wall = Some(WallMaterial::Masonry),
        "housing.wall_condition",
        "field.required",
        Error,
    );
    clean(|h| {
        h.housing.wall = Some(WallMaterial::Wood);
        h.housing.wall_condition = Some(Condition::Good);
    });
    // Roof condition: only roofs 1-7. The example's roof is 6 (seng) with condition.
    check(
        |h| h.housing.roof_condition = None,
        "housing.roof_condition",
        "field.required",
        Error,
    );
    check(
        |h| h.housing.roof = Some(RoofMaterial::Bamboo),
        "housing.roof_condition",
        "skip.not_applicable",
        Error,
    );
    clean(|h| {
        h.housing.roof = Some(RoofMaterial::Thatch);
        h.housing.roof_condition = None;
    });
    // Daya and PLN id: only with PLN lighting.
    check(
        |h| h.housing.lighting = Some(LightingSource::NonPln),
        "housing.electricity_power",
        "skip.not_applicable",
        Error,
    );
    check(
        |h| h.housing.lighting = Some(LightingSource::NotElectric),
        "housing.pln_customer_id",
        "skip.not_applicable",
        Error,
    );
    check(
        |h| h.housing.electricity_power = None,
        "housing.electricity_power",
        "field.required",
        Error,
    );
    clean(|h| {
        h.housing.lighting = Some(LightingSource::NonPln);
        h.housing.electricity_power = None;
        h.housing.pln_customer_id = None;
    });
    // Water provider: only for metered piped water.
    check(
        |h| h.housing.drinking_water = Some(WaterSource::Refill),
        "housing.water_provider",
        "skip.not_applicable",
        Error,
    );
    // Gas provider: only for city gas.
    check(
        |h| h.housing.gas_provider = Some(GasProvider::Pgn),
        "housing.gas_provider",
        "skip.not_applicable",
        Error,
    );
    check(
        |h| h.housing.cooking_fuel = Some(CookingFuel::CityGasBiogas),
        "housing.gas_provider",
        "field.required",
        Error,
    );
    // Floor area.
    check(
        |h| h.housing.floor_area_m2 = Some(0.0),
        "housing.floor_area_m2",
        "housing.floor_area_not_positive",
        Error,
    );
    check(
        |h| h.housing.floor_area_m2 = Some(-3.0),
        "housing.floor_area_m2",
        "housing.floor_area_not_positive",
        Error,
    );
    check(
        |h| h.housing.floor_area_m2 = Some(f64::NAN),
        "housing.floor_area_m2",
        "housing.floor_area_not_positive",
        Error,
    );
    check(
        |h| h.housing.floor_area_m2 = Some(900.0),
        "housing.floor_area_m2",
        "housing.floor_area_large",
        Warning,
    );
    check(
        |h| h.housing.floor = None,
        "housing.floor",
        "field.required",
        Error,
    );
}

#[test]
fn member_skip_and_range_rules() {
    // Hours worked 0-98.
    check(
        |h| h.members[0].hours_worked = Some(99),
        "members[0].hours_worked",
        "member.hours_out_of_range",
        Error,
    );
    clean(|h| h.members[0].hours_worked = Some(98));
    clean(|h| h.members[0].hours_worked = Some(0));
    // Work questions only when worked.
    check(
        |h| h.members[1].hours_worked = Some(10),
        "members[1].hours_worked",
        "skip.not_applicable",
        Error,
    );
    check(
        |h| h.members[0].sector = None,
        "members[0].sector",
        "field.required",
        Error,
    );
    // School level only when attending or having attended.
    check(
        |h| h.members[3].school_level = Some(SchoolLevel::Sd),
        "members[3].school_level",
        "skip.not_applicable",
        Error,
    );
    check(
        |h| h.members[2].highest_grade = None,
        "members[2].highest_grade",
        "field.required",
        Error,
    );
    check(
        |h| h.members[2].school_participation = Some(SchoolParticipation::Never),
        "members[2].school_level",
        "skip.not_applicable",
        Error,
    );
    // Exactly one head.
    check(
        |h| h.members[0].relation_to_head = Some(Relation::Other),
        "members",
        "household.head_count",
        Error,
    );
    check(
        |h| h.members[4].relation_to_head = Some(Relation::Head),
        "members",
        "household.head_count",
        Error,
    );
    // A deceased second head does not count.
    clean(|h| {
        h.members[4].relation_to_head = Some(Relation::Head);
        h.members[4].presence = Some(Presence::Deceased);
    });
    // Age consistent with birth date (±1 year).
    check(
        |h| h.members[4].age = Some(60),
        "members[4].age",
        "member.age_mismatch",
        Error,
    );
    clean(|h| h.members[4].age = Some(70));
    check(
        |h| h.members[3].birth_date = NaiveDate::from_ymd_opt(2027, 1, 10),
        "members[3].birth_date",
        "member.birth_in_future",
        Error,
    );
    // Eligibility warning.
    check(
        |h| h.members[0].employment_status = Some(EmploymentStatus::CivilServant),
        "members[0].employment_status",
        "eligibility.civil_servant",
        Warning,
    );
    check(
        |h| h.members[1].name = "  ".into(),
        "members[1].name",
        "field.required",
        Error,
    );
}

#[test]
fn status_rules() {
    check(
        |h| h.verivali.result = None,
        "verivali.result",
        "field.required",
        Error,
    );
    check(
        |h| h.verivali.result = Some(VerivaliResult::Duplicate),
        "verivali.duplicate_of",
        "field.required",
        Error,
    );
    check(
        |h| h.verivali.duplicate_of = Some("3201022001-00999".into()),
        "verivali.duplicate_of",
        "skip.not_applicable",
        Error,
    );
    check(
        |h| h.verivali.household_status = Some(HouseholdStatus::NotFound),
        "verivali.not_found_reason",
        "field.required",
        Error,
    );
    check(
        |h| h.verivali.not_found_reason = Some(NotFoundReason::Moved),
        "verivali.not_found_reason",
        "skip.not_applicable",
        Error,
    );
    check(
        |h| h.location.desa_code = "3201029999".into(),
        "location.desa_code",
        "wilayah.unknown_desa",
        Error,
    );
    check(|h| h.geotag = None, "geotag", "geotag.missing", Warning);
    check(
        |h| h.geotag.as_mut().unwrap().latitude = 48.85,
        "geotag",
        "geotag.outside_indonesia",
        Warning,
    );
    check(
        |h| h.geotag.as_mut().unwrap().latitude = 148.85,
        "geotag",
        "geotag.out_of_range",
        Error,
    );
    check(
        |h| h.geotag.as_mut().unwrap().accuracy_m = Some(120.0),
        "geotag.accuracy_m",
        "geotag.low_accuracy",
        Warning,
    );
}

#[test]
fn a_not_found_household_needs_no_interview() {
    let mut h = example();
    h.verivali.household_status = Some(HouseholdStatus::NotFound);
    h.verivali.not_found_reason = Some(NotFoundReason::Moved);
    h.verivali.result = Some(VerivaliResult::Moved);
    h.photos.clear();
    h.housing = Default::default();
    h.geotag = None;
    let f = validate_household(&h, &ctx());
    assert!(is_finalizable(&f), "{f:#?}");
}

#[test]
fn photo_checklist() {
    // Verivali with hasil 1 needs all nine kinds.
    for kind in PhotoKind::VERIVALI_NINE {
        let got = findings_after(|h| h.photos.retain(|p| p.kind != kind));
        let msgs: Vec<_> = got
            .iter()
            .filter(|(_, c, _)| c == "photo.missing")
            .collect();
        assert_eq!(msgs.len(), 1, "{kind}: {got:?}");
    }
    // An usulan baru needs F-KK, F-KTP and F-RUMAH only.
    let mut h = example();
    h.kind = RecordKind::UsulanBaru {
        musdes: MusdesRef::default(),
    };
    h.verivali.household_status = Some(HouseholdStatus::NewProposal);
    for m in &mut h.members {
        m.presence = None;
    }
    h.photos
        .retain(|p| PhotoKind::USULAN_MINIMUM.contains(&p.kind));
    assert!(validate_household(&h, &ctx()).is_empty());
    h.photos.retain(|p| p.kind != PhotoKind::Ktp);
    assert_eq!(missing_photo_kinds(&h), [PhotoKind::Ktp]);
    assert!(!is_finalizable(&validate_household(&h, &ctx())));
}

#[test]
fn every_finding_has_both_languages_and_a_stable_code() {
    let mut h = example();
    h.members.push(Member::new(""));
    h.members[0].nik = Some("12".into());
    h.housing.wall_condition = Some(Condition::Good);
    h.photos.clear();
    let f = validate_household(&h, &ctx());
    assert!(f.len() > 10);
    for x in f {
        assert!(!x.message.is_empty() && !x.message_en.is_empty(), "{x:?}");
        assert!(
            x.code.contains('.')
                && x.code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_'),
            "{x:?}"
        );
    }
}

#[test]
fn batch_finds_duplicate_niks_across_households() {
    let a = example();
    let mut b = example();
    b.id = pendata_shared::HouseholdId::new();
    // b shares one NIK with a (member 2), every other NIK changed.
    for (i, m) in b.members.iter_mut().enumerate() {
        if i != 2 {
            let nik = m.nik.clone().unwrap();
            m.nik = Some(format!("{}{:04}", &nik[..12], 7000 + i));
        }
    }
    let out = validate_batch(&[a.clone(), b.clone()], &ctx());
    assert!(out[0].is_empty(), "{:?}", out[0]);
    let dup: Vec<_> = out[1]
        .iter()
        .filter(|f| f.code == "nik.duplicate_in_batch")
        .collect();
    assert_eq!(dup.len(), 1);
    assert_eq!(dup[0].path, "members[2].nik");
    // The same household twice.
    let out = validate_batch(&[a.clone(), a], &ctx());
    assert!(out[1].iter().any(|f| f.code == "household.duplicate_id"));
}
