//! `[cases]` in the config file: the choices issue 21's case work leaves to each Dinsos
//! (DTSEN-REFERENCE.md §3.2-3.4 marks them as DTKS-era rules or UNCONFIRMED), with documented
//! defaults (docs/formats.md, "Cases").

use chrono::{Datelike, Months, NaiveDate};
use serde::Deserialize;

/// The configurable rules of the three case types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CaseRules {
    /// Days from a case's creation to its due date (usul-sanggah: the DTKS-era rule was that
    /// an objection the pemda has not verified within 14 days is void; the same default is
    /// used for PBI-JK and graduasi cases).
    pub due_days: u32,
    /// Graduated PKH families per pendamping per year (the stated national target is >= 10).
    pub graduasi_target: u32,
    /// Months a reactivated PBI-JK participant has to update their DTSEN data (Permensos
    /// 3/2026 as read secondarily: 6 months after reactivation; the reference could not
    /// confirm which of the two 6-month readings is right).
    pub pbi_update_months: u32,
    /// How far ahead the dashboard lists PBI-JK data updates coming due, in days.
    pub pbi_due_soon_days: u32,
}

impl Default for CaseRules {
    fn default() -> Self {
        CaseRules {
            due_days: 14,
            graduasi_target: 10,
            pbi_update_months: 6,
            pbi_due_soon_days: 30,
        }
    }
}

impl CaseRules {
    /// The due date of a case created on `created`.
    pub fn due_date(&self, created: NaiveDate) -> NaiveDate {
        created
            .checked_add_days(chrono::Days::new(u64::from(self.due_days)))
            .unwrap_or(NaiveDate::MAX)
    }

    /// The day a participant reactivated on `letter_date` must have updated their DTSEN data.
    pub fn pbi_update_due(&self, letter_date: NaiveDate) -> NaiveDate {
        letter_date
            .checked_add_months(Months::new(self.pbi_update_months))
            .unwrap_or(NaiveDate::MAX)
    }

    /// The calendar year a graduation found on `day` counts for.
    pub fn graduasi_year(day: NaiveDate) -> i32 {
        day.year()
    }

    /// Refuses values that make no sense (a zero due period or target).
    pub fn check(&self) -> Result<(), &'static str> {
        if self.due_days == 0 || self.due_days > 365 {
            return Err("[cases] due_days must be 1-365");
        }
        if self.graduasi_target == 0 {
            return Err("[cases] graduasi_target must be at least 1");
        }
        if self.pbi_update_months == 0 || self.pbi_update_months > 60 {
            return Err("[cases] pbi_update_months must be 1-60");
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn due_dates_follow_the_configured_periods() {
        let r = CaseRules::default();
        let d = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert_eq!(
            r.due_date(d),
            NaiveDate::from_ymd_opt(2026, 12, 21).unwrap()
        );
        assert_eq!(
            r.pbi_update_due(NaiveDate::from_ymd_opt(2026, 8, 31).unwrap()),
            NaiveDate::from_ymd_opt(2027, 2, 28).unwrap()
        );
        let r = CaseRules { due_days: 3, ..r };
        assert_eq!(
            r.due_date(d),
            NaiveDate::from_ymd_opt(2026, 12, 10).unwrap()
        );
        assert!(CaseRules { due_days: 0, ..r }.check().is_err());
    }
}
