//! The integration tests of `pendata-server`, one module per area, in ONE test binary (one
//! link of axum, SQLite and the server instead of four). Tests run as threads of this
//! process, in parallel; `common` (tests/common, shared with `logging`) holds the helpers.
//!
//! Run one area: `cargo test -p pendata-server --test integration sync::` (the module name is
//! the filter). `logging` stays a binary of its own: tracing caches callsite interest
//! process-wide, so its thread-local subscriber must not share the process with other tests.
//! A new area: a file `tests/integration/NAME.rs` and a `mod NAME;` line below.

#[path = "../common/mod.rs"]
mod common;

mod api;
mod backup;
mod cli;
mod desil;
mod dtsen;
mod postgres;
mod s3;
mod server;
mod sync;
mod web_app;
