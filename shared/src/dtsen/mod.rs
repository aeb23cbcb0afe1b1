//! DTSEN: the Regsosek2022K family questionnaire (DTSEN-REFERENCE.md), beside the DTKS household
//! form of [`crate::model`]. Its unit is the family (one KK); several families of one building
//! are separate records that share the building number (109).
//!
//! - [`codes`]: the code lists, generated from `assets/dtsen/dtsen-codes.tsv`.
//! - [`family`]: the record, its process (ground check or usulan baru), place and Blok II.
//! - [`housing`], [`members`], [`programmes`]: Blok III, IV and V.
//! - [`ground_check`]: the ground-check outcome, visits and the revisit rule.
//! - [`listing`]: the ground-check list CSV a supervisor imports.
//! - [`export`]: the results export, one row per family and per member.
//! - [`validate`]: every finding for a family and for a batch.

#[rustfmt::skip]
pub mod codes;
pub mod export;
pub mod family;
pub mod ground_check;
pub mod housing;
pub mod listing;
pub mod mask;
pub mod members;
pub mod opensid;
pub mod programmes;
pub mod validate;

pub use family::{Enumeration, FamilyLocation, FamilyProcess, FamilyRecord};
pub use ground_check::{GroundCheck, GroundCheckOutcome, RevisitPolicy, Visit, VisitResult};
pub use housing::Housing;
pub use members::{Difficulties, FamilyMember};
pub use programmes::{Assets, ProgrammeAnswer, Programmes};
pub use validate::{validate_family, validate_family_batch, DtsenRules};
