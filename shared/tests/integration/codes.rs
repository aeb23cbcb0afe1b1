//! Every code list serialises to its official code and back; unknown codes are refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pendata_shared::codes::*;
use pendata_shared::PhotoKind;

fn check_list<T>(expected_codes: &[u8])
where
    T: CodeList + serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let codes: Vec<u8> = T::all().iter().map(|v| v.code()).collect();
    assert_eq!(codes, expected_codes, "{}", T::CODESET);
    for &v in T::all() {
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(json, v.code().to_string(), "{}", T::CODESET);
        assert_eq!(serde_json::from_str::<T>(&json).unwrap(), v);
        assert_eq!(T::from_code(v.code()), Some(v));
        assert!(!v.label_id().is_empty() && !v.label_en().is_empty());
    }
    let unknown = (0..=255u8).find(|c| !expected_codes.contains(c)).unwrap();
    let err = serde_json::from_str::<T>(&unknown.to_string())
        .unwrap_err()
        .to_string();
    assert!(err.contains("tidak dikenal"), "{err}");
    assert!(
        serde_json::from_str::<T>("\"1\"").is_err(),
        "a string is not a code"
    );
}

fn range(a: u8, b: u8) -> Vec<u8> {
    (a..=b).collect()
}

#[test]
fn every_code_list_keeps_its_official_codes() {
    check_list::<HouseholdStatus>(&range(1, 4));
    check_list::<NotFoundReason>(&range(1, 4));
    check_list::<YesNo>(&range(1, 2));
    check_list::<VerivaliResult>(&range(1, 6));
    check_list::<Presence>(&range(1, 6));
    check_list::<PadanStatus>(&range(1, 2));
    check_list::<DocumentFlag>(&range(1, 2));
    check_list::<BuildingOwnership>(&range(1, 5));
    check_list::<LandStatus>(&range(1, 4));
    check_list::<FloorMaterial>(&range(1, 10));
    check_list::<WallMaterial>(&range(1, 7));
    check_list::<Condition>(&range(1, 2));
    check_list::<RoofMaterial>(&range(1, 10));
    check_list::<WaterSource>(&range(1, 12));
    check_list::<WaterProvider>(&range(1, 4));
    check_list::<WaterAcquisition>(&range(1, 3));
    check_list::<LightingSource>(&range(1, 3));
    check_list::<ElectricityPower>(&range(1, 6));
    check_list::<CookingFuel>(&range(1, 9));
    check_list::<GasProvider>(&range(1, 3));
    check_list::<ToiletFacility>(&range(1, 4));
    check_list::<ToiletType>(&range(1, 4));
    check_list::<SewageDisposal>(&range(1, 6));
    check_list::<AssetPresence>(&range(1, 4));
    check_list::<Relation>(&range(1, 8));
    check_list::<Sex>(&range(1, 2));
    check_list::<MaritalStatus>(&range(1, 4));
    check_list::<MarriageCertificate>(&range(0, 2));
    check_list::<Disability>(&range(0, 11));
    check_list::<ChronicIllness>(&range(0, 9));
    check_list::<SchoolParticipation>(&range(0, 2));
    check_list::<SchoolLevel>(&range(1, 10));
    check_list::<HighestGrade>(&range(1, 8));
    check_list::<Diploma>(&range(0, 6));
    check_list::<Sector>(&range(1, 21));
    check_list::<EmploymentStatus>(&range(1, 8));
}

#[test]
fn skip_rule_helpers_follow_the_codes() {
    let walls: Vec<u8> = WallMaterial::ALL
        .iter()
        .filter(|w| w.has_condition())
        .map(|w| w.code())
        .collect();
    assert_eq!(walls, [1, 2, 3]);
    let roofs: Vec<u8> = RoofMaterial::ALL
        .iter()
        .filter(|r| r.has_condition())
        .map(|r| r.code())
        .collect();
    assert_eq!(roofs, range(1, 7));
    let yes: Vec<u8> = AssetPresence::ALL
        .iter()
        .filter(|a| a.is_yes())
        .map(|a| a.code())
        .collect();
    assert_eq!(yes, [1, 3]);
}

#[test]
fn identity_cards_bitmask() {
    let c = IdentityCards::KTP.with(IdentityCards::SIM);
    assert_eq!(c.code(), 12);
    assert!(c.contains(IdentityCards::KTP) && !c.contains(IdentityCards::STUDENT_CARD));
    assert_eq!(c.without(IdentityCards::SIM), IdentityCards::KTP);
    assert_eq!(serde_json::to_string(&c).unwrap(), "12");
    for code in 0..=15u8 {
        let v: IdentityCards = serde_json::from_str(&code.to_string()).unwrap();
        assert_eq!(v.code(), code);
    }
    assert!(serde_json::from_str::<IdentityCards>("16").is_err());
}

#[test]
fn photo_kinds_use_siks_droid_stereotypes() {
    let names: Vec<String> = PhotoKind::VERIVALI_NINE
        .iter()
        .map(|k| serde_json::to_string(k).unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "\"F-RUMAH\"",
            "\"F-DINDING\"",
            "\"F-LANTAI\"",
            "\"F-ATAP\"",
            "\"F-DAPUR\"",
            "\"F-JAMBAN\"",
            "\"F-KK\"",
            "\"F-KTP\"",
            "\"F-KRT\""
        ]
    );
    for k in PhotoKind::ALL {
        assert_eq!(PhotoKind::parse(k.stereotype()), Some(k));
        assert_eq!(
            serde_json::to_string(&k).unwrap(),
            format!("\"{}\"", k.stereotype())
        );
    }
    assert_eq!(PhotoKind::parse("ktp"), Some(PhotoKind::Ktp));
    assert_eq!(PhotoKind::parse("F-SELFIE"), None);
}
