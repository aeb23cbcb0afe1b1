//! Pendata client core.

pub mod blobs;
pub mod crypto;
pub mod db;
pub mod photo;
pub mod store;
pub mod sync;
