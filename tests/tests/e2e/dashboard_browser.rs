//! The supervisor dashboard in a real browser: Debian's headless Chromium driven by
//! playwright-core (tests/browser/*.mjs), against the real server on a real socket, with
//! households pushed by real client devices. Screenshots: target/test-artifacts/dashboard/.
//!
//! Needs `chromium` (Debian package, /usr/bin/chromium or PD_CHROMIUM), `node` and
//! `npm ci --prefix tests/browser` (scripts/test does all three). Missing pieces fail the
//! tests with a message saying what to install; nothing is skipped.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use pendata_core::store::RecordState;
use pendata_e2e::{
    capture_assignment, example_household, new_device, prelist_of, sync_device, DashboardWorld,
    FACILITATOR, OTHER_SUPERVISOR, PASSWORD, SUPERVISOR,
};
use pendata_server::store::{ReviewState, Role, Scope};
use pendata_shared::protocol::ReviewDecision;

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("browser")
}

fn shots_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/test-artifacts/dashboard")
}

/// Runs `node tests/browser/<scenario>.mjs` with the PD_* variables; returns its JSON line.
pub(crate) async fn scenario(name: &str, vars: Vec<(&'static str, String)>) -> serde_json::Value {
    let chromium = std::env::var("PD_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "{chromium} not found: the dashboard browser tests need Debian's chromium \
         (scripts/install-deps test, or apt-get install chromium)"
    );
    assert!(
        browser_dir().join("node_modules/playwright-core").is_dir(),
        "tests/browser/node_modules is missing: run `npm ci --prefix tests/browser` (scripts/test does)"
    );
    let script = browser_dir().join(format!("{name}.mjs"));
    let shots = shots_dir();
    std::fs::create_dir_all(&shots).unwrap();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(&script)
            .current_dir(browser_dir())
            .env("PD_CHROMIUM", &chromium)
            .env("PD_SHOTS", &shots)
            .env("PD_PASSWORD", PASSWORD)
            .envs(vars)
            .output()
    })
    .await
    .unwrap()
    .unwrap_or_else(|e| {
        panic!("cannot run node ({e}): install Node.js (scripts/install-deps test installs Debian's nodejs)")
    });
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "browser scenario {name} failed ({}):\n{stderr}\n{stdout}\nscreenshots: {}",
        output.status,
        shots_dir().display()
    );
    let line = stdout.lines().last().unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(line)
        .unwrap_or_else(|e| panic!("scenario {name} printed no JSON ({e}): {stdout}"));
    assert_eq!(v["ok"], true, "{v}");
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_rejects_in_the_browser_and_the_device_gets_the_note() {
    let mut world = DashboardWorld::start().await.unwrap();
    let note = "Foto KK terpotong; mohon difoto ulang (uji peramban)";
    let out = scenario(
        "reject",
        vec![
            ("PD_URL", world.server.url()),
            ("PD_USER", SUPERVISOR.into()),
            ("PD_HOUSEHOLD", world.id.to_string()),
            ("PD_NOTE", note.into()),
        ],
    )
    .await;
    assert_eq!(out["photos"], 9);

    let d = world
        .server
        .state
        .records
        .get(world.id, &Scope::all())
        .unwrap()
        .unwrap();
    assert_eq!(d.summary.review_state, ReviewState::Rejected);
    assert_eq!(
        d.reviews.len(),
        1,
        "one decision: the empty note was never sent"
    );
    assert_eq!(d.reviews[0].reviewer, SUPERVISOR);

    // The client sees the note after its next sync.
    let pulled = sync_device(&mut world.device).await.unwrap();
    assert_eq!(pulled.reviews.len(), 1);
    assert_eq!(pulled.reviews[0].decision, ReviewDecision::Rejected);
    assert_eq!(pulled.reviews[0].note.as_deref(), Some(note));
    let info = world.device.store().record(world.id).unwrap();
    assert_eq!(info.state, RecordState::Rejected);
    assert_eq!(info.review_note.as_deref(), Some(note));
    world.server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_resolves_a_conflict_of_two_devices_in_the_browser() {
    let world = DashboardWorld::start().await.unwrap();
    let server = &world.server;
    server
        .add_user("tksk.b", Role::Enumerator, "320102")
        .unwrap();
    // A second prelist household assigned to nobody: both facilitators pull and capture it.
    let mut example = example_household().unwrap();
    for (i, m) in example.members.iter_mut().enumerate() {
        if let Some(nik) = &mut m.nik {
            nik.replace_range(12.., &format!("{:04}", 7100 + i));
        }
    }
    for f in &mut example.families {
        f.kk_number
            .replace_range(12.., &format!("{:04}", 7200 + u32::from(f.family_no)));
    }
    server
        .import_prelist(&[prelist_of(&example, "3201022001-07002", None)])
        .unwrap();
    let mut a = new_device(&world.tmp.path().join("c1")).unwrap();
    let mut b = new_device(&world.tmp.path().join("c2")).unwrap();
    server.login(&mut a, FACILITATOR).await.unwrap();
    server.login(&mut b, "tksk.b").await.unwrap();
    sync_device(&mut a).await.unwrap();
    sync_device(&mut b).await.unwrap();
    let id = b
        .store()
        .assignments(None)
        .unwrap()
        .iter()
        .find(|x| x.prelist_id == "3201022001-07002")
        .map(|x| x.household_id)
        .expect("the shared assignment");
    capture_assignment(&mut a, id, 31).unwrap();
    capture_assignment(&mut b, id, 47).unwrap();
    assert_eq!(sync_device(&mut a).await.unwrap().report.sent, 1);
    let rb = sync_device(&mut b).await.unwrap();
    assert_eq!(rb.report.conflicts.len(), 1, "{:?}", rb.report);
    let a_rev = a.store().record(id).unwrap().revision;
    let b_rev = b.store().record(id).unwrap().revision;

    let out = scenario(
        "resolve",
        vec![
            ("PD_URL", server.url()),
            ("PD_USER", SUPERVISOR.into()),
            ("PD_HOUSEHOLD", id.to_string()),
            ("PD_KEEP", b_rev.to_string()),
        ],
    )
    .await;
    assert!(out["differing"].as_u64().unwrap() > 0);

    let d = server
        .state
        .records
        .get(id, &Scope::all())
        .unwrap()
        .unwrap();
    assert_eq!(d.summary.open_conflicts, 0);
    assert_eq!(d.summary.current_revision, Some(b_rev), "B's revision kept");
    let state_of = |rev| {
        d.revisions
            .iter()
            .find(|r| r.revision == rev)
            .map(|r| r.state.clone())
            .unwrap()
    };
    assert_eq!(state_of(b_rev), "current");
    assert_ne!(state_of(a_rev), "current");
    world.server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_of_another_kecamatan_cannot_open_the_household_or_its_photo() {
    let world = DashboardWorld::start().await.unwrap();
    let out = scenario(
        "scope",
        vec![
            ("PD_URL", world.server.url()),
            ("PD_USER", OTHER_SUPERVISOR.into()),
            ("PD_HOUSEHOLD", world.id.to_string()),
            ("PD_PHOTO", world.photo.clone()),
        ],
    )
    .await;
    assert_eq!(out["statuses"]["photo"], 404);
    assert_eq!(out["forged"], 403);
    let d = world
        .server
        .state
        .records
        .get(world.id, &Scope::all())
        .unwrap()
        .unwrap();
    assert_eq!(d.summary.review_state, ReviewState::Submitted);
    assert!(d.reviews.is_empty());
    world.server.stop().await;
}

/// Every dashboard page, old and new, through axe-core in Chromium (issue 21 §4): the pages are
/// taken from `dashboard::ROUTES` (every GET that answers HTML), so a page added later is
/// audited without touching this test. Supervisor pages as the household's supervisor (with
/// more households around it: a map with an outlier, a tidak-layak signal), admin pages as the
/// admin, the login page and the not-found page without a session. Serious or critical
/// findings fail it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_dashboard_page_passes_the_accessibility_audit() {
    use pendata_e2e::client::{batch, ApiClient, Body};
    use pendata_e2e::ADMIN;
    use pendata_server::dashboard::{Access, ROUTES};
    use pendata_shared::protocol::{Change, PushRecord};
    use pendata_shared::{HouseholdId, RevisionId};

    let world = DashboardWorld::start().await.unwrap();
    let url = world.server.url();
    // Five more households of the desa over the API, one typed 5 km off, one with an ASN head.
    let api = ApiClient::new(&url).unwrap();
    let token = api.token(FACILITATOR).await.unwrap();
    let example = example_household().unwrap();
    let records = (0..5)
        .map(|i| {
            let mut h = example.clone();
            h.id = HouseholdId::new();
            if let Some(g) = h.geotag.as_mut() {
                g.latitude += if i == 4 { -0.05 } else { 0.0004 * f64::from(i) };
            }
            if i == 3 {
                h.members[0].employment_status =
                    Some(pendata_shared::codes::EmploymentStatus::CivilServant);
            }
            PushRecord::new(
                RevisionId::new(),
                None,
                chrono::Utc::now(),
                h.id,
                Change::Upsert {
                    household: Box::new(h),
                },
            )
        })
        .collect();
    let res = api
        .send(
            "POST",
            "/api/v1/push",
            Some(&token),
            Body::Json(serde_json::to_value(batch(records)).unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(res.status, 200, "{}", res.text());

    let not_html = [
        "/dashboard/assets/dashboard.css",
        "/dashboard/lang/{lang}",
        "/dashboard/photos/{sha256}",
        "/dashboard/export/download",
        "/dashboard/export/dtsen",
        "/dashboard/month/{desa}/{period}/photos/{sha256}",
        "/dashboard/month/{desa}/{period}/export",
        "/dashboard/cases/export",
    ];
    // A PBI-JK case of the desa for the case pages (casedash).
    let case = {
        use pendata_server::cases::assignment::{new_case, CaseInput};
        use pendata_server::store::cases::{CaseSource, CaseSubject};
        let c = new_case(
            CaseInput {
                kind: pendata_server::store::CaseKind::ReaktivasiPbiJk,
                source_id: "A11Y-1".into(),
                source: CaseSource::Hand,
                desa_code: "3201022001".into(),
                assigned_to: None,
                due_date: chrono::Utc::now().date_naive(),
                subject: CaseSubject {
                    name: "Kasus Audit".into(),
                    emergency: true,
                    ..Default::default()
                },
                created_by: None,
            },
            chrono::Utc::now(),
        );
        let id = c.id;
        world.server.state.backend.cases.create_cases(&[c]).unwrap();
        id
    };
    let mut pages = vec![
        serde_json::json!({ "user": "", "path": "/dashboard/login" }),
        serde_json::json!({ "user": "", "path": "/dashboard/no-such-page" }),
    ];
    for (method, path, access) in ROUTES {
        if *method != "GET" || not_html.contains(path) || *access == Access::Public {
            continue;
        }
        let user = if *access == Access::Admin {
            ADMIN
        } else {
            SUPERVISOR
        };
        let id = if path.starts_with("/dashboard/cases/") {
            case
        } else {
            world.id
        };
        let path = path
            .replace("{id}", &id.to_string())
            .replace("{desa}", "3201022001")
            .replace("{period}", "2026-12");
        pages.push(serde_json::json!({ "user": user, "path": path }));
    }
    // The admin's kecamatan chooser and a map with its outlier; the English pages' markup is
    // the same templates.
    pages.push(serde_json::json!({ "user": ADMIN, "path": "/dashboard/map" }));
    pages.push(serde_json::json!({ "user": ADMIN, "path": "/dashboard/map?kecamatan=320102" }));
    // One login per user: the pages grouped by user (stable, so each user's order is kept).
    pages.sort_by_key(|p| p["user"].as_str().unwrap_or_default().to_owned());
    let started = std::time::Instant::now();
    let out = scenario(
        "a11y",
        vec![
            ("PD_URL", url),
            ("PD_PAGES", serde_json::to_string(&pages).unwrap()),
        ],
    )
    .await;
    eprintln!(
        "a11y: {} pages audited in {:.1} s: {}",
        out["pages"],
        started.elapsed().as_secs_f64(),
        out["audited"]
    );
    assert_eq!(out["pages"].as_u64().unwrap() as usize, pages.len());
    let audited = out["audited"].as_array().unwrap();
    for a in audited {
        let expected = if a["path"] == "/dashboard/no-such-page" {
            404
        } else {
            200
        };
        assert_eq!(
            a["status"], expected,
            "every page audited is the real page: {a}"
        );
    }
    let map = audited
        .iter()
        .find(|a| a["path"] == "/dashboard/map" && a["user"] == SUPERVISOR)
        .expect("the map was audited");
    assert_eq!(map["status"], 200);
    world.server.stop().await;
}
