//! PBI-JK reactivation (Permensos 3/2026, DTSEN-REFERENCE §3.3): a deactivated participant who
//! needs care now (chronic, catastrophic or emergency; childbirth counts), someone not yet in
//! DTSEN, or a baby of a PBI mother. The faskes letter is mandatory, the desa's SKTM optional;
//! the Dinsos decides and reactivates in SIKS-NG, and the person must then update their DTSEN
//! data within a time limit.
//!
//! Both 6-month limits are read from secondary sources and the reference cannot say which
//! reading is right (§5): they are [`PbiJkRules`] fields, 6 months by default.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::subject::CaseSubject;

/// What the supervisor hands out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PbiJkAssignment {
    /// The participant.
    pub person: CaseSubject,
    /// Care is needed now: treatment first, the data fix after (§3.3).
    #[serde(default)]
    pub emergency: bool,
    /// When the participant's PBI-JK was deactivated, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deactivated_on: Option<NaiveDate>,
    /// The operator's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What the facilitator records: the faskes letter and the SKTM are photos on the record
/// (`F-SURAT-FASKES` required, `F-SKTM` optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PbiJkFinding {
    /// The facilitator's view of the emergency; absent keeps the assignment's flag.
    #[serde(default)]
    pub emergency: Option<bool>,
    #[serde(default)]
    pub note: Option<String>,
}

/// The supervisor's decision on a reactivation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum PbiJkDecision {
    /// Reactivated: the reactivation letter, and when the person's DTSEN data must be updated
    /// ([`PbiJkRules::dtsen_update_due`]).
    Reactivated {
        letter_no: String,
        letter_date: NaiveDate,
        dtsen_update_due: NaiveDate,
    },
    Refused {
        reason: String,
    },
}

/// The time limits a Dinsos sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PbiJkRules {
    /// Months after reactivation by which the person's DTSEN data must be updated (Permensos
    /// 3/2026 as read by P11; UNCONFIRMED which 6-month reading is right).
    pub dtsen_update_months: u32,
    /// Months after deactivation within which reactivation is possible (Art. 20 as read by P10;
    /// UNCONFIRMED). Used for a warning, never to refuse.
    pub reactivation_window_months: u32,
}

impl Default for PbiJkRules {
    fn default() -> Self {
        Self {
            dtsen_update_months: 6,
            reactivation_window_months: 6,
        }
    }
}

impl PbiJkRules {
    /// The day by which a person reactivated on `reactivated_on` must have updated their DTSEN
    /// data (the same day of the month, or the month's last day).
    pub fn dtsen_update_due(&self, reactivated_on: NaiveDate) -> NaiveDate {
        reactivated_on
            .checked_add_months(Months::new(self.dtsen_update_months))
            .unwrap_or(NaiveDate::MAX)
    }

    /// Whether `on` is past the reactivation window of a deactivation on `deactivated_on`.
    pub fn past_window(&self, deactivated_on: NaiveDate, on: NaiveDate) -> bool {
        deactivated_on
            .checked_add_months(Months::new(self.reactivation_window_months))
            .is_some_and(|end| on > end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn the_dtsen_update_deadline_and_the_window_follow_the_rules() {
        let rules = PbiJkRules::default();
        assert_eq!(rules.dtsen_update_due(d(2026, 3, 10)), d(2026, 9, 10));
        // The month's last day when the day does not exist.
        assert_eq!(rules.dtsen_update_due(d(2026, 8, 31)), d(2027, 2, 28));
        let three = PbiJkRules {
            dtsen_update_months: 3,
            ..rules
        };
        assert_eq!(three.dtsen_update_due(d(2026, 3, 10)), d(2026, 6, 10));
        assert!(!rules.past_window(d(2026, 2, 1), d(2026, 8, 1)));
        assert!(rules.past_window(d(2026, 2, 1), d(2026, 8, 2)));
        let parsed: PbiJkRules =
            serde_json::from_str(r#"{"dtsen_update_months":3}"#).unwrap_or_default();
        assert_eq!(parsed, three);
    }
}
