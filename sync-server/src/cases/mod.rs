//! Case work (issue 21 §1): usul-sanggah verifications, PBI-JK reactivations and graduasi PKH.
//! `rules.rs` the `[cases]` configuration; the store is [`crate::store::CaseStore`].

pub mod import_csv;
pub mod rules;
