//! A case's field finding: the record the pendamping pushed for the case's id
//! (`Change::UpsertCase`, its current revision), read through the record store with the
//! user's scope.

use pendata_shared::cases::{CaseFinding, CaseRecord};
use pendata_shared::protocol::{Assignment, Change};

use crate::store::{CaseRow, RecordStore, Scope, StoreError};

/// The case's current record and its assignment as the device received it.
pub(super) struct Current {
    pub record: Option<CaseRecord>,
    pub assignment: Option<Assignment>,
}

pub(super) fn current(
    records: &dyn RecordStore,
    case: &CaseRow,
    scope: &Scope,
) -> Result<Current, StoreError> {
    let Some(d) = records.get(case.id, scope)? else {
        return Ok(Current {
            record: None,
            assignment: None,
        });
    };
    let record = if d.summary.deleted {
        None
    } else {
        d.revisions
            .iter()
            .filter(|r| r.state == "current")
            .find_map(|r| match &r.change {
                Change::UpsertCase { case } => Some(case.as_ref().clone()),
                _ => None,
            })
    };
    Ok(Current {
        record,
        assignment: d.assignment,
    })
}

/// The record to show or export: the pushed one, else the assignment's empty finding.
pub(super) fn record_or_assigned(c: Current) -> Option<CaseRecord> {
    c.record.or_else(|| {
        c.assignment
            .and_then(|a| CaseRecord::from_assignment(&a).ok())
    })
}

/// Whether a graduasi case's finding says the family graduated (a type was recorded).
pub(super) fn graduated(
    records: &dyn RecordStore,
    case: &CaseRow,
    scope: &Scope,
) -> Result<bool, StoreError> {
    Ok(current(records, case, scope)?.record.is_some_and(
        |r| matches!(&r.finding, CaseFinding::GraduasiPkh(f) if f.graduation_type.is_some()),
    ))
}
