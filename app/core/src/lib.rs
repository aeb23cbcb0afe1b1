//! Pendata client core.
