//! Case work (issue 21 §1): usul-sanggah verifications, PBI-JK reactivations and graduasi PKH.
//! The `[cases]` configuration is `pendata_shared::cases::CaseRules`; `import_csv.rs` the usul-sanggah file,
//! `import.rs` its rows as cases, `assignment.rs` a case as devices receive it. The store is
//! [`crate::store::CaseStore`]; the pages are `crate::dashboard::cases`.

pub mod assignment;
pub mod decision_back;
pub mod import;
pub mod import_csv;
pub mod validate;
