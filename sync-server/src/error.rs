//! The one error type every endpoint answers with: `{code, message, message_en?}`.

use std::fmt;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Body of every error response (the shared protocol type; the wire format is unchanged).
pub use pendata_shared::protocol::ErrorBody;

/// An error answer. Internal details (the `source`) are logged, never sent.
/// Boxed so `Result<_, ApiError>` stays small; fields are reached through `Deref`.
#[derive(Debug)]
pub struct ApiError(Box<ApiErrorParts>);

/// The contents of an [`ApiError`].
#[derive(Debug)]
pub struct ApiErrorParts {
    pub status: StatusCode,
    pub body: ErrorBody,
    pub retry_after_secs: Option<u64>,
    /// Internal cause, logged once when the response is built; never sent to the client.
    pub source: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: &str) -> Self {
        ApiError(Box::new(ApiErrorParts {
            status,
            body: ErrorBody {
                code: code.to_owned(),
                message: message.to_owned(),
                message_en: None,
                received: None,
            },
            retry_after_secs: None,
            source: None,
        }))
    }

    pub fn en(mut self, message_en: &str) -> Self {
        self.body.message_en = Some(message_en.to_owned());
        self
    }

    pub fn bad_request(code: &str, message: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(code: &str, message: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }

    /// A 500 that logs `cause` and tells the client nothing about it.
    pub fn internal(cause: impl fmt::Display) -> Self {
        let mut e = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Terjadi kesalahan pada server",
        )
        .en("Internal server error");
        e.source = Some(cause.to_string());
        e
    }

    pub fn code(&self) -> &str {
        &self.body.code
    }
}

impl std::ops::Deref for ApiError {
    type Target = ApiErrorParts;
    fn deref(&self) -> &ApiErrorParts {
        &self.0
    }
}

impl std::ops::DerefMut for ApiError {
    fn deref_mut(&mut self) -> &mut ApiErrorParts {
        &mut self.0
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.body.code)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(source) = &self.source {
            tracing::error!(code = %self.body.code, error = %source, "request failed");
        }
        let parts = *self.0;
        let mut response = (parts.status, axum::Json(parts.body)).into_response();
        if let Some(secs) = parts.retry_after_secs {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        ApiError::internal(e)
    }
}

/// 404 for every path no route matches: the dashboard's HTML page under `/dashboard`
/// (a person typed or followed it in a browser), JSON everywhere else.
pub async fn not_found_fallback(uri: axum::http::Uri) -> Response {
    let path = uri.path();
    if path == "/dashboard" || path.starts_with("/dashboard/") {
        return crate::dashboard::not_found_page();
    }
    ApiError::not_found("not_found", "Alamat tidak ditemukan")
        .en("No such endpoint")
        .into_response()
}

/// The 500 answered when a handler panics (tower-http `CatchPanicLayer`); no internals.
pub fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("handler panicked");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "Terjadi kesalahan pada server",
    )
    .en("Internal server error")
    .into_response()
}
