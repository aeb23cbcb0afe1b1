//! The sync engine against the real pendata-server on a real socket.
//!
//! Login, `me`, `photos/missing` and chunked photo upload go to the real server. Push and pull are
//! not on the server's main branch yet, so a small "front" in this test answers them with
//! protocol-shaped bodies (checking the real server's photo store, so "photos first" is tested
//! for real) and forwards every other request to the real server, counting the photo bytes it
//! forwards.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::io::Read;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, TimeZone, Utc};
use pendata_core::sync::{
    run_sync, set_aside_of, ChunkOutcome, Client, ClientConfig, ClientError, Phase, PhotoReadError,
    Progress, SetAside, Sleeper, StoreError, SyncStore,
};
use pendata_server::auth::hash_password;
use pendata_server::store::{BlobStatus, NewUser, Role};
use pendata_server::{AppState, Config};
use pendata_shared::ids::{DeviceId, HouseholdId, RevisionId, Sha256Hex};
use pendata_shared::model::{Household, MusdesRef, RecordKind};
use pendata_shared::photos::{LocalPhotoProblem, PhotoKind, PhotoRef};
use pendata_shared::protocol::{
    content_hash, Change, ConflictReason, ErrorBody, PullItem, PullPage, PushBatch, PushOutcome,
    PushRecord, PushResponse, PushResult, ReviewDecision, ReviewOutcome, PHOTO_CHUNK_BYTES,
};
use pendata_shared::validate::{Finding, Severity};

/// A small real JPEG, encoded here (no binary fixtures from elsewhere).
fn small_jpeg() -> Vec<u8> {
    let (w, h) = (24u16, 16u16);
    let pixels: Vec<u8> = (0..u32::from(w) * u32::from(h))
        .flat_map(|i| [(i * 7) as u8, (i * 3) as u8, 200])
        .collect();
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 85)
        .encode(&pixels, w, h, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    out
}
const PASSWORD: &str = "kata-sandi-uji-panjang";

/// A real JPEG made larger with comment (COM) segments: still a valid JPEG, `seed` makes it
/// distinct.
fn big_jpeg(target: usize, seed: u8) -> Vec<u8> {
    let small = small_jpeg();
    let mut out = small[..2].to_vec();
    let mut n = 0usize;
    while out.len() + 65_537 < target {
        out.extend_from_slice(&[0xFF, 0xFE, 0xFF, 0xFF]);
        out.extend((0..65_533).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed ^ n as u8)));
        n += 1;
    }
    out.extend_from_slice(&small[2..]);
    out
}

// -------------------------------------------------------------------------------------------
// The in-memory store.

#[derive(Default)]
struct MemStore {
    revisions: Vec<PushRecord>,
    photos: HashMap<Sha256Hex, Vec<u8>>,
    /// Results recorded, by revision (the "acknowledged" state).
    results: HashMap<RevisionId, PushOutcome>,
    cursor: Option<String>,
    applied: Vec<PullItem>,
    last_sync: Option<DateTime<Utc>>,
    /// Fail `record_push_results` on this call (1-based), simulating a crash mid-sync.
    fail_record_call: Option<usize>,
    record_calls: usize,
    /// Batches refused as a whole: (revisions, code).
    push_failures: Vec<(Vec<RevisionId>, String)>,
    /// Revisions set aside because a photo they need is lost (never sent).
    set_aside: HashSet<RevisionId>,
}

impl SyncStore for MemStore {
    fn pending_revisions(&mut self) -> Result<Vec<PushRecord>, StoreError> {
        Ok(self
            .revisions
            .iter()
            .filter(|r| {
                !self.results.contains_key(&r.revision) && !self.set_aside.contains(&r.revision)
            })
            .cloned()
            .collect())
    }
    fn photo_bytes(&mut self, sha: &Sha256Hex) -> Result<Vec<u8>, PhotoReadError> {
        self.photos
            .get(sha)
            .cloned()
            .ok_or(PhotoReadError::Lost(LocalPhotoProblem::Missing))
    }

    fn set_aside_for_photo(
        &mut self,
        sha: &Sha256Hex,
        problem: LocalPhotoProblem,
    ) -> Result<Vec<SetAside>, StoreError> {
        let pending: Vec<PushRecord> = self
            .revisions
            .iter()
            .filter(|r| {
                !self.results.contains_key(&r.revision) && !self.set_aside.contains(&r.revision)
            })
            .cloned()
            .collect();
        let out = set_aside_of(&pending, sha, problem);
        for s in &out {
            self.set_aside.extend(s.withdrawn.iter().copied());
        }
        Ok(out)
    }
    fn record_push_results(&mut self, results: &[PushResult]) -> Result<(), StoreError> {
        self.record_calls += 1;
        if self.fail_record_call == Some(self.record_calls) {
            return Err(StoreError::new("disk penuh (simulasi)"));
        }
        for r in results {
            self.results.insert(r.revision, r.outcome.clone());
        }
        Ok(())
    }
    fn record_push_failure(
        &mut self,
        revisions: &[RevisionId],
        code: &str,
    ) -> Result<(), StoreError> {
        self.push_failures
            .push((revisions.to_vec(), code.to_owned()));
        Ok(())
    }
    fn pull_cursor(&mut self) -> Result<Option<String>, StoreError> {
        Ok(self.cursor.clone())
    }
    fn apply_pull(&mut self, items: &[PullItem], next_cursor: &str) -> Result<(), StoreError> {
        self.applied.extend_from_slice(items);
        self.cursor = Some(next_cursor.to_owned());
        Ok(())
    }
    fn set_last_sync(&mut self, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.last_sync = Some(now);
        Ok(())
    }
}

impl MemStore {
    fn add_photo(&mut self, bytes: Vec<u8>) -> PhotoRef {
        let sha = Sha256Hex::digest(&bytes);
        let r = PhotoRef {
            kind: PhotoKind::Rumah,
            sha256: sha.clone(),
            bytes: bytes.len() as u64,
            width: 16,
            height: 16,
            geotag: None,
            taken_at: Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap(),
            member_id: None,
        };
        self.photos.insert(sha, bytes);
        r
    }

    fn add_revision(&mut self, photos: Vec<PhotoRef>) -> PushRecord {
        let mut h = Household::new(
            RecordKind::UsulanBaru {
                musdes: MusdesRef::default(),
            },
            "3201012001",
        );
        h.photos = photos;
        let rec = PushRecord::new(
            RevisionId::new(),
            None,
            Utc::now(),
            h.id,
            Change::Upsert {
                household: Box::new(h),
            },
        );
        self.revisions.push(rec.clone());
        rec
    }
}

// -------------------------------------------------------------------------------------------
// The real server and the front.

struct Servers {
    _dir: tempfile::TempDir,
    /// The real server.
    real: String,
    /// The front (push/pull stub + forwarding).
    front: String,
    stub: Arc<Stub>,
    stops: Vec<tokio::sync::oneshot::Sender<()>>,
}

#[derive(Default)]
struct Stub {
    /// Revision → content hash of what the stub stored.
    stored: Mutex<HashMap<RevisionId, Sha256Hex>>,
    /// Records received over all pushes, and how many pushes came gzipped.
    records_received: AtomicUsize,
    gzipped_pushes: AtomicUsize,
    /// Photo chunk body bytes forwarded to the real server.
    photo_bytes_forwarded: AtomicU64,
    /// Chunk bodies received from the client (including refused ones).
    photo_bytes_received: AtomicU64,
    /// Answer this many of the next PUTs / pushes with 503 / 502 instead of serving them.
    fail_puts: AtomicUsize,
    fail_pushes: AtomicUsize,
    /// Cut the next PUT: forward only the first half of its body, then answer 503 as if the
    /// link had dropped after half the chunk arrived.
    cut_next_put: AtomicUsize,
    /// Refuse this many of the next pushes as a whole with 413 (an answer, not a fault).
    refuse_pushes: AtomicUsize,
    /// Items served by pull; the cursor is an index into this list.
    pull_items: Mutex<Vec<PullItem>>,
    pull_limits: Mutex<Vec<u32>>,
    /// A photo referenced by a pushed record was not complete on the real server.
    photos_missing_at_push: AtomicUsize,
}

#[derive(Clone)]
struct FrontState {
    stub: Arc<Stub>,
    app: AppState,
    real: String,
    http: reqwest::Client,
}

fn error(status: StatusCode, code: &str) -> Response {
    let body = ErrorBody {
        code: code.into(),
        message: "Gangguan sementara (uji)".into(),
        message_en: Some("Temporary failure (test)".into()),
        received: None,
    };
    (status, axum::Json(body)).into_response()
}

async fn stub_push(State(s): State<FrontState>, headers: HeaderMap, body: Body) -> Response {
    if s.stub
        .fail_pushes
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        return error(StatusCode::BAD_GATEWAY, "test.bad_gateway");
    }
    if s.stub
        .refuse_pushes
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        return error(StatusCode::PAYLOAD_TOO_LARGE, "request.too_large");
    }
    assert!(
        headers.get("authorization").is_some(),
        "push without a token"
    );
    let raw = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let json = if headers
        .get("content-encoding")
        .is_some_and(|v| v.as_bytes() == b"gzip")
    {
        s.stub.gzipped_pushes.fetch_add(1, Ordering::SeqCst);
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .unwrap();
        out
    } else {
        raw.to_vec()
    };
    let batch: PushBatch = serde_json::from_slice(&json).unwrap();
    assert_eq!(batch.protocol, 1);
    assert!(batch.records.len() <= 200);
    s.stub
        .records_received
        .fetch_add(batch.records.len(), Ordering::SeqCst);
    let mut results = Vec::new();
    for rec in &batch.records {
        let mut missing_photos = Vec::new();
        if let Change::Upsert { household } = &rec.change {
            for p in &household.photos {
                let h = pendata_server::store::Sha256Hex::parse(p.sha256.as_str()).unwrap();
                if !matches!(
                    s.app.blobs.status(&h).await.unwrap(),
                    BlobStatus::Complete(_)
                ) {
                    s.stub.photos_missing_at_push.fetch_add(1, Ordering::SeqCst);
                    missing_photos.push(p.sha256.clone());
                }
            }
        }
        let outcome = if content_hash(&rec.change) != rec.content_sha256 {
            PushOutcome::Rejected {
                findings: vec![Finding {
                    path: String::new(),
                    severity: Severity::Error,
                    code: "push.hash_mismatch".into(),
                    message: "Isi tidak cocok dengan SHA-256-nya".into(),
                    message_en: "The content does not match its SHA-256".into(),
                }],
            }
        } else {
            let mut stored = s.stub.stored.lock().unwrap();
            match stored.get(&rec.revision) {
                Some(h) if *h == rec.content_sha256 => PushOutcome::Duplicate { missing_photos },
                Some(_) => PushOutcome::Conflict {
                    current_revision: None,
                    reason: ConflictReason::SameRevisionDifferentContent,
                },
                None => {
                    stored.insert(rec.revision, rec.content_sha256.clone());
                    PushOutcome::Accepted {
                        missing_photos,
                        warnings: vec![],
                    }
                }
            }
        };
        results.push(PushResult {
            household_id: rec.household_id,
            revision: rec.revision,
            outcome,
        });
    }
    axum::Json(PushResponse {
        results,
        server: None,
    })
    .into_response()
}

async fn stub_pull(
    State(s): State<FrontState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let limit: u32 = q.get("limit").and_then(|l| l.parse().ok()).unwrap_or(100);
    s.stub.pull_limits.lock().unwrap().push(limit);
    let from: usize = q.get("cursor").map_or(0, |c| c.parse().unwrap());
    let all = s.stub.pull_items.lock().unwrap().clone();
    let end = (from + limit as usize).min(all.len());
    let items = all[from.min(end)..end].to_vec();
    axum::Json(PullPage {
        items,
        next_cursor: end.max(from).to_string(),
        has_more: end < all.len(),
        server: None,
        settings: None,
        desil: None,
    })
    .into_response()
}

/// Forwards a request to the real server unchanged; counts photo chunk bytes.
async fn forward(State(s): State<FrontState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let is_chunk = parts.method == axum::http::Method::PUT;
    if is_chunk {
        s.stub
            .photo_bytes_received
            .fetch_add(bytes.len() as u64, Ordering::SeqCst);
        if s.stub
            .fail_puts
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            return error(StatusCode::SERVICE_UNAVAILABLE, "test.unavailable");
        }
        if s.stub
            .cut_next_put
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            let half = bytes.slice(..bytes.len() / 2);
            s.stub
                .photo_bytes_forwarded
                .fetch_add(half.len() as u64, Ordering::SeqCst);
            let url = format!(
                "{}{}",
                s.real,
                parts.uri.path_and_query().map_or("/", |p| p.as_str())
            );
            let mut out = s.http.put(url).body(half.to_vec());
            for name in ["authorization", "content-type"] {
                if let Some(v) = parts.headers.get(name) {
                    out = out.header(name, v.as_bytes());
                }
            }
            let res = out.send().await.unwrap();
            assert!(res.status().is_success(), "{}", res.text().await.unwrap());
            return error(StatusCode::SERVICE_UNAVAILABLE, "test.link_dropped");
        }
        s.stub
            .photo_bytes_forwarded
            .fetch_add(bytes.len() as u64, Ordering::SeqCst);
    }
    let url = format!(
        "{}{}",
        s.real,
        parts.uri.path_and_query().map_or("/", |p| p.as_str())
    );
    let method = reqwest::Method::from_bytes(parts.method.as_str().as_bytes()).unwrap();
    let mut out = s.http.request(method, url).body(bytes.to_vec());
    for name in ["authorization", "content-type"] {
        if let Some(v) = parts.headers.get(name) {
            out = out.header(name, v.as_bytes());
        }
    }
    let res = out.send().await.unwrap();
    let status = StatusCode::from_u16(res.status().as_u16()).unwrap();
    let mut builder = Response::builder().status(status);
    for name in ["content-type", "retry-after"] {
        if let Some(v) = res.headers().get(name) {
            builder = builder.header(name, v.as_bytes());
        }
    }
    builder
        .body(Body::from(res.bytes().await.unwrap()))
        .unwrap()
}

async fn start() -> Servers {
    let dir = tempfile::tempdir().unwrap();
    let app = AppState::open(Config::with_data_dir(dir.path().join("data"))).unwrap();
    app.accounts
        .create_user(NewUser {
            username: "ani".into(),
            password_hash: hash_password(PASSWORD).unwrap(),
            role: Role::Enumerator,
            wilayah: "3201012001".into(),
        })
        .unwrap();
    let mut stops = Vec::new();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let real = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    stops.push(tx);
    tokio::spawn(pendata_server::serve_state(
        app.clone(),
        listener,
        async move {
            let _ = rx.await;
        },
    ));

    let stub = Arc::new(Stub::default());
    let state = FrontState {
        stub: stub.clone(),
        app,
        real: real.clone(),
        http: reqwest::Client::new(),
    };
    let router = Router::new()
        .route("/api/v1/push", post(stub_push))
        .route("/api/v1/pull", get(stub_pull))
        .fallback(forward)
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let front = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    stops.push(tx);
    tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await
            .unwrap();
    });
    Servers {
        _dir: dir,
        real,
        front,
        stub,
        stops,
    }
}

impl Drop for Servers {
    fn drop(&mut self) {
        for tx in self.stops.drain(..) {
            let _ = tx.send(());
        }
    }
}

/// Records waits instead of sleeping.
#[derive(Default)]
struct Recorder(Mutex<Vec<Duration>>);

impl Sleeper for Recorder {
    fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        self.0.lock().unwrap().push(d);
        Box::pin(std::future::ready(()))
    }
}

async fn logged_in(base: &str) -> (Client, Arc<Recorder>) {
    let rec = Arc::new(Recorder::default());
    let client = Client::new(ClientConfig::new(base, DeviceId::new()))
        .unwrap()
        .with_sleeper(rec.clone());
    client.login("ani", PASSWORD, "HP uji").await.unwrap();
    (client, rec)
}

fn review(n: u128) -> PullItem {
    PullItem::Review(ReviewOutcome {
        household_id: HouseholdId(uuid::Uuid::from_u128(n)),
        revision: RevisionId(uuid::Uuid::from_u128(10_000 + n)),
        decision: ReviewDecision::Approved,
        note: None,
        reviewer: "sari".into(),
        decided_at: Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap(),
    })
}

// -------------------------------------------------------------------------------------------
// Tests.

#[tokio::test]
async fn client_speaks_to_the_real_server() {
    let s = start().await;
    let client = Client::new(ClientConfig::new(&s.real, DeviceId::new())).unwrap();

    // Without a token: a typed 401 with the server's code and Indonesian message.
    let err = client.me().await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.code(), "auth.missing");
    assert!(!err.message().is_empty());

    let err = client.login("ani", "salah", "HP").await.unwrap_err();
    assert_eq!(
        (err.status(), err.code()),
        (Some(401), "auth.invalid_credentials")
    );
    assert!(!client.has_token());

    let login = client.login("ani", PASSWORD, "HP uji").await.unwrap();
    assert_eq!(login.user.username, "ani");
    assert!(client.has_token());
    let me = client.me().await.unwrap();
    assert_eq!(me.user.wilayah, "3201012001");
    assert_eq!(me.device_id, client.device_id());

    let photo = big_jpeg(300_000, 1);
    let sha = Sha256Hex::digest(&photo);
    let total = photo.len() as u64;
    let missing = client
        .photos_missing(std::slice::from_ref(&sha))
        .await
        .unwrap();
    assert_eq!(missing.missing.len(), 1);
    assert_eq!(missing.missing[0].received, 0);

    let half = total / 2;
    let out = client
        .put_chunk(&sha, 0, total, photo[..half as usize].to_vec())
        .await
        .unwrap();
    assert_eq!(
        out,
        ChunkOutcome::Ack(pendata_shared::protocol::ChunkAck {
            sha256: sha.clone(),
            received: half,
            total,
            complete: false
        })
    );
    assert_eq!(
        client
            .photos_missing(std::slice::from_ref(&sha))
            .await
            .unwrap()
            .missing[0]
            .received,
        half
    );

    // A chunk at the wrong offset: the server's staged count comes back, not an error.
    let out = client
        .put_chunk(&sha, 10, total, photo[10..20].to_vec())
        .await
        .unwrap();
    assert_eq!(out, ChunkOutcome::OffsetMismatch { received: half });

    // A wrong hash is an answer with its code.
    let err = client
        .put_chunk(&sha, half, total, vec![0u8; (total - half) as usize])
        .await
        .unwrap_err();
    assert_eq!(
        (err.status(), err.code()),
        (Some(422), "photo.hash_mismatch")
    );

    client.logout().await.unwrap();
    assert_eq!(client.me().await.unwrap_err().code(), "auth.missing");
}

#[tokio::test]
async fn engine_sends_only_the_missing_photo_bytes_then_pushes_and_pulls() {
    let s = start().await;
    let (client, waits) = logged_in(&s.front).await;
    let mut store = MemStore::default();

    // A: half uploaded before; B: already on the server; C: new.
    let a = big_jpeg(600_000, 2);
    let b = big_jpeg(100_000, 3);
    let c = big_jpeg(400_000, 4);
    let (a_len, c_len) = (a.len() as u64, c.len() as u64);
    let ra = store.add_photo(a.clone());
    let rb = store.add_photo(b.clone());
    let rc = store.add_photo(c.clone());
    let half = 300_000u64;
    let direct = {
        let d = Client::new(ClientConfig::new(&s.real, DeviceId::new())).unwrap();
        d.login("ani", PASSWORD, "HP lain").await.unwrap();
        d
    };
    direct
        .put_chunk(&ra.sha256, 0, a_len, a[..half as usize].to_vec())
        .await
        .unwrap();
    let out = direct
        .put_chunk(&rb.sha256, 0, b.len() as u64, b.clone())
        .await
        .unwrap();
    assert!(matches!(out, ChunkOutcome::Ack(ack) if ack.complete));

    store.add_revision(vec![ra.clone(), rb.clone()]);
    store.add_revision(vec![rc.clone(), ra.clone()]);
    store.add_revision(vec![]);
    s.stub
        .pull_items
        .lock()
        .unwrap()
        .extend((1..=3).map(review));

    let mut events: Vec<Progress> = Vec::new();
    let report = run_sync(&mut store, &client, &mut |p| events.push(p))
        .await
        .unwrap();

    // Only the missing bytes crossed the wire: A from its staged half, C whole, B not at all.
    let expected = (a_len - half) + c_len;
    assert_eq!(s.stub.photo_bytes_received.load(Ordering::SeqCst), expected);
    assert_eq!(report.photo_bytes_sent, expected);
    assert_eq!(report.resent_bytes, 0);
    assert_eq!(report.photos_uploaded, 2);
    assert!(waits.0.lock().unwrap().is_empty(), "no fault, no wait");
    assert!(direct
        .photos_missing(&[ra.sha256.clone(), rb.sha256.clone(), rc.sha256.clone()])
        .await
        .unwrap()
        .missing
        .is_empty());

    // Photos went before the records: the stub found every photo complete at push time.
    assert_eq!(s.stub.photos_missing_at_push.load(Ordering::SeqCst), 0);
    assert_eq!(
        (report.sent, report.duplicate, report.incomplete),
        (3, 0, 0)
    );
    assert!(report.conflicts.is_empty() && report.rejected.is_empty());
    assert!(report.issues.is_empty(), "{:?}", report.issues);
    assert!(store.pending_revisions().unwrap().is_empty());

    assert_eq!(report.pulled.reviews, 3);
    assert_eq!(store.applied.len(), 3);
    assert_eq!(store.cursor.as_deref(), Some("3"));
    assert!(store.last_sync.is_some());

    // Progress: phases in order, photo bytes counted to the total, ends with Done.
    let phases: Vec<Phase> = events.iter().map(|p| p.phase).collect();
    let mut order = phases.clone();
    order.dedup();
    assert_eq!(
        order,
        [Phase::Photos, Phase::Push, Phase::Pull, Phase::Done]
    );
    let last_photo = events
        .iter()
        .rev()
        .find(|p| p.phase == Phase::Photos)
        .unwrap();
    assert_eq!((last_photo.items_done, last_photo.items_total), (2, 2));
    assert_eq!(last_photo.bytes_done, expected);
    assert_eq!(last_photo.bytes_total, expected);
    assert!(events
        .windows(2)
        .filter(|w| w[0].phase == Phase::Photos && w[1].phase == Phase::Photos)
        .all(|w| w[0].bytes_done <= w[1].bytes_done));

    // A second sync sends nothing again and pulls from the saved cursor.
    s.stub.pull_items.lock().unwrap().push(review(9));
    let again = run_sync(&mut store, &client, &mut |_| {}).await.unwrap();
    assert_eq!(s.stub.photo_bytes_received.load(Ordering::SeqCst), expected);
    assert_eq!(again.photo_bytes_sent, 0);
    assert_eq!((again.sent, again.duplicate), (0, 0));
    assert_eq!(s.stub.records_received.load(Ordering::SeqCst), 3);
    assert_eq!(again.pulled.reviews, 1);
    assert_eq!(store.cursor.as_deref(), Some("4"));
}

#[tokio::test]
async fn faults_are_retried_and_a_cut_chunk_is_the_only_resent_data() {
    let s = start().await;
    let (client, waits) = logged_in(&s.front).await;
    let mut store = MemStore::default();
    let photo = big_jpeg(700_000, 5);
    let len = photo.len() as u64;
    let r = store.add_photo(photo);
    store.add_revision(vec![r]);

    s.stub.fail_puts.store(1, Ordering::SeqCst);
    s.stub.fail_pushes.store(2, Ordering::SeqCst);
    let report = run_sync(&mut store, &client, &mut |_| {}).await.unwrap();

    // The first chunk was refused with 503 and sent again; nothing else twice.
    assert_eq!(report.resent_bytes, PHOTO_CHUNK_BYTES);
    assert_eq!(report.photo_bytes_sent, len + PHOTO_CHUNK_BYTES);
    assert_eq!(
        s.stub.photo_bytes_forwarded.load(Ordering::SeqCst),
        len,
        "the server received every byte exactly once"
    );
    assert_eq!(report.photos_uploaded, 1);
    assert_eq!(report.sent, 1);
    // One wait for the chunk, two for the push; each within the jittered ceiling.
    let w = waits.0.lock().unwrap().clone();
    assert_eq!(w.len(), 3);
    assert!(w[0] <= Duration::from_millis(500));
    assert!(w[1] <= Duration::from_millis(500));
    assert!(w[2] <= Duration::from_millis(1000));
}

#[tokio::test]
async fn outcomes_are_recorded_per_batch_and_a_crash_loses_nothing_acknowledged() {
    let s = start().await;
    let (client, _) = logged_in(&s.front).await;
    let mut store = MemStore::default();
    for _ in 0..250 {
        store.add_revision(vec![]);
    }
    // One record whose hash does not match its content: rejected, the rest go on.
    store.revisions[5].content_sha256 = Sha256Hex::digest(b"bukan isinya");
    let bad = store.revisions[5].household_id;
    // The store fails while saving the second batch's results (as if the app were killed).
    store.fail_record_call = Some(2);

    let err = run_sync(&mut store, &client, &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.code(), "store.failed");
    assert_eq!(err.phase, Phase::Push);
    assert_eq!(err.partial.sent, 199);
    assert_eq!(err.partial.rejected.len(), 1);
    assert_eq!(err.partial.rejected[0].household_id, bad);
    assert_eq!(
        err.partial.rejected[0].messages,
        ["Isi tidak cocok dengan SHA-256-nya"]
    );
    // The first batch's results were saved; the second batch's were not.
    assert_eq!(store.results.len(), 200);
    assert_eq!(store.pending_revisions().unwrap().len(), 50);
    assert!(store.last_sync.is_none());
    // Both bodies were large enough to travel gzipped.
    assert_eq!(s.stub.gzipped_pushes.load(Ordering::SeqCst), 2);

    // The next sync re-sends only the 50 unacknowledged ones, which the server already stored.
    let report = run_sync(&mut store, &client, &mut |_| {}).await.unwrap();
    assert_eq!((report.sent, report.duplicate), (0, 50));
    assert_eq!(s.stub.records_received.load(Ordering::SeqCst), 300);
    assert!(store.pending_revisions().unwrap().is_empty());
    assert!(matches!(
        store.results[&store.revisions[5].revision],
        PushOutcome::Rejected { .. }
    ));
}

#[tokio::test]
async fn pull_pages_until_the_end_at_an_exact_multiple_of_the_page() {
    let s = start().await;
    let (client, _) = logged_in(&s.front).await;
    s.stub
        .pull_items
        .lock()
        .unwrap()
        .extend((1..=200).map(review));
    let mut store = MemStore::default();
    let report = run_sync(&mut store, &client, &mut |_| {}).await.unwrap();
    assert_eq!(report.pulled.reviews, 200);
    assert_eq!(report.pulled.pages, 2);
    assert_eq!(*s.stub.pull_limits.lock().unwrap(), [100, 100]);
    let ids: HashSet<_> = store
        .applied
        .iter()
        .map(|i| match i {
            PullItem::Review(r) => r.household_id,
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(ids.len(), 200);
    assert_eq!(store.cursor.as_deref(), Some("200"));
}

#[tokio::test]
async fn a_refused_token_stops_the_sync_with_its_code() {
    let s = start().await;
    let client = Client::new(ClientConfig::new(&s.front, DeviceId::new())).unwrap();
    client.set_token(Some("token-yang-tidak-ada".into()));
    let mut store = MemStore::default();
    let r = store.add_photo(big_jpeg(10_000, 6));
    store.add_revision(vec![r]);
    let err = run_sync(&mut store, &client, &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.code(), "auth.invalid");
    assert_eq!(err.phase, Phase::Photos);
    assert!(matches!(
        err.cause,
        pendata_core::sync::engine::SyncFailure::Client(ClientError::Status { status: 401, .. })
    ));
    assert_eq!(
        store.pending_revisions().unwrap().len(),
        1,
        "nothing marked sent"
    );
}

#[tokio::test]
async fn a_refused_batch_is_an_answer_the_other_batches_and_the_pull_go_on() {
    let s = start().await;
    let (client, waits) = logged_in(&s.front).await;
    let mut store = MemStore::default();
    for _ in 0..201 {
        store.add_revision(vec![]);
    }
    s.stub.pull_items.lock().unwrap().push(review(1));
    s.stub.refuse_pushes.store(1, Ordering::SeqCst);

    let report = run_sync(&mut store, &client, &mut |_| {}).await.unwrap();
    // The first batch (200) was refused whole and not retried; the second (1) went through.
    assert!(waits.0.lock().unwrap().is_empty(), "a 413 is not retried");
    assert_eq!(report.sent, 1);
    assert_eq!(report.issues.len(), 1);
    assert_eq!(report.issues[0].code, "request.too_large");
    assert_eq!(report.issues[0].phase, Phase::Push);
    assert_eq!(store.push_failures.len(), 1);
    assert_eq!(store.push_failures[0].0.len(), 200);
    assert_eq!(store.push_failures[0].0[0], store.revisions[0].revision);
    assert_eq!(store.push_failures[0].1, "request.too_large");
    assert_eq!(
        store.pending_revisions().unwrap().len(),
        200,
        "kept for the next sync"
    );
    assert_eq!(report.pulled.reviews, 1);
    assert!(store.last_sync.is_some());
}

#[tokio::test]
async fn a_chunk_cut_halfway_resumes_from_what_the_server_kept() {
    let s = start().await;
    let (client, waits) = logged_in(&s.front).await;
    let mut store = MemStore::default();
    let photo = big_jpeg(700_000, 7);
    let len = photo.len() as u64;
    let r = store.add_photo(photo);
    let sha = r.sha256.clone();
    store.add_revision(vec![r]);
    s.stub.cut_next_put.store(1, Ordering::SeqCst);

    let report = run_sync(&mut store, &client, &mut |_| {}).await.unwrap();

    // Attempt 1 of chunk 1: half kept, then the link "dropped" (503, retried once). Before
    // sending again the engine asks the server how much it holds (the half) and sends the rest
    // once: only the lost half goes twice, and no chunk goes at a stale offset.
    let c = PHOTO_CHUNK_BYTES;
    assert_eq!(waits.0.lock().unwrap().len(), 1);
    assert_eq!(report.photos_uploaded, 1);
    assert!(report.issues.is_empty(), "{:?}", report.issues);
    assert_eq!(report.photo_bytes_sent, c + (len - c / 2));
    assert_eq!(report.resent_bytes, c / 2);
    assert_eq!(report.sent, 1);
    assert_eq!(s.stub.photos_missing_at_push.load(Ordering::SeqCst), 0);
    let direct = Client::new(ClientConfig::new(&s.real, DeviceId::new())).unwrap();
    direct.login("ani", PASSWORD, "HP lain").await.unwrap();
    assert!(direct
        .photos_missing(std::slice::from_ref(&sha))
        .await
        .unwrap()
        .missing
        .is_empty());
}
