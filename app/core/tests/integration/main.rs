//! The integration tests of `pendata-core`, one module per area, in ONE test binary (one
//! link of SQLCipher, the server and the core instead of eleven). Tests run as threads of
//! this process, in parallel; `common` holds the helpers they share.
//!
//! Run one area: `cargo test -p pendata-core --test integration store_lifecycle::` (the module
//! name is the filter). A new area: a file `tests/integration/NAME.rs` and a `mod NAME;` line.

mod common;

mod at_rest;
mod backup;
mod cli;
mod cli_sync;
mod device;
mod device_case_decision;
mod device_desil;
mod device_settings;
mod device_sync_store;
mod migrations;
mod photo;
mod store_case;
mod store_ground_check;
mod store_lifecycle;
mod store_reoffer;
mod store_search;
mod store_worklist;
mod sync_engine;
mod tls;
mod unsent;
