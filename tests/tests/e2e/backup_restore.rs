//! The office server dies and is restored from its backup (issue 22), with real processes.
//!
//! Two devices (the real sync engine over the in-memory device store) push usulan baru
//! households with real JPEGs to the real `pendata-server` binary. `pendata-server backup`
//! runs as a child process while both push; more households are pushed and acknowledged
//! after it. A second backup into another folder is killed with SIGKILL halfway (after its
//! database copy, during its photos): verify-backup and restore refuse that partial backup
//! with a clear message. The server is killed, its data directory deleted, the good backup
//! restored into a new directory (refusing the non-empty old one) and started. Then:
//!
//! * the restored server passes `PRAGMA integrity_check` and holds exactly what the backup
//!   says, every photo of it byte-identical;
//! * its sync answers name the same server in a new timeline (generation 2);
//! * every device syncs once: the server then holds every revision any device had
//!   acknowledged, each exactly once, and every photo byte-identical — what the backup
//!   lacked came back from the phones;
//! * the devices' pulls after the restore bring the items the restored server has.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use pendata_core::sync::{run_sync, Phase, Progress};
use pendata_e2e::device::{enrol_devices, signed_in_clients, MemDevice};
use pendata_e2e::procs::{binary, free_addr, integrity_check, ServerProcess};
use pendata_e2e::workload::tiny_set;
use pendata_e2e::{example_household, WebClient};
use pendata_server::backup::Manifest;
use pendata_server::store::{NewUser, Role};
use pendata_server::{AppState, Config};
use pendata_shared::ids::DeviceId;

/// Households each device saves before the backup, and after it.
const BEFORE: u32 = 120;
const AFTER: u32 = 30;
/// A's second lot, pushed in two batches while the backup runs.
const DURING: u32 = 250;

/// A fresh data directory with one enumerator, a token for each of `devices`, and a
/// supervisor.
fn prepare(dir: &Path, devices: usize) -> Vec<(String, DeviceId)> {
    let state = AppState::open(Config::with_data_dir(dir)).unwrap();
    let tokens = enrol_devices(&state, "tksk.backup", "320102", devices).unwrap();
    state
        .accounts
        .create_user(NewUser {
            username: "supervisor.backup".into(),
            password_hash: pendata_server::auth::hash_password(pendata_e2e::PASSWORD).unwrap(),
            role: Role::Supervisor,
            wilayah: "320102".into(),
        })
        .unwrap();
    tokens
}

fn server_bin() -> PathBuf {
    binary("pendata-server", "pendata-server").unwrap()
}

fn cli(data: Option<&Path>, args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(server_bin());
    if let Some(d) = data {
        cmd.arg("--data-dir").arg(d);
    }
    cmd.args(args).env("PENDATA_LOG", "warn").output().unwrap()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Revisions stored on the server.
fn stored_revisions(db: &Path) -> Vec<String> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let mut stmt = conn.prepare("SELECT revision FROM revisions").unwrap();
    stmt.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn photo_file(data: &Path, sha: &str) -> PathBuf {
    Config::with_data_dir(data)
        .photos_dir()
        .join(&sha[..2])
        .join(&sha[2..4])
        .join(format!("{sha}.jpg"))
}

/// Acknowledged revisions of a device.
fn acknowledged(d: &MemDevice) -> Vec<String> {
    d.acknowledged().iter().map(ToString::to_string).collect()
}

/// Starts `backup --out repo` and kills it with SIGKILL once its database copy is in place
/// (its photos are being copied). Returns whether the kill came before it finished.
fn kill_backup_halfway(data: &Path, repo: &Path) -> bool {
    let mut child = Command::new(server_bin())
        .arg("--data-dir")
        .arg(data)
        .args(["backup", "--out"])
        .arg(repo)
        .env("PENDATA_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let halfway = std::fs::read_dir(repo.join("snapshots"))
            .ok()
            .and_then(|mut d| d.next())
            .and_then(Result::ok)
            .is_some_and(|snap| snap.path().join("pendata.db").exists());
        if halfway || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_micros(300));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let finished = std::fs::read_dir(repo.join("snapshots"))
        .unwrap()
        .filter_map(Result::ok)
        .any(|s| s.path().join("MANIFEST.json").exists());
    !finished
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_restored_from_its_backup_gets_back_everything_the_phones_had_sent() {
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    let tokens = prepare(&data, 2);
    let addr = free_addr().unwrap();
    let mut server = ServerProcess::start(&data, addr).unwrap();
    let clients = signed_in_clients(&server.url(), &tokens).unwrap();
    let example = example_household().unwrap();
    let tinies: Vec<Vec<u8>> = tiny_set().unwrap().into_iter().map(|(b, ..)| b).collect();
    let mut a = MemDevice::default();
    let mut b = MemDevice::default();
    a.save_households(&example, &tinies, "a", 1, BEFORE);
    b.save_households(&example, &tinies, "b", 401, BEFORE);

    // A first sync of half of A's households, so the backup holds something for sure.
    let repo = tmp.path().join("backup");
    run_sync(&mut a, &clients[0], &mut |_| {}).await.unwrap();
    let acked_before_backup: HashSet<String> = acknowledged(&a).into_iter().collect();
    a.save_households(&example, &tinies, "a2", 1 + BEFORE, DURING);

    // The backup runs while both devices push: it starts once A's first batch is answered
    // (so it holds more than the first sync's), while A's second batch and B's go on.
    let pushing = Arc::new(AtomicBool::new(false));
    let backup = {
        let data = data.clone();
        let repo = repo.clone();
        let pushing = pushing.clone();
        tokio::task::spawn_blocking(move || {
            while !pushing.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(1));
            }
            cli(Some(&data), &["backup", "--out", repo.to_str().unwrap()])
        })
    };
    let mut quiet_a = |p: Progress| {
        if p.phase == Phase::Push && p.items_done > 0 {
            pushing.store(true, Ordering::SeqCst);
        }
    };
    let mut quiet_b = |_| {};
    let (ra, rb) = tokio::join!(
        run_sync(&mut a, &clients[0], &mut quiet_a),
        run_sync(&mut b, &clients[1], &mut quiet_b)
    );
    ra.unwrap();
    rb.unwrap();
    let out = backup.await.unwrap();
    assert!(out.status.success(), "backup under load: {}", stderr(&out));
    let snapshot = std::fs::read_dir(repo.join("snapshots"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let manifest = Manifest::read(&snapshot).unwrap();
    eprintln!(
        "backup_restore: the backup taken under load holds {} of the {} households pushed by \
         the end of those syncs",
        manifest.counts.households,
        acknowledged(&a).len() + acknowledged(&b).len()
    );
    assert!(
        manifest.counts.households as usize > acked_before_backup.len(),
        "the backup was taken while pushes were being stored"
    );

    // More households, pushed and acknowledged after the backup.
    a.save_households(&example, &tinies, "a3", 1 + BEFORE + DURING, AFTER);
    b.save_households(&example, &tinies, "b3", 701, AFTER);
    run_sync(&mut a, &clients[0], &mut |_| {}).await.unwrap();
    run_sync(&mut b, &clients[1], &mut |_| {}).await.unwrap();
    // Households edited twice after the backup, each edit acknowledged: ten that are in the
    // backup (A's first) and five that are not (B's last). A phone keeps only the newest
    // revision of a household, so the first edit is an intermediate revision it cannot send
    // again; the second is based on it.
    let mut intermediate: HashSet<String> = HashSet::new();
    let a_ids: Vec<_> = a.latest().iter().take(10).map(|r| r.household_id).collect();
    let b_ids: Vec<_> = b
        .latest()
        .iter()
        .rev()
        .take(5)
        .map(|r| r.household_id)
        .collect();
    for (d, c, ids) in [(&mut a, &clients[0], a_ids), (&mut b, &clients[1], b_ids)] {
        let first_edits = d.edit_twice_and_sync(c, &ids).await.unwrap();
        intermediate.extend(first_edits.iter().map(ToString::to_string));
    }
    let all_acked: HashSet<String> = acknowledged(&a)
        .into_iter()
        .chain(acknowledged(&b))
        .collect();
    assert_eq!(
        all_acked.len() as u32,
        BEFORE * 2 + DURING + AFTER * 2 + 2 * (10 + 5)
    );
    let newest: HashSet<String> = a
        .latest()
        .iter()
        .chain(b.latest().iter())
        .map(|r| r.revision.to_string())
        .collect();

    // A backup killed halfway is refused, with a clear message, by verify and restore.
    let partial_repo = tmp.path().join("partial");
    let mut killed = false;
    for attempt in 0..5 {
        let r = partial_repo.join(attempt.to_string());
        if kill_backup_halfway(&data, &r) {
            let out = cli(None, &["verify-backup", r.to_str().unwrap()]);
            assert!(!out.status.success());
            assert!(stderr(&out).contains("tidak lengkap"), "{}", stderr(&out));
            let out = cli(
                Some(&tmp.path().join("from-partial")),
                &["restore", "--from", r.to_str().unwrap()],
            );
            assert!(!out.status.success());
            assert!(stderr(&out).contains("tidak lengkap"), "{}", stderr(&out));
            assert!(!tmp.path().join("from-partial/pendata.db").exists());
            killed = true;
            break;
        }
    }
    assert!(killed, "the backup always finished before the kill");

    // The machine dies: the server is killed and its data directory is gone.
    server.kill().unwrap();
    let out = cli(Some(&data), &["restore", "--from", repo.to_str().unwrap()]);
    assert!(
        stderr(&out).contains("tidak kosong"),
        "a live directory is refused: {}",
        stderr(&out)
    );
    std::fs::remove_dir_all(&data).unwrap();

    let restored = tmp.path().join("restored");
    let out = cli(
        Some(&restored),
        &["restore", "--from", repo.to_str().unwrap()],
    );
    assert!(out.status.success(), "restore: {}", stderr(&out));
    let db = Config::with_data_dir(&restored).db_path();
    assert_eq!(integrity_check(&db).unwrap(), ["ok"]);
    let stored: HashSet<String> = stored_revisions(&db).into_iter().collect();
    assert_eq!(stored.len() as u64, manifest.counts.revisions);
    let in_backup = stored.clone();
    assert!(
        acked_before_backup.is_subset(&stored),
        "what was acknowledged before the backup started is in it"
    );
    assert!(stored.is_subset(&all_acked));
    for d in [&a, &b] {
        for r in d
            .revisions
            .iter()
            .filter(|r| stored.contains(&r.revision.to_string()))
        {
            for (sha, _) in pendata_core::sync::photo_refs_of(r) {
                let file = std::fs::read(photo_file(&restored, sha.as_str())).unwrap();
                assert_eq!(
                    &file, &d.photos[&sha],
                    "photo {sha} restored byte-identical"
                );
            }
        }
    }
    let lost = all_acked.len() - stored.len();
    assert!(lost > 0, "the test must lose something to the restore");

    let mut server = ServerProcess::start(&restored, addr).unwrap();

    // The phones sync once each.
    for (d, c) in [(&mut a, &clients[0]), (&mut b, &clients[1])] {
        let report = run_sync(d, c, &mut |_| {}).await.unwrap();
        assert!(report.issues.is_empty(), "{:?}", report.issues);
        assert!(
            report.conflicts.is_empty() && report.rejected.is_empty(),
            "{report:?}"
        );
    }
    // The dashboard lists the households the phones sent again, for the supervisor to
    // review again (their decisions after the backup are lost).
    let mut web = WebClient::new(&server.url()).unwrap();
    assert_eq!(web.login("supervisor.backup").await.unwrap().status(), 303);
    let page = web
        .get("/dashboard/restore")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let listed = page.matches("href=\"/dashboard/households/").count();
    let resent_households: HashSet<_> = a
        .reoffered
        .iter()
        .chain(&b.reoffered)
        .filter_map(|rev| {
            a.revisions
                .iter()
                .chain(&b.revisions)
                .find(|r| r.revision == *rev)
        })
        .filter(|r| !in_backup.contains(&r.revision.to_string()))
        .map(|r| r.household_id)
        .collect();
    assert!(!resent_households.is_empty());
    for id in &resent_households {
        assert!(
            page.contains(&id.to_string()),
            "household {id} is listed as sent again"
        );
    }
    assert!(listed >= resent_households.len(), "{listed} listed");
    server.kill().unwrap();
    assert_eq!(integrity_check(&db).unwrap(), ["ok"]);
    let stored_list = stored_revisions(&db);
    let stored: HashSet<String> = stored_list.iter().cloned().collect();
    assert_eq!(stored.len(), stored_list.len(), "a revision stored twice");
    assert!(
        newest.is_subset(&stored),
        "every household's newest revision is on the server again"
    );
    // What a phone could not send again: revisions it edited over since, which the backup
    // did not hold either. Everything else any device had acknowledged is there.
    let gone: HashSet<&String> = all_acked.difference(&stored).collect();
    let cannot_come_back: HashSet<&String> = all_acked
        .iter()
        .filter(|r| !newest.contains(*r) && !in_backup.contains(*r))
        .collect();
    assert_eq!(
        gone, cannot_come_back,
        "every acknowledged revision a phone still held, or the backup had, is on the server"
    );
    assert_eq!(
        gone.len(),
        10 + 2 * 5,
        "the first edits, and B's five originals"
    );
    assert!(intermediate
        .iter()
        .all(|r| gone.contains(r) || in_backup.contains(r)));
    let households: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT count(*) FROM households", [], |r| r.get(0))
        .unwrap();
    assert_eq!(households as usize, newest.len(), "each household once");
    for d in [&a, &b] {
        for (sha, bytes) in &d.photos {
            assert_eq!(
                std::fs::read(photo_file(&restored, sha.as_str()))
                    .ok()
                    .as_deref(),
                Some(bytes.as_slice()),
                "photo {sha}"
            );
        }
    }
    eprintln!(
        "backup_restore: {} of the {lost} revisions the restore lost came back from the \
         phones ({} intermediate ones could not); {:.1} s",
        lost - gone.len(),
        gone.len(),
        started.elapsed().as_secs_f64()
    );
}
