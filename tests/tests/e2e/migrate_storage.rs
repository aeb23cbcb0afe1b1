//! A kabupaten grows into a province (issue 19): `pendata-server migrate-storage` copies a
//! real SQLite + photo-folder deployment into PostgreSQL and an S3 bucket, and the phones carry
//! on against the new server as if nothing happened.
//!
//! The old server (SQLite, the real push path) gets a prelist assigned to an enumerator, two
//! devices pushing usulan baru households with real JPEGs, edits (superseded revisions) and a
//! supervisor's decision the devices have not pulled yet. It stops (and its oldest revisions are
//! made rows of before SQLite migration 0005, unpacked). The real binary migrates
//! its data directory into a fresh PostgreSQL schema and a fresh bucket prefix, and is cut
//! halfway (`--stop-after-rows`): the target then holds part of the rows. Run again it
//! finishes and its count matches; a third run writes nothing. Checked independently of the
//! command's own count:
//!
//! * every table has as many rows on both sides, each revision once, the change log's
//!   numbers and its head kept exactly;
//! * a real server on the PostgreSQL + S3 target (a new, empty data directory: no photo folder
//!   to fall back on) answers with the same server id, generation and timeline; the devices'
//!   next sync re-offers nothing, pulls exactly the decision they had not pulled (their cursors
//!   continue), and a decision made on the new server gets the next number of the old log;
//! * refused: while that server runs, another server's data directory, and the old directory
//!   again once the new server has written;
//! * new households push to it, and every photo reads back byte-identical from the bucket.
//!
//! Skipped (said on stderr) without PostgreSQL and S3; required in CI (scripts/test:
//! `pg_virtualenv -t tests/s3/with-s3 …`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::process::{Command, Output};

use pendata_core::sync::run_sync;
use pendata_e2e::device::{enrol_devices, signed_in_clients, MemDevice};
use pendata_e2e::procs::{binary, env_u64};
use pendata_e2e::workload::tiny_set;
use pendata_e2e::{example_household, prelist_of, TestServer};
use pendata_server::store::packed::PackedChange;
use pendata_server::store::postgres::testing;
use pendata_server::store::s3::testing::{fresh_prefix, objects_or_skip};
use pendata_server::store::{each_exported, ExportHousehold, Role, Scope, Sha256Hex, StoreError};
use pendata_server::Config;
use pendata_shared::protocol::{ReviewDecision, ReviewRequest};

/// The tables `migrate-storage` copies (web sessions are left behind on purpose).
const TABLES: &[&str] = &[
    "users",
    "devices",
    "tokens",
    "households",
    "revisions",
    "revision_collisions",
    "revision_missing_photos",
    "photos_complete",
    "household_photos",
    "household_pushers",
    "reviews",
    "changes",
    "server_restores",
];

/// `pendata-server --data-dir DATA migrate-storage --to-database-url URL --to-blob-url BLOB ARGS…`
fn migrate(data: &Path, database: &str, blob_url: &str, args: &[&str]) -> Output {
    Command::new(binary("pendata-server", "pendata-server").unwrap())
        .arg("--data-dir")
        .arg(data)
        .args(["migrate-storage", "--to-database-url", database])
        .args(["--to-blob-url", blob_url])
        .args(args)
        .env("PENDATA_LOG", "warn")
        .env_remove("PENDATA_DATABASE_URL")
        .env_remove("PENDATA_BLOB_URL")
        .output()
        .unwrap()
}

fn said(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Rows per table, and the change log's numbers, of the SQLite side.
fn sqlite_counts(db: &Path) -> (BTreeMap<String, i64>, Vec<i64>, i64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let counts = TABLES
        .iter()
        .map(|t| {
            let n: i64 = conn
                .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .unwrap();
            (t.to_string(), n)
        })
        .collect();
    let seqs = conn
        .prepare("SELECT seq FROM changes ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<Vec<i64>, _>>()
        .unwrap();
    let end = conn
        .query_row(
            "SELECT seq FROM sqlite_sequence WHERE name = 'changes'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    (counts, seqs, end)
}

/// The same of the PostgreSQL side, plus the number of distinct revisions.
async fn pg_counts(config: &tokio_postgres::Config) -> (BTreeMap<String, i64>, Vec<i64>, i64, i64) {
    let (client, conn) = config.connect(tokio_postgres::NoTls).await.unwrap();
    let task = tokio::spawn(conn);
    let mut counts = BTreeMap::new();
    for t in TABLES {
        let n: i64 = client
            .query_one(&format!("SELECT count(*) FROM {t}"), &[])
            .await
            .unwrap()
            .get(0);
        counts.insert(t.to_string(), n);
    }
    let seqs = client
        .query("SELECT seq FROM changes ORDER BY seq", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let head: i64 = client
        .query_one("SELECT seq FROM change_log_head", &[])
        .await
        .unwrap()
        .get(0);
    let distinct: i64 = client
        .query_one("SELECT count(DISTINCT revision) FROM revisions", &[])
        .await
        .unwrap()
        .get(0);
    drop(client);
    let _ = task.await;
    (counts, seqs, head, distinct)
}

/// Turns the `n` oldest revisions into rows as written before SQLite migration 0005 (plain
/// `change_json`, no `change_packed`): PostgreSQL keeps only packed changes, so the migration
/// packs them on the way.
fn unpack_oldest_revisions(db: &Path, n: i64) -> Vec<(i64, String)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let rows: Vec<(i64, Vec<u8>)> = conn
        .prepare("SELECT seq, change_packed FROM revisions ORDER BY seq LIMIT ?1")
        .unwrap()
        .query_map([n], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows.into_iter()
        .map(|(seq, packed)| {
            let json = PackedChange::unpack(&packed).unwrap();
            conn.execute(
                "UPDATE revisions SET change_json = ?1, change_packed = NULL WHERE seq = ?2",
                rusqlite::params![json, seq],
            )
            .unwrap();
            (seq, json)
        })
        .collect()
}

/// The change of revision `seq` as PostgreSQL holds it, unpacked.
async fn pg_change(config: &tokio_postgres::Config, seq: i64) -> String {
    let (client, conn) = config.connect(tokio_postgres::NoTls).await.unwrap();
    let task = tokio::spawn(conn);
    let packed: Vec<u8> = client
        .query_one(
            "SELECT change_packed FROM revisions WHERE seq = $1",
            &[&seq],
        )
        .await
        .unwrap()
        .get(0);
    drop(client);
    let _ = task.await;
    PackedChange::unpack(&packed).unwrap()
}

/// Every household as the export reads it (both backends page in the same order).
fn exported(server: &TestServer) -> Vec<ExportHousehold> {
    let mut out = Vec::new();
    each_exported(server.state.records.as_ref(), &Scope::all(), |h| {
        out.push(h);
        Ok::<_, StoreError>(())
    })
    .unwrap();
    out
}

fn approve(server: &TestServer, device: &MemDevice) {
    let rec = device.latest()[0].clone();
    server
        .state
        .records
        .review(
            rec.household_id,
            &ReviewRequest {
                revision: rec.revision,
                decision: ReviewDecision::Approved,
                note: Some("sesuai".into()),
            },
            "spv.mig",
            &Scope::all(),
        )
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_deployment_migrated_to_postgres_and_s3_carries_on_for_the_phones() {
    let Some(objects) = objects_or_skip("e2e migrate-storage") else {
        return;
    };
    let Some(base) = testing::config_or_skip("e2e migrate-storage") else {
        return;
    };
    let started = std::time::Instant::now();
    let schema = testing::fresh_schema(&base, "migrate");
    let database = testing::url_of(&schema);
    let bucket = std::env::var("PENDATA_TEST_S3_BUCKET").unwrap();
    let prefix = fresh_prefix("migrate");
    let blob_url = format!("s3://{bucket}/{prefix}");
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("sqlite");

    // The kabupaten's server on SQLite, used through the real push path.
    let old = {
        let data = data.clone();
        TestServer::start_with(move |_| Ok(Config::with_data_dir(data)))
            .await
            .unwrap()
    };
    let tokens = enrol_devices(&old.state, "tksk.mig", "320102", 2).unwrap();
    old.add_user("spv.mig", Role::Supervisor, "3201").unwrap();
    let example = example_household().unwrap();
    let prelist: Vec<_> = (0..5)
        .map(|i| {
            let mut h = example.clone();
            h.id = pendata_shared::HouseholdId::new();
            prelist_of(&h, &format!("P-MIG-{i}"), Some("tksk.mig"))
        })
        .collect();
    old.import_prelist(&prelist).unwrap();
    let tinies: Vec<Vec<u8>> = tiny_set().unwrap().into_iter().map(|(b, ..)| b).collect();
    let (mut a, mut b) = (MemDevice::default(), MemDevice::default());
    // PENDATA_MIGRATE_HOUSEHOLDS: more households per device, to time a bigger migration.
    let n = env_u64("PENDATA_MIGRATE_HOUSEHOLDS").map_or(12, |n| n.clamp(12, 390) as u32);
    a.save_households(&example, &tinies, "a", 1, n);
    b.save_households(&example, &tinies, "b", 401, n);
    let c = signed_in_clients(&old.url(), &tokens).unwrap();
    run_sync(&mut a, &c[0], &mut |_| {}).await.unwrap();
    run_sync(&mut b, &c[1], &mut |_| {}).await.unwrap();
    let edited: Vec<_> = a.latest().iter().take(4).map(|r| r.household_id).collect();
    a.edit_twice_and_sync(&c[0], &edited).await.unwrap();
    run_sync(&mut b, &c[1], &mut |_| {}).await.unwrap();
    // A decision the devices have not pulled when the server moves.
    approve(&old, &a);
    let epoch = old.state.backend.restores.epoch().unwrap();
    let households = exported(&old);
    let pulled_before = (a.pulled.len(), b.pulled.len());
    old.stop().await;
    let unpacked = unpack_oldest_revisions(&data.join("pendata.db"), 5);
    let (source_counts, source_seqs, source_end) = sqlite_counts(&data.join("pendata.db"));
    assert!(source_counts["reviews"] == 1 && source_counts["revisions"] > 24);
    let total: i64 = source_counts.values().sum();

    // Cut halfway, then finished, then run once more.
    let cut = migrate(
        &data,
        &database,
        &blob_url,
        &[
            "--batch-rows",
            "7",
            "--stop-after-rows",
            &(total / 2).to_string(),
        ],
    );
    assert!(!cut.status.success(), "{}", said(&cut));
    assert!(said(&cut).contains("berhenti setelah"), "{}", said(&cut));
    let (partial, ..) = pg_counts(&schema).await;
    let partial_total: i64 = partial.values().sum();
    assert!(
        partial_total > 0 && partial_total < total,
        "a cut copy holds part of the rows: {partial_total} of {total}"
    );
    let done = migrate(&data, &database, &blob_url, &[]);
    assert!(done.status.success(), "{}", said(&done));
    assert!(
        said(&done).contains("resumed an earlier copy"),
        "{}",
        said(&done)
    );
    let again = migrate(&data, &database, &blob_url, &[]);
    assert!(again.status.success(), "{}", said(&again));
    let again_said = said(&again);
    assert!(again_said.contains(", 0 written"), "{again_said}");
    assert!(again_said.contains("; 0 copied"), "{again_said}");
    eprintln!("{}", said(&done));

    // Independently of the command's count: the same rows, each revision once, the same log.
    let (target_counts, target_seqs, head, distinct) = pg_counts(&schema).await;
    assert_eq!(target_counts, source_counts);
    assert_eq!(distinct, source_counts["revisions"]);
    assert_eq!(target_seqs, source_seqs);
    assert_eq!(head, source_end);
    for (seq, json) in &unpacked {
        assert_eq!(
            &pg_change(&schema, *seq).await,
            json,
            "old row {seq} packed as it was"
        );
    }

    // The province's server: PostgreSQL + S3, a new data directory without any photo folder.
    let new = TestServer::start_with({
        let (database, blob_url) = (database.clone(), blob_url.clone());
        move |c| Ok(c.with_storage(Some(&database), Some(&blob_url))?)
    })
    .await
    .unwrap();
    assert_eq!(new.state.backend.restores.epoch().unwrap(), epoch);
    assert_eq!(exported(&new), households);
    let c = signed_in_clients(&new.url(), &tokens).unwrap();
    for (d, c, before) in [
        (&mut a, &c[0], pulled_before.0),
        (&mut b, &c[1], pulled_before.1),
    ] {
        let report = run_sync(d, c, &mut |_| {}).await.unwrap();
        assert!(report.issues.is_empty(), "{:?}", report.issues);
        assert_eq!(report.reoffered, 0, "a migration is not a restore");
        assert_eq!(report.sent + report.duplicate, 0, "nothing to send again");
        let server = d.server.clone().unwrap();
        assert_eq!(
            (server.server_id.as_str(), server.generation),
            (epoch.server_id.as_str(), 1)
        );
        // Exactly what it had not pulled: the decision on a household its user pushed (the
        // cursor continued; a cursor the new server misread would pull everything again).
        assert_eq!(d.pulled.len(), before + 1, "only the decision");
    }

    // Refused while a server runs on the target.
    let busy = migrate(&data, &database, &blob_url, &[]);
    assert!(!busy.status.success());
    assert!(
        said(&busy).contains("server masih berjalan"),
        "{}",
        said(&busy)
    );

    // Work goes on: a new decision takes the old log's next number, new households push.
    approve(&new, &b);
    let (_, seqs, head, _) = pg_counts(&schema).await;
    assert_eq!(head, source_end + 1);
    assert_eq!(seqs.last(), Some(&(source_end + 1)));
    a.save_households(&example, &tinies, "a2", 100, 3);
    let report = run_sync(&mut a, &c[0], &mut |_| {}).await.unwrap();
    assert_eq!(report.sent, 3, "{report:?}");
    assert_eq!(
        a.pulled.len(),
        pulled_before.0 + 2,
        "A pulls the new decision"
    );
    let report = run_sync(&mut b, &c[1], &mut |_| {}).await.unwrap();
    assert!(report.issues.is_empty(), "{:?}", report.issues);
    assert_eq!(
        b.pulled.len(),
        pulled_before.1 + 2,
        "B pulls the new decision"
    );

    // Every photo, old and new, byte-identical from the bucket.
    for d in [&a, &b] {
        for (sha, bytes) in &d.photos {
            let sha = Sha256Hex::parse(sha.as_str()).unwrap();
            let served = new.state.blobs.read(&sha).await.unwrap();
            assert_eq!(served.as_deref(), Some(bytes.as_slice()), "photo {sha}");
        }
    }
    let in_bucket = {
        use futures_util::TryStreamExt;
        let listed: Vec<_> = objects
            .list(Some(&object_store::path::Path::from(prefix.as_str())))
            .try_collect()
            .await
            .unwrap();
        listed.len()
    };
    let photos: HashSet<_> = a.photos.keys().chain(b.photos.keys()).collect();
    assert_eq!(in_bucket, photos.len(), "each photo once in the bucket");
    new.stop().await;

    // The new server has written: migrating the old directory again would overwrite its work.
    // (The stopped server's connection may take a moment to let go of its lock.)
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let stale = loop {
        let out = migrate(&data, &database, &blob_url, &[]);
        if !said(&out).contains("server masih berjalan") || std::time::Instant::now() > deadline {
            break out;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    assert!(!stale.status.success());
    assert!(said(&stale).contains("lebih baru"), "{}", said(&stale));

    // Nor may another server's data go into it.
    let other = tmp.path().join("other");
    let made = Command::new(binary("pendata-server", "pendata-server").unwrap())
        .arg("--data-dir")
        .arg(&other)
        .args(["user", "list"])
        .env_remove("PENDATA_DATABASE_URL")
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", said(&made));
    let foreign = migrate(&other, &database, &blob_url, &[]);
    assert!(!foreign.status.success());
    assert!(
        said(&foreign).contains("sudah berisi data server lain"),
        "{}",
        said(&foreign)
    );
    eprintln!(
        "migrate-storage: {total} rows, {} photos; {:.1} s",
        photos.len(),
        started.elapsed().as_secs_f64()
    );
}
