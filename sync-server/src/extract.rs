//! Extractors that answer rejections in the [`ApiError`] shape.

use std::net::{IpAddr, SocketAddr};

use axum::body::Bytes;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ApiError;

/// `axum::Json`, with malformed bodies, wrong content types and over-long bodies answered as
/// [`ApiError`]. Also a response type.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    // The rejection text may quote the body; keep it out of the answer and the logs.
    match rejection {
        JsonRejection::MissingJsonContentType(_) => not_json(),
        JsonRejection::JsonSyntaxError(_) => malformed_json(),
        JsonRejection::JsonDataError(_) => invalid_json(),
        other => body_unreadable(other.status()),
    }
}

/// 415 `request.content_type`.
fn not_json() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "request.content_type",
        "Content-Type harus application/json",
    )
    .en("Content-Type must be application/json")
}

/// 400 `request.malformed_json`.
fn malformed_json() -> ApiError {
    ApiError::bad_request(
        "request.malformed_json",
        "Isi permintaan bukan JSON yang sah",
    )
    .en("The request body is not valid JSON")
}

/// 422 `request.invalid_json`.
fn invalid_json() -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "request.invalid_json",
        "Isi JSON tidak sesuai dengan yang diharapkan",
    )
    .en("The JSON does not have the expected shape")
}

/// 413 when the body was over its limit, else 400 `request.body`.
fn body_unreadable(status: StatusCode) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return too_large();
    }
    ApiError::bad_request("request.body", "Isi permintaan tidak dapat dibaca")
        .en("The request body could not be read")
}

/// The answer for a JSON body `serde_json` refused, as [`ApiJson`] answers it: bad syntax
/// (or trailing bytes) is 400 `request.malformed_json`, valid JSON of the wrong shape is 422
/// `request.invalid_json`. The error's text (which may quote the body) is not used.
pub fn json_error(e: &serde_json::Error) -> ApiError {
    match e.classify() {
        serde_json::error::Category::Data => invalid_json(),
        _ => malformed_json(),
    }
}

/// The bytes of a JSON body, for a handler that reads them itself (borrowing from them instead
/// of copying). The content type is checked as `axum::Json` checks it (`application/json`,
/// with parameters, or any `application/*+json`), the body limit and decompression apply, and
/// the rejections are [`ApiJson`]'s. Parse with [`json_error`] for the same answers.
#[derive(Debug, Clone)]
pub struct JsonBytes(pub Bytes);

impl<S> FromRequest<S> for JsonBytes
where
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(not_json());
        }
        match Bytes::from_request(req, state).await {
            Ok(bytes) => Ok(JsonBytes(bytes)),
            Err(rejection) => Err(body_unreadable(rejection.status())),
        }
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    let Some(Ok(value)) = headers
        .get(axum::http::header::CONTENT_TYPE)
        .map(|v| v.to_str())
    else {
        return false;
    };
    let Ok(mime) = value.parse::<mime::Mime>() else {
        return false;
    };
    mime.type_() == "application"
        && (mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json"))
}

/// 413 `request.too_large`.
pub fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "request.too_large",
        "Isi permintaan terlalu besar",
    )
    .en("The request body is too large")
}

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `axum::extract::Query` with rejections (non-numbers, overflowing numbers, missing
/// parameters) answered as 400 `request.bad_query`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(ApiQuery(value)),
            Err(QueryRejection::FailedToDeserializeQueryString(_)) | Err(_) => Err(
                ApiError::bad_request("request.bad_query", "Parameter alamat tidak sah")
                    .en("Invalid query parameters"),
            ),
        }
    }
}

/// The peer address of the connection, if the server was started with connect info.
/// (Behind a reverse proxy this is the proxy; see the report on `X-Forwarded-For`.)
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip()),
        ))
    }
}
