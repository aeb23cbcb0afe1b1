//! The DTSEN results export: rows aligned with their headers, code and label columns, the
//! questionnaire column first.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pendata_shared::dtsen::export::{family_header, family_row, member_header, member_rows};
use pendata_shared::dtsen::FamilyRecord;

const EXAMPLE: &str = include_str!("../../../assets/examples/family-dtsen.json");

fn cell<'a>(header: &[String], row: &'a [String], column: &str) -> &'a str {
    let i = header.iter().position(|h| h == column).unwrap();
    &row[i]
}

#[test]
fn one_row_per_family_with_codes_and_labels() {
    let f: FamilyRecord = serde_json::from_str(EXAMPLE).unwrap();
    let header = family_header();
    let row = family_row(&f);
    assert_eq!(header.len(), row.len());
    assert_eq!(header[0], "questionnaire");
    assert_eq!(row[0], "regsosek2022k");
    assert_eq!(cell(&header, &row, "roof"), "2");
    assert_eq!(cell(&header, &row, "roof_label"), "Genteng");
    assert_eq!(cell(&header, &row, "kk_code_label"), "Keluarga pecahan");
    assert_eq!(cell(&header, &row, "ground_check_outcome"), "found");
    assert_eq!(cell(&header, &row, "visits_nobody_home"), "1");
    assert_eq!(cell(&header, &row, "meter_2"), "2");
    assert_eq!(cell(&header, &row, "meter_3"), "");
    assert_eq!(cell(&header, &row, "building_no"), "12");
    assert_eq!(cell(&header, &row, "head_name"), "Dedi Kurniawan");
    let mut unique = header.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), header.len(), "column names are unique");
}

#[test]
fn one_row_per_member_with_bitmask_and_list_labels() {
    let f: FamilyRecord = serde_json::from_str(EXAMPLE).unwrap();
    let header = member_header();
    let rows = member_rows(&f);
    assert_eq!(rows.len(), 5);
    for r in &rows {
        assert_eq!(r.len(), header.len());
        assert_eq!(r[0], "regsosek2022k");
    }
    let enah = &rows[4];
    assert_eq!(cell(&header, enah, "chronic_illnesses"), "2;3");
    assert_eq!(
        cell(&header, enah, "chronic_illnesses_label"),
        "Hipertensi (darah tinggi); Rematik"
    );
    assert_eq!(cell(&header, enah, "identity_docs"), "5");
    assert_eq!(
        cell(&header, enah, "identity_docs_label"),
        "Akta kelahiran; KTP"
    );
    assert_eq!(
        cell(&header, enah, "walking_label"),
        "Ya, banyak kesulitan dan membutuhkan bantuan"
    );
    assert_eq!(
        cell(&header, &rows[3], "pip"),
        "",
        "not asked of a 4-year-old"
    );
}
