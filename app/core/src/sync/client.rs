//! The HTTP client of the sync protocol (reqwest over rustls).
//!
//! Every non-2xx answer becomes [`ClientError::Status`] with the server's [`ErrorBody`] (code and
//! Indonesian message) and the HTTP status. Requests carry a deadline sized to their body at a
//! pessimistic 64 kbit/s plus 30 s; connecting may take 30 s. An office server with a
//! self-signed certificate is trusted by giving its CA certificate ([`ClientConfig::ca_cert_pem`],
//! docs/tls.md).

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pendata_shared::ids::{DeviceId, Sha256Hex};
use pendata_shared::protocol::{
    ChunkAck, ErrorBody, LoginRequest, LoginResponse, MissingPhotosRequest, MissingPhotosResponse,
    PullPage, PushBatch, PushResponse, UserInfo,
};
use reqwest::header::{HeaderValue, CONTENT_ENCODING, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::retry::{PlatformSleeper, RetryPolicy, Sleeper};

/// Time allowed to open a connection (TCP + TLS).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// The link speed request deadlines are sized for: 64 kbit/s = 8000 bytes per second.
pub const SLOW_LINK_BYTES_PER_SEC: u64 = 8_000;
/// Fixed part of every request deadline.
pub const DEADLINE_SLACK: Duration = Duration::from_secs(30);
/// JSON bodies larger than this are sent gzip-compressed.
pub const GZIP_THRESHOLD: usize = 8 * 1024;
/// Bytes per pulled item assumed when sizing a pull deadline.
const PULL_ITEM_BYTES: u64 = 4 * 1024;

/// The deadline of a request that moves `bytes` over the link: `bytes / 8000 B/s + 30 s`.
pub fn deadline_for(bytes: u64) -> Duration {
    DEADLINE_SLACK + Duration::from_millis(bytes.saturating_mul(1000) / SLOW_LINK_BYTES_PER_SEC)
}

/// Why a request failed. `Status` is an answer of the server; the rest are faults.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server answered non-2xx with this body.
    #[error("{} (HTTP {status}, {})", body.message, body.code)]
    Status {
        status: u16,
        body: ErrorBody,
        /// `Retry-After` of a 429 or 503, if the server sent one.
        retry_after: Option<Duration>,
    },
    /// No answer: the connection failed or broke.
    #[error("Tidak dapat menghubungi server ({detail})")]
    Network { detail: String },
    /// No answer within the deadline.
    #[error("Server tidak menjawab tepat waktu ({detail})")]
    Timeout { detail: String },
    /// A 2xx answer that is not what the protocol says.
    #[error("Jawaban server tidak dapat dibaca (HTTP {status}: {detail})")]
    BadResponse { status: u16, detail: String },
    /// The client cannot be built (bad URL, unreadable or invalid CA certificate).
    #[error("Pengaturan sinkronisasi salah: {detail}")]
    Config { code: &'static str, detail: String },
}

impl ClientError {
    /// Stable code: the server's code for answers, `net.*` / `config.*` for the rest.
    pub fn code(&self) -> &str {
        match self {
            ClientError::Status { body, .. } => &body.code,
            ClientError::Network { .. } => "net.unreachable",
            ClientError::Timeout { .. } => "net.timeout",
            ClientError::BadResponse { .. } => "net.bad_response",
            ClientError::Config { code, .. } => code,
        }
    }

    /// The message for people, in Bahasa Indonesia.
    pub fn message(&self) -> String {
        match self {
            ClientError::Status { body, .. } => body.message.clone(),
            other => other.to_string(),
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            ClientError::Status { body, status, .. } => body
                .message_en
                .clone()
                .unwrap_or_else(|| format!("The server answered HTTP {status}")),
            ClientError::Network { detail } => format!("Cannot reach the server ({detail})"),
            ClientError::Timeout { detail } => {
                format!("The server did not answer in time ({detail})")
            }
            ClientError::BadResponse { status, detail } => {
                format!("Unreadable server answer (HTTP {status}: {detail})")
            }
            ClientError::Config { detail, .. } => format!("Bad sync settings: {detail}"),
        }
    }

    /// The HTTP status of an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The server's `Retry-After`, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ClientError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    fn from_reqwest(e: reqwest::Error) -> Self {
        // The URL may carry a photo hash but never personal data; still, keep only the kind.
        let detail = without_url(&e);
        if e.is_timeout() {
            ClientError::Timeout { detail }
        } else if e.is_decode() {
            ClientError::BadResponse {
                status: e.status().map_or(0, |s| s.as_u16()),
                detail,
            }
        } else {
            ClientError::Network { detail }
        }
    }
}

fn without_url(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut parts = Vec::new();
    let mut cur: Option<&dyn std::error::Error> = e.source();
    while let Some(err) = cur {
        parts.push(err.to_string());
        cur = err.source();
    }
    if parts.is_empty() {
        #[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
        if e.is_connect() {
            return "connect".to_owned();
        }
        "request".to_owned()
    } else {
        parts.join(": ")
    }
}

/// `GET /api/v1/me`: who is logged in, on which device. (Not in `pendata_shared::protocol`;
/// this is the server's answer shape.)
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Me {
    pub user: UserInfo,
    pub device_id: DeviceId,
}

/// The answer to one photo chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChunkOutcome {
    /// Stored; `received` bytes are now staged (or the photo is complete).
    Ack(ChunkAck),
    /// `409 photo.offset_mismatch`: the server holds `received` bytes; resume from there.
    OffsetMismatch { received: u64 },
}

/// Where and how to connect.
#[derive(Clone)]
pub struct ClientConfig {
    /// E.g. `https://pendata.kecamatan.example` (no trailing `/api/v1`).
    pub base_url: String,
    pub device_id: DeviceId,
    /// PEM file of an extra CA certificate to trust (an office server's own CA).
    pub ca_cert_pem: Option<PathBuf>,
    pub retry: RetryPolicy,
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("device_id", &self.device_id)
            .field("ca_cert_pem", &self.ca_cert_pem)
            .finish_non_exhaustive()
    }
}

impl ClientConfig {
    pub fn new(base_url: impl Into<String>, device_id: DeviceId) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            device_id,
            ca_cert_pem: None,
            retry: RetryPolicy::default(),
        }
    }
}

/// A sync client for one server and one device. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    device_id: DeviceId,
    token: Arc<Mutex<Option<String>>>,
    retry: RetryPolicy,
    sleeper: Arc<dyn Sleeper>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("device_id", &self.device_id)
            .field("token", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// Reads a PEM file of CA certificates for [`ClientConfig::ca_cert_pem`]. (Native only: in the
/// browser the phone's own trust store decides, docs/tls.md.)
#[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
pub fn load_ca_certificates(
    path: &std::path::Path,
) -> Result<Vec<reqwest::Certificate>, ClientError> {
    let pem = std::fs::read(path).map_err(|e| ClientError::Config {
        code: "config.ca_unreadable",
        detail: format!("sertifikat CA {} tidak dapat dibaca: {e}", path.display()),
    })?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| ClientError::Config {
        code: "config.ca_invalid",
        detail: format!("sertifikat CA {} tidak sah: {e}", path.display()),
    })?;
    if certs.is_empty() {
        return Err(ClientError::Config {
            code: "config.ca_invalid",
            detail: format!(
                "berkas {} tidak berisi sertifikat PEM (-----BEGIN CERTIFICATE-----)",
                path.display()
            ),
        });
    }
    Ok(certs)
}

/// Native: rustls with the built-in web roots plus the configured CA, a connect deadline.
#[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
fn http_client(config: &ClientConfig) -> Result<reqwest::ClientBuilder, ClientError> {
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .connect_timeout(CONNECT_TIMEOUT)
        .user_agent(concat!("pendata/", env!("CARGO_PKG_VERSION")));
    if let Some(path) = &config.ca_cert_pem {
        for cert in load_ca_certificates(path)? {
            builder = builder.add_root_certificate(cert);
        }
    }
    Ok(builder)
}

/// The browser: `fetch`, with the browser's TLS and trust store (an extra CA file cannot be
/// given to it; the phone trusts the office CA once it is installed, docs/tls.md).
#[cfg(all(target_family = "wasm", target_os = "unknown"))]
fn http_client(config: &ClientConfig) -> Result<reqwest::ClientBuilder, ClientError> {
    if config.ca_cert_pem.is_some() {
        return Err(ClientError::Config {
            code: "config.ca_unsupported",
            detail: "di peramban, sertifikat CA kantor dipasang di ponsel, bukan di aplikasi"
                .to_owned(),
        });
    }
    Ok(reqwest::Client::builder())
}

impl Client {
    /// Builds the client (see `http_client` for what each target trusts).
    pub fn new(config: ClientConfig) -> Result<Self, ClientError> {
        let base = config.base_url.trim().trim_end_matches('/').to_owned();
        let parsed = reqwest::Url::parse(&base).map_err(|e| ClientError::Config {
            code: "config.bad_url",
            detail: format!("alamat server {base:?} tidak sah: {e}"),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(ClientError::Config {
                code: "config.bad_url",
                detail: format!("alamat server harus http:// atau https://, bukan {base:?}"),
            });
        }
        let http = http_client(&config)?
            .build()
            .map_err(|e| ClientError::Config {
                code: "config.client",
                detail: without_url(&e),
            })?;
        Ok(Client {
            http,
            base,
            device_id: config.device_id,
            token: Arc::new(Mutex::new(None)),
            retry: config.retry,
            sleeper: Arc::new(PlatformSleeper::default()),
        })
    }

    /// Replaces how the client waits between retries (tests record instead of sleeping).
    pub fn with_sleeper(mut self, sleeper: Arc<dyn Sleeper>) -> Self {
        self.sleeper = sleeper;
        self
    }

    pub fn device_id(&self) -> DeviceId {
        self.device_id
    }

    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    pub fn sleeper(&self) -> &dyn Sleeper {
        self.sleeper.as_ref()
    }

    /// Uses a token saved from an earlier login.
    pub fn set_token(&self, token: Option<String>) {
        if let Ok(mut t) = self.token.lock() {
            *t = token;
        }
    }

    /// Whether a token is set.
    pub fn has_token(&self) -> bool {
        self.token.lock().map(|t| t.is_some()).unwrap_or(false)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn request(&self, method: Method, path: &str, body_bytes: u64) -> RequestBuilder {
        let mut req = self
            .http
            .request(method, self.url(path))
            .timeout(deadline_for(body_bytes));
        if let Ok(guard) = self.token.lock() {
            if let Some(token) = guard.as_deref() {
                req = req.bearer_auth(token);
            }
        }
        req
    }

    /// `POST /api/v1/auth/login`; keeps the token for later requests.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        device_name: &str,
    ) -> Result<LoginResponse, ClientError> {
        let body = LoginRequest {
            username: username.to_owned(),
            password: password.to_owned(),
            device_id: self.device_id,
            device_name: device_name.to_owned(),
        };
        let bytes = to_json(&body)?;
        let req = self
            .request(Method::POST, "/api/v1/auth/login", bytes.len() as u64)
            .header(CONTENT_TYPE, "application/json")
            .body(bytes);
        let res: LoginResponse = send_json(req).await?;
        self.set_token(Some(res.token.clone()));
        Ok(res)
    }

    /// `POST /api/v1/auth/logout`; forgets the token.
    pub async fn logout(&self) -> Result<(), ClientError> {
        let req = self.request(Method::POST, "/api/v1/auth/logout", 0);
        let res = req.send().await.map_err(ClientError::from_reqwest)?;
        check_status(res).await?;
        self.set_token(None);
        Ok(())
    }

    /// `GET /api/v1/me`.
    pub async fn me(&self) -> Result<Me, ClientError> {
        send_json(self.request(Method::GET, "/api/v1/me", 0)).await
    }

    /// `GET /healthz` with a short `deadline` (connecting included): whether the server can
    /// be reached now. Needs no token; sends none of the device's data. An answer that is not
    /// 2xx is [`ClientError::Status`] (e.g. a captive portal's page).
    pub async fn healthz(&self, deadline: Duration) -> Result<(), ClientError> {
        let req = self.http.get(self.url("/healthz")).timeout(deadline);
        let res = req.send().await.map_err(ClientError::from_reqwest)?;
        check_status(res).await?;
        Ok(())
    }

    /// `POST /api/v1/photos/missing` (at most `MAX_PHOTO_QUERY` hashes).
    pub async fn photos_missing(
        &self,
        sha256: &[Sha256Hex],
    ) -> Result<MissingPhotosResponse, ClientError> {
        let bytes = to_json(&MissingPhotosRequest {
            sha256: sha256.to_vec(),
        })?;
        let req = self
            .request(Method::POST, "/api/v1/photos/missing", bytes.len() as u64)
            .header(CONTENT_TYPE, "application/json")
            .body(bytes);
        send_json(req).await
    }

    /// `PUT /api/v1/photos/{sha}?offset=N&total=T` with one chunk. A `409 photo.offset_mismatch`
    /// comes back as [`ChunkOutcome::OffsetMismatch`] with the server's staged count.
    pub async fn put_chunk(
        &self,
        sha: &Sha256Hex,
        offset: u64,
        total: u64,
        bytes: Vec<u8>,
    ) -> Result<ChunkOutcome, ClientError> {
        let path = format!("/api/v1/photos/{sha}?offset={offset}&total={total}");
        let req = self
            .request(Method::PUT, &path, bytes.len() as u64)
            .header(CONTENT_TYPE, "application/octet-stream")
            .body(bytes);
        match send_json::<ChunkAck>(req).await {
            Ok(ack) => Ok(ChunkOutcome::Ack(ack)),
            Err(ClientError::Status {
                status: 409, body, ..
            }) if body.code == "photo.offset_mismatch" && body.received.is_some() => {
                Ok(ChunkOutcome::OffsetMismatch {
                    received: body.received.unwrap_or(0),
                })
            }
            Err(e) => Err(e),
        }
    }

    /// `POST /api/v1/push`; bodies over [`GZIP_THRESHOLD`] go gzip-compressed.
    pub async fn push(&self, batch: &PushBatch) -> Result<PushResponse, ClientError> {
        let json = to_json(batch)?;
        let (body, gzipped) = maybe_gzip(json)?;
        let mut req = self
            .request(Method::POST, "/api/v1/push", body.len() as u64)
            .header(CONTENT_TYPE, "application/json");
        if gzipped {
            req = req.header(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        send_json(req.body(body)).await
    }

    /// `GET /api/v1/pull?cursor=C&limit=N&desil_import=I` (`desil_import`: the desil import
    /// the device holds as a whole; an older server ignores it).
    pub async fn pull(
        &self,
        cursor: Option<&str>,
        limit: u32,
        desil_import: Option<i64>,
    ) -> Result<PullPage, ClientError> {
        let mut req = self.request(
            Method::GET,
            "/api/v1/pull",
            u64::from(limit).saturating_mul(PULL_ITEM_BYTES),
        );
        req = req.query(&[("limit", limit.to_string())]);
        if let Some(c) = cursor {
            req = req.query(&[("cursor", c)]);
        }
        if let Some(held) = desil_import {
            req = req.query(&[("desil_import", held.to_string())]);
        }
        send_json(req).await
    }
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, ClientError> {
    serde_json::to_vec(value).map_err(|e| ClientError::Config {
        code: "config.encode",
        detail: e.to_string(),
    })
}

/// Gzips `json` when it is larger than [`GZIP_THRESHOLD`]; returns the body and whether it is
/// compressed.
pub fn maybe_gzip(json: Vec<u8>) -> Result<(Vec<u8>, bool), ClientError> {
    if json.len() <= GZIP_THRESHOLD {
        return Ok((json, false));
    }
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(json.len() / 4),
        flate2::Compression::default(),
    );
    enc.write_all(&json)
        .and_then(|()| enc.finish())
        .map(|body| (body, true))
        .map_err(|e| ClientError::Config {
            code: "config.encode",
            detail: e.to_string(),
        })
}

async fn send_json<T: DeserializeOwned>(req: RequestBuilder) -> Result<T, ClientError> {
    let res = req.send().await.map_err(ClientError::from_reqwest)?;
    let res = check_status(res).await?;
    let status = res.status().as_u16();
    let bytes = res.bytes().await.map_err(ClientError::from_reqwest)?;
    serde_json::from_slice(&bytes).map_err(|e| ClientError::BadResponse {
        status,
        detail: e.to_string(),
    })
}

/// Passes 2xx answers through; turns the others into [`ClientError::Status`].
async fn check_status(res: reqwest::Response) -> Result<reqwest::Response, ClientError> {
    let status = res.status();
    if status.is_success() {
        return Ok(res);
    }
    let retry_after = res
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    // A body that does not arrive or is not an ErrorBody (a proxy's HTML page) still gives a
    // typed error with a code derived from the status.
    let bytes = res.bytes().await.unwrap_or_default();
    let body = serde_json::from_slice::<ErrorBody>(&bytes).unwrap_or_else(|_| generic_body(status));
    Err(ClientError::Status {
        status: status.as_u16(),
        body,
        retry_after,
    })
}

fn generic_body(status: StatusCode) -> ErrorBody {
    let code = status.as_u16();
    ErrorBody {
        code: format!("http.{code}"),
        message: format!("Server menjawab dengan galat HTTP {code}"),
        message_en: Some(format!("The server answered HTTP {code}")),
        received: None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn deadlines_are_sized_for_64_kbit() {
        assert_eq!(deadline_for(0), Duration::from_secs(30));
        assert_eq!(deadline_for(8_000), Duration::from_secs(31));
        // A 256 KiB chunk: 262144 / 8000 = 32.768 s, plus 30 s.
        assert_eq!(deadline_for(256 * 1024), Duration::from_millis(62_768));
        assert!(
            deadline_for(u64::MAX) > Duration::from_secs(30),
            "no overflow"
        );
    }

    #[test]
    fn small_bodies_stay_plain_large_ones_are_gzipped() {
        let small = br#"{"a":1}"#.to_vec();
        assert_eq!(maybe_gzip(small.clone()).unwrap(), (small, false));

        let large = serde_json::to_vec(&vec!["rumah tangga"; 2_000]).unwrap();
        let (body, gz) = maybe_gzip(large.clone()).unwrap();
        assert!(gz);
        assert!(body.len() < large.len() / 4);
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(body.as_slice())
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, large);
    }

    #[test]
    fn bad_settings_are_typed() {
        let id = DeviceId::new();
        let err = Client::new(ClientConfig::new("ftp://x", id)).unwrap_err();
        assert_eq!(err.code(), "config.bad_url");
        let err = Client::new(ClientConfig::new("bukan alamat", id)).unwrap_err();
        assert_eq!(err.code(), "config.bad_url");

        let dir = tempfile::tempdir().unwrap();
        let mut cfg = ClientConfig::new("https://127.0.0.1:1", id);
        cfg.ca_cert_pem = Some(dir.path().join("tidak-ada.pem"));
        assert_eq!(
            Client::new(cfg.clone()).unwrap_err().code(),
            "config.ca_unreadable"
        );
        let junk = dir.path().join("junk.pem");
        std::fs::write(&junk, b"bukan sertifikat").unwrap();
        cfg.ca_cert_pem = Some(junk);
        assert_eq!(Client::new(cfg).unwrap_err().code(), "config.ca_invalid");
    }

    #[test]
    fn debug_never_shows_the_token() {
        let c = Client::new(ClientConfig::new("http://127.0.0.1:9", DeviceId::new())).unwrap();
        c.set_token(Some("rahasia-token-123".into()));
        assert!(c.has_token());
        assert!(!format!("{c:?}").contains("rahasia"));
    }

    #[test]
    fn non_json_error_bodies_get_a_status_code() {
        let b = generic_body(StatusCode::BAD_GATEWAY);
        assert_eq!(b.code, "http.502");
        assert!(b.message.starts_with("Server menjawab"));
    }
}
