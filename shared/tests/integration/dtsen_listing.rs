//! The ground-check list CSV: the sample parses whole, families group by assignment_id, a bad
//! row leaves out its family alone, and a listed family becomes a record the form can start.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use pendata_shared::dtsen::codes as dc;
use pendata_shared::dtsen::family::{FamilyProcess, ListProgramme};
use pendata_shared::dtsen::listing::{parse_ground_check_csv, GROUND_CHECK_COLUMNS};
use pendata_shared::dtsen::{validate_family, DtsenRules};
use pendata_shared::validate::Context;

const SAMPLE: &[u8] = include_bytes!("../../../assets/examples/ground-check.csv");

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

#[test]
fn the_sample_list_parses_whole() {
    let parsed = parse_ground_check_csv(SAMPLE, today()).unwrap();
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(parsed.families.len(), 4);
    let programmes: Vec<ListProgramme> = parsed.families.iter().map(|f| f.programme).collect();
    assert_eq!(
        programmes,
        [
            ListProgramme::Pkh,
            ListProgramme::Pkh,
            ListProgramme::Sembako,
            ListProgramme::PbiJk
        ]
    );
    let first = &parsed.families[0];
    assert_eq!(first.members.len(), 4);
    assert_eq!(first.desil, Some(dc::WelfareDecile::Decile2));
    // Two families of one building: same building number, their own KK.
    assert_eq!(parsed.families[1].building_no, first.building_no);
    assert_ne!(parsed.families[1].kk_number, first.kk_number);
    assert_eq!(
        parsed.families[3].assigned_to, None,
        "open to anyone of the desa"
    );
}

#[test]
fn a_listed_family_starts_a_ground_check_record() {
    let parsed = parse_ground_check_csv(SAMPLE, today()).unwrap();
    let rec = parsed.families[0].to_record();
    assert!(matches!(
        &rec.process,
        FamilyProcess::GroundCheck { assignment_id, programme: Some(ListProgramme::Pkh), .. }
            if assignment_id == "GC-PKH-3201022001-0042"
    ));
    assert_eq!(rec.members.len(), 4);
    assert_eq!(rec.head_name(), "Dedi Kurniawan");
    // Not yet visited: the only error is the missing outcome.
    let codes: Vec<String> =
        validate_family(&rec, &Context::embedded(today()), &DtsenRules::default())
            .into_iter()
            .filter(|f| f.severity == pendata_shared::Severity::Error)
            .map(|f| format!("{} {}", f.path, f.code))
            .collect();
    assert_eq!(codes, ["ground_check.outcome field.required"]);
}

#[test]
fn a_bad_row_leaves_out_its_family_only_and_never_quotes_a_nik() {
    let text = String::from_utf8(SAMPLE.to_vec()).unwrap();
    let bad = text.replace("3201020302150001", "3201020302159991X");
    let parsed = parse_ground_check_csv(bad.as_bytes(), today()).unwrap();
    assert_eq!(parsed.families.len(), 3);
    assert_eq!(parsed.skipped_families, 1);
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].line, 4);
    assert!(
        parsed.errors[0].reason.starts_with("nik:"),
        "{}",
        parsed.errors[0].reason
    );
    assert!(!parsed.errors[0].reason.contains("3201020302159991"));

    let other_programme = text.replacen(",pkh,2,", ",sembako,2,", 1);
    let parsed = parse_ground_check_csv(other_programme.as_bytes(), today()).unwrap();
    assert!(
        parsed.errors[0].reason.contains("baris 2"),
        "{:?}",
        parsed.errors
    );
    assert_eq!(parsed.families.len(), 3);

    for (from, to, starts) in [
        (",pkh,2,", ",bansos,2,", "programme:"),
        (",pkh,2,", ",pkh,11,", "desil:"),
        (
            ",12,3201021503240011,Dedi",
            ",1000,3201021503240011,Dedi",
            "building_no:",
        ),
        (",12,3201021503240011,Dedi", ",12,,Dedi", "kk_number:"),
    ] {
        let parsed =
            parse_ground_check_csv(text.replacen(from, to, 1).as_bytes(), today()).unwrap();
        assert!(
            parsed.errors[0].reason.starts_with(starts),
            "{:?}",
            parsed.errors
        );
    }
}

#[test]
fn a_wrong_header_or_garbage_is_refused_without_panic() {
    assert!(parse_ground_check_csv(b"", today()).is_err());
    assert!(parse_ground_check_csv(b"prelist_id,desa_code\n1,2\n", today()).is_err());
    let header = GROUND_CHECK_COLUMNS.join(",");
    for tail in [&b"\n\""[..], b"\nG1,\xff", b"\n,,,,,,,,,,,,,,", b"\nG1,pkh"] {
        let mut input = header.clone().into_bytes();
        input.extend_from_slice(tail);
        let parsed = parse_ground_check_csv(&input, today()).unwrap();
        assert!(parsed.families.is_empty());
    }
}
