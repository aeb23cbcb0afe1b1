//! Photos in a real S3-compatible server (SeaweedFS, started by tests/s3/with-s3) with the
//! records in PostgreSQL, through the HTTP API of two server instances, as two
//! `pendata-server` processes behind a load balancer. Skipped (said on stderr) without both
//! servers; required in CI (scripts/test: `PENDATA_REQUIRE_S3=1`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::http::StatusCode;
use pendata_server::store::postgres::testing;
use pendata_server::store::s3::testing::{fresh_prefix, objects_or_skip};
use pendata_server::store::Role;

use crate::common::{chunk_req, make_jpeg, reference_photo, sha256_hex, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_sent_in_chunks_through_two_servers_is_stored_once_in_s3_and_read_back_whole() {
    let Some(objects) = objects_or_skip("HTTP with S3 photos") else {
        return;
    };
    let Some(base) = testing::config_or_skip("HTTP with S3 photos") else {
        return;
    };
    let bucket = std::env::var("PENDATA_TEST_S3_BUCKET").unwrap();
    let prefix = fresh_prefix("http");
    let database = testing::url_of(&testing::fresh_schema(&base, "s3http"));
    let blob_url = format!("s3://{bucket}/{prefix}");
    let server = || {
        TestApp::with_config(|c| {
            *c = c
                .clone()
                .with_storage(Some(&database), Some(&blob_url))
                .unwrap();
        })
    };
    let (a, b) = (server(), server());
    let ani = a.user("ani", Role::Enumerator, "320102").await;
    let sup = b.user("sup", Role::Supervisor, "320102").await;

    let photo = make_jpeg(640, 480, 11);
    let sha = sha256_hex(&photo);
    let total = photo.len() as u64;
    reference_photo(&*a.state.backend.records, "3201022001", &sha);

    // Four chunks, alternating between the servers, as a phone behind a load balancer.
    let size = photo.len().div_ceil(4);
    let mut offset = 0usize;
    for (i, chunk) in photo.chunks(size).enumerate() {
        let app = if i % 2 == 0 { &a } else { &b };
        // A retried chunk at a stale offset is refused with the count the other server staged.
        if offset > 0 {
            let stale = app
                .send(chunk_req(&ani, &sha, 0, total, &photo[..size]))
                .await;
            assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text());
            assert_eq!(stale.json()["received"], offset as u64, "{}", stale.text());
        }
        let r = app
            .send(chunk_req(&ani, &sha, offset as u64, total, chunk))
            .await;
        assert_eq!(r.status, StatusCode::OK, "chunk {i}: {}", r.text());
        offset += chunk.len();
        assert_eq!(r.json()["received"], offset as u64, "{}", r.text());
        assert_eq!(r.json()["complete"], offset == photo.len(), "{}", r.text());
    }

    // Read back byte-identical through either server, and it is one object in the bucket.
    for app in [&a, &b] {
        let r = app.get(&sup, &format!("/api/v1/photos/{sha}")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(r.bytes == photo, "photo read back differs");
    }
    let key = format!("{prefix}{}/{}/{sha}.jpg", &sha[..2], &sha[2..4]);
    let stored = objects
        .get(&object_store::path::Path::from(key))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(stored.as_ref() == photo.as_slice(), "object differs");
    // Sent again whole: answered complete, nothing rewritten.
    let again = b.send(chunk_req(&ani, &sha, 0, total, &photo)).await;
    assert_eq!(again.json()["complete"], true, "{}", again.text());
}
