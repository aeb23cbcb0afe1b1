//! The embedded Kemendagri region list.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pendata_shared::wilayah::{desa_in_tsv, RegionKind, Wilayah, EMBEDDED_TSV};

#[test]
fn counts_match_kemendagri_2025() {
    let w = Wilayah::embedded();
    let count = |k| w.of_kind(k).count();
    assert_eq!(count(RegionKind::Province), 38);
    assert_eq!(count(RegionKind::Regency), 416);
    assert_eq!(count(RegionKind::City), 98);
    assert_eq!(count(RegionKind::District), 7285);
    assert_eq!(count(RegionKind::Village), 75252);
    assert_eq!(count(RegionKind::UrbanVillage), 8496);
    assert_eq!(count(RegionKind::CustomaryVillage), 14);
    assert_eq!(w.len(), 38 + 514 + 7285 + 83762);
}

#[test]
fn lookups_and_children() {
    let w = Wilayah::embedded();
    let desa = w.get("32.01.02.2001").unwrap();
    assert_eq!((desa.name, desa.kind), ("Wanaherang", RegionKind::Village));
    assert_eq!(w.get("3201022001"), Some(desa));
    assert_eq!(desa.dotted_code(), "32.01.02.2001");
    assert!(w.get("3201029999").is_none());
    assert!(w.get("").is_none());
    assert!(w.get("32010").is_none());

    let kec: Vec<_> = w.children("320102").collect();
    assert!(kec
        .iter()
        .all(|r| r.code.starts_with("320102") && r.code.len() == 10));
    assert!(kec.iter().any(|r| r.name == "Wanaherang"));
    assert_eq!(w.children("").count(), 38);
    // Kecamatan of Kabupaten Bogor only, no desa among them.
    assert!(w.children("3201").all(|r| r.kind == RegionKind::District));
    assert_eq!(w.children("3201022001").count(), 0);

    let path: Vec<_> = w.path("3201022001").iter().map(|r| r.name).collect();
    assert_eq!(
        path,
        ["Jawa Barat", "Kabupaten Bogor", "Gunungputri", "Wanaherang"]
    );
    assert_eq!(
        w.describe("3201022001"),
        "Desa Wanaherang, Kec. Gunungputri, Kabupaten Bogor, Provinsi Jawa Barat"
    );
    assert!(w.is_district("320102") && !w.is_district("3201022001"));
    assert!(w.is_village("3271011001") && !w.is_village("327101"));
}

#[test]
fn parse_rejects_bad_lines() {
    assert!(Wilayah::parse("11\tP\tAceh\n1101\tB\tX\n").is_ok());
    for bad in [
        "11\tX\tAceh\n",              // unknown kind
        "111\tP\tAceh\n",             // code length does not fit the kind
        "1101\tB\tX\n11\tP\tAceh\n",  // not sorted
        "11\tP\tAceh\n11\tP\tAceh\n", // duplicate
        "11\tP\n",                    // missing name
    ] {
        assert!(Wilayah::parse(bad).is_err(), "{bad:?}");
    }
}

/// The compact asset holds exactly the code, kind and name of every row of the source CSVs in
/// `../shared/data/wilayah` (present beside the project in development and CI).
#[test]
fn asset_matches_source_csvs() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/wilayah");
    if !src.exists() {
        eprintln!(
            "source CSVs not found at {}: only the counts are checked",
            src.display()
        );
        return;
    }
    let w = Wilayah::embedded();
    let mut rows = 0;
    for (file, name_col) in [
        ("provinces", 1),
        ("regencies", 2),
        ("districts", 2),
        ("villages", 2),
    ] {
        let mut rdr = csv::Reader::from_path(src.join(format!("{file}.csv"))).unwrap();
        for rec in rdr.records() {
            let rec = rec.unwrap();
            let code = rec.get(0).unwrap();
            let region = w
                .get(code)
                .unwrap_or_else(|| panic!("{code} missing from the asset"));
            assert_eq!(region.name, rec.get(name_col).unwrap(), "{code}");
            rows += 1;
        }
    }
    assert_eq!(rows, w.len());
}

/// The binary search gives exactly what the parsed list's `children` gives, for every
/// kecamatan of the embedded list (and nothing for codes that are not one).
#[test]
fn desa_in_tsv_matches_the_parsed_region_list() {
    let w = Wilayah::embedded();
    let mut checked = 0;
    for kec in w.of_kind(RegionKind::District) {
        let want: Vec<(String, String)> = w
            .children(kec.code)
            .map(|r| (r.code.to_string(), r.name.to_string()))
            .collect();
        assert_eq!(desa_in_tsv(EMBEDDED_TSV, kec.code), want, "{}", kec.code);
        checked += 1;
    }
    assert!(checked > 7000, "{checked} kecamatan");
    assert!(desa_in_tsv(EMBEDDED_TSV, "999999").is_empty());
    assert!(desa_in_tsv(EMBEDDED_TSV, "000000").is_empty());
    assert!(desa_in_tsv("", "110101").is_empty());
}
