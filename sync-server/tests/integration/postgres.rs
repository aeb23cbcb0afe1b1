//! Two server instances on one PostgreSQL database, through the HTTP API: two `AppState`s,
//! each with its own connection pool, data directory and in-memory state, as two
//! `pendata-server` processes behind a load balancer would be. Skipped (said on stderr)
//! without a PostgreSQL; required in CI (scripts/test: pg_virtualenv).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::http::{Method, StatusCode};
use pendata_server::store::postgres::testing;
use pendata_server::store::Role;

use crate::common::{example_household, json_req, login_body, record, TestApp};

fn two_servers(tag: &str) -> Option<(TestApp, TestApp)> {
    let base = testing::config_or_skip(tag)?;
    let url = testing::url_of(&testing::fresh_schema(&base, "http"));
    let server = || {
        TestApp::with_config(|c| {
            *c = c.clone().with_storage(Some(&url), None).unwrap();
        })
    };
    Some((server(), server()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_postgres_store_a_batch_once_and_share_accounts_and_limits() {
    let Some((a, b)) = two_servers("HTTP on PostgreSQL") else {
        return;
    };
    assert!(a.state.backend.postgres().is_some() && a.state.backend.sqlite().is_none());
    // An account made through one server logs in through the other.
    let on_a = a.user("ani", Role::Enumerator, "320102").await;
    // (from a second phone: a login on the same device would end the first token, on any server)
    let mut second_phone = login_body("ANI", crate::common::PASSWORD);
    second_phone["device_id"] = "0192f5a0-0000-7000-8000-000000000002".into();
    let r = b
        .send(json_req(
            Method::POST,
            "/api/v1/auth/login",
            None,
            &second_phone,
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let on_b = r.json()["token"].as_str().unwrap().to_owned();
    // The first phone's token, issued by A, works on B.
    let me = b.get(&on_a, "/api/v1/me").await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text());

    // The same batch reaches both servers at once (a retry through the load balancer).
    let batch: Vec<_> = (0..20)
        .map(|i| {
            let mut h = example_household(i);
            h.location.desa_code = "3201022001".into();
            record(&h, None)
        })
        .collect();
    let (ra, rb) = tokio::join!(a.push(&on_a, &batch), b.push(&on_b, &batch));
    assert_eq!(ra.status, StatusCode::OK, "{}", ra.text());
    assert_eq!(rb.status, StatusCode::OK, "{}", rb.text());
    for i in 0..batch.len() {
        let mut both = [
            ra.json()["results"][i]["outcome"]["status"].to_string(),
            rb.json()["results"][i]["outcome"]["status"].to_string(),
        ];
        both.sort();
        assert_eq!(both, ["\"accepted\"", "\"duplicate\""], "record {i}");
    }
    // Each household is there once, whichever server is asked.
    let sup = b.user("sup", Role::Supervisor, "320102").await;
    let list = a.get(&sup, "/api/v1/households?limit=100").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text());
    assert_eq!(list.json()["items"].as_array().unwrap().len(), batch.len());

    // Failed logins count across servers: five on A, and B refuses the sixth.
    for _ in 0..5 {
        let r = a
            .send(json_req(
                Method::POST,
                "/api/v1/auth/login",
                None,
                &login_body("ani", "salah-sandi-123"),
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text());
    }
    let r = b
        .send(json_req(
            Method::POST,
            "/api/v1/auth/login",
            None,
            &login_body("ani", "salah-sandi-123"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text());
    assert_eq!(r.code(), "auth.rate_limited");
}

/// `blob_url` on the SQLite backend (one process, nowhere shared to stage uploads) is refused
/// at start instead of keeping photos on this machine's disk.
#[test]
fn a_blob_url_without_postgres_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let config = pendata_server::Config::with_data_dir(dir.path().join("data"))
        .with_storage(Some("postgres://127.0.0.1:1/none"), Some("s3://foto/prov"))
        .unwrap();
    let backend = pendata_server::backend::Backend::open(
        &pendata_server::Config::with_data_dir(dir.path().join("data")),
        1,
    )
    .unwrap();
    let Err(e) = backend.open_blobs(&config) else {
        panic!("blob_url accepted");
    };
    assert!(e.to_string().contains("s3://foto/prov/"), "{e}");
}
