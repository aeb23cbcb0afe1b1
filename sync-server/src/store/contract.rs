//! Contract tests every storage backend must pass, one function per case, generic over the
//! trait so every backend runs the same suite. [`account_contract_tests!`],
//! [`record_contract_tests!`], [`blob_contract_tests!`] and [`concurrency_contract_tests!`]
//! make one named `#[test]` per case for a backend (a failure names its case), from a factory
//! that returns a fresh, empty store each time (`None`: the backend is not available here).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use uuid::Uuid;

mod ground_check;
pub(crate) use ground_check::family as ground_check_family;
pub use ground_check::ground_check_progress_is_counted_in_the_database;

use super::{
    AccountStore, BlobError, BlobStatus, BlobStore, ContentRejection, NewUser, Role, Sha256Hex,
    StoreError, TokenHash,
};

fn new_user(name: &str, role: Role, wilayah: &str) -> NewUser {
    NewUser {
        username: name.into(),
        password_hash: format!("$argon2id$fake-for-{name}"),
        role,
        wilayah: wilayah.into(),
    }
}

/// users: create, unique (case-insensitive), look up, list
pub fn users_are_unique_without_regard_to_case<S: AccountStore>(make: impl Fn() -> S) {
    let s = make();
    let ani = s
        .create_user(new_user("ani", Role::Enumerator, "3201012001"))
        .unwrap();
    assert_eq!(ani.username, "ani");
    assert!(!ani.disabled);
    assert!(matches!(
        s.create_user(new_user("ANI", Role::Admin, "")),
        Err(StoreError::UsernameTaken)
    ));
    s.create_user(new_user("budi", Role::Admin, "")).unwrap();
    let creds = s
        .credentials("Ani")
        .unwrap()
        .expect("case-insensitive lookup");
    assert_eq!(creds.user.id, ani.id);
    assert_eq!(creds.password_hash, "$argon2id$fake-for-ani");
    assert_eq!(creds.user.wilayah, "3201012001");
    assert!(s.credentials("nobody").unwrap().is_none());
    let names: Vec<_> = s
        .list_users()
        .unwrap()
        .into_iter()
        .map(|u| (u.username, u.role))
        .collect();
    assert_eq!(
        names,
        vec![
            ("ani".into(), Role::Enumerator),
            ("budi".into(), Role::Admin)
        ]
    );
}

/// sessions: create, look up, one token per device, revoke
pub fn sessions_are_one_token_per_device<S: AccountStore>(make: impl Fn() -> S) {
    let s = make();
    let ani = s
        .create_user(new_user("ani", Role::Supervisor, "3201"))
        .unwrap();
    let phone = Uuid::now_v7();
    let t1 = TokenHash([1; 32]);
    s.create_session(ani.id, phone, "HP Ani", t1).unwrap();
    let session = s.session(&t1).unwrap().expect("token valid");
    assert_eq!(session.user.id, ani.id);
    assert_eq!(session.device_id, phone);
    assert_eq!(session.user.active_devices, 1);
    assert!(s.session(&TokenHash([9; 32])).unwrap().is_none());

    // logging in again on the same device replaces the old token
    let t2 = TokenHash([2; 32]);
    s.create_session(ani.id, phone, "HP Ani", t2).unwrap();
    assert!(s.session(&t1).unwrap().is_none(), "old token revoked");
    assert!(s.session(&t2).unwrap().is_some());

    // a second device has its own token
    let tablet = Uuid::now_v7();
    let t3 = TokenHash([3; 32]);
    s.create_session(ani.id, tablet, "Tablet", t3).unwrap();
    assert!(s.session(&t2).unwrap().is_some());
    assert_eq!(s.session(&t3).unwrap().unwrap().user.active_devices, 2);

    assert!(s.revoke_token(&t3).unwrap());
    assert!(!s.revoke_token(&t3).unwrap(), "second revoke is a no-op");
    assert!(s.session(&t3).unwrap().is_none());
    assert!(s.session(&t2).unwrap().is_some());
}

/// disable and reset-devices take effect at once
pub fn disable_and_reset_devices_take_effect_at_once<S: AccountStore>(make: impl Fn() -> S) {
    let s = make();
    let ani = s
        .create_user(new_user("ani", Role::Enumerator, "32"))
        .unwrap();
    let t = TokenHash([7; 32]);
    s.create_session(ani.id, Uuid::now_v7(), "HP", t).unwrap();
    assert!(s.set_disabled("ani", true).unwrap());
    assert!(
        s.session(&t).unwrap().is_none(),
        "disabled user's token refused"
    );
    assert!(s.credentials("ani").unwrap().unwrap().user.disabled);
    assert!(s.set_disabled("ani", false).unwrap());
    assert!(s.session(&t).unwrap().is_some(), "re-enabled");
    assert!(!s.set_disabled("nobody", true).unwrap());

    let t2 = TokenHash([8; 32]);
    s.create_session(ani.id, Uuid::now_v7(), "HP2", t2).unwrap();
    assert_eq!(s.reset_devices("ani").unwrap(), Some(2));
    assert!(s.session(&t).unwrap().is_none());
    assert!(s.session(&t2).unwrap().is_none());
    assert_eq!(s.list_users().unwrap()[0].active_devices, 0);
    assert_eq!(s.reset_devices("nobody").unwrap(), None);
}

/// A content check that accepts anything starting with `ok`.
fn starts_with_ok(bytes: &[u8]) -> Result<(), ContentRejection> {
    if bytes.starts_with(b"ok") {
        Ok(())
    } else {
        Err(ContentRejection {
            code: "test.rejected",
            message: "ditolak".into(),
            message_en: "rejected".into(),
        })
    }
}

fn body(bytes: &[u8]) -> axum::body::Body {
    axum::body::Body::from(bytes.to_vec())
}

/// whole upload in one chunk; duplicates are free
pub async fn a_whole_upload_in_one_chunk<S: BlobStore>(make: impl Fn() -> S) {
    let content = b"ok, some photo bytes that are long enough to split".to_vec();
    let hash = Sha256Hex::of(&content);
    let total = content.len() as u64;

    let s = make();
    assert_eq!(s.status(&hash).await.unwrap(), BlobStatus::Partial(0));
    assert!(s.read(&hash).await.unwrap().is_none());
    let out = s
        .append(&hash, 0, total, body(&content), starts_with_ok)
        .await
        .unwrap();
    assert!(out.complete);
    assert_eq!((out.received, out.total), (total, total));
    assert_eq!(s.status(&hash).await.unwrap(), BlobStatus::Complete(total));
    assert_eq!(s.read(&hash).await.unwrap().unwrap(), content);
    // a duplicate (even with garbage) is answered complete without rewriting
    let again = s
        .append(&hash, 0, total, body(b"garbage"), starts_with_ok)
        .await
        .unwrap();
    assert!(again.complete);
    assert_eq!(s.read(&hash).await.unwrap().unwrap(), content);
}

/// an upload silent for longer than the sweep's idle time is forgotten (its photo starts again
/// from 0 and still completes); one silent for less, and complete photos, stay
pub async fn abandoned_uploads_are_swept_and_nothing_else<S: BlobStore>(make: impl Fn() -> S) {
    let content = b"ok, some photo bytes that are long enough to split".to_vec();
    let hash = Sha256Hex::of(&content);
    let done = b"ok, a photo that was sent whole".to_vec();
    let done_hash = Sha256Hex::of(&done);
    let total = content.len() as u64;
    let hour = std::time::Duration::from_secs(3600);

    let s = make();
    s.append(
        &done_hash,
        0,
        done.len() as u64,
        body(&done),
        starts_with_ok,
    )
    .await
    .unwrap();
    s.append(&hash, 0, total, body(&content[..10]), starts_with_ok)
        .await
        .unwrap();
    assert_eq!(
        s.sweep_abandoned(hour).await.unwrap(),
        0,
        "not idle for an hour"
    );
    assert_eq!(s.status(&hash).await.unwrap(), BlobStatus::Partial(10));
    // Idle for longer than a second now.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let second = std::time::Duration::from_secs(1);
    assert_eq!(s.sweep_abandoned(second).await.unwrap(), 1);
    assert_eq!(s.status(&hash).await.unwrap(), BlobStatus::Partial(0));
    assert_eq!(s.sweep_abandoned(second).await.unwrap(), 0, "nothing left");
    assert_eq!(
        s.read(&done_hash).await.unwrap().as_deref(),
        Some(done.as_slice()),
        "a complete photo is never swept"
    );
    // The phone that comes back starts from 0 and finishes.
    match s
        .append(&hash, 10, total, body(&content[10..]), starts_with_ok)
        .await
    {
        Err(BlobError::OffsetMismatch { received }) => assert_eq!(received, 0),
        other => panic!("expected OffsetMismatch, got {other:?}"),
    }
    let out = s
        .append(&hash, 0, total, body(&content), starts_with_ok)
        .await
        .unwrap();
    assert!(out.complete);
    assert_eq!(s.read(&hash).await.unwrap().unwrap(), content);
}

/// chunked and resumed; wrong offsets refused with the staged count
pub async fn chunks_resume_at_the_staged_count<S: BlobStore>(make: impl Fn() -> S) {
    let content = b"ok, some photo bytes that are long enough to split".to_vec();
    let hash = Sha256Hex::of(&content);
    let total = content.len() as u64;

    let s = make();
    let (a, b) = content.split_at(10);
    let out = s
        .append(&hash, 0, total, body(a), starts_with_ok)
        .await
        .unwrap();
    assert_eq!((out.received, out.complete), (10, false));
    assert_eq!(s.status(&hash).await.unwrap(), BlobStatus::Partial(10));
    assert!(
        s.read(&hash).await.unwrap().is_none(),
        "partial is not readable"
    );
    match s.append(&hash, 0, total, body(a), starts_with_ok).await {
        Err(BlobError::OffsetMismatch { received }) => assert_eq!(received, 10),
        other => panic!("expected OffsetMismatch, got {other:?}"),
    }
    match s
        .append(&hash, 11, total, body(&b[1..]), starts_with_ok)
        .await
    {
        Err(BlobError::OffsetMismatch { received }) => assert_eq!(received, 10),
        other => panic!("expected OffsetMismatch, got {other:?}"),
    }
    let out = s
        .append(&hash, 10, total, body(b), starts_with_ok)
        .await
        .unwrap();
    assert!(out.complete);
    assert_eq!(s.read(&hash).await.unwrap().unwrap(), content);
}

/// past the total: refused, staged bytes unchanged
pub async fn a_chunk_past_the_total_is_refused<S: BlobStore>(make: impl Fn() -> S) {
    let content = b"ok, some photo bytes that are long enough to split".to_vec();
    let hash = Sha256Hex::of(&content);
    let total = content.len() as u64;

    let s = make();
    s.append(&hash, 0, total, body(&content[..5]), starts_with_ok)
        .await
        .unwrap();
    let mut too_long = content[5..].to_vec();
    too_long.push(b'!');
    assert!(matches!(
        s.append(&hash, 5, total, body(&too_long), starts_with_ok)
            .await,
        Err(BlobError::PastTotal)
    ));
    assert_eq!(s.status(&hash).await.unwrap(), BlobStatus::Partial(5));
    assert!(matches!(
        s.append(&hash, 0, 0, body(b""), starts_with_ok).await,
        Err(BlobError::BadTotal { .. })
    ));
}

/// wrong content for the name: discarded
pub async fn wrong_content_is_discarded<S: BlobStore>(make: impl Fn() -> S) {
    let content = b"ok, some photo bytes that are long enough to split".to_vec();
    let hash = Sha256Hex::of(&content);
    let total = content.len() as u64;

    let s = make();
    let mut wrong = content.clone();
    wrong[20] ^= 1;
    assert!(matches!(
        s.append(&hash, 0, total, body(&wrong), starts_with_ok)
            .await,
        Err(BlobError::HashMismatch)
    ));
    assert_eq!(s.status(&hash).await.unwrap(), BlobStatus::Partial(0));
    assert!(s.read(&hash).await.unwrap().is_none());
}

/// content refused by the check: discarded
pub async fn content_refused_by_the_check_is_discarded<S: BlobStore>(make: impl Fn() -> S) {
    let s = make();
    let bad = b"not ok at all".to_vec();
    let bad_hash = Sha256Hex::of(&bad);
    assert!(matches!(
        s.append(&bad_hash, 0, bad.len() as u64, body(&bad), starts_with_ok)
            .await,
        Err(BlobError::Rejected(_))
    ));
    assert_eq!(s.status(&bad_hash).await.unwrap(), BlobStatus::Partial(0));
}

/// racing identical chunks: exactly one wins, the blob is intact
pub async fn racing_identical_chunks_leave_one_intact_blob<S: BlobStore>(make: impl Fn() -> S) {
    let content = b"ok, some photo bytes that are long enough to split".to_vec();
    let hash = Sha256Hex::of(&content);
    let total = content.len() as u64;

    let s = std::sync::Arc::new(make());
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let s = s.clone();
        let (hash, content) = (hash.clone(), content.clone());
        tasks.push(tokio::spawn(async move {
            s.append(&hash, 0, total, body(&content), starts_with_ok)
                .await
        }));
    }
    for t in tasks {
        match t.await.unwrap() {
            Ok(out) => assert!(out.complete),
            Err(BlobError::OffsetMismatch { .. }) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(s.read(&hash).await.unwrap().unwrap(), content);
}

// ---------------------------------------------------------------------------------------------
// RecordStore

use pendata_shared::model::{Household, RecordKind};
use pendata_shared::protocol::{
    content_hash, Change, ConflictReason, PullItem, PushOutcome, PushRecord, ResolveRequest,
    ReviewDecision, ReviewRequest,
};
use pendata_shared::{HouseholdId, RevisionId};

use super::{
    collect_export, each_progress, IncomingRecord, ListQuery, PageAfter, PrelistHousehold,
    ProgressRow, Puller, Pusher, RecordError, RecordStore, RestoreStore, ReviewState, Scope,
    ShaHex, StateFilter,
};

/// A pusher (enumerator) working in `wilayah`.
pub fn pusher(wilayah: &str) -> Pusher {
    Pusher {
        username: "ani".into(),
        device_id: Uuid::now_v7(),
        scope: Scope::within(wilayah),
    }
}

/// An empty new-proposal household in `desa`.
pub fn household(desa: &str) -> Household {
    Household::new(
        RecordKind::UsulanBaru {
            musdes: Default::default(),
        },
        desa,
    )
}

/// A ready record for `h` based on `base`.
pub fn incoming(h: Household, base: Option<RevisionId>) -> IncomingRecord {
    let id = h.id;
    let desa = h.location.desa_code.clone();
    let photos: Vec<ShaHex> = h.photos.iter().map(|p| p.sha256.clone()).collect();
    let change = Change::Upsert {
        household: Box::new(h),
    };
    ready(
        PushRecord::new(RevisionId::new(), base, chrono::Utc::now(), id, change),
        Some(desa),
        photos,
    )
}

pub(crate) fn ready(
    record: PushRecord,
    desa: Option<String>,
    photos: Vec<ShaHex>,
) -> IncomingRecord {
    IncomingRecord {
        questionnaire: Default::default(),
        packed_change: None,
        change_json: serde_json::to_string(&record.change).unwrap(),
        record,
        desa_code: desa,
        head_name: String::new(),
        missing_photos: photos.clone(),
        photos,
        warnings: Vec::new(),
        period: None,
    }
}

pub fn puller(name: &str, role: Role, wilayah: &str) -> Puller {
    Puller {
        username: name.into(),
        role,
        scope: Scope::of(role, wilayah),
    }
}

pub fn prelist(id: &str, desa: &str, assigned_to: Option<&str>) -> PrelistHousehold {
    PrelistHousehold {
        listing: None,
        prelist_id: id.into(),
        desa_code: desa.into(),
        rt: Some("001".into()),
        rw: Some("002".into()),
        address: "Kp. Uji".into(),
        families: Vec::new(),
        members: Vec::new(),
        assigned_to: assigned_to.map(Into::into),
    }
}

/// Every progress row of `scope`, page by page.
pub fn progress_all<S: RecordStore + ?Sized>(s: &S, scope: &Scope) -> Vec<ProgressRow> {
    let mut rows = Vec::new();
    each_progress(s, scope, |r| {
        rows.push(r);
        Ok::<(), StoreError>(())
    })
    .unwrap();
    rows
}

pub(crate) fn all_pulled<S: RecordStore>(s: &S, who: &Puller) -> Vec<PullItem> {
    let mut after = 0;
    let mut out = Vec::new();
    loop {
        let page = s.pull(who, after, 2).unwrap();
        out.extend(page.items);
        after = page.last_seq;
        if !page.has_more {
            return out;
        }
    }
}

/// accepted, duplicate, stale base, exists without base, same revision other content
pub fn conflicts_follow_the_rules<S: RecordStore>(make: impl Fn() -> S) {
    let desa = "3201022001";
    let s = make();
    let p = pusher("320102");
    let h = household(desa);
    let first = incoming(h.clone(), None);
    let out = s.push(&p, vec![first.clone()]).unwrap();
    assert!(matches!(out[0], PushOutcome::Accepted { .. }), "{out:?}");
    let out = s.push(&p, vec![first.clone()]).unwrap();
    assert!(matches!(out[0], PushOutcome::Duplicate { .. }), "{out:?}");

    let mut edited = h.clone();
    edited.notes = Some("kedua".into());
    let second = incoming(edited.clone(), Some(first.record.revision));
    assert!(matches!(
        s.push(&p, vec![second.clone()]).unwrap()[0],
        PushOutcome::Accepted { .. }
    ));
    // an edit from the first revision is now stale: kept as a conflict
    edited.notes = Some("ketiga".into());
    let stale = incoming(edited.clone(), Some(first.record.revision));
    match &s.push(&p, vec![stale.clone()]).unwrap()[0] {
        PushOutcome::Conflict {
            current_revision,
            reason,
        } => {
            assert_eq!(*reason, ConflictReason::StaleBase);
            assert_eq!(*current_revision, Some(second.record.revision));
        }
        other => panic!("expected conflict, got {other:?}"),
    }
    let no_base = incoming(edited.clone(), None);
    assert!(matches!(
        s.push(&p, vec![no_base]).unwrap()[0],
        PushOutcome::Conflict {
            reason: ConflictReason::ExistsWithoutBase,
            ..
        }
    ));
    // the same revision id with other content
    let mut other = first.clone();
    other.record.change = Change::Delete;
    other.record.content_sha256 = content_hash(&Change::Delete);
    other.change_json = serde_json::to_string(&Change::Delete).unwrap();
    other.desa_code = None;
    assert!(matches!(
        s.push(&p, vec![other]).unwrap()[0],
        PushOutcome::Conflict {
            reason: ConflictReason::SameRevisionDifferentContent,
            ..
        }
    ));

    // the current revision was never overwritten
    let detail = s.get(h.id, &Scope::all()).unwrap().unwrap();
    assert_eq!(
        detail.summary.current_revision,
        Some(second.record.revision)
    );
    assert_eq!(detail.household.unwrap().notes.as_deref(), Some("kedua"));
    assert_eq!(detail.revisions.len(), 4, "first, second and two conflicts");
    assert_eq!(detail.summary.open_conflicts, 3);

    // the pusher learns of the conflicts; resolving closes them
    let ani = puller("ani", Role::Enumerator, "320102");
    let conflicts = all_pulled(&s, &ani)
        .into_iter()
        .filter(|i| matches!(i, PullItem::Conflict(_)))
        .count();
    assert_eq!(conflicts, 3);
    let before = s.pull(&ani, 0, 500).unwrap().last_seq;
    let summary = s
        .resolve(
            h.id,
            &ResolveRequest {
                keep_revision: stale.record.revision,
                reason: "catatan ketiga benar".into(),
            },
            "supervisor",
            &Scope::within("320102"),
        )
        .unwrap();
    assert_eq!(summary.current_revision, Some(stale.record.revision));
    assert_eq!(summary.open_conflicts, 0);
    let after = s.pull(&ani, before, 500).unwrap();
    assert_eq!(after.items.len(), 3, "every notice comes again, resolved");
    for item in after.items {
        match item {
            PullItem::Conflict(n) => {
                assert_eq!(n.resolved_with, Some(stale.record.revision))
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(matches!(
        s.resolve(
            h.id,
            &ResolveRequest {
                keep_revision: RevisionId::new(),
                reason: "x".into()
            },
            "s",
            &Scope::all()
        ),
        Err(RecordError::UnknownRevision)
    ));
    assert!(matches!(
        s.resolve(
            h.id,
            &ResolveRequest {
                keep_revision: stale.record.revision,
                reason: "x".into()
            },
            "s",
            &Scope::within("320101")
        ),
        Err(RecordError::NotFound)
    ));
}

/// resolve closes an open conflict, nothing else: an old superseded revision is not a
/// candidate, and a second resolve is refused and changes nothing (state, review, change
/// log), so it cannot throw a later approval away
pub fn resolve_acts_only_on_an_open_conflict<S: RecordStore>(make: impl Fn() -> S) {
    let desa = "3201022001";
    let s = make();
    let p = pusher("320102");
    let ani = puller("ani", Role::Enumerator, "320102");
    let scope = Scope::within("320102");
    let h = household(desa);
    let first = incoming(h.clone(), None);
    s.push(&p, vec![first.clone()]).unwrap();
    let mut edited = h.clone();
    edited.notes = Some("kedua".into());
    let second = incoming(edited.clone(), Some(first.record.revision));
    s.push(&p, vec![second.clone()]).unwrap();
    edited.notes = Some("dari HP lain".into());
    let stale = incoming(edited, Some(first.record.revision));
    assert!(matches!(
        s.push(&p, vec![stale.clone()]).unwrap()[0],
        PushOutcome::Conflict { .. }
    ));
    let resolve = |keep: RevisionId| {
        s.resolve(
            h.id,
            &ResolveRequest {
                keep_revision: keep,
                reason: "sudah dicek di lapangan".into(),
            },
            "sup",
            &scope,
        )
    };
    let before = s.get(h.id, &scope).unwrap().unwrap();
    let log_before = s.pull(&ani, 0, 500).unwrap();
    assert!(matches!(
        resolve(first.record.revision),
        Err(RecordError::NotACandidate)
    ));
    assert_eq!(s.get(h.id, &scope).unwrap().unwrap(), before);
    assert_eq!(s.pull(&ani, 0, 500).unwrap(), log_before);

    let summary = resolve(second.record.revision).unwrap();
    assert_eq!(summary.current_revision, Some(second.record.revision));
    assert_eq!(summary.open_conflicts, 0);
    s.review(
        h.id,
        &ReviewRequest {
            revision: second.record.revision,
            decision: ReviewDecision::Approved,
            note: None,
        },
        "sup",
        &scope,
    )
    .unwrap();
    let before = s.get(h.id, &scope).unwrap().unwrap();
    assert_eq!(before.summary.review_state, ReviewState::Approved);
    let log_before = s.pull(&ani, 0, 500).unwrap();
    // again, keeping the same revision or the one resolved away: nothing to resolve
    for keep in [second.record.revision, stale.record.revision] {
        assert!(
            matches!(resolve(keep), Err(RecordError::NoOpenConflict)),
            "{keep}"
        );
    }
    let after = s.get(h.id, &scope).unwrap().unwrap();
    assert_eq!(after, before, "nothing changed");
    assert_eq!(after.summary.review_state, ReviewState::Approved);
    assert_eq!(after.summary.current_revision, Some(second.record.revision));
    assert_eq!(
        s.pull(&ani, 0, 500).unwrap(),
        log_before,
        "no change-log row"
    );
    // the unknown revision and the other wilayah answer as before
    assert!(matches!(
        resolve(RevisionId::new()),
        Err(RecordError::UnknownRevision)
    ));
    assert!(matches!(
        s.resolve(
            h.id,
            &ResolveRequest {
                keep_revision: second.record.revision,
                reason: "x".into()
            },
            "s",
            &Scope::within("320101")
        ),
        Err(RecordError::NotFound)
    ));
}

/// a household that never had a conflict, approved: resolve keeps the approval
pub fn resolve_keeps_an_approval_without_a_conflict<S: RecordStore>(make: impl Fn() -> S) {
    let desa = "3201022001";
    let s = make();
    let p = pusher("320102");
    let ani = puller("ani", Role::Enumerator, "320102");
    let scope = Scope::within("320102");
    let rec = incoming(household(desa), None);
    let id = rec.record.household_id;
    s.push(&p, vec![rec.clone()]).unwrap();
    s.review(
        id,
        &ReviewRequest {
            revision: rec.record.revision,
            decision: ReviewDecision::Approved,
            note: None,
        },
        "sup",
        &scope,
    )
    .unwrap();
    let before = s.get(id, &scope).unwrap().unwrap();
    let log_before = s.pull(&ani, 0, 500).unwrap();
    assert!(matches!(
        s.resolve(
            id,
            &ResolveRequest {
                keep_revision: rec.record.revision,
                reason: "tidak perlu".into()
            },
            "sup",
            &scope
        ),
        Err(RecordError::NoOpenConflict)
    ));
    let after = s.get(id, &scope).unwrap().unwrap();
    assert_eq!(after, before);
    assert_eq!(after.summary.review_state, ReviewState::Approved);
    assert_eq!(after.revisions[0].state, "current");
    assert_eq!(s.pull(&ani, 0, 500).unwrap(), log_before);
}

/// one bad record never fails the others; outside the wilayah is rejected
pub fn one_bad_record_never_fails_the_others<S: RecordStore>(make: impl Fn() -> S) {
    let desa = "3201022001";
    let s = make();
    let p = pusher("320102");
    let a = incoming(household(desa), None);
    let b = incoming(household(desa), None);
    s.push(&p, vec![a.clone()]).unwrap();
    let other_kec = pusher("320101");
    let mut intruder = incoming(
        a.record.change_household().unwrap(),
        Some(a.record.revision),
    );
    intruder.desa_code = Some("3201012001".into());
    let out = s.push(&other_kec, vec![intruder]).unwrap();
    assert!(
        matches!(&out[0], PushOutcome::Rejected { findings } if findings[0].code == "push.outside_wilayah")
    );
    let tomb = ready(
        PushRecord::new(
            RevisionId::new(),
            None,
            chrono::Utc::now(),
            HouseholdId::new(),
            Change::Delete,
        ),
        None,
        vec![],
    );
    let out = s.push(&p, vec![tomb, b.clone()]).unwrap();
    assert!(
        matches!(out[0], PushOutcome::Rejected { .. }),
        "unknown tombstone"
    );
    assert!(matches!(out[1], PushOutcome::Accepted { .. }));
    // a tombstone on a known household
    let del = ready(
        PushRecord::new(
            RevisionId::new(),
            Some(b.record.revision),
            chrono::Utc::now(),
            b.record.household_id,
            Change::Delete,
        ),
        None,
        vec![],
    );
    assert!(matches!(
        s.push(&p, vec![del]).unwrap()[0],
        PushOutcome::Accepted { .. }
    ));
    let d = s
        .get(b.record.household_id, &Scope::all())
        .unwrap()
        .unwrap();
    assert!(d.summary.deleted);
    assert!(d.household.is_none());
    let listed = s
        .list(
            &Scope::within("320102"),
            &ListQuery {
                state: Some(StateFilter::Deleted),
                desa: None,
                limit: 10,
                after: None,
            },
        )
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert!(s
        .get(b.record.household_id, &Scope::within("320101"))
        .unwrap()
        .is_none());
}

/// missing photos: incomplete until the photo completes; visibility by scope
pub fn missing_photos_until_the_photo_completes<S: RecordStore>(make: impl Fn() -> S) {
    let desa = "3201022001";
    let s = make();
    let p = pusher("320102");
    let photo = ShaHex::digest(b"foto");
    let mut h = household(desa);
    h.photos.push(pendata_shared::PhotoRef {
        kind: pendata_shared::PhotoKind::Rumah,
        sha256: photo.clone(),
        bytes: 4,
        width: 1,
        height: 1,
        geotag: None,
        taken_at: chrono::Utc::now(),
        member_id: None,
    });
    let rec = incoming(h.clone(), None);
    match &s.push(&p, vec![rec.clone()]).unwrap()[0] {
        PushOutcome::Accepted { missing_photos, .. } => {
            assert_eq!(missing_photos, &vec![photo.clone()])
        }
        other => panic!("{other:?}"),
    }
    let only_incomplete = ListQuery {
        state: Some(StateFilter::Incomplete),
        desa: None,
        limit: 10,
        after: None,
    };
    assert_eq!(s.list(&Scope::all(), &only_incomplete).unwrap().len(), 1);
    assert!(s.photo_visible(&photo, &Scope::within("320102")).unwrap());
    assert!(!s.photo_visible(&photo, &Scope::within("320101")).unwrap());
    assert!(!s
        .photo_visible(&ShaHex::digest(b"lain"), &Scope::all())
        .unwrap());
    assert_eq!(s.photo_completed(&photo).unwrap(), 1);
    assert!(s.list(&Scope::all(), &only_incomplete).unwrap().is_empty());
    match &s.push(&p, vec![rec]).unwrap()[0] {
        PushOutcome::Duplicate { missing_photos } => assert!(missing_photos.is_empty()),
        other => panic!("{other:?}"),
    }
    // a photo that completed before the push is not missing even if the check said so
    let mut h2 = household(desa);
    h2.photos = h.photos.clone();
    match &s.push(&p, vec![incoming(h2, None)]).unwrap()[0] {
        PushOutcome::Accepted { missing_photos, .. } => assert!(missing_photos.is_empty()),
        other => panic!("{other:?}"),
    }
}

/// review: only the current revision; outcome pulled by the pusher only
pub fn review_only_the_current_revision<S: RecordStore>(make: impl Fn() -> S) {
    let desa = "3201022001";
    let s = make();
    let p = pusher("320102");
    let rec = incoming(household(desa), None);
    let id = rec.record.household_id;
    s.push(&p, vec![rec.clone()]).unwrap();
    let scope = Scope::within("320102");
    assert!(matches!(
        s.review(
            id,
            &ReviewRequest {
                revision: RevisionId::new(),
                decision: ReviewDecision::Approved,
                note: None
            },
            "sup",
            &scope
        ),
        Err(RecordError::NotCurrent { .. })
    ));
    assert!(matches!(
        s.review(
            id,
            &ReviewRequest {
                revision: rec.record.revision,
                decision: ReviewDecision::Approved,
                note: None
            },
            "sup",
            &Scope::within("320101")
        ),
        Err(RecordError::NotFound)
    ));
    let out = s
        .review(
            id,
            &ReviewRequest {
                revision: rec.record.revision,
                decision: ReviewDecision::Rejected,
                note: Some("foto KK buram".into()),
            },
            "sup",
            &scope,
        )
        .unwrap();
    assert_eq!(out.decision, ReviewDecision::Rejected);
    let items = all_pulled(&s, &puller("ani", Role::Enumerator, "320102"));
    assert!(items
        .iter()
        .any(|i| matches!(i, PullItem::Review(r) if r.note.as_deref() == Some("foto KK buram"))));
    assert!(all_pulled(&s, &puller("budi", Role::Enumerator, "320102")).is_empty());
    let d = s.get(id, &scope).unwrap().unwrap();
    assert_eq!(d.summary.review_state, ReviewState::Rejected);
    assert_eq!(d.reviews.len(), 1);
}

/// prelist import: created once, updated on re-import (new sequence), scoped pulls,
/// has_more exact at multiples of the page size
pub fn prelist_import_and_scoped_pulls<S: RecordStore>(make: impl Fn() -> S) {
    let desa = "3201022001";
    let s = make();
    let list = vec![
        prelist("P-1", desa, Some("ani")),
        prelist("P-2", desa, Some("budi")),
        prelist("P-3", desa, None),
        prelist("P-4", "3201012001", None),
    ];
    let sum = s.import_prelist(&list).unwrap();
    assert_eq!((sum.created, sum.updated), (4, 0));
    let ani = puller("ani", Role::Enumerator, "320102");
    let got = all_pulled(&s, &ani);
    let ids: Vec<&str> = got
        .iter()
        .filter_map(|i| match i {
            PullItem::Assignment(a) => Some(a.prelist_id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(ids, vec!["P-1", "P-3"]);
    let sup = puller("sup", Role::Supervisor, "320102");
    assert_eq!(all_pulled(&s, &sup).len(), 3);
    assert_eq!(all_pulled(&s, &puller("adm", Role::Admin, "")).len(), 4);
    // exactly two items, page size two: has_more is false
    let page = s.pull(&ani, 0, 2).unwrap();
    assert_eq!(page.items.len(), 2);
    assert!(!page.has_more);
    let cursor = page.last_seq;
    let first_id = match &page.items[0] {
        PullItem::Assignment(a) => a.household_id,
        _ => unreachable!(),
    };
    let sum = s
        .import_prelist(&[PrelistHousehold {
            listing: None,
            address: "Alamat baru".into(),
            ..list[0].clone()
        }])
        .unwrap();
    assert_eq!((sum.created, sum.updated), (0, 1));
    let page = s.pull(&ani, cursor, 10).unwrap();
    match &page.items[..] {
        [PullItem::Assignment(a)] => {
            assert_eq!(a.household_id, first_id, "same household, not a duplicate");
            assert_eq!(a.address, "Alamat baru");
        }
        other => panic!("{other:?}"),
    }
    // the first device to push an assigned household is accepted; the second conflicts
    let mut h = household(desa);
    h.id = first_id;
    assert!(matches!(
        s.push(&pusher("320102"), vec![incoming(h.clone(), None)])
            .unwrap()[0],
        PushOutcome::Accepted { .. }
    ));
    assert!(matches!(
        s.push(&pusher("320102"), vec![incoming(h, None)]).unwrap()[0],
        PushOutcome::Conflict {
            reason: ConflictReason::ExistsWithoutBase,
            ..
        }
    ));
    let exported = collect_export(&s, &Scope::within("320102")).unwrap();
    assert_eq!(exported.len(), 3);
    assert!(exported.iter().any(|e| e.household.is_some()));

    // progress: the same facts as the export, for visited/finalized, deleted and reviewed
    // households too
    let p = pusher("320102");
    let mut visited = household(desa);
    visited.interview.first_opened_at = Some(chrono::Utc::now());
    visited.interview.finalized_at = Some(chrono::Utc::now());
    visited.interview.enumerator = Some("ani".into());
    let visited_rev = incoming(visited.clone(), None);
    let mut opened = household("3201022002");
    opened.interview.first_opened_at = Some(chrono::Utc::now());
    let gone = household(desa);
    let gone_rev = incoming(gone.clone(), None);
    let out = s
        .push(
            &p,
            vec![
                visited_rev.clone(),
                incoming(opened, None),
                gone_rev.clone(),
            ],
        )
        .unwrap();
    assert!(out
        .iter()
        .all(|o| matches!(o, PushOutcome::Accepted { .. })));
    let delete = PushRecord::new(
        RevisionId::new(),
        Some(gone_rev.record.revision),
        chrono::Utc::now(),
        gone.id,
        Change::Delete,
    );
    let out = s.push(&p, vec![ready(delete, None, Vec::new())]).unwrap();
    assert!(matches!(out[0], PushOutcome::Accepted { .. }), "{out:?}");
    s.review(
        visited.id,
        &ReviewRequest {
            revision: visited_rev.record.revision,
            decision: ReviewDecision::Approved,
            note: None,
        },
        "sup",
        &Scope::within("320102"),
    )
    .unwrap();
    for scope in [Scope::within("320102"), Scope::within(desa), Scope::all()] {
        let all = collect_export(&s, &scope).unwrap();
        let expect: Vec<ProgressRow> = all.iter().map(ProgressRow::of_export).collect();
        assert_eq!(progress_all(&s, &scope), expect);
        // Pages of two, each after the last key of the one before, give the same households
        // in the same order (desa code, then id), each once.
        let mut paged = Vec::new();
        let mut paged_progress = Vec::new();
        let mut after: Option<PageAfter> = None;
        loop {
            let page = s.export_page(&scope, after.as_ref(), 2).unwrap();
            let progress = s.progress_page(&scope, after.as_ref(), 2).unwrap();
            assert!(page.len() <= 2 && progress.len() == page.len());
            let Some(last) = page.last() else { break };
            after = Some(PageAfter {
                desa_code: last.summary.desa_code.clone(),
                id: last.summary.id,
            });
            paged.extend(page.iter().map(|e| e.summary.id));
            paged_progress.extend(progress);
        }
        let ids: Vec<HouseholdId> = all.iter().map(|e| e.summary.id).collect();
        assert_eq!(paged, ids);
        assert_eq!(paged_progress, expect);
        let mut keys: Vec<(String, String)> = all
            .iter()
            .map(|e| (e.summary.desa_code.clone(), e.summary.id.to_string()))
            .collect();
        keys.sort();
        assert_eq!(
            keys.iter().map(|k| k.1.clone()).collect::<Vec<_>>(),
            ids.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "ordered by desa code, then id"
        );
    }
    let rows = progress_all(&s, &Scope::within("320102"));
    assert_eq!(rows.len(), 6);
    let approved: Vec<_> = rows
        .iter()
        .filter(|r| r.review_state == ReviewState::Approved)
        .collect();
    assert_eq!(approved.len(), 1);
    assert!(approved[0].visited && approved[0].finalized && approved[0].received);
    assert_eq!(approved[0].enumerator.as_deref(), Some("ani"));
    assert_eq!(rows.iter().filter(|r| r.visited).count(), 2);
    assert_eq!(rows.iter().filter(|r| r.finalized).count(), 1);
    assert_eq!(rows.iter().filter(|r| r.in_conflict).count(), 1);
    assert_eq!(rows.iter().filter(|r| r.assigned).count(), 3);
    // the deleted one is not received
    assert_eq!(rows.iter().filter(|r| r.received).count(), 3);
}

/// After a restore (docs/sync-protocol.md, "After a restore"): a revision re-offered on a base
/// the restored server never stored continues history lost with the old server and is
/// accepted; a base it knows, a current revision that arrived after the restore, or data never
/// restored stay `stale_base` conflicts. The households sent across the restore are listed for
/// the supervisor, within the scope only.
pub fn a_base_lost_in_a_restore_continues_history<S: RecordStore + RestoreStore>(
    make: impl Fn() -> S,
) {
    let desa = "3201022001";
    let s = make();
    let p = pusher("320102");
    let accepted = |out: &[PushOutcome]| {
        assert!(
            out.iter()
                .all(|o| matches!(o, PushOutcome::Accepted { .. })),
            "{out:?}"
        )
    };
    let stale = |out: &[PushOutcome]| {
        assert!(
            matches!(
                out,
                [PushOutcome::Conflict {
                    reason: ConflictReason::StaleBase,
                    ..
                }]
            ),
            "{out:?}"
        )
    };
    let pause = || std::thread::sleep(std::time::Duration::from_millis(20));
    let before_restore = chrono::Utc::now() - chrono::Duration::hours(1);
    let saved_before_restore = |mut rec: IncomingRecord| {
        rec.record.saved_at = before_restore;
        rec
    };

    // Never restored: an unknown base is a conflict.
    let x = household(desa);
    accepted(&s.push(&p, vec![incoming(x.clone(), None)]).unwrap());
    stale(
        &s.push(&p, vec![incoming(x, Some(RevisionId::new()))])
            .unwrap(),
    );
    assert!(s.restores().unwrap().is_empty());
    assert!(s
        .resent_after_restore(&Scope::all(), 100)
        .unwrap()
        .is_empty());

    // A's first revision survives in the backup; its second (a2) is lost with the old server.
    let a = household(desa);
    let a1 = incoming(a.clone(), None);
    accepted(&s.push(&p, vec![a1.clone()]).unwrap());
    pause();
    assert_eq!(s.mark_restored("cadangan uji").unwrap(), 2);
    pause();
    let restores = s.restores().unwrap();
    assert_eq!(restores.len(), 1);
    assert_eq!(
        (restores[0].generation, restores[0].snapshot.as_str()),
        (2, "cadangan uji")
    );
    assert_eq!(s.epoch().unwrap().info().generation, 2);

    // The phone re-offers A's newest revision, built on the lost a2: accepted, and again a
    // duplicate.
    let a3 = saved_before_restore(incoming(a.clone(), Some(RevisionId::new())));
    accepted(&s.push(&p, vec![a3.clone()]).unwrap());
    assert!(matches!(
        s.push(&p, vec![a3.clone()]).unwrap()[0],
        PushOutcome::Duplicate { .. }
    ));
    // A base the server knows (a1, no longer current) is a conflict as always.
    stale(
        &s.push(&p, vec![incoming(a, Some(a1.record.revision))])
            .unwrap(),
    );

    // B was accepted only after the backup: unknown here, re-offered in one batch as its lost
    // continuation and an edit on top of it.
    let b = household(desa);
    let b2 = saved_before_restore(incoming(b.clone(), Some(RevisionId::new())));
    let mut b_edit = b.clone();
    b_edit.notes = Some("diedit sesudah".into());
    let b3 = saved_before_restore(incoming(b_edit, Some(b2.record.revision)));
    accepted(&s.push(&p, vec![b2, b3.clone()]).unwrap());
    let detail = s.get(b.id, &Scope::all()).unwrap().unwrap();
    assert_eq!(detail.summary.current_revision, Some(b3.record.revision));

    // C was pushed again after the restore: a re-offer on a lost base must not overwrite it.
    let c = household(desa);
    accepted(&s.push(&p, vec![incoming(c.clone(), None)]).unwrap());
    stale(
        &s.push(&p, vec![incoming(c, Some(RevisionId::new()))])
            .unwrap(),
    );

    // The supervisor sees A and B (saved before the restore, received after), in scope only.
    let mut resent: Vec<HouseholdId> = s
        .resent_after_restore(&Scope::within("320102"), 100)
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    resent.sort();
    let mut expect = vec![a1.record.household_id, b.id];
    expect.sort();
    assert_eq!(resent, expect);
    let listed = &s.resent_after_restore(&Scope::all(), 100).unwrap()[0];
    assert_eq!(
        (listed.desa_code.as_str(), listed.username.as_str()),
        (desa, "ani")
    );
    assert!(listed.received_at > s.restores().unwrap()[0].restored_at);
    assert!(s
        .resent_after_restore(&Scope::within("3301"), 100)
        .unwrap()
        .is_empty());
    assert_eq!(s.resent_after_restore(&Scope::all(), 1).unwrap().len(), 1);
}

trait ChangeHousehold {
    fn change_household(&self) -> Option<Household>;
}

impl ChangeHousehold for PushRecord {
    fn change_household(&self) -> Option<Household> {
        match &self.change {
            Change::Upsert { household } => Some((**household).clone()),
            Change::UpsertFamily { .. } | Change::UpsertCase { .. } | Change::Delete => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Concurrency: two store instances on one database, as two server processes. A naive port of
// the single-writer SQLite logic fails these (duplicates, lost revisions, deadlocks, revisions
// incomplete forever).

/// How long a concurrency case may take before it counts as a deadlock.
const DEADLOCK_AFTER: std::time::Duration = std::time::Duration::from_secs(60);

/// Runs `a` and `b` at once (released together) and returns both results; panics when they
/// do not finish within [`DEADLOCK_AFTER`].
pub(crate) fn at_once<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB + Send,
    RA: Send,
    RB: Send,
{
    let start = std::sync::Barrier::new(2);
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    // A deadlock would hang the test run: fail it loudly instead.
    let watchdog = std::thread::spawn(move || {
        if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
            done_rx.recv_timeout(DEADLOCK_AFTER)
        {
            eprintln!("two concurrent writers did not finish in {DEADLOCK_AFTER:?}: deadlock");
            std::process::abort();
        }
    });
    let (ra, rb) = std::thread::scope(|scope| {
        let ta = scope.spawn(|| {
            start.wait();
            a()
        });
        let tb = scope.spawn(|| {
            start.wait();
            b()
        });
        (ta.join(), tb.join())
    });
    drop(done_tx);
    let _ = watchdog.join();
    (
        ra.unwrap_or_else(|e| std::panic::resume_unwind(e)),
        rb.unwrap_or_else(|e| std::panic::resume_unwind(e)),
    )
}

fn with_photo(mut h: Household, sha: &ShaHex) -> Household {
    h.photos.push(pendata_shared::PhotoRef {
        kind: pendata_shared::PhotoKind::Rumah,
        sha256: sha.clone(),
        bytes: 4,
        width: 1,
        height: 1,
        geotag: None,
        taken_at: chrono::Utc::now(),
        member_id: None,
    });
    h
}

/// Two instances store the same batch at the same moment: each record is accepted exactly once
/// (the other instance answers duplicate) and stored once.
pub fn the_same_batch_pushed_by_two_instances_is_stored_once<S: RecordStore>(
    make: impl Fn() -> (S, S),
) {
    let desa = "3201022001";
    for round in 0..5 {
        let (a, b) = make();
        let batch: Vec<IncomingRecord> = (0..40).map(|_| incoming(household(desa), None)).collect();
        let (ra, rb) = at_once(
            || a.push(&pusher("320102"), batch.clone()).unwrap(),
            || b.push(&pusher("320102"), batch.clone()).unwrap(),
        );
        for (i, (x, y)) in ra.iter().zip(&rb).enumerate() {
            let accepted = [x, y]
                .iter()
                .filter(|o| matches!(o, PushOutcome::Accepted { .. }))
                .count();
            let duplicate = [x, y]
                .iter()
                .filter(|o| matches!(o, PushOutcome::Duplicate { .. }))
                .count();
            assert_eq!(
                (accepted, duplicate),
                (1, 1),
                "round {round} record {i}: {x:?} / {y:?}"
            );
        }
        for rec in &batch {
            let d = a
                .get(rec.record.household_id, &Scope::all())
                .unwrap()
                .unwrap();
            assert_eq!(d.revisions.len(), 1, "stored once");
            assert_eq!(d.summary.current_revision, Some(rec.record.revision));
        }
    }
}

/// Two instances push edits of the same households, one batch in ascending and one in
/// descending order, each based on the current revision: no deadlock, and every pushed
/// revision is stored (one of each pair current, the other kept as a stale-base conflict).
pub fn overlapping_batches_in_opposite_orders_lose_nothing<S: RecordStore>(
    make: impl Fn() -> (S, S),
) {
    let desa = "3201022001";
    let (a, b) = make();
    let p = pusher("320102");
    let firsts: Vec<IncomingRecord> = (0..30).map(|_| incoming(household(desa), None)).collect();
    a.push(&p, firsts.clone()).unwrap();
    for round in 0..4 {
        let heads: Vec<(Household, RevisionId)> = firsts
            .iter()
            .map(|f| {
                let d = a
                    .get(f.record.household_id, &Scope::all())
                    .unwrap()
                    .unwrap();
                (d.household.unwrap(), d.summary.current_revision.unwrap())
            })
            .collect();
        let edits = |tag: &str| -> Vec<IncomingRecord> {
            heads
                .iter()
                .map(|(h, head)| {
                    let mut h = h.clone();
                    h.notes = Some(format!("{tag} {round}"));
                    incoming(h, Some(*head))
                })
                .collect()
        };
        let up = edits("naik");
        let mut down = edits("turun");
        down.reverse();
        let (ra, rb) = at_once(
            || a.push(&p, up.clone()).unwrap(),
            || b.push(&p, down.clone()).unwrap(),
        );
        assert!(ra.iter().chain(&rb).all(|o| matches!(
            o,
            PushOutcome::Accepted { .. } | PushOutcome::Conflict { .. }
        )));
        for (i, (first, _)) in firsts.iter().zip(&heads).enumerate() {
            let d = b
                .get(first.record.household_id, &Scope::all())
                .unwrap()
                .unwrap();
            let stored: std::collections::HashSet<RevisionId> =
                d.revisions.iter().map(|r| r.revision).collect();
            let mine = up[i].record.revision;
            let theirs = down[down.len() - 1 - i].record.revision;
            assert!(
                stored.contains(&mine) && stored.contains(&theirs),
                "round {round}: lost a revision"
            );
            let current = d.summary.current_revision.unwrap();
            assert!(current == mine || current == theirs);
            let in_conflict = d.revisions.iter().filter(|r| r.state == "conflict").count();
            assert!(in_conflict >= 1, "the loser is kept as a conflict");
        }
        // Resolve every conflict so the next round starts from one current revision.
        for f in &firsts {
            let d = a
                .get(f.record.household_id, &Scope::all())
                .unwrap()
                .unwrap();
            let keep = d.summary.current_revision.unwrap();
            a.resolve(
                f.record.household_id,
                &ResolveRequest {
                    keep_revision: keep,
                    reason: "uji".into(),
                },
                "sup",
                &Scope::all(),
            )
            .unwrap();
        }
    }
}

/// A push that records a photo as missing and the completion of that photo, on two instances
/// at once: the revision never stays incomplete once both are done.
pub fn a_photo_completing_during_a_push_leaves_nothing_incomplete<S: RecordStore>(
    make: impl Fn() -> (S, S),
) {
    let desa = "3201022001";
    let (a, b) = make();
    let p = pusher("320102");
    for round in 0..40 {
        let photo = ShaHex::digest(format!("foto {round}").as_bytes());
        let recs: Vec<IncomingRecord> = (0..10)
            .map(|_| incoming(with_photo(household(desa), &photo), None))
            .collect();
        // The push's blob check saw the photo missing; the photo completes meanwhile.
        let (pushed, _) = at_once(
            || a.push(&p, recs.clone()).unwrap(),
            || b.photo_completed(&photo).unwrap(),
        );
        assert!(pushed
            .iter()
            .all(|o| matches!(o, PushOutcome::Accepted { .. })));
        for rec in &recs {
            let d = b
                .get(rec.record.household_id, &Scope::all())
                .unwrap()
                .unwrap();
            assert!(
                !d.summary.incomplete && !d.revisions[0].incomplete,
                "round {round}: a revision waits for a photo that is complete"
            );
        }
    }
}

/// Two instances resolve the same conflict at once, keeping different revisions: exactly one
/// resolve wins, the other finds no open conflict, and the household is consistent.
pub fn two_instances_resolving_one_conflict_resolve_it_once<S: RecordStore>(
    make: impl Fn() -> (S, S),
) {
    let desa = "3201022001";
    for round in 0..5 {
        let (a, b) = make();
        let p = pusher("320102");
        let h = household(desa);
        let first = incoming(h.clone(), None);
        a.push(&p, vec![first.clone()]).unwrap();
        let mut other = h.clone();
        other.notes = Some("dari HP lain".into());
        let stale = incoming(other, None);
        assert!(matches!(
            a.push(&p, vec![stale.clone()]).unwrap()[0],
            PushOutcome::Conflict { .. }
        ));
        let resolve = |s: &S, keep: RevisionId| {
            s.resolve(
                h.id,
                &ResolveRequest {
                    keep_revision: keep,
                    reason: "dicek".into(),
                },
                "sup",
                &Scope::all(),
            )
        };
        let (ra, rb) = at_once(
            || resolve(&a, first.record.revision),
            || resolve(&b, stale.record.revision),
        );
        let won = match (&ra, &rb) {
            (Ok(_), Err(RecordError::NoOpenConflict)) => first.record.revision,
            (Err(RecordError::NoOpenConflict), Ok(_)) => stale.record.revision,
            other => panic!("round {round}: expected one winner, got {other:?}"),
        };
        let d = a.get(h.id, &Scope::all()).unwrap().unwrap();
        assert_eq!(d.summary.current_revision, Some(won));
        assert_eq!(d.summary.open_conflicts, 0);
        let states: Vec<&str> = d.revisions.iter().map(|r| r.state.as_str()).collect();
        assert_eq!(
            states.iter().filter(|s| **s == "current").count(),
            1,
            "{states:?}"
        );
        assert!(!states.contains(&"conflict"), "{states:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// One named test per case and backend

/// `#[test]`s of every [`AccountStore`] case, from `$factory: fn() -> Option<impl Fn() -> S>`.
#[macro_export]
macro_rules! account_contract_tests {
    ($factory:path) => {
        $crate::contract_cases!($factory;
            users_are_unique_without_regard_to_case,
            sessions_are_one_token_per_device,
            disable_and_reset_devices_take_effect_at_once);
    };
}

/// `#[test]`s of every [`RecordStore`] case, from `$factory: fn() -> Option<impl Fn() -> S>`.
#[macro_export]
macro_rules! record_contract_tests {
    ($factory:path) => {
        $crate::contract_cases!($factory;
            conflicts_follow_the_rules,
            resolve_acts_only_on_an_open_conflict,
            resolve_keeps_an_approval_without_a_conflict,
            one_bad_record_never_fails_the_others,
            missing_photos_until_the_photo_completes,
            review_only_the_current_revision,
            prelist_import_and_scoped_pulls,
            ground_check_progress_is_counted_in_the_database,
            a_base_lost_in_a_restore_continues_history);
    };
}

/// `#[test]`s of the concurrency cases: two store instances on one database, from
/// `$factory: fn() -> Option<impl Fn() -> (S, S)>`.
#[macro_export]
macro_rules! concurrency_contract_tests {
    ($factory:path) => {
        $crate::contract_cases!($factory;
            the_same_batch_pushed_by_two_instances_is_stored_once,
            overlapping_batches_in_opposite_orders_lose_nothing,
            a_photo_completing_during_a_push_leaves_nothing_incomplete,
            two_instances_resolving_one_conflict_resolve_it_once);
    };
}

/// `#[tokio::test]`s of every [`BlobStore`] case, from `$factory: fn() -> Option<impl Fn() -> S>`.
#[macro_export]
macro_rules! blob_contract_tests {
    ($factory:path) => {
        $crate::contract_cases!(async $factory;
            a_whole_upload_in_one_chunk,
            abandoned_uploads_are_swept_and_nothing_else,
            chunks_resume_at_the_staged_count,
            a_chunk_past_the_total_is_refused,
            wrong_content_is_discarded,
            content_refused_by_the_check_is_discarded,
            racing_identical_chunks_leave_one_intact_blob);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! contract_cases {
    (async $factory:path; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                if let Some(make) = $factory() {
                    $crate::store::contract::$case(make).await;
                }
            }
        )*
    };
    ($factory:path; $($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                if let Some(make) = $factory() {
                    $crate::store::contract::$case(make);
                }
            }
        )*
    };
}
