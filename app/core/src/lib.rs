//! Pendata client core.

pub mod photo;
