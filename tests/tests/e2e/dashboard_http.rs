//! The supervisor dashboard over plain HTTP (real server, real socket, a household pushed by a
//! real client device): cookie flags, logout, CSRF and Origin refusal, the wilayah scoping of
//! every route in `dashboard::ROUTES`, review and import/export through the forms.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pendata_e2e::client::{batch, ApiClient, Body};
use pendata_e2e::{
    sync_device, DashboardWorld, WebClient, ADMIN, FACILITATOR, OTHER_SUPERVISOR, PASSWORD,
    SUPERVISOR,
};
use pendata_server::dashboard::{Access, ROUTES};
use pendata_server::store::{HouseholdDetail, Puller, ReviewState, Role, Scope};
use pendata_shared::protocol::{Change, PushRecord, ReviewDecision};

fn set_cookies(res: &reqwest::Response) -> Vec<String> {
    res.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get(reqwest::header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

fn review_state(world: &DashboardWorld) -> ReviewState {
    stored(world).summary.review_state
}

/// The household as the store holds it, whatever the wilayah.
fn stored(world: &DashboardWorld) -> HouseholdDetail {
    world
        .server
        .state
        .records
        .get(world.id, &Scope::all())
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn the_session_cookie_is_httponly_strict_secure_over_https_and_logout_ends_it() {
    let world = DashboardWorld::start().await.unwrap();
    let url = world.server.url();

    // Plain HTTP: HttpOnly, SameSite=Strict, scoped to /dashboard, not Secure.
    let mut web = WebClient::new(&url).unwrap();
    let res = web.login(SUPERVISOR).await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/dashboard");
    let cookies = set_cookies(&res);
    let session = cookies
        .iter()
        .find(|c| c.starts_with("pd_session="))
        .expect("a session cookie");
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/dashboard"] {
        assert!(session.contains(attr), "{session}");
    }
    assert!(!session.contains("Secure"), "{session}");
    let page = web.get("/dashboard").await.unwrap();
    assert_eq!(page.status(), 200);
    let csp = page
        .headers()
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(page.headers().get("x-frame-options").unwrap(), "DENY");
    let html = page.text().await.unwrap();
    assert!(html.contains("Wanaherang"), "progress names the desa");
    // The desa's row: assigned, visited, final, received, approved, rejected, in conflict.
    let row = html
        .split("data-code=\"3201022001\"")
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .unwrap();
    let counts: Vec<u32> = row
        .split("<td class=\"num\">")
        .skip(1)
        .map(|c| c.split('<').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(counts, [1, 1, 1, 1, 0, 0, 0], "{row}");

    // Behind a TLS proxy (X-Forwarded-Proto: https) the cookie is Secure.
    let mut tls = WebClient::new(&url).unwrap();
    let res = tls
        .login_with(SUPERVISOR, PASSWORD, &[("x-forwarded-proto", "https")])
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let session = set_cookies(&res)
        .into_iter()
        .find(|c| c.starts_with("pd_session="))
        .unwrap();
    assert!(session.contains("; Secure"), "{session}");

    // Logout ends the session on the server: the old cookie no longer opens anything.
    let old = web.cookie("pd_session").unwrap().to_owned();
    let csrf = web.csrf().await.unwrap();
    let res = web
        .post("/dashboard/logout", &[("csrf", &csrf)])
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/dashboard/login");
    assert!(web.cookie("pd_session").is_none(), "the cookie is cleared");
    web.set_cookie("pd_session", Some(&old));
    let res = web.get("/dashboard").await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/dashboard/login");

    // Wrong password: 401 page, no session; an enumerator gets no session either.
    let mut bad = WebClient::new(&url).unwrap();
    let res = bad
        .login_with(SUPERVISOR, "salah-sekali", &[])
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(bad.cookie("pd_session").is_none());
    let res = bad.login(FACILITATOR).await.unwrap();
    assert_eq!(res.status(), 403);
    assert!(bad.cookie("pd_session").is_none());
    world.server.stop().await;
}

#[tokio::test]
async fn a_post_without_the_csrf_token_or_from_another_origin_changes_nothing() {
    let world = DashboardWorld::start().await.unwrap();
    let url = world.server.url();
    let mut web = WebClient::new(&url).unwrap();
    web.login(SUPERVISOR).await.unwrap();
    let csrf = web.csrf().await.unwrap();
    let detail = web
        .get(&format!("/dashboard/households/{}", world.id))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let rev_at = detail.find("name=\"revision\" value=\"").unwrap() + 23;
    let revision = detail[rev_at..rev_at + 36].to_owned();
    let path = format!("/dashboard/households/{}/review", world.id);
    let approve = |csrf: &str| {
        vec![
            ("csrf".to_owned(), csrf.to_owned()),
            ("revision".to_owned(), revision.clone()),
            ("decision".to_owned(), "approved".to_owned()),
        ]
    };

    // No token, a wrong token, another session's token: 403 dashboard.csrf.
    let mut other = WebClient::new(&url).unwrap();
    other.login(ADMIN).await.unwrap();
    let other_token = other.csrf().await.unwrap();
    for token in ["", "x", other_token.as_str()] {
        let form = approve(token);
        let form: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let res = web.post(&path, &form).await.unwrap();
        assert_eq!(res.status(), 403, "token {token:?}");
        assert!(res.text().await.unwrap().contains("dashboard.csrf"));
    }
    // The right token from another origin, or with no Origin/Referer at all: 403 bad_origin.
    let form = approve(&csrf);
    let form: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    for origin in [Some("http://evil.example"), Some("null"), None] {
        let res = web.post_with(&path, &form, origin, &[]).await.unwrap();
        assert_eq!(res.status(), 403, "origin {origin:?}");
        assert!(res.text().await.unwrap().contains("dashboard.bad_origin"));
    }
    // A Referer of this server is accepted in place of Origin.
    assert_eq!(
        review_state(&world),
        ReviewState::Submitted,
        "nothing changed"
    );
    let referer = format!("{url}/dashboard/households/{}", world.id);
    let res = web
        .post_with(&path, &form, None, &[("referer", &referer)])
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(review_state(&world), ReviewState::Approved);

    // Login needs its own double-submitted token.
    let mut fresh = WebClient::new(&url).unwrap();
    fresh.get("/dashboard/login").await.unwrap();
    let res = fresh
        .post(
            "/dashboard/login",
            &[
                ("username", SUPERVISOR),
                ("password", pendata_e2e::PASSWORD),
                ("csrf", "forged"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(fresh.cookie("pd_session").is_none());
    world.server.stop().await;
}

/// Fills a route template with the world's household, photo and a user name.
fn concrete(path: &str, world: &DashboardWorld) -> String {
    // The case export is of one type (without it: 400 cases.kind_required).
    if path == "/dashboard/cases/export" {
        return format!("{path}?kind=usul_sanggah");
    }
    path.replace("{id}", &world.id.to_string())
        .replace("{sha256}", &world.photo)
        .replace("{username}", FACILITATOR)
        .replace("{lang}", "en")
        .replace("{desa}", "3201022001")
        .replace("{period}", "2026-12")
}

#[tokio::test]
async fn every_dashboard_route_applies_login_role_and_wilayah() {
    let world = DashboardWorld::start().await.unwrap();
    let url = world.server.url();
    let mut anon = WebClient::new(&url).unwrap();
    let mut own = WebClient::new(&url).unwrap();
    own.login(SUPERVISOR).await.unwrap();
    let mut other = WebClient::new(&url).unwrap();
    other.login(OTHER_SUPERVISOR).await.unwrap();
    let other_csrf = other.csrf().await.unwrap();
    let household_scoped =
        |p: &str| p.contains("{id}") || p.contains("{sha256}") || p.contains("{desa}");

    for (method, template, access) in ROUTES {
        let path = concrete(template, &world);
        // Without a session: public routes answer, every other one sends to the login page.
        let res = if *method == "GET" {
            anon.get(&path).await.unwrap()
        } else {
            anon.post(&path, &[("csrf", "none")]).await.unwrap()
        };
        if *access == Access::Public {
            assert_ne!(res.status(), 500, "{method} {template}");
        } else {
            assert_eq!(res.status(), 303, "{method} {template} without a session");
            assert_eq!(location(&res), "/dashboard/login", "{method} {template}");
        }

        // A supervisor of another kecamatan: admin pages 403, this household's pages 404.
        if *access == Access::Public || *template == "/dashboard/logout" {
            continue;
        }
        let res = if *method == "GET" {
            other.get(&path).await.unwrap()
        } else {
            other
                .post(
                    &path,
                    &[
                        ("csrf", other_csrf.as_str()),
                        ("revision", "00000000-0000-0000-0000-000000000000"),
                        ("decision", "approved"),
                        ("keep_revision", "00000000-0000-0000-0000-000000000000"),
                        ("reason", "x"),
                    ],
                )
                .await
                .unwrap()
        };
        let status = res.status().as_u16();
        let body = res.text().await.unwrap_or_default();
        if *access == Access::Admin || *access == Access::Approver {
            assert_eq!(status, 403, "{method} {template} as a supervisor");
        } else if let Some(code) = refused_form(method, template) {
            // Supervisors may import and enter cases (inside their wilayah: dashboard_dtsen::,
            // cases::); a form that is not theirs is refused with its code.
            assert_eq!(status, 400, "{method} {template}: {body}");
            assert!(body.contains(code), "{method} {template}: {body}");
        } else if household_scoped(template) {
            assert_eq!(status, 404, "{method} {template} outside the wilayah");
            assert!(body.contains("dashboard.not_found"), "{template}");
        } else {
            assert_eq!(status, 200, "{method} {template}");
            let id = world.id.to_string();
            assert!(
                !body.contains(&id),
                "{template} shows the other kecamatan's household"
            );
            assert!(
                !body.contains("Wanaherang"),
                "{template} names the other desa"
            );
        }

        // The supervisor of the household's own kecamatan may read every GET page.
        // (A desa period's photos and export are its own, and a case page needs a case, which
        // this world's household is not: ratify::, cases::, access_matrix::.)
        if *method == "GET"
            && *access == Access::Supervisor
            && !template.starts_with("/dashboard/month/{desa}/{period}/")
            && *template != "/dashboard/cases/{id}"
        {
            let res = own.get(&path).await.unwrap();
            assert_eq!(res.status(), 200, "GET {template} in the wilayah");
        }
    }

    // Lists and the export of the household's supervisor do show it.
    let queue = own
        .get("/dashboard/households")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(queue.contains(&world.id.to_string()));
    let csv = own
        .get("/dashboard/export/download?format=csv&wilayah=320102")
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(csv.text().await.unwrap().contains(&world.id.to_string()));
    // … and asking for another kecamatan's export is refused.
    let res = own
        .get("/dashboard/export/download?format=csv&wilayah=320101")
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = other
        .get("/dashboard/export/download?format=csv&wilayah=3201022001")
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    world.server.stop().await;
}

#[tokio::test]
async fn a_rejection_through_the_form_reaches_the_device_and_needs_a_note() {
    let mut world = DashboardWorld::start().await.unwrap();
    let url = world.server.url();
    let mut web = WebClient::new(&url).unwrap();
    web.login(SUPERVISOR).await.unwrap();
    let csrf = web.csrf().await.unwrap();
    let revision = stored(&world).summary.current_revision.unwrap().to_string();
    let path = format!("/dashboard/households/{}/review", world.id);
    let res = web
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("revision", &revision),
                ("decision", "rejected"),
                ("note", "  "),
            ],
        )
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("review.note_required"));
    assert_eq!(review_state(&world), ReviewState::Submitted);

    let note = "Foto <dapur> buram & KK terpotong";
    let res = web
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("revision", &revision),
                ("decision", "rejected"),
                ("note", note),
            ],
        )
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let page = web
        .get(&format!("/dashboard/households/{}", world.id))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Foto &lt;dapur&gt; buram &amp; KK terpotong"),
        "escaped in the audit trail"
    );
    assert!(!page.contains("<dapur>"));

    let pulled = sync_device(&mut world.device).await.unwrap();
    assert_eq!(pulled.reviews.len(), 1);
    assert_eq!(pulled.reviews[0].decision, ReviewDecision::Rejected);
    assert_eq!(pulled.reviews[0].note.as_deref(), Some(note));
    assert_eq!(pulled.reviews[0].reviewer, SUPERVISOR);
    world.server.stop().await;
}

#[tokio::test]
async fn resolving_a_household_without_a_conflict_is_refused_and_keeps_its_approval() {
    let world = DashboardWorld::start().await.unwrap();
    let url = world.server.url();
    let mut web = WebClient::new(&url).unwrap();
    web.login(SUPERVISOR).await.unwrap();
    let csrf = web.csrf().await.unwrap();
    let resolve_action = format!("action=\"/dashboard/households/{}/resolve\"", world.id);

    // No open conflict: the household page has no conflict link, the conflict page no form.
    let page = web
        .get(&format!("/dashboard/households/{}", world.id))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("conflict-link"));
    assert!(!page.contains(&resolve_action));
    let page = web
        .get(&format!("/dashboard/households/{}/conflict", world.id))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("no-conflict"));
    assert!(!page.contains(&resolve_action));

    // The supervisor approves it.
    let revision = stored(&world).summary.current_revision.unwrap().to_string();
    let res = web
        .post(
            &format!("/dashboard/households/{}/review", world.id),
            &[
                ("csrf", &csrf),
                ("revision", &revision),
                ("decision", "approved"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(review_state(&world), ReviewState::Approved);
    let before = stored(&world);
    let facilitator = Puller {
        username: FACILITATOR.into(),
        role: Role::Enumerator,
        scope: Scope::within("320102"),
    };
    let log_before = world
        .server
        .state
        .records
        .pull(&facilitator, 0, 500)
        .unwrap();

    // A resolve posted anyway (an old tab, a forged form): the error page, not a redirect.
    let res = web
        .post(
            &format!("/dashboard/households/{}/resolve", world.id),
            &[
                ("csrf", &csrf),
                ("keep_revision", &revision),
                ("reason", "tidak ada konflik"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(location(&res), "");
    let body = res.text().await.unwrap();
    assert!(body.contains("resolve.no_conflict"), "{body}");
    assert!(
        body.contains("Rumah tangga ini tidak punya konflik terbuka"),
        "{body}"
    );
    let after = stored(&world);
    assert_eq!(after, before, "nothing changed");
    assert_eq!(review_state(&world), ReviewState::Approved);
    assert_eq!(
        world
            .server
            .state
            .records
            .pull(&facilitator, 0, 500)
            .unwrap(),
        log_before,
        "no change-log row"
    );
    world.server.stop().await;
}

#[tokio::test]
async fn a_conflict_of_only_a_reused_revision_id_can_be_closed_by_keeping_the_current_one() {
    let world = DashboardWorld::start().await.unwrap();
    let url = world.server.url();
    let records = &world.server.state.records;
    let detail = records.get(world.id, &Scope::all()).unwrap().unwrap();
    let current = detail.summary.current_revision.unwrap();
    // The device's revision id comes again with other content: a conflict with no revision
    // beside the current one (the other content is kept aside).
    let mut other = detail.household.clone().unwrap();
    other.notes = Some("isi lain dengan id revisi yang sama".into());
    let reused = PushRecord::new(
        current,
        detail.revisions[0].base_revision,
        chrono::Utc::now(),
        world.id,
        Change::Upsert {
            household: Box::new(other),
        },
    );
    let api = ApiClient::new(&url).unwrap();
    let token = api.login(FACILITATOR, PASSWORD).await.unwrap().json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let push = api
        .send(
            "POST",
            "/api/v1/push",
            Some(&token),
            Body::Json(serde_json::to_value(batch(vec![reused])).unwrap()),
        )
        .await
        .unwrap()
        .json();
    let outcome = &push["results"][0]["outcome"];
    assert_eq!(outcome["status"], "conflict", "{push}");
    assert_eq!(outcome["reason"], "same_revision_different_content");
    let summary = records
        .get(world.id, &Scope::all())
        .unwrap()
        .unwrap()
        .summary;
    assert_eq!(summary.open_conflicts, 1);

    // The dashboard shows the conflict and offers to keep the current revision.
    let mut web = WebClient::new(&url).unwrap();
    web.login(SUPERVISOR).await.unwrap();
    let csrf = web.csrf().await.unwrap();
    let page = web
        .get(&format!("/dashboard/households/{}", world.id))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("conflict-link"));
    let page = web
        .get(&format!("/dashboard/households/{}/conflict", world.id))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("collision-only"), "{page}");
    assert!(!page.contains("no-conflict"));
    assert!(page.contains(&format!(
        "action=\"/dashboard/households/{}/resolve\"",
        world.id
    )));
    assert!(page.contains(&format!("value=\"{current}\"")));

    let path = format!("/dashboard/households/{}/resolve", world.id);
    let keep = current.to_string();
    let form = [
        ("csrf", csrf.as_str()),
        ("keep_revision", keep.as_str()),
        ("reason", "isi terkini sudah benar"),
    ];
    let res = web.post(&path, &form).await.unwrap();
    assert_eq!(res.status(), 303);
    let summary = records
        .get(world.id, &Scope::all())
        .unwrap()
        .unwrap()
        .summary;
    assert_eq!(summary.open_conflicts, 0);
    assert_eq!(summary.current_revision, Some(current));
    // … and once closed, the same form again is refused.
    let res = web.post(&path, &form).await.unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("resolve.no_conflict"));
    world.server.stop().await;
}

#[tokio::test]
async fn an_admin_imports_a_csv_with_a_row_report_and_exports_xlsx() {
    let world = DashboardWorld::start().await.unwrap();
    let url = world.server.url();
    let mut web = WebClient::new(&url).unwrap();
    web.login(ADMIN).await.unwrap();
    let csrf = web.csrf().await.unwrap();
    let header = pendata_server::operator::PRELIST_COLUMNS.join(",");
    let csv = format!(
        "{header}\n\
         P-DASH-1,3201022001,001,002,Jl. Mawar 1,,,Siti Aminah,,1,2,1980-01-01,{FACILITATOR}\n\
         P-DASH-2,9999999999,001,002,Jl. Mawar 2,,,Budi,,1,1,1980-01-01,\n\
         P-DASH-3,3201022001,001,002,Jl. Mawar 3,,,Citra,,9,2,1980-01-01,\n"
    );
    let boundary = "pendataBoundary7MA4YWxkTrZu0gW";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"prelist.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    let send = |body: String, cookie: String| {
        reqwest::Client::new()
            .post(format!("{url}/dashboard/import"))
            .header("origin", url.clone())
            .header("cookie", cookie)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
    };
    let cookie = format!("pd_session={}", web.cookie("pd_session").unwrap());
    let res = send(body.replace(&csrf, "wrong-token-000"), cookie.clone())
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "the upload checks the CSRF token too");
    let res = send(body, cookie.clone()).await.unwrap();
    assert_eq!(res.status(), 422, "bad rows were reported");
    let page = res.text().await.unwrap();
    assert!(page.contains("id=\"nothing-imported\""), "{page}");
    assert!(
        page.contains("id=\"created\">0<"),
        "a file with bad rows changes nothing"
    );
    assert!(page.contains("id=\"bad-rows\">2<"));
    for line in ["<td class=\"num\">3</td>", "<td class=\"num\">4</td>"] {
        assert!(page.contains(line), "row report names line {line}");
    }
    let imported = |world: &DashboardWorld| {
        world
            .server
            .state
            .records
            .list(
                &Scope::all(),
                &pendata_server::store::ListQuery {
                    state: None,
                    desa: None,
                    limit: 100,
                    after: None,
                },
            )
            .unwrap()
            .into_iter()
            .filter_map(|h| h.prelist_id)
            .collect::<Vec<_>>()
    };
    assert!(!imported(&world).iter().any(|p| p.starts_with("P-DASH")));

    // The fixed file (the bad rows left out) is imported.
    let good = format!(
        "{header}\n\
         P-DASH-1,3201022001,001,002,Jl. Mawar 1,,,Siti Aminah,,1,2,1980-01-01,{FACILITATOR}\n"
    );
    let fixed = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"prelist.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{good}\r\n--{boundary}--\r\n"
    );
    let res = send(fixed, cookie).await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("id=\"created\">1<"));
    assert!(imported(&world).iter().any(|p| p == "P-DASH-1"));

    // A supervisor may open the import page too (inside the wilayah only: dashboard_dtsen::).
    let mut spv = WebClient::new(&url).unwrap();
    spv.login(SUPERVISOR).await.unwrap();
    assert_eq!(spv.get("/dashboard/import").await.unwrap().status(), 200);

    // Export: XLSX (a zip) and CSV with the new household.
    let res = web
        .get("/dashboard/export/download?format=xlsx&wilayah=3201022001")
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res
        .headers()
        .get("content-disposition")
        .unwrap()
        .to_str()
        .unwrap()
        .contains(".xlsx"));
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK");
    let csv = web
        .get("/dashboard/export/download?format=csv")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.contains("P-DASH-1") && csv.contains(&world.id.to_string()));
    world.server.stop().await;
}

/// An export larger than one page of the store (`PAGE_SIZE` households) streams every household
/// exactly once, in desa order, and the progress page counts every one of them.
#[tokio::test]
async fn an_export_of_many_pages_streams_every_household_once() {
    let world = DashboardWorld::start().await.unwrap();
    let example = pendata_e2e::example_household().unwrap();
    let n = pendata_server::store::PAGE_SIZE as usize * 2 + 37;
    let prelist: Vec<_> = (0..n)
        .map(|i| {
            let mut p = pendata_e2e::prelist_of(&example, &format!("P-BIG-{i:05}"), None);
            p.members.truncate(1);
            p
        })
        .collect();
    world.server.import_prelist(&prelist).unwrap();
    let mut web = WebClient::new(&world.server.url()).unwrap();
    web.login(ADMIN).await.unwrap();
    let res = web
        .get("/dashboard/export/download?format=csv&wilayah=320102")
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let csv = res.text().await.unwrap();
    let mut ids: Vec<&str> = csv
        .lines()
        .filter_map(|l| l.split(',').find(|f| f.starts_with("P-BIG-")))
        .collect();
    assert_eq!(ids.len(), n, "one row per household (one member each)");
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "each household once");
    let page = web.get("/dashboard").await.unwrap().text().await.unwrap();
    assert!(
        page.contains(&format!(">{}<", n + 1)),
        "the progress page counts all {} assigned households",
        n + 1
    );
    world.server.stop().await;
}

#[tokio::test]
async fn admins_add_disable_and_reset_users_and_a_disabled_user_loses_the_session() {
    let world = DashboardWorld::start().await.unwrap();
    let url = world.server.url();
    let mut admin = WebClient::new(&url).unwrap();
    admin.login(ADMIN).await.unwrap();
    let csrf = admin.csrf().await.unwrap();
    let res = admin
        .post(
            "/dashboard/users",
            &[
                ("csrf", &csrf),
                ("username", "spv.baru"),
                ("password", "kata-sandi-baru-1"),
                ("role", "supervisor"),
                ("wilayah", "320102"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("spv.baru") && page.contains("Gunungputri"),
        "wilayah by name"
    );
    let res = admin
        .post(
            "/dashboard/users",
            &[
                ("csrf", &csrf),
                ("username", "spv.lain"),
                ("password", "kata-sandi-baru-1"),
                ("role", "supervisor"),
                ("wilayah", ""),
            ],
        )
        .await
        .unwrap();
    assert_eq!(res.status(), 422, "a supervisor needs a wilayah");

    // The supervisor logs in; disabling them ends their dashboard session at once.
    let mut spv = WebClient::new(&url).unwrap();
    spv.login(SUPERVISOR).await.unwrap();
    assert_eq!(spv.get("/dashboard").await.unwrap().status(), 200);
    let res = admin
        .post(
            &format!("/dashboard/users/{SUPERVISOR}/disable"),
            &[("csrf", &csrf)],
        )
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(spv.get("/dashboard").await.unwrap().status(), 303);
    admin
        .post(
            &format!("/dashboard/users/{SUPERVISOR}/enable"),
            &[("csrf", &csrf)],
        )
        .await
        .unwrap();
    spv.login(SUPERVISOR).await.unwrap();
    assert_eq!(spv.get("/dashboard").await.unwrap().status(), 200);

    // Reset devices: the facilitator's device token stops working, and so does the session.
    let res = admin
        .post(
            &format!("/dashboard/users/{SUPERVISOR}/reset-devices"),
            &[("csrf", &csrf)],
        )
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(spv.get("/dashboard").await.unwrap().status(), 303);
    admin
        .post(
            &format!("/dashboard/users/{FACILITATOR}/reset-devices"),
            &[("csrf", &csrf)],
        )
        .await
        .unwrap();
    let users = world.server.state.accounts.list_users().unwrap();
    let tksk = users.iter().find(|u| u.username == FACILITATOR).unwrap();
    assert_eq!(tksk.active_devices, 0);
    world.server.stop().await;
}

#[tokio::test]
async fn the_language_switch_is_kept_in_a_cookie() {
    let server = pendata_e2e::TestServer::start().await.unwrap();
    let mut web = WebClient::new(&server.url()).unwrap();
    let id = web
        .get("/dashboard/login")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(id.contains("Kata sandi") && id.contains("lang=\"id\""));
    let res = web.get("/dashboard/lang/en").await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(web.cookie("pd_lang"), Some("en"));
    let en = web
        .get("/dashboard/login")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("Password") && en.contains("lang=\"en\""));
    assert_eq!(web.get("/dashboard/lang/xx").await.unwrap().status(), 400);
    server.stop().await;
}

#[tokio::test]
async fn failed_dashboard_logins_use_up_the_api_login_limit_too() {
    let server = pendata_e2e::TestServer::start().await.unwrap();
    server
        .add_user(
            SUPERVISOR,
            pendata_server::store::Role::Supervisor,
            "320102",
        )
        .unwrap();
    let url = server.url();
    let mut web = WebClient::new(&url).unwrap();
    let max = server.state.config.limits.login_max_failures;
    for _ in 0..max {
        let res = web
            .login_with(SUPERVISOR, "salah-sekali", &[])
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
    }
    // The right password is now refused on both doors until the window passes.
    let res = web.login(SUPERVISOR).await.unwrap();
    assert_eq!(res.status(), 429);
    assert!(web.cookie("pd_session").is_none());
    let api = ApiClient::new(&url)
        .unwrap()
        .login(SUPERVISOR, PASSWORD)
        .await
        .unwrap();
    assert_eq!(api.status, 429);
    server.stop().await;
}

#[tokio::test]
async fn photos_get_a_small_server_made_thumbnail_only_inside_the_wilayah() {
    let mut world = DashboardWorld::start().await.unwrap();
    // Retake the house photo with a camera-sized picture (the pipeline keeps 1600 px).
    world
        .device
        .add_photo(
            world.id,
            pendata_shared::photos::PhotoKind::Rumah,
            &pendata_e2e::camera_jpeg(41).unwrap(),
            pendata_core::PhotoOptions::default(),
        )
        .unwrap();
    world.device.finalize(world.id).unwrap();
    world.device.store_mut().queue(world.id).unwrap();
    let sent = sync_device(&mut world.device).await.unwrap();
    assert_eq!(sent.report.sent, 1, "{:?}", sent.report);
    let url = world.server.url();
    let mut own = WebClient::new(&url).unwrap();
    own.login(SUPERVISOR).await.unwrap();
    let page = own
        .get(&format!("/dashboard/households/{}", world.id))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Every thumbnail on the page is the server-made one; the link opens the photo as sent.
    let thumbs: Vec<&str> = page
        .split("src=\"/dashboard/photos/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert_eq!(thumbs.len(), 9, "nine photos on the page");
    assert!(
        thumbs.iter().all(|t| t.ends_with("?size=thumb")),
        "{thumbs:?}"
    );

    let mut largest = (0usize, 0usize);
    for t in &thumbs {
        let sha = t.trim_end_matches("?size=thumb");
        let full = own.get(&format!("/dashboard/photos/{sha}")).await.unwrap();
        assert_eq!(full.status(), 200);
        let full = full.bytes().await.unwrap();
        let small = own.get(&format!("/dashboard/photos/{t}")).await.unwrap();
        assert_eq!(small.status(), 200);
        assert_eq!(small.headers()["content-type"], "image/jpeg");
        let small = small.bytes().await.unwrap();
        let img = image::load_from_memory(&small).unwrap();
        let full_img = image::load_from_memory(&full).unwrap();
        let long = img.width().max(img.height());
        let full_long = full_img.width().max(full_img.height());
        assert_eq!(
            long,
            full_long.min(pendata_server::dashboard::THUMB_LONG_EDGE)
        );
        // Same aspect ratio (within one pixel of rounding).
        let expect_short = u64::from(full_img.width().min(full_img.height())) * u64::from(long)
            / u64::from(full_long);
        assert!(u64::from(img.width().min(img.height())).abs_diff(expect_short) <= 1);
        if full.len() > largest.0 {
            largest = (full.len(), small.len());
        }
    }
    // The camera-sized photo: the thumbnail is a small fraction of it.
    assert!(
        largest.0 > 100_000,
        "the retaken photo is camera-sized: {largest:?}"
    );
    assert!(
        largest.1 * 5 < largest.0,
        "thumbnail not much smaller: {largest:?}"
    );

    // Each thumbnail was made once and kept beside the photos; the next visit is answered
    // from the kept copy (replaced here by another JPEG, which is then what comes back).
    let sha = thumbs[0].trim_end_matches("?size=thumb");
    let kept = world
        .server
        .dir
        .path()
        .join("server/photos/.derived")
        .join(pendata_server::dashboard::THUMB_VARIANT)
        .join(&sha[..2])
        .join(format!("{sha}.jpg"));
    let first = own
        .get(&format!("/dashboard/photos/{}", thumbs[0]))
        .await
        .unwrap();
    let first = first.bytes().await.unwrap();
    assert!(
        std::fs::read(&kept).ok().as_deref() == Some(&first[..]),
        "the thumbnail served is not the one kept at {kept:?}"
    );
    let stand_in = pendata_e2e::small_jpeg(7).unwrap();
    std::fs::write(&kept, &stand_in).unwrap();
    let again = own
        .get(&format!("/dashboard/photos/{}", thumbs[0]))
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
    assert!(
        again.bytes().await.unwrap()[..] == stand_in[..],
        "the kept thumbnail was not used: the photo was shrunk again"
    );

    // Outside the wilayah the thumbnail is as hidden as the photo; a bad size is refused.
    let mut other = WebClient::new(&url).unwrap();
    other.login(OTHER_SUPERVISOR).await.unwrap();
    let res = other
        .get(&format!("/dashboard/photos/{}", thumbs[0]))
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let sha = thumbs[0].trim_end_matches("?size=thumb");
    let res = own
        .get(&format!("/dashboard/photos/{sha}?size=huge"))
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    world.server.stop().await;
}

#[tokio::test]
async fn an_unknown_dashboard_path_gets_the_html_404_page_and_the_api_keeps_json() {
    let server = pendata_e2e::TestServer::start().await.unwrap();
    let http = reqwest::Client::new();
    let res = http
        .get(format!("{}/dashboard/no/such/page", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let body = res.text().await.unwrap();
    assert!(body.contains("dashboard.not_found") && body.contains("Kembali ke dasbor"));
    let res = http
        .get(format!("{}/api/v1/no-such-endpoint", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let json: serde_json::Value = res.json().await.unwrap();
    assert_eq!(json["code"], "not_found");
    server.stop().await;
}

/// The stable code a supervisor's POST of the test's generic form gets on the routes that take
/// an upload or a case by hand (not a decision on something outside the wilayah).
fn refused_form(method: &str, template: &str) -> Option<&'static str> {
    match (method, template) {
        ("POST", "/dashboard/import" | "/dashboard/cases/import") => Some("import.bad_upload"),
        ("POST", "/dashboard/cases") => Some("cases.bad_kind"),
        // The decision form is checked before the case is looked up ("approved" is not a PBI-JK
        // decision), which tells nothing about the case; its wilayah rule is access_matrix::'s,
        // with real cases.
        ("POST", "/dashboard/cases/{id}/decision") => Some("cases.bad_decision"),
        _ => None,
    }
}
