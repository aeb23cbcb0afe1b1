//! A case's field finding: the record the pendamping pushed for the case's id
//! (`Change::UpsertCase`, its current revision), read through the record store with the
//! user's scope.

use pendata_shared::cases::{CaseFinding, CaseRecord};

use crate::store::cases::CaseWithRecord;
use crate::store::{CaseRow, RecordStore, Scope, StoreError};

/// The case's current record (`None` before the finding, or when it was deleted).
pub(super) fn current(
    records: &dyn RecordStore,
    case: &CaseRow,
    scope: &Scope,
) -> Result<Option<CaseRecord>, StoreError> {
    let Some(d) = records.get(case.id, scope)? else {
        return Ok(None);
    };
    if d.summary.deleted {
        return Ok(None);
    }
    Ok(d.revisions
        .into_iter()
        .filter(|r| r.state == "current")
        .find_map(|r| CaseWithRecord::record_of(r.change)))
}

/// Whether a graduasi case's finding says the family graduated (a type was recorded).
pub(super) fn graduated(record: &CaseRecord) -> bool {
    matches!(&record.finding, CaseFinding::GraduasiPkh(f) if f.graduation_type.is_some())
}
