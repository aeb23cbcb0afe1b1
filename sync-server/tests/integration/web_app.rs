//! `/app/`: the web app's files as a phone gets them (handlers/web_app.rs): MIME types,
//! precompressed bodies, cache rules by content hash, the CSP, and a clear answer when no app
//! was built.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::*;
use pendata_server::handlers::web_app::CSP;

const WASM: &str = "pendata_app-0123456789abcdef_bg.wasm";

/// A built app as scripts/build-web lays it out (a small subset).
fn built_app() -> (tempfile::TempDir, TestApp) {
    let web = tempfile::tempdir().unwrap();
    std::fs::write(
        web.path().join("index.html"),
        "<!doctype html><p>Pendata</p>",
    )
    .unwrap();
    std::fs::write(web.path().join("sw.js"), "// sw").unwrap();
    std::fs::write(web.path().join("manifest.webmanifest"), "{}").unwrap();
    std::fs::write(web.path().join(WASM), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(web.path().join(format!("{WASM}.br")), b"brotli bytes").unwrap();
    let dir = web.path().to_path_buf();
    let app = TestApp::with_config(move |c| c.web_dir = Some(dir));
    (web, app)
}

fn get(uri: &str, accept_encoding: Option<&str>) -> Request<Body> {
    let mut req = raw_req(Method::GET, uri, None, None, vec![]);
    if let Some(enc) = accept_encoding {
        req.headers_mut()
            .insert(header::ACCEPT_ENCODING, enc.parse().unwrap());
    }
    req
}

#[tokio::test]
async fn the_app_is_served_with_its_types_cache_rules_and_csp() {
    let (_web, app) = built_app();

    let r = app.send(get("/app", None)).await;
    assert!(r.status.is_redirection(), "{}", r.status);
    assert_eq!(r.headers[header::LOCATION], "/app/");

    let r = app.send(get("/app/", None)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.text(), "<!doctype html><p>Pendata</p>");
    assert!(r.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-cache");
    assert_eq!(r.headers[header::CONTENT_SECURITY_POLICY], CSP);
    assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");

    // The hashed wasm: its MIME type, kept a year, sent brotli-compressed when accepted.
    let r = app.send(get(&format!("/app/{WASM}"), None)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(r.bytes, b"\0asm\x01\0\0\0");
    assert!(r.headers[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .contains("immutable"));
    let r = app
        .send(get(&format!("/app/{WASM}"), Some("gzip, br")))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CONTENT_ENCODING], "br");
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(r.bytes, b"brotli bytes");

    // The service worker is revalidated on every load (a new build reaches the phone).
    let r = app.send(get("/app/sw.js", None)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-cache");
    assert!(r.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .contains("javascript"));

    let r = app.send(get("/app/nope.js", None)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.send(get("/app/../Cargo.toml", None)).await;
    assert_ne!(r.status, StatusCode::OK);

    // The API beside it is unchanged.
    let r = app.send(get("/healthz", None)).await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn without_a_built_app_the_page_says_so() {
    let app = TestApp::new();
    for uri in ["/app/", "/app/index.html"] {
        let r = app.send(get(uri, None)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(r.text().contains("scripts/build-web app"), "{}", r.text());
        assert!(r.text().contains("belum dipasang"), "{}", r.text());
    }
    let r = app
        .send(Request::get("/app").body(Body::empty()).unwrap())
        .await;
    assert!(r.status.is_redirection());
}
