//! The integration tests of `pendata-shared`, one module per area, in ONE test binary (one
//! link instead of five). Run one area: `cargo test -p pendata-shared --test integration nik::`
//! (the module name is the filter). A new area: a file `tests/integration/NAME.rs` and a
//! `mod NAME;` line below.

mod cases;
mod codes;
mod dtsen_codes;
mod dtsen_export;
mod dtsen_listing;
mod dtsen_validate;
mod frozen;
mod nik;
mod roundtrip;
mod validate;
mod wilayah;
