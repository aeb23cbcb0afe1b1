//! Contract cases of the Dinsos month as a push and a supervisor's decision meet it, run on
//! every backend (`backend_tests.rs`): a push notes its proposals in its own transaction,
//! refuses a change of a proposal whose desa period is locked (only that record), and a
//! review and the approval that locks the period serialise.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use pendata_shared::month::period::Period;
use pendata_shared::protocol::{PushOutcome, ReviewDecision, ReviewRequest};

use super::contract::{at_once, household, incoming, pusher};
use super::period::{Agreement, AgreementForm, Arrival, PeriodArrival, KIND_HOUSEHOLD};
use super::{IncomingRecord, PeriodStore, RecordError, RecordStore, Scope};

const DESA: &str = "3201020001";

fn dec() -> Period {
    "2026-12".parse().unwrap()
}

/// `rec` as the push handler hands a proposal due in `due` to the store.
fn proposal(mut rec: IncomingRecord, due: Period) -> IncomingRecord {
    rec.period = Some(PeriodArrival {
        arrival: Arrival {
            kind: KIND_HOUSEHOLD.into(),
            item_id: rec.record.household_id.to_string(),
            desa_code: DESA.into(),
            label: "Siti".into(),
        },
        due,
    });
    rec
}

fn lock(s: &impl PeriodStore, agreed: &[(String, String)]) {
    let musdes = Agreement {
        form: AgreementForm::Musdes,
        held_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 15).unwrap(),
        document_number: "BA/12/2026/001".into(),
        attendance: Some(20),
        note: String::new(),
    };
    s.record_agreement(DESA, dec(), &musdes, agreed, "sup")
        .unwrap();
    s.check_period(DESA, dec(), "sup").unwrap();
    s.approve_period(DESA, dec(), "kepala").unwrap();
}

fn approve(revision: pendata_shared::RevisionId) -> ReviewRequest {
    ReviewRequest {
        revision,
        decision: ReviewDecision::Approved,
        note: None,
    }
}

pub fn a_push_notes_proposals_and_a_locked_period_refuses_their_changes<S>(make: impl Fn() -> S)
where
    S: PeriodStore + RecordStore,
{
    let s = make();
    let p = pusher("3201");
    let usulan = household(DESA);
    let other = household(DESA);
    let first = proposal(incoming(usulan.clone(), None), dec());
    let plain = incoming(other.clone(), None);
    let out = s.push(&p, vec![first.clone(), plain.clone()]).unwrap();
    assert!(
        out.iter()
            .all(|o| matches!(o, PushOutcome::Accepted { .. })),
        "{out:?}"
    );
    // Noted by the push itself: no second step that could fail after the commit.
    let item = s
        .item_period(KIND_HOUSEHOLD, &usulan.id.to_string())
        .unwrap()
        .unwrap();
    assert_eq!(
        (item.desa_code.as_str(), item.period, item.locked),
        (DESA, dec(), false)
    );
    assert!(s
        .item_period(KIND_HOUSEHOLD, &other.id.to_string())
        .unwrap()
        .is_none());
    lock(&s, &[(KIND_HOUSEHOLD.into(), usulan.id.to_string())]);

    // A new revision of the ratified proposal is refused on its own; the other record of
    // the same push is stored.
    let mut changed = usulan.clone();
    changed.notes = Some("diubah sesudah musdes".into());
    let edit = proposal(incoming(changed, Some(first.record.revision)), dec());
    let mut other2 = other.clone();
    other2.notes = Some("bukan usulan periode terkunci".into());
    let next = incoming(other2, Some(plain.record.revision));
    let out = s.push(&p, vec![edit, next]).unwrap();
    match &out[0] {
        PushOutcome::Rejected { findings } => {
            assert_eq!(findings.len(), 1, "{findings:?}");
            assert_eq!(findings[0].code, "period.locked");
            assert!(
                findings[0].message.contains("dikunci"),
                "{}",
                findings[0].message
            );
            assert!(findings[0].message.contains(DESA));
        }
        o => panic!("a change of a locked proposal was {o:?}"),
    }
    assert!(
        matches!(out[1], PushOutcome::Accepted { .. }),
        "{:?}",
        out[1]
    );
    let d = s.get(usulan.id, &Scope::all()).unwrap().unwrap();
    assert_eq!(d.summary.current_revision, Some(first.record.revision));
    // The very revision sent again is a duplicate, not a change.
    assert!(matches!(
        s.push(&p, vec![first.clone()]).unwrap()[0],
        PushOutcome::Duplicate { .. }
    ));
    // A tombstone is a change too.
    let mut gone = first.clone();
    gone.record.revision = pendata_shared::RevisionId::new();
    gone.record.base_revision = Some(first.record.revision);
    gone.record.change = pendata_shared::protocol::Change::Delete;
    gone.desa_code = None;
    gone.period = None;
    assert!(matches!(
        &s.push(&p, vec![gone]).unwrap()[0],
        PushOutcome::Rejected { findings } if findings[0].code == "period.locked"
    ));
    // A supervisor's decision on it is refused in the store, whichever handler asks.
    match s.review(
        usulan.id,
        &approve(first.record.revision),
        "sup",
        &Scope::all(),
    ) {
        Err(RecordError::PeriodLocked { desa_code, period }) => {
            assert_eq!((desa_code.as_str(), period), (DESA, dec()));
        }
        other => panic!("review of a locked proposal: {other:?}"),
    }
    // A proposal arriving now, due in the locked December, goes to January.
    let late_h = household(DESA);
    let late = proposal(incoming(late_h.clone(), None), dec());
    assert!(matches!(
        s.push(&p, vec![late]).unwrap()[0],
        PushOutcome::Accepted { .. }
    ));
    let late_item = s
        .item_period(KIND_HOUSEHOLD, &late_h.id.to_string())
        .unwrap()
        .unwrap();
    assert_eq!((late_item.period, late_item.locked), (dec().next(), false));
    // The December list is as the Kepala OPD approved it.
    let items = s.period_items(DESA, dec()).unwrap();
    assert_eq!(items.len(), 1);
    assert!(items[0].agreed);
}

/// A review and the approval that locks the same period, released together from two store
/// instances (as two server processes), many times: either the review committed first (its
/// decision is older than the approval) or it was refused with `period.locked`; never a
/// decision inside a locked period.
pub fn a_review_and_the_approval_of_its_period_serialise<S>(make: impl Fn() -> (S, S))
where
    S: PeriodStore + RecordStore,
{
    let mut refused = 0;
    for round in 0..6 {
        let (a, b) = make();
        let p = pusher("3201");
        let h = household(DESA);
        let rec = proposal(incoming(h.clone(), None), dec());
        a.push(&p, vec![rec.clone()]).unwrap();
        let musdes = Agreement {
            form: AgreementForm::Sptjm,
            held_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 16).unwrap(),
            document_number: format!("SPTJM/{round}"),
            attendance: None,
            note: String::new(),
        };
        a.record_agreement(
            DESA,
            dec(),
            &musdes,
            &[(KIND_HOUSEHOLD.into(), h.id.to_string())],
            "sup",
        )
        .unwrap();
        a.check_period(DESA, dec(), "sup").unwrap();
        let (review, approval) = at_once(
            || a.review(h.id, &approve(rec.record.revision), "sup", &Scope::all()),
            || b.approve_period(DESA, dec(), "kepala"),
        );
        approval.unwrap();
        let approved_at = a.desa_period(DESA, dec()).unwrap().approved.unwrap().at;
        match review {
            Ok(outcome) => assert!(
                outcome.decided_at <= approved_at,
                "round {round}: a decision at {} inside the period locked at {approved_at}",
                outcome.decided_at
            ),
            Err(RecordError::PeriodLocked { .. }) => refused += 1,
            Err(e) => panic!("round {round}: {e}"),
        }
    }
    // Not an assertion on timing: both orders are correct; the count is for the log.
    eprintln!("review refused by the lock in {refused} of 6 rounds");
}

#[doc(hidden)]
#[macro_export]
macro_rules! period_push_contract_tests {
    ($factory:path, $pair:path) => {
        #[test]
        fn a_push_notes_proposals_and_a_locked_period_refuses_their_changes() {
            if let Some(make) = $factory() {
                $crate::store::period_push_contract::a_push_notes_proposals_and_a_locked_period_refuses_their_changes(make);
            }
        }
        #[test]
        fn a_review_and_the_approval_of_its_period_serialise() {
            if let Some(make) = $pair() {
                $crate::store::period_push_contract::a_review_and_the_approval_of_its_period_serialise(make);
            }
        }
    };
}
