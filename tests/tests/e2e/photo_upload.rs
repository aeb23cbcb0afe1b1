//! A photo made by the client core's pipeline travels to the real server in chunks over a real
//! socket; a cut upload resumes where the server says it stopped, and the stored bytes are the
//! pipeline's bytes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pendata_core::photo::{process, PhotoConfig};
use pendata_e2e::client::ApiClient;
use pendata_e2e::{TestServer, PASSWORD};
use pendata_server::store::Role;
use pendata_shared::protocol::{
    Change, ChunkAck, ErrorBody, MissingPhotosResponse, PushBatch, PushOutcome, PushRecord,
    PushResponse, PROTOCOL_VERSION,
};
use pendata_shared::{Household, PhotoKind, RevisionId, Sha256Hex};
use serde_json::json;

/// A camera-like JPEG: gradients, edges and noise, 1600x1200.
fn camera_jpeg() -> Vec<u8> {
    let (w, h) = (1600u32, 1200u32);
    let mut seed = 0x2545_f491_u32;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let n = (seed % 24) as u8;
        let edge = if (x / 80 + y / 60) % 2 == 0 { 40 } else { 0 };
        image::Rgb([
            ((x * 255 / w) as u8).saturating_add(n),
            ((y * 255 / h) as u8).saturating_add(edge),
            (128u8).saturating_add(n / 2),
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92)
        .encode_image(&img)
        .unwrap();
    out
}

#[tokio::test]
async fn pipeline_photo_uploads_in_chunks_and_resumes_after_a_cut() {
    let server = TestServer::start().await.unwrap();
    server
        .add_user("tksk.gunungputri", Role::Enumerator, "320102")
        .unwrap();
    let http = reqwest::Client::new();

    let api = ApiClient::new(&server.url()).unwrap();
    let token = api.token("tksk.gunungputri").await.unwrap();
    let auth = format!("Bearer {token}");

    let photo = process(&camera_jpeg(), &PhotoConfig::standard()).unwrap();
    let sha = photo.sha256_hex.clone();
    let total = photo.jpeg.len() as u64;
    assert!(total > 20_000, "a realistic photo, got {total} bytes");

    let missing = |http: reqwest::Client, auth: String| {
        let url = format!("{}/api/v1/photos/missing", server.url());
        let sha = sha.clone();
        async move {
            let r: MissingPhotosResponse = http
                .post(url)
                .header("authorization", auth)
                .json(&json!({ "sha256": [sha] }))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            r.missing
        }
    };
    let m = missing(http.clone(), auth.clone()).await;
    assert_eq!((m.len(), m[0].received), (1, 0));

    let put = |offset: u64, bytes: Vec<u8>| {
        let req = http
            .put(format!(
                "{}/api/v1/photos/{sha}?offset={offset}&total={total}",
                server.url()
            ))
            .header("authorization", auth.clone())
            .header("content-type", "application/octet-stream")
            .body(bytes);
        async move { req.send().await.unwrap() }
    };

    // First chunk arrives whole.
    let chunk = 16 * 1024;
    let first = put(0, photo.jpeg[..chunk].to_vec()).await;
    assert_eq!(first.status(), 200);
    let ack: ChunkAck = first.json().await.unwrap();
    assert_eq!((ack.received, ack.complete), (chunk as u64, false));

    // The device thinks the second chunk was lost and re-sends from a stale offset: the server
    // refuses it and says where it really stands.
    let stale = put(0, photo.jpeg[..chunk].to_vec()).await;
    assert_eq!(stale.status(), 409);
    let err: ErrorBody = stale.json().await.unwrap();
    assert_eq!(
        (err.code.as_str(), err.received),
        ("photo.offset_mismatch", Some(chunk as u64))
    );

    // The missing query reports the staged bytes, so a restarted device resumes there.
    let m = missing(http.clone(), auth.clone()).await;
    assert_eq!(m[0].received, chunk as u64);

    let mut offset = m[0].received as usize;
    let mut sent_again = 0usize;
    while offset < photo.jpeg.len() {
        let end = (offset + chunk).min(photo.jpeg.len());
        let res = put(offset as u64, photo.jpeg[offset..end].to_vec()).await;
        assert_eq!(res.status(), 200);
        let ack: ChunkAck = res.json().await.unwrap();
        sent_again += end - offset;
        offset = ack.received as usize;
        assert_eq!(ack.complete, offset == photo.jpeg.len());
    }
    assert_eq!(
        sent_again,
        photo.jpeg.len() - chunk,
        "no acknowledged byte is sent twice"
    );
    assert!(missing(http.clone(), auth.clone()).await.is_empty());

    // A photo no household references is not served, even to its uploader: reads are scoped
    // by the wilayah of the households that reference a photo.
    let get = |token: String| {
        let req = http
            .get(format!("{}/api/v1/photos/{sha}", server.url()))
            .header("authorization", token);
        async move { req.send().await.unwrap() }
    };
    assert_eq!(get(auth.clone()).await.status(), 404);

    // Push the example household (desa 3201022001) with this photo as its F-RUMAH.
    let mut household: Household =
        serde_json::from_str(include_str!("../../../assets/examples/household.json")).unwrap();
    let rumah = household
        .photos
        .iter_mut()
        .find(|p| p.kind == PhotoKind::Rumah)
        .unwrap();
    rumah.sha256 = Sha256Hex::parse(&sha).unwrap();
    rumah.bytes = total;
    rumah.width = photo.width;
    rumah.height = photo.height;
    let record = PushRecord::new(
        RevisionId::new(),
        None,
        chrono::Utc::now(),
        household.id,
        Change::Upsert {
            household: Box::new(household),
        },
    );
    let batch = PushBatch {
        protocol: PROTOCOL_VERSION,
        batch_id: Default::default(),
        device_id: Default::default(),
        records: vec![record],
    };
    let pushed: PushResponse = http
        .post(format!("{}/api/v1/push", server.url()))
        .header("authorization", auth.clone())
        .json(&batch)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    match &pushed.results[0].outcome {
        PushOutcome::Accepted { missing_photos, .. } => {
            // The other eight example photos were never uploaded; ours was.
            assert_eq!(missing_photos.len(), 8);
            assert!(!missing_photos.iter().any(|m| m.as_str() == sha));
        }
        other => panic!("expected accepted, got {other:?}"),
    }

    // Now it is served, and the bytes are exactly what the pipeline made.
    let stored = get(auth.clone()).await.bytes().await.unwrap();
    assert_eq!(stored.as_ref(), photo.jpeg.as_slice());

    // A facilitator of another kecamatan does not get it (not even its existence).
    server
        .add_user("tksk.cibinong", Role::Enumerator, "320101")
        .unwrap();
    let other = api.token("tksk.cibinong").await.unwrap();
    assert_eq!(get(format!("Bearer {other}")).await.status(), 404);

    // Without a token: refused.
    let anon = http
        .get(format!("{}/api/v1/photos/{sha}", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(anon.status(), 401);
    server.stop().await;
}

/// The server's side of "a cut costs at most the chunk in flight", placed by hand: a resend
/// that overlaps the staged bytes keeps only the new tail (no 409, no extra round trip), a
/// chunk wholly staged or past the staged count is answered 409 with the count, and a photo
/// whose bytes are all staged but never finished is finished by an empty chunk at the end (or
/// by any chunk).
#[tokio::test]
async fn overlapping_resends_keep_the_tail_and_a_fully_staged_photo_is_finished() {
    use pendata_core::sync::{ChunkOutcome, Client, ClientConfig};
    use pendata_e2e::workload::camera_jpeg_sized;

    let server = TestServer::start().await.unwrap();
    server
        .add_user("tksk.tumpang", Role::Enumerator, "320102")
        .unwrap();
    let client = Client::new(ClientConfig::new(
        server.url(),
        pendata_shared::ids::DeviceId::new(),
    ))
    .unwrap();
    client
        .login("tksk.tumpang", PASSWORD, "uji e2e")
        .await
        .unwrap();
    let photo = camera_jpeg_sized(5, 320, 240).unwrap();
    let total = photo.len() as u64;
    assert!(total > 4000, "{total}");
    let sha = Sha256Hex::digest(&photo);
    let ack = |received: u64, complete: bool| {
        ChunkOutcome::Ack(ChunkAck {
            sha256: sha.clone(),
            received,
            total,
            complete,
        })
    };
    let put = |from: u64, to: u64| {
        client.put_chunk(
            &sha,
            from,
            total,
            photo[from as usize..to as usize].to_vec(),
        )
    };

    assert_eq!(put(0, 1000).await.unwrap(), ack(1000, false));
    // Overlapping resend: 500 bytes skipped, 1000 kept.
    assert_eq!(put(500, 2000).await.unwrap(), ack(2000, false));
    // Wholly staged, or past the staged count: 409 with where to resume.
    assert_eq!(
        put(0, 1000).await.unwrap(),
        ChunkOutcome::OffsetMismatch { received: 2000 }
    );
    assert_eq!(
        put(3000, 4000).await.unwrap(),
        ChunkOutcome::OffsetMismatch { received: 2000 }
    );
    assert_eq!(put(2000, total).await.unwrap(), ack(total, true));
    let hash = pendata_server::store::Sha256Hex::parse(sha.as_str()).unwrap();
    assert_eq!(
        server.state.blobs.read(&hash).await.unwrap().as_deref(),
        Some(photo.as_slice()),
        "the skipped overlap did not change the bytes"
    );

    // Every byte staged, never finished (as when the last chunk's handler was dropped).
    let staging = server.state.config.photos_staging_dir();
    for (k, finish_with_empty) in [(6u32, true), (7, false)] {
        let photo = camera_jpeg_sized(k, 320, 240).unwrap();
        let total = photo.len() as u64;
        let sha = Sha256Hex::digest(&photo);
        std::fs::write(staging.join(format!("{}.part", sha.as_str())), &photo).unwrap();
        let m = client
            .photos_missing(std::slice::from_ref(&sha))
            .await
            .unwrap();
        assert_eq!(m.missing[0].received, total, "reported fully staged");
        let out = if finish_with_empty {
            client.put_chunk(&sha, total, total, Vec::new()).await
        } else {
            client
                .put_chunk(&sha, 0, total, photo[..1000].to_vec())
                .await
        };
        assert_eq!(
            out.unwrap(),
            ChunkOutcome::Ack(ChunkAck {
                sha256: sha.clone(),
                received: total,
                total,
                complete: true
            })
        );
        let hash = pendata_server::store::Sha256Hex::parse(sha.as_str()).unwrap();
        assert_eq!(
            server.state.blobs.read(&hash).await.unwrap().as_deref(),
            Some(photo.as_slice())
        );
    }
}
