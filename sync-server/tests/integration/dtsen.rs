//! DTSEN families through the real router: accepted and stored with their questionnaire,
//! validated with the DTSEN rules, an unknown questionnaire refused alone with a clear code, and
//! a record never changing questionnaire.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::*;
use pendata_server::store::Role;
use pendata_shared::dtsen::FamilyRecord;
use pendata_shared::protocol::{Change, PushRecord};
use pendata_shared::{HouseholdId, RevisionId};
use serde_json::Value;

const FAMILY: &str = include_str!("../../../assets/examples/family-dtsen.json");

fn family() -> FamilyRecord {
    let mut f: FamilyRecord = serde_json::from_str(FAMILY).unwrap();
    f.id = HouseholdId::new();
    f
}

/// The example as the `n`th family of another building: its own id, building, KK and NIKs.
fn another_family(n: u32) -> FamilyRecord {
    let mut f = family();
    f.location.building_no = Some(100 + n as u16);
    f.kk_number = Some(format!("320102150324{:04}", 100 + n));
    for (i, m) in f.members.iter_mut().enumerate() {
        m.id = pendata_shared::MemberId::new();
        if let Some(nik) = &m.nik {
            m.nik = Some(format!("{}{:04}", &nik[..12], 100 + 10 * n + i as u32));
        }
    }
    f
}

fn family_record(f: &FamilyRecord, base: Option<RevisionId>) -> PushRecord {
    PushRecord::new(
        RevisionId::new(),
        base,
        chrono::Utc::now(),
        f.id,
        Change::UpsertFamily {
            family: Box::new(f.clone()),
        },
    )
}

fn outcome(r: &Reply, i: usize) -> Value {
    r.json()["results"][i]["outcome"].clone()
}

#[tokio::test]
async fn a_dtsen_family_is_validated_stored_and_kept_apart_from_households() {
    let app = TestApp::new();
    let ani = app.user("ani", Role::Enumerator, "320102").await;
    let f = family();
    let rec = family_record(&f, None);
    assert_eq!(rec.questionnaire.as_deref(), Some("regsosek2022k"));
    let r = app.push(&ani, std::slice::from_ref(&rec)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let o = outcome(&r, 0);
    assert_eq!(o["status"], "accepted", "{o}");
    assert_eq!(
        o["missing_photos"].as_array().unwrap().len(),
        3,
        "front, inside, KK"
    );
    assert_eq!(o["warnings"].as_array().unwrap().len(), 0, "{o}");
    // Stored with its questionnaire, on both tables.
    let db = rusqlite::Connection::open(app.state.config.db_path()).unwrap();
    let (q_house, q_rev): (String, String) = db
        .query_row(
            "SELECT h.questionnaire, r.questionnaire FROM households h \
             JOIN revisions r ON r.revision = h.head_revision WHERE h.id = ?1",
            [f.id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (q_house.as_str(), q_rev.as_str()),
        ("regsosek2022k", "regsosek2022k")
    );
    // A re-send is a duplicate; an edit on it is accepted.
    let r = app.push(&ani, std::slice::from_ref(&rec)).await;
    assert_eq!(outcome(&r, 0)["status"], "duplicate");
    let mut edited = f.clone();
    edited.notes = Some("Kunjungan ulang: rumah sudah diperbaiki".into());
    let r = app
        .push(&ani, &[family_record(&edited, Some(rec.revision))])
        .await;
    assert_eq!(outcome(&r, 0)["status"], "accepted", "{}", r.text());

    // An old DTKS household in the same batch as a family: both accepted, each as itself.
    let h = example_household(7);
    let mut other = family();
    other.location.family_no = Some(1);
    other.kk_number = Some("3201020704050009".into());
    for m in &mut other.members {
        m.id = pendata_shared::MemberId::new();
        m.nik = None;
    }
    other.members.truncate(1);
    other.members[0].nik = Some("3201020911550001".into());
    other.members[0].birth_date = chrono::NaiveDate::from_ymd_opt(1955, 11, 9);
    other.members[0].age = Some(71);
    other.members[0].caregiver = Some(pendata_shared::dtsen::codes::Caregiver::FamilyMember);
    let r = app
        .push(&ani, &[record(&h, None), family_record(&other, None)])
        .await;
    assert_eq!(outcome(&r, 0)["status"], "accepted", "{}", r.text());
    assert_eq!(outcome(&r, 1)["status"], "accepted", "{}", r.text());
    let dtks: String = db
        .query_row(
            "SELECT questionnaire FROM households WHERE id = ?1",
            [h.id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(dtks, "dtks-bdt");
}

#[tokio::test]
async fn dtsen_rules_reject_one_family_and_an_unknown_version_is_refused_alone() {
    let app = TestApp::new();
    let ani = app.user("ani", Role::Enumerator, "320102").await;

    // A skip rule broken: 429 for a 36-year-old without difficulty.
    let mut bad = another_family(1);
    bad.members[0].caregiver = Some(pendata_shared::dtsen::codes::Caregiver::FamilyMember);
    // A future questionnaire this server does not know.
    let mut future = family_record(&family(), None);
    future.questionnaire = Some("regsosek2030".into());
    // A family claiming to be a DTKS household.
    let mut lying = family_record(&family(), None);
    lying.questionnaire = None;
    let good = family_record(&another_family(2), None);
    let r = app
        .push(&ani, &[family_record(&bad, None), future, lying, good])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let o = outcome(&r, 0);
    assert_eq!(o["status"], "rejected");
    assert!(
        o["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "skip.not_applicable" && f["path"] == "members[0].caregiver"),
        "{o}"
    );
    let o = outcome(&r, 1);
    assert_eq!(o["status"], "rejected");
    assert_eq!(o["findings"][0]["code"], "questionnaire.unknown", "{o}");
    assert!(o["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("regsosek2030"));
    assert!(o["findings"][0]["message_en"]
        .as_str()
        .unwrap()
        .contains("unknown"));
    let o = outcome(&r, 2);
    assert_eq!(o["findings"][0]["code"], "questionnaire.mismatch", "{o}");
    assert_eq!(
        outcome(&r, 3)["status"],
        "accepted",
        "the good one is not blocked"
    );
}

#[tokio::test]
async fn a_record_never_changes_questionnaire() {
    let app = TestApp::new();
    let ani = app.user("ani", Role::Enumerator, "320102").await;
    let h = example_household(3);
    let first = record(&h, None);
    let r = app.push(&ani, std::slice::from_ref(&first)).await;
    assert_eq!(outcome(&r, 0)["status"], "accepted");
    // A family pushed under the household's id, on its current revision.
    let mut f = family();
    f.id = h.id;
    let r = app
        .push(&ani, &[family_record(&f, Some(first.revision))])
        .await;
    let o = outcome(&r, 0);
    assert_eq!(o["status"], "rejected", "{o}");
    assert_eq!(o["findings"][0]["code"], "questionnaire.mismatch");
}

/// The supervisor imports the sample ground-check list with the real binary; the pendamping
/// pulls it (kind, programme, desil); a found family and a moved one are pushed onto the
/// assignments' ids; both exports carry the questionnaire and the DTSEN results.
#[tokio::test]
async fn ground_check_list_import_pull_push_and_export() {
    let app = TestApp::new();
    let data = app.state.config.data_dir.clone();
    let csv = app.dir.path().join("ground-check.csv");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../assets/examples/ground-check.csv"
        ),
        &csv,
    )
    .unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_pendata-server"))
            .arg("--data-dir")
            .arg(&data)
            .args(args)
            .env("PENDATA_LOG", "warn")
            .output()
            .unwrap()
    };
    let out = run(&["import-assignments", csv.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("4 created"), "{stdout}");

    let rina = app
        .user("rina.marlina", Role::Enumerator, "3201022001")
        .await;
    let r = app.get(&rina, "/api/v1/pull?limit=100").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let items = r.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 4, "{items:?}");
    let by_id = |id: &str| {
        items
            .iter()
            .find(|i| i["prelist_id"] == id)
            .unwrap_or_else(|| panic!("{id} not pulled"))
            .clone()
    };
    let a = by_id("GC-PKH-3201022001-0042");
    assert_eq!(a["kind"], "ground_check");
    assert_eq!(a["programme"], "pkh");
    assert_eq!(a["desil"], 2);
    assert_eq!(a["building_no"], 12);
    assert_eq!(a["members"].as_array().unwrap().len(), 4);
    assert_eq!(by_id("GC-PBI-3201022001-0311")["programme"], "pbi_jk");

    // Found: the example family, on the assignment's id.
    let mut found = family();
    found.id = a["household_id"].as_str().unwrap().parse().unwrap();
    let r = app.push(&rina, &[family_record(&found, None)]).await;
    assert_eq!(outcome(&r, 0)["status"], "accepted", "{}", r.text());
    // Moved: the other family of the building, with only the outcome, 205 and the note.
    let b = by_id("GC-PKH-3201022001-0043");
    let listed = pendata_shared::dtsen::listing::parse_ground_check_csv(
        include_bytes!("../../../assets/examples/ground-check.csv"),
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    )
    .unwrap();
    let mut moved = listed.families[1].to_record();
    moved.id = b["household_id"].as_str().unwrap().parse().unwrap();
    moved.ground_check.outcome = Some(pendata_shared::dtsen::GroundCheckOutcome::Moved);
    moved.enumeration.result = Some(pendata_shared::dtsen::codes::EnumerationResult::MovedOrGone);
    moved.notes = Some("Pindah ke Cileungsi sejak Agustus 2026".into());
    for m in &mut moved.members {
        m.presence = Some(pendata_shared::dtsen::codes::Presence::MovedInIndonesia);
    }
    let r = app.push(&rina, &[family_record(&moved, None)]).await;
    assert_eq!(outcome(&r, 0)["status"], "accepted", "{}", r.text());
    // A DTKS household cannot be pushed onto a ground-check assignment.
    let mut h = example_household(5);
    h.id = by_id("GC-SBK-3201022001-0107")["household_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let r = app.push(&rina, &[record(&h, None)]).await;
    assert_eq!(
        outcome(&r, 0)["findings"][0]["code"],
        "questionnaire.mismatch"
    );

    // The exports.
    let fam_csv = app.dir.path().join("keluarga.csv");
    let mem_csv = app.dir.path().join("anggota.csv");
    let out = run(&[
        "export-dtsen",
        "--families",
        fam_csv.to_str().unwrap(),
        "--members",
        mem_csv.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let families = std::fs::read_to_string(&fam_csv).unwrap();
    let lines: Vec<&str> = families.lines().collect();
    assert_eq!(lines.len(), 3, "header + 2 families: {families}");
    assert!(lines[0].starts_with("questionnaire,record_id,process,assignment_id,programme"));
    assert!(
        families.contains(",found,") && families.contains(",moved,"),
        "{families}"
    );
    assert!(families.contains("Genteng"), "label columns: {families}");
    let members = std::fs::read_to_string(&mem_csv).unwrap();
    assert_eq!(members.lines().count(), 1 + 5 + 2, "{members}");

    let all_csv = app.dir.path().join("all.csv");
    let out = run(&[
        "export",
        "--format",
        "csv",
        "--out",
        all_csv.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut rdr = csv::Reader::from_path(&all_csv).unwrap();
    let header = rdr.headers().unwrap().clone();
    let q = header.iter().position(|h| h == "questionnaire").unwrap();
    let kind = header.iter().position(|h| h == "kind").unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert!(rows
        .iter()
        .all(|r| r[q] == *"regsosek2022k" && r[kind] == *"ground_check"));
    let mut ids: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    ids.dedup();
    assert_eq!(ids.len(), 4, "the four listed families");
}
