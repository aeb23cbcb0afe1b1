//! The real server on a real socket, and the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{jpeg, login_body, sha256_hex, PASSWORD};
use pendata_server::auth::hash_password;
use pendata_server::store::{AccountStore, NewUser, Role};
use pendata_server::Config;
use serde_json::Value;

struct Running {
    base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), pendata_server::ServerError>>,
}

async fn start(data_dir: &std::path::Path) -> Running {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let config = Config::with_data_dir(data_dir);
    let task = tokio::spawn(pendata_server::serve(config, listener, async move {
        let _ = rx.await;
    }));
    Running {
        base,
        stop: Some(tx),
        task,
    }
}

impl Running {
    async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        self.task.await.unwrap().unwrap();
    }
}

fn add_user(data_dir: &std::path::Path, name: &str) {
    let store = pendata_server::store::sqlite::SqliteStore::open(
        &Config::with_data_dir(data_dir).db_path(),
        1,
    )
    .unwrap();
    store
        .create_user(NewUser {
            username: name.into(),
            password_hash: hash_password(PASSWORD).unwrap(),
            role: Role::Supervisor,
            wilayah: "3201".into(),
        })
        .unwrap();
}

#[tokio::test]
async fn real_server_login_upload_and_graceful_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    add_user(&data, "sari");
    let server = start(&data).await;
    let http = reqwest::Client::new();

    let health: Value = http
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");

    let res = http
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&login_body("sari", PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let login: Value = res.json().await.unwrap();
    assert_eq!(login["user"]["role"], "supervisor");
    let token = login["token"].as_str().unwrap().to_owned();

    let me: Value = http
        .get(format!("{}/api/v1/me", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["user"]["wilayah"], "3201");

    // resumable upload over the wire, in two chunks
    let hash = sha256_hex(jpeg());
    let total = jpeg().len();
    let put = |offset: usize, bytes: &'static [u8]| {
        http.put(format!(
            "{}/api/v1/photos/{hash}?offset={offset}&total={total}",
            server.base
        ))
        .bearer_auth(&token)
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
    };
    let r: Value = put(0, &jpeg()[..100]).await.unwrap().json().await.unwrap();
    assert_eq!(r["received"], 100);
    let r: Value = put(100, &jpeg()[100..])
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["complete"], true);
    {
        // a household of sari's wilayah references the photo (reads are scoped)
        let store = pendata_server::store::sqlite::SqliteStore::open(
            &Config::with_data_dir(&data).db_path(),
            1,
        )
        .unwrap();
        common::reference_photo(&store, "3201022001", &hash);
    }
    let bytes = http
        .get(format!("{}/api/v1/photos/{hash}", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&bytes[..], jpeg());

    // wrong passwords from this socket's IP are limited
    for _ in 0..5 {
        let r = http
            .post(format!("{}/api/v1/auth/login", server.base))
            .json(&login_body("sari", "bukan-sandinya"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
    let r = http
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&login_body("someone", "x"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429, "per-IP limit applies to other usernames");
    assert!(r.headers().contains_key("retry-after"));

    let base = server.base.clone();
    server.stop().await;
    let fresh = reqwest::Client::new();
    assert!(
        fresh.get(format!("{base}/healthz")).send().await.is_err(),
        "stopped server still answers"
    );
}

#[tokio::test]
async fn cli_user_add_then_login_works_while_serving() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = start(&data).await;
    // give `serve` the database first, then add a user through the binary
    let bin = env!("CARGO_BIN_EXE_pendata-server");
    let mut child = Command::new(bin)
        .args([
            "user",
            "add",
            "--username",
            "ani",
            "--role",
            "enumerator",
            "--wilayah",
            "3201012001",
        ])
        .env("PENDATA_DATA_DIR", &data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stdout.contains(PASSWORD) && !stderr.contains(PASSWORD));

    let http = reqwest::Client::new();
    let res = http
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&login_body("ani", PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let token = res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();

    // `user list` shows the device; `reset-devices` logs it out at once
    let list = Command::new(bin)
        .args(["user", "list", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&list.stdout).into_owned();
    assert!(
        list.contains("ani") && list.contains("3201012001"),
        "{list}"
    );
    let reset = Command::new(bin)
        .args(["user", "reset-devices", "ani", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(reset.status.success());
    let r = http
        .get(format!("{}/api/v1/me", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "auth.invalid");

    // `user disable` works the same way
    let disable = Command::new(bin)
        .args(["user", "disable", "ani", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(disable.status.success());
    let r = http
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&login_body("ani", PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    server.stop().await;
}

#[test]
fn cli_refuses_bad_input_with_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_pendata-server");
    let run = |args: &[&str], stdin: &str| {
        let mut child = Command::new(bin)
            .args(args)
            .env("PENDATA_DATA_DIR", dir.path().join("d"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The child may exit before reading stdin (bad arguments): a broken pipe is fine.
        let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
        let out = child.wait_with_output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let add = |wilayah: &str, role: &str| {
        vec![
            "user".to_owned(),
            "add".into(),
            "--username".into(),
            "budi".into(),
            "--role".into(),
            role.into(),
            "--wilayah".into(),
            wilayah.into(),
        ]
    };
    let a = add("32.01", "enumerator");
    let (ok, err) = run(&as_refs(&a[..]), "sandi-panjang\n");
    assert!(!ok && err.contains("wilayah"), "{err}");
    let a = add("", "enumerator");
    let (ok, err) = run(&as_refs(&a[..]), "sandi-panjang\n");
    assert!(!ok && err.contains("wilayah"), "{err}");
    let a = add("3201", "boss");
    let (ok, err) = run(&as_refs(&a[..]), "sandi-panjang\n");
    assert!(!ok && err.contains("boss"), "{err}");
    let a = add("3201", "enumerator");
    let (ok, err) = run(&as_refs(&a[..]), "short\n");
    assert!(!ok && err.contains("8 characters"), "{err}");
    let (ok, _) = run(&as_refs(&a[..]), "sandi-panjang\n");
    assert!(ok);
    let (ok, err) = run(&as_refs(&a[..]), "sandi-panjang\n");
    assert!(!ok && err.contains("already exists"), "{err}");
    let a = add("", "admin");
    let mut a2 = a.clone();
    a2[3] = "root".into();
    let (ok, err) = run(&as_refs(&a2[..]), "sandi-panjang\n");
    assert!(ok, "admin without wilayah: {err}");

    let (ok, err) = run(&["serve", "--listen", "not-an-address"], "");
    assert!(!ok && err.contains("not-an-address"), "{err}");
    let file = dir.path().join("plain-file");
    std::fs::write(&file, b"x").unwrap();
    let out = Command::new(bin)
        .args(["user", "list", "--data-dir"])
        .arg(file.join("sub"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("data directory"));
}

fn as_refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[tokio::test]
async fn shutdown_lets_an_in_flight_upload_finish() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    add_user(&data, "sari");
    let server = start(&data).await;
    let http = reqwest::Client::new();
    let token = http
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&login_body("sari", PASSWORD))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    drop(http);

    // Start a one-chunk upload by hand and send only half of the body.
    let hash = sha256_hex(jpeg());
    let addr = server.base.trim_start_matches("http://").to_owned();
    let mut sock = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "PUT /api/v1/photos/{hash}?offset=0&total={n} HTTP/1.1\r\nHost: {addr}\r\n\
         Authorization: Bearer {token}\r\nContent-Type: application/octet-stream\r\n\
         Content-Length: {n}\r\nConnection: close\r\n\r\n",
        n = jpeg().len()
    );
    sock.write_all(head.as_bytes()).await.unwrap();
    let half = jpeg().len() / 2;
    sock.write_all(&jpeg()[..half]).await.unwrap();
    sock.flush().await.unwrap();

    // Wait until the server has staged the first half (no clock involved: poll the file).
    let staged = data.join(format!("photos/.partial/{hash}.part"));
    loop {
        if std::fs::metadata(&staged).map(|m| m.len()).unwrap_or(0) >= half as u64 {
            break;
        }
        assert!(!server.task.is_finished(), "server stopped before staging");
        tokio::task::yield_now().await;
    }

    // Ask the server to stop while the request is in flight, then finish the body.
    let Running { stop, task, .. } = server;
    stop.unwrap().send(()).unwrap();
    sock.write_all(&jpeg()[half..]).await.unwrap();
    let mut answer = String::new();
    sock.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"complete\":true"), "{answer}");
    task.await.unwrap().unwrap();
    let h = &hash;
    let stored = data.join(format!("photos/{}/{}/{h}.jpg", &h[..2], &h[2..4]));
    assert_eq!(std::fs::read(stored).unwrap(), jpeg());
}

#[tokio::test]
async fn binary_serves_from_a_config_file_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // Pick a free port (the binary must be told one).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = dir.path().join("pendata.toml");
    std::fs::write(
        &config,
        format!(
            "data_dir = {:?}\nlisten = \"127.0.0.1:{port}\"\n[limits]\nlogin_max_failures = 1\n",
            data.display().to_string()
        ),
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_pendata-server");
    let mut child = Command::new(bin)
        .args(["serve", "--config"])
        .arg(&config)
        .env_remove("PENDATA_DATA_DIR")
        .env_remove("PENDATA_LISTEN")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    // Wait until it answers (or died).
    loop {
        if let Ok(r) = http.get(format!("{base}/healthz")).send().await {
            assert_eq!(r.status(), 200);
            break;
        }
        assert!(child.try_wait().unwrap().is_none(), "server exited early");
        tokio::task::yield_now().await;
    }
    assert!(data.join("pendata.db").exists(), "data_dir from the file");
    // login_max_failures = 1 from the file: the second try is limited
    for expected in [401, 429] {
        let r = http
            .post(format!("{base}/api/v1/auth/login"))
            .json(&login_body("nobody", "whatever-123"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), expected);
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
    assert!(stderr.contains("shutdown requested"), "{stderr}");
    assert!(
        !stderr.contains("whatever-123"),
        "password in logs: {stderr}"
    );
}

#[tokio::test]
async fn a_silent_upload_body_is_given_up_and_the_photo_resumes() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    // A phone that drops off the network without closing its connection: the body simply
    // stops. The server must give up on it (limits.body_idle_secs), keep what arrived and let
    // the next attempt resume from there, instead of holding the photo forever.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    add_user(&data, "sari");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let base = format!("http://{addr}");
    let mut config = Config::with_data_dir(&data);
    config.limits.body_idle_secs = 1;
    let (stop, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(pendata_server::serve(config, listener, async move {
        let _ = rx.await;
    }));
    let http = reqwest::Client::new();
    let token = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&login_body("sari", PASSWORD))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();

    let photo = jpeg();
    let hash = sha256_hex(photo);
    let mut sock = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "PUT /api/v1/photos/{hash}?offset=0&total={n} HTTP/1.1\r\nHost: {addr}\r\n\
         Authorization: Bearer {token}\r\nContent-Type: application/octet-stream\r\n\
         Content-Length: {n}\r\nConnection: close\r\n\r\n",
        n = photo.len()
    );
    sock.write_all(head.as_bytes()).await.unwrap();
    let half = photo.len() / 2;
    sock.write_all(&photo[..half]).await.unwrap();
    sock.flush().await.unwrap();
    // Then silence, with the connection left open. The server answers on its own; the guard
    // only turns "never" into a failure instead of a hung test.
    let mut answer = String::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(120),
        sock.read_to_string(&mut answer),
    )
    .await
    .expect("the server never gave up on a silent body")
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("photo.body_interrupted"), "{answer}");

    // What arrived was kept: the device resumes from there and completes the photo.
    let missing: Value = http
        .post(format!("{base}/api/v1/photos/missing"))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "sha256": [hash] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let received = missing["missing"][0]["received"].as_u64().unwrap() as usize;
    assert_eq!(received, half, "{missing}");
    let done: Value = http
        .put(format!(
            "{base}/api/v1/photos/{hash}?offset={received}&total={}",
            photo.len()
        ))
        .bearer_auth(&token)
        .header("content-type", "application/octet-stream")
        .body(photo[received..].to_vec())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(done["complete"], true, "{done}");
    let _ = stop.send(());
    task.await.unwrap().unwrap();
}
