//! `backup`, `verify-backup` and `restore` of the real binary against a data directory whose
//! server is open (its writer connection and WAL live): the copy is consistent, a second
//! backup copies no photo, damage and partial snapshots are refused with clear messages, the
//! restore gives back the same households and byte-identical photos in a new restore
//! generation, and encryption hides every byte.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pendata_server::backup::Manifest;
use pendata_server::store::sqlite::SqliteStore;
use pendata_server::store::{RecordStore, Role, Scope};
use pendata_server::Config;
use pendata_shared::protocol::PushRecord;

use crate::common::{chunk_req, example_household, make_jpeg, record, sha256_hex, TestApp};

fn run(data: Option<&Path>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pendata-server"));
    if let Some(data) = data {
        cmd.arg("--data-dir").arg(data);
    }
    cmd.args(args).env("PENDATA_LOG", "warn").output().unwrap()
}

fn ok(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn failed(out: &Output) -> String {
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The newest complete snapshot's manifest.
fn newest(repo: &Path) -> (PathBuf, Manifest) {
    let mut names: Vec<_> = std::fs::read_dir(repo.join("snapshots"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let dir = names.pop().unwrap();
    let m = Manifest::read(&dir).unwrap();
    (dir, m)
}

/// Pushes `n` households, each with one new real photo uploaded first.
async fn push_with_photos(
    app: &TestApp,
    token: &str,
    n: u32,
    seed: u32,
) -> Vec<(PushRecord, Vec<u8>)> {
    let mut out = Vec::new();
    for i in 0..n {
        let bytes = make_jpeg(40 + (i % 7), 30, (seed * 31 + i) as u8);
        let sha = sha256_hex(&bytes);
        let r = app
            .send(chunk_req(token, &sha, 0, bytes.len() as u64, &bytes))
            .await;
        assert_eq!(r.json()["complete"], true, "{}", r.text());
        let mut h = example_household(seed * 100 + i);
        h.photos[0].sha256 = pendata_shared::Sha256Hex::parse(&sha).unwrap();
        h.photos[0].bytes = bytes.len() as u64;
        let rec = record(&h, None);
        let r = app.push(token, std::slice::from_ref(&rec)).await;
        assert_eq!(
            r.json()["results"][0]["outcome"]["status"],
            "accepted",
            "{}",
            r.text()
        );
        out.push((rec, bytes));
    }
    out
}

fn photo_path(data: &Path, sha: &str) -> PathBuf {
    Config::with_data_dir(data)
        .photos_dir()
        .join(&sha[..2])
        .join(&sha[2..4])
        .join(format!("{sha}.jpg"))
}

#[tokio::test]
async fn backup_of_a_live_server_restores_everything_and_refuses_damage_and_partial_snapshots() {
    let app = TestApp::new();
    let data = app.state.config.data_dir.clone();
    let token = app.user("ani", Role::Enumerator, "320102").await;
    let first = push_with_photos(&app, &token, 6, 1).await;
    let repo = app.dir.path().join("backup");

    // A backup while the server's connections are open.
    let out = ok(&run(Some(&data), &["backup", "--out", s(&repo)]));
    assert!(out.contains("copied 6 new photo(s)"), "{out}");
    let (_, m1) = newest(&repo);
    assert_eq!(m1.counts.households, 6);
    assert_eq!(m1.counts.revisions, 6);
    assert_eq!(m1.photos.count, 6);
    assert_eq!(m1.photos.copied, 6);
    assert_eq!(m1.database.integrity, "ok");
    let server = m1
        .server
        .clone()
        .expect("the server's identity is in the manifest");
    assert_eq!(server.generation, 1);

    // One backup into a folder at a time.
    {
        let lock = std::fs::File::open(repo.join(".lock")).unwrap();
        rustix::fs::flock(&lock, rustix::fs::FlockOperation::NonBlockingLockExclusive).unwrap();
        let err = failed(&run(Some(&data), &["backup", "--out", s(&repo)]));
        assert!(err.contains("sedang berjalan"), "{err}");
    }

    // Unchanged server: the second backup copies no photo.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let out = ok(&run(Some(&data), &["backup", "--out", s(&repo)]));
    assert!(out.contains("copied 0 new photo(s)"), "{out}");
    let (_, m2) = newest(&repo);
    assert_eq!((m2.photos.copied, m2.photos.copied_bytes), (0, 0));
    assert_ne!(m2.snapshot, m1.snapshot);

    // Two more households: only their two photos are copied.
    let second = push_with_photos(&app, &token, 2, 2).await;
    let out = ok(&run(Some(&data), &["backup", "--out", s(&repo)]));
    let (snap3, m3) = newest(&repo);
    let new_bytes: u64 = second.iter().map(|(_, b)| b.len() as u64).sum();
    assert_eq!(
        (m3.photos.copied, m3.photos.copied_bytes),
        (2, new_bytes),
        "{out}"
    );
    assert_eq!(m3.counts.households, 8);

    let out = ok(&run(None, &["verify-backup", s(&repo)]));
    assert!(out.contains("OK: database and 8 photo(s)"), "{out}");

    // Restore refuses a directory that is not empty (here: the live one).
    let err = failed(&run(Some(&data), &["restore", "--from", s(&repo)]));
    assert!(err.contains("tidak kosong"), "{err}");

    // Restore into a new directory: the same households, byte-identical photos, generation 2.
    let restored = app.dir.path().join("restored");
    let out = ok(&run(Some(&restored), &["restore", "--from", s(&repo)]));
    assert!(out.contains("restore generation 2"), "{out}");
    let store = SqliteStore::open(&Config::with_data_dir(&restored).db_path(), 1).unwrap();
    let all = Scope::all();
    for (rec, bytes) in first.iter().chain(&second) {
        let detail = store.get(rec.household_id, &all).unwrap().unwrap();
        assert_eq!(detail.summary.current_revision, Some(rec.revision));
        let sha = sha256_hex(bytes);
        assert_eq!(&std::fs::read(photo_path(&restored, &sha)).unwrap(), bytes);
    }
    let (id, generation, base): (String, i64, i64) = store
        .read(|c| {
            Ok(c.query_row(
                "SELECT server_id, generation, (SELECT base_seq FROM server_restores) \
                 FROM server_identity",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?)
        })
        .unwrap();
    assert_eq!(
        (id, generation, base),
        (server.server_id.clone(), 2, m3.change_seq)
    );
    drop(store);

    // A damaged photo in the backup is found and named.
    let (sha, _) = (sha256_hex(&second[0].1), ());
    let stored = repo
        .join("photos")
        .join(&sha[..2])
        .join(&sha[2..4])
        .join(format!("{sha}.jpg"));
    let mut bytes = std::fs::read(&stored).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    std::fs::write(&stored, &bytes).unwrap();
    let err = failed(&run(None, &["verify-backup", s(&repo)]));
    assert!(err.contains(&sha) && err.contains("rusak"), "{err}");
    let err = failed(&run(
        Some(&app.dir.path().join("r2")),
        &["restore", "--from", s(&repo)],
    ));
    assert!(err.contains(&sha), "{err}");
    bytes[mid] ^= 0x40;
    std::fs::write(&stored, &bytes).unwrap();

    // A snapshot without its manifest (an interrupted backup) is refused, naming a good one.
    std::fs::create_dir_all(repo.join("snapshots/29991231T000000Z")).unwrap();
    let err = failed(&run(None, &["verify-backup", s(&repo)]));
    assert!(
        err.contains("tidak lengkap") && err.contains(&m3.snapshot),
        "{err}"
    );
    let err = failed(&run(
        Some(&app.dir.path().join("r3")),
        &["restore", "--from", s(&repo)],
    ));
    assert!(err.contains("tidak lengkap"), "{err}");
    // The good one by name still restores.
    ok(&run(
        Some(&app.dir.path().join("r3")),
        &["restore", "--from", s(&snap3)],
    ));
}

#[tokio::test]
async fn an_encrypted_backup_hides_every_byte_and_needs_its_key() {
    let app = TestApp::new();
    let data = app.state.config.data_dir.clone();
    let token = app.user("ani", Role::Enumerator, "320102").await;
    let pushed = push_with_photos(&app, &token, 3, 3).await;
    let dir = app.dir.path();
    let pass = dir.join("pass.txt");
    std::fs::write(&pass, "kuda-lumping-di-pasar-minggu\n").unwrap();
    let wrong = dir.join("wrong.txt");
    std::fs::write(&wrong, "salah\n").unwrap();

    // Passphrase: every file is an age file; no JPEG or SQLite bytes in the clear.
    let repo = dir.join("enc");
    ok(&run(
        Some(&data),
        &["backup", "--out", s(&repo), "--passphrase-file", s(&pass)],
    ));
    let (snap, m) = newest(&repo);
    assert!(m.encryption.as_ref().unwrap().passphrase);
    let db = std::fs::read(snap.join("pendata.db.age")).unwrap();
    assert!(db.starts_with(b"age-encryption.org/v1"));
    assert!(!snap.join("pendata.db").exists());
    for (_, bytes) in &pushed {
        let sha = sha256_hex(bytes);
        let path = repo.join(format!("photos/{}/{}/{sha}.jpg.age", &sha[..2], &sha[2..4]));
        let stored = std::fs::read(&path).unwrap();
        assert!(stored.starts_with(b"age-encryption.org/v1"));
        assert!(!stored
            .windows(64)
            .any(|w| bytes.windows(64).any(|b| b == w)));
    }
    assert!(
        !data.join(".backup-tmp").exists(),
        "the plain copy made for encryption is gone"
    );
    // A second run with the same passphrase reuses the key; another passphrase is refused.
    ok(&run(
        Some(&data),
        &["backup", "--out", s(&repo), "--passphrase-file", s(&pass)],
    ));
    let err = failed(&run(
        Some(&data),
        &["backup", "--out", s(&repo), "--passphrase-file", s(&wrong)],
    ));
    assert!(err.contains("kata sandi"), "{err}");

    let err = failed(&run(None, &["verify-backup", s(&repo)]));
    assert!(err.contains("terenkripsi"), "{err}");
    let err = failed(&run(
        None,
        &["verify-backup", s(&repo), "--passphrase-file", s(&wrong)],
    ));
    assert!(err.contains("kata sandi"), "{err}");
    ok(&run(
        None,
        &["verify-backup", s(&repo), "--passphrase-file", s(&pass)],
    ));
    let restored = dir.join("restored");
    ok(&run(
        Some(&restored),
        &["restore", "--from", s(&repo), "--passphrase-file", s(&pass)],
    ));
    for (_, bytes) in &pushed {
        assert_eq!(
            &std::fs::read(photo_path(&restored, &sha256_hex(bytes))).unwrap(),
            bytes
        );
    }

    // A public key: only its identity opens the backup.
    let identity = age::x25519::Identity::generate();
    let key_file = dir.join("key.txt");
    {
        use age::secrecy::ExposeSecret;
        std::fs::write(
            &key_file,
            format!(
                "# kunci cadangan\n{}\n",
                identity.to_string().expose_secret()
            ),
        )
        .unwrap();
    }
    let other_key = dir.join("other.txt");
    {
        use age::secrecy::ExposeSecret;
        let other = age::x25519::Identity::generate();
        std::fs::write(
            &other_key,
            format!("{}\n", other.to_string().expose_secret()),
        )
        .unwrap();
    }
    let repo = dir.join("pub");
    let recipient = identity.to_public().to_string();
    ok(&run(
        Some(&data),
        &["backup", "--out", s(&repo), "--encrypt-to", &recipient],
    ));
    assert!(
        !repo.join("key.age").exists(),
        "no key of any kind is kept with a public-key backup"
    );
    let err = failed(&run(
        None,
        &["verify-backup", s(&repo), "--identity", s(&other_key)],
    ));
    assert!(err.contains("rusak") || err.contains("salah"), "{err}");
    ok(&run(
        None,
        &["verify-backup", s(&repo), "--identity", s(&key_file)],
    ));
    let restored = dir.join("restored-pub");
    ok(&run(
        Some(&restored),
        &["restore", "--from", s(&repo), "--identity", s(&key_file)],
    ));
    let store = SqliteStore::open(&Config::with_data_dir(&restored).db_path(), 1).unwrap();
    assert_eq!(
        store
            .list(
                &Scope::all(),
                &pendata_server::store::ListQuery {
                    state: None,
                    desa: None,
                    limit: 100,
                    after: None
                }
            )
            .unwrap()
            .len(),
        3
    );
}

/// A router on a restored data directory (the tokens of the backup still work).
fn open_restored(dir: &Path) -> pendata_server::AppState {
    pendata_server::AppState::open(Config::with_data_dir(dir)).unwrap()
}

async fn send(
    state: &pendata_server::AppState,
    req: axum::http::Request<axum::body::Body>,
) -> serde_json::Value {
    use tower::ServiceExt;
    let res = pendata_server::router(state.clone())
        .oneshot(req)
        .await
        .unwrap();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn push_req(token: &str, records: &[PushRecord]) -> axum::http::Request<axum::body::Body> {
    crate::common::json_req(
        axum::http::Method::POST,
        "/api/v1/push",
        Some(token),
        &crate::common::batch(records),
    )
}

fn get_req(token: &str, uri: &str) -> axum::http::Request<axum::body::Body> {
    crate::common::raw_req(axum::http::Method::GET, uri, Some(token), None, vec![])
}

fn review_req(token: &str, rec: &PushRecord) -> axum::http::Request<axum::body::Body> {
    crate::common::json_req(
        axum::http::Method::POST,
        &format!("/api/v1/households/{}/review", rec.household_id),
        Some(token),
        &serde_json::json!({ "revision": rec.revision, "decision": "approved", "note": null }),
    )
}

#[tokio::test]
async fn a_restored_server_takes_back_what_it_lost_and_rebases_old_pull_cursors() {
    let app = TestApp::new();
    let data = app.state.config.data_dir.clone();
    let ani = app.user("ani", Role::Enumerator, "320102").await;
    let sup = app.user("sup", Role::Supervisor, "320102").await;
    let status = |v: &serde_json::Value, i: usize| v["results"][i]["outcome"]["status"].clone();

    // Before the backup: H1 (R1) and H4 (R4), R1 approved; Ani pulls that review.
    let h1 = example_household(1);
    let r1 = record(&h1, None);
    let h4 = example_household(4);
    let r4 = record(&h4, None);
    let v = send(&app.state, push_req(&ani, &[r1.clone(), r4.clone()])).await;
    assert_eq!(
        (status(&v, 0), status(&v, 1)),
        ("accepted".into(), "accepted".into()),
        "{v}"
    );
    send(&app.state, review_req(&sup, &r1)).await;
    let page = send(&app.state, get_req(&ani, "/api/v1/pull")).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1, "{page}");
    let repo = app.dir.path().join("backup");
    ok(&run(Some(&data), &["backup", "--out", s(&repo)]));

    // After it: R1b over R1, approved; Ani pulls it (her cursor is past the backup's log).
    let r1b = record(&h1, Some(r1.revision));
    send(&app.state, push_req(&ani, std::slice::from_ref(&r1b))).await;
    send(&app.state, review_req(&sup, &r1b)).await;
    let page = send(
        &app.state,
        get_req(
            &ani,
            &format!(
                "/api/v1/pull?cursor={}",
                page["next_cursor"].as_str().unwrap()
            ),
        ),
    )
    .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1, "{page}");
    let old_cursor = page["next_cursor"].as_str().unwrap().to_owned();
    let old_server = page["server"].clone();

    // The server dies; restored, it starts timeline 2 of the same server.
    let restored = app.dir.path().join("restored");
    ok(&run(Some(&restored), &["restore", "--from", s(&repo)]));
    let state = open_restored(&restored);
    let v = send(&state, get_req(&ani, "/api/v1/pull")).await;
    assert_eq!(v["server"]["server_id"], old_server["server_id"]);
    assert_eq!(v["server"]["generation"], 2);
    assert_ne!(v["server"]["timeline"], old_server["timeline"]);

    // A supervisor approves R1 again on the restored server: that item has a sequence number
    // Ani's old cursor is already past; re-based, her pull brings it.
    send(&state, review_req(&sup, &r1)).await;
    let page = send(
        &state,
        get_req(&ani, &format!("/api/v1/pull?cursor={old_cursor}")),
    )
    .await;
    let items = page["items"].as_array().unwrap();
    assert!(
        items
            .iter()
            .any(|i| i["type"] == "review" && i["revision"] == r1.revision.to_string()),
        "the review made after the restore reaches a cursor of the old timeline: {page}"
    );

    // What was lost comes back without conflicts: a household unknown to the restored server
    // based on a revision it never saw, and a household of the backup whose current revision
    // predates the restore.
    let h3 = example_household(3);
    let r3a = record(&h3, None);
    let r3b = record(&h3, Some(r3a.revision));
    let r4c = record(&h4, Some(pendata_shared::RevisionId::new()));
    let v = send(&state, push_req(&ani, &[r3b.clone(), r4c.clone()])).await;
    assert_eq!(
        (status(&v, 0), status(&v, 1)),
        ("accepted".into(), "accepted".into()),
        "{v}"
    );
    // But once a revision arrived after the restore, an unknown base is a conflict again.
    let r4x = record(&h4, Some(pendata_shared::RevisionId::new()));
    let v = send(&state, push_req(&ani, std::slice::from_ref(&r4x))).await;
    assert_eq!(status(&v, 0), "conflict", "{v}");
    assert_eq!(v["results"][0]["outcome"]["reason"], "stale_base");
    // And a known, older base is the usual conflict.
    let v = send(&state, push_req(&ani, &[record(&h1, Some(r1.revision))])).await;
    assert_eq!(
        status(&v, 0),
        "accepted",
        "R1 is current on the restored server: {v}"
    );
    let v = send(&state, push_req(&ani, &[record(&h1, Some(r1.revision))])).await;
    assert_eq!(status(&v, 0), "conflict", "{v}");
    assert_eq!(v["results"][0]["outcome"]["reason"], "stale_base");
}
