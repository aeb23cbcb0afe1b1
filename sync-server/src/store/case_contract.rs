//! Contract cases of [`CaseStore`], run on every backend (`backend_tests.rs`), as
//! [`super::contract`]'s.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveDate, Utc};
use pendata_shared::cases::CaseRecord;
use pendata_shared::protocol::AssignmentKind;
use pendata_shared::protocol::{Change, PullItem, PushOutcome, PushRecord};
use pendata_shared::{HouseholdId, RevisionId};

use super::cases::{CaseSource, CaseSubject};
use super::contract::{all_pulled, household, incoming, puller, pusher, ready};
use super::{
    CaseKind, CaseQuery, CaseStore, DecideError, NewCase, PbiOutcome, RecordStore, Role, Scope,
};
use crate::cases::assignment::CaseInput;

const DESA: &str = "3201022001";
const OTHER_DESA: &str = "3201012001";

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
}

pub(crate) fn case(kind: CaseKind, source_id: &str, desa: &str, due: NaiveDate) -> NewCase {
    crate::cases::assignment::new_case(
        CaseInput {
            kind,
            source_id: source_id.into(),
            source: CaseSource::Import,
            desa_code: desa.into(),
            assigned_to: Some("ani".into()),
            due_date: due,
            subject: CaseSubject {
                name: format!("Subjek {source_id}"),
                nik: Some("3201024501900003".into()),
                emergency: kind == CaseKind::ReaktivasiPbiJk,
                ..Default::default()
            },
            created_by: Some("sup".into()),
        },
        Utc::now(),
    )
}

fn all(limit: u32) -> CaseQuery {
    CaseQuery {
        kind: None,
        open_only: false,
        limit,
    }
}

/// Cases are stored once per (kind, source id), listed by due date inside the scope only, and
/// reach the assignee's pull as assignments.
pub fn cases_are_listed_by_due_date_in_scope_and_pulled<S: CaseStore + RecordStore>(
    make: impl Fn() -> S,
) {
    let s = make();
    let late = case(CaseKind::UsulSanggah, "CB-1", DESA, day(20));
    let early = case(CaseKind::GraduasiPkh, "G-1", DESA, day(10));
    let outside = case(CaseKind::UsulSanggah, "CB-2", OTHER_DESA, day(1));
    let sum = s
        .create_cases(&[late.clone(), early.clone(), outside.clone()])
        .unwrap();
    assert_eq!((sum.created, sum.updated), (3, 0));
    let scope = Scope::within("320102");
    let got = s.cases(&scope, &all(10)).unwrap();
    let ids: Vec<HouseholdId> = got.iter().map(|c| c.id).collect();
    assert_eq!(ids, [early.id, late.id]);
    assert_eq!(got[1].subject, late.subject);
    assert_eq!(got[1].kind, CaseKind::UsulSanggah);
    assert!(got.iter().all(|c| c.finding_at.is_none() && c.is_open()));
    let only = s
        .cases(
            &scope,
            &CaseQuery {
                kind: Some(CaseKind::GraduasiPkh),
                ..all(10)
            },
        )
        .unwrap();
    assert_eq!(only.len(), 1);
    assert!(s.case(outside.id, &scope).unwrap().is_none());
    assert!(s.case(outside.id, &Scope::all()).unwrap().is_some());
    // The same source id again updates the case (its id and due date stay).
    let mut again = case(CaseKind::UsulSanggah, "CB-1", DESA, day(28));
    again.subject.name = "Nama diperbaiki".into();
    let sum = s.create_cases(&[again]).unwrap();
    assert_eq!((sum.created, sum.updated), (0, 1));
    let c = s.case(late.id, &scope).unwrap().unwrap();
    assert_eq!(
        (c.subject.name.as_str(), c.due_date),
        ("Nama diperbaiki", day(20))
    );
    // The same source id of another kind is another case.
    let sum = s
        .create_cases(&[case(CaseKind::ReaktivasiPbiJk, "CB-1", DESA, day(5))])
        .unwrap();
    assert_eq!(sum.created, 1);
    let pulled: Vec<HouseholdId> = all_pulled(&s, &puller("ani", Role::Enumerator, "320102"))
        .into_iter()
        .filter_map(|i| match i {
            PullItem::Assignment(a) => {
                let case = a.case.as_ref().expect("a case assignment carries its case");
                assert_eq!(a.kind.case_kind(), Some(case.kind()));
                assert_ne!(a.kind, AssignmentKind::Verivali);
                Some(a.household_id)
            }
            _ => None,
        })
        .collect();
    assert_eq!(pulled.len(), 3);
    assert!(pulled.contains(&late.id) && pulled.contains(&early.id));
    assert!(!pulled.contains(&outside.id));
}

/// The record pushed for a case's id is its finding: it closes a usul-sanggah case; a PBI-JK
/// case stays open until the supervisor decided it, inside the scope only.
pub fn a_finding_closes_a_case_and_pbi_jk_waits_for_the_decision<S: CaseStore + RecordStore>(
    make: impl Fn() -> S,
) {
    let s = make();
    let usul = case(CaseKind::UsulSanggah, "CB-9", DESA, day(3));
    let pbi = case(CaseKind::ReaktivasiPbiJk, "PBI-9", DESA, day(4));
    s.create_cases(&[usul.clone(), pbi.clone()]).unwrap();
    let scope = Scope::within("320102");
    let open = CaseQuery {
        open_only: true,
        ..all(10)
    };
    assert_eq!(s.cases(&scope, &open).unwrap().len(), 2);
    assert!(s.cases(&scope, &open).unwrap()[0].is_overdue(day(4)));
    // Before a finding: no record, the assignment as the device received it.
    let before = s.cases_with_records(&scope, &all(10)).unwrap();
    assert_eq!(before.len(), 2);
    assert!(before.iter().all(|c| c.record.is_none()));
    assert_eq!(before[0].assignment.as_ref(), Some(&usul.assignment));
    // A DTKS household cannot stand in for a case's record.
    let mut h = household(DESA);
    h.id = usul.id;
    let out = s.push(&pusher("320102"), vec![incoming(h, None)]).unwrap();
    assert!(matches!(out[0], PushOutcome::Rejected { .. }), "{out:?}");
    for c in [&usul, &pbi] {
        let record = CaseRecord::from_assignment(&c.assignment).unwrap();
        let mut rec = ready(
            PushRecord::new(
                RevisionId::new(),
                None,
                Utc::now(),
                c.id,
                Change::UpsertCase {
                    case: Box::new(record),
                },
            ),
            Some(DESA.into()),
            Vec::new(),
        );
        rec.questionnaire = c.kind.questionnaire();
        let out = s.push(&pusher("320102"), vec![rec]).unwrap();
        assert!(matches!(out[0], PushOutcome::Accepted { .. }), "{out:?}");
    }
    let left = s.cases(&scope, &open).unwrap();
    assert_eq!(left.iter().map(|c| c.id).collect::<Vec<_>>(), [pbi.id]);
    // The findings of many cases in one read: each case with the record pushed for it, the
    // same rows as `cases`, nothing outside the scope.
    let with = s.cases_with_records(&scope, &open).unwrap();
    assert_eq!(with.len(), 1);
    assert_eq!(with[0].case, left[0]);
    let record = with[0].record.as_ref().expect("the PBI-JK finding");
    assert_eq!(
        record,
        &CaseRecord::from_assignment(&pbi.assignment).unwrap()
    );
    let both = s.cases_with_records(&scope, &all(10)).unwrap();
    assert!(both.iter().all(|c| c.record.is_some()), "{both:?}");
    assert!(s
        .cases_with_records(&Scope::within("320101"), &all(10))
        .unwrap()
        .is_empty());
    let got = s.case(usul.id, &scope).unwrap().unwrap();
    assert!(got.finding_at.is_some());
    assert_eq!(got.finding_by.as_deref(), Some("ani"));
    assert!(!got.is_overdue(day(30)));
    // Decisions: only PBI-JK cases, only inside the scope.
    let refused = PbiOutcome::Refused {
        reason: "Masih mampu".into(),
    };
    assert!(matches!(
        s.decide_pbi(usul.id, &scope, &refused, "sup"),
        Err(DecideError::NotPbi)
    ));
    assert!(matches!(
        s.decide_pbi(pbi.id, &Scope::within("320101"), &refused, "sup"),
        Err(DecideError::NotFound)
    ));
    let got = s.decide_pbi(pbi.id, &scope, &refused, "sup").unwrap();
    assert_eq!(got.decision.as_ref().unwrap().outcome, refused);
    assert!(s.cases(&scope, &open).unwrap().is_empty());
    let reactivated = PbiOutcome::Reactivated {
        letter_no: "400/123/Dinsos".into(),
        letter_date: day(7),
        dtsen_update_due: NaiveDate::from_ymd_opt(2027, 6, 7).unwrap(),
    };
    let got = s
        .decide_pbi(pbi.id, &scope, &reactivated, "kepala")
        .unwrap();
    let d = got.decision.unwrap();
    assert_eq!((d.outcome, d.decided_by.as_str()), (reactivated, "kepala"));
    assert!(Utc::now() - d.decided_at < Duration::minutes(5));
    let due = |until| s.pbi_updates_due(&scope, until).unwrap();
    assert!(due(NaiveDate::from_ymd_opt(2027, 6, 6).unwrap()).is_empty());
    assert_eq!(due(NaiveDate::from_ymd_opt(2027, 6, 7).unwrap()).len(), 1);
    assert!(s
        .pbi_updates_due(&Scope::within("320101"), NaiveDate::MAX)
        .unwrap()
        .is_empty());
}

#[doc(hidden)]
#[macro_export]
macro_rules! case_contract_tests {
    ($factory:path) => {
        $crate::case_contract_cases!($factory;
            cases_are_listed_by_due_date_in_scope_and_pulled,
            a_finding_closes_a_case_and_pbi_jk_waits_for_the_decision);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! case_contract_cases {
    ($factory:path; $($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                if let Some(make) = $factory() {
                    $crate::store::case_contract::$case(make);
                }
            }
        )*
    };
}
