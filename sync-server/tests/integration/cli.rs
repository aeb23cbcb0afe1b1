//! The operator commands of the real binary: import-assignments, export, demo.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

use pendata_server::store::sqlite::SqliteStore;
use pendata_server::store::{collect_export, AccountStore, Scope};
use pendata_server::Config;

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

fn store(data: &std::path::Path) -> SqliteStore {
    SqliteStore::open(&Config::with_data_dir(data).db_path(), 1).unwrap()
}

const HEADER: &str =
    "prelist_id,desa_code,rt,rw,address,kk_number,family_no,name,nik,relation,sex,birth_date,assigned_to";

#[test]
fn import_reports_bad_rows_imports_good_households_and_updates_on_reimport() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let csv = dir.path().join("prelist.csv");
    std::fs::write(
        &csv,
        format!(
            "{HEADER}\n\
             P-1,3201022001,001,002,Kp. A,3201020101160001,1,Ani,3201024101800001,1,2,1980-01-01,\n\
             P-1,3201022001,001,002,Kp. A,3201020101160001,1,Budi,3201020101050002,3,1,2005-01-01,\n\
             P-2,3201022001,001,002,Kp. B,,,Citra,3201029999990003,1,2,1980-01-01,\n\
             P-3,3201011001,001,002,Kp. C,,,Dedi,,1,1,1970-05-05,\n"
        ),
    )
    .unwrap();
    let out = run(&data, &["import-assignments", csv.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("line 4: nik:"), "{err}");
    assert!(!err.contains("3201029999990003"), "NIK not echoed: {err}");
    assert!(
        text(&out.stdout).contains("2 created"),
        "{}",
        text(&out.stdout)
    );
    let s = store(&data);
    let all = collect_export(&s, &Scope::all()).unwrap();
    let mut ids: Vec<_> = all
        .iter()
        .map(|e| e.summary.prelist_id.clone().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, ["P-1", "P-3"]);
    let p1 = all
        .iter()
        .find(|e| e.summary.prelist_id.as_deref() == Some("P-1"))
        .unwrap();
    assert_eq!(p1.assignment.as_ref().unwrap().members.len(), 2);
    let id = p1.summary.id;

    // re-import: updated, same id, nothing duplicated
    std::fs::write(
        &csv,
        format!("{HEADER}\nP-1,3201022001,001,002,Kp. A baru,,,Ani,,1,2,1980-01-01,\n"),
    )
    .unwrap();
    let out = run(&data, &["import-assignments", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("0 created, 1 updated"));
    let all = collect_export(&s, &Scope::all()).unwrap();
    assert_eq!(all.len(), 2);
    let p1 = all.iter().find(|e| e.summary.id == id).unwrap();
    assert_eq!(p1.assignment.as_ref().unwrap().address, "Kp. A baru");

    // a file with the wrong header imports nothing
    std::fs::write(&csv, "a,b\n1,2\n").unwrap();
    let out = run(&data, &["import-assignments", csv.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("header"));
}

#[test]
fn demo_is_idempotent_and_export_writes_csv_and_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = run(&data, &["demo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("created supervisor.gunungputri"), "{said}");
    assert!(said.contains("13 household(s) created"), "{said}");
    assert!(said.contains("WARNING"));
    assert!(said.contains("pendata-demo"));
    let out = run(&data, &["demo"]);
    assert!(out.status.success());
    let said = text(&out.stdout);
    assert!(said.contains("kept existing admin"), "{said}");
    assert!(
        said.contains("0 household(s) created, 13 updated"),
        "{said}"
    );
    let s = store(&data);
    assert_eq!(s.list_users().unwrap().len(), 5);
    assert_eq!(collect_export(&s, &Scope::all()).unwrap().len(), 13);

    let csv_path = dir.path().join("out.csv");
    let out = run(
        &data,
        &[
            "export",
            "--format",
            "csv",
            "--out",
            csv_path.to_str().unwrap(),
            "--wilayah",
            "3201022001",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let header = reader.headers().unwrap().clone();
    assert!(header.iter().any(|h| h == "relation_label"));
    assert!(header.iter().any(|h| h == "photo_F-KTP"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(
        rows.len(),
        27,
        "one row per member of the 10 Wanaherang households"
    );
    assert!(rows.iter().all(|r| &r[col("desa_code")] == "3201022001"));
    assert_eq!(&rows[0][col("desa_name")], "Wanaherang");
    assert!(rows
        .iter()
        .any(|r| &r[col("relation")] == "1" && &r[col("relation_label")] == "Kepala rumah tangga"));
    assert!(rows.iter().all(|r| &r[col("review_state")] == "assigned"));

    let xlsx = dir.path().join("out.xlsx");
    let out = run(
        &data,
        &[
            "export",
            "--format",
            "xlsx",
            "--out",
            xlsx.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bytes = std::fs::read(&xlsx).unwrap();
    assert!(bytes.starts_with(b"PK"), "an xlsx is a zip");
    assert!(
        text(&out.stdout).contains("13 household(s), 33 row(s)"),
        "{}",
        text(&out.stdout)
    );
}

/// Every operator command honours `PENDATA_DATABASE_URL`: demo, user list and export run
/// against PostgreSQL, and no SQLite file appears in the data directory.
#[test]
fn operator_commands_run_against_the_postgres_database_url() {
    use pendata_server::store::postgres::testing;
    let Some(base) = testing::config_or_skip("cli against PostgreSQL") else {
        return;
    };
    let url = testing::url_of(&testing::fresh_schema(&base, "cli"));
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let pg = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_pendata-server"))
            .arg("--data-dir")
            .arg(&data)
            .args(args)
            .env("PENDATA_LOG", "warn")
            .env("PENDATA_DATABASE_URL", &url)
            .output()
            .unwrap()
    };
    let out = pg(&["demo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("13 household(s) created"),
        "{}",
        text(&out.stdout)
    );
    let again = pg(&["demo"]);
    assert!(text(&again.stdout).contains("kept existing"), "idempotent");
    let users = pg(&["user", "list"]);
    assert!(users.status.success(), "{}", text(&users.stderr));
    assert!(
        text(&users.stdout).contains("admin"),
        "{}",
        text(&users.stdout)
    );
    let disable = pg(&["user", "disable", "ADMIN"]);
    assert!(
        disable.status.success(),
        "case-blind names: {}",
        text(&disable.stderr)
    );
    let csv = dir.path().join("out.csv");
    let out = pg(&["export", "--format", "csv", "--out", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("exported 13 household(s)"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        !Config::with_data_dir(&data).db_path().exists(),
        "no SQLite database was made"
    );
    // A bad URL is refused with a clear message, before anything is touched.
    let bad = Command::new(env!("CARGO_BIN_EXE_pendata-server"))
        .arg("--data-dir")
        .arg(&data)
        .args(["user", "list"])
        .env("PENDATA_DATABASE_URL", "mysql://x/y")
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("postgres://"),
        "{}",
        text(&bad.stderr)
    );
}
