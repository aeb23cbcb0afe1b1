//! Pendata client core. Start at [`Device`]: it unlocks a data directory with the PIN and owns
//! the encrypted store ([`store`]), the encrypted photo blobs ([`blobs`]) and the photo pipeline
//! ([`photo`]) behind one API.

pub mod blobs;
pub mod crypto;
pub mod db;
pub mod device;
pub mod photo;
pub mod store;
pub mod sync;

pub use device::{Device, DeviceError, PhotoOptions};
