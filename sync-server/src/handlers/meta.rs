//! `GET /healthz` and `GET /openapi.json`.

use serde::{Deserialize, Serialize};
use utoipa::OpenApi;

use crate::extract;
use crate::router::ApiDoc;

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
pub async fn healthz() -> extract::ApiJson<Health> {
    extract::ApiJson(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

#[utoipa::path(
    get, path = "/openapi.json", tag = "meta",
    responses((status = 200, description = "This document", content_type = "application/json"))
)]
pub async fn openapi_json() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}
