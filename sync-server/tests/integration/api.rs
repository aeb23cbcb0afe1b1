//! Every endpoint through `Router::oneshot`, including hostile input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::{header, Method, StatusCode};
use common::*;
use pendata_server::store::Role;
use serde_json::json;

#[tokio::test]
async fn healthz_and_json_404() {
    let app = TestApp::new();
    let r = app
        .send(raw_req(Method::GET, "/healthz", None, None, vec![]))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["status"], "ok");
    assert_eq!(r.json()["version"], env!("CARGO_PKG_VERSION"));

    let r = app
        .send(raw_req(Method::GET, "/nope", None, None, vec![]))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.code(), "not_found");
    assert!(!r.json()["message"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn openapi_lists_every_endpoint_and_the_error_body() {
    let app = TestApp::new();
    let r = app
        .send(raw_req(Method::GET, "/openapi.json", None, None, vec![]))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    for (path, method) in [
        ("/healthz", "get"),
        ("/openapi.json", "get"),
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/logout", "post"),
        ("/api/v1/me", "get"),
        ("/api/v1/photos/missing", "post"),
        ("/api/v1/photos/{sha256}", "put"),
        ("/api/v1/photos/{sha256}", "get"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} missing from openapi.json"
        );
    }
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    assert!(doc["paths"]["/api/v1/photos/{sha256}"]["put"]["responses"]["409"].is_object());
}

#[tokio::test]
async fn login_me_logout() {
    let app = TestApp::new();
    app.add_user("ani", Role::Enumerator, "3201012001");
    let r = app
        .send(json_req(
            Method::POST,
            "/api/v1/auth/login",
            None,
            &login_body("ANI", PASSWORD),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let body = r.json();
    assert_eq!(
        body["user"],
        json!({"username": "ani", "role": "enumerator", "wilayah": "3201012001"})
    );
    let token = body["token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 43);

    let r = app
        .send(raw_req(
            Method::GET,
            "/api/v1/me",
            Some(&token),
            None,
            vec![],
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["user"]["username"], "ani");
    assert_eq!(
        r.json()["device_id"],
        "0192f5a0-0000-7000-8000-000000000001"
    );

    let r = app
        .send(raw_req(
            Method::POST,
            "/api/v1/auth/logout",
            Some(&token),
            None,
            vec![],
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["revoked"], true);
    let r = app
        .send(raw_req(
            Method::GET,
            "/api/v1/me",
            Some(&token),
            None,
            vec![],
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.code(), "auth.invalid");
}

#[tokio::test]
async fn missing_or_bad_tokens_are_401_with_codes() {
    let app = TestApp::new();
    let r = app
        .send(raw_req(Method::GET, "/api/v1/me", None, None, vec![]))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.code(), "auth.missing");
    for value in ["Basic YTpi", "Bearer ", "Bearer not-a-token", "bearer x"] {
        let mut req = raw_req(Method::GET, "/api/v1/me", None, None, vec![]);
        req.headers_mut()
            .insert(header::AUTHORIZATION, value.parse().unwrap());
        let r = app.send(req).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{value}");
        assert_eq!(r.code(), "auth.invalid", "{value}");
    }
}

#[tokio::test]
async fn wrong_password_unknown_user_and_disabled_user() {
    let app = TestApp::new();
    app.add_user("ani", Role::Enumerator, "32");
    for (user, pass) in [
        ("ani", "salah-sekali"),
        ("siapa", PASSWORD),
        ("../..", PASSWORD),
    ] {
        let r = app
            .send(json_req(
                Method::POST,
                "/api/v1/auth/login",
                None,
                &login_body(user, pass),
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{user}");
        assert_eq!(r.code(), "auth.invalid_credentials");
        assert!(!r.text().contains(pass), "password echoed");
    }
    let token = app.login("ani").await;
    app.state.accounts.set_disabled("ani", true).unwrap();
    let r = app
        .send(raw_req(
            Method::GET,
            "/api/v1/me",
            Some(&token),
            None,
            vec![],
        ))
        .await;
    assert_eq!(r.code(), "auth.invalid", "disabled user refused at once");
    let r = app
        .send(json_req(
            Method::POST,
            "/api/v1/auth/login",
            None,
            &login_body("ani", PASSWORD),
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "auth.user_disabled");
}

#[tokio::test]
async fn reset_devices_revokes_at_once() {
    let app = TestApp::new();
    let token = app.enumerator_token().await;
    app.state.accounts.reset_devices("ani").unwrap();
    let r = app
        .send(raw_req(
            Method::GET,
            "/api/v1/me",
            Some(&token),
            None,
            vec![],
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.code(), "auth.invalid");
}

#[tokio::test]
async fn malformed_login_bodies() {
    let app = TestApp::new();
    let url = "/api/v1/auth/login";
    let cases: Vec<(Option<&str>, Vec<u8>, StatusCode, &str)> = vec![
        (Some("application/json"), b"{not json".to_vec(), StatusCode::BAD_REQUEST, "request.malformed_json"),
        (Some("text/plain"), b"{}".to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "request.content_type"),
        (None, b"{}".to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "request.content_type"),
        (Some("application/json"), br#"{"username":"a"}"#.to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_json"),
        (Some("application/json"), br#"{"username":"ani","password":"x","device_id":"not-a-uuid","device_name":"x"}"#.to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_json"),
        (Some("application/json"), br#"{"username":"ani","password":"x","device_id":"0192f5a0-0000-7000-8000-000000000001","device_name":"  "}"#.to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "auth.bad_device_name"),
    ];
    for (ct, body, status, code) in cases {
        let r = app.send(raw_req(Method::POST, url, None, ct, body)).await;
        assert_eq!(r.status, status, "{}", r.text());
        assert_eq!(r.code(), code);
    }
}

#[tokio::test]
async fn json_bodies_over_the_limit_are_413() {
    let app = TestApp::with_config(|c| c.limits.max_json_bytes = 1024);
    let token = app.enumerator_token().await;
    let many: Vec<String> = (0..100).map(|_| "a".repeat(64)).collect();
    let r = app
        .send(json_req(
            Method::POST,
            "/api/v1/photos/missing",
            Some(&token),
            &json!({ "sha256": many }),
        ))
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.code(), "request.too_large");
}

#[tokio::test]
async fn login_rate_limit_per_username_and_per_ip() {
    let app = TestApp::new();
    app.add_user("ani", Role::Enumerator, "32");
    for _ in 0..5 {
        let r = app
            .send(json_req(
                Method::POST,
                "/api/v1/auth/login",
                None,
                &login_body("ani", "salah-salah"),
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // even the right password is refused now
    let r = app
        .send(json_req(
            Method::POST,
            "/api/v1/auth/login",
            None,
            &login_body("ani", PASSWORD),
        ))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.code(), "auth.rate_limited");
    let retry: u64 = r.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=300).contains(&retry), "{retry}");

    // the same IP (every test request comes from 192.0.2.7) is now limited for others too
    app.add_user("budi", Role::Enumerator, "32");
    let r = app
        .send(json_req(
            Method::POST,
            "/api/v1/auth/login",
            None,
            &login_body("budi", PASSWORD),
        ))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);

    // a login from another IP for another user works
    let mut req = json_req(
        Method::POST,
        "/api/v1/auth/login",
        None,
        &login_body("budi", PASSWORD),
    );
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            [198, 51, 100, 1],
            1,
        ))));
    assert_eq!(app.send(req).await.status, StatusCode::OK);
}

#[tokio::test]
async fn photo_upload_whole_then_duplicate_then_download() {
    let app = TestApp::new();
    let token = app.enumerator_token().await;
    let hash = sha256_hex(jpeg());
    let total = jpeg().len() as u64;

    let r = app
        .send(json_req(
            Method::POST,
            "/api/v1/photos/missing",
            Some(&token),
            &json!({ "sha256": [hash, hash] }),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.json()["missing"],
        json!([ { "sha256": hash, "received": 0 } ])
    );
    // Which server state answers (docs/sync-protocol.md, "After a restore").
    let server = &app.state.epoch;
    assert_eq!(
        r.json()["server"],
        json!({ "server_id": server.server_id, "generation": 1, "timeline": server.timeline })
    );

    let r = app.send(chunk_req(&token, &hash, 0, total, jpeg())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        r.json(),
        json!({ "sha256": hash, "received": total, "total": total, "complete": true })
    );
    let h = &hash;
    let stored = app
        .dir
        .path()
        .join(format!("data/photos/{}/{}/{h}.jpg", &h[..2], &h[2..4]));
    assert_eq!(std::fs::read(&stored).unwrap(), jpeg());

    // duplicate: complete, nothing rewritten
    let before = std::fs::metadata(&stored).unwrap().modified().unwrap();
    let r = app.send(chunk_req(&token, &hash, 0, total, jpeg())).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["complete"], true);
    assert_eq!(
        std::fs::metadata(&stored).unwrap().modified().unwrap(),
        before
    );

    let r = app
        .send(json_req(
            Method::POST,
            "/api/v1/photos/missing",
            Some(&token),
            &json!({ "sha256": [hash] }),
        ))
        .await;
    assert_eq!(r.json()["missing"], json!([]));

    // readable once a household of the user's desa references it
    let r = app
        .send(raw_req(
            Method::GET,
            &format!("/api/v1/photos/{hash}"),
            Some(&token),
            None,
            vec![],
        ))
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "unreferenced photos are not readable"
    );
    reference_photo(app.state.records.as_ref(), "3201012001", &hash);
    let r = app
        .send(raw_req(
            Method::GET,
            &format!("/api/v1/photos/{hash}"),
            Some(&token),
            None,
            vec![],
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CONTENT_TYPE], "image/jpeg");
    assert_eq!(r.bytes, jpeg());
}

#[tokio::test]
async fn photo_upload_resumes_after_a_partial_chunk() {
    let app = TestApp::new();
    let token = app.enumerator_token().await;
    let hash = sha256_hex(jpeg());
    let total = jpeg().len() as u64;
    let (first, rest) = jpeg().split_at(200);

    let r = app.send(chunk_req(&token, &hash, 0, total, first)).await;
    assert_eq!(
        r.json(),
        json!({ "sha256": hash, "received": 200, "total": total, "complete": false })
    );
    // the client lost the answer and asks what the server has
    let r = app
        .send(json_req(
            Method::POST,
            "/api/v1/photos/missing",
            Some(&token),
            &json!({ "sha256": [hash] }),
        ))
        .await;
    assert_eq!(r.json()["missing"][0]["received"], 200);
    // a retry of the first chunk is refused with where to resume
    let r = app.send(chunk_req(&token, &hash, 0, total, first)).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.code(), "photo.offset_mismatch");
    assert_eq!(r.json()["received"], 200);
    // not readable until complete
    let r = app
        .send(raw_req(
            Method::GET,
            &format!("/api/v1/photos/{hash}"),
            Some(&token),
            None,
            vec![],
        ))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.code(), "photo.not_found");

    let r = app.send(chunk_req(&token, &hash, 200, total, rest)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["complete"], true);
    reference_photo(app.state.records.as_ref(), "3201012001", &hash);
    let r = app
        .send(raw_req(
            Method::GET,
            &format!("/api/v1/photos/{hash}"),
            Some(&token),
            None,
            vec![],
        ))
        .await;
    assert_eq!(r.bytes, jpeg());
}

#[tokio::test]
async fn hostile_photo_uploads() {
    let app = TestApp::with_config(|c| c.limits.max_photo_bytes = 4096);
    let token = app.enumerator_token().await;
    let hash = sha256_hex(jpeg());
    let total = jpeg().len() as u64;

    // chunk past the total: 413, nothing staged
    let r = app
        .send(chunk_req(&token, &hash, 0, total - 1, jpeg()))
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
    assert_eq!(r.code(), "photo.past_total");
    // wrong offset on a fresh upload
    let r = app
        .send(chunk_req(&token, &hash, 10, total, &jpeg()[10..]))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["received"], 0);
    // total over the photo limit, and zero
    let r = app.send(chunk_req(&token, &hash, 0, 4097, jpeg())).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.code(), "photo.too_large");
    let r = app.send(chunk_req(&token, &hash, 0, 0, b"")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "photo.bad_total");
    // huge and non-numeric query values
    for q in [
        "offset=0&total=99999999999999999999999",
        "offset=-1&total=10",
        "offset=abc&total=10",
        "total=10",
        "",
    ] {
        let r = app
            .send(raw_req(
                Method::PUT,
                &format!("/api/v1/photos/{hash}?{q}"),
                Some(&token),
                Some("application/octet-stream"),
                jpeg().to_vec(),
            ))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
        assert_eq!(r.code(), "request.bad_query", "{q}");
    }
    // wrong content type
    let r = app
        .send(raw_req(
            Method::PUT,
            &format!("/api/v1/photos/{hash}?offset=0&total={total}"),
            Some(&token),
            Some("image/jpeg"),
            jpeg().to_vec(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // content that does not hash to the name: 422, staging discarded
    let mut wrong = jpeg().to_vec();
    wrong[300] ^= 0xFF;
    let r = app.send(chunk_req(&token, &hash, 0, total, &wrong)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.code(), "photo.hash_mismatch");
    let partial = app.dir.path().join("data/photos/.partial");
    assert_eq!(std::fs::read_dir(&partial).unwrap().count(), 0);
    // bytes that hash correctly but are not a jpeg()
    let png = b"\x89PNG\r\n\x1a\n not a jpeg at all".to_vec();
    let r = app
        .send(chunk_req(
            &token,
            &sha256_hex(&png),
            0,
            png.len() as u64,
            &png,
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.code(), "photo.not_jpeg");
    assert_eq!(std::fs::read_dir(&partial).unwrap().count(), 0);
    // no auth
    let r = app
        .send(raw_req(
            Method::PUT,
            &format!("/api/v1/photos/{hash}?offset=0&total={total}"),
            None,
            Some("application/octet-stream"),
            jpeg().to_vec(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn path_tricks_in_the_hash_never_touch_the_filesystem() {
    let app = TestApp::new();
    let token = app.enumerator_token().await;
    // a file the tricks would aim at
    std::fs::write(app.dir.path().join("data/secret.jpg"), jpeg()).unwrap();
    let upper = "A".repeat(64);
    let short = "a".repeat(63);
    let tricks = [
        "..%2Fsecret.jpg".to_owned(),
        "..%2F..%2Fpendata.db".to_owned(),
        format!("{}%2F..", "a".repeat(61)),
        "%2e%2e".to_owned(),
        upper,
        short,
        format!("{}.jpg", "a".repeat(64)),
    ];
    for t in &tricks {
        for method in [Method::GET, Method::PUT] {
            let uri = if method == Method::PUT {
                format!("/api/v1/photos/{t}?offset=0&total=10")
            } else {
                format!("/api/v1/photos/{t}")
            };
            let r = app
                .send(raw_req(
                    method.clone(),
                    &uri,
                    Some(&token),
                    Some("application/octet-stream"),
                    b"0123456789".to_vec(),
                ))
                .await;
            assert_eq!(
                r.status,
                StatusCode::BAD_REQUEST,
                "{method} {t}: {}",
                r.text()
            );
            assert_eq!(r.code(), "photo.bad_hash");
        }
    }
    let r = app
        .send(json_req(
            Method::POST,
            "/api/v1/photos/missing",
            Some(&token),
            &json!({ "sha256": ["../../pendata.db"] }),
        ))
        .await;
    assert_eq!(r.code(), "photo.bad_hash");
    // nothing was staged by any of it
    let partial = app.dir.path().join("data/photos/.partial");
    assert_eq!(std::fs::read_dir(&partial).unwrap().count(), 0);
}

#[tokio::test]
async fn missing_refuses_more_than_1000_hashes() {
    let app = TestApp::new();
    let token = app.enumerator_token().await;
    let many: Vec<String> = (0..1001).map(|i| format!("{i:064x}")).collect();
    let r = app
        .send(json_req(
            Method::POST,
            "/api/v1/photos/missing",
            Some(&token),
            &json!({ "sha256": many }),
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "photo.too_many");
    let r = app
        .send(json_req(
            Method::POST,
            "/api/v1/photos/missing",
            Some(&token),
            &json!({ "sha256": many[..1000] }),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["missing"].as_array().unwrap().len(), 1000);
}

#[tokio::test]
async fn panics_become_a_json_500_without_internals() {
    let routes = axum::Router::new().route(
        "/boom",
        axum::routing::get(|| async {
            if std::env::var_os("PENDATA_NEVER_SET_THIS").is_none() {
                panic!("secret internal detail 3201012001");
            }
            "unreachable"
        }),
    );
    let res = tower::ServiceExt::oneshot(
        pendata_server::with_middleware(routes),
        raw_req(Method::GET, "/boom", None, None, vec![]),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(body["code"], "internal");
    assert!(
        !text.contains("secret") && !text.contains("3201012001"),
        "{text}"
    );
}

#[tokio::test]
async fn chunks_over_the_chunk_limit_are_413_and_leave_nothing() {
    let app = TestApp::with_config(|c| c.limits.max_chunk_bytes = 100);
    let token = app.enumerator_token().await;
    let hash = sha256_hex(jpeg());
    let total = jpeg().len() as u64;
    // without Content-Length: caught while streaming
    let r = app
        .send(chunk_req(&token, &hash, 0, total, &jpeg()[..200]))
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.code(), "photo.chunk_too_large");
    // with Content-Length: refused before reading
    let mut req = chunk_req(&token, &hash, 0, total, &jpeg()[..200]);
    req.headers_mut()
        .insert(header::CONTENT_LENGTH, "200".parse().unwrap());
    let r = app.send(req).await;
    assert_eq!(r.code(), "photo.chunk_too_large");
    let r = app
        .send(json_req(
            Method::POST,
            "/api/v1/photos/missing",
            Some(&token),
            &json!({ "sha256": [hash] }),
        ))
        .await;
    assert_eq!(r.json()["missing"][0]["received"], 0);
    // chunks within the limit complete the photo
    let mut offset = 0;
    for piece in jpeg().chunks(100) {
        let r = app
            .send(chunk_req(&token, &hash, offset, total, piece))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        offset += piece.len() as u64;
    }
    assert_eq!(
        app.state
            .blobs
            .read(&pendata_server::store::Sha256Hex::parse(&hash).unwrap())
            .await
            .unwrap()
            .unwrap(),
        jpeg()
    );
}
