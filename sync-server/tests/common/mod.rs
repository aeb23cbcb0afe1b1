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

/// A small real JPEG (48×32, a colour gradient), encoded at test time.
pub fn jpeg() -> &'static [u8] {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES.get_or_init(|| make_jpeg(48, 32, 0))
}

/// A distinct real JPEG for each `seed`.
pub fn make_jpeg(width: u32, height: u32, seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x * 5) as u8 ^ seed,
            (y * 7) as u8,
            ((x + y) as u8).wrapping_mul(3).wrapping_add(seed),
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .unwrap();
    out
}
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

/// A chunk as a real client sends it: with its Content-Length. The server reads a chunk's length
/// from that header first; the body's own size hint does not survive the idle-timeout layer.
pub fn chunk_req(token: &str, hash: &str, offset: u64, total: u64, bytes: &[u8]) -> Request<Body> {
    let mut req = raw_req(
        Method::PUT,
        &format!("/api/v1/photos/{hash}?offset={offset}&total={total}"),
        Some(token),
        Some("application/octet-stream"),
        bytes.to_vec(),
    );
    req.headers_mut()
        .insert(axum::http::header::CONTENT_LENGTH, bytes.len().into());
    req
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    pendata_server::store::Sha256Hex::of(bytes).to_string()
}

// ---------------------------------------------------------------------------------------------
// households

use pendata_shared::model::Household;
use pendata_shared::protocol::{Change, PushRecord};
use pendata_shared::{HouseholdId, MemberId, RevisionId};

pub const EXAMPLE: &str = include_str!("../../../assets/examples/household.json");

/// The example household with a fresh id, fresh member ids and NIKs unique to `n`.
pub fn example_household(n: u32) -> Household {
    let mut h: Household = serde_json::from_str(EXAMPLE).unwrap();
    h.id = HouseholdId::new();
    let serial = n % 1900 * 5 + 1;
    let mut renamed = std::collections::HashMap::new();
    for (i, m) in h.members.iter_mut().enumerate() {
        let old_id = m.id;
        m.id = MemberId::new();
        renamed.insert(old_id, m.id);
        if let Some(nik) = &m.nik {
            let new = format!("{}{:04}", &nik[..12], serial + i as u32);
            for d in &mut h.dependents {
                if d.nik.as_deref() == Some(nik.as_str()) {
                    d.nik = Some(new.clone());
                }
            }
            m.nik = Some(new);
        }
    }
    for d in &mut h.dependents {
        if let Some(id) = d.member_id.and_then(|id| renamed.get(&id)) {
            d.member_id = Some(*id);
        }
    }
    for p in &mut h.photos {
        if let Some(id) = p.member_id.and_then(|id| renamed.get(&id)) {
            p.member_id = Some(*id);
        }
    }
    h
}

/// A push record of `h` based on `base`.
pub fn record(h: &Household, base: Option<RevisionId>) -> PushRecord {
    PushRecord::new(
        RevisionId::new(),
        base,
        chrono::Utc::now(),
        h.id,
        Change::Upsert {
            household: Box::new(h.clone()),
        },
    )
}

/// A push batch body.
pub fn batch(records: &[PushRecord]) -> Value {
    json!({
        "protocol": 1,
        "batch_id": uuid::Uuid::now_v7(),
        "device_id": "0192f5a0-0000-7000-8000-000000000001",
        "records": records,
    })
}

impl TestApp {
    pub async fn push(&self, token: &str, records: &[PushRecord]) -> Reply {
        self.send(json_req(
            Method::POST,
            "/api/v1/push",
            Some(token),
            &batch(records),
        ))
        .await
    }

    pub async fn get(&self, token: &str, uri: &str) -> Reply {
        self.send(raw_req(Method::GET, uri, Some(token), None, vec![]))
            .await
    }

    /// Adds `username` with a password and logs in; returns the token.
    pub async fn user(&self, username: &str, role: Role, wilayah: &str) -> String {
        self.add_user(username, role, wilayah);
        self.login(username).await
    }
}

/// Stores a household in `desa` that references the photo `sha` (photo reads are scoped to
/// the households referencing a photo).
pub fn reference_photo(store: &dyn pendata_server::store::RecordStore, desa: &str, sha: &str) {
    use pendata_server::store::{IncomingRecord, Pusher, Scope};
    let mut h = example_household(999);
    h.location.desa_code = desa.into();
    h.photos.truncate(1);
    let sha = pendata_shared::Sha256Hex::parse(sha).unwrap();
    h.photos[0].sha256 = sha.clone();
    let rec = record(&h, None);
    let incoming = IncomingRecord {
        questionnaire: Default::default(),
        packed_change: None,
        change_json: serde_json::to_string(&rec.change).unwrap(),
        record: rec,
        desa_code: Some(desa.into()),
        head_name: String::new(),
        photos: vec![sha],
        missing_photos: vec![],
        warnings: vec![],
        period: None,
    };
    let pusher = Pusher {
        username: "seed".into(),
        device_id: uuid::Uuid::nil(),
        scope: Scope::all(),
    };
    store.push(&pusher, vec![incoming]).unwrap();
}
