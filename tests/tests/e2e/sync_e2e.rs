//! Real client devices (encrypted data directories) sync with the real server over a real
//! socket: capture to server, verivali of a pulled assignment, two facilitators on one
//! household, a supervisor's rejection and the fix, a lost push answer, exact pull paging.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use pendata_core::store::RecordState;
use pendata_core::sync::{Client, ClientConfig, SyncOutcome};
use pendata_core::{Device, PhotoOptions};
use pendata_e2e::client::ApiClient;
use pendata_e2e::{camera_jpeg, example_household, new_device, prelist_of, TestServer};
use pendata_server::store::{HouseholdDetail, Role, Scope};
use pendata_shared::codes::HouseholdStatus;
use pendata_shared::model::MusdesRef;
use pendata_shared::photos::PhotoKind;
use pendata_shared::protocol::{
    ConflictReason, PushBatch, PushOutcome, ReviewDecision, PROTOCOL_VERSION,
};
use pendata_shared::{Household, HouseholdId, RecordKind};
use serde_json::json;

const WILAYAH: &str = "320102";

async fn sync(device: &mut Device) -> SyncOutcome {
    device
        .sync(&mut |_| {})
        .await
        .map_err(|e| format!("{e} ({})", e.code()))
        .unwrap()
}

fn detail(server: &TestServer, id: HouseholdId) -> HouseholdDetail {
    server
        .state
        .records
        .get(id, &Scope::all())
        .unwrap()
        .expect("household on the server")
}

/// Attach a generated photo for every kind in `kinds` (KTP and KRT show the head).
fn add_photos(device: &mut Device, id: HouseholdId, kinds: &[PhotoKind], seed: u32) {
    let head = device.store().household(id).unwrap().members[0].id;
    for (i, kind) in kinds.iter().enumerate() {
        let member_id = matches!(kind, PhotoKind::Ktp | PhotoKind::Krt).then_some(head);
        device
            .add_photo(
                id,
                *kind,
                &camera_jpeg(seed * 100 + i as u32).unwrap(),
                PhotoOptions {
                    member_id,
                    ..PhotoOptions::default()
                },
            )
            .unwrap();
    }
}

fn finalize_and_queue(device: &mut Device, id: HouseholdId) {
    device.finalize(id).map_err(|e| format!("{e:?}")).unwrap();
    device.store_mut().queue(id).unwrap();
}

/// Fill an opened verivali record with the example's answers (keeping id, kind and location).
fn fill_verivali(device: &mut Device, id: HouseholdId) {
    let opened = device.store().household(id).unwrap();
    let mut h: Household = example_household().unwrap();
    h.id = opened.id;
    h.kind = opened.kind.clone();
    h.location = opened.location.clone();
    h.photos.clear();
    h.interview = opened.interview.clone();
    device.store_mut().save_household(&h).unwrap();
}

/// Other people: new NIK and KK sequence numbers (the last four digits), so the server's
/// duplicate-NIK check does not tie them to the example household.
fn renumber(h: &mut Household, k: u32) {
    for (i, m) in h.members.iter_mut().enumerate() {
        if let Some(nik) = &mut m.nik {
            nik.replace_range(12.., &format!("{:04}", 5000 + k * 10 + i as u32));
        }
    }
    for f in &mut h.families {
        f.kk_number.replace_range(
            12..,
            &format!("{:04}", 6000 + k * 10 + u32::from(f.family_no)),
        );
    }
}

async fn supervisor_token(server: &TestServer, username: &str) -> String {
    ApiClient::new(&server.url())
        .unwrap()
        .token(username)
        .await
        .unwrap()
}

#[tokio::test]
async fn usulan_baru_and_verivali_reach_the_server_exactly_once_with_their_photos() {
    let server = TestServer::start().await.unwrap();
    server
        .add_user("tksk.a", Role::Enumerator, WILAYAH)
        .unwrap();
    let example = example_household().unwrap();
    server
        .import_prelist(&[prelist_of(&example, "3201022001-00900", Some("tksk.a"))])
        .unwrap();

    let tmp = tempfile::tempdir().unwrap();
    let mut device = new_device(&tmp.path().join("a")).unwrap();
    server.login(&mut device, "tksk.a").await.unwrap();

    // Usulan baru: captured on the device with real photos through the pipeline.
    let mut h = example.clone();
    h.id = HouseholdId::new();
    h.kind = RecordKind::UsulanBaru {
        musdes: MusdesRef {
            date: Some(chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()),
            berita_acara_number: Some("BA/07/XI/2026".into()),
        },
    };
    h.photos.clear();
    h.verivali.household_status = Some(HouseholdStatus::NewProposal);
    renumber(&mut h, 5);
    device.store_mut().create_household(&h).unwrap();
    add_photos(
        &mut device,
        h.id,
        &[
            PhotoKind::Kk,
            PhotoKind::Ktp,
            PhotoKind::Rumah,
            PhotoKind::BeritaAcara,
        ],
        1,
    );
    finalize_and_queue(&mut device, h.id);

    let first = sync(&mut device).await;
    assert_eq!(first.report.sent, 1, "{:?}", first.report);
    assert_eq!(first.report.photos_uploaded, 4);
    assert!(first.report.rejected.is_empty() && first.report.issues.is_empty());
    assert_eq!(first.report.pulled.assignments, 1);
    assert_eq!(device.store().state(h.id).unwrap(), RecordState::Sent);

    // Verivali of the pulled assignment.
    let assignments = device.store().assignments(None).unwrap();
    assert_eq!(assignments.len(), 1);
    let vid = assignments[0].household_id;
    device.store_mut().open_assignment(vid).unwrap();
    fill_verivali(&mut device, vid);
    add_photos(&mut device, vid, &PhotoKind::VERIVALI_NINE, 2);
    finalize_and_queue(&mut device, vid);
    let second = sync(&mut device).await;
    assert_eq!(second.report.sent, 1, "{:?}", second.report);
    assert_eq!(second.report.photos_uploaded, 9);
    assert_eq!(device.store().state(vid).unwrap(), RecordState::Sent);

    // A third sync sends nothing again.
    let third = sync(&mut device).await;
    assert_eq!(
        (
            third.report.sent,
            third.report.duplicate,
            third.report.photos_uploaded
        ),
        (0, 0, 0)
    );
    assert_eq!(third.report.photo_bytes_sent, 0);

    // On the server: each record once, current, complete, with the device's exact photos.
    for id in [h.id, vid] {
        let d = detail(&server, id);
        assert_eq!(d.revisions.len(), 1, "exactly one revision of {id}");
        assert_eq!(d.revisions[0].state, "current");
        assert!(!d.revisions[0].incomplete);
        assert_eq!(d.summary.review_state.as_str(), "submitted");
        let local = device.store().household(id).unwrap();
        let remote = d.household.expect("content");
        assert_eq!(remote.photos, local.photos);
        assert_eq!(remote.members, local.members);
        for p in &local.photos {
            let sha = pendata_server::store::Sha256Hex::parse(p.sha256.as_str()).unwrap();
            let bytes = server.state.blobs.read(&sha).await.unwrap().expect("photo");
            assert_eq!(bytes, device.photo_bytes(&p.sha256).unwrap());
        }
    }
    assert_eq!(
        detail(&server, vid).summary.prelist_id.as_deref(),
        Some("3201022001-00900")
    );
    server.stop().await;
}

#[tokio::test]
async fn two_facilitators_on_one_prelist_household_keep_both_revisions() {
    let server = TestServer::start().await.unwrap();
    server
        .add_user("tksk.a", Role::Enumerator, WILAYAH)
        .unwrap();
    server
        .add_user("tksk.b", Role::Enumerator, WILAYAH)
        .unwrap();
    let example = example_household().unwrap();
    server
        .import_prelist(&[prelist_of(&example, "3201022001-00901", None)])
        .unwrap();

    let tmp = tempfile::tempdir().unwrap();
    let mut a = new_device(&tmp.path().join("a")).unwrap();
    let mut b = new_device(&tmp.path().join("b")).unwrap();
    server.login(&mut a, "tksk.a").await.unwrap();
    server.login(&mut b, "tksk.b").await.unwrap();
    sync(&mut a).await;
    sync(&mut b).await;
    let id = a.store().assignments(None).unwrap()[0].household_id;
    assert_eq!(b.store().assignments(None).unwrap()[0].household_id, id);

    for (device, seed) in [(&mut a, 10), (&mut b, 20)] {
        device.store_mut().open_assignment(id).unwrap();
        fill_verivali(device, id);
        add_photos(device, id, &PhotoKind::VERIVALI_NINE, seed);
        finalize_and_queue(device, id);
    }
    let ra = sync(&mut a).await;
    assert_eq!(ra.report.sent, 1, "{:?}", ra.report);
    let rb = sync(&mut b).await;
    assert_eq!(rb.report.sent, 0);
    assert_eq!(rb.report.conflicts.len(), 1, "{:?}", rb.report);
    assert_eq!(
        rb.report.conflicts[0].reason,
        ConflictReason::ExistsWithoutBase
    );

    let d = detail(&server, id);
    assert_eq!(d.revisions.len(), 2, "both kept");
    let a_rev = a.store().record(id).unwrap().revision;
    let b_rev = b.store().record(id).unwrap().revision;
    let state_of = |rev| {
        d.revisions
            .iter()
            .find(|r| r.revision == rev)
            .map(|r| r.state.clone())
    };
    assert_eq!(state_of(a_rev).as_deref(), Some("current"));
    assert_eq!(state_of(b_rev).as_deref(), Some("conflict"));
    assert_eq!(d.summary.open_conflicts, 1);

    // The second device shows the conflict, and does not send it again.
    assert_eq!(b.store().state(id).unwrap(), RecordState::Conflict);
    let conflicts = b.store().conflicts(Some(id)).unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].revision, b_rev);
    assert_eq!(conflicts[0].current_revision, Some(a_rev));
    let again = sync(&mut b).await;
    assert_eq!((again.report.sent, again.report.conflicts.len()), (0, 0));
    assert_eq!(detail(&server, id).revisions.len(), 2);
    server.stop().await;
}

#[tokio::test]
async fn rejected_with_a_note_is_fixed_and_accepted_as_a_new_revision() {
    let server = TestServer::start().await.unwrap();
    server
        .add_user("tksk.a", Role::Enumerator, WILAYAH)
        .unwrap();
    server.add_user("spv", Role::Supervisor, WILAYAH).unwrap();
    let example = example_household().unwrap();
    server
        .import_prelist(&[prelist_of(&example, "3201022001-00902", Some("tksk.a"))])
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut device = new_device(&tmp.path().join("a")).unwrap();
    server.login(&mut device, "tksk.a").await.unwrap();
    sync(&mut device).await;
    let id = device.store().assignments(None).unwrap()[0].household_id;
    device.store_mut().open_assignment(id).unwrap();
    fill_verivali(&mut device, id);
    add_photos(&mut device, id, &PhotoKind::VERIVALI_NINE, 3);
    finalize_and_queue(&mut device, id);
    assert_eq!(sync(&mut device).await.report.sent, 1);
    let first_rev = device.store().record(id).unwrap().revision;

    // The supervisor rejects with a note, over HTTP.
    let token = supervisor_token(&server, "spv").await;
    let note = "Foto dapur buram, mohon diulang";
    reqwest::Client::new()
        .post(format!("{}/api/v1/households/{id}/review", server.url()))
        .bearer_auth(&token)
        .json(&json!({"revision": first_rev, "decision": "rejected", "note": note}))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();

    let pulled = sync(&mut device).await;
    assert_eq!(pulled.report.pulled.reviews, 1);
    assert_eq!(pulled.reviews.len(), 1);
    assert_eq!(pulled.reviews[0].decision, ReviewDecision::Rejected);
    assert_eq!(pulled.reviews[0].note.as_deref(), Some(note));
    let info = device.store().record(id).unwrap();
    assert_eq!(info.state, RecordState::Rejected);
    assert_eq!(info.review_note.as_deref(), Some(note));

    // Fix: retake the kitchen photo, finalize, send again.
    add_photos(&mut device, id, &[PhotoKind::Dapur], 4);
    assert_eq!(device.store().state(id).unwrap(), RecordState::Draft);
    finalize_and_queue(&mut device, id);
    let fixed = sync(&mut device).await;
    assert_eq!(fixed.report.sent, 1, "{:?}", fixed.report);
    assert_eq!(
        fixed.report.photos_uploaded, 1,
        "only the new photo travels"
    );
    let second_rev = device.store().record(id).unwrap().revision;
    assert_ne!(second_rev, first_rev);

    let d = detail(&server, id);
    assert_eq!(d.revisions.len(), 2);
    let new = d
        .revisions
        .iter()
        .find(|r| r.revision == second_rev)
        .unwrap();
    assert_eq!(new.state, "current");
    assert_eq!(new.base_revision, Some(first_rev));
    assert_eq!(d.summary.review_state.as_str(), "submitted");
    assert_eq!(d.summary.open_conflicts, 0);
    server.stop().await;
}

#[tokio::test]
async fn a_batch_pushed_twice_is_stored_once_and_two_full_pages_pull_every_item_once() {
    let server = TestServer::start().await.unwrap();
    server
        .add_user("tksk.a", Role::Enumerator, WILAYAH)
        .unwrap();
    let example = example_household().unwrap();
    let page = pendata_shared::protocol::DEFAULT_PAGE_SIZE as usize;
    let prelist: Vec<_> = (0..2 * page)
        .map(|i| prelist_of(&example, &format!("3201022001-{i:05}"), Some("tksk.a")))
        .collect();
    server.import_prelist(&prelist).unwrap();

    let tmp = tempfile::tempdir().unwrap();
    let mut device = new_device(&tmp.path().join("a")).unwrap();
    server.login(&mut device, "tksk.a").await.unwrap();

    // Exactly two pages: every assignment once, nothing skipped, no third page.
    let out = sync(&mut device).await;
    assert_eq!(out.report.pulled.assignments, 2 * page as u64);
    assert_eq!(out.report.pulled.pages, 2);
    let local: BTreeSet<HouseholdId> = device
        .store()
        .assignments(None)
        .unwrap()
        .iter()
        .map(|a| a.household_id)
        .collect();
    let remote: BTreeSet<HouseholdId> = server
        .state
        .records
        .list(
            &Scope::all(),
            &pendata_server::store::ListQuery {
                state: None,
                desa: None,
                limit: 1000,
                after: None,
            },
        )
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(local.len(), 2 * page);
    assert_eq!(local, remote);
    let again = sync(&mut device).await;
    assert_eq!(
        again.report.pulled.assignments, 0,
        "the cursor moved past them"
    );

    // One household captured; its batch pushed twice as if the first answer was lost.
    let id = *local.iter().next().unwrap();
    device.store_mut().open_assignment(id).unwrap();
    fill_verivali(&mut device, id);
    add_photos(&mut device, id, &PhotoKind::VERIVALI_NINE, 5);
    finalize_and_queue(&mut device, id);
    // Photos first (through a sync that only uploads: the push of that sync is what we
    // repeat by hand below, so use a client of our own for the push itself).
    let records = device.store_mut().pending_push(200).unwrap();
    assert_eq!(records.len(), 1);
    let client = device.client().unwrap();
    let batch = PushBatch {
        protocol: PROTOCOL_VERSION,
        batch_id: pendata_shared::ids::BatchId::new(),
        device_id: device.store().device_id(),
        records,
    };
    let first = client.push(&batch).await.unwrap();
    assert!(
        matches!(first.results[0].outcome, PushOutcome::Accepted { .. }),
        "{:?}",
        first.results[0].outcome
    );
    // The answer is "lost": nothing is marked; the same batch goes again.
    let second = client.push(&batch).await.unwrap();
    assert!(
        matches!(second.results[0].outcome, PushOutcome::Duplicate { .. }),
        "{:?}",
        second.results[0].outcome
    );
    assert_eq!(detail(&server, id).revisions.len(), 1);

    // The device's next sync sends it once more, learns it is a duplicate and marks it sent;
    // the photos (missing on the server so far) travel now.
    let out = sync(&mut device).await;
    assert_eq!(
        (out.report.sent, out.report.duplicate),
        (0, 1),
        "{:?}",
        out.report
    );
    assert_eq!(out.report.photos_uploaded, 9);
    assert_eq!(device.store().state(id).unwrap(), RecordState::Sent);
    assert!(device.store().pending_list().unwrap().is_empty());
    let d = detail(&server, id);
    assert_eq!(d.revisions.len(), 1);
    assert!(
        !d.revisions[0].incomplete,
        "complete once the photos arrived"
    );
    server.stop().await;
}

/// A client of our own (not the device's) cannot push without a token: the session lives in
/// the device's encrypted store only.
#[tokio::test]
async fn the_session_token_is_kept_only_in_the_encrypted_store() {
    let server = TestServer::start().await.unwrap();
    server
        .add_user("tksk.a", Role::Enumerator, WILAYAH)
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a");
    let mut device = new_device(&dir).unwrap();
    server.login(&mut device, "tksk.a").await.unwrap();
    let token = device
        .store()
        .setting(pendata_core::store::keys::SESSION_TOKEN)
        .unwrap()
        .expect("saved");
    drop(device);
    // No file under the data directory holds the token in clear.
    for entry in walk(&dir) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !bytes.windows(token.len()).any(|w| w == token.as_bytes()),
            "token in clear in {}",
            entry.display()
        );
    }
    // Unlocked again, the device syncs with the saved session.
    let mut device = Device::unlock(&dir, pendata_e2e::PIN).unwrap();
    let me = device.client().unwrap().me().await.unwrap();
    assert_eq!(me.user.username, "tksk.a");
    assert_eq!(me.device_id, device.store().device_id());
    sync(&mut device).await;
    // Without the saved token a client is refused.
    let bare = Client::new(ClientConfig::new(server.url(), device.store().device_id())).unwrap();
    assert_eq!(bare.me().await.unwrap_err().status(), Some(401));
    server.stop().await;
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
