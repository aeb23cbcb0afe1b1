//! Pendata sync server: accounts, per-device tokens, resumable photo uploads, the household
//! push/pull endpoints (docs/sync-protocol.md) and the supervisor endpoints.
//!
//! Entry points:
//! * [`AppState::open`] builds the stores from a [`Config`];
//! * [`router`] is the whole HTTP API (use it with `Router::oneshot` in tests);
//! * [`serve`] runs it on a listener until a shutdown future resolves.
//!
//! Adding endpoints: write the handler in [`handlers`] taking `State<AppState>` and
//! [`auth::AuthUser`], add its `.route(..)` in [`router::api_routes`] and its path to
//! [`router::ApiDoc`].
//! A new store goes behind a trait in [`store`] with its contract test, and a field here.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub mod auth;
pub mod backend;
pub mod backup;
pub mod cases;
pub mod config;
pub mod dashboard;
pub mod desil_import;
pub mod device_desil;
pub mod epoch;
pub mod error;
pub mod extract;
pub mod handlers;
pub mod migrate;
pub mod month;
pub mod nik_index;
pub mod operator;
pub mod registry_rules;
pub mod router;
pub mod store;
pub mod tidak_layak;
pub mod upload_sweep;
pub mod whereabouts;

pub use config::{Config, ConfigError, Limits};
pub use error::{ApiError, ErrorBody};
pub use router::{api_routes, router, with_middleware, ApiDoc};

use store::{AccountStore, BlobStore, RecordStore, StoreError};

/// Everything a handler needs. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub accounts: Arc<dyn AccountStore>,
    pub blobs: Arc<dyn BlobStore>,
    /// Households, revisions, reviews and the change log (the same database).
    pub records: Arc<dyn RecordStore>,
    /// Failed logins (in memory on SQLite, in the database on PostgreSQL).
    pub limiter: Arc<dyn auth::LoginLimit>,
    /// The database behind the stores ([`backend::Backend`]).
    pub backend: backend::Backend,
    /// Browser sessions of the dashboard (the same database).
    pub web_sessions: Arc<dyn store::web::WebSessionStore>,
    /// Dashboard settings (cookie security, session lifetime).
    pub dashboard: Arc<dashboard::DashboardConfig>,
    /// On SQLite, pushes wait here for the single writer, first come first served, and those
    /// waiting together are stored with one commit ([`handlers::sync::PushQueue`]).
    pub push_queue: Arc<handlers::sync::PushQueue>,
    /// The data's identity and restore lineage, shown in the sync answers ([`epoch`]).
    pub epoch: Arc<epoch::Epoch>,
    /// The key of the duplicate-NIK index ([`nik_index`]).
    pub nik_key: Arc<nik_index::NikKey>,
}

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot open the database: {0}")]
    Store(#[from] StoreError),
    #[error("cannot prepare the photo directory {path}: {source}")]
    Photos {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the photo store: {0}")]
    Blobs(String),
    #[error("server i/o error: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    NikKey(#[from] nik_index::NikKeyError),
}

impl AppState {
    /// Prepares the data directory, opens and migrates the database the configuration names,
    /// opens the photo store.
    pub fn open(config: Config) -> Result<Self, ServerError> {
        let backend = backend::Backend::open(&config, config.limits.db_readers)?;
        let blobs = backend.open_blobs(&config)?;
        // The region list validation checks against, read now (about 15 ms) rather than
        // inside the first facilitator's push.
        pendata_shared::wilayah::Wilayah::embedded();
        // Read once: the lineage changes only by a restore, while no server runs on the data
        // (on PostgreSQL each server holds the serving lock that `mark-restored` waits for).
        if let Some(pg) = backend.postgres() {
            pg.hold_serving_lock()?;
        }
        let epoch = backend.restores.epoch()?;
        let nik_key = nik_index::NikKey::load_or_create(&config.nik_key_path())?;
        tracing::info!(storage = %backend.describe(&config), "stores open");
        Ok(AppState {
            epoch: Arc::new(epoch),
            nik_key: Arc::new(nik_key),
            config: Arc::new(config),
            accounts: backend.accounts.clone(),
            records: backend.records.clone(),
            blobs,
            limiter: backend.limiter.clone(),
            web_sessions: backend.web_sessions.clone(),
            dashboard: Arc::new(dashboard::DashboardConfig::from_env()),
            push_queue: Arc::new(handlers::sync::PushQueue::default()),
            backend,
        })
    }

    /// Runs a login rate-limiter call on the blocking pool (it may ask the database).
    pub async fn login_limit<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn auth::LoginLimit) -> Result<T, StoreError> + Send + 'static,
    {
        let limiter = self.limiter.clone();
        tokio::task::spawn_blocking(move || f(limiter.as_ref()))
            .await
            .map_err(|e| ApiError::internal(StoreError::Task(e.to_string())))?
            .map_err(ApiError::from)
    }

    /// Runs a blocking record-store call on the blocking pool.
    pub async fn records<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn RecordStore) -> Result<T, StoreError> + Send + 'static,
    {
        let store = self.records.clone();
        tokio::task::spawn_blocking(move || f(store.as_ref()))
            .await
            .map_err(|e| ApiError::internal(StoreError::Task(e.to_string())))?
            .map_err(ApiError::from)
    }

    /// Runs a blocking account-store call on the blocking pool.
    pub async fn accounts<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn AccountStore) -> Result<T, StoreError> + Send + 'static,
    {
        let store = self.accounts.clone();
        tokio::task::spawn_blocking(move || f(store.as_ref()))
            .await
            .map_err(|e| ApiError::internal(StoreError::Task(e.to_string())))?
            .map_err(ApiError::from)
    }
}

/// Runs the server on `listener` until `shutdown` resolves; in-flight requests finish first.
pub async fn serve(
    config: Config,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let state = AppState::open(config)?;
    serve_state(state, listener, shutdown).await
}

/// [`serve`] with an already opened state.
pub async fn serve_state(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let addr = listener.local_addr()?;
    tracing::info!(%addr, data_dir = %state.config.data_dir.display(), "listening");
    let idle = Duration::from_secs(
        state
            .config
            .limits
            .abandoned_upload_hours
            .saturating_mul(3600),
    );
    let sweep = tokio::spawn(upload_sweep::run(state.blobs.clone(), idle));
    let nik = tokio::spawn(nik_index::run(
        state.backend.registry.clone(),
        state.nik_key.clone(),
    ));
    let served = axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    sweep.abort();
    nik.abort();
    served?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown requested; finishing in-flight requests");
}
