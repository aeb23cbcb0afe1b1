//! Pendata client core. Start at [`Device`]: it unlocks a data directory with the PIN and owns
//! the encrypted store ([`store`]), the encrypted photo blobs ([`blobs`]) and the photo pipeline
//! ([`photo`]) behind one API.

pub mod backup;
pub mod blobs;
pub mod crypto;
pub mod db;
pub mod device;
mod files;
/// The photo pipeline lives in pendata-shared (feature `photo`) so the server can make
/// thumbnails with the same hardened decoder.
pub use pendata_shared::photo;
pub mod store;
pub mod sync;
/// The browser build: storage in the Origin Private File System, JS timers.
#[cfg(all(target_family = "wasm", target_os = "unknown"))]
pub mod web;

pub use device::{Device, DeviceError, PhotoOptions};
