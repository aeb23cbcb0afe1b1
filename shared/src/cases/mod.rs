//! The cases a facilitator takes to the field (issue 21 §1; DTSEN-REFERENCE §3.2-3.4, §3.8):
//! usul-sanggah verification, PBI-JK reactivation and graduasi PKH.
//!
//! - [`kind`]: the three kinds, each with its assignment kind and questionnaire id;
//! - [`assignment`]: what an imported case carries to the device (`Assignment::case`), with
//!   [`usul_sanggah`], [`pbi_jk`] and [`graduasi`] holding each kind's details, finding and
//!   rules, [`subject`] the person it is about and [`ineligible`] the "tidak layak" reasons;
//! - [`record`]: the record the facilitator fills in (`Change::UpsertCase`);
//! - [`photos`]: each kind's photo checklist; [`validate`]: the offline rules;
//!   [`export`]: the results columns; [`rules`]: what a Dinsos configures (due days, the
//!   PBI-JK limits, the graduation target).
//!
//! Every fact the reference marks UNCONFIRMED is a rule field or a documented choice.

pub mod assignment;
pub mod export;
pub mod graduasi;
pub mod ineligible;
pub mod kind;
pub mod pbi_jk;
pub mod photos;
pub mod record;
pub mod rules;
pub mod subject;
pub mod usul_sanggah;
pub mod validate;

pub use assignment::{CaseAssignment, CaseDetail};
pub use ineligible::IneligibleReason;
pub use kind::CaseKind;
pub use record::{CaseFinding, CaseRecord, NotACase};
pub use rules::CaseRules;
pub use subject::CaseSubject;
pub use validate::{validate_case, validate_case_assignment};
