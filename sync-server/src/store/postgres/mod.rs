//! The PostgreSQL backend: accounts, records, web sessions and login failures in one database,
//! for deployments with more than one server process (a province, a national server).
//!
//! Concurrency (docs/server.md, "PostgreSQL"): every write is one transaction that first takes
//! transaction-level advisory locks on everything it will touch (the batch's households and
//! revisions, the photos it records as missing) in one sorted order, so two processes never
//! deadlock on each other and never decide on a household from a stale read. Change-log numbers
//! come from one counter row taken last, just before `COMMIT` (see migration 0001): a puller's
//! cursor never passes a number whose transaction commits later.
//!
//! One file per concept, as the SQLite backend: `accounts.rs`, `web_sessions.rs`, `limiter.rs`,
//! `records.rs` (the [`RecordStore`](crate::store::RecordStore) impl, delegating to `push.rs`,
//! `reads.rs`, `review.rs`, `prelist.rs`; `rows.rs` holds what they share).
//!
//! The traits are blocking. The store owns a small tokio runtime that drives its connections;
//! a call blocks the calling thread on its future (the server calls stores from
//! `spawn_blocking`, like the SQLite store).

use std::future::Future;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

use super::StoreError;

mod accounts;
mod blob_staging;
mod cases;
mod ground_check;
mod limiter;
mod lineage;
mod period;
mod prelist;
mod push;
mod push_period;
mod reads;
mod records;
mod registry;
mod restores;
mod review;
mod rows;
mod tls;
mod web_sessions;

pub use blob_staging::PgChunkStaging;
pub use limiter::PgLoginLimiter;
pub(crate) use restores::serving_lock_sql;
pub use tls::DATABASE_CA_ENV;

/// Migrations, applied in order; `schema_migrations` records each one applied.
/// Append-only: never edit a shipped file, add the next one.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_initial",
        include_str!("../../../migrations/postgres/0001_initial.sql"),
    ),
    (
        "0002_ground_check_progress",
        include_str!("../../../migrations/postgres/0002_ground_check_progress.sql"),
    ),
    (
        "0003_family_desil",
        include_str!("../../../migrations/postgres/0003_family_desil.sql"),
    ),
    (
        "0004_family_questionnaire",
        include_str!("../../../migrations/postgres/0004_family_questionnaire.sql"),
    ),
    (
        "0005_nik_index",
        include_str!("../../../migrations/postgres/0005_nik_index.sql"),
    ),
    (
        "0006_cases",
        include_str!("../../../migrations/postgres/0006_cases.sql"),
    ),
    (
        "0007_month",
        include_str!("../../../migrations/postgres/0007_month.sql"),
    ),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// The advisory lock migrations run under, so two processes starting together apply each step
/// once ("pendata" in ASCII).
const MIGRATION_LOCK: i64 = 0x0070_656e_6461_7461;

/// How long a call waits for a free connection before it fails.
const POOL_WAIT: Duration = Duration::from_secs(30);

/// Tries of a transaction that PostgreSQL aborted to break a deadlock or a serialization
/// failure (both are safe to run again from the start).
pub(crate) const TRIES: usize = 4;

/// Runs `$body` (an expression using the transaction `$tx`, evaluating to a `Result<_,
/// StoreError>`) in one transaction on `$store`, and commits it when it is `Ok`. PostgreSQL
/// may abort a transaction to break a deadlock or on a serialization failure: it is then run
/// again from the start, up to [`TRIES`] times.
macro_rules! in_transaction {
    ($store:expr, |$tx:ident| $body:expr) => {{
        let store: &$crate::store::postgres::PgStore = $store;
        store.run(async {
            let mut client = store.client().await?;
            let mut tries = 0;
            loop {
                tries += 1;
                let $tx = client.transaction().await?;
                let result = async { $body }.await;
                let result = match result {
                    Ok(v) => {
                        store.before_commit();
                        $tx
                        .commit()
                        .await
                        .map(|()| v)
                        .map_err($crate::store::StoreError::from)
                    }
                    Err(e) => Err(e),
                };
                match result {
                    Err(e) if tries < $crate::store::postgres::TRIES
                        && $crate::store::postgres::is_retryable(&e) =>
                    {
                        tracing::debug!(error = %e, tries, "transaction aborted by PostgreSQL; again");
                    }
                    other => break other,
                }
            }
        })
    }};
}
pub(crate) use in_transaction;

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        StoreError::Db(Box::new(e))
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        StoreError::Db(Box::new(e))
    }
}

/// The PostgreSQL database behind one `database_url`.
pub struct PgStore {
    pool: Pool,
    runtime: Option<tokio::runtime::Runtime>,
    handle: tokio::runtime::Handle,
    /// The connection holding the serving lock, in a server process ([`PgStore::hold_serving_lock`]).
    serving: std::sync::Mutex<Option<deadpool_postgres::ClientWrapper>>,
    /// Test support: the next commit waits here ([`PgStore::pause_next_commit`]).
    #[cfg(any(test, feature = "test-support"))]
    commit_gate: std::sync::Mutex<Option<CommitGate>>,
}

/// Test support: holds one commit until released.
#[cfg(any(test, feature = "test-support"))]
struct CommitGate {
    arrived: std::sync::mpsc::Sender<()>,
    release: std::sync::mpsc::Receiver<()>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the URL: it may carry a password.
        f.debug_struct("PgStore").finish_non_exhaustive()
    }
}

impl PgStore {
    /// Connects to `url` (`postgres://user:password@host:port/db`, or the key=value form),
    /// keeping at most `max_connections` open, and applies pending migrations.
    /// With `sslmode=require` in the URL the connections are TLS, verified against the public
    /// roots and the authorities in the PEM file `PENDATA_DATABASE_CA` names (`tls.rs`).
    pub fn connect(url: &str, max_connections: usize) -> Result<Self, StoreError> {
        let config: tokio_postgres::Config = url.parse()?;
        let ca = std::env::var_os(DATABASE_CA_ENV).map(std::path::PathBuf::from);
        Self::open(config, max_connections, ca.as_deref())
    }

    /// [`PgStore::connect`] with a parsed configuration (no extra certificate authority).
    pub fn with_config(
        config: tokio_postgres::Config,
        max_connections: usize,
    ) -> Result<Self, StoreError> {
        Self::open(config, max_connections, None)
    }

    /// [`PgStore::connect`] with a parsed configuration and the PEM file of extra certificate
    /// authorities for TLS.
    pub fn open(
        config: tokio_postgres::Config,
        max_connections: usize,
        ca: Option<&std::path::Path>,
    ) -> Result<Self, StoreError> {
        let tls = tls::connector(&config, ca)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("pendata-pg")
            .enable_all()
            .build()?;
        let handle = runtime.handle().clone();
        let manager_config = ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        };
        let manager = match tls {
            Some(tls) => Manager::from_config(config, tls, manager_config),
            None => Manager::from_config(config, NoTls, manager_config),
        };
        let pool = Pool::builder(manager)
            .max_size(max_connections.max(2))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(POOL_WAIT))
            .create_timeout(Some(Duration::from_secs(10)))
            .build()
            .map_err(|e| StoreError::Db(Box::new(e)))?;
        let store = PgStore {
            pool,
            runtime: Some(runtime),
            handle,
            serving: std::sync::Mutex::new(None),
            #[cfg(any(test, feature = "test-support"))]
            commit_gate: std::sync::Mutex::new(None),
        };
        store.run(async {
            let mut client = store.pool.get().await?;
            migrate(&mut client).await
        })?;
        Ok(store)
    }

    /// Runs `f` to completion on the calling thread, with the store's runtime driving the
    /// connections. Works from any thread, inside an async runtime or not. `f` runs outside
    /// tokio's cooperative budget: called from an async task whose budget is spent, tokio's
    /// resources would answer "not yet" and wake at once, and this loop would spin forever.
    pub(crate) fn run<T>(
        &self,
        f: impl Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        let _enter = self.handle.enter();
        futures_executor::block_on(tokio::task::unconstrained(f))
    }

    /// A pooled connection.
    pub(crate) async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        Ok(self.pool.get().await?)
    }

    /// Called by [`in_transaction!`] right before `COMMIT`: nothing, except in tests where
    /// [`PgStore::pause_next_commit`] holds one commit (a transaction that commits late).
    pub(crate) fn before_commit(&self) {
        #[cfg(any(test, feature = "test-support"))]
        {
            let gate = crate::store::lock(&self.commit_gate).take();
            if let Some(gate) = gate {
                let _ = gate.arrived.send(());
                let _ = gate.release.recv();
            }
        }
    }

    /// Test support: the next transaction of this store stops right before its `COMMIT`; the
    /// first channel says it got there, a send on the second lets it commit.
    #[cfg(any(test, feature = "test-support"))]
    pub fn pause_next_commit(
        &self,
    ) -> (std::sync::mpsc::Receiver<()>, std::sync::mpsc::Sender<()>) {
        let (arrived, arrived_rx) = std::sync::mpsc::channel();
        let (release_tx, release) = std::sync::mpsc::channel();
        *crate::store::lock(&self.commit_gate) = Some(CommitGate { arrived, release });
        (arrived_rx, release_tx)
    }

    /// Test support: how many connections the pool holds now.
    pub fn pool_size(&self) -> usize {
        self.pool.status().size
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        // Never block here: a store may be dropped on an async worker.
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// Whether PostgreSQL asks for the transaction to be run again (deadlock detected, or a
/// serialization failure).
pub(crate) fn is_retryable(e: &StoreError) -> bool {
    let StoreError::Db(inner) = e else {
        return false;
    };
    let Some(pg) = inner.downcast_ref::<tokio_postgres::Error>() else {
        return false;
    };
    matches!(
        pg.code(),
        Some(&tokio_postgres::error::SqlState::T_R_DEADLOCK_DETECTED)
            | Some(&tokio_postgres::error::SqlState::T_R_SERIALIZATION_FAILURE)
    )
}

/// Applies pending migrations in one transaction under [`MIGRATION_LOCK`].
async fn migrate(client: &mut deadpool_postgres::Object) -> Result<i32, StoreError> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (\
           version integer PRIMARY KEY, name text NOT NULL, \
           applied_at timestamptz NOT NULL DEFAULT now())",
    )
    .await?;
    let current: i32 = tx
        .query_one(
            "SELECT COALESCE(max(version), 0) FROM schema_migrations",
            &[],
        )
        .await?
        .get(0);
    if current > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found: i64::from(current),
            supported: i64::from(SCHEMA_VERSION),
        });
    }
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate() {
        let version = index as i32 + 1;
        if version <= current {
            continue;
        }
        tx.batch_execute(sql).await?;
        if *name == "0002_ground_check_progress" {
            // Families stored before it: their changes are packed, SQL cannot read them.
            ground_check::backfill(&tx).await?;
        }
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[&version, name],
        )
        .await?;
        tracing::info!(migration = name, "PostgreSQL migration applied");
    }
    tx.commit().await?;
    Ok(SCHEMA_VERSION)
}

/// The advisory-lock key of one thing a transaction touches: FNV-1a over a kind byte and the
/// thing's bytes (stable across processes and builds).
pub(crate) fn lock_key(kind: u8, bytes: &[u8]) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in std::iter::once(&kind).chain(bytes) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h as i64
}

/// Takes the advisory locks of `keys` in ascending order (sorted and deduplicated here), held
/// until the transaction ends. Every writer takes its locks this way before it reads what it
/// decides on, so writers of the same households queue instead of deadlocking.
pub(crate) async fn lock_keys(
    tx: &deadpool_postgres::Transaction<'_>,
    keys: Vec<i64>,
) -> Result<(), StoreError> {
    take_keys(tx, keys, "SELECT pendata_lock_keys($1)").await
}

/// [`lock_keys`] in shared mode: holders of the same key do not wait for each other, only
/// for (and make wait) an exclusive holder.
pub(crate) async fn share_keys(
    tx: &deadpool_postgres::Transaction<'_>,
    keys: Vec<i64>,
) -> Result<(), StoreError> {
    take_keys(
        tx,
        keys,
        "SELECT count(pg_advisory_xact_lock_shared(k)) FROM unnest($1::bigint[]) AS k",
    )
    .await
}

async fn take_keys(
    tx: &deadpool_postgres::Transaction<'_>,
    mut keys: Vec<i64>,
    sql: &str,
) -> Result<(), StoreError> {
    if keys.is_empty() {
        return Ok(());
    }
    keys.sort_unstable();
    keys.dedup();
    tx.execute(sql, &[&keys]).await?;
    Ok(())
}

/// Test support (also for the integration and end-to-end tests, which link the library without
/// features): the test server from the environment, a fresh empty schema per test.
#[doc(hidden)]
#[allow(clippy::expect_used, clippy::panic)]
pub mod testing {
    use super::*;

    /// The server the PostgreSQL tests use: `PENDATA_TEST_DATABASE_URL`, or the `PG*`
    /// variables `pg_virtualenv` exports. `None` when neither is set.
    pub fn test_config() -> Option<tokio_postgres::Config> {
        if let Ok(url) = std::env::var("PENDATA_TEST_DATABASE_URL") {
            return url.parse().ok();
        }
        let host = std::env::var("PGHOST").ok()?;
        let mut c = tokio_postgres::Config::new();
        c.host(&host);
        if let Ok(port) = std::env::var("PGPORT") {
            c.port(port.parse().ok()?);
        }
        c.user(std::env::var("PGUSER").unwrap_or_else(|_| "postgres".into()));
        if let Ok(pw) = std::env::var("PGPASSWORD") {
            c.password(pw);
        }
        c.dbname(std::env::var("PGDATABASE").unwrap_or_else(|_| "postgres".into()));
        Some(c)
    }

    /// Whether the PostgreSQL suites must run (scripts/test sets it): then a missing server
    /// fails them instead of skipping them.
    pub fn required() -> bool {
        std::env::var("PENDATA_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
    }

    /// The test server's configuration, or `None` (after saying so on stderr) when there is
    /// none and it is not required. Panics when it is required and missing.
    pub fn config_or_skip(test: &str) -> Option<tokio_postgres::Config> {
        match test_config() {
            Some(c) => Some(c),
            None if required() => {
                panic!("{test}: PENDATA_REQUIRE_POSTGRES=1 but no PostgreSQL (set PGHOST or PENDATA_TEST_DATABASE_URL)")
            }
            None => {
                eprintln!(
                    "SKIPPED {test}: no PostgreSQL (PGHOST / PENDATA_TEST_DATABASE_URL unset)"
                );
                None
            }
        }
    }

    /// A new schema named after `tag` and a random suffix; the configuration's connections
    /// use it (search_path), so each test gets an empty database of its own.
    pub fn fresh_schema(base: &tokio_postgres::Config, tag: &str) -> tokio_postgres::Config {
        let schema = format!(
            "t_{}_{}",
            tag.chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .take(20)
                .collect::<String>()
                .to_lowercase(),
            &uuid::Uuid::new_v4().simple().to_string()[..12]
        );
        let base2 = base.clone();
        let stmt = format!("CREATE SCHEMA {schema}");
        // On a thread of its own: the caller may be inside an async runtime.
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let (client, conn) = base2
                    .connect(NoTls)
                    .await
                    .expect("connect to test PostgreSQL");
                let task = tokio::spawn(conn);
                client.batch_execute(&stmt).await.expect("create schema");
                drop(client);
                let _ = task.await;
            });
        })
        .join()
        .expect("create the test schema");
        let mut c = base.clone();
        c.options(format!("-c search_path={schema}"));
        c
    }

    /// A fresh store in a schema of its own.
    pub fn fresh_store(base: &tokio_postgres::Config, tag: &str) -> PgStore {
        PgStore::with_config(fresh_schema(base, tag), 8).expect("open PostgreSQL store")
    }

    /// The URL form of a configuration made by [`fresh_schema`] (for `database_url`).
    pub fn url_of(c: &tokio_postgres::Config) -> String {
        use std::fmt::Write;
        let mut url = String::from("postgres://");
        if let Some(user) = c.get_user() {
            url.push_str(&urlencode(user));
            if let Some(pw) = c.get_password() {
                url.push(':');
                url.push_str(&urlencode(&String::from_utf8_lossy(pw)));
            }
            url.push('@');
        }
        match c.get_hosts().first() {
            Some(tokio_postgres::config::Host::Tcp(h)) => url.push_str(h),
            #[cfg(unix)]
            Some(tokio_postgres::config::Host::Unix(p)) => {
                url.push_str(&urlencode(&p.display().to_string()))
            }
            None => url.push_str("localhost"),
        }
        if let Some(port) = c.get_ports().first() {
            let _ = write!(url, ":{port}");
        }
        url.push('/');
        url.push_str(&urlencode(c.get_dbname().unwrap_or("postgres")));
        if let Some(o) = c.get_options() {
            url.push_str("?options=");
            url.push_str(&urlencode(o));
        }
        url
    }

    fn urlencode(s: &str) -> String {
        let mut out = String::new();
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }
}
