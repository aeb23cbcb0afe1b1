//! Contract cases of [`RegistryStore`], run on every backend (`backend_tests.rs`), as
//! [`super::contract`]'s.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pendata_shared::dtsen::codes::WelfareDecile;
use pendata_shared::dtsen::family::{FamilyProcess, FamilyRecord};
use pendata_shared::dtsen::members::FamilyMember;
use pendata_shared::model::{Household, Member};
use pendata_shared::month::desil::FamilyDesil;
use pendata_shared::protocol::{Change, PushOutcome, PushRecord};
use pendata_shared::{Questionnaire, RevisionId};

use super::contract::{household, incoming, pusher, ready};
use super::{RecordStore, RegistryStore, RestoreStore, Scope};
use crate::nik_index::{refresh, reindex, NikKey, RefreshError};

fn family(kk: &str, desil: WelfareDecile) -> FamilyDesil {
    FamilyDesil {
        kk_number: kk.into(),
        desil,
    }
}

pub fn a_desil_import_sets_and_overwrites_only_the_families_it_names<S: RegistryStore>(
    make: impl Fn() -> S,
) {
    let s = make();
    assert!(s.desil_imports(10).unwrap().is_empty());
    let (a, b, c) = ("3201012503150001", "3201012503150002", "3201012503150003");
    let first = s
        .import_desil(
            &[
                family(a, WelfareDecile::Decile2),
                family(b, WelfareDecile::Decile7),
            ],
            5,
            "desil-nov.csv",
            Some("operator"),
        )
        .unwrap();
    assert_eq!((first.rows, first.families), (5, 2));
    let second = s
        .import_desil(
            &[
                family(b, WelfareDecile::Decile4),
                family(c, WelfareDecile::Decile1),
            ],
            2,
            "desil-des.csv",
            None,
        )
        .unwrap();
    assert!(second.id > first.id);
    let got = s.desil_of(&[a, b, c, "3201012503159999"]).unwrap();
    assert_eq!(
        got.into_iter().collect::<Vec<_>>(),
        [
            (a.to_owned(), WelfareDecile::Decile2),
            (b.to_owned(), WelfareDecile::Decile4),
            (c.to_owned(), WelfareDecile::Decile1),
        ]
    );
    let imports = s.desil_imports(10).unwrap();
    assert_eq!(
        imports.iter().map(|i| i.label.as_str()).collect::<Vec<_>>(),
        ["desil-des.csv", "desil-nov.csv"]
    );
    assert_eq!(imports[1].username.as_deref(), Some("operator"));
    assert_eq!(imports[0], second);
    assert_eq!(s.desil_imports(1).unwrap().len(), 1);
}

pub fn a_large_desil_import_is_whole<S: RegistryStore>(make: impl Fn() -> S) {
    let s = make();
    // More families than one PostgreSQL statement takes.
    let families: Vec<FamilyDesil> = (0..12_000u32)
        .map(|i| {
            let desil = WelfareDecile::from_code((i % 10 + 1) as u8).unwrap();
            family(&format!("32010125031{i:05}"), desil)
        })
        .collect();
    let import = s
        .import_desil(&families, 30_000, "besar.csv", None)
        .unwrap();
    assert_eq!(import.families, 12_000);
    let probe: Vec<&str> = families
        .iter()
        .step_by(997)
        .map(|f| f.kk_number.as_str())
        .collect();
    let got = s.desil_of(&probe).unwrap();
    assert_eq!(got.len(), probe.len());
    for f in families.iter().step_by(997) {
        assert_eq!(got[&f.kk_number], f.desil);
    }
}

fn with_member(mut h: Household, name: &str, nik: Option<&str>) -> Household {
    let mut m = Member::new(name);
    m.nik = nik.map(str::to_owned);
    h.members.push(m);
    h
}

fn accepted<S: RecordStore>(s: &S, wilayah: &str, rec: super::IncomingRecord) -> RevisionId {
    let rev = rec.record.revision;
    let out = s.push(&pusher(wilayah), vec![rec]).unwrap();
    assert!(
        matches!(out[0], PushOutcome::Accepted { .. }),
        "{:?}",
        out[0]
    );
    rev
}

/// The same NIK in a DTKS household of one kecamatan, a DTKS household of another and a DTSEN
/// family is found whoever pushed them; a supervisor sees the records of their wilayah and only
/// a count of the others; an edit or a deletion takes a record out; another key is refused.
pub fn duplicate_niks_are_found_across_records<S: RecordStore + RegistryStore>(
    make: impl Fn() -> S,
) {
    let s = make();
    let key = NikKey::from_bytes([7; 32]);
    let nik = "3201024101800001";
    let a = with_member(household("3201022001"), "Ani", Some(nik));
    let b = with_member(household("3201012001"), "Ani S.", Some(nik));
    let c = with_member(household("3201022001"), "Budi", Some("3201020101800002"));
    let b_id = b.id;
    accepted(&s, "320102", incoming(a.clone(), None));
    let b_rev = accepted(&s, "320101", incoming(b.clone(), None));
    accepted(&s, "320102", incoming(c, None));
    let mut family = FamilyRecord::new(
        FamilyProcess::GroundCheck {
            assignment_id: "GC-1".into(),
            programme: None,
            desil: None,
        },
        "3201022001",
    );
    let mut m = FamilyMember::new("Ani");
    m.nik = Some(nik.into());
    family.members.push(m);
    let fid = family.id;
    let family_record = |family: &FamilyRecord, base: Option<RevisionId>| {
        let mut rec = ready(
            PushRecord::new(
                RevisionId::new(),
                base,
                chrono::Utc::now(),
                fid,
                Change::UpsertFamily {
                    family: Box::new(family.clone()),
                },
            ),
            Some("3201022001".into()),
            vec![],
        );
        rec.questionnaire = Questionnaire::Regsosek2022k;
        rec
    };
    let first = accepted(&s, "320102", family_record(&family, None));
    // A family's second revision is a family too (PostgreSQL once stored new records as
    // dtks-bdt, and refused every later revision of a family as questionnaire.mismatch).
    family.members[0].name = "Ani Suryani".into();
    accepted(&s, "320102", family_record(&family, Some(first)));

    assert_eq!(refresh(&s, &key).unwrap(), 4);
    assert_eq!(refresh(&s, &key).unwrap(), 0, "nothing new");
    let all = s.nik_duplicates(&Scope::all(), 10).unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].records.len(), 3);
    assert_eq!(all[0].outside_scope, 0);
    assert!(!all[0].group.contains(nik));
    let mut names: Vec<&str> = all[0]
        .records
        .iter()
        .map(|r| r.member_name.as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["Ani", "Ani S.", "Ani Suryani"]);
    assert!(all[0]
        .records
        .iter()
        .any(|r| r.household_id == fid && r.questionnaire == "regsosek2022k"));

    let kec = s.nik_duplicates(&Scope::within("320102"), 10).unwrap();
    assert_eq!(kec.len(), 1);
    assert_eq!(kec[0].records.len(), 2, "the two records of Kec. 320102");
    assert_eq!(
        kec[0].outside_scope, 1,
        "the other kecamatan's, counted only"
    );
    assert!(s
        .nik_duplicates(&Scope::within("3202"), 10)
        .unwrap()
        .is_empty());

    // The other kecamatan corrects its record: it leaves the group.
    let mut b2 = b.clone();
    b2.members[0].nik = None;
    accepted(&s, "320101", incoming(b2, Some(b_rev)));
    assert_eq!(refresh(&s, &key).unwrap(), 1);
    let all = s.nik_duplicates(&Scope::all(), 10).unwrap();
    assert_eq!(all[0].records.len(), 2);
    assert!(all[0].records.iter().all(|r| r.household_id != b_id));

    // Another key is refused until the index is rebuilt with it.
    let other = NikKey::from_bytes([8; 32]);
    assert!(matches!(
        refresh(&s, &other),
        Err(RefreshError::KeyMismatch)
    ));
    assert_eq!(reindex(&s, &other).unwrap(), 4);
    assert_eq!(
        s.nik_duplicates(&Scope::all(), 10).unwrap()[0]
            .records
            .len(),
        2
    );
    assert!(matches!(refresh(&s, &key), Err(RefreshError::KeyMismatch)));
}

/// A restore starts a new timeline and forgets the NIK index (derived data): the key file is
/// not in a backup, and a restored server on a new machine makes a new key. Without this it
/// would refuse to index (key mismatch) until an operator ran `reindex-nik`.
pub fn a_restore_forgets_the_nik_index<S: RecordStore + RegistryStore + RestoreStore>(
    make: impl Fn() -> S,
) {
    let s = make();
    let nik = "3201024101800001";
    accepted(
        &s,
        "320102",
        incoming(with_member(household("3201022001"), "Ani", Some(nik)), None),
    );
    accepted(
        &s,
        "320102",
        incoming(
            with_member(household("3201022002"), "Ani S.", Some(nik)),
            None,
        ),
    );
    let old_key = NikKey::from_bytes([7; 32]);
    assert_eq!(refresh(&s, &old_key).unwrap(), 2);
    assert!(s.nik_key_fingerprint().unwrap().is_some());

    s.mark_restored("cadangan uji").unwrap();
    assert_eq!(
        s.nik_key_fingerprint().unwrap(),
        None,
        "the old key's fingerprint is gone"
    );
    assert!(s.nik_duplicates(&Scope::all(), 10).unwrap().is_empty());

    let new_key = NikKey::from_bytes([9; 32]);
    assert_eq!(
        refresh(&s, &new_key).unwrap(),
        2,
        "the new key indexes everything again"
    );
    let found = s.nik_duplicates(&Scope::all(), 10).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].records.len(), 2);
    assert!(matches!(
        refresh(&s, &old_key),
        Err(RefreshError::KeyMismatch)
    ));
}

/// `#[test]`s of every [`RegistryStore`] case, from `$factory: fn() -> Option<impl Fn() -> S>`.
#[macro_export]
macro_rules! registry_contract_tests {
    ($factory:path) => {
        $crate::registry_contract_cases!($factory;
            a_desil_import_sets_and_overwrites_only_the_families_it_names,
            a_large_desil_import_is_whole,
            duplicate_niks_are_found_across_records,
            a_restore_forgets_the_nik_index);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! registry_contract_cases {
    ($factory:path; $($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                if let Some(make) = $factory() {
                    $crate::store::registry_contract::$case(make);
                }
            }
        )*
    };
}
