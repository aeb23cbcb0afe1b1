//! Contract cases of [`PeriodStore`], run on every backend (`backend_tests.rs`), as
//! [`super::contract`]'s.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use pendata_shared::month::period::Period;

use super::period::{Agreement, AgreementForm, Arrival, PeriodError, KIND_HOUSEHOLD};
use super::{PeriodStore, Scope};

const DESA: &str = "3201020001";
const OTHER_DESA: &str = "3202010001";

fn dec() -> Period {
    "2026-12".parse().unwrap()
}

fn arrival(id: &str, desa: &str) -> Arrival {
    Arrival {
        kind: KIND_HOUSEHOLD.into(),
        item_id: id.into(),
        desa_code: desa.into(),
        label: format!("Kepala {id}"),
    }
}

fn musdes() -> Agreement {
    Agreement {
        form: AgreementForm::Musdes,
        held_on: NaiveDate::from_ymd_opt(2026, 12, 15).unwrap(),
        document_number: "BA/12/2026/001".into(),
        attendance: Some(23),
        note: "musdes dusun I-III".into(),
    }
}

fn item(id: &str) -> (String, String) {
    (KIND_HOUSEHOLD.into(), id.into())
}

pub fn arrivals_keep_their_period_and_skip_a_locked_one<S: PeriodStore>(make: impl Fn() -> S) {
    let s = make();
    assert_eq!(s.note_arrival(&arrival("a", DESA), dec()).unwrap(), dec());
    // Noted once: a later arrival of the same item keeps the first period.
    assert_eq!(
        s.note_arrival(&arrival("a", DESA), dec().next()).unwrap(),
        dec()
    );
    assert_eq!(s.note_arrival(&arrival("b", DESA), dec()).unwrap(), dec());
    s.record_agreement(DESA, dec(), &musdes(), &[item("a")], "sup")
        .unwrap();
    s.check_period(DESA, dec(), "sup").unwrap();
    s.approve_period(DESA, dec(), "kepala").unwrap();
    let d = s.desa_period(DESA, dec()).unwrap();
    assert!(d.locked());
    assert_eq!((d.items, d.agreed), (2, 1));
    assert_eq!(d.approved.as_ref().unwrap().username, "kepala");
    assert_eq!(d.checked.as_ref().unwrap().username, "sup");
    assert_eq!(d.agreement, Some(musdes()));
    // Due in December, but December is locked for this desa: January, visibly.
    let jan = dec().next();
    assert_eq!(s.note_arrival(&arrival("c", DESA), dec()).unwrap(), jan);
    let c = s.item_period(KIND_HOUSEHOLD, "c").unwrap().unwrap();
    assert_eq!((c.period, c.locked), (jan, false));
    let a = s.item_period(KIND_HOUSEHOLD, "a").unwrap().unwrap();
    assert_eq!(
        (a.desa_code.as_str(), a.period, a.locked),
        (DESA, dec(), true)
    );
    assert!(s.item_period(KIND_HOUSEHOLD, "nope").unwrap().is_none());
    // One push's arrivals together: each in its own desa's open period, in order.
    let together = s
        .note_arrivals(
            &[
                arrival("e", DESA),
                arrival("f", OTHER_DESA),
                arrival("a", DESA),
            ],
            dec(),
        )
        .unwrap();
    assert_eq!(together, [jan, dec(), dec()]);
    // Another desa's December is not locked.
    assert_eq!(
        s.note_arrival(&arrival("d", OTHER_DESA), dec()).unwrap(),
        dec()
    );
    let items = s.period_items(DESA, dec()).unwrap();
    assert_eq!(
        items
            .iter()
            .map(|i| (i.item_id.as_str(), i.agreed, i.label.as_str()))
            .collect::<Vec<_>>(),
        [("a", true, "Kepala a"), ("b", false, "Kepala b")]
    );
    assert_eq!(s.period_items(DESA, jan).unwrap().len(), 2);
}

pub fn a_locked_period_refuses_every_change<S: PeriodStore>(make: impl Fn() -> S) {
    let s = make();
    s.note_arrival(&arrival("a", DESA), dec()).unwrap();
    s.record_agreement(DESA, dec(), &musdes(), &[item("a")], "sup")
        .unwrap();
    s.add_agreement_photo(DESA, dec(), &"ab".repeat(32), "sup")
        .unwrap();
    s.check_period(DESA, dec(), "sup").unwrap();
    s.approve_period(DESA, dec(), "kepala").unwrap();
    let before = s.desa_period(DESA, dec()).unwrap();
    let locked = |e: PeriodError| {
        assert_eq!(e.code(), "period.locked", "{e}");
        assert!(e.message().0.contains("dikunci"));
    };
    let mut changed = musdes();
    changed.attendance = Some(1);
    locked(
        s.record_agreement(DESA, dec(), &changed, &[], "sup")
            .unwrap_err(),
    );
    locked(
        s.add_agreement_photo(DESA, dec(), &"cd".repeat(32), "sup")
            .unwrap_err(),
    );
    locked(s.check_period(DESA, dec(), "sup2").unwrap_err());
    locked(s.approve_period(DESA, dec(), "kepala2").unwrap_err());
    assert_eq!(s.desa_period(DESA, dec()).unwrap(), before);
    assert_eq!(before.photos, ["ab".repeat(32)]);
}

pub fn ratification_goes_in_two_steps_by_two_people<S: PeriodStore>(make: impl Fn() -> S) {
    let s = make();
    s.note_arrival(&arrival("a", DESA), dec()).unwrap();
    s.note_arrival(&arrival("x", OTHER_DESA), dec()).unwrap();
    assert_eq!(
        s.check_period(DESA, dec(), "sup").unwrap_err().code(),
        "period.no_agreement"
    );
    assert_eq!(
        s.add_agreement_photo(DESA, dec(), &"ab".repeat(32), "sup")
            .unwrap_err()
            .code(),
        "period.no_agreement"
    );
    // The BNBA may only name this desa's proposals of this period; nothing is kept then.
    assert_eq!(
        s.record_agreement(DESA, dec(), &musdes(), &[item("a"), item("x")], "sup")
            .unwrap_err()
            .code(),
        "period.unknown_item"
    );
    assert!(s.desa_period(DESA, dec()).unwrap().agreement.is_none());
    let sptjm = Agreement {
        form: AgreementForm::Sptjm,
        attendance: None,
        document_number: "SPTJM/7/2026".into(),
        ..musdes()
    };
    s.record_agreement(DESA, dec(), &sptjm, &[item("a")], "sup")
        .unwrap();
    assert_eq!(
        s.approve_period(DESA, dec(), "kepala").unwrap_err().code(),
        "period.not_checked"
    );
    s.check_period(DESA, dec(), "sup").unwrap();
    assert_eq!(
        s.approve_period(DESA, dec(), "SUP").unwrap_err().code(),
        "period.same_person"
    );
    // A new record after the check clears it: the verifikator checks again.
    s.record_agreement(DESA, dec(), &sptjm, &[], "sup").unwrap();
    let d = s.desa_period(DESA, dec()).unwrap();
    assert!(d.checked.is_none());
    assert_eq!((d.items, d.agreed), (1, 0));
    assert_eq!(d.agreement.unwrap().form, AgreementForm::Sptjm);
    // Scope: a supervisor of 3201 sees only that desa's period.
    let seen = s.desa_periods(&Scope::within("3201"), dec()).unwrap();
    assert_eq!(
        seen.iter()
            .map(|d| d.desa_code.as_str())
            .collect::<Vec<_>>(),
        [DESA]
    );
    assert_eq!(s.desa_periods(&Scope::all(), dec()).unwrap().len(), 2);
    assert!(s
        .desa_periods(&Scope::all(), dec().next())
        .unwrap()
        .is_empty());
}

#[doc(hidden)]
#[macro_export]
macro_rules! period_contract_tests {
    ($factory:path) => {
        $crate::period_contract_cases!($factory;
            arrivals_keep_their_period_and_skip_a_locked_one,
            a_locked_period_refuses_every_change,
            ratification_goes_in_two_steps_by_two_people);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! period_contract_cases {
    ($factory:path; $($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                if let Some(make) = $factory() {
                    $crate::store::period_contract::$case(make);
                }
            }
        )*
    };
}
