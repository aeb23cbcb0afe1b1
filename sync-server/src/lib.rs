//! Pendata sync server: accounts, per-device tokens, resumable photo uploads, the household
//! push/pull endpoints (docs/sync-protocol.md) and the supervisor endpoints.
//!
//! Entry points:
//! * [`AppState::open`] builds the stores from a [`Config`];
//! * [`router`] is the whole HTTP API (use it with `Router::oneshot` in tests);
//! * [`serve`] runs it on a listener until a shutdown future resolves.
//!
//! Adding endpoints (e.g. sync push/pull): write the handler taking `State<AppState>` and
//! [`auth::AuthUser`], add its `.route(..)` in [`api_routes`] and its path to [`ApiDoc`].
//! A new store goes behind a trait in [`store`] with its contract test, and a field here.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use sync::SchemaBounds;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;
use tracing::Span;
use utoipa::OpenApi;

pub mod auth;
pub mod config;
pub mod dashboard;
pub mod error;
pub mod extract;
pub mod households;
pub mod operator;
pub mod photos;
mod push_parse;
pub mod store;
pub mod sync;

pub use config::{Config, ConfigError, Limits};
pub use error::{ApiError, ErrorBody};

use store::files::FileBlobStore;
use store::sqlite::SqliteStore;
use store::{AccountStore, BlobLimits, BlobStore, RecordStore, StoreError};

/// Everything a handler needs. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub accounts: Arc<dyn AccountStore>,
    pub blobs: Arc<dyn BlobStore>,
    /// Households, revisions, reviews and the change log (the same database).
    pub records: Arc<dyn RecordStore>,
    pub limiter: Arc<auth::LoginLimiter>,
    /// The SQLite database behind `accounts`; later stores (households) share it.
    pub db: Arc<SqliteStore>,
    /// Browser sessions of the dashboard (the same database).
    pub web_sessions: Arc<dyn store::sqlite_web::WebSessionStore>,
    /// Dashboard settings (cookie security, session lifetime).
    pub dashboard: Arc<dashboard::DashboardConfig>,
    /// Pushes wait here for the single writer, first come first served, and those waiting
    /// together are stored with one commit ([`sync::PushQueue`]).
    pub push_queue: Arc<sync::PushQueue>,
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
    #[error("server i/o error: {0}")]
    Io(#[from] std::io::Error),
}

impl AppState {
    /// Prepares the data directory, opens and migrates the database, opens the photo store.
    pub fn open(config: Config) -> Result<Self, ServerError> {
        config.prepare_data_dir()?;
        let db = Arc::new(SqliteStore::open(
            &config.db_path(),
            config.limits.db_readers,
        )?);
        let photos = config.photos_dir();
        let blobs = FileBlobStore::open(
            &photos,
            BlobLimits {
                max_blob_bytes: config.limits.max_photo_bytes,
                max_chunk_bytes: config.limits.max_chunk_bytes,
            },
        )
        .map_err(|source| ServerError::Photos {
            path: photos.clone(),
            source,
        })?;
        // The region list validation checks against, read now (about 15 ms) rather than
        // inside the first facilitator's push.
        pendata_shared::wilayah::Wilayah::embedded();
        let limiter = auth::LoginLimiter::new(
            config.limits.login_max_failures,
            Duration::from_secs(config.limits.login_window_secs),
        );
        Ok(AppState {
            config: Arc::new(config),
            accounts: db.clone(),
            records: db.clone(),
            blobs: Arc::new(blobs),
            limiter: Arc::new(limiter),
            web_sessions: db.clone(),
            dashboard: Arc::new(dashboard::DashboardConfig::from_env()),
            push_queue: Arc::new(sync::PushQueue::default()),
            db,
        })
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

/// `GET /healthz` answer.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Health {
    pub status: String,
    pub version: String,
}

#[utoipa::path(
    get, path = "/healthz", tag = "meta",
    responses((status = 200, description = "The server is up", body = Health))
)]
async fn healthz() -> extract::ApiJson<Health> {
    extract::ApiJson(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

#[utoipa::path(
    get, path = "/openapi.json", tag = "meta",
    responses((status = 200, description = "This document", content_type = "application/json"))
)]
async fn openapi_json() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI document of every endpoint (served at `/openapi.json`).
#[derive(OpenApi)]
#[openapi(
    info(title = "Pendata sync server", description = "Errors are always `ErrorBody` JSON."),
    paths(
        healthz,
        openapi_json,
        auth::login,
        auth::logout,
        auth::me,
        photos::missing,
        photos::put_chunk,
        photos::get_photo,
        sync::push,
        sync::pull,
        households::review,
        households::resolve,
        households::list,
        households::get_one,
    ),
    components(schemas(ErrorBody, pendata_shared::protocol::PushBatch)),
    modifiers(&BearerAuth, &SchemaBounds)
)]
pub struct ApiDoc;

/// The `/api/v1` routes. Sync endpoints plug in here.
pub fn api_routes(config: &Config) -> Router<AppState> {
    let json_limit = usize::try_from(config.limits.max_json_bytes).unwrap_or(usize::MAX);
    let chunk_limit = usize::try_from(config.limits.max_chunk_bytes).unwrap_or(usize::MAX);
    // Bodies that stop arriving (a half-open connection) end after this much silence: the
    // chunk handler then keeps what arrived and releases the photo.
    let body_idle =
        RequestBodyTimeoutLayer::new(std::time::Duration::from_secs(config.limits.body_idle_secs));
    Router::new()
        .route("/api/v1/auth/login", post(auth::login))
        .route("/api/v1/auth/logout", post(auth::logout))
        .route("/api/v1/me", get(auth::me))
        .route("/api/v1/photos/missing", post(photos::missing))
        .route(
            "/api/v1/photos/{sha256}",
            get(photos::get_photo)
                .put(photos::put_chunk)
                .layer::<_, std::convert::Infallible>(DefaultBodyLimit::max(chunk_limit))
                .layer(body_idle.clone()),
        )
        .route(
            "/api/v1/push",
            post(sync::push)
                .layer::<_, std::convert::Infallible>(RequestDecompressionLayer::new())
                .layer(body_idle),
        )
        .route("/api/v1/pull", get(sync::pull))
        .route("/api/v1/households", get(households::list))
        .route("/api/v1/households/{id}", get(households::get_one))
        .route("/api/v1/households/{id}/review", post(households::review))
        .route("/api/v1/households/{id}/resolve", post(households::resolve))
        .layer(DefaultBodyLimit::max(json_limit))
}

/// The whole application: routes, JSON 404, panic catching, request tracing.
pub fn router(state: AppState) -> Router {
    with_middleware(
        api_routes(&state.config)
            .merge(dashboard::routes())
            .route("/healthz", get(healthz))
            .route("/openapi.json", get(openapi_json))
            .fallback(error::not_found_fallback)
            .with_state(state),
    )
}

/// The layers every route runs behind: panics become a JSON 500 without internals, and one
/// span per request with the method, the route template, the status and the latency.
pub fn with_middleware(routes: Router) -> Router {
    routes
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(
            TraceLayer::new_for_http()
                // Only the method and the route template: never the raw URI (query strings),
                // headers (Authorization) or bodies.
                .make_span_with(|req: &Request| {
                    let path = req
                        .extensions()
                        .get::<MatchedPath>()
                        .map(MatchedPath::as_str)
                        .unwrap_or("<unmatched>");
                    tracing::info_span!(
                        "request",
                        method = %req.method(),
                        path,
                        status = tracing::field::Empty,
                        latency_ms = tracing::field::Empty,
                    )
                })
                .on_request(())
                .on_response(|res: &Response<_>, latency: Duration, span: &Span| {
                    span.record("status", res.status().as_u16());
                    span.record("latency_ms", latency.as_millis() as u64);
                    tracing::info!("response");
                })
                .on_failure(()),
        )
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
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
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
