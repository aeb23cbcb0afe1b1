//! The Regsosek2022K code lists: the committed `shared/src/dtsen/codes.rs` is exactly what the
//! generator makes from assets/dtsen/dtsen-codes.tsv, and every line of the TSV is a typed value
//! with its official code and both labels (and nothing else is).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pendata_shared::codes::CodeList;
use pendata_shared::dtsen::codes::{self as dc, QUESTIONS};
use pendata_shared::dtsen::mask::CodeMask;
use pendata_shared::dtsen::opensid::remap_from_opensid;

#[allow(dead_code)]
#[path = "../../examples/gen_dtsen_codes.rs"]
mod generator;

const TSV: &str = include_str!("../../../assets/dtsen/dtsen-codes.tsv");
const GENERATED: &str = include_str!("../../src/dtsen/codes.rs");

#[test]
fn the_committed_code_lists_are_what_the_generator_makes() {
    let made = generator::generate(TSV).unwrap();
    assert!(
        made == GENERATED,
        "shared/src/dtsen/codes.rs is stale: run `cargo run -p pendata-shared --example gen_dtsen_codes`"
    );
}

#[test]
fn every_tsv_code_is_a_typed_value_with_its_labels() {
    let rows = generator::parse(TSV).unwrap();
    assert_eq!(rows.len(), 449, "the reference has 449 codes");
    let mut questions: Vec<&str> = rows.iter().map(|r| r.question.as_str()).collect();
    questions.dedup();
    assert_eq!(questions.len(), 85, "the reference has 85 coded questions");
    assert_eq!(QUESTIONS.len(), 85);
    for r in &rows {
        let text = dc::label(&r.question, r.code)
            .unwrap_or_else(|| panic!("{} code {} has no typed value", r.question, r.code));
        assert_eq!(text.id, r.label_id, "{} {}", r.question, r.code);
        assert_eq!(text.en, r.label_en(), "{} {}", r.question, r.code);
        assert!(!r.label_en().contains("OpenSID"), "{}", r.label_en());
    }
    // Nothing beyond the TSV: every code 0-255 that is not on a line is refused (for bitmasks,
    // sums are accepted by the type but are not single labelled codes).
    for q in QUESTIONS {
        for code in 0..=255u8 {
            let listed = rows.iter().any(|r| r.question == q.id && r.code == code);
            assert_eq!(dc::label(q.id, code).is_some(), listed, "{} {code}", q.id);
        }
    }
}

#[test]
fn the_paper_form_codes_win_where_opensid_differs() {
    assert_eq!(dc::Roof::Bamboo.code(), 5);
    assert_eq!(dc::Roof::WoodShingles.code(), 6);
    assert_eq!(dc::WaterWasteDistance::DontKnow.code(), 8);
    assert_eq!(dc::CookingFuel::NoCooking.code(), 0);
    assert_eq!(dc::WaterWasteDistance::from_code(3), None);
    assert_eq!(dc::CookingFuel::from_code(12), None);
    // An OpenSID import maps its numbers to the form's.
    assert_eq!(remap_from_opensid("305", 5), dc::Roof::WoodShingles.code());
    assert_eq!(remap_from_opensid("305", 6), dc::Roof::Bamboo.code());
    assert_eq!(remap_from_opensid("306b", 3), 8);
    assert_eq!(remap_from_opensid("308", 12), 0);
    assert_eq!(remap_from_opensid("308", 4), 4);
    assert_eq!(remap_from_opensid("303", 5), 5);
}

#[test]
fn code_lists_travel_as_their_numbers() {
    let json = serde_json::to_string(&dc::EmploymentStatus::CivilServant).unwrap();
    assert_eq!(json, "5");
    assert_eq!(
        serde_json::from_str::<dc::Presence>("4").unwrap(),
        dc::Presence::MovedAbroad
    );
    let err = serde_json::from_str::<dc::Presence>("7")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("tidak dikenal") && err.contains("regsosek2022k.404"),
        "{err}"
    );
    assert_eq!(dc::KkCode::SplitOff.text().en, "Split-off family");
}

#[test]
fn bitmasks_take_sums_and_their_sentinel_alone() {
    let docs = dc::IdentityDocs::from_code(5).unwrap();
    assert!(
        docs.contains(dc::IdentityDocs::KTP) && docs.contains(dc::IdentityDocs::BIRTH_CERTIFICATE)
    );
    assert!(!docs.contains(dc::IdentityDocs::KIA));
    assert_eq!(dc::IdentityDocs::from_code(8), None, "no bit 8 in 411");
    let texts: Vec<String> = docs
        .texts()
        .into_iter()
        .map(|t| t.id.into_owned())
        .collect();
    assert_eq!(texts, ["Akta kelahiran", "KTP"]);
    assert_eq!(dc::IdentityDocs::NONE.texts()[0].id, "Tidak memiliki");

    let other = dc::HealthInsurance::from_code(99).unwrap();
    assert!(other.is_sentinel() && !other.contains(dc::HealthInsurance::PBI_JKN));
    assert_eq!(other.texts()[0].en, "Other");
    assert_eq!(
        dc::HealthInsurance::from_code(98),
        None,
        "98 is neither a sum nor the sentinel"
    );
    assert_eq!(
        dc::HealthInsurance::from_code(15).map(|m| m.code()),
        Some(15)
    );
    assert_eq!(
        dc::EmploymentInsurance::from_code(31).map(|m| m.code()),
        Some(31)
    );
    assert_eq!(dc::EmploymentInsurance::from_code(32), None);
    assert_eq!(
        dc::BusinessInternetUse::from_code(63).map(|m| m.code()),
        Some(63)
    );
    let err = serde_json::from_str::<dc::IdentityDocs>("9")
        .unwrap_err()
        .to_string();
    assert!(err.contains("411"), "{err}");
    assert_eq!(
        serde_json::to_string(
            &dc::HealthInsurance::PBI_JKN.with(dc::HealthInsurance::OTHER_INSURANCE)
        )
        .unwrap(),
        "9"
    );
    assert_eq!(<dc::HealthInsurance as CodeMask>::QUESTION, "431a");
}
