//! Pendata client core.
pub mod store;
