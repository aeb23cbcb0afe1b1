//! serde round trips as property tests, and the protocol's wire shapes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use pendata_shared::codes::*;
use pendata_shared::model::*;
use pendata_shared::photos::PhotoRef;
use pendata_shared::protocol::*;
use pendata_shared::{HouseholdId, MemberId, PhotoKind, RevisionId, Sha256Hex};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::FileFailurePersistence;

fn code<T: CodeList + std::fmt::Debug>() -> impl Strategy<Value = Option<T>> {
    proptest::option::of(select(T::all()))
}

fn date() -> impl Strategy<Value = Option<NaiveDate>> {
    proptest::option::of(
        (1900i32..2026, 1u32..=12, 1u32..=28)
            .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()),
    )
}

fn time() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..2_000_000_000).prop_map(|s| Utc.timestamp_opt(s, 0).single().unwrap_or_default())
}

fn text() -> impl Strategy<Value = String> {
    // Names with Indonesian and odd characters, quotes and control characters included.
    "[a-zA-Z '’\"\\\\é\\n\\t]{0,24}"
}

fn member() -> impl Strategy<Value = Member> {
    (
        (
            text(),
            proptest::option::of("[0-9]{16}"),
            code::<Relation>(),
            code::<Sex>(),
            date(),
            proptest::option::of(0u8..=120),
        ),
        (
            code::<MaritalStatus>(),
            code::<MarriageCertificate>(),
            proptest::option::of(
                (0u8..=15).prop_map(|c| IdentityCards::from_code(c).unwrap_or_default()),
            ),
            code::<YesNo>(),
            code::<Disability>(),
            code::<ChronicIllness>(),
        ),
        (
            code::<SchoolParticipation>(),
            code::<SchoolLevel>(),
            code::<HighestGrade>(),
            code::<Diploma>(),
            proptest::option::of(0u8..=98),
            code::<Sector>(),
        ),
        (
            code::<EmploymentStatus>(),
            code::<Presence>(),
            code::<YesNo>(),
            proptest::option::of(text()),
        ),
    )
        .prop_map(
            |(
                (name, nik, rel, sex, birth, age),
                (mar, cert, cards, preg, dis, ill),
                (sp, lvl, grade, dip, hours, sector),
                (emp, pres, kks, mother),
            )| {
                let mut m = Member::new(name);
                m.nik = nik;
                m.relation_to_head = rel;
                m.sex = sex;
                m.birth_date = birth;
                m.age = age;
                m.marital_status = mar;
                m.marriage_certificate = cert;
                m.identity_cards = cards;
                m.pregnant = preg;
                m.disability = dis;
                m.chronic_illness = ill;
                m.school_participation = sp;
                m.school_level = lvl;
                m.highest_grade = grade;
                m.diploma = dip;
                m.hours_worked = hours;
                m.sector = sector;
                m.employment_status = emp;
                m.presence = pres;
                m.programmes.kks = kks;
                m.mother_maiden_name = mother;
                m
            },
        )
}

fn housing() -> impl Strategy<Value = Housing> {
    (
        (
            code::<BuildingOwnership>(),
            code::<LandStatus>(),
            proptest::option::of(0.5f64..1000.0),
            code::<FloorMaterial>(),
            code::<WallMaterial>(),
            code::<Condition>(),
        ),
        (
            code::<RoofMaterial>(),
            code::<WaterSource>(),
            code::<LightingSource>(),
            code::<ElectricityPower>(),
            code::<CookingFuel>(),
            code::<ToiletFacility>(),
        ),
        (
            code::<ToiletType>(),
            code::<SewageDisposal>(),
            proptest::option::of("[0-9]{12}"),
        ),
    )
        .prop_map(
            |(
                (own, land, area, floor, wall, wc),
                (roof, water, light, daya, fuel, fac),
                (toilet, sewage, pln),
            )| Housing {
                ownership: own,
                land,
                floor_area_m2: area,
                floor,
                wall,
                wall_condition: wc,
                roof,
                drinking_water: water,
                lighting: light,
                electricity_power: daya,
                pln_customer_id: pln,
                cooking_fuel: fuel,
                toilet_facility: fac,
                toilet_type: toilet,
                sewage,
                ..Housing::default()
            },
        )
}

fn photo() -> impl Strategy<Value = PhotoRef> {
    (
        select(PhotoKind::ALL.to_vec()),
        any::<[u8; 8]>(),
        1u64..20_000_000,
        1u32..5000,
        1u32..5000,
        time(),
        proptest::option::of((-11.0f64..6.0, 95.0f64..141.0)),
    )
        .prop_map(
            |(kind, seed, bytes, width, height, taken_at, gps)| PhotoRef {
                kind,
                sha256: Sha256Hex::digest(&seed),
                bytes,
                width,
                height,
                geotag: gps.map(|(latitude, longitude)| Geotag {
                    latitude,
                    longitude,
                    accuracy_m: Some(5.0),
                    fix_time: taken_at,
                    source: GeoSource::Gps,
                }),
                taken_at,
                member_id: None,
            },
        )
}

fn household() -> impl Strategy<Value = Household> {
    (
        prop_oneof![
            "[0-9A-Z-]{1,20}".prop_map(|prelist_id| RecordKind::Verivali { prelist_id }),
            (date(), proptest::option::of(text())).prop_map(|(date, no)| RecordKind::UsulanBaru {
                musdes: MusdesRef {
                    date,
                    berita_acara_number: no
                }
            }),
        ],
        "[0-9]{10}",
        text(),
        proptest::collection::vec(member(), 0..8),
        housing(),
        proptest::collection::vec(photo(), 0..10),
        (
            code::<HouseholdStatus>(),
            code::<NotFoundReason>(),
            code::<VerivaliResult>(),
            code::<AssetPresence>(),
            proptest::option::of(0u16..50),
        ),
        (0u64..10_000_000, proptest::option::of(time())),
    )
        .prop_map(
            |(
                kind,
                desa,
                address,
                members,
                housing,
                photos,
                (status, reason, result, fridge, goats),
                (duration, opened),
            )| {
                let mut h = Household::new(kind, desa);
                h.location.address = address;
                h.members = members;
                h.housing = housing;
                h.photos = photos;
                h.verivali.household_status = status;
                h.verivali.not_found_reason = reason;
                h.verivali.result = result;
                h.assets.refrigerator = fridge;
                h.assets.goats_sheep = goats;
                h.interview.duration_ms = duration;
                h.interview.first_opened_at = opened;
                h.families.push(Family {
                    family_no: 1,
                    kk_number: "3201021501160007".into(),
                });
                h
            },
        )
}

proptest! {
    // Regressions live beside this file (roundtrip.proptest-regressions). The default,
    // SourceParallel, would look in tests/proptest-regressions/ now that main.rs is here.
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions"
        ))),
        ..ProptestConfig::with_cases(256)
    })]

    #[test]
    fn household_json_round_trips(h in household()) {
        let json = serde_json::to_string(&h).unwrap();
        let back: Household = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &h);
        // And the content hash is stable across the round trip.
        let a = content_hash(&Change::Upsert { household: Box::new(h) });
        let b = content_hash(&Change::Upsert { household: Box::new(back) });
        prop_assert_eq!(a, b);
    }

    #[test]
    fn push_batch_round_trips(hs in proptest::collection::vec(household(), 0..4), t in time()) {
        let records = hs.into_iter().map(|h| PushRecord::new(RevisionId::new(), None, t, h.id, Change::Upsert { household: Box::new(h) })).collect();
        let batch = PushBatch { protocol: PROTOCOL_VERSION, batch_id: Default::default(), device_id: Default::default(), records };
        let back: PushBatch = serde_json::from_str(&serde_json::to_string(&batch).unwrap()).unwrap();
        prop_assert_eq!(back, batch);
    }

    #[test]
    fn arbitrary_json_never_panics(s in ".{0,200}") {
        let _ = serde_json::from_str::<Household>(&s);
        let _ = serde_json::from_str::<PushBatch>(&s);
    }
}

#[test]
fn content_hash_changes_with_content() {
    let mut h = Household::new(
        RecordKind::Verivali {
            prelist_id: "X".into(),
        },
        "3201022001",
    );
    let a = content_hash(&Change::Upsert {
        household: Box::new(h.clone()),
    });
    h.location.rt = Some("1".into());
    let b = content_hash(&Change::Upsert {
        household: Box::new(h),
    });
    assert_ne!(a, b);
    assert_ne!(a, content_hash(&Change::Delete));
}

#[test]
fn wire_shapes_are_as_documented() {
    let id = HouseholdId("0193a8f2-6b10-7c41-9a51-3c2d4e5f6000".parse().unwrap());
    let rev = RevisionId("0193a8f2-6b10-7c41-9a51-3c2d4e5f6001".parse().unwrap());
    let r = PushResult {
        household_id: id,
        revision: rev,
        outcome: PushOutcome::Conflict {
            current_revision: None,
            reason: ConflictReason::StaleBase,
        },
    };
    assert_eq!(
        serde_json::to_value(&r).unwrap(),
        serde_json::json!({
            "household_id": "0193a8f2-6b10-7c41-9a51-3c2d4e5f6000",
            "revision": "0193a8f2-6b10-7c41-9a51-3c2d4e5f6001",
            "outcome": {"status": "conflict", "current_revision": null, "reason": "stale_base"}
        })
    );
    assert_eq!(
        serde_json::to_value(Change::Delete).unwrap(),
        serde_json::json!({"op": "delete"})
    );
    let err = ErrorBody {
        code: "photo.offset_mismatch".into(),
        message: "x".into(),
        message_en: None,
        received: Some(5),
    };
    assert_eq!(
        serde_json::to_value(err).unwrap(),
        serde_json::json!({"code": "photo.offset_mismatch", "message": "x", "received": 5})
    );
    assert!(serde_json::from_str::<Sha256Hex>("\"abc\"").is_err());
    let m = MemberId::new();
    assert_eq!(serde_json::to_string(&m).unwrap(), format!("\"{m}\""));
    // Passwords and tokens never show in Debug output.
    let login = LoginRequest {
        username: "u".into(),
        password: "rahasia123".into(),
        device_id: Default::default(),
        device_name: "hp".into(),
    };
    assert!(!format!("{login:?}").contains("rahasia123"));
}

#[test]
fn unknown_fields_are_refused() {
    let mut v: serde_json::Value =
        serde_json::from_str(include_str!("../../../assets/examples/household.json")).unwrap();
    v["members"][0]["nikk"] = serde_json::json!("typo");
    let err = serde_json::from_value::<Household>(v)
        .unwrap_err()
        .to_string();
    assert!(err.contains("nikk"), "{err}");
}
