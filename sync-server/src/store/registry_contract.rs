//! Contract cases of [`RegistryStore`], run on every backend (`backend_tests.rs`), as
//! [`super::contract`]'s.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pendata_shared::dtsen::codes::WelfareDecile;
use pendata_shared::month::desil::FamilyDesil;

use super::RegistryStore;

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

/// `#[test]`s of every [`RegistryStore`] case, from `$factory: fn() -> Option<impl Fn() -> S>`.
#[macro_export]
macro_rules! registry_contract_tests {
    ($factory:path) => {
        $crate::registry_contract_cases!($factory;
            a_desil_import_sets_and_overwrites_only_the_families_it_names,
            a_large_desil_import_is_whole);
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
