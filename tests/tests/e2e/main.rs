//! The end-to-end tests of `pendata-e2e`, one module per area, in ONE test binary: each
//! binary links axum, SQLCipher and both cores again, so eleven binaries cost eleven links
//! (most of `cargo test`'s build time). Tests run as threads of this process, in parallel.
//!
//! Run one area: `cargo test -p pendata-e2e --test e2e fault_schedules::` (the module name is
//! the filter). Kept in binaries of their own: `hostile_images` (`harness = false`, one child
//! process per case) and `log_scan` (it installs the process-wide tracing subscriber).
//!
//! A new area: a file `tests/tests/e2e/NAME.rs` and a `mod NAME;` line below. Areas share
//! nothing but the process: each test starts its own server, data directories and devices, so
//! they may run side by side (`-- --test-threads=1` runs them one at a time, e.g. to read one
//! test's output while debugging).

mod access_matrix;
mod backup_restore;
mod cases;
mod crash_client;
mod crash_server;
mod dashboard_browser;
mod dashboard_dtsen;
mod dashboard_http;
mod fault_schedules;
mod ground_check;
mod load;
mod logout_cli;
mod lost_photos;
mod migrate_storage;
mod month;
mod month_end_browser;
mod nik_ganda;
mod pg_restore;
mod photo_upload;
mod proxy;
mod ratify;
mod registry;
mod s3_photos;
mod sync_e2e;
mod two_servers;
mod web_app_browser;
mod web_store;
