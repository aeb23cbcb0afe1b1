//! `pendata-server import-desil` through the real binary: SIKS-NG's desil file in, each
//! family's desil stored; a file with a bad row changes nothing and names the line, never the
//! NIK.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

use chrono::NaiveDate;
use pendata_server::store::sqlite::SqliteStore;
use pendata_server::store::RegistryStore;
use pendata_server::Config;
use pendata_shared::codes::Sex;
use pendata_shared::dtsen::codes::WelfareDecile;
use pendata_shared::nik::make_nik;

fn run(data: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pendata-server"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("PENDATA_LOG", "warn")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn nik(serial: u16) -> String {
    make_nik(
        "320101",
        Sex::Male,
        NaiveDate::from_ymd_opt(1975, 3, 9).unwrap(),
        serial,
    )
}

fn kk(i: u32) -> String {
    format!("32010125031{:05}", i + 1)
}

#[test]
fn a_desil_file_sets_each_family_and_a_bad_one_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let csv = dir.path().join("desil.csv");
    // Two rows per family, semicolons, as a spreadsheet with Indonesian settings saves it.
    let mut body = String::from("No;Nomor KK;NIK;Nama;Desil\n");
    for i in 0..3_000u32 {
        for member in 0..2u32 {
            let serial = (i * 2 + member) % 9_000 + 1;
            body.push_str(&format!(
                "{};'{};'{};Warga {i};{}\n",
                i * 2 + member + 1,
                kk(i),
                nik(serial as u16),
                i % 10 + 1
            ));
        }
    }
    std::fs::write(&csv, &body).unwrap();
    let out = run(
        &data,
        &[
            "import-desil",
            csv.to_str().unwrap(),
            "--label",
            "Desil Nov 2026",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("3000 keluarga dari 6000 baris"),
        "{}",
        text(&out.stdout)
    );
    let store = SqliteStore::open(&Config::with_data_dir(&data).db_path(), 1).unwrap();
    let (k0, k9) = (kk(0), kk(2_999));
    let got = store.desil_of(&[&k0, &k9]).unwrap();
    assert_eq!(got[&k0], WelfareDecile::Decile1);
    assert_eq!(got[&k9], WelfareDecile::Decile10);
    assert_eq!(store.desil_imports(5).unwrap()[0].label, "Desil Nov 2026");

    // One family whose rows disagree and one bad NIK: nothing changes, the lines are named.
    let bad_nik = "3201019999990001";
    let next = format!(
        "Nomor KK,NIK,Desil\n{k0},{},5\n{k0},{},6\n{k9},{bad_nik},5\n",
        nik(1),
        nik(2)
    );
    std::fs::write(&csv, next).unwrap();
    let out = run(&data, &["import-desil", csv.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("line 3: Desil: berbeda dengan baris 2"),
        "{err}"
    );
    assert!(err.contains("line 4: NIK:"), "{err}");
    assert!(err.contains("tidak ada yang diubah"), "{err}");
    assert!(
        !err.contains(bad_nik) && !err.contains(&nik(1)),
        "no NIK echoed: {err}"
    );
    let got = store.desil_of(&[&k0, &k9]).unwrap();
    assert_eq!(got[&k0], WelfareDecile::Decile1, "unchanged");
    assert_eq!(store.desil_imports(5).unwrap().len(), 1);

    // A file that is not a desil export at all.
    std::fs::write(&csv, "Nama,Alamat\nSiti,Kp. A\n").unwrap();
    let out = run(&data, &["import-desil", csv.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("desil.missing_column"),
        "{}",
        text(&out.stderr)
    );
}
