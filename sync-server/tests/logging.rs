//! What the request logs contain. Alone in its own test binary: tracing caches callsite
//! interest process-wide, so a thread-local subscriber can miss events when other tests run
//! in parallel threads.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use pendata_server::store::Role;

/// Captures log output of one test (current-thread runtime, thread-local subscriber).
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn request_logs_have_the_route_template_but_no_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = TestApp::new();
    app.add_user("ani", Role::Enumerator, "3201012001");
    let token = app.login("ani").await;
    let _ = app
        .send(json_req(
            Method::POST,
            "/api/v1/auth/login",
            None,
            &login_body("ani", "sandi-yang-salah-99"),
        ))
        .await;
    let hash = sha256_hex(jpeg());
    let r = app
        .send(raw_req(
            Method::PUT,
            &format!("/api/v1/photos/{hash}?offset=0&total=77777&nik=3201019999990001"),
            Some(&token),
            Some("application/octet-stream"),
            jpeg().to_vec(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("path=\"/api/v1/photos/{sha256}\""), "{logs}");
    assert!(logs.contains("path=\"/api/v1/auth/login\""), "{logs}");
    assert!(logs.contains("status=200"), "{logs}");
    assert!(logs.contains("status=401"), "{logs}");
    for secret in [
        token.as_str(),
        PASSWORD,
        "sandi-yang-salah-99",
        "3201019999990001",
        "77777",
        "Bearer",
    ] {
        assert!(
            !logs.contains(secret),
            "{secret:?} leaked into logs:\n{logs}"
        );
    }
}
