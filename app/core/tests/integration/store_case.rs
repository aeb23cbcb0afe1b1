#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Cases in the device store (issue 21 §1): each kind's assignment opened as a case draft, the
//! finding recorded, the checklist's photos (real JPEGs through the photo pipeline for one),
//! finalize refused with the case's findings until complete, the push as `Change::UpsertCase`
//! under its questionnaire, review and withdrawal like any record, the case list by due date,
//! and a schema-4 store upgraded without reusing an outbox number.

use crate::common;

use chrono::{NaiveDate, Utc};
use common::store;
use pendata_core::crypto::KdfParams;
use pendata_core::store::{connection, migrations, RecordState, SearchQuery, Store, StoreError};
use pendata_core::{Device, PhotoOptions};
use pendata_shared::cases::graduasi::{GraduasiAssignment, GraduasiFamily, GraduasiType};
use pendata_shared::cases::pbi_jk::{PbiJkAssignment, PbiJkFinding};
use pendata_shared::cases::usul_sanggah::{
    Channel, Submission, UsulSanggahAssignment, UsulSanggahFinding, Verdict,
};
use pendata_shared::cases::{
    CaseAssignment, CaseDetail, CaseFinding, CaseKind, CaseRules, CaseSubject, IneligibleReason,
};
use pendata_shared::dtsen::family::ListProgramme;
use pendata_shared::month::geo::Position;
use pendata_shared::photos::{PhotoKind, PhotoRef};
use pendata_shared::protocol::{
    content_hash, Assignment, AssignmentKind, Change, PullItem, PushOutcome, PushResult,
    ReviewDecision, ReviewOutcome,
};
use pendata_shared::{HouseholdId, RevisionId, Sha256Hex};
use serde_json::json;

const NIK: &str = "3201021205900003";

fn subject(name: &str) -> CaseSubject {
    CaseSubject {
        name: name.into(),
        nik: Some(NIK.into()),
        kk_number: Some("3201021503240011".into()),
    }
}

fn detail(kind: CaseKind) -> CaseDetail {
    match kind {
        CaseKind::UsulSanggah => CaseDetail::UsulSanggah(UsulSanggahAssignment {
            submission: Submission::Sanggahan,
            channel: Channel::CekBansos,
            submitted_by: Some("Budi".into()),
            subject: subject("Siti Aminah"),
            programme: ListProgramme::Pkh,
            reason: "Punya mobil".into(),
            evidence: vec!["foto rumah".into()],
            submitted_position: Some(Position::new(-6.5971, 106.8060)),
        }),
        CaseKind::ReaktivasiPbiJk => CaseDetail::ReaktivasiPbiJk(PbiJkAssignment {
            person: subject("Wati"),
            emergency: true,
            deactivated_on: None,
            note: None,
        }),
        CaseKind::GraduasiPkh => CaseDetail::GraduasiPkh(GraduasiAssignment {
            family: GraduasiFamily {
                head: subject("Joko"),
                pkh_since_year: Some(2019),
                components: vec![],
            },
            proposed_type: Some(GraduasiType::Mandiri),
            note: None,
        }),
    }
}

fn case_assignment(kind: CaseKind, due: (i32, u32, u32)) -> Assignment {
    Assignment {
        household_id: HouseholdId::new(),
        kind: kind.assignment_kind(),
        programme: None,
        desil: None,
        building_no: None,
        case: Some(Box::new(CaseAssignment {
            due_date: NaiveDate::from_ymd_opt(due.0, due.1, due.2).unwrap(),
            detail: detail(kind),
        })),
        prelist_id: format!("KASUS-{}", kind.id()),
        desa_code: "3201022001".into(),
        rt: None,
        rw: None,
        address: "Kp. Babakan RT 02".into(),
        head_name: detail(kind).subject().name.clone(),
        families: vec![],
        members: vec![],
        assigned_to: Some("pendamping1".into()),
        active: true,
        updated_at: Utc::now(),
    }
}

fn photo(kind: PhotoKind, fill: char) -> PhotoRef {
    PhotoRef {
        kind,
        sha256: Sha256Hex::parse(&fill.to_string().repeat(64)).unwrap(),
        bytes: 1000,
        width: 1600,
        height: 1200,
        geotag: None,
        taken_at: Utc::now(),
        member_id: None,
    }
}

fn codes(e: StoreError) -> Vec<String> {
    match e {
        StoreError::NotFinalizable(f) => f.into_iter().map(|f| f.code).collect(),
        other => panic!("{other:?}"),
    }
}

fn accept(s: &mut Store, id: HouseholdId) -> RevisionId {
    let rec = s.pending_push(100).unwrap();
    let rev = rec.iter().find(|r| r.household_id == id).unwrap().revision;
    s.mark_pushed(&[PushResult {
        household_id: id,
        revision: rev,
        outcome: PushOutcome::Accepted {
            missing_photos: vec![],
            warnings: vec![],
        },
    }])
    .unwrap();
    rev
}

#[test]
fn each_case_kind_goes_from_assignment_to_the_outbox_as_upsert_case() {
    let (_d, mut s) = store();
    let us = case_assignment(CaseKind::UsulSanggah, (2026, 12, 21));
    let pbi = case_assignment(CaseKind::ReaktivasiPbiJk, (2026, 12, 10));
    let gr = case_assignment(CaseKind::GraduasiPkh, (2027, 1, 6));
    s.apply_pull(&[
        PullItem::Assignment(us.clone()),
        PullItem::Assignment(pbi.clone()),
        PullItem::Assignment(gr.clone()),
    ])
    .unwrap();
    // The list: every case by due date, none opened.
    let list = s.case_list().unwrap();
    assert_eq!(
        list.iter()
            .map(|r| (r.kind, r.name.as_str(), r.state))
            .collect::<Vec<_>>(),
        [
            (CaseKind::ReaktivasiPbiJk, "Wati", None),
            (CaseKind::UsulSanggah, "Siti Aminah", None),
            (CaseKind::GraduasiPkh, "Joko", None),
        ]
    );
    let today = NaiveDate::from_ymd_opt(2026, 12, 12).unwrap();
    assert!(list[0].is_overdue(today) && !list[1].is_overdue(today));
    assert_eq!(list[1].days_left(today), 9);

    // usul-sanggah: opened once (any-assignment open gives the same case).
    let c = s.open_case(us.household_id).unwrap();
    assert_eq!(
        (c.kind(), c.case_id.as_str()),
        (CaseKind::UsulSanggah, "KASUS-usul_sanggah")
    );
    let again = s.open_any_assignment(us.household_id).unwrap();
    assert_eq!(again.as_case(), Some(&c));
    assert_eq!(
        s.record(c.id).unwrap().questionnaire.id(),
        "kasus-usul-sanggah"
    );
    let id = c.id;
    let e = s.finalize(id, common::photos_on_device).unwrap_err();
    let got = codes(e);
    for code in ["field.required", "case.geotag_required", "photo.missing"] {
        assert!(got.iter().any(|c| c == code), "{code} in {got:?}");
    }
    // A PBI-JK finding on a usul-sanggah case is refused and changes nothing.
    let e = s
        .record_case_finding(id, &CaseFinding::ReaktivasiPbiJk(PbiJkFinding::default()))
        .unwrap_err();
    assert_eq!(e.code(), "case.kind_mismatch");
    assert!(e.message(pendata_shared::Lang::Id).contains("tidak cocok"));
    assert_eq!(s.case(id).unwrap(), c);
    // The finding, with its note trimmed; tidak layak without a reason is refused at finalize.
    let c = s
        .record_case_finding(
            id,
            &CaseFinding::UsulSanggah(UsulSanggahFinding {
                verdict: Some(Verdict::TidakLayak),
                reason: None,
                note: Some("  Rumah permanen, mobil di garasi  ".into()),
            }),
        )
        .unwrap();
    let CaseFinding::UsulSanggah(f) = &c.finding else {
        panic!()
    };
    assert_eq!(f.note.as_deref(), Some("Rumah permanen, mobil di garasi"));
    s.set_field(
        id,
        "geotag",
        json!({"latitude": -6.5972, "longitude": 106.8061, "accuracy_m": 6.0,
               "fix_time": "2026-12-07T09:00:00Z", "source": "gps"}),
    )
    .unwrap();
    s.attach_photo(id, &photo(PhotoKind::Rumah, 'a'), &"a".repeat(64))
        .unwrap();
    let e = s.finalize(id, common::photos_on_device).unwrap_err();
    assert_eq!(codes(e), ["field.required"]);
    s.set_field(id, "finding.reason", json!("well_off"))
        .unwrap();
    // What the app may not set by path.
    for path in ["assignment.due_date", "case_id", "finding.kind"] {
        let e = s.set_field(id, path, json!("x")).unwrap_err();
        assert_eq!(e.code(), "store.read_only_field", "{path}");
    }
    s.finalize(id, common::photos_on_device).unwrap();
    assert!(s
        .case_checklist(id)
        .unwrap()
        .iter()
        .all(|i| !i.required || i.present));

    // PBI-JK: the faskes letter is the one required photo.
    let pid = s.open_case(pbi.household_id).unwrap().id;
    assert_eq!(
        codes(s.finalize(pid, common::photos_on_device).unwrap_err()),
        ["photo.missing"]
    );
    s.attach_photo(pid, &photo(PhotoKind::SuratFaskes, 'b'), &"b".repeat(64))
        .unwrap();
    s.finalize(pid, common::photos_on_device).unwrap();

    // Graduasi: type, reason, assessment and the letter.
    let gid = s.open_case(gr.household_id).unwrap().id;
    s.record_case_finding(
        gid,
        &CaseFinding::GraduasiPkh(pendata_shared::cases::graduasi::GraduasiFinding {
            graduation_type: Some(GraduasiType::Mandiri),
            reason: Some("Usaha mapan".into()),
            assessment_note: Some("Penghasilan tetap".into()),
        }),
    )
    .unwrap();
    s.attach_photo(gid, &photo(PhotoKind::SuratGraduasi, 'c'), &"c".repeat(64))
        .unwrap();
    s.finalize(gid, common::photos_on_device).unwrap();

    assert_eq!(s.queue_all_final().unwrap(), 3);
    let push = s.pending_push(10).unwrap();
    assert_eq!(push.len(), 3);
    for rec in &push {
        let Change::UpsertCase { case } = &rec.change else {
            panic!("{:?}", rec.change)
        };
        assert_eq!(
            rec.questionnaire.as_deref(),
            Some(case.kind().questionnaire().id())
        );
        assert_eq!(rec.content_sha256, content_hash(&rec.change));
        assert_eq!(case.photos.len(), 1);
        assert!(case.interview.finalized_at.is_some());
    }
    let Change::UpsertCase { case } = &push.iter().find(|r| r.household_id == id).unwrap().change
    else {
        panic!()
    };
    assert_eq!(
        case.finding,
        CaseFinding::UsulSanggah(UsulSanggahFinding {
            verdict: Some(Verdict::TidakLayak),
            reason: Some(IneligibleReason::WellOff),
            note: Some("Rumah permanen, mobil di garasi".into()),
        })
    );
    assert_eq!(s.pending_photo_refs().unwrap().len(), 3);
    // Opened cases stay in the list with their state; the search finds a case by its subject.
    assert!(s
        .case_list()
        .unwrap()
        .iter()
        .all(|r| r.state == Some(RecordState::Queued)));
    let hits = s
        .search(&SearchQuery {
            text: Some("Aminah".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].id, id);
}

#[test]
fn a_rejected_case_is_fixed_as_a_new_revision_and_withdrawn_as_a_tombstone() {
    let (_d, mut s) = store();
    let a = case_assignment(CaseKind::ReaktivasiPbiJk, (2026, 12, 10));
    s.apply_pull(&[PullItem::Assignment(a.clone())]).unwrap();
    let id = s.open_case(a.household_id).unwrap().id;
    s.attach_photo(id, &photo(PhotoKind::SuratFaskes, 'a'), &"a".repeat(64))
        .unwrap();
    s.finalize(id, common::photos_on_device).unwrap();
    s.queue(id).unwrap();
    let rev = accept(&mut s, id);
    assert_eq!(s.state(id).unwrap(), RecordState::Sent);
    s.apply_pull(&[PullItem::Review(ReviewOutcome {
        household_id: id,
        revision: rev,
        decision: ReviewDecision::Rejected,
        note: Some("Surat faskes tidak terbaca".into()),
        reviewer: "spv".into(),
        decided_at: Utc::now(),
    })])
    .unwrap();
    assert_eq!(s.state(id).unwrap(), RecordState::Rejected);
    // The retake and a note: a new revision based on the one the server holds.
    s.attach_photo(id, &photo(PhotoKind::SuratFaskes, 'b'), &"b".repeat(64))
        .unwrap();
    s.record_case_finding(
        id,
        &CaseFinding::ReaktivasiPbiJk(PbiJkFinding {
            emergency: Some(true),
            note: Some("Surat RSUD difoto ulang".into()),
        }),
    )
    .unwrap();
    assert_eq!(s.state(id).unwrap(), RecordState::Draft);
    s.finalize(id, common::photos_on_device).unwrap();
    let rev2 = s.queue(id).unwrap();
    assert_ne!(rev2, rev);
    let push = s.pending_push(10).unwrap();
    assert_eq!(push[0].base_revision, Some(rev));
    accept(&mut s, id);
    // Withdrawn: a tombstone, pushed as a delete, gone from the list and the store once acked.
    assert_eq!(
        s.delete(id).unwrap(),
        pendata_core::store::DeleteOutcome::Tombstoned
    );
    assert!(s.case_list().unwrap().is_empty());
    let push = s.pending_push(10).unwrap();
    assert_eq!(push[0].change, Change::Delete);
    accept(&mut s, id);
    assert_eq!(s.state(id).unwrap_err().code(), "store.not_found");
}

#[test]
fn only_case_assignments_open_as_cases() {
    let (_d, mut s) = store();
    let case = case_assignment(CaseKind::UsulSanggah, (2026, 12, 21));
    let mut verivali = case_assignment(CaseKind::UsulSanggah, (2026, 12, 21));
    verivali.household_id = HouseholdId::new();
    verivali.kind = AssignmentKind::Verivali;
    verivali.case = None;
    let mut mismatch = case_assignment(CaseKind::GraduasiPkh, (2026, 12, 21));
    mismatch.household_id = HouseholdId::new();
    mismatch.kind = AssignmentKind::UsulSanggah;
    s.apply_pull(&[
        PullItem::Assignment(case.clone()),
        PullItem::Assignment(verivali.clone()),
        PullItem::Assignment(mismatch.clone()),
    ])
    .unwrap();
    let e = s.open_case(verivali.household_id).unwrap_err();
    assert_eq!(e.code(), "case.not_a_case");
    assert!(!e.message(pendata_shared::Lang::Id).is_empty());
    assert_eq!(
        s.open_case(mismatch.household_id).unwrap_err().code(),
        "case.kind_mismatch"
    );
    assert_eq!(
        s.open_assignment(case.household_id).unwrap_err().code(),
        "store.assignment_kind_unsupported"
    );
    assert_eq!(
        s.open_ground_check(case.household_id).unwrap_err().code(),
        "store.assignment_kind_unsupported"
    );
    // Nothing was made by the refusals; the list has the one case that can be opened.
    let list = s.case_list().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].household_id, case.household_id);
    // A case read as a household is the wrong questionnaire.
    s.open_case(case.household_id).unwrap();
    assert_eq!(
        s.household(case.household_id).unwrap_err().code(),
        "store.wrong_questionnaire"
    );
}

#[test]
fn the_device_checks_a_case_by_its_own_rules_and_real_photos() {
    let dir = tempfile::tempdir().unwrap();
    let mut device = Device::create(dir.path(), "135790", KdfParams::insecure_for_tests()).unwrap();
    let a = case_assignment(CaseKind::UsulSanggah, (2026, 12, 21));
    device
        .store_mut()
        .apply_pull(&[PullItem::Assignment(a.clone())])
        .unwrap();
    let id = device.store_mut().open_case(a.household_id).unwrap().id;
    device
        .store_mut()
        .record_case_finding(
            id,
            &CaseFinding::UsulSanggah(UsulSanggahFinding {
                verdict: Some(Verdict::Layak),
                ..Default::default()
            }),
        )
        .unwrap();
    // Recorded 1.5 km from the objection's coordinates: a warning by the default rule.
    device
        .store_mut()
        .set_field(
            id,
            "geotag",
            json!({"latitude": -6.5836, "longitude": 106.8060, "accuracy_m": 6.0,
                   "fix_time": "2026-12-07T09:00:00Z", "source": "gps"}),
        )
        .unwrap();
    let jpeg =
        common::camera::encode_rgb(&common::camera::camera_like(640, 480), 640, 480, 90, false);
    let p = device
        .add_photo(id, PhotoKind::Rumah, &jpeg, PhotoOptions::default())
        .unwrap();
    assert_eq!(p.kind, PhotoKind::Rumah);
    let findings = device.validate(id).unwrap();
    assert_eq!(
        findings.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(),
        ["case.far_from_submitted"]
    );
    // The Dinsos widened the distance: no warning.
    device
        .store_mut()
        .set_case_rules(&CaseRules {
            submitted_position_warn_m: 2000,
            ..CaseRules::default()
        })
        .unwrap();
    assert!(device.validate(id).unwrap().is_empty());
    // A kitchen photo is not on the case's checklist: refused at finalize.
    let kitchen = device
        .add_photo(id, PhotoKind::Dapur, &jpeg, PhotoOptions::default())
        .unwrap();
    let e = device.finalize(id).unwrap_err();
    assert_eq!(e.code(), "store.not_finalizable");
    let c = device.store().case(id).unwrap();
    assert!(c.photos.iter().any(|p| p.sha256 == kitchen.sha256));
    device
        .store_mut()
        .set_field(id, "geotag", json!(null))
        .unwrap();
    let codes: Vec<String> = device
        .validate(id)
        .unwrap()
        .into_iter()
        .map(|f| f.code)
        .collect();
    assert!(
        codes.contains(&"photo.not_for_case".to_string()),
        "{codes:?}"
    );
    assert!(
        codes.contains(&"case.geotag_required".to_string()),
        "{codes:?}"
    );
    // The photo bytes read back with their hash (the sync uploads them).
    let bytes = device.photo_bytes(&p.sha256).unwrap();
    assert_eq!(Sha256Hex::digest(&bytes), p.sha256);
}

#[test]
fn a_schema_4_store_takes_cases_and_never_reuses_an_outbox_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v4.db");
    let key = common::key(dir.path());
    let h = common::example();
    {
        let conn = connection::open(&path, &key).unwrap();
        conn.execute_batch(include_str!("schemas/v4.sql")).unwrap();
        conn.pragma_update(None, "user_version", 4).unwrap();
        // Seven revisions were pushed and acknowledged: their rows are gone, the counter stays.
        for i in 1..=7 {
            conn.execute(
                "INSERT INTO outbox (revision, household_id, op, saved_at)
                 VALUES (?1, ?2, 'delete', '2026-01-01T00:00:00Z')",
                rusqlite::params![format!("rev-{i}"), h.id.to_string()],
            )
            .unwrap();
        }
        conn.execute("DELETE FROM outbox", []).unwrap();
    }
    let mut s = Store::open(&path, &key).unwrap();
    assert_eq!(
        migrations::version(s.connection()).unwrap(),
        migrations::LATEST_VERSION
    );
    let a = case_assignment(CaseKind::ReaktivasiPbiJk, (2026, 12, 10));
    s.apply_pull(&[PullItem::Assignment(a.clone())]).unwrap();
    let id = s.open_case(a.household_id).unwrap().id;
    s.attach_photo(id, &photo(PhotoKind::SuratFaskes, 'a'), &"a".repeat(64))
        .unwrap();
    s.finalize(id, common::photos_on_device).unwrap();
    s.queue(id).unwrap();
    let seq: i64 = s
        .connection()
        .query_row(
            "SELECT seq FROM outbox WHERE household_id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert!(seq > 7, "outbox number {seq} reused");
    // The opened case's assignment left the work list (0004's trigger, made again by 0005).
    let opened: i64 = s
        .connection()
        .query_row(
            "SELECT opened FROM assignments WHERE household_id = ?1",
            [a.household_id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(opened, 1);
}
