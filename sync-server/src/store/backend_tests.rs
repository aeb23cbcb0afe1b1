//! Every contract case ([`super::contract`]) as a named test per backend, e.g.
//! `store::backend_tests::postgres::records::conflicts_follow_the_rules`. The PostgreSQL ones
//! run against the server `PGHOST`/`PENDATA_TEST_DATABASE_URL` names (scripts/test starts a
//! throwaway cluster with `pg_virtualenv`), each case in a fresh schema; without one they say
//! SKIPPED on stderr, and fail when `PENDATA_REQUIRE_POSTGRES=1` (as in CI). The S3 ones
//! (`store::backend_tests::s3::blobs::*`) run against the S3 server tests/s3/with-s3 starts,
//! and fail without one when `PENDATA_REQUIRE_S3=1`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sqlite {
    use crate::store::sqlite::SqliteStore;

    pub(super) fn factory() -> Option<impl Fn() -> SqliteStore> {
        let dir = tempfile::tempdir().unwrap();
        Some(move || {
            let name = format!("{}.sqlite", uuid::Uuid::new_v4());
            SqliteStore::open(&dir.path().join(name), 2).unwrap()
        })
    }

    /// Two stores on one database file (as two processes would be).
    pub(super) fn pair() -> Option<impl Fn() -> (SqliteStore, SqliteStore)> {
        let dir = tempfile::tempdir().unwrap();
        Some(move || {
            let path = dir.path().join(format!("{}.sqlite", uuid::Uuid::new_v4()));
            (
                SqliteStore::open(&path, 2).unwrap(),
                SqliteStore::open(&path, 2).unwrap(),
            )
        })
    }

    mod accounts {
        crate::account_contract_tests!(super::factory);
    }
    mod records {
        crate::record_contract_tests!(super::factory);
    }
    mod registry {
        crate::registry_contract_tests!(super::factory);
    }
    mod cases {
        crate::case_contract_tests!(super::factory);
    }
    mod period {
        crate::period_contract_tests!(super::factory);
        crate::period_push_contract_tests!(super::factory, super::pair);
    }
    mod concurrency {
        crate::concurrency_contract_tests!(super::pair);
    }
}

mod files {
    use crate::store::files::FileBlobStore;
    use crate::store::BlobLimits;

    pub(super) fn factory() -> Option<impl Fn() -> FileBlobStore> {
        let dir = tempfile::tempdir().unwrap();
        Some(move || {
            FileBlobStore::open(
                &dir.path().join(uuid::Uuid::new_v4().to_string()),
                BlobLimits {
                    max_blob_bytes: 1024,
                    max_chunk_bytes: 1024,
                },
            )
            .unwrap()
        })
    }

    mod blobs {
        crate::blob_contract_tests!(super::factory);
    }
}

/// Photos in the S3 server scripts/test starts (SeaweedFS, tests/s3/with-s3), uploads in
/// progress staged in PostgreSQL: needs both servers (`PENDATA_REQUIRE_S3=1` in CI).
mod s3 {
    use std::sync::Arc;

    use crate::store::postgres::testing::{config_or_skip, fresh_store};
    use crate::store::postgres::PgChunkStaging;
    use crate::store::s3::testing::{fresh_prefix, objects_or_skip};
    use crate::store::s3::S3BlobStore;
    use crate::store::BlobLimits;

    pub(super) fn factory() -> Option<impl Fn() -> S3BlobStore> {
        let objects = objects_or_skip("s3 blob contract")?;
        let base = config_or_skip("s3 blob contract (staging)")?;
        Some(move || {
            let db = Arc::new(fresh_store(&base, "s3"));
            S3BlobStore::new(
                objects.clone(),
                &fresh_prefix("contract"),
                Arc::new(PgChunkStaging::new(db)),
                BlobLimits {
                    max_blob_bytes: 1024,
                    max_chunk_bytes: 1024,
                },
            )
        })
    }

    mod blobs {
        crate::blob_contract_tests!(super::factory);
    }
}

pub(crate) mod postgres {
    use crate::store::postgres::testing::{config_or_skip, fresh_schema, fresh_store};

    /// Store calls made inside an async task (tests, tools) do not spin once the task's
    /// cooperative budget is spent: 1,000 calls in one poll (pg_bench once spun forever in
    /// `create_session` this way).
    #[test]
    fn many_calls_in_one_poll_of_an_async_task_finish() {
        let Some(base) = config_or_skip("postgres calls in one poll") else {
            return;
        };
        use crate::store::AccountStore;
        let store = fresh_store(&base, "coop");
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                for _ in 0..1000 {
                    store.list_users().expect("list users");
                }
            });
            let _ = done.send(());
        });
        assert!(
            finished
                .recv_timeout(std::time::Duration::from_secs(30))
                .is_ok(),
            "1,000 store calls in one poll of an async task did not finish in 30 s"
        );
    }
    use crate::store::postgres::PgStore;

    pub(super) fn factory() -> Option<impl Fn() -> PgStore> {
        let base = config_or_skip("postgres contract")?;
        Some(move || fresh_store(&base, "contract"))
    }

    /// Two stores (two pools) on one schema, as two server processes.
    pub(super) fn pair() -> Option<impl Fn() -> (PgStore, PgStore)> {
        let base = config_or_skip("postgres concurrency contract")?;
        Some(move || {
            let c = fresh_schema(&base, "pair");
            (
                PgStore::with_config(c.clone(), 8).unwrap(),
                PgStore::with_config(c, 8).unwrap(),
            )
        })
    }

    mod accounts {
        crate::account_contract_tests!(super::factory);
    }
    mod records {
        crate::record_contract_tests!(super::factory);
    }
    mod registry {
        crate::registry_contract_tests!(super::factory);
    }
    mod cases {
        crate::case_contract_tests!(super::factory);
    }
    mod period {
        crate::period_contract_tests!(super::factory);
        crate::period_push_contract_tests!(super::factory, super::pair);
    }
    mod concurrency {
        crate::concurrency_contract_tests!(super::pair);
    }

    /// `mark-restored` refuses while a server process runs on the database (it would keep
    /// answering with the old timeline), and goes through once every server has stopped.
    #[test]
    fn marking_a_restore_waits_until_every_server_stopped() {
        use crate::store::{RestoreStore, StoreError};
        use std::time::{Duration, Instant};

        let Some(base) = config_or_skip("postgres mark-restored") else {
            return;
        };
        let c = fresh_schema(&base, "serving");
        let server = PgStore::with_config(c.clone(), 4).unwrap();
        server.hold_serving_lock().unwrap();
        // A server of another deployment in the same database (another schema) holds its own
        // lock, which never stands in this one's way.
        let elsewhere = PgStore::with_config(fresh_schema(&base, "elsewhere"), 2).unwrap();
        elsewhere.hold_serving_lock().unwrap();
        let operator = PgStore::with_config(c, 2).unwrap();
        assert!(matches!(
            operator.mark_restored("pg_dump uji"),
            Err(StoreError::InUse)
        ));
        assert_eq!(operator.epoch().unwrap().info().generation, 1);
        assert!(operator.restores().unwrap().is_empty());
        drop(server);
        // The server's session ends as its connections close.
        let deadline = Instant::now() + Duration::from_secs(20);
        let generation = loop {
            match operator.mark_restored("pg_dump uji") {
                Ok(g) => break g,
                Err(StoreError::InUse) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(100))
                }
                Err(e) => panic!("{e}"),
            }
        };
        assert_eq!(generation, 2);
        assert_eq!(operator.epoch().unwrap().info().generation, 2);
        assert!(
            matches!(elsewhere.mark_restored("x"), Err(StoreError::InUse)),
            "the other deployment's own server still blocks it"
        );
    }

    /// With `sslmode=require` every connection is TLS and the server's certificate is
    /// verified: the test cluster is given a certificate signed by a throwaway CA; the store
    /// connects over TLS with that CA (pg_stat_ssl says so) and is refused with the public roots
    /// only. Needs a TCP host and root (the key is handed to the cluster's OS user).
    #[test]
    fn tls_is_used_and_verified_when_the_url_requires_it() {
        use std::os::unix::fs::{chown, MetadataExt, PermissionsExt};

        let Some(base) = config_or_skip("postgres tls") else {
            return;
        };
        let Some(tokio_postgres::config::Host::Tcp(host)) = base.get_hosts().first().cloned()
        else {
            eprintln!("SKIPPED postgres tls: the test server is not reached over TCP");
            return;
        };
        let admin = PgStore::with_config(fresh_schema(&base, "tlsadmin"), 2).unwrap();
        let sql = |q: &'static str| -> Vec<String> {
            admin
                .run(async {
                    let c = admin.client().await?;
                    let mut out = Vec::new();
                    for m in c.simple_query(q).await? {
                        if let tokio_postgres::SimpleQueryMessage::Row(r) = m {
                            out.push(r.get(0).unwrap_or_default().to_owned());
                        }
                    }
                    Ok(out)
                })
                .unwrap()
        };
        let data_dir = sql("SHOW data_directory").remove(0);
        let owner = std::fs::metadata(&data_dir).unwrap();

        // A CA and a certificate for the host the tests connect to, readable by the server.
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec![host.clone()])
            .unwrap()
            .signed_by(&key, &ca, &ca_key)
            .unwrap();
        let dir = std::env::temp_dir().join(format!("pendata-pg-tls-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let (cert_file, key_file, ca_file) = (
            dir.join("server.crt"),
            dir.join("server.key"),
            dir.join("ca.crt"),
        );
        std::fs::write(&cert_file, cert.pem()).unwrap();
        std::fs::write(&key_file, key.serialize_pem()).unwrap();
        std::fs::write(&ca_file, ca.pem()).unwrap();
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
        for f in [&cert_file, &key_file] {
            if let Err(e) = chown(f, Some(owner.uid()), Some(owner.gid())) {
                eprintln!("SKIPPED postgres tls: cannot hand the key to the server's user ({e})");
                return;
            }
        }

        /// Puts the cluster's own certificate back, even when an assertion fails.
        struct Reset<'a>(&'a dyn Fn(&'static str) -> Vec<String>, std::path::PathBuf);
        impl Drop for Reset<'_> {
            fn drop(&mut self) {
                (self.0)("ALTER SYSTEM RESET ssl_cert_file");
                (self.0)("ALTER SYSTEM RESET ssl_key_file");
                (self.0)("SELECT pg_reload_conf()::text");
                let _ = std::fs::remove_dir_all(&self.1);
            }
        }
        let _reset = Reset(&sql, dir.clone());
        let set = |name: &str, path: &std::path::Path| {
            let q = format!("ALTER SYSTEM SET {name} = '{}'", path.display());
            admin
                .run(async {
                    admin.client().await?.batch_execute(&q).await?;
                    Ok(())
                })
                .unwrap();
        };
        set("ssl_cert_file", &cert_file);
        set("ssl_key_file", &key_file);
        assert_eq!(sql("SELECT pg_reload_conf()::text"), ["true"]);
        std::thread::sleep(std::time::Duration::from_millis(500));

        let mut config = fresh_schema(&base, "tls");
        config.ssl_mode(tokio_postgres::config::SslMode::Require);
        let store = PgStore::open(config.clone(), 2, Some(&ca_file)).unwrap();
        let ssl: bool = store
            .run(async {
                let c = store.client().await?;
                Ok(c.query_one(
                    "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                    &[],
                )
                .await?
                .try_get(0)?)
            })
            .unwrap();
        assert!(ssl, "the connection is TLS");
        let refused = PgStore::open(config, 2, None);
        assert!(
            refused.is_err(),
            "a certificate of an unknown authority is refused"
        );
        let bad_ca = dir.join("not-a-cert.pem");
        std::fs::write(&bad_ca, "bukan sertifikat").unwrap();
        let mut config = fresh_schema(&base, "tls");
        config.ssl_mode(tokio_postgres::config::SslMode::Require);
        assert!(matches!(
            PgStore::open(config, 2, Some(&bad_ca)),
            Err(crate::store::StoreError::Config(_))
        ));
    }

    /// The pull gap: a change-log number taken by a transaction that commits late must still
    /// reach a puller whose cursor has moved on meanwhile. Instance A stops right before its
    /// COMMIT holding an assignment; B writes another assignment; a pull runs; then A commits.
    /// With numbers from a plain sequence, B's larger number would be pulled first and A's
    /// smaller one skipped for good.
    #[test]
    fn a_change_committed_late_is_still_pulled() {
        use crate::store::contract::{prelist, puller};
        use crate::store::{RecordStore, Role};
        use pendata_shared::protocol::PullItem;
        use std::sync::Arc;
        use std::time::Duration;

        let Some(base) = config_or_skip("postgres pull gap") else {
            return;
        };
        let c = fresh_schema(&base, "gap");
        let a = Arc::new(PgStore::with_config(c.clone(), 4).unwrap());
        let b = Arc::new(PgStore::with_config(c.clone(), 4).unwrap());
        let reader = PgStore::with_config(c, 4).unwrap();
        let sup = puller("spv", Role::Supervisor, "320102");
        let desa = "3201022001";
        for round in 0..3 {
            let start = reader.pull(&sup, 0, 1000).unwrap().last_seq;
            let (late, early) = (format!("LATE-{round}"), format!("EARLY-{round}"));
            let (arrived, release) = a.pause_next_commit();
            let ta = {
                let (a, late) = (a.clone(), late.clone());
                std::thread::spawn(move || a.import_prelist(&[prelist(&late, desa, None)]))
            };
            arrived
                .recv_timeout(Duration::from_secs(30))
                .expect("A reached its commit");
            let tb = {
                let (b, early) = (b.clone(), early.clone());
                std::thread::spawn(move || b.import_prelist(&[prelist(&early, desa, None)]))
            };
            // B commits now (a plain sequence) or waits for A (this design); either way the
            // puller looks in between.
            std::thread::sleep(Duration::from_millis(400));
            let first = reader.pull(&sup, start, 1000).unwrap();
            release.send(()).unwrap();
            ta.join().unwrap().unwrap();
            tb.join().unwrap().unwrap();
            let second = reader.pull(&sup, first.last_seq, 1000).unwrap();
            let pulled: Vec<String> = first
                .items
                .iter()
                .chain(&second.items)
                .filter_map(|i| match i {
                    PullItem::Assignment(a) => Some(a.prelist_id.clone()),
                    _ => None,
                })
                .collect();
            assert!(
                pulled.contains(&late) && pulled.contains(&early),
                "round {round}: pulled {pulled:?}"
            );
        }
    }
}
