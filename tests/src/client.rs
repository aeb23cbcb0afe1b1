//! A plain HTTP client for the API, as the end-to-end tests call it: one request (method, path,
//! optional bearer token, body) gives one [`Answer`] with the status, the `Location` and the
//! whole body, so a test can assert on status, JSON and bytes, and scan the body for leaks.
//!
//! [`upsert`] and [`batch`] make the push bodies. The dashboard's browser-like client is
//! [`crate::WebClient`].

use chrono::Utc;
use pendata_shared::protocol::{Change, PushBatch, PushRecord, PROTOCOL_VERSION};
use pendata_shared::{BatchId, DeviceId, Household, RevisionId, Sha256Hex};
use serde_json::{json, Value};

use crate::PASSWORD;

/// One answer, read completely.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    /// The `Location` header (empty without one).
    pub location: String,
    pub body: Vec<u8>,
}

impl Answer {
    /// Reads a response: status, `Location`, the whole body.
    pub async fn read(res: reqwest::Response) -> anyhow::Result<Self> {
        let status = res.status().as_u16();
        let location = match res.headers().get(reqwest::header::LOCATION) {
            Some(v) => v.to_str()?.to_owned(),
            None => String::new(),
        };
        let body = res.bytes().await?.to_vec();
        Ok(Answer {
            status,
            location,
            body,
        })
    }

    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A request body.
pub enum Body {
    None,
    /// `application/json`.
    Json(Value),
    /// `application/octet-stream` (photo chunks).
    Bytes(Vec<u8>),
    /// Any bytes with the given `Content-Type` (e.g. malformed JSON).
    Typed(&'static str, Vec<u8>),
}

/// The API of one server (`base` = `http://127.0.0.1:PORT`), through one reqwest client.
#[derive(Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base: String,
}

impl ApiClient {
    pub fn new(base: &str) -> anyhow::Result<Self> {
        Ok(ApiClient {
            http: reqwest::Client::builder().build()?,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    /// `method base+path`, with `Authorization: Bearer token` when given.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Body,
    ) -> anyhow::Result<Answer> {
        let method = reqwest::Method::from_bytes(method.as_bytes())?;
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req = match body {
            Body::None => req,
            Body::Json(v) => req.json(&v),
            Body::Bytes(b) => req
                .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                .body(b),
            Body::Typed(content_type, b) => req
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(b),
        };
        Answer::read(req.send().await?).await
    }

    /// `GET base+path` with the token.
    pub async fn get(&self, path: &str, token: Option<&str>) -> anyhow::Result<Answer> {
        self.send("GET", path, token, Body::None).await
    }

    /// `POST /api/v1/auth/login` for a fresh device id; the answer as it comes (a wrong
    /// password is a 401, not an error).
    pub async fn login(&self, username: &str, password: &str) -> anyhow::Result<Answer> {
        self.send(
            "POST",
            "/api/v1/auth/login",
            None,
            Body::Json(json!({
                "username": username,
                "password": password,
                "device_id": DeviceId::new(),
                "device_name": "uji e2e",
            })),
        )
        .await
    }

    /// Pushes one new revision of record `id` carrying `change`; an error unless the server
    /// answers 200 and accepts it.
    pub async fn push_accepted(
        &self,
        token: &str,
        id: pendata_shared::HouseholdId,
        change: Change,
    ) -> anyhow::Result<()> {
        let record = PushRecord::new(RevisionId::new(), None, Utc::now(), id, change);
        let res = self
            .send(
                "POST",
                "/api/v1/push",
                Some(token),
                Body::Json(serde_json::to_value(batch(vec![record]))?),
            )
            .await?;
        anyhow::ensure!(res.status == 200, "push: {} {}", res.status, res.text());
        let outcome = res.json()["results"][0]["outcome"]["status"].clone();
        anyhow::ensure!(outcome == "accepted", "push: {}", res.text());
        Ok(())
    }

    /// Logs in with the test password; the device token (an error unless the answer is 200).
    pub async fn token(&self, username: &str) -> anyhow::Result<String> {
        let a = self.login(username, PASSWORD).await?;
        anyhow::ensure!(a.status == 200, "login {username}: {}", a.text());
        a.json()["token"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| anyhow::anyhow!("login {username}: no token in {}", a.text()))
    }

    /// The whole photo in one chunk: `PUT /api/v1/photos/{sha256}?offset=0&total=N`.
    pub async fn upload(&self, token: &str, photo: &[u8]) -> anyhow::Result<Answer> {
        let sha = Sha256Hex::digest(photo);
        self.send(
            "PUT",
            &format!(
                "/api/v1/photos/{}?offset=0&total={}",
                sha.as_str(),
                photo.len()
            ),
            Some(token),
            Body::Bytes(photo.to_vec()),
        )
        .await
    }
}

/// `h` as one upsert record under a fresh revision, as a device queues it.
pub fn upsert(h: Household) -> (PushRecord, RevisionId) {
    let revision = RevisionId::new();
    let record = PushRecord::new(
        revision,
        None,
        Utc::now(),
        h.id,
        Change::Upsert {
            household: Box::new(h),
        },
    );
    (record, revision)
}

/// A push batch of `records` from a fresh device id.
pub fn batch(records: Vec<PushRecord>) -> PushBatch {
    PushBatch {
        protocol: PROTOCOL_VERSION,
        batch_id: BatchId::new(),
        device_id: DeviceId::new(),
        records,
    }
}
