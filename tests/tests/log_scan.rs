//! The server's logs hold no personal data and no secret: a realistic workload (logins, a wrong
//! password, a household with NIKs and KK numbers pushed with its photo, a record with a broken
//! NIK, malformed JSON quoting a NIK, a NIK in a query string, a bad token, pulls, a supervisor's
//! list, detail, rejection and resolve) runs against the real server on a real socket with every
//! log of the process captured at DEBUG (server, client library, hyper, everything). Then every
//! NIK, KK number, token and password used is searched for in the log: 0 hits.
//! Positive control: a NIK planted in the same log through the same subscriber is found.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::sync::{Arc, Mutex};

use pendata_e2e::client::{batch, upsert, ApiClient, Body};
use pendata_e2e::{example_household, TestServer, PASSWORD};
use pendata_server::store::Role;
use pendata_shared::photos::PhotoKind;
use pendata_shared::{HouseholdId, Sha256Hex};
use serde_json::json;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn small_jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(120, 90, |x, y| image::Rgb([x as u8, y as u8, 99]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .unwrap();
    out
}

/// Every secret that occurs in `log`.
fn hits<'a>(log: &str, secrets: &'a [String]) -> Vec<&'a str> {
    secrets
        .iter()
        .filter(|s| log.contains(s.as_str()))
        .map(String::as_str)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_logs_at_debug_hold_no_nik_kk_token_or_password() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let server = TestServer::start().await.unwrap();
    server
        .add_user("enum.log", Role::Enumerator, "320102")
        .unwrap();
    server
        .add_user("sup.log", Role::Supervisor, "320102")
        .unwrap();
    let api = ApiClient::new(&server.url()).unwrap();
    let wrong_password = "salah-sandi-rahasia-987";
    let mut secrets = vec![PASSWORD.to_owned(), wrong_password.to_owned()];

    let wrong = api.login("enum.log", wrong_password).await.unwrap();
    assert_eq!(wrong.status, 401);
    let e = api.login("enum.log", PASSWORD).await.unwrap().json();
    let s = api.login("sup.log", PASSWORD).await.unwrap().json();
    let enum_token = e["token"].as_str().unwrap().to_owned();
    let sup_token = s["token"].as_str().unwrap().to_owned();
    secrets.push(enum_token.clone());
    secrets.push(sup_token.clone());

    // The household, its NIKs and KK numbers, its photo.
    let mut h = example_household().unwrap();
    h.id = HouseholdId::new();
    let photo = small_jpeg();
    // F-RUMAH is uploaded; the other kinds stay referenced (the record waits for them).
    let rumah = h
        .photos
        .iter_mut()
        .find(|p| p.kind == PhotoKind::Rumah)
        .unwrap();
    rumah.sha256 = Sha256Hex::digest(&photo);
    rumah.bytes = photo.len() as u64;
    for m in &h.members {
        secrets.extend(m.nik.clone());
    }
    secrets.extend(h.families.iter().map(|f| f.kk_number.clone()));
    let nik = h.members[0].nik.clone().unwrap();

    let put = api.upload(&enum_token, &photo).await.unwrap();
    assert_eq!(put.status, 200);

    let (good, revision) = upsert(h.clone());
    let mut broken = h.clone();
    broken.id = HouseholdId::new();
    broken.members.truncate(1); // no NIK shared with the good record
    broken.members[0].nik = Some(format!("{}13{}", &nik[..8], &nik[10..])); // month 13
    secrets.push(broken.members[0].nik.clone().unwrap());
    let (bad, _) = upsert(broken);
    let batch = batch(vec![good, bad]);
    let push = api
        .send(
            "POST",
            "/api/v1/push",
            Some(&enum_token),
            Body::Json(serde_json::to_value(&batch).unwrap()),
        )
        .await
        .unwrap()
        .json();
    assert_eq!(
        push["results"][0]["outcome"]["status"], "accepted",
        "{push}"
    );
    assert_eq!(
        push["results"][1]["outcome"]["status"], "rejected",
        "{push}"
    );

    // Errors that carry personal data in the request.
    let malformed = format!("{{\"protocol\":1,\"records\":[{{\"nik\":\"{nik}\"");
    let r = api
        .send(
            "POST",
            "/api/v1/push",
            Some(&enum_token),
            Body::Typed("application/json", malformed.into_bytes()),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 400);
    let r = api
        .get(&format!("/api/v1/households?desa={nik}"), Some(&sup_token))
        .await
        .unwrap();
    assert_eq!(r.status, 400);
    let r = api
        .get(&format!("/api/v1/households/{nik}"), Some(&sup_token))
        .await
        .unwrap();
    assert_eq!(r.status, 400);
    let r = api
        .get("/api/v1/me", Some(&format!("{enum_token}x")))
        .await
        .unwrap();
    assert_eq!(r.status, 401);

    // Pulls, the supervisor's work.
    for token in [&enum_token, &sup_token] {
        let r = api.get("/api/v1/pull", Some(token)).await.unwrap();
        assert_eq!(r.status, 200);
    }
    let list = api
        .get("/api/v1/households", Some(&sup_token))
        .await
        .unwrap();
    assert_eq!(list.status, 200);
    let detail = api
        .get(&format!("/api/v1/households/{}", h.id), Some(&sup_token))
        .await
        .unwrap();
    assert_eq!(detail.status, 200);
    // A second device opened the same household: a conflict for the supervisor to resolve.
    let (second_device, _) = upsert(h.clone());
    let conflict = api
        .send(
            "POST",
            "/api/v1/push",
            Some(&enum_token),
            Body::Json(
                serde_json::to_value(pendata_e2e::client::batch(vec![second_device])).unwrap(),
            ),
        )
        .await
        .unwrap()
        .json();
    assert_eq!(
        conflict["results"][0]["outcome"]["status"], "conflict",
        "{conflict}"
    );
    let review = api
        .send(
            "POST",
            &format!("/api/v1/households/{}/review", h.id),
            Some(&sup_token),
            Body::Json(json!({ "revision": revision, "decision": "rejected",
                               "note": format!("NIK {nik} tidak cocok dengan KTP") })),
        )
        .await
        .unwrap();
    assert_eq!(review.status, 200);
    let resolve = api
        .send(
            "POST",
            &format!("/api/v1/households/{}/resolve", h.id),
            Some(&sup_token),
            Body::Json(json!({ "keep_revision": revision,
                               "reason": format!("KK {}", h.families[0].kk_number) })),
        )
        .await
        .unwrap();
    assert_eq!(resolve.status, 200);
    let photo_get = api
        .get(
            &format!("/api/v1/photos/{}", Sha256Hex::digest(&photo).as_str()),
            Some(&sup_token),
        )
        .await
        .unwrap();
    assert_eq!(photo_get.body, photo);
    let logout = api
        .send("POST", "/api/v1/auth/logout", Some(&enum_token), Body::None)
        .await
        .unwrap();
    assert_eq!(logout.status, 200);
    server.stop().await;

    let log = String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned();
    let lines = log.lines().count();
    assert!(
        log.contains("push") && log.contains("login") && lines > 50,
        "the capture saw the workload ({lines} lines)"
    );
    let found = hits(&log, &secrets);

    // Positive control: the same subscriber, the same scanner, one planted NIK.
    tracing::debug!(nik = %nik, "planted by the log-scan test");
    let with_plant = String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned();
    let planted = hits(&with_plant, &secrets);

    println!(
        "log scan: {lines} log lines at DEBUG, {} secrets searched (NIK, KK, tokens, passwords), \
         {} hits; planted control found: {}",
        secrets.len(),
        found.len(),
        planted == [nik.as_str()]
    );
    assert!(
        found.is_empty(),
        "secrets in the log: {} hit(s)",
        found.len()
    );
    assert_eq!(planted, [nik.as_str()], "the scanner finds a planted NIK");
}
