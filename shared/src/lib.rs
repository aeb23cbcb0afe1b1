//! The Pendata model shared by the app and the server: the DTKS household model and the DTSEN
//! (Regsosek2022K) family model ([`dtsen`]), each with its code lists, region codes, NIK/KK structure, offline validation and the sync
//! protocol types. Does no I/O and depends on no runtime, database, HTTP or UI crate.
pub mod cases;
pub mod codes;
pub mod dtsen;
pub mod ids;
pub mod jpeg;
pub mod model;
pub mod month;
pub mod nik;
#[cfg(feature = "openapi")]
pub mod openapi;
#[cfg(feature = "photo")]
pub mod photo;
pub mod photos;
pub mod prelist;
pub mod protocol;
pub mod questionnaire;
pub mod text;
pub mod time;
pub mod validate;
pub mod wilayah;

pub use codes::CodeList;
pub use ids::{BatchId, DeviceId, HouseholdId, MemberId, RevisionId, Sha256Hex};
pub use model::{Household, Member, RecordKind};
pub use photos::{PhotoKind, PhotoRef};
pub use questionnaire::Questionnaire;
pub use text::{Localized, Text};
pub use validate::{validate_batch, validate_household, Context, Finding, Severity};
pub use wilayah::Wilayah;

/// A language for people-facing text: Bahasa Indonesia first, English second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Id,
    En,
}
