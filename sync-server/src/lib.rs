//! Pendata sync server.
