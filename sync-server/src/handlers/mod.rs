//! The JSON API's handlers (`/api/v1/...`, `/healthz`, `/openapi.json`), one file per area;
//! [`crate::router`] maps paths to them. Each handler checks its input, asks the stores
//! through [`crate::AppState`] and maps storage errors to [`crate::ApiError`] answers.

pub mod auth;
pub mod households;
pub mod meta;
pub mod photos;
mod push_parse;
pub mod sync;
pub mod web_app;
