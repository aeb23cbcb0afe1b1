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
