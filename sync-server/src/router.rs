//! Every route of the server in one place: the `/api/v1` JSON API (handlers in
//! [`crate::handlers`]), the dashboard ([`crate::dashboard::routes`]), `/healthz`,
//! `/openapi.json`, and the layers every request runs behind.
//!
//! Adding an endpoint: write the handler in `handlers/`, add its `.route(..)` in
//! [`api_routes`] and its path to [`ApiDoc`].

use std::time::Duration;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::Response;
use axum::routing::{get, post};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;
use tracing::Span;
use utoipa::OpenApi;

use crate::handlers::sync::SchemaBounds;
use crate::handlers::{auth, households, meta, photos, sync, web_app};
use crate::{dashboard, error, AppState, Config, ErrorBody};

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
        meta::healthz,
        meta::openapi_json,
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
            .merge(web_app::routes(state.config.web_dir.as_deref()))
            .route("/healthz", get(meta::healthz))
            .route("/openapi.json", get(meta::openapi_json))
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
