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
//! The supervisor dashboard has its own part of the table ([`WEB_TABLE`]): callers with a web
//! session (admin, supervisor of the household's kecamatan, supervisor of another kecamatan, an
//! enumerator holding a session, a supervisor disabled after logging in, no session) × the same
//! two households × every route of `pendata_server::dashboard::ROUTES` (one row per entry and
//! no other), with the same leak scan. POSTs carry the session's CSRF token and a same-origin
//! `Origin`, so each cell tests the authorisation; extra cells send each POST kind without the
//! token or without `Origin` and expect 403.
//!
//! Adding a route: add one [`Row`] (API) or [`WebRow`] (dashboard); a GET without a body needs
//! nothing else (`{id}` and `{sha256}` are filled with the cell's household and photo).
//! Not here: `/app/`, the web app's static files (public, no data, no session; the same for
//! every caller), tested in sync-server/tests/integration/web_app.rs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::Utc;
use pendata_e2e::client::{batch, upsert, Answer, ApiClient, Body};
use pendata_e2e::WebClient;
use pendata_e2e::{example_household, prelist_of, TestServer, PASSWORD};
use pendata_server::dashboard::{Access, ROUTES};
use pendata_server::store::period::{Arrival, KIND_HOUSEHOLD};
use pendata_server::store::sqlite::SqliteStore;
use pendata_server::store::web::SessionLifetime;
use pendata_server::store::{AccountStore, Role, Scope, TokenHash};
use pendata_shared::month::period::{CutOff, Period};
use pendata_shared::photos::PhotoKind;
use pendata_shared::{Household, HouseholdId, MemberId, RevisionId, Sha256Hex};
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
    // The target has no open conflict: a caller who may resolve it gets 409
    // `resolve.no_conflict` (and nothing changes), not 403/404.
    row("POST", "/api/v1/households/{id}/resolve",
        authed(["409", "409", "403", "403"]), authed(["409", "404", "403", "403"])),
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
    /// A PBI-JK reactivation case of the wilayah (issue 21 §1, nobody visited it yet).
    case: HouseholdId,
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
    let (record, revision) = upsert(h);
    (serde_json::to_value(batch(vec![record])).unwrap(), revision)
}

/// Pushes `h` as one record with `token`; asserts that it is accepted.
async fn push(http: &ApiClient, token: &str, h: Household) -> RevisionId {
    let (body, revision) = push_body(h);
    let a = http
        .send("POST", "/api/v1/push", Some(token), Body::Json(body))
        .await
        .unwrap();
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(
        a.json()["results"][0]["outcome"]["status"],
        "accepted",
        "{}",
        a.text()
    );
    revision
}

/// Sets up one wilayah: an enumerator of it uploads a photo and pushes a household using it;
/// a prelist household is imported.
async fn target(
    server: &TestServer,
    http: &ApiClient,
    pusher: &str,
    desa: &'static str,
    k: u32,
    name: &str,
) -> Target {
    let token = http.token(pusher).await.unwrap();
    let photo = small_jpeg(k as u8 * 40 + 7);
    let up = http.upload(&token, &photo).await.unwrap();
    assert_eq!(up.status, 200, "{}", up.text());
    assert_eq!(up.json()["complete"], true);
    let h = household_in(desa, k, name, Some(&photo));
    let pushed = h.id;
    let mut markers = markers_of(&h);
    let revision = push(http, &token, h).await;

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
    let case = target_case(server, desa, k, name);
    markers.push(case.to_string());
    markers.push(format!("{name} Kasus"));
    Target {
        desa,
        pushed,
        revision,
        photo_sha: Sha256Hex::digest(&photo).as_str().to_owned(),
        photo,
        prelist,
        case,
        markers,
    }
}

/// A PBI-JK case of `desa` (its subject is named "NAME Kasus").
fn target_case(server: &TestServer, desa: &str, k: u32, name: &str) -> HouseholdId {
    use pendata_server::cases::assignment::{new_case, CaseInput};
    use pendata_server::store::cases::{CaseSource, CaseSubject};
    let case = new_case(
        CaseInput {
            kind: pendata_server::store::CaseKind::ReaktivasiPbiJk,
            source_id: format!("MATRIKS-{desa}-{k}"),
            source: CaseSource::Hand,
            desa_code: desa.into(),
            assigned_to: None,
            due_date: Utc::now().date_naive(),
            subject: CaseSubject {
                name: format!("{name} Kasus"),
                emergency: true,
                ..Default::default()
            },
            created_by: None,
        },
        Utc::now(),
    );
    let id = case.id;
    server.state.backend.cases.create_cases(&[case]).unwrap();
    id
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
    let http = ApiClient::new(&server.url()).unwrap();

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
            tokens.insert(name, http.token(name).await.unwrap());
        }
    }
    let cli_store = SqliteStore::open(&server.state.config.db_path(), 1).unwrap();
    for (name, act) in [("enum.nonaktif", "disable"), ("enum.direset", "reset")] {
        let token = tokens[name].clone();
        let before = http
            .send("GET", "/api/v1/me", Some(&token), Body::None)
            .await
            .unwrap();
        assert_eq!(before.status, 200, "{name} before {act}");
        if act == "disable" {
            assert!(cli_store.set_disabled(name, true).unwrap());
        } else {
            assert_eq!(cli_store.reset_devices(name).unwrap(), Some(1));
        }
        let after = http
            .send("GET", "/api/v1/me", Some(&token), Body::None)
            .await
            .unwrap();
        assert_eq!(after.status, 401, "{name}: the token must die at once");
        assert_eq!(after.json()["code"], "auth.invalid");
    }
    let bad_token = "Zm9yZ2VkLXRva2VuLXRoYXQtdGhlLXNlcnZlci1uZXZlci1pc3N1ZWQ";

    // Coverage: the table against the OpenAPI document and the source's routes.
    let openapi = http
        .send("GET", "/openapi.json", None, Body::None)
        .await
        .unwrap()
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
    let table_paths: BTreeSet<&str> = TABLE
        .iter()
        .map(|r| r.path)
        .chain(WEB_TABLE.iter().map(|r| r.path))
        .collect();
    let web_rows: BTreeSet<(&str, &str)> = WEB_TABLE.iter().map(|r| (r.method, r.path)).collect();
    let web_routes: BTreeSet<(&str, &str)> = ROUTES.iter().map(|(m, p, _)| (*m, *p)).collect();
    assert_eq!(
        web_rows.len(),
        WEB_TABLE.len(),
        "a dashboard route has two rows in WEB_TABLE"
    );
    assert_eq!(
        web_rows, web_routes,
        "WEB_TABLE and pendata_server::dashboard::ROUTES must list the same routes"
    );
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
                    http.login(name, password).await.unwrap()
                } else {
                    http.send(row.method, &path, token.as_deref(), body)
                        .await
                        .unwrap()
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
                let a = http
                    .send(m, &concrete, token.as_deref(), Body::None)
                    .await
                    .unwrap();
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
            .await
            .unwrap();
        assert_eq!(me.status, 401, "{s:?} after logout");
    }

    let api_cells = tally.cells;
    dashboard_part(&server, &own, &other, &cli_store, &mut tally).await;

    println!(
        "access matrix: {} cells checked: API {api_cells} ({} rows × {} subjects × own/other, plus \
         405 probes), dashboard {} ({} rows × {} web callers × own/other, plus CSRF/Origin \
         refusals); {} positive visibility controls, {} leaks, {} failures; rows not in \
         /openapi.json: {:?}",
        tally.cells,
        TABLE.len(),
        SUBJECTS.len(),
        tally.cells - api_cells,
        WEB_TABLE.len(),
        WEB_SUBJECTS.len(),
        tally.positive_controls,
        tally.leaks.len(),
        tally.failures.len(),
        undocumented_rows,
    );
    assert!(tally.leaks.is_empty(), "leaks: {:#?}", tally.leaks);
    assert!(tally.failures.is_empty(), "failures: {:#?}", tally.failures);
    assert!(tally.cells >= 400, "only {} cells", tally.cells);
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
            // The table's only 409: resolve of a household without an open conflict.
            if a.status == 409 && a.json()["code"] != "resolve.no_conflict" {
                return Err(format!("{} instead of resolve.no_conflict", got()));
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

// ---------------------------------------------------------------------------------------------
// the dashboard part

/// Who calls a dashboard page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WebSubject {
    /// Wilayah "" (everything).
    Admin,
    /// Supervisor of Kec. Gunungputri (320102), the "own" household's kecamatan.
    Supervisor,
    /// Supervisor of Kec. Cibinong (320101), the "other" household's kecamatan.
    OtherSupervisor,
    /// An enumerator of 320102. The login form refuses enumerators; to test the pages as well,
    /// the cells use a session put straight into the session store (as if one existed from
    /// before a role change).
    Enumerator,
    /// A supervisor of 320102 who logged in, then was disabled (`user disable`).
    Disabled,
    /// No session cookie.
    NoSession,
    /// A Kepala OPD of 320102 (issue 21): reads what the supervisor of 320102 reads, makes no
    /// review decisions, approves a checked period. Its expectations come from the
    /// supervisor's column and the route's [`Access`] ([`kepala_expect`]).
    KepalaOpd,
}

const WEB_SUBJECTS: [WebSubject; 7] = [
    WebSubject::Admin,
    WebSubject::Supervisor,
    WebSubject::OtherSupervisor,
    WebSubject::Enumerator,
    WebSubject::Disabled,
    WebSubject::NoSession,
    WebSubject::KepalaOpd,
];

impl WebSubject {
    fn username(self) -> &'static str {
        match self {
            WebSubject::Admin => "admin.akses",
            WebSubject::Supervisor => "sup.gunungputri",
            WebSubject::OtherSupervisor => "sup.cibinong",
            WebSubject::Enumerator => "enum.gunungputri",
            WebSubject::Disabled => "sup.nonaktif",
            WebSubject::NoSession => "tidak.terdaftar",
            WebSubject::KepalaOpd => "kadis.gunungputri",
        }
    }

    /// Whether the dashboard may show this caller the target's household.
    fn covers(self, t: &Target) -> bool {
        match self {
            WebSubject::Admin => true,
            WebSubject::Supervisor | WebSubject::KepalaOpd => t.desa.starts_with("320102"),
            WebSubject::OtherSupervisor => t.desa.starts_with("320101"),
            _ => false,
        }
    }
}

/// One dashboard route; `own`/`other` per subject in [`WEB_SUBJECTS`] order, targeting the
/// household (photo, kecamatan, throwaway user) of Gunungputri or of Cibinong:
///
/// * `"200"`, `"403"`, `"404"`, …: exactly that status (a 403/404 must be the dashboard's error
///   page with its stable code, a 400 of resolve `resolve.no_conflict`);
/// * `"200+"` / `"200-"`: 200 and the body shows / shows nothing of the target (for a photo:
///   the body is the photo's bytes);
/// * `"303"`: a redirect somewhere other than the login page (a form that worked);
/// * `"login"`: a 303 to `/dashboard/login` (no valid session);
/// * `"bye"`: logout worked: 303 to the login page, and the session no longer opens a page;
/// * `"-"`: the wilayah axis does not apply (not run, not counted).
struct WebRow {
    method: &'static str,
    path: &'static str,
    own: [&'static str; 6],
    other: [&'static str; 6],
}

const fn web(
    method: &'static str,
    path: &'static str,
    own: [&'static str; 6],
    other: [&'static str; 6],
) -> WebRow {
    WebRow {
        method,
        path,
        own,
        other,
    }
}

const WNA: [&str; 6] = ["-"; 6];

/// What a cell expects of `subject` (`which`: "own" or "other").
fn web_expect(row: &WebRow, subject: WebSubject, which: &str) -> &'static str {
    let col = |i: usize| {
        if which == "own" {
            row.own[i]
        } else {
            row.other[i]
        }
    };
    match subject {
        WebSubject::KepalaOpd => kepala_expect(row, col(1), which),
        s => col(WEB_SUBJECTS.iter().position(|x| *x == s).unwrap()),
    }
}

/// The Kepala OPD of 320102: as the supervisor of 320102 (`sup`), except where the route is
/// the verifikator's or the admin's (403) or the approver's (their own: the period has no
/// check, 409; another kecamatan's: 404).
fn kepala_expect(row: &WebRow, sup: &'static str, which: &str) -> &'static str {
    let access = ROUTES
        .iter()
        .find(|(m, p, _)| *m == row.method && *p == row.path)
        .map(|(_, _, a)| *a);
    match access {
        _ if sup == "-" => "-",
        Some(Access::Verifier | Access::Admin) => "403",
        Some(Access::Approver) if which == "own" => "409",
        Some(Access::Approver) => "404",
        _ => sup,
    }
}

//  subjects:   admin   sup-gunungputri sup-cibinong enumerator | disabled none
#[rustfmt::skip]
const WEB_TABLE: &[WebRow] = &[
    web("GET", "/dashboard/login", ["200"; 6], WNA),
    web("POST", "/dashboard/login", ["303", "303", "303", "403", "403", "401"], WNA),
    web("POST", "/dashboard/logout", ["bye", "bye", "bye", "403", "login", "login"], WNA),
    web("GET", "/dashboard/lang/{lang}", ["303"; 6], WNA),
    web("GET", "/dashboard/assets/dashboard.css", ["200"; 6], WNA),
    web("GET", "/dashboard", ["200", "200", "200", "403", "login", "login"], WNA),
    web("GET", "/dashboard/households",
        ["200+", "200+", "200-", "403", "login", "login"],
        ["200+", "200-", "200+", "403", "login", "login"]),
    web("GET", "/dashboard/households/{id}",
        ["200+", "200+", "404", "403", "login", "login"],
        ["200+", "404", "200+", "403", "login", "login"]),
    web("POST", "/dashboard/households/{id}/review",
        ["303", "303", "404", "403", "login", "login"],
        ["303", "404", "303", "403", "login", "login"]),
    web("GET", "/dashboard/households/{id}/conflict",
        ["200+", "200+", "404", "403", "login", "login"],
        ["200+", "404", "200+", "403", "login", "login"]),
    // No open conflict: the error page with `resolve.no_conflict`, not a redirect.
    web("POST", "/dashboard/households/{id}/resolve",
        ["400", "400", "404", "403", "login", "login"],
        ["400", "404", "400", "403", "login", "login"]),
    web("GET", "/dashboard/conflicts",
        ["200", "200", "200-", "403", "login", "login"],
        ["200", "200-", "200", "403", "login", "login"]),
    web("GET", "/dashboard/photos/{sha256}",
        ["200+", "200+", "404", "403", "login", "login"],
        ["200+", "404", "200+", "403", "login", "login"]),
    web("GET", "/dashboard/export", ["200", "200", "200", "403", "login", "login"], WNA),
    web("GET", "/dashboard/restore", ["200", "200", "200", "403", "login", "login"], WNA),
    web("GET", "/dashboard/nik-ganda", ["200", "200", "200", "403", "login", "login"], WNA),
    web("GET", "/dashboard/map", ["200", "200", "200", "403", "login", "login"], WNA),
    web("GET", "/dashboard/signals", ["200", "200", "200", "403", "login", "login"], WNA),
    web("GET", "/dashboard/desil", ["200", "200", "200", "403", "login", "login"], WNA),
    web("GET", "/dashboard/ground-check", ["200", "200", "200", "403", "login", "login"], WNA),
    web("GET", "/dashboard/export/download",
        ["200+", "200+", "403", "403", "login", "login"],
        ["200+", "403", "200+", "403", "login", "login"]),
    // The DTSEN results of the target's kecamatan (its DTKS household is not in them).
    web("GET", "/dashboard/export/dtsen",
        ["200", "200", "403", "403", "login", "login"],
        ["200", "403", "200", "403", "login", "login"]),
    web("GET", "/dashboard/users", ["200", "403", "403", "403", "login", "login"], WNA),
    web("POST", "/dashboard/users",
        ["200", "403", "403", "403", "login", "login"],
        ["200", "403", "403", "403", "login", "login"]),
    web("POST", "/dashboard/users/{username}/disable",
        ["303", "403", "403", "403", "login", "login"],
        ["303", "403", "403", "403", "login", "login"]),
    web("POST", "/dashboard/users/{username}/enable",
        ["303", "403", "403", "403", "login", "login"],
        ["303", "403", "403", "403", "login", "login"]),
    web("POST", "/dashboard/users/{username}/reset-devices",
        ["303", "403", "403", "403", "login", "login"],
        ["303", "403", "403", "403", "login", "login"]),
    web("GET", "/dashboard/import", ["200", "200", "200", "403", "login", "login"], WNA),
    // A supervisor imports inside the wilayah only (a row outside: 403, nothing imported).
    web("POST", "/dashboard/import",
        ["200", "200", "403", "403", "login", "login"],
        ["200", "403", "200", "403", "login", "login"]),
    // The Dinsos month (issue 21): the target's household is a proposal of this month's period
    // in its desa ([`plant_proposals`]); the cells record a musdes with it on the BNBA list,
    // add the target's photo as the berita acara's, check; the approval is asked of the next
    // period (nothing checked there: 409) so that no cell locks what the others use.
    web("GET", "/dashboard/month", ["200", "200", "200", "403", "login", "login"], WNA),
    web("GET", "/dashboard/month/{desa}/{period}",
        ["200+", "200+", "404", "403", "login", "login"],
        ["200+", "404", "200+", "403", "login", "login"]),
    web("POST", "/dashboard/month/{desa}/{period}/agreement",
        ["303", "303", "404", "403", "login", "login"],
        ["303", "404", "303", "403", "login", "login"]),
    web("POST", "/dashboard/month/{desa}/{period}/photos",
        ["303", "303", "404", "403", "login", "login"],
        ["303", "404", "303", "403", "login", "login"]),
    web("GET", "/dashboard/month/{desa}/{period}/photos/{sha256}",
        ["200+", "200+", "404", "403", "login", "login"],
        ["200+", "404", "200+", "403", "login", "login"]),
    web("POST", "/dashboard/month/{desa}/{period}/check",
        ["303", "303", "404", "403", "login", "login"],
        ["303", "404", "303", "403", "login", "login"]),
    web("POST", "/dashboard/month/{desa}/{period}/approve",
        ["409", "403", "403", "403", "login", "login"],
        ["409", "403", "403", "403", "login", "login"]),
    // Not locked: no export yet (409 `period.not_locked`).
    web("GET", "/dashboard/month/{desa}/{period}/export",
        ["409", "409", "404", "403", "login", "login"],
        ["409", "404", "409", "403", "login", "login"]),
    // Cases (issue 21 §1): {id} is the target's PBI-JK case.
    web("GET", "/dashboard/cases",
        ["200+", "200+", "200-", "403", "login", "login"],
        ["200+", "200-", "200+", "403", "login", "login"]),
    // A case by hand in the target's desa: outside the wilayah it is refused, nothing stored.
    web("POST", "/dashboard/cases",
        ["303", "303", "400", "403", "login", "login"],
        ["303", "400", "303", "403", "login", "login"]),
    web("GET", "/dashboard/cases/new", ["200", "200", "200", "403", "login", "login"], WNA),
    web("POST", "/dashboard/cases/import",
        ["200", "200", "403", "403", "login", "login"],
        ["200", "403", "200", "403", "login", "login"]),
    web("GET", "/dashboard/cases/pbi-due", ["200", "200", "200", "403", "login", "login"], WNA),
    web("GET", "/dashboard/cases/graduasi", ["200", "200", "200", "403", "login", "login"], WNA),
    web("GET", "/dashboard/cases/export",
        ["200+", "200+", "200-", "403", "login", "login"],
        ["200+", "200-", "200+", "403", "login", "login"]),
    web("GET", "/dashboard/cases/{id}",
        ["200+", "200+", "404", "403", "login", "login"],
        ["200+", "404", "200+", "403", "login", "login"]),
    web("POST", "/dashboard/cases/{id}/decision",
        ["303", "303", "404", "403", "login", "login"],
        ["303", "404", "303", "403", "login", "login"]),
];

/// This month's period, as the server puts an arrival of today in it (default cut-off): the
/// day where the targets' desas are (Jawa Barat, WIB), not UTC's.
fn this_period() -> Period {
    let today = pendata_shared::month::zone::local_today("32", Utc::now());
    Period::for_arrival(today, CutOff::default())
}

/// Each target's household becomes a proposal of this month's period in its desa.
fn plant_proposals(server: &TestServer, targets: [&Target; 2]) {
    for t in targets {
        let arrival = Arrival {
            kind: KIND_HOUSEHOLD.into(),
            item_id: t.pushed.to_string(),
            desa_code: t.desa.into(),
            label: String::new(),
        };
        server
            .state
            .backend
            .periods
            .note_arrival(&arrival, this_period())
            .unwrap();
    }
}

/// A dashboard session: its cookie and CSRF token.
struct WebSession {
    cookie: Option<String>,
    csrf: String,
}

enum WebBody {
    None,
    Form(Vec<(String, String)>),
    /// (boundary, body)
    Multipart(String, String),
    /// (boundary, body) with binary parts.
    MultipartBytes(String, Vec<u8>),
}

/// A client that does not follow redirects (the cells look at the 303s).
struct Web {
    client: reqwest::Client,
    base: String,
}

impl Web {
    async fn send(
        &self,
        method: &str,
        path: &str,
        cookie: Option<&str>,
        body: WebBody,
        origin: bool,
    ) -> Answer {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(c) = cookie {
            req = req.header(reqwest::header::COOKIE, format!("pd_session={c}"));
        }
        if origin {
            req = req.header(reqwest::header::ORIGIN, self.base.clone());
        }
        req = match body {
            WebBody::None => req,
            WebBody::Form(f) => req.form(&f),
            WebBody::Multipart(boundary, body) => req
                .header(
                    reqwest::header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(body),
            WebBody::MultipartBytes(boundary, body) => req
                .header(
                    reqwest::header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(body),
        };
        Answer::read(req.send().await.unwrap()).await.unwrap()
    }

    /// The login form, as a browser fills it in. Returns the answer and, if it worked, the
    /// session.
    async fn login(&self, username: &str, password: &str) -> (Answer, Option<WebSession>) {
        let mut w = WebClient::new(&self.base).unwrap();
        let res = w.login_with(username, password, &[]).await.unwrap();
        let answer = Answer::read(res).await.unwrap();
        let session = match w.cookie("pd_session").map(str::to_owned) {
            Some(cookie) if answer.status == 303 => Some(WebSession {
                cookie: Some(cookie),
                csrf: w.csrf().await.unwrap(),
            }),
            _ => None,
        };
        (answer, session)
    }

    async fn session(&self, username: &str) -> WebSession {
        let (a, s) = self.login(username, PASSWORD).await;
        assert_eq!(a.status, 303, "dashboard login {username}: {}", a.text());
        s.unwrap()
    }
}

/// The throwaway account of the target's wilayah (disabled, enabled and reset by the cells).
fn throwaway(t: &Target) -> String {
    format!("buang.{}", &t.desa[..6])
}

/// The concrete request of a dashboard cell (`with_csrf`: whether the form carries the token).
fn web_request(row: &WebRow, t: &Target, k: u32, csrf: &str, with_csrf: bool) -> (String, WebBody) {
    let id = if row.path.starts_with("/dashboard/cases/") {
        t.case
    } else {
        t.pushed
    };
    let path = row
        .path
        .replace("{id}", &id.to_string())
        .replace("{sha256}", &t.photo_sha)
        .replace("{lang}", "en")
        .replace("{username}", &throwaway(t))
        .replace("{desa}", t.desa);
    let path = if row.path.ends_with("/approve") {
        path.replace("{period}", &this_period().next().to_string())
    } else {
        path.replace("{period}", &this_period().to_string())
    };
    let kec = &t.desa[..6];
    let form = |fields: &[(&str, String)]| {
        let mut f: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        if with_csrf {
            f.push(("csrf".into(), csrf.to_owned()));
        }
        WebBody::Form(f)
    };
    match (row.method, row.path) {
        ("GET", "/dashboard/households") => {
            (format!("{path}?state=all&desa={}", t.desa), WebBody::None)
        }
        ("GET", "/dashboard/export/download") => {
            (format!("{path}?format=csv&wilayah={kec}"), WebBody::None)
        }
        ("GET", "/dashboard/export/dtsen") => {
            (format!("{path}?part=families&wilayah={kec}"), WebBody::None)
        }
        ("POST", "/dashboard/households/{id}/review") => (
            path,
            form(&[
                ("revision", t.revision.to_string()),
                ("decision", "approved".into()),
                ("note", String::new()),
            ]),
        ),
        ("POST", "/dashboard/households/{id}/resolve") => (
            path,
            form(&[
                ("keep_revision", t.revision.to_string()),
                ("reason", "uji matriks akses".into()),
            ]),
        ),
        ("POST", "/dashboard/users") => (
            path,
            form(&[
                ("username", format!("uji.matriks{k}")),
                ("password", PASSWORD.into()),
                ("role", "enumerator".into()),
                ("wilayah", kec.to_owned()),
            ]),
        ),
        ("GET", "/dashboard/cases/export") => {
            (format!("{path}?kind=reaktivasi_pbi_jk"), WebBody::None)
        }
        ("POST", "/dashboard/cases") => (
            path,
            form(&[
                ("kind", "reaktivasi_pbi_jk".into()),
                ("name", "Kasus Matriks".into()),
                ("nik", format!("{}4501900003", &t.desa[..6])),
                ("desa_code", t.desa.to_owned()),
            ]),
        ),
        ("POST", "/dashboard/cases/{id}/decision") => (
            path,
            form(&[
                ("decision", "refused".into()),
                ("reason", "uji matriks akses".into()),
            ]),
        ),
        ("POST", "/dashboard/cases/import") => {
            // One usul-sanggah row of the target's desa; importing it again updates it.
            let boundary = "matriksKasusBoundary7MA4YWxk";
            let header = pendata_server::cases::import_csv::CASE_COLUMNS.join(",");
            let csv = format!(
                "{header}\nCB-MATRIKS-{d},usulan,,,{d},,,,,{kec}4501900003,Usulan Matriks,pkh,,,\n",
                d = t.desa
            );
            let mut body = String::new();
            if with_csrf {
                body.push_str(&format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n"
                ));
            }
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
                 filename=\"kasus.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
            ));
            (path, WebBody::Multipart(boundary.into(), body))
        }
        ("POST", "/dashboard/import") => {
            // One prelist row of the target's desa; importing it again updates it.
            let boundary = "matriksAksesBoundary7MA4YWxk";
            let header = pendata_server::operator::PRELIST_COLUMNS.join(",");
            let csv = format!(
                "{header}\nPL-MATRIKS-{d},{d},001,002,Jl. Matriks 1,,,Kepala Matriks,,1,2,1980-01-01,\n",
                d = t.desa
            );
            let mut body = String::new();
            if with_csrf {
                body.push_str(&format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n"
                ));
            }
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
                 filename=\"prelist.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
            ));
            (path, WebBody::Multipart(boundary.into(), body))
        }
        ("POST", "/dashboard/month/{desa}/{period}/agreement") => (
            path,
            form(&[
                ("form", "musdes".into()),
                ("held_on", "2026-12-16".into()),
                ("document_number", "BA/MATRIKS/1".into()),
                ("attendance", "12".into()),
                (&format!("bnba:household:{}", t.pushed), "1".into()),
            ]),
        ),
        ("POST", "/dashboard/month/{desa}/{period}/photos") => {
            // The target's own photo bytes, as the berita acara's photo.
            let boundary = "matriksFotoBoundary3Xq";
            let mut body = Vec::new();
            if with_csrf {
                body.extend_from_slice(
                    format!(
                        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n"
                    )
                    .as_bytes(),
                );
            }
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; \
                     filename=\"ba.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(&t.photo);
            body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            (path, WebBody::MultipartBytes(boundary.into(), body))
        }
        ("POST", _) => (path, form(&[])),
        _ => (path, WebBody::None),
    }
}

fn check_web(expect: &str, a: &Answer, t: &Target, row: &WebRow) -> Result<(), String> {
    let got = || {
        format!(
            "got {} (Location {:?}) {}",
            a.status,
            a.location,
            truncate(&a.text())
        )
    };
    let sees = |a: &Answer| {
        let text = a.text();
        a.body == t.photo
            || text.contains(&t.pushed.to_string())
            || text.contains(&t.prelist.to_string())
            || text.contains(&t.case.to_string())
    };
    let to_login = a.status == 303 && a.location == "/dashboard/login";
    let ok = match expect {
        "200+" => a.status == 200 && sees(a),
        "200-" => a.status == 200 && !sees(a) && t.markers.iter().all(|m| !a.text().contains(m)),
        "303" => a.status == 303 && !a.location.is_empty() && !to_login,
        "login" | "bye" => to_login,
        s if s.parse::<u16>().ok() == Some(a.status) => {
            // A refusal of a page is the dashboard's error page with its stable code.
            let code = match a.status {
                403 => Some("dashboard.forbidden"),
                404 => Some("dashboard.not_found"),
                400 if row.path == "/dashboard/households/{id}/resolve" => {
                    Some("resolve.no_conflict")
                }
                409 if row.path.starts_with("/dashboard/month/") => Some("period."),
                _ => None,
            };
            match code {
                Some(c) if row.path != "/dashboard/login" && !a.text().contains(c) => {
                    return Err(format!("{} without the code {c}", got()));
                }
                _ => true,
            }
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(got())
    }
}

fn unix_now() -> i64 {
    Utc::now().timestamp()
}

/// The 32 bytes of a 64-digit hex string.
fn hex32(hex: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

/// Every dashboard cell of [`WEB_TABLE`], then every POST kind without its CSRF token and
/// without `Origin`.
async fn dashboard_part(
    server: &TestServer,
    own: &Target,
    other: &Target,
    cli_store: &SqliteStore,
    tally: &mut Tally,
) {
    let web = Web {
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        base: server.url(),
    };
    server
        .add_user("sup.cibinong", Role::Supervisor, "320101")
        .unwrap();
    server
        .add_user("sup.nonaktif", Role::Supervisor, "320102")
        .unwrap();
    server
        .add_user("kadis.gunungputri", Role::KepalaOpd, "320102")
        .unwrap();
    plant_proposals(server, [own, other]);
    for t in [own, other] {
        server
            .add_user(&throwaway(t), Role::Enumerator, &t.desa[..6])
            .unwrap();
    }

    // Sessions. The disabled supervisor logs in, then is disabled the way the CLI does it.
    let mut sessions: BTreeMap<&str, WebSession> = BTreeMap::new();
    for s in [
        WebSubject::Admin,
        WebSubject::Supervisor,
        WebSubject::OtherSupervisor,
        WebSubject::Disabled,
        WebSubject::KepalaOpd,
    ] {
        sessions.insert(s.username(), web.session(s.username()).await);
    }
    let disabled = sessions[WebSubject::Disabled.username()]
        .cookie
        .clone()
        .unwrap();
    let before = web
        .send("GET", "/dashboard", Some(&disabled), WebBody::None, false)
        .await;
    assert_eq!(before.status, 200, "the supervisor's session works before");
    assert!(cli_store.set_disabled("sup.nonaktif", true).unwrap());

    // The enumerator: the login form refuses them (a cell below); a session planted in the
    // store must not open any page either.
    let creds = server
        .state
        .accounts
        .credentials("enum.gunungputri")
        .unwrap()
        .unwrap();
    let raw = format!(
        "{}{}",
        uuid::Uuid::now_v7().simple(),
        uuid::Uuid::now_v7().simple()
    );
    let hash = TokenHash(hex32(Sha256Hex::digest(raw.as_bytes()).as_str()));
    let enum_csrf = "csrf-sesi-pendata-uji-matriks-akses";
    server
        .state
        .web_sessions
        .create_web_session(
            creds.user.id,
            &hash,
            enum_csrf,
            unix_now(),
            SessionLifetime {
                idle_secs: 3600,
                max_secs: 36_000,
            },
        )
        .unwrap();
    sessions.insert(
        WebSubject::Enumerator.username(),
        WebSession {
            cookie: Some(raw),
            csrf: enum_csrf.into(),
        },
    );
    sessions.insert(
        WebSubject::NoSession.username(),
        WebSession {
            cookie: None,
            csrf: "tanpa-sesi".into(),
        },
    );

    let mut k = 5000u32;
    for row in WEB_TABLE {
        for subject in WEB_SUBJECTS.iter().copied() {
            for (which, t) in [("own", own), ("other", other)] {
                let expect = web_expect(row, subject, which);
                if expect == "-" {
                    continue;
                }
                k += 1;
                let cell = format!("{} {} × {subject:?} × {which}", row.method, row.path);
                let shared = &sessions[subject.username()];
                let answer = match (row.method, row.path) {
                    ("POST", "/dashboard/login") => {
                        let password = if subject == WebSubject::NoSession {
                            "bukan-kata-sandinya"
                        } else {
                            PASSWORD
                        };
                        let (a, s) = web.login(subject.username(), password).await;
                        if expect != "303" && s.is_some() {
                            tally.failures.push(format!("{cell}: a session was opened"));
                        }
                        a
                    }
                    ("POST", "/dashboard/logout") if expect == "bye" => {
                        // Its own session, so the other cells keep theirs.
                        let fresh = web.session(subject.username()).await;
                        let cookie = fresh.cookie.clone().unwrap();
                        let (path, body) = web_request(row, t, k, &fresh.csrf, true);
                        let a = web.send("POST", &path, Some(&cookie), body, true).await;
                        let after = web
                            .send("GET", "/dashboard", Some(&cookie), WebBody::None, false)
                            .await;
                        if after.status != 303 || after.location != "/dashboard/login" {
                            tally.failures.push(format!(
                                "{cell}: the session still opens /dashboard after logout ({})",
                                after.status
                            ));
                        }
                        a
                    }
                    _ => {
                        let (path, body) = web_request(row, t, k, &shared.csrf, true);
                        web.send(
                            row.method,
                            &path,
                            shared.cookie.as_deref(),
                            body,
                            row.method == "POST",
                        )
                        .await
                    }
                };
                tally.cells += 1;
                if let Err(why) = check_web(expect, &answer, t, row) {
                    tally
                        .failures
                        .push(format!("{cell}: expected {expect}, {why}"));
                }
                if expect == "200+" {
                    tally.positive_controls += 1;
                }
                for t in [own, other] {
                    if !subject.covers(t) {
                        for leak in leaks(&answer, t) {
                            tally.leaks.push(format!("{cell}: {leak}"));
                        }
                    }
                }
            }
        }
    }

    // Every POST kind without the CSRF token, and with the token but without `Origin`: 403
    // with its own code, for the admin (who may do everything) and, on the routes open to
    // supervisors, the own supervisor (on admin routes the role check answers first).
    for row in WEB_TABLE.iter().filter(|r| r.method == "POST") {
        let admin_only = ROUTES
            .iter()
            .any(|(m, p, a)| *m == row.method && *p == row.path && *a == Access::Admin);
        let mut callers = vec![(WebSubject::Admin, &sessions["admin.akses"])];
        if !admin_only {
            callers.push((WebSubject::Supervisor, &sessions["sup.gunungputri"]));
        }
        for (subject, session) in callers {
            for (with_csrf, origin, code) in [
                (false, true, "dashboard.csrf"),
                (true, false, "dashboard.bad_origin"),
            ] {
                k += 1;
                let (path, body) = if row.path == "/dashboard/login" {
                    let mut f = vec![
                        ("username".to_owned(), subject.username().to_owned()),
                        ("password".to_owned(), PASSWORD.to_owned()),
                    ];
                    if with_csrf {
                        f.push(("csrf".into(), session.csrf.clone()));
                    }
                    (row.path.to_owned(), WebBody::Form(f))
                } else {
                    web_request(row, own, k, &session.csrf, with_csrf)
                };
                let a = web
                    .send("POST", &path, session.cookie.as_deref(), body, origin)
                    .await;
                tally.cells += 1;
                if a.status != 403 || !a.text().contains(code) {
                    tally.failures.push(format!(
                        "POST {} × {subject:?} (csrf {with_csrf}, origin {origin}): expected \
                         403 {code}, got {} {}",
                        row.path,
                        a.status,
                        truncate(&a.text())
                    ));
                }
                for leak in leaks(&a, other) {
                    tally
                        .leaks
                        .push(format!("POST {} × {subject:?}: {leak}", row.path));
                }
            }
        }
    }
}
