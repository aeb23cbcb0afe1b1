//! Records and prelists in the format of December 2026 (before questionnaire versions existed)
//! are frozen under tests/fixtures/dtks-bdt-2026-12/. They must keep parsing, validating and
//! serialising exactly as they did: same findings, same bytes, same content hash (the server
//! and the devices compare hashes, so a changed hash would turn old records into conflicts).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{NaiveDate, TimeZone, Utc};
use pendata_shared::ids::RevisionId;
use pendata_shared::prelist::parse_prelist_bytes;
use pendata_shared::protocol::{content_hash, Change, PushRecord};
use pendata_shared::validate::{validate_household, Context};
use pendata_shared::{Household, Questionnaire};

const HOUSEHOLD: &str = include_str!("../fixtures/dtks-bdt-2026-12/household.json");
const PRELIST: &[u8] = include_bytes!("../fixtures/dtks-bdt-2026-12/prelist.csv");
/// `content_hash` of the fixture household's upsert, computed by the code of main at fb94d74
/// (before questionnaire versions).
const FROZEN_HASH: &str = "31575636c14a1efec616540987782d6ff9370b30b731b9ecc2d2a0cb9597bbb7";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

#[test]
fn an_old_household_parses_as_dtks_bdt_and_validates_unchanged() {
    let h: Household = serde_json::from_str(HOUSEHOLD).unwrap();
    assert_eq!(h.questionnaire, Questionnaire::DtksBdt);
    let findings = validate_household(&h, &Context::embedded(today()));
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn an_old_household_serialises_to_the_same_json_and_hash() {
    let h: Household = serde_json::from_str(HOUSEHOLD).unwrap();
    let again: serde_json::Value = serde_json::to_value(&h).unwrap();
    let frozen: serde_json::Value = serde_json::from_str(HOUSEHOLD).unwrap();
    assert_eq!(again, frozen, "no field added, dropped or changed");
    assert!(
        !serde_json::to_string(&h).unwrap().contains("questionnaire"),
        "the default version stays out of the JSON"
    );
    let change = Change::Upsert {
        household: Box::new(h.clone()),
    };
    assert_eq!(content_hash(&change).as_str(), FROZEN_HASH);
    let rec = PushRecord::new(
        RevisionId::new(),
        None,
        Utc.with_ymd_and_hms(2026, 11, 20, 3, 0, 0).unwrap(),
        h.id,
        change,
    );
    assert_eq!(rec.content_sha256.as_str(), FROZEN_HASH);
}

#[test]
fn an_old_prelist_still_parses_without_errors() {
    let parsed = parse_prelist_bytes(PRELIST, today()).unwrap();
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(parsed.skipped_households, 0);
    let members: usize = parsed.households.iter().map(|h| h.members.len()).sum();
    assert_eq!(members, 33, "one row per member");
    assert!(parsed.households.len() >= 5);
}
