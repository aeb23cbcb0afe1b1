//! The access matrix: every caller (role, disabled user, reset device, no token, bad token) ×
//! (a household of their own wilayah, one of another wilayah) × every route of the server, as
//! ONE data-driven table ([`TABLE`]) checked against the real server on a real socket with real
//! pushed data (households, photos, prelist assignments in Kec. Gunungputri and Kec. Cibinong).
//!
//! Besides the status of each cell, every answer a caller gets is scanned for the other
//! wilayah's personal data (household ids, NIKs, KK numbers, names, photo bytes): a caller who
//! does not cover that wilayah must see none of it (0 leaks). The table must cover every route:
//! the test fails if `/openapi.json` documents a method+path, or the server's source declares a
//! `.route("…")`, that has no row. Methods a path does not have must answer 405.
//!
//! Adding a route (e.g. a dashboard page): add one [`Row`]; a GET without a body needs nothing
//! else (`{id}` and `{sha256}` are filled with the cell's household and photo).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::Utc;
use pendata_e2e::{example_household, prelist_of, TestServer, PASSWORD};
use pendata_server::store::sqlite::SqliteStore;
use pendata_server::store::{AccountStore, Role, Scope};
use pendata_shared::photos::PhotoKind;
use pendata_shared::protocol::{Change, PushBatch, PushRecord, PROTOCOL_VERSION};
use pendata_shared::{BatchId, DeviceId, Household, HouseholdId, MemberId, RevisionId, Sha256Hex};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// who calls

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Subject {
    /// Wilayah "" (everything).
    Admin,
    /// Kec. Gunungputri (320102).
    Supervisor,
    /// Kec. Gunungputri (320102).
    Enumerator,
    /// Desa Wanaherang (3201022001) only: the narrowest scope.
    DesaEnumerator,
    /// An enumerator of 320102 who logged in, then was disabled (`user disable`).
    Disabled,
    /// An enumerator of 320102 who logged in, then had their devices reset.
    Reset,
    /// No `Authorization` header.
    NoToken,
    /// A well-formed bearer token the server never issued.
    BadToken,
}

const SUBJECTS: [Subject; 8] = [
    Subject::Admin,
    Subject::Supervisor,
    Subject::Enumerator,
    Subject::DesaEnumerator,
    Subject::Disabled,
    Subject::Reset,
    Subject::NoToken,
    Subject::BadToken,
];

impl Subject {
    fn account(self) -> Option<(&'static str, Role, &'static str)> {
        Some(match self {
            Subject::Admin => ("admin.akses", Role::Admin, ""),
            Subject::Supervisor => ("sup.gunungputri", Role::Supervisor, "320102"),
            Subject::Enumerator => ("enum.gunungputri", Role::Enumerator, "320102"),
            Subject::DesaEnumerator => ("enum.wanaherang", Role::Enumerator, "3201022001"),
            Subject::Disabled => ("enum.nonaktif", Role::Enumerator, "320102"),
            Subject::Reset => ("enum.direset", Role::Enumerator, "320102"),
            Subject::NoToken | Subject::BadToken => return None,
        })
    }

    /// Whether the subject may see data of the *other* wilayah (Cibinong).
    fn covers_other(self) -> bool {
        self == Subject::Admin
    }
}

// ---------------------------------------------------------------------------------------------
// the table

/// One route. `own` and `other` give, per subject in [`SUBJECTS`] order, what the cell expects
/// when the request targets the household/photo of the subject's own wilayah (Gunungputri) or of
/// another (Cibinong):
///
/// * `"200"`, `"404"`, …: exactly that status;
/// * `"200+"`: 200 and the body shows the target's household (its id);
/// * `"200-"`: 200 and the body shows nothing of the target;
/// * `"acc"` / `"rej"`: a push answered 200 with the record accepted / rejected as
///   `push.outside_wilayah`;
/// * `"-"`: the wilayah axis does not apply to this route (not run, not counted).
struct Row {
    method: &'static str,
    path: &'static str,
    own: [&'static str; 8],
    other: [&'static str; 8],
}

const NA: [&str; 8] = ["-"; 8];
const DENY: [&str; 4] = ["401", "401", "401", "401"];

const fn row(
    method: &'static str,
    path: &'static str,
    own: [&'static str; 8],
    other: [&'static str; 8],
) -> Row {
    Row {
        method,
        path,
        own,
        other,
    }
}

const fn authed(a: [&'static str; 4]) -> [&'static str; 8] {
    [a[0], a[1], a[2], a[3], DENY[0], DENY[1], DENY[2], DENY[3]]
}

//  subjects:   admin   supervisor enumerator desa-enum | disabled reset none bad
#[rustfmt::skip]
const TABLE: &[Row] = &[
    row("GET", "/healthz", ["200"; 8], NA),
    row("GET", "/openapi.json", ["200"; 8], NA),
    row("POST", "/api/v1/auth/login",
        ["200", "200", "200", "200", "403", "200", "401", "401"], NA),
    row("GET", "/api/v1/me", authed(["200", "200", "200", "200"]), NA),
    row("POST", "/api/v1/photos/missing",
        authed(["200", "200", "200", "200"]), authed(["200", "200", "200", "200"])),
    row("PUT", "/api/v1/photos/{sha256}",
        authed(["200", "200", "200", "200"]), authed(["200", "200", "200", "200"])),
    row("GET", "/api/v1/photos/{sha256}",
        authed(["200", "200", "200", "200"]), authed(["200", "404", "404", "404"])),
    row("POST", "/api/v1/push",
        authed(["acc", "acc", "acc", "acc"]), authed(["acc", "rej", "rej", "rej"])),
    row("GET", "/api/v1/pull",
        authed(["200+", "200+", "200+", "200+"]), authed(["200+", "200-", "200-", "200-"])),
    row("GET", "/api/v1/households",
        authed(["200+", "200+", "403", "403"]), authed(["200+", "200-", "403", "403"])),
    row("GET", "/api/v1/households/{id}",
        authed(["200+", "200+", "403", "403"]), authed(["200+", "404", "403", "403"])),
    row("POST", "/api/v1/households/{id}/review",
        authed(["200", "200", "403", "403"]), authed(["200", "404", "403", "403"])),
    row("POST", "/api/v1/households/{id}/resolve",
        authed(["200", "200", "403", "403"]), authed(["200", "404", "403", "403"])),
    // Last: it revokes the token the other rows use.
    row("POST", "/api/v1/auth/logout", authed(["200", "200", "200", "200"]), NA),
];

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "DELETE", "PATCH"];

// ---------------------------------------------------------------------------------------------
// the data

/// The household, photo and assignment of one wilayah.
struct Target {
    desa: &'static str,
    /// A household pushed by an enumerator of the wilayah (with an uploaded photo).
    pushed: HouseholdId,
    revision: RevisionId,
    photo: Vec<u8>,
    photo_sha: String,
    /// A prelist household (assignment, nobody pushed it yet).
    prelist: HouseholdId,
    /// Strings that must never reach a caller who does not cover this wilayah.
    markers: Vec<String>,
}

fn small_jpeg(seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(96, 64, |x, y| {
        image::Rgb([
            (x as u8).wrapping_mul(seed),
            (y as u8).wrapping_add(seed),
            seed,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .unwrap();
    out
}

/// The example household moved to `desa`, with fresh ids, its own names and NIK/KK serials
/// (`k` keeps them apart), and `photo` as its F-RUMAH photo.
fn household_in(desa: &str, k: u32, name: &str, photo: Option<&[u8]>) -> Household {
    let mut h = example_household().unwrap();
    h.id = HouseholdId::new();
    h.location.desa_code = desa.into();
    h.location.address = format!("Jl. {name} No. {k}");
    h.kind = pendata_shared::RecordKind::Verivali {
        prelist_id: format!("{desa}-{k:05}"),
    };
    for (i, m) in h.members.iter_mut().enumerate() {
        let old = m.id;
        m.id = MemberId::new();
        for p in &mut h.photos {
            if p.member_id == Some(old) {
                p.member_id = Some(m.id);
            }
        }
        for d in &mut h.dependents {
            if d.member_id == Some(old) {
                d.member_id = Some(m.id);
            }
        }
        m.name = format!("{name} Anggota{i}");
        if let Some(nik) = &mut m.nik {
            nik.replace_range(12.., &format!("{:04}", 1000 + k * 10 + i as u32));
        }
    }
    for f in &mut h.families {
        f.kk_number.replace_range(
            12..,
            &format!("{:04}", 2000 + k * 10 + u32::from(f.family_no)),
        );
    }
    if let Some(photo) = photo {
        let rumah = h
            .photos
            .iter_mut()
            .find(|p| p.kind == PhotoKind::Rumah)
            .unwrap();
        rumah.sha256 = Sha256Hex::digest(photo);
        rumah.bytes = photo.len() as u64;
        rumah.width = 96;
        rumah.height = 64;
    }
    h
}

fn markers_of(h: &Household) -> Vec<String> {
    let mut m = vec![h.id.to_string()];
    for member in &h.members {
        m.push(member.name.clone());
        m.extend(member.nik.clone());
    }
    m.extend(h.families.iter().map(|f| f.kk_number.clone()));
    m
}

fn push_body(h: Household) -> (Value, RevisionId) {
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
    let batch = PushBatch {
        protocol: PROTOCOL_VERSION,
        batch_id: BatchId::new(),
        device_id: DeviceId::new(),
        records: vec![record],
    };
    (serde_json::to_value(batch).unwrap(), revision)
}

struct Http {
    client: reqwest::Client,
    base: String,
}

struct Answer {
    status: u16,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

enum Body {
    None,
    Json(Value),
    Bytes(Vec<u8>),
}

impl Http {
    async fn send(&self, method: &str, path: &str, token: Option<&str>, body: Body) -> Answer {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req = match body {
            Body::None => req,
            Body::Json(v) => req.json(&v),
            Body::Bytes(b) => req
                .header("content-type", "application/octet-stream")
                .body(b),
        };
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let body = res.bytes().await.unwrap().to_vec();
        Answer { status, body }
    }

    async fn login(&self, username: &str, password: &str) -> Answer {
        self.send(
            "POST",
            "/api/v1/auth/login",
            None,
            Body::Json(json!({
                "username": username,
                "password": password,
                "device_id": uuid::Uuid::now_v7(),
                "device_name": "matriks akses",
            })),
        )
        .await
    }

    async fn token(&self, username: &str) -> String {
        let a = self.login(username, PASSWORD).await;
        assert_eq!(a.status, 200, "login {username}: {}", a.text());
        a.json()["token"].as_str().unwrap().to_owned()
    }

    async fn upload(&self, token: &str, photo: &[u8]) -> Answer {
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

    async fn push(&self, token: &str, h: Household) -> RevisionId {
        let (body, revision) = push_body(h);
        let a = self
            .send("POST", "/api/v1/push", Some(token), Body::Json(body))
            .await;
        assert_eq!(a.status, 200, "{}", a.text());
        assert_eq!(
            a.json()["results"][0]["outcome"]["status"],
            "accepted",
            "{}",
            a.text()
        );
        revision
    }
}

/// Sets up one wilayah: an enumerator of it uploads a photo and pushes a household using it;
/// a prelist household is imported.
async fn target(
    server: &TestServer,
    http: &Http,
    pusher: &str,
    desa: &'static str,
    k: u32,
    name: &str,
) -> Target {
    let token = http.token(pusher).await;
    let photo = small_jpeg(k as u8 * 40 + 7);
    let up = http.upload(&token, &photo).await;
    assert_eq!(up.status, 200, "{}", up.text());
    assert_eq!(up.json()["complete"], true);
    let h = household_in(desa, k, name, Some(&photo));
    let pushed = h.id;
    let mut markers = markers_of(&h);
    let revision = http.push(&token, h).await;

    let p = household_in(desa, k + 50, &format!("{name} Prelist"), None);
    markers.extend(markers_of(&p).into_iter().skip(1));
    let prelist_id = format!("PL-{desa}-{k}");
    server
        .import_prelist(&[prelist_of(&p, &prelist_id, None)])
        .unwrap();
    let prelist = server
        .state
        .records
        .list(
            &Scope::all(),
            &pendata_server::store::ListQuery {
                state: None,
                desa: Some(desa.into()),
                limit: 100,
                after: None,
            },
        )
        .unwrap()
        .into_iter()
        .find(|s| s.prelist_id.as_deref() == Some(prelist_id.as_str()))
        .unwrap()
        .id;
    markers.push(prelist.to_string());
    Target {
        desa,
        pushed,
        revision,
        photo_sha: Sha256Hex::digest(&photo).as_str().to_owned(),
        photo,
        prelist,
        markers,
    }
}

// ---------------------------------------------------------------------------------------------
// route coverage

/// Every `.route("…")` (and `.nest("…")`) path literal in the server's source.
fn source_routes() -> BTreeSet<String> {
    fn walk(dir: &Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for call in [".route(", ".nest(", ".route_service(", ".nest_service("] {
                    for (i, _) in text.match_indices(call) {
                        let rest = text[i + call.len()..].trim_start();
                        if let Some(lit) = rest.strip_prefix('"') {
                            if let Some(end) = lit.find('"') {
                                out.insert(lit[..end].to_owned());
                            }
                        }
                    }
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../sync-server/src"),
        &mut out,
    );
    out
}

fn table_routes() -> BTreeSet<(String, String)> {
    TABLE
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// the test

struct Tally {
    cells: u32,
    leaks: Vec<String>,
    failures: Vec<String>,
    positive_controls: u32,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_role_wilayah_and_route_gets_exactly_its_access() {
    let server = TestServer::start().await.unwrap();
    let http = Http {
        client: reqwest::Client::new(),
        base: server.url(),
    };

    // Accounts: the subjects, plus the enumerator of Cibinong who pushes the "other" data.
    for s in SUBJECTS {
        if let Some((name, role, wilayah)) = s.account() {
            server.add_user(name, role, wilayah).unwrap();
        }
    }
    server
        .add_user("enum.cibinong", Role::Enumerator, "320101")
        .unwrap();

    // Real data on both sides: photo upload, push, prelist import.
    let own = target(
        &server,
        &http,
        "enum.gunungputri",
        "3201022001",
        1,
        "Wanaherang",
    )
    .await;
    let other = target(
        &server,
        &http,
        "enum.cibinong",
        "3201011001",
        2,
        "Pondokrajeg",
    )
    .await;

    // Tokens; then disable one user and reset the other's devices the way the CLI does (its own
    // connection to the same database file, while the server runs). Refused at once.
    let mut tokens: BTreeMap<&str, String> = BTreeMap::new();
    for s in SUBJECTS {
        if let Some((name, ..)) = s.account() {
            tokens.insert(name, http.token(name).await);
        }
    }
    let cli_store = SqliteStore::open(&server.state.config.db_path(), 1).unwrap();
    for (name, act) in [("enum.nonaktif", "disable"), ("enum.direset", "reset")] {
        let token = tokens[name].clone();
        let before = http
            .send("GET", "/api/v1/me", Some(&token), Body::None)
            .await;
        assert_eq!(before.status, 200, "{name} before {act}");
        if act == "disable" {
            assert!(cli_store.set_disabled(name, true).unwrap());
        } else {
            assert_eq!(cli_store.reset_devices(name).unwrap(), Some(1));
        }
        let after = http
            .send("GET", "/api/v1/me", Some(&token), Body::None)
            .await;
        assert_eq!(after.status, 401, "{name}: the token must die at once");
        assert_eq!(after.json()["code"], "auth.invalid");
    }
    let bad_token = "Zm9yZ2VkLXRva2VuLXRoYXQtdGhlLXNlcnZlci1uZXZlci1pc3N1ZWQ";

    // Coverage: the table against the OpenAPI document and the source's routes.
    let openapi = http
        .send("GET", "/openapi.json", None, Body::None)
        .await
        .json();
    let mut documented = BTreeSet::new();
    for (path, item) in openapi["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    let in_table = table_routes();
    let undocumented_rows: Vec<_> = in_table.difference(&documented).collect();
    let uncovered: Vec<_> = documented.difference(&in_table).collect();
    assert!(
        uncovered.is_empty(),
        "routes in /openapi.json without a row in TABLE: {uncovered:?}"
    );
    let table_paths: BTreeSet<&str> = TABLE.iter().map(|r| r.path).collect();
    let source = source_routes();
    let uncovered_src: Vec<_> = source
        .iter()
        .filter(|p| {
            !table_paths.contains(p.as_str()) && !table_paths.iter().any(|t| t.starts_with(*p))
        })
        .collect();
    assert!(
        uncovered_src.is_empty(),
        "routes declared in sync-server/src without a row in TABLE: {uncovered_src:?}"
    );
    assert!(
        source.len() >= 12,
        "the route scan found too little: {source:?}"
    );

    let mut tally = Tally {
        cells: 0,
        leaks: Vec::new(),
        failures: Vec::new(),
        positive_controls: 0,
    };
    let mut k = 100u32;
    for row in TABLE {
        for (si, subject) in SUBJECTS.iter().copied().enumerate() {
            for (which, t) in [("own", &own), ("other", &other)] {
                let expect = if which == "own" {
                    row.own[si]
                } else {
                    row.other[si]
                };
                if expect == "-" {
                    continue;
                }
                k += 1;
                let token = match subject {
                    Subject::NoToken => None,
                    Subject::BadToken => Some(bad_token.to_owned()),
                    s => Some(tokens[s.account().unwrap().0].clone()),
                };
                let (path, body) = request_for(row, subject, t, k);
                let answer = if row.path == "/api/v1/auth/login" {
                    let (name, password) = match subject.account() {
                        Some((n, ..)) => (n, PASSWORD),
                        None => ("admin.akses", "bukan-kata-sandinya"),
                    };
                    http.login(name, password).await
                } else {
                    http.send(row.method, &path, token.as_deref(), body).await
                };
                tally.cells += 1;
                let cell = format!("{} {} × {subject:?} × {which}", row.method, row.path);
                if let Err(why) = check(expect, &answer, t) {
                    tally
                        .failures
                        .push(format!("{cell}: expected {expect}, {why}"));
                }
                if expect == "200+" {
                    tally.positive_controls += 1;
                }
                if !subject.covers_other() {
                    for leak in leaks(&answer, &other) {
                        tally.leaks.push(format!("{cell}: {leak}"));
                    }
                }
            }
        }
    }

    // Methods a path does not have answer 405, whoever asks.
    let mut by_path: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for r in TABLE {
        by_path.entry(r.path).or_default().insert(r.method);
    }
    for (path, methods) in &by_path {
        for m in METHODS {
            if methods.contains(m) {
                continue;
            }
            for subject in [Subject::Admin, Subject::NoToken] {
                let token = (subject == Subject::Admin).then(|| tokens["admin.akses"].clone());
                let concrete = fill(path, &own);
                let a = http.send(m, &concrete, token.as_deref(), Body::None).await;
                tally.cells += 1;
                if a.status != 405 {
                    tally.failures.push(format!(
                        "{m} {path} × {subject:?}: expected 405, got {} {}",
                        a.status,
                        a.text()
                    ));
                }
            }
        }
    }

    // After logout the token is dead at once.
    for s in [
        Subject::Admin,
        Subject::Supervisor,
        Subject::Enumerator,
        Subject::DesaEnumerator,
    ] {
        let token = &tokens[s.account().unwrap().0];
        let me = http
            .send("GET", "/api/v1/me", Some(token), Body::None)
            .await;
        assert_eq!(me.status, 401, "{s:?} after logout");
    }

    println!(
        "access matrix: {} cells checked ({} rows × {} subjects × own/other, plus 405 probes), \
         {} positive visibility controls, {} leaks, {} failures; rows not in /openapi.json: {:?}",
        tally.cells,
        TABLE.len(),
        SUBJECTS.len(),
        tally.positive_controls,
        tally.leaks.len(),
        tally.failures.len(),
        undocumented_rows,
    );
    assert!(tally.leaks.is_empty(), "leaks: {:#?}", tally.leaks);
    assert!(tally.failures.is_empty(), "failures: {:#?}", tally.failures);
    assert!(tally.cells >= 150, "only {} cells", tally.cells);
    assert!(tally.positive_controls >= 10);
    let _ = own.desa;
    server.stop().await;
}

/// The path with `{id}` and `{sha256}` filled for the target.
fn fill(path: &str, t: &Target) -> String {
    path.replace("{id}", &t.pushed.to_string())
        .replace("{sha256}", &t.photo_sha)
}

/// The concrete request of a cell. Rows not listed here are sent without a body.
fn request_for(row: &Row, _subject: Subject, t: &Target, k: u32) -> (String, Body) {
    let path = fill(row.path, t);
    match (row.method, row.path) {
        ("POST", "/api/v1/photos/missing") => {
            (path, Body::Json(json!({ "sha256": [t.photo_sha] })))
        }
        ("PUT", "/api/v1/photos/{sha256}") => (
            format!("{path}?offset=0&total={}", t.photo.len()),
            Body::Bytes(t.photo.clone()),
        ),
        ("POST", "/api/v1/push") => {
            // A new household of the target's desa (its own NIK serials).
            let h = household_in(t.desa, k, &format!("Baru{k}"), None);
            (path, Body::Json(push_body(h).0))
        }
        ("GET", "/api/v1/pull") => (format!("{path}?limit=500"), Body::None),
        ("GET", "/api/v1/households") => (format!("{path}?limit=500"), Body::None),
        ("POST", "/api/v1/households/{id}/review") => (
            path,
            Body::Json(json!({ "revision": t.revision, "decision": "approved", "note": null })),
        ),
        ("POST", "/api/v1/households/{id}/resolve") => (
            path,
            Body::Json(json!({ "keep_revision": t.revision, "reason": "uji matriks akses" })),
        ),
        _ => (path, Body::None),
    }
}

fn check(expect: &str, a: &Answer, t: &Target) -> Result<(), String> {
    let got = || format!("got {} {}", a.status, truncate(&a.text()));
    let sees = |a: &Answer| {
        let text = a.text();
        text.contains(&t.pushed.to_string()) || text.contains(&t.prelist.to_string())
    };
    match expect {
        "200+" if a.status == 200 && sees(a) => Ok(()),
        "200-"
            if a.status == 200 && !sees(a) && t.markers.iter().all(|m| !a.text().contains(m)) =>
        {
            Ok(())
        }
        "acc" | "rej" if a.status == 200 => {
            let outcome = &a.json()["results"][0]["outcome"];
            let ok = if expect == "acc" {
                outcome["status"] == "accepted"
            } else {
                outcome["status"] == "rejected"
                    && outcome["findings"][0]["code"] == "push.outside_wilayah"
            };
            if ok {
                Ok(())
            } else {
                Err(got())
            }
        }
        s if s.parse::<u16>().ok() == Some(a.status) => {
            // Every refusal is the one error shape with a stable code.
            if a.status >= 400 && a.json()["code"].as_str().is_none_or(str::is_empty) {
                return Err(format!("{} without an error code", got()));
            }
            Ok(())
        }
        _ => Err(got()),
    }
}

/// What of the other wilayah's data the answer shows.
fn leaks(a: &Answer, other: &Target) -> Vec<String> {
    let text = a.text();
    let mut found: Vec<String> = other
        .markers
        .iter()
        .filter(|m| text.contains(m.as_str()))
        .map(|m| format!("shows {:?}", mask(m)))
        .collect();
    let mid = other.photo.len() / 2;
    let sample = &other.photo[mid..mid + 32];
    if a.body.windows(32).any(|w| w == sample) {
        found.push("shows the photo's bytes".into());
    }
    found
}

fn mask(s: &str) -> String {
    if s.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}…", &s[..4])
    } else {
        s.to_owned()
    }
}

fn truncate(s: &str) -> &str {
    match s.char_indices().nth(200) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}
