//! The Pendata model shared by the app and the server. Does no I/O.

pub mod jpeg;
