//! Pendata client core.
pub mod sync;
