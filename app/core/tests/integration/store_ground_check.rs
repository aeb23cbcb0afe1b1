#![allow(clippy::unwrap_used, clippy::expect_used)]
//! DTSEN families in the device store: a ground-check assignment opened as a family draft, the
//! visits (outcome, "kunjungi lagi" and the revisit list), the life cycle and the push as
//! `Change::UpsertFamily`, review outcomes and conflicts from pull, search, and the upgrade of a
//! schema-2 store holding DTKS work.

use crate::common;

use chrono::Utc;
use common::store;
use pendata_core::store::{GroundCheckVisit, RecordState, SearchQuery, Store, StoreError};
use pendata_shared::dtsen::codes::{EnumerationResult, Presence, Relation as Rel409};
use pendata_shared::dtsen::family::ListProgramme;
use pendata_shared::dtsen::{DtsenRules, FamilyRecord, GroundCheckOutcome, RevisitPolicy};
use pendata_shared::model::Family;
use pendata_shared::photos::{PhotoKind, PhotoRef};
use pendata_shared::protocol::{
    content_hash, Assignment, AssignmentKind, Change, ConflictNotice, ConflictReason,
    PrelistMember, PullItem, PushOutcome, PushResult, ReviewDecision, ReviewOutcome,
};
use pendata_shared::{HouseholdId, Questionnaire, RevisionId, Sha256Hex};
use serde_json::json;

const FAMILY_EXAMPLE: &str = include_str!("../../../../assets/examples/family-dtsen.json");

fn example_family() -> FamilyRecord {
    serde_json::from_str(FAMILY_EXAMPLE).unwrap()
}

fn member(name: &str, nik: &str, rel: u8, sex: u8, born: (i32, u32, u32)) -> PrelistMember {
    PrelistMember {
        name: name.into(),
        nik: Some(nik.into()),
        relation_to_head: pendata_shared::codes::Relation::from_code(rel),
        sex: pendata_shared::codes::Sex::from_code(sex),
        birth_date: chrono::NaiveDate::from_ymd_opt(born.0, born.1, born.2),
        family_no: Some(1),
    }
}

/// The first family of assets/examples/ground-check.csv, as the server hands it out.
fn ground_check_assignment() -> Assignment {
    Assignment {
        household_id: HouseholdId::new(),
        kind: AssignmentKind::GroundCheck,
        programme: Some(ListProgramme::Pkh),
        desil: pendata_shared::dtsen::codes::WelfareDecile::from_code(2),
        building_no: Some(12),
        case: None,
        prelist_id: "GC-PKH-3201022001-0042".into(),
        desa_code: "3201022001".into(),
        rt: Some("003".into()),
        rw: Some("007".into()),
        address: "Kp. Cikeas RT 003/RW 007 No. 12, Desa Wanaherang".into(),
        head_name: "Dedi Kurniawan".into(),
        families: vec![Family {
            family_no: 1,
            kk_number: "3201021503240011".into(),
        }],
        members: vec![
            member("Dedi Kurniawan", "3201021205900003", 1, 1, (1990, 5, 12)),
            member("Siti Aminah", "3201026108930002", 2, 2, (1993, 8, 21)),
            member("Rizky Ramadhan", "3201020302150001", 3, 1, (2015, 2, 3)),
            member("Enah", "3201027001580004", 6, 2, (1958, 1, 30)),
        ],
        assigned_to: Some("rina.marlina".into()),
        active: true,
        updated_at: Utc::now(),
    }
}

/// Fills a found family's form as assets/examples/family-dtsen.json answers it: the listed
/// members' answers matched by NIK, the new member, housing, programmes, assets and the rest.
/// The ground check and the photos stay as stored.
pub fn fill_like_example(s: &mut Store, id: HouseholdId) {
    let ex = example_family();
    let mut f = s.family(id).unwrap();
    for m in &mut f.members {
        let answered = ex.members.iter().find(|e| e.nik == m.nik).unwrap();
        let keep = m.id;
        *m = answered.clone();
        m.id = keep;
    }
    for e in &ex.members {
        if !f.members.iter().any(|m| m.nik == e.nik) {
            f.members.push(e.clone());
        }
    }
    f.location = ex.location.clone();
    f.kk_code = ex.kk_code;
    f.enumeration = ex.enumeration.clone();
    f.housing = ex.housing.clone();
    f.programmes = ex.programmes.clone();
    f.assets = ex.assets.clone();
    f.internet = ex.internet;
    f.bank_account = ex.bank_account;
    f.geotag = ex.geotag.clone();
    s.save_family(&f).unwrap();
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

fn accept(s: &mut Store, id: HouseholdId) -> RevisionId {
    let rec = s.pending_push(100).unwrap();
    let r = rec.iter().find(|r| r.household_id == id).unwrap();
    let rev = r.revision;
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
fn opening_a_ground_check_makes_the_family_draft_once() {
    let (_d, mut s) = store();
    s.set_username(Some("rina.marlina")).unwrap();
    let a = ground_check_assignment();
    s.apply_pull(&[PullItem::Assignment(a.clone())]).unwrap();
    // The DTKS entry point refuses it with a clear error and makes nothing.
    let err = s.open_assignment(a.household_id).unwrap_err();
    assert_eq!(err.code(), "store.assignment_kind_unsupported");
    assert!(err
        .message(pendata_shared::Lang::Id)
        .contains("Regsosek2022K"));
    assert!(matches!(s.state(a.household_id), Err(StoreError::NotFound)));

    let f = s.open_ground_check(a.household_id).unwrap();
    assert_eq!(f.id, a.household_id);
    assert_eq!(f.questionnaire, Questionnaire::Regsosek2022k);
    match &f.process {
        pendata_shared::dtsen::FamilyProcess::GroundCheck {
            assignment_id,
            programme,
            desil,
        } => {
            assert_eq!(assignment_id, "GC-PKH-3201022001-0042");
            assert_eq!(*programme, Some(ListProgramme::Pkh));
            assert_eq!(desil.map(|d| d.code()), Some(2));
        }
        other => panic!("process {other:?}"),
    }
    assert_eq!(f.location.building_no, Some(12));
    assert_eq!(f.location.rt.as_deref(), Some("003"));
    assert_eq!(f.kk_number.as_deref(), Some("3201021503240011"));
    assert_eq!(f.members.len(), 4);
    assert_eq!(f.members[0].relation, Some(Rel409::Head));
    assert_eq!(f.members[3].relation, Some(Rel409::ParentOrInLaw));
    assert_eq!(f.members[1].nik.as_deref(), Some("3201026108930002"));
    assert_eq!(f.interview.enumerator.as_deref(), Some("rina.marlina"));
    assert!(f.ground_check.is_empty());
    let info = s.record(f.id).unwrap();
    assert_eq!(info.state, RecordState::Draft);
    assert_eq!(info.questionnaire, Questionnaire::Regsosek2022k);
    // The household accessors say what the record is instead of misreading it.
    assert_eq!(
        s.household(f.id).unwrap_err().code(),
        "store.wrong_questionnaire"
    );

    // Later opens return the stored family with its edits; so does the any-kind entry point.
    s.set_field(f.id, "housing.floor_area_m2", json!(36))
        .unwrap();
    let again = s.open_ground_check(f.id).unwrap();
    assert_eq!(again.housing.floor_area_m2, Some(36));
    assert_eq!(
        s.open_any_assignment(f.id).unwrap().as_family(),
        Some(&again)
    );
    assert_eq!(
        s.unopened_assignments(None, None, None, 10).unwrap(),
        vec![]
    );
    // The ground check and the process are recorded visit by visit, never set as fields.
    for path in ["ground_check.outcome", "process", "questionnaire"] {
        assert_eq!(
            s.set_field(f.id, path, json!("found")).unwrap_err().code(),
            "store.read_only_field",
            "{path}"
        );
    }
    // A 409 code outside the list is refused by the family's model, nothing saved.
    let err = s
        .set_field(f.id, "members[0].relation", json!(42))
        .unwrap_err();
    assert_eq!(err.code(), "store.invalid_value");

    // Search finds the family by a member's name, NIK, KK number, list id and address.
    for text in [
        "enah",
        "3201026108930002",
        "3201021503240011",
        "GC-PKH-3201022001-0042",
        "cikeas",
    ] {
        let hits = s
            .search(&SearchQuery {
                text: Some(text.into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(hits.len(), 1, "{text}");
        assert_eq!(hits[0].id, f.id);
        assert_eq!(hits[0].questionnaire, Questionnaire::Regsosek2022k);
        assert_eq!(hits[0].kind, "ground_check");
        assert_eq!(hits[0].head_name, "Dedi Kurniawan");
        assert_eq!(hits[0].member_count, 4);
    }
}

#[test]
fn nobody_home_puts_the_family_on_the_revisit_list_keeping_its_answers() {
    let (_d, mut s) = store();
    let a = ground_check_assignment();
    s.apply_pull(&[PullItem::Assignment(a.clone())]).unwrap();
    let id = s.open_ground_check(a.household_id).unwrap().id;
    s.set_field(id, "housing.floor_area_m2", json!(36)).unwrap();
    s.set_field(id, "members[2].presence", json!(1)).unwrap();
    assert!(s.revisit_list().unwrap().is_empty());

    let first = s.record_nobody_home(id, Some("Rumah terkunci")).unwrap();
    assert!(first.report_queued, "{:?}", first.blocking);
    let first = first.revisit;
    assert_eq!(first.attempts, 1);
    assert_eq!(first.max_attempts, 3);
    assert!(!first.attempts_used_up);
    // Days on the family's calendar (its desa is in West Java: WIB), never UTC's: after
    // 17:00 UTC it is already tomorrow there.
    let today = pendata_shared::month::zone::local_today("3201022001", Utc::now());
    assert_eq!(first.next_visit_on, today.succ_opt());
    // The visit report waits in the outbox as a DTSEN family with no outcome yet.
    assert_eq!(s.state(id).unwrap(), RecordState::Queued);
    let push = s.pending_push(10).unwrap();
    assert_eq!(push.len(), 1);
    let Change::UpsertFamily { family } = &push[0].change else {
        panic!("{:?}", push[0].change)
    };
    assert!(family.ground_check.awaits_revisit());
    let report = push[0].revision;
    s.mark_pushed(&[PushResult {
        household_id: id,
        revision: report,
        outcome: PushOutcome::Accepted {
            missing_photos: vec![],
            warnings: vec![],
        },
    }])
    .unwrap();
    assert_eq!(s.state(id).unwrap(), RecordState::Sent);
    // The second visit makes a new report, based on the one the server holds.
    let second = s.record_nobody_home(id, None).unwrap();
    assert!(second.report_queued);
    assert_eq!(second.revisit.attempts, 2);
    let push = s.pending_push(10).unwrap();
    assert_eq!(push.len(), 1);
    assert_eq!(push[0].base_revision, Some(report));
    assert_ne!(push[0].revision, report);

    let list = s.revisit_list().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].household_id, id);
    assert_eq!(list[0].attempts, 2);
    assert_eq!(list[0].head_name, "Dedi Kurniawan");
    let f = s.family(id).unwrap();
    assert_eq!(f.housing.floor_area_m2, Some(36), "answers kept");
    assert_eq!(f.members[2].presence, Some(Presence::Living));
    assert_eq!(f.ground_check.visits.len(), 2);
    assert_eq!(
        f.ground_check.visits[0].note.as_deref(),
        Some("Rumah terkunci")
    );
    // A visit report is never final.
    assert_eq!(
        s.finalize(id, common::photos_on_device).unwrap_err().code(),
        "store.illegal_transition"
    );

    // The Dinsos's policy is configuration: two attempts, three days apart.
    s.set_dtsen_rules(&DtsenRules {
        revisit: RevisitPolicy {
            max_attempts: 2,
            min_days_between: 3,
        },
        ..DtsenRules::default()
    })
    .unwrap();
    let list = s.revisit_list().unwrap();
    assert!(list[0].attempts_used_up);
    assert_eq!(list[0].max_attempts, 2);
    assert_eq!(
        list[0].next_visit_on,
        today.checked_add_days(chrono::Days::new(3))
    );

    // The third visit finds the family: off the revisit list, every answer still there.
    let f = s
        .record_outcome(
            id,
            &GroundCheckVisit {
                outcome: Some(GroundCheckOutcome::Found),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(s.revisit_list().unwrap().is_empty());
    assert_eq!(f.ground_check.outcome, Some(GroundCheckOutcome::Found));
    assert_eq!(f.ground_check.visits.len(), 3);
    assert_eq!(f.housing.floor_area_m2, Some(36));
    assert!(f
        .members
        .iter()
        .all(|m| m.presence == Some(Presence::Living)));
    assert_eq!(f.enumeration.date, Some(today));
    // "Nobody home" after the outcome is refused, nothing changes.
    let err = s.record_nobody_home(id, None).unwrap_err();
    assert_eq!(err.code(), "store.outcome_known");
    assert_eq!(s.family(id).unwrap(), f);
    // Every visit is in the audit trail.
    let trail = s.audit_trail(id).unwrap();
    assert_eq!(trail.iter().filter(|e| e.path == "ground_check").count(), 3);
}

#[test]
fn a_found_family_goes_through_the_whole_life_cycle_as_a_dtsen_record() {
    let (_d, mut s) = store();
    let a = ground_check_assignment();
    s.apply_pull(&[PullItem::Assignment(a.clone())]).unwrap();
    let id = s.open_ground_check(a.household_id).unwrap().id;
    s.record_outcome(
        id,
        &GroundCheckVisit {
            outcome: Some(GroundCheckOutcome::Found),
            result: Some(EnumerationResult::Complete),
            ..Default::default()
        },
    )
    .unwrap();
    fill_like_example(&mut s, id);
    // Without the process's photos (house front, inside, KK) it cannot be final.
    match s.finalize(id, common::photos_on_device) {
        Err(StoreError::NotFinalizable(findings)) => {
            let missing: Vec<&str> = findings
                .iter()
                .filter(|f| f.code == "photo.missing")
                .map(|f| f.message.as_str())
                .collect();
            assert_eq!(missing.len(), 3, "{findings:?}");
            assert!(
                findings.iter().all(|f| f.code == "photo.missing"),
                "only the photos are missing: {findings:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    for (kind, fill) in [
        (PhotoKind::Rumah, 'a'),
        (PhotoKind::RumahDalam, 'b'),
        (PhotoKind::Kk, 'c'),
    ] {
        s.attach_photo(id, &photo(kind, fill), &fill.to_string().repeat(64))
            .unwrap();
    }
    assert_eq!(s.photos(id).unwrap().len(), 3);
    // A photo that does not read back on the device blocks finalize, naming it.
    match s.finalize(id, |p| {
        (p.kind == PhotoKind::Kk).then_some(pendata_shared::photos::LocalPhotoProblem::Missing)
    }) {
        Err(StoreError::NotFinalizable(findings)) => {
            assert!(findings
                .iter()
                .any(|f| f.code == "photo.local_missing" || f.message.contains("Kartu Keluarga")));
        }
        other => panic!("{other:?}"),
    }
    s.finalize(id, common::photos_on_device).unwrap();
    assert_eq!(s.state(id).unwrap(), RecordState::Final);
    let rev = s.queue(id).unwrap();
    let push = s.pending_push(10).unwrap();
    assert_eq!(push.len(), 1);
    let rec = &push[0];
    assert_eq!(rec.revision, rev);
    assert_eq!(rec.questionnaire.as_deref(), Some("regsosek2022k"));
    assert_eq!(rec.content_sha256, content_hash(&rec.change));
    let Change::UpsertFamily { family } = &rec.change else {
        panic!("{:?}", rec.change)
    };
    assert_eq!(family.id, id);
    assert_eq!(family.members.len(), 5);
    assert_eq!(family.photos.len(), 3);
    let photo_refs = s.pending_photo_refs().unwrap();
    assert_eq!(photo_refs.len(), 3);

    // Acknowledged, then rejected by a supervisor with a note: as a household would be.
    s.mark_pushed(&[PushResult {
        household_id: id,
        revision: rev,
        outcome: PushOutcome::Accepted {
            missing_photos: vec![],
            warnings: vec![],
        },
    }])
    .unwrap();
    assert_eq!(s.state(id).unwrap(), RecordState::Sent);
    s.apply_pull(&[PullItem::Review(ReviewOutcome {
        household_id: id,
        revision: rev,
        decision: ReviewDecision::Rejected,
        note: Some("Foto KK buram".into()),
        reviewer: "spv".into(),
        decided_at: Utc::now(),
    })])
    .unwrap();
    let info = s.record(id).unwrap();
    assert_eq!(info.state, RecordState::Rejected);
    assert_eq!(info.review_note.as_deref(), Some("Foto KK buram"));
    // The fix is a new revision based on the one the server holds.
    s.attach_photo(id, &photo(PhotoKind::Kk, 'd'), &"d".repeat(64))
        .unwrap();
    assert_eq!(s.state(id).unwrap(), RecordState::Draft);
    s.finalize(id, common::photos_on_device).unwrap();
    let rev2 = s.queue(id).unwrap();
    assert_ne!(rev2, rev);
    let push = s.pending_push(10).unwrap();
    assert_eq!(push[0].base_revision, Some(rev));
    // A conflict notice from pull marks it as one.
    s.apply_pull(&[PullItem::Conflict(ConflictNotice {
        household_id: id,
        revision: rev2,
        current_revision: Some(RevisionId::new()),
        reason: ConflictReason::StaleBase,
        resolved_with: None,
        note: None,
    })])
    .unwrap();
    assert_eq!(s.state(id).unwrap(), RecordState::Conflict);
    assert_eq!(s.conflicts(Some(id)).unwrap().len(), 1);
}

#[test]
fn moved_and_died_families_need_their_note_and_no_photos() {
    let (_d, mut s) = store();
    let a = ground_check_assignment();
    s.apply_pull(&[PullItem::Assignment(a.clone())]).unwrap();
    let id = s.open_ground_check(a.household_id).unwrap().id;
    let siti = s.family(id).unwrap().members[1].id;
    let f = s
        .record_outcome(
            id,
            &GroundCheckVisit {
                outcome: Some(GroundCheckOutcome::Moved),
                presence: vec![(siti, Presence::MovedAbroad)],
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(f.enumeration.result, Some(EnumerationResult::MovedOrGone));
    assert_eq!(f.members[1].presence, Some(Presence::MovedAbroad));
    assert_eq!(f.members[0].presence, Some(Presence::MovedInIndonesia));
    // 205 = 5 needs the note of Blok VI.
    match s.finalize(id, common::photos_on_device) {
        Err(StoreError::NotFinalizable(findings)) => {
            assert!(
                findings
                    .iter()
                    .any(|f| f.code == "notes.required_for_result"),
                "{findings:?}"
            )
        }
        other => panic!("{other:?}"),
    }
    s.record_outcome(
        id,
        &GroundCheckVisit {
            outcome: Some(GroundCheckOutcome::Moved),
            note: Some("Pindah ke Bekasi sejak Agustus 2026 (keterangan ketua RT)".into()),
            ..Default::default()
        },
    )
    .unwrap();
    s.finalize(id, common::photos_on_device).unwrap();
    s.queue(id).unwrap();
    accept(&mut s, id);
    assert_eq!(s.state(id).unwrap(), RecordState::Sent);

    // An outcome needs an outcome; an unknown member is refused; nothing is saved.
    let b = Assignment {
        household_id: HouseholdId::new(),
        prelist_id: "GC-PKH-3201022001-0043".into(),
        ..ground_check_assignment()
    };
    s.apply_pull(&[PullItem::Assignment(b.clone())]).unwrap();
    let before = s.open_ground_check(b.household_id).unwrap();
    let err = s
        .record_outcome(b.household_id, &GroundCheckVisit::default())
        .unwrap_err();
    assert_eq!(err.code(), "store.invalid_value");
    let err = s
        .record_outcome(
            b.household_id,
            &GroundCheckVisit {
                outcome: Some(GroundCheckOutcome::Died),
                presence: vec![(pendata_shared::MemberId::new(), Presence::Deceased)],
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "store.invalid_path");
    assert_eq!(s.family(b.household_id).unwrap(), before);
}

#[test]
fn a_family_can_be_deleted_and_dtks_work_beside_it_is_untouched() {
    let (_d, mut s) = store();
    let h = common::example();
    s.save_household(&h).unwrap();
    let a = ground_check_assignment();
    s.apply_pull(&[PullItem::Assignment(a.clone())]).unwrap();
    let id = s.open_ground_check(a.household_id).unwrap().id;
    assert!(s.record_nobody_home(id, None).unwrap().report_queued);
    let st = s.status().unwrap();
    assert_eq!((st.states["draft"], st.states["queued"]), (1, 1));
    assert_eq!(
        s.delete(id).unwrap(),
        pendata_core::store::DeleteOutcome::Purged
    );
    assert!(s.revisit_list().unwrap().is_empty());
    assert_eq!(s.household(h.id).unwrap().id, h.id);
    // The household's finalize and push are unchanged: a DTKS `Upsert` with no questionnaire.
    s.finalize(h.id, common::photos_on_device).unwrap();
    s.queue(h.id).unwrap();
    let push = s.pending_push(10).unwrap();
    assert_eq!(push.len(), 1);
    assert_eq!(push[0].questionnaire, None);
    assert!(matches!(push[0].change, Change::Upsert { .. }));
}

#[test]
fn a_visit_report_with_another_error_stays_on_the_device() {
    let (_d, mut s) = store();
    let a = ground_check_assignment();
    s.apply_pull(&[PullItem::Assignment(a.clone())]).unwrap();
    let id = s.open_ground_check(a.household_id).unwrap().id;
    // A NIK typed wrong (15 digits): the visit is kept, the report is not queued, and why.
    s.set_field(id, "members[1].nik", json!("320102610893000"))
        .unwrap();
    let done = s.record_nobody_home(id, None).unwrap();
    assert!(!done.report_queued);
    assert!(
        done.blocking.iter().all(|f| f.path == "members[1].nik"),
        "{:?}",
        done.blocking
    );
    assert!(!done.blocking.is_empty());
    assert_eq!(s.state(id).unwrap(), RecordState::Draft);
    assert!(s.pending_push(10).unwrap().is_empty());
    assert_eq!(s.revisit_list().unwrap().len(), 1);
    // It cannot be made final while it waits for a visit either.
    match s.finalize(id, common::photos_on_device) {
        Err(StoreError::NotFinalizable(findings)) => assert!(
            findings
                .iter()
                .any(|f| f.code == "ground_check.revisit_pending"),
            "{findings:?}"
        ),
        other => panic!("{other:?}"),
    }
    // Fixed, the next visit is sent.
    s.set_field(id, "members[1].nik", json!("3201026108930002"))
        .unwrap();
    assert!(s.record_nobody_home(id, None).unwrap().report_queued);
    assert_eq!(s.pending_push(10).unwrap().len(), 1);
}

/// A found family whose KK photo is lost on the device is set aside for a retake like a
/// household (the message names the photo), and a family the server holds is withdrawn with a
/// tombstone that goes away once acknowledged.
#[test]
fn a_family_is_set_aside_for_a_lost_photo_and_tombstoned_like_a_household() {
    use pendata_shared::photos::LocalPhotoProblem;
    let (_d, mut s) = store();
    let a = ground_check_assignment();
    s.apply_pull(&[PullItem::Assignment(a.clone())]).unwrap();
    let id = s.open_ground_check(a.household_id).unwrap().id;
    s.record_outcome(
        id,
        &GroundCheckVisit {
            outcome: Some(GroundCheckOutcome::Found),
            result: Some(EnumerationResult::Complete),
            ..Default::default()
        },
    )
    .unwrap();
    fill_like_example(&mut s, id);
    for (kind, fill) in [
        (PhotoKind::Rumah, 'a'),
        (PhotoKind::RumahDalam, 'b'),
        (PhotoKind::Kk, 'c'),
    ] {
        s.attach_photo(id, &photo(kind, fill), &fill.to_string().repeat(64))
            .unwrap();
    }
    s.finalize(id, common::photos_on_device).unwrap();
    s.queue(id).unwrap();
    s.pending_push(10).unwrap();
    let kk = Sha256Hex::parse(&"c".repeat(64)).unwrap();
    let aside = s
        .set_aside_for_photo(&kk, LocalPhotoProblem::Missing)
        .unwrap();
    assert_eq!(aside.len(), 1);
    assert_eq!(aside[0].household_id, id);
    assert_eq!(
        aside[0].finding.message,
        "Foto Kartu Keluarga tidak ada di perangkat — ambil ulang"
    );
    assert_eq!(s.state(id).unwrap(), RecordState::NeedsPhoto);
    assert_eq!(s.photo_problems().unwrap()[0].head_name, "Dedi Kurniawan");
    // The retake makes it a draft; final and sent again.
    s.attach_photo(id, &photo(PhotoKind::Kk, 'd'), &"d".repeat(64))
        .unwrap();
    assert!(s.photo_problems().unwrap().is_empty());
    s.finalize(id, common::photos_on_device).unwrap();
    s.queue(id).unwrap();
    accept(&mut s, id);
    assert_eq!(s.state(id).unwrap(), RecordState::Sent);

    // Withdrawn: a tombstone, pushed as a delete, gone once acknowledged.
    assert_eq!(
        s.delete(id).unwrap(),
        pendata_core::store::DeleteOutcome::Tombstoned
    );
    assert_eq!(s.state(id).unwrap(), RecordState::Deleted);
    let push = s.pending_push(10).unwrap();
    assert_eq!(push.len(), 1);
    assert_eq!(push[0].change, Change::Delete);
    assert!(s
        .search(&SearchQuery {
            text: Some("Dedi".into()),
            ..Default::default()
        })
        .unwrap()
        .is_empty());
    accept(&mut s, id);
    assert_eq!(s.state(id).unwrap_err().code(), "store.not_found");
}
