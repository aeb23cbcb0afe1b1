//! A photo whose bytes vanish from a real device after finalize (removed or damaged on disk)
//! sets aside only its own household: the other households and their photos reach the real
//! server, the pull runs, the facilitator is told which photo to take again, and the retake
//! sends the household normally, exactly once, photos byte-identical (issue 17).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pendata_core::store::{RecordState, StoreError};
use pendata_core::{Device, DeviceError, PhotoOptions};
use pendata_e2e::workload::{lose_photo, PhotoLoss};
use pendata_e2e::{camera_jpeg, example_household, new_device, prelist_of, TestServer};
use pendata_server::store::{Role, Scope};
use pendata_shared::codes::HouseholdStatus;
use pendata_shared::model::MusdesRef;
use pendata_shared::photos::{LocalPhotoProblem, PhotoKind};
use pendata_shared::{Household, HouseholdId, RecordKind, Sha256Hex};

const WILAYAH: &str = "320102";

/// A new proposal with the three photos it needs, each a real camera JPEG through the pipeline;
/// `k` makes the people distinct from other test households.
fn capture(device: &mut Device, example: &Household, k: u32) -> HouseholdId {
    let mut h = example.clone();
    h.id = HouseholdId::new();
    h.kind = RecordKind::UsulanBaru {
        musdes: MusdesRef {
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 2),
            berita_acara_number: Some(format!("BA/{k}/XI/2026")),
        },
    };
    h.verivali.household_status = Some(HouseholdStatus::NewProposal);
    h.photos.clear();
    for (i, m) in h.members.iter_mut().enumerate() {
        if let Some(nik) = &mut m.nik {
            nik.replace_range(12.., &format!("{:04}", 7000 + k * 10 + i as u32));
        }
    }
    for f in &mut h.families {
        f.kk_number.replace_range(
            12..,
            &format!("{:04}", 8000 + k * 10 + u32::from(f.family_no)),
        );
    }
    device.store_mut().create_household(&h).unwrap();
    let head = h.members[0].id;
    for (i, kind) in [PhotoKind::Kk, PhotoKind::Ktp, PhotoKind::Rumah]
        .into_iter()
        .enumerate()
    {
        device
            .add_photo(
                h.id,
                kind,
                &camera_jpeg(k * 100 + i as u32).unwrap(),
                PhotoOptions {
                    member_id: (kind == PhotoKind::Ktp).then_some(head),
                    ..PhotoOptions::default()
                },
            )
            .unwrap();
    }
    device.finalize(h.id).unwrap();
    device.store_mut().queue(h.id).unwrap();
    h.id
}

fn ktp_of(device: &Device, id: HouseholdId) -> Sha256Hex {
    let h = device.store().household(id).unwrap();
    h.photos
        .iter()
        .find(|p| p.kind == PhotoKind::Ktp)
        .unwrap()
        .sha256
        .clone()
}

/// Every photo of the server's current revision of `id` is stored there with exactly the
/// device's bytes.
async fn photos_on_server_match(server: &TestServer, device: &Device, id: HouseholdId) {
    let detail = server
        .state
        .records
        .get(id, &Scope::all())
        .unwrap()
        .unwrap();
    let h = detail.household.expect("content on the server");
    assert!(!detail.summary.incomplete, "no photo missing on the server");
    for p in &h.photos {
        let hash = pendata_server::store::Sha256Hex::parse(p.sha256.as_str()).unwrap();
        let stored = server.state.blobs.read(&hash).await.unwrap();
        let local = device.photo_bytes(&p.sha256).unwrap();
        assert_eq!(stored.as_deref(), Some(local.as_slice()), "{}", p.kind);
    }
}

async fn one_lost_photo_sets_aside_only_its_household(loss: PhotoLoss) {
    let server = TestServer::start().await.unwrap();
    server
        .add_user("tksk.a", Role::Enumerator, WILAYAH)
        .unwrap();
    // Something to pull, so the test sees the pull run after the set-aside.
    let example = example_household().unwrap();
    server
        .import_prelist(&[prelist_of(&example, "3201022001-00777", Some("tksk.a"))])
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut device = new_device(&tmp.path().join("a")).unwrap();
    server.login(&mut device, "tksk.a").await.unwrap();

    let lost = capture(&mut device, &example, 1);
    let fine = capture(&mut device, &example, 2);
    let sha = ktp_of(&device, lost);
    lose_photo(&device, &sha, loss).unwrap();
    let head = device.store().household(lost).unwrap().members[0]
        .name
        .clone();

    // The sync does not stop: the other household and its photos go, the pull runs.
    let out = device.sync(&mut |_| {}).await.unwrap();
    let r = &out.report;
    assert_eq!(r.sent, 1, "{r:?}");
    assert_eq!(r.set_aside.len(), 1, "{r:?}");
    let aside = &r.set_aside[0];
    assert_eq!(aside.household_id, lost);
    assert_eq!(aside.sha256, sha);
    let (problem, words) = match loss {
        PhotoLoss::Removed => (LocalPhotoProblem::Missing, "tidak ada di perangkat"),
        PhotoLoss::Damaged => (LocalPhotoProblem::Damaged, "rusak di perangkat"),
    };
    assert_eq!(aside.problem, problem);
    assert_eq!(
        aside.finding.message,
        format!("Foto KTP ({head}) {words} — ambil ulang")
    );
    assert_eq!(r.pulled.assignments, 1, "the pull ran");
    assert_eq!(device.store().assignments(None).unwrap().len(), 1);
    photos_on_server_match(&server, &device, fine).await;
    assert!(
        server
            .state
            .records
            .get(lost, &Scope::all())
            .unwrap()
            .is_none(),
        "the set-aside household was not sent"
    );

    // The facilitator sees it: a state of its own, the photo named in the status.
    assert_eq!(device.store().state(lost).unwrap(), RecordState::NeedsPhoto);
    assert_eq!(device.store().state(fine).unwrap(), RecordState::Sent);
    let problems = device.store().photo_problems().unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].household_id, lost);
    assert_eq!(problems[0].finding, aside.finding);
    // It cannot be made final again while the photo is unusable.
    match device.finalize(lost) {
        Err(DeviceError::Store(StoreError::NotFinalizable(f))) => {
            assert!(f.iter().any(|f| f.code == problem.code()), "{f:?}")
        }
        other => panic!("finalize must refuse: {other:?}"),
    }
    // A second sync sends nothing of it and stops at nothing.
    let again = device.sync(&mut |_| {}).await.unwrap();
    assert_eq!((again.report.sent, again.report.set_aside.len()), (0, 0));

    // The retake: the household is a draft again, then final, then sent normally.
    let member = device.store().household(lost).unwrap().members[0].id;
    device
        .add_photo(
            lost,
            PhotoKind::Ktp,
            &camera_jpeg(9_001).unwrap(),
            PhotoOptions {
                member_id: Some(member),
                ..PhotoOptions::default()
            },
        )
        .unwrap();
    assert_eq!(device.store().state(lost).unwrap(), RecordState::Draft);
    assert!(device.store().photo_problems().unwrap().is_empty());
    device.finalize(lost).unwrap();
    device.store_mut().queue(lost).unwrap();
    let out = device.sync(&mut |_| {}).await.unwrap();
    assert_eq!(out.report.sent, 1, "{:?}", out.report);
    assert!(out.report.set_aside.is_empty());
    assert_eq!(device.store().state(lost).unwrap(), RecordState::Sent);
    photos_on_server_match(&server, &device, lost).await;
    let detail = server
        .state
        .records
        .get(lost, &Scope::all())
        .unwrap()
        .unwrap();
    assert_eq!(detail.revisions.len(), 1, "exactly once");
}

#[tokio::test]
async fn a_removed_photo_file_sets_aside_only_its_household_until_retaken() {
    one_lost_photo_sets_aside_only_its_household(PhotoLoss::Removed).await;
}

#[tokio::test]
async fn a_damaged_photo_file_sets_aside_only_its_household_until_retaken() {
    one_lost_photo_sets_aside_only_its_household(PhotoLoss::Damaged).await;
}

/// A household the server accepted while one of its photos had not arrived ("incomplete"),
/// whose photo is then lost on the device: it is set aside for a retake too, and the retake
/// completes it on the server.
#[tokio::test]
async fn an_incomplete_household_whose_photo_is_lost_asks_for_a_retake() {
    let server = TestServer::start().await.unwrap();
    server
        .add_user("tksk.b", Role::Enumerator, WILAYAH)
        .unwrap();
    let example = example_household().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut device = new_device(&tmp.path().join("b")).unwrap();
    server.login(&mut device, "tksk.b").await.unwrap();
    let id = capture(&mut device, &example, 3);
    let sha = ktp_of(&device, id);

    // The record reaches the server without that photo (pushed by hand, photos not sent).
    let records = device.store_mut().pending_push(10).unwrap();
    let batch = pendata_shared::protocol::PushBatch {
        protocol: pendata_shared::protocol::PROTOCOL_VERSION,
        batch_id: pendata_shared::BatchId::new(),
        device_id: device.store().device_id(),
        records,
    };
    let answer = device.client().unwrap().push(&batch).await.unwrap();
    device.store_mut().mark_pushed(&answer.results).unwrap();
    assert_eq!(device.store().state(id).unwrap(), RecordState::Sent);
    let detail = server
        .state
        .records
        .get(id, &Scope::all())
        .unwrap()
        .unwrap();
    assert!(
        detail.summary.incomplete,
        "the supervisor sees it incomplete"
    );

    lose_photo(&device, &sha, PhotoLoss::Removed).unwrap();
    let out = device.sync(&mut |_| {}).await.unwrap();
    assert_eq!(out.report.set_aside.len(), 1, "{:?}", out.report);
    assert!(
        out.report.set_aside[0].withdrawn.is_empty(),
        "nothing was waiting"
    );
    assert_eq!(device.store().state(id).unwrap(), RecordState::NeedsPhoto);

    let member = device.store().household(id).unwrap().members[0].id;
    device
        .add_photo(
            id,
            PhotoKind::Ktp,
            &camera_jpeg(9_002).unwrap(),
            PhotoOptions {
                member_id: Some(member),
                ..PhotoOptions::default()
            },
        )
        .unwrap();
    device.finalize(id).unwrap();
    device.store_mut().queue(id).unwrap();
    let out = device.sync(&mut |_| {}).await.unwrap();
    assert_eq!(out.report.sent, 1, "{:?}", out.report);
    photos_on_server_match(&server, &device, id).await;
}
