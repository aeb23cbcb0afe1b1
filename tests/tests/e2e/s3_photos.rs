//! A real device syncs with the real server whose records are in PostgreSQL and whose photos
//! are in a real S3-compatible server (SeaweedFS from tests/s3/with-s3): the assignment is
//! pulled, captured with nine photos, pushed, the photos uploaded through the S3 store, and
//! the bytes in the bucket are the device's bytes. Skipped (said on stderr) without both
//! servers; required in CI (scripts/test).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pendata_e2e::{capture_assignment, example_household, new_device, prelist_of, TestServer};
use pendata_server::store::postgres::testing;
use pendata_server::store::s3::testing::{fresh_prefix, objects_or_skip};
use pendata_server::store::{Role, Scope};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_syncs_its_photos_into_s3_and_they_come_back_byte_identical() {
    let Some(objects) = objects_or_skip("e2e S3 photos") else {
        return;
    };
    let Some(base) = testing::config_or_skip("e2e S3 photos") else {
        return;
    };
    let bucket = std::env::var("PENDATA_TEST_S3_BUCKET").unwrap();
    let prefix = fresh_prefix("e2e");
    let database = testing::url_of(&testing::fresh_schema(&base, "e2es3"));
    let blob_url = format!("s3://{bucket}/{prefix}");
    let server = TestServer::start_with(|c| Ok(c.with_storage(Some(&database), Some(&blob_url))?))
        .await
        .unwrap();
    server
        .add_user("tksk.s3", Role::Enumerator, "320102")
        .unwrap();
    let example = example_household().unwrap();
    server
        .import_prelist(&[prelist_of(&example, "3201022001-00700", Some("tksk.s3"))])
        .unwrap();

    let tmp = tempfile::tempdir().unwrap();
    let mut device = new_device(&tmp.path().join("d")).unwrap();
    server.login(&mut device, "tksk.s3").await.unwrap();
    device.sync(&mut |_| {}).await.unwrap();
    let assignments = device.store().assignments(None).unwrap();
    assert_eq!(assignments.len(), 1);
    let id = assignments[0].household_id;
    capture_assignment(&mut device, id, 7).unwrap();
    let out = device.sync(&mut |_| {}).await.unwrap();
    assert_eq!(out.report.sent, 1, "{:?}", out.report);
    assert_eq!(out.report.photos_uploaded, 9, "{:?}", out.report);

    let detail = server
        .state
        .records
        .get(id, &Scope::all())
        .unwrap()
        .expect("household on the server");
    assert_eq!(detail.revisions.len(), 1);
    assert!(!detail.revisions[0].incomplete, "every photo arrived");
    let local = device.store().household(id).unwrap();
    assert_eq!(local.photos.len(), 9);
    for p in &local.photos {
        let mine = device.photo_bytes(&p.sha256).unwrap();
        let sha = p.sha256.as_str();
        // Read back through the server's store, and straight from the bucket.
        let parsed = pendata_server::store::Sha256Hex::parse(sha).unwrap();
        let served = server
            .state
            .blobs
            .read(&parsed)
            .await
            .unwrap()
            .expect("photo");
        assert!(served == mine, "photo {sha} differs through the server");
        let key = format!("{prefix}{}/{}/{sha}.jpg", &sha[..2], &sha[2..4]);
        let stored = objects
            .get(&object_store::path::Path::from(key))
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert!(
            stored.as_ref() == mine.as_slice(),
            "photo {sha} differs in the bucket"
        );
    }
    server.stop().await;
}
