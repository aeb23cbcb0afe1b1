//! The Dinsos month (issue 21; DTSEN-REFERENCE §3.2-3.9): the monthly period and its cut-off,
//! the SIKS-NG desil file, the components that make a family eligible for PKH, and where a
//! household really is. Pure functions and types; the server and the app decide what to store.
//! Every fact the reference marks UNCONFIRMED is a parameter here (with the published or the
//! customary value as its default), never a hidden constant.

pub mod desil;
pub mod geo;
pub mod period;
pub mod pkh;
pub mod zone;
