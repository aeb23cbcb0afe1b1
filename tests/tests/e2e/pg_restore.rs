//! The office server on PostgreSQL dies and is restored with PostgreSQL's own tools (issue 22
//! on the scale-out backend): `pg_dump` nightly, `pg_restore` after the disaster, then
//! `pendata-server mark-restored`. Nothing the phones had sent may be lost.
//!
//! Two devices (the real sync engine over the in-memory device store) push usulan baru
//! households with real JPEGs to the real server on PostgreSQL (photos in its folder). A real
//! `pg_dump` of the server's schema is taken and the photo folder copied; more households are
//! pushed and acknowledged after it, some edited twice. `mark-restored` is refused while the
//! server runs. The server stops, its schema is dropped and its photos replaced by the copy,
//! `pg_restore` brings the dump back and `mark-restored` starts a new timeline. The server
//! starts again and every device syncs once:
//!
//! * the sync answers name generation 2, and the devices re-offer what the dump lacked;
//! * the server holds every household's newest revision and every acknowledged revision the
//!   dump had or a phone still held, each household once, and every photo byte-identical;
//! * the dashboard's store lists the households sent again across the restore.
//!
//! Skipped (said on stderr) without PostgreSQL; required in CI (scripts/test).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use pendata_core::sync::run_sync;
use pendata_e2e::device::{enrol_devices, signed_in_clients, MemDevice};
use pendata_e2e::procs::binary;
use pendata_e2e::workload::tiny_set;
use pendata_e2e::{example_household, TestServer};
use pendata_server::store::postgres::testing;
use pendata_server::store::{collect_export, Scope, Sha256Hex};
use pendata_server::Config;

/// Households saved before the dump, and after it, per device.
const BEFORE: u32 = 24;
const AFTER: u32 = 12;

/// Runs a PostgreSQL client tool (`pg_dump`, `pg_restore`, `psql`) and fails with its stderr.
fn pg_tool(tool: &str, args: &[&str]) {
    let out = Command::new(tool).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `pendata-server --data-dir DATA --database-url URL ARGS…`
fn server_cli(data: &Path, database: &str, args: &[&str]) -> std::process::Output {
    Command::new(binary("pendata-server", "pendata-server").unwrap())
        .arg("--data-dir")
        .arg(data)
        .args(["--database-url", database])
        .args(args)
        .env("PENDATA_LOG", "warn")
        .output()
        .unwrap()
}

async fn start(data: &Path, database: &str) -> TestServer {
    let (data, database) = (data.to_owned(), database.to_owned());
    TestServer::start_with(move |_| {
        Ok(Config::with_data_dir(data).with_storage(Some(&database), None)?)
    })
    .await
    .unwrap()
}

/// Revisions the server holds for the devices' households.
fn stored_revisions(server: &TestServer, devices: &[&MemDevice]) -> HashSet<String> {
    let ids: HashSet<_> = devices
        .iter()
        .flat_map(|d| d.revisions.iter().map(|r| r.household_id))
        .collect();
    ids.into_iter()
        .filter_map(|id| server.state.records.get(id, &Scope::all()).unwrap())
        .flat_map(|d| d.revisions.into_iter().map(|r| r.revision.to_string()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgresql_server_restored_with_pg_restore_gets_back_everything_the_phones_had_sent() {
    let Some(base) = testing::config_or_skip("e2e pg_restore") else {
        return;
    };
    let started = Instant::now();
    let schema_config = testing::fresh_schema(&base, "pgrestore");
    let schema = schema_config
        .get_options()
        .and_then(|o| o.split_once("search_path=").map(|(_, s)| s.to_owned()))
        .unwrap();
    let database = testing::url_of(&schema_config);
    let admin = testing::url_of(&base);
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");

    let server = start(&data, &database).await;
    let tokens = enrol_devices(&server.state, "tksk.pg", "320102", 2).unwrap();
    let example = example_household().unwrap();
    let tinies: Vec<Vec<u8>> = tiny_set().unwrap().into_iter().map(|(b, ..)| b).collect();
    let (mut a, mut b) = (MemDevice::default(), MemDevice::default());
    a.save_households(&example, &tinies, "a", 1, BEFORE);
    b.save_households(&example, &tinies, "b", 401, BEFORE);
    let c = signed_in_clients(&server.url(), &tokens).unwrap();
    run_sync(&mut a, &c[0], &mut |_| {}).await.unwrap();
    run_sync(&mut b, &c[1], &mut |_| {}).await.unwrap();

    // The nightly backup: the server's schema with pg_dump, the photo folder copied.
    let dump = tmp.path().join("pendata.dump");
    let dump_arg = dump.to_str().unwrap();
    pg_tool(
        "pg_dump",
        &[
            "--format=custom",
            "--schema",
            &schema,
            "--file",
            dump_arg,
            "--dbname",
            &admin,
        ],
    );
    let photos = Config::with_data_dir(&data).photos_dir();
    let photos_copy = tmp.path().join("photos-copy");
    pg_tool(
        "cp",
        &[
            "-a",
            photos.to_str().unwrap(),
            photos_copy.to_str().unwrap(),
        ],
    );
    let in_dump = stored_revisions(&server, &[&a, &b]);

    // A day's work after it: new households on both phones, and ten of A's dumped households
    // edited twice (their first edits are acknowledged revisions no phone holds any more).
    a.save_households(&example, &tinies, "a3", 1 + BEFORE, AFTER);
    b.save_households(&example, &tinies, "b3", 401 + BEFORE, AFTER);
    run_sync(&mut a, &c[0], &mut |_| {}).await.unwrap();
    run_sync(&mut b, &c[1], &mut |_| {}).await.unwrap();
    let edited: Vec<_> = a.latest().iter().take(10).map(|r| r.household_id).collect();
    let intermediate: HashSet<String> = a
        .edit_twice_and_sync(&c[0], &edited)
        .await
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    let all_acked: HashSet<String> = a
        .acknowledged()
        .iter()
        .chain(&b.acknowledged())
        .map(ToString::to_string)
        .collect();
    assert_eq!(all_acked.len() as u32, 2 * (BEFORE + AFTER) + 2 * 10);
    let newest: HashSet<String> = a
        .latest()
        .iter()
        .chain(b.latest().iter())
        .map(|r| r.revision.to_string())
        .collect();

    // Marking a restore while a server runs on the database is refused.
    let out = server_cli(
        &data,
        &database,
        &["mark-restored", "--snapshot", "pg_dump uji"],
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("server masih berjalan"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The disaster: the server stops, its schema and its photos are gone; the operator
    // restores both from the backup and marks the restore.
    server.stop().await;
    pg_tool(
        "psql",
        &[
            "--quiet",
            "--dbname",
            &admin,
            "-c",
            &format!("DROP SCHEMA {schema} CASCADE"),
        ],
    );
    std::fs::remove_dir_all(&photos).unwrap();
    std::fs::rename(&photos_copy, &photos).unwrap();
    pg_tool("pg_restore", &["--dbname", &admin, dump_arg]);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let out = server_cli(
            &data,
            &database,
            &["mark-restored", "--snapshot", "pg_dump uji"],
        );
        if out.status.success() {
            break;
        }
        // The stopped server's connections may take a moment to close.
        assert!(
            Instant::now() < deadline,
            "mark-restored: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    let server = start(&data, &database).await;
    assert_eq!(stored_revisions(&server, &[&a, &b]), in_dump);
    let c = signed_in_clients(&server.url(), &tokens).unwrap();
    for (d, c) in [(&mut a, &c[0]), (&mut b, &c[1])] {
        let report = run_sync(d, c, &mut |_| {}).await.unwrap();
        assert!(report.issues.is_empty(), "{:?}", report.issues);
        assert!(
            report.conflicts.is_empty() && report.rejected.is_empty(),
            "{report:?}"
        );
        assert_eq!(d.server.as_ref().map(|s| s.generation), Some(2));
    }
    assert!(!a.reoffered.is_empty() && !b.reoffered.is_empty());

    let stored = stored_revisions(&server, &[&a, &b]);
    assert!(newest.is_subset(&stored), "every newest revision is back");
    let gone: HashSet<&String> = all_acked.difference(&stored).collect();
    let cannot_come_back: HashSet<&String> = all_acked
        .iter()
        .filter(|r| !newest.contains(*r) && !in_dump.contains(*r))
        .collect();
    assert_eq!(gone, cannot_come_back);
    assert_eq!(
        gone.len(),
        10,
        "only the first edits of the dumped households"
    );
    assert!(intermediate.iter().all(|r| gone.contains(r)));
    let households = collect_export(server.state.records.as_ref(), &Scope::all()).unwrap();
    assert_eq!(households.len(), newest.len(), "each household once");
    for d in [&a, &b] {
        for (sha, bytes) in &d.photos {
            let sha = Sha256Hex::parse(sha.as_str()).unwrap();
            let served = server.state.blobs.read(&sha).await.unwrap();
            assert_eq!(served.as_deref(), Some(bytes.as_slice()), "photo {sha}");
        }
    }

    // The supervisor's list: the households sent again across the restore.
    let resent: HashSet<_> = server
        .state
        .backend
        .restores
        .resent_after_restore(&Scope::within("320102"), 1000)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    let sent_again: HashSet<_> = a
        .revisions
        .iter()
        .chain(&b.revisions)
        .filter(|r| newest.contains(&r.revision.to_string()))
        .filter(|r| !in_dump.contains(&r.revision.to_string()))
        .map(|r| r.household_id)
        .collect();
    assert_eq!(resent, sent_again);
    server.stop().await;
    eprintln!(
        "pg_restore: {} revisions came back from the phones after pg_restore; {:.1} s",
        stored.len() - in_dump.len(),
        started.elapsed().as_secs_f64()
    );
}
