//! A case record arriving in a push is checked with the device's rules
//! (`pendata_shared::cases::validate_case` under the server's `[cases]`): errors refuse the
//! record (the device says why and keeps it), warnings travel back with the acceptance.

use chrono::NaiveDate;
use pendata_shared::cases::{validate_case, CaseRules};
use pendata_shared::protocol::Change;
use pendata_shared::validate::Context;
use pendata_shared::Finding;

/// The findings of a case record; `None` for any other change.
pub fn case_findings(change: &Change, rules: &CaseRules, today: NaiveDate) -> Option<Vec<Finding>> {
    match change {
        Change::UpsertCase { case } => Some(validate_case(case, &Context::embedded(today), rules)),
        _ => None,
    }
}
