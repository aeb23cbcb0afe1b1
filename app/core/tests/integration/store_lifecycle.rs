#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Life cycle, set_field, sessions, tombstones, push and pull bookkeeping, open_assignment.

use crate::common;

use chrono::Utc;
use common::{example, simple, store};
use pendata_core::store::{DeleteOutcome, RecordState, SearchQuery, Store, StoreError};
use pendata_shared::protocol::{
    Assignment, Change, ConflictNotice, ConflictReason, PrelistMember, PullItem, PushOutcome,
    PushResult, ReviewDecision, ReviewOutcome,
};
use pendata_shared::validate::Finding;
use pendata_shared::{HouseholdId, Member, RevisionId, Severity};
use serde_json::json;

fn accepted(store: &mut Store, id: HouseholdId) -> RevisionId {
    let rec = store.pending_push(100).unwrap();
    let r = rec.iter().find(|r| r.household_id == id).unwrap();
    let rev = r.revision;
    store
        .mark_pushed(&[PushResult {
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

/// Import, finalize, queue and get acknowledged.
fn sent(store: &mut Store) -> (HouseholdId, RevisionId) {
    let h = example();
    store.save_household(&h).unwrap();
    store.finalize(h.id, common::photos_on_device).unwrap();
    store.queue(h.id).unwrap();
    let rev = accepted(store, h.id);
    (h.id, rev)
}

#[test]
fn full_life_cycle_and_illegal_transitions() {
    let (_d, mut s) = store();
    s.set_username(Some("tksk01")).unwrap();
    let h = example();
    s.create_household(&h).unwrap();
    assert!(matches!(
        s.create_household(&h),
        Err(StoreError::AlreadyExists)
    ));
    assert_eq!(s.state(h.id).unwrap(), RecordState::Draft);
    // Draft cannot be queued.
    assert!(matches!(
        s.queue(h.id),
        Err(StoreError::IllegalTransition {
            from: RecordState::Draft,
            action: "queue"
        })
    ));
    let warnings = s.finalize(h.id, common::photos_on_device).unwrap();
    assert!(warnings.iter().all(|f| f.severity == Severity::Warning));
    assert_eq!(s.state(h.id).unwrap(), RecordState::Final);
    let stored = s.household(h.id).unwrap();
    assert!(stored.interview.finalized_at.is_some());
    assert_eq!(stored.interview.enumerator.as_deref(), Some("tksk01"));
    assert_eq!(stored.interview.device_id, Some(s.device_id()));
    let rev = s.queue(h.id).unwrap();
    assert_eq!(s.state(h.id).unwrap(), RecordState::Queued);
    assert!(matches!(
        s.queue(h.id),
        Err(StoreError::IllegalTransition { .. })
    ));
    assert!(matches!(
        s.finalize(h.id, common::photos_on_device),
        Err(StoreError::IllegalTransition { .. })
    ));

    let push = s.pending_push(10).unwrap();
    assert_eq!(push.len(), 1);
    assert_eq!(push[0].revision, rev);
    assert_eq!(push[0].base_revision, None);
    assert!(matches!(&push[0].change, Change::Upsert { household } if household.id == h.id));
    s.mark_pushed(&[PushResult {
        household_id: h.id,
        revision: rev,
        outcome: PushOutcome::Duplicate {
            missing_photos: vec![],
        },
    }])
    .unwrap();
    let rec = s.record(h.id).unwrap();
    assert_eq!(rec.state, RecordState::Sent);
    assert_eq!(rec.acked_revision, Some(rev));
    assert!(s.pending_push(10).unwrap().is_empty());
    assert!(matches!(
        s.finalize(h.id, common::photos_on_device),
        Err(StoreError::IllegalTransition { .. })
    ));

    // Supervisor approves through a pull.
    s.apply_pull(&[PullItem::Review(ReviewOutcome {
        household_id: h.id,
        revision: rev,
        decision: ReviewDecision::Approved,
        note: None,
        reviewer: "spv".into(),
        decided_at: Utc::now(),
    })])
    .unwrap();
    assert_eq!(s.state(h.id).unwrap(), RecordState::Approved);

    // Editing an approved record: a new revision based on the acknowledged one, back to draft.
    s.set_field(h.id, "housing.rooms", json!(3)).unwrap();
    let rec = s.record(h.id).unwrap();
    assert_eq!(rec.state, RecordState::Draft);
    assert_ne!(rec.revision, rev);
    assert_eq!(rec.base_revision, Some(rev));
    // Further autosaves keep the working revision.
    s.set_field(h.id, "housing.rooms", json!(4)).unwrap();
    assert_eq!(s.record(h.id).unwrap().revision, rec.revision);
    s.finalize(h.id, common::photos_on_device).unwrap();
    s.queue(h.id).unwrap();
    let push = s.pending_push(10).unwrap();
    assert_eq!(push[0].base_revision, Some(rev));
    assert_eq!(push[0].revision, rec.revision);
}

#[test]
fn rejected_review_note_and_reedit() {
    let (_d, mut s) = store();
    let (id, rev) = sent(&mut s);
    s.apply_pull(&[PullItem::Review(ReviewOutcome {
        household_id: id,
        revision: rev,
        decision: ReviewDecision::Rejected,
        note: Some("Foto KK buram".into()),
        reviewer: "spv".into(),
        decided_at: Utc::now(),
    })])
    .unwrap();
    let rec = s.record(id).unwrap();
    assert_eq!(rec.state, RecordState::Rejected);
    assert_eq!(rec.review_note.as_deref(), Some("Foto KK buram"));
    assert_eq!(s.reviews(id).unwrap().len(), 1);
    s.set_field(id, "notes", json!("diperbaiki")).unwrap();
    let rec = s.record(id).unwrap();
    assert_eq!(rec.state, RecordState::Draft);
    assert_eq!(rec.base_revision, Some(rev));
}

#[test]
fn finalize_refuses_on_errors() {
    let (_d, mut s) = store();
    let h = example();
    s.save_household(&h).unwrap();
    s.set_field(h.id, "members[0].nik", json!("12345")).unwrap();
    match s.finalize(h.id, common::photos_on_device) {
        Err(StoreError::NotFinalizable(f)) => {
            assert!(f
                .iter()
                .any(|f| f.severity == Severity::Error && f.path == "members[0].nik"))
        }
        other => panic!("expected NotFinalizable, got {other:?}"),
    }
    assert_eq!(s.state(h.id).unwrap(), RecordState::Draft);
    // Photos are part of the checklist.
    s.set_field(h.id, "members[0].nik", json!(h.members[0].nik))
        .unwrap();
    let mut no_photos = s.household(h.id).unwrap();
    no_photos.photos.clear();
    s.save_household(&no_photos).unwrap();
    assert!(matches!(
        s.finalize(h.id, common::photos_on_device),
        Err(StoreError::NotFinalizable(_))
    ));
    let photo = h.photos[0].clone();
    assert_eq!(photo.kind, pendata_shared::PhotoKind::Rumah);
    s.attach_photo(h.id, &photo, "blob-1").unwrap();
    assert_eq!(s.photos(h.id).unwrap()[0].blob_id, "blob-1");
    assert_eq!(s.household(h.id).unwrap().photos.len(), 1);
}

#[test]
fn set_field_type_checks_and_audits() {
    let (_d, mut s) = store();
    s.set_username(Some("tksk01")).unwrap();
    let h = example();
    s.save_household(&h).unwrap();
    let before = s.household(h.id).unwrap();
    let audit_before = s.audit_trail(h.id).unwrap().len();

    let err = s.set_field(h.id, "housing.wall", json!(99)).unwrap_err();
    assert!(
        matches!(&err, StoreError::InvalidValue { path, .. } if path == "housing.wall"),
        "{err:?}"
    );
    assert_eq!(err.code(), "store.invalid_value");
    assert!(!err.message(pendata_shared::Lang::Id).is_empty());
    assert!(matches!(
        s.set_field(h.id, "members[1].sex", json!("perempuan")),
        Err(StoreError::InvalidValue { .. })
    ));
    assert!(matches!(
        s.set_field(h.id, "housing.walll", json!(1)),
        Err(StoreError::InvalidPath { .. })
    ));
    // A NIK typed as a number is refused, and the message does not repeat it.
    let err = s
        .set_field(h.id, "members[0].nik", json!(3201021403780003u64))
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidValue { .. }));
    assert!(!format!("{err:?} {err}").contains("3201021403780003"));
    assert!(matches!(
        s.set_field(h.id, "members[99].sex", json!(1)),
        Err(StoreError::InvalidPath { .. })
    ));
    assert!(matches!(
        s.set_field(h.id, "members[x", json!(1)),
        Err(StoreError::InvalidPath { .. })
    ));
    assert!(matches!(
        s.set_field(h.id, "id", json!("x")),
        Err(StoreError::ReadOnlyField { .. })
    ));
    assert!(matches!(
        s.set_field(h.id, "interview.duration_ms", json!(1)),
        Err(StoreError::ReadOnlyField { .. })
    ));
    assert!(matches!(
        s.set_field(HouseholdId::new(), "notes", json!("x")),
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        s.household(h.id).unwrap(),
        before,
        "nothing saved on errors"
    );
    assert_eq!(s.audit_trail(h.id).unwrap().len(), audit_before);

    s.set_field(h.id, "members[2].sex", json!(2)).unwrap();
    s.set_field(h.id, "notes", json!("rumah di ujung gang"))
        .unwrap();
    let after = s.household(h.id).unwrap();
    assert_eq!(
        after.members[2].sex,
        Some(pendata_shared::codes::Sex::Female)
    );
    assert_eq!(after.notes.as_deref(), Some("rumah di ujung gang"));
    assert!(after.interview.last_saved_at.is_some());
    let trail = s.audit_trail(h.id).unwrap();
    let last2 = &trail[trail.len() - 2..];
    assert_eq!(last2[0].path, "members[2].sex");
    assert_eq!(last2[0].old_value, Some(json!(1)));
    assert_eq!(last2[0].new_value, Some(json!(2)));
    assert_eq!(last2[0].username.as_deref(), Some("tksk01"));
    assert_eq!(last2[0].device_id, s.device_id().to_string());
    assert_eq!(last2[1].path, "notes");
    assert_eq!(last2[1].old_value, Some(json!(h.notes)));
    // Debug output of audit rows leaves the values out.
    assert!(!format!("{:?}", last2[0]).contains("new_value"));

    // Coarse calls audit too.
    let mut m = Member::new("Bayu Saputra");
    m.nik = Some("3201021111110001".into());
    let mid = m.id;
    s.add_member(h.id, m).unwrap();
    assert_eq!(s.household(h.id).unwrap().members.len(), 6);
    s.remove_member(h.id, mid).unwrap();
    assert_eq!(s.household(h.id).unwrap().members.len(), 5);
    let mut whole = s.household(h.id).unwrap();
    whole.housing.rooms = Some(7);
    s.save_household(&whole).unwrap();
    let trail = s.audit_trail(h.id).unwrap();
    assert_eq!(trail.last().unwrap().path, "housing.rooms");
    assert!(trail
        .iter()
        .any(|a| a.path == "members[5]" && a.new_value.is_none()));
}

#[test]
fn sessions_accumulate_duration() {
    let (_d, mut s) = store();
    let h = simple(&["Ani"], &[], "3201021501160007", "Jl. Mawar", "3201022001");
    s.create_household(&h).unwrap();
    s.begin_session(h.id).unwrap();
    let first = s.household(h.id).unwrap().interview.first_opened_at;
    assert!(first.is_some());
    std::thread::sleep(std::time::Duration::from_millis(15));
    let a = s.end_session(h.id).unwrap();
    s.begin_session(h.id).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(15));
    let b = s.end_session(h.id).unwrap();
    let after = s.household(h.id).unwrap();
    assert_eq!(after.interview.duration_ms, a + b);
    assert!(a > 0 && b > 0);
    assert_eq!(after.interview.first_opened_at, first);
    // No session open: nothing added.
    assert_eq!(s.end_session(h.id).unwrap(), 0);
}

#[test]
fn pull_never_overwrites_an_unacknowledged_edit() {
    let (_d, mut s) = store();
    let (id, rev) = sent(&mut s);
    s.set_field(id, "notes", json!("edit lokal")).unwrap();
    let local = s.household(id).unwrap();
    let local_rev = s.record(id).unwrap().revision;
    let sum = s
        .apply_pull(&[
            PullItem::Review(ReviewOutcome {
                household_id: id,
                revision: rev,
                decision: ReviewDecision::Rejected,
                note: Some("NIK salah".into()),
                reviewer: "spv".into(),
                decided_at: Utc::now(),
            }),
            PullItem::Conflict(ConflictNotice {
                household_id: id,
                revision: rev,
                current_revision: Some(RevisionId::new()),
                reason: ConflictReason::StaleBase,
                resolved_with: None,
                note: None,
            }),
        ])
        .unwrap();
    assert_eq!(sum.kept_local, 1);
    let rec = s.record(id).unwrap();
    assert_eq!(rec.state, RecordState::Draft);
    assert_eq!(rec.revision, local_rev);
    assert_eq!(s.household(id).unwrap(), local);
    let conflicts = s.conflicts(Some(id)).unwrap();
    assert!(conflicts
        .iter()
        .any(|c| c.reason == "review_on_local_edit" && c.note.as_deref() == Some("NIK salah")));
    assert!(s.status().unwrap().open_conflicts >= 1);
    // Applying the same page again is harmless.
    s.apply_pull(&[PullItem::Review(ReviewOutcome {
        household_id: id,
        revision: rev,
        decision: ReviewDecision::Rejected,
        note: Some("NIK salah".into()),
        reviewer: "spv".into(),
        decided_at: Utc::now(),
    })])
    .unwrap();
    assert_eq!(s.household(id).unwrap(), local);
    assert_eq!(s.reviews(id).unwrap().len(), 1);
}

#[test]
fn push_results_are_applied_per_record() {
    let (_d, mut s) = store();
    let mut ids = Vec::new();
    for i in 0..3 {
        let mut h = example();
        h.id = HouseholdId::new();
        h.notes = Some(format!("rt {i}"));
        s.save_household(&h).unwrap();
        s.finalize(h.id, common::photos_on_device).unwrap();
        ids.push(h.id);
    }
    assert_eq!(s.queue_all_final().unwrap(), 3);
    let push = s.pending_push(100).unwrap();
    assert_eq!(
        push.iter().map(|p| p.household_id).collect::<Vec<_>>(),
        ids,
        "in order, once each"
    );
    let finding = Finding {
        path: "members[0].nik".into(),
        severity: Severity::Error,
        code: "nik.length".into(),
        message: "NIK harus 16 digit".into(),
        message_en: "NIK must have 16 digits".into(),
    };
    let server_rev = RevisionId::new();
    let sum = s
        .mark_pushed(&[
            PushResult {
                household_id: ids[0],
                revision: push[0].revision,
                outcome: PushOutcome::Rejected {
                    findings: vec![finding.clone()],
                },
            },
            PushResult {
                household_id: ids[1],
                revision: push[1].revision,
                outcome: PushOutcome::Conflict {
                    current_revision: Some(server_rev),
                    reason: ConflictReason::ExistsWithoutBase,
                },
            },
            PushResult {
                household_id: ids[2],
                revision: push[2].revision,
                outcome: PushOutcome::Accepted {
                    missing_photos: vec![],
                    warnings: vec![],
                },
            },
        ])
        .unwrap();
    assert_eq!((sum.acknowledged, sum.conflicts, sum.rejected), (1, 1, 1));
    assert_eq!(s.state(ids[0]).unwrap(), RecordState::Draft);
    assert_eq!(s.state(ids[1]).unwrap(), RecordState::Conflict);
    assert_eq!(s.state(ids[2]).unwrap(), RecordState::Sent);
    let rej = s.rejected_pushes().unwrap();
    assert_eq!(rej.len(), 1);
    assert_eq!(rej[0].household_id, ids[0]);
    assert_eq!(rej[0].findings, vec![finding]);
    assert!(s.pending_push(100).unwrap().is_empty());
    // Re-queue the rejected one: a fresh revision, never the refused id.
    s.finalize(ids[0], common::photos_on_device).unwrap();
    let again = s.queue(ids[0]).unwrap();
    assert_ne!(again, push[0].revision);
    // Editing the conflicting one bases the new revision on the server's current one.
    s.set_field(ids[1], "notes", json!("dari revisi server"))
        .unwrap();
    assert_eq!(s.record(ids[1]).unwrap().base_revision, Some(server_rev));
    // A transport failure keeps records pending.
    let p = s.pending_push(100).unwrap();
    assert_eq!(p.len(), 1);
    s.mark_push_failed(&[p[0].revision], "timeout").unwrap();
    assert_eq!(s.pending_push(100).unwrap().len(), 1);
}

#[test]
fn tombstones_until_acknowledged() {
    let (_d, mut s) = store();
    // Never pushed: gone at once.
    let h = simple(&["Ani"], &[], "3201021501160007", "Jl. Mawar", "3201022001");
    s.create_household(&h).unwrap();
    assert_eq!(s.delete(h.id).unwrap(), DeleteOutcome::Purged);
    assert!(matches!(s.household(h.id), Err(StoreError::NotFound)));
    assert!(s.pending_push(10).unwrap().is_empty());

    // Acknowledged: a tombstone.
    let (id, rev) = sent(&mut s);
    assert_eq!(s.delete(id).unwrap(), DeleteOutcome::Tombstoned);
    assert_eq!(s.state(id).unwrap(), RecordState::Deleted);
    assert!(matches!(
        s.set_field(id, "notes", json!("x")),
        Err(StoreError::IllegalTransition { .. })
    ));
    assert!(matches!(
        s.delete(id),
        Err(StoreError::IllegalTransition { .. })
    ));
    assert!(
        s.search(&SearchQuery::default()).unwrap().is_empty(),
        "tombstones are not listed"
    );
    assert_eq!(
        s.search(&SearchQuery {
            state: Some(RecordState::Deleted),
            ..Default::default()
        })
        .unwrap()
        .len(),
        1
    );
    let push = s.pending_push(10).unwrap();
    assert_eq!(push.len(), 1);
    assert_eq!(push[0].change, Change::Delete);
    assert_eq!(push[0].base_revision, Some(rev));
    // Not acknowledged yet: still there after a failure.
    s.mark_push_failed(&[push[0].revision], "offline").unwrap();
    assert_eq!(s.state(id).unwrap(), RecordState::Deleted);
    s.mark_pushed(&[PushResult {
        household_id: id,
        revision: push[0].revision,
        outcome: PushOutcome::Accepted {
            missing_photos: vec![],
            warnings: vec![],
        },
    }])
    .unwrap();
    assert!(matches!(s.household(id), Err(StoreError::NotFound)));

    // Pushed but unanswered (the server may hold it): also a tombstone.
    let mut h = example();
    h.id = HouseholdId::new();
    s.save_household(&h).unwrap();
    s.finalize(h.id, common::photos_on_device).unwrap();
    s.queue(h.id).unwrap();
    assert_eq!(s.pending_push(10).unwrap().len(), 1);
    assert_eq!(s.delete(h.id).unwrap(), DeleteOutcome::Tombstoned);
    let push = s.pending_push(10).unwrap();
    assert_eq!(
        push.len(),
        1,
        "the unanswered upsert is replaced by the tombstone"
    );
    assert_eq!(push[0].change, Change::Delete);
}

#[test]
fn open_assignment_creates_the_verivali_record() {
    let (_d, mut s) = store();
    s.set_username(Some("tksk01")).unwrap();
    let hid = HouseholdId::new();
    let ex = example();
    let a = Assignment {
        kind: Default::default(),
        programme: None,
        desil: None,
        building_no: None,
        case: None,
        household_id: hid,
        prelist_id: "3201022001-00999".into(),
        desa_code: "3201022001".into(),
        rt: Some("001".into()),
        rw: Some("002".into()),
        address: "Kp. Babakan".into(),
        head_name: "Dadang Sunarya".into(),
        families: ex.families.clone(),
        members: vec![
            PrelistMember {
                name: "Dadang Sunarya".into(),
                nik: Some("3201021403780003".into()),
                relation_to_head: Some(pendata_shared::codes::Relation::Head),
                sex: Some(pendata_shared::codes::Sex::Male),
                birth_date: chrono::NaiveDate::from_ymd_opt(1978, 3, 14),
                family_no: Some(1),
            },
            PrelistMember {
                name: "Euis".into(),
                nik: None,
                relation_to_head: None,
                sex: None,
                birth_date: None,
                family_no: Some(1),
            },
        ],
        assigned_to: Some("tksk01".into()),
        active: true,
        updated_at: Utc::now(),
    };
    s.apply_pull(&[PullItem::Assignment(a.clone())]).unwrap();
    assert_eq!(s.assignments(Some("3201022001")).unwrap(), vec![a.clone()]);
    assert!(matches!(
        s.open_assignment(HouseholdId::new()),
        Err(StoreError::AssignmentNotFound)
    ));
    // A DTSEN ground check is not opened as a DTKS household: a clear error, no record.
    let mut gc = a.clone();
    gc.household_id = HouseholdId::new();
    gc.prelist_id = "GC-PKH-3201022001-0042".into();
    gc.kind = pendata_shared::protocol::AssignmentKind::GroundCheck;
    gc.programme = Some(pendata_shared::dtsen::family::ListProgramme::Pkh);
    s.apply_pull(&[PullItem::Assignment(gc.clone())]).unwrap();
    let err = s.open_assignment(gc.household_id).unwrap_err();
    assert_eq!(err.code(), "store.assignment_kind_unsupported");
    assert!(err
        .message(pendata_shared::Lang::Id)
        .contains("Ground check DTSEN"));
    assert!(matches!(
        s.state(gc.household_id),
        Err(StoreError::NotFound)
    ));
    let h = s.open_assignment(hid).unwrap();
    assert_eq!(h.id, hid);
    assert_eq!(
        h.kind,
        pendata_shared::RecordKind::Verivali {
            prelist_id: "3201022001-00999".into()
        }
    );
    assert_eq!(h.members.len(), 2);
    assert_eq!(h.members[0].nik.as_deref(), Some("3201021403780003"));
    assert_eq!(h.families, ex.families);
    assert_eq!(h.location.rt.as_deref(), Some("001"));
    assert!(h.interview.first_opened_at.is_some());
    assert_eq!(h.interview.enumerator.as_deref(), Some("tksk01"));
    assert_eq!(s.state(hid).unwrap(), RecordState::Draft);
    // Opening again returns the record, edits kept.
    s.set_field(hid, "members[1].sex", json!(2)).unwrap();
    let again = s.open_assignment(hid).unwrap();
    assert_eq!(
        again.members[1].sex,
        Some(pendata_shared::codes::Sex::Female)
    );
    // An assignment update never touches the record.
    let mut a2 = a.clone();
    a2.head_name = "Dadang S.".into();
    a2.updated_at = Utc::now();
    s.apply_pull(&[PullItem::Assignment(a2)]).unwrap();
    assert_eq!(s.household(hid).unwrap(), again);
    let hits = s
        .search(&SearchQuery {
            text: Some("dadang".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].id, hid);
}

#[test]
fn settings_and_cursor_survive_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let device = {
        let mut s = Store::open_in_dir(dir.path(), &common::key(dir.path())).unwrap();
        s.set_pull_cursor("c-42").unwrap();
        s.set_username(Some("tksk09")).unwrap();
        s.set_setting("server_url", Some("https://pendata.example"))
            .unwrap();
        assert!(s.set_setting("device_id", Some("x")).is_err());
        s.device_id()
    };
    let s = Store::open_in_dir(dir.path(), &common::unlock(dir.path())).unwrap();
    assert_eq!(s.device_id(), device);
    assert_eq!(s.pull_cursor().unwrap().as_deref(), Some("c-42"));
    assert_eq!(s.username(), Some("tksk09"));
    assert_eq!(
        s.setting("server_url").unwrap().as_deref(),
        Some("https://pendata.example")
    );
}

#[test]
fn answer_for_an_in_flight_revision_rebases_the_newer_edit() {
    let (_d, mut s) = store();
    let h = example();
    s.save_household(&h).unwrap();
    s.finalize(h.id, common::photos_on_device).unwrap();
    let old = s.queue(h.id).unwrap();
    assert_eq!(s.pending_push(10).unwrap().len(), 1); // in flight
    s.set_field(h.id, "notes", json!("diubah saat mengirim"))
        .unwrap();
    let rec = s.record(h.id).unwrap();
    assert_ne!(rec.revision, old);
    assert_eq!(rec.base_revision, None);
    assert!(
        s.pending_push(10).unwrap().is_empty(),
        "the unanswered revision is superseded"
    );
    s.mark_pushed(&[PushResult {
        household_id: h.id,
        revision: old,
        outcome: PushOutcome::Accepted {
            missing_photos: vec![],
            warnings: vec![],
        },
    }])
    .unwrap();
    let rec = s.record(h.id).unwrap();
    assert_eq!(
        rec.state,
        RecordState::Draft,
        "the local edit stays a draft"
    );
    assert_eq!(rec.acked_revision, Some(old));
    assert_eq!(rec.base_revision, Some(old));
    assert_eq!(
        s.household(h.id).unwrap().notes.as_deref(),
        Some("diubah saat mengirim")
    );
    s.finalize(h.id, common::photos_on_device).unwrap();
    s.queue(h.id).unwrap();
    assert_eq!(s.pending_push(10).unwrap()[0].base_revision, Some(old));
}

#[test]
fn conflict_notices_from_pull() {
    let (_d, mut s) = store();
    let h = example();
    s.save_household(&h).unwrap();
    s.finalize(h.id, common::photos_on_device).unwrap();
    let rev = s.queue(h.id).unwrap();
    s.pending_push(10).unwrap();
    let theirs = RevisionId::new();
    s.mark_pushed(&[PushResult {
        household_id: h.id,
        revision: rev,
        outcome: PushOutcome::Conflict {
            current_revision: Some(theirs),
            reason: ConflictReason::StaleBase,
        },
    }])
    .unwrap();
    assert_eq!(s.state(h.id).unwrap(), RecordState::Conflict);
    // The supervisor keeps the device's revision.
    s.apply_pull(&[PullItem::Conflict(ConflictNotice {
        household_id: h.id,
        revision: rev,
        current_revision: Some(rev),
        reason: ConflictReason::StaleBase,
        resolved_with: Some(rev),
        note: Some("data lapangan lebih baru".into()),
    })])
    .unwrap();
    let rec = s.record(h.id).unwrap();
    assert_eq!(rec.state, RecordState::Sent);
    assert_eq!(rec.acked_revision, Some(rev));
    let c = s.conflicts(Some(h.id)).unwrap();
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].resolved_with, Some(rev));
    assert_eq!(s.status().unwrap().open_conflicts, 0);
}

/// A photo lost on the device: the households needing it are set aside (`needs_photo`, the photo
/// named), a revision only this sync handed out leaves the outbox, one an earlier sync handed
/// out (the server may hold it) stays to be sent again, and a retake clears the problem.
#[test]
fn a_lost_photo_sets_aside_the_households_that_need_it() {
    use pendata_shared::photos::{LocalPhotoProblem, PhotoKind};

    let (_d, mut s) = store();
    let mut a = example();
    let mut b = example();
    b.id = HouseholdId::new();
    let ktp = a
        .photos
        .iter()
        .find(|p| p.kind == PhotoKind::Ktp)
        .unwrap()
        .clone();
    // b has photos of its own for every kind but shares none with a's KTP.
    b.photos = a.photos.clone();
    for (i, p) in b.photos.iter_mut().enumerate() {
        p.sha256 = pendata_shared::Sha256Hex::digest(format!("b{i}").as_bytes());
        p.member_id = None;
    }
    a.notes = Some("a".into());
    for h in [&a, &b] {
        s.save_household(h).unwrap();
        s.finalize(h.id, common::photos_on_device).unwrap();
        s.queue(h.id).unwrap();
    }
    // a was handed out by an earlier sync too (its answer may have been lost); b only now.
    s.pending_push(100).unwrap();
    s.pending_push(100).unwrap();
    let a_rev = s.record(a.id).unwrap().revision;

    let aside = s
        .set_aside_for_photo(&ktp.sha256, LocalPhotoProblem::Missing)
        .unwrap();
    assert_eq!(aside.len(), 1, "only the household referencing the photo");
    assert_eq!(aside[0].household_id, a.id);
    assert!(
        aside[0].withdrawn.is_empty(),
        "an earlier sync handed it out: it stays"
    );
    assert_eq!(
        aside[0].finding.message,
        "Foto KTP (Ahmad Suryana) tidak ada di perangkat — ambil ulang"
    );
    assert_eq!(
        aside[0].finding.message_en,
        "Identity card (KTP) photo (Ahmad Suryana) is not on this device — take it again"
    );
    assert_eq!(s.state(a.id).unwrap(), RecordState::NeedsPhoto);
    assert_eq!(s.state(b.id).unwrap(), RecordState::Queued);
    let pending: Vec<_> = s
        .pending_list()
        .unwrap()
        .into_iter()
        .map(|p| p.revision)
        .collect();
    assert!(pending.contains(&a_rev));
    let problems = s.photo_problems().unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].finding, aside[0].finding);
    assert_eq!(s.status().unwrap().states["needs_photo"], 1);

    // A fresh household handed out once (this sync): withdrawn unsent.
    let mut c = example();
    c.id = HouseholdId::new();
    c.photos = a.photos.clone();
    s.save_household(&c).unwrap();
    s.finalize(c.id, common::photos_on_device).unwrap();
    let c_rev = s.queue(c.id).unwrap();
    s.pending_push(100).unwrap();
    let aside = s
        .set_aside_for_photo(&ktp.sha256, LocalPhotoProblem::Damaged)
        .unwrap();
    let c_aside = aside.iter().find(|x| x.household_id == c.id).unwrap();
    assert_eq!(c_aside.withdrawn, vec![c_rev]);
    assert!(c_aside
        .finding
        .message
        .ends_with("rusak di perangkat — ambil ulang"));
    assert!(!s
        .pending_list()
        .unwrap()
        .iter()
        .any(|p| p.revision == c_rev));

    // It cannot be final while the photo does not read back; once it does, it can.
    let refuse = |p: &pendata_shared::PhotoRef| {
        (p.sha256 == ktp.sha256).then_some(LocalPhotoProblem::Missing)
    };
    match s.finalize(c.id, refuse) {
        Err(StoreError::NotFinalizable(f)) => {
            assert!(f.iter().any(|f| f.code == "photo.not_on_device"), "{f:?}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.state(c.id).unwrap(), RecordState::NeedsPhoto);
    s.finalize(c.id, common::photos_on_device).unwrap();
    assert_eq!(s.state(c.id).unwrap(), RecordState::Final);
    assert!(s
        .photo_problems()
        .unwrap()
        .iter()
        .all(|p| p.household_id != c.id));
    let new_rev = s.queue(c.id).unwrap();
    assert_ne!(
        new_rev, c_rev,
        "a new revision: the withdrawn one never left the device"
    );
}
