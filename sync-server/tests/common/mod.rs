//! Helpers shared by the integration tests: a real data directory, real SQLite, real users.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use pendata_server::auth::hash_password;
use pendata_server::store::{NewUser, Role};
use pendata_server::{AppState, Config};
use serde_json::{json, Value};
use tower::ServiceExt;

pub const JPEG: &[u8] = include_bytes!("../fixtures/small.jpg");
pub const PASSWORD: &str = "kata-sandi-rahasia";

pub struct TestApp {
    pub dir: tempfile::TempDir,
    pub state: AppState,
}

impl TestApp {
    pub fn new() -> Self {
        Self::with_config(|_| {})
    }

    pub fn with_config(tweak: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::with_data_dir(dir.path().join("data"));
        tweak(&mut config);
        let state = AppState::open(config).unwrap();
        TestApp { dir, state }
    }

    pub fn router(&self) -> Router {
        pendata_server::router(self.state.clone())
    }

    pub fn add_user(&self, username: &str, role: Role, wilayah: &str) {
        self.state
            .accounts
            .create_user(NewUser {
                username: username.into(),
                password_hash: hash_password(PASSWORD).unwrap(),
                role,
                wilayah: wilayah.into(),
            })
            .unwrap();
    }

    /// Sends one request through the router and returns status, headers and body bytes.
    pub async fn send(&self, req: Request<Body>) -> Reply {
        let res = self.router().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec();
        Reply {
            status,
            headers,
            bytes,
        }
    }

    pub async fn login(&self, username: &str) -> String {
        let reply = self
            .send(json_req(
                Method::POST,
                "/api/v1/auth/login",
                None,
                &login_body(username, PASSWORD),
            ))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        reply.json()["token"].as_str().unwrap().to_owned()
    }

    pub async fn enumerator_token(&self) -> String {
        self.add_user("ani", Role::Enumerator, "3201012001");
        self.login("ani").await
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or("<none>").to_owned()
    }
}

pub fn login_body(username: &str, password: &str) -> Value {
    json!({
        "username": username,
        "password": password,
        "device_id": "0192f5a0-0000-7000-8000-000000000001",
        "device_name": "HP uji",
    })
}

pub fn json_req(method: Method, uri: &str, token: Option<&str>, body: &Value) -> Request<Body> {
    raw_req(
        method,
        uri,
        token,
        Some("application/json"),
        serde_json::to_vec(body).unwrap(),
    )
}

pub fn raw_req(
    method: Method,
    uri: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    if let Some(ct) = content_type {
        b = b.header(header::CONTENT_TYPE, ct);
    }
    let mut req = b.body(Body::from(body)).unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([192, 0, 2, 7], 40000))));
    req
}

pub fn chunk_req(token: &str, hash: &str, offset: u64, total: u64, bytes: &[u8]) -> Request<Body> {
    raw_req(
        Method::PUT,
        &format!("/api/v1/photos/{hash}?offset={offset}&total={total}"),
        Some(token),
        Some("application/octet-stream"),
        bytes.to_vec(),
    )
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    pendata_server::store::Sha256Hex::of(bytes).to_string()
}
