//! The supervisor's PBI-JK decision back to the facilitator's device (issue 21 §1), on the path
//! every decision takes to devices: a review of the case's current revision, pulled by the
//! device that pushed it (`PullItem::Review`, `household_pushers`). The review approves the
//! facilitator's finding; its note carries the Dinsos's decision — reactivated with the
//! letter's number and date and the day the person's DTSEN data must be updated by, or refused
//! with the reason — in Bahasa Indonesia, then English. Devices of every version show a
//! review's note; nothing new travels.

use pendata_shared::cases::pbi_jk::PbiJkDecision;
use pendata_shared::protocol::{ReviewDecision, ReviewOutcome, ReviewRequest};
use pendata_shared::HouseholdId;

use crate::store::{RecordError, RecordStore, Scope, StoreError};

/// The review note that tells the facilitator the decision.
pub fn decision_note(decision: &PbiJkDecision) -> String {
    let day = |d: &chrono::NaiveDate| d.format("%d-%m-%Y").to_string();
    match decision {
        PbiJkDecision::Reactivated {
            letter_no,
            letter_date,
            dtsen_update_due,
        } => format!(
            "PBI-JK diaktifkan kembali: surat No. {letter_no} tanggal {}; data DTSEN harus \
             diperbarui paling lambat {}. / PBI-JK reactivated: letter No. {letter_no} of {}; \
             the DTSEN data must be updated by {}.",
            day(letter_date),
            day(dtsen_update_due),
            day(letter_date),
            day(dtsen_update_due)
        ),
        PbiJkDecision::Refused { reason } => format!(
            "Reaktivasi PBI-JK ditolak. Alasan: {reason} / PBI-JK reactivation refused. Reason: \
             {reason}"
        ),
    }
}

/// Reviews the case's current revision with the decision's note, so the device that pushed
/// the finding pulls it. `None` when the case has no finding yet (nothing to review: the
/// decision stays on the dashboard) or moved on twice while this ran.
pub fn send_decision_back(
    records: &dyn RecordStore,
    id: HouseholdId,
    scope: &Scope,
    decision: &PbiJkDecision,
    reviewer: &str,
) -> Result<Option<ReviewOutcome>, StoreError> {
    let Some(mut head) = records
        .get(id, scope)?
        .and_then(|d| d.summary.current_revision)
    else {
        return Ok(None);
    };
    let note = decision_note(decision);
    for _ in 0..2 {
        let request = ReviewRequest {
            revision: head,
            decision: ReviewDecision::Approved,
            note: Some(note.clone()),
        };
        match records.review(id, &request, reviewer, scope) {
            Ok(outcome) => return Ok(Some(outcome)),
            // A newer finding arrived meanwhile: review that one.
            Err(RecordError::NotCurrent {
                current: Some(current),
            }) => head = current,
            Err(RecordError::Store(e)) => return Err(e),
            Err(_) => return Ok(None),
        }
    }
    Ok(None)
}
