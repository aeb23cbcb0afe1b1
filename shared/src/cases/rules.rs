//! What a Dinsos sets for cases (the server's `[cases]` configuration embeds this). Every
//! value the reference does not give is a field with a documented default.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::graduasi::GraduasiRules;
use super::kind::CaseKind;
use super::pbi_jk::PbiJkRules;

/// Days from assignment to the due date, per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DueDays {
    /// The DTKS-era rule: an objection not verified within 14 days is void (§3.2).
    pub usul_sanggah: u32,
    /// Pendata's choice (no source gives one): 14 days, like usul-sanggah.
    pub reaktivasi_pbi_jk: u32,
    /// Pendata's choice for an emergency (treatment first, §3.3): 3 days.
    pub reaktivasi_pbi_jk_emergency: u32,
    /// Pendata's choice (no source gives one): 30 days.
    pub graduasi_pkh: u32,
}

impl Default for DueDays {
    fn default() -> Self {
        Self {
            usul_sanggah: 14,
            reaktivasi_pbi_jk: 14,
            reaktivasi_pbi_jk_emergency: 3,
            graduasi_pkh: 30,
        }
    }
}

/// Every case rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CaseRules {
    pub due_days: DueDays,
    pub pbi_jk: PbiJkRules,
    pub graduasi: GraduasiRules,
    /// Metres between the position an objection came with and where the facilitator recorded
    /// the house before a warning (Pendata's choice: 500 m).
    pub submitted_position_warn_m: u32,
    /// The age thresholds of the PKH components (`[cases.pkh]`: lansia from 60, usia dini up
    /// to 6 by default; the reference could not confirm them), shown per family on the device.
    pub pkh: crate::month::pkh::PkhRules,
}

impl Default for CaseRules {
    fn default() -> Self {
        Self {
            due_days: DueDays::default(),
            pbi_jk: PbiJkRules::default(),
            graduasi: GraduasiRules::default(),
            submitted_position_warn_m: 500,
            pkh: crate::month::pkh::PkhRules::default(),
        }
    }
}

impl CaseRules {
    /// The due date of a case of `kind` assigned on `assigned_on`.
    pub fn due_date(&self, kind: CaseKind, emergency: bool, assigned_on: NaiveDate) -> NaiveDate {
        let d = &self.due_days;
        let days = match kind {
            CaseKind::UsulSanggah => d.usul_sanggah,
            CaseKind::ReaktivasiPbiJk if emergency => d.reaktivasi_pbi_jk_emergency,
            CaseKind::ReaktivasiPbiJk => d.reaktivasi_pbi_jk,
            CaseKind::GraduasiPkh => d.graduasi_pkh,
        };
        assigned_on
            .checked_add_days(Days::new(u64::from(days)))
            .unwrap_or(NaiveDate::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_dates_follow_the_configured_days() {
        let on = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default();
        let rules = CaseRules::default();
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        assert_eq!(
            rules.due_date(CaseKind::UsulSanggah, false, on),
            day(2026, 12, 21)
        );
        assert_eq!(
            rules.due_date(CaseKind::ReaktivasiPbiJk, true, on),
            day(2026, 12, 10)
        );
        assert_eq!(
            rules.due_date(CaseKind::GraduasiPkh, false, on),
            day(2027, 1, 6)
        );
        let seven: CaseRules = serde_json::from_str(
            r#"{"due_days":{"usul_sanggah":7},"graduasi":{"yearly_target":12}}"#,
        )
        .unwrap_or_default();
        assert_eq!(
            seven.due_date(CaseKind::UsulSanggah, false, on),
            day(2026, 12, 14)
        );
        assert_eq!(seven.graduasi.yearly_target, 12);
        let lansia: CaseRules =
            serde_json::from_str(r#"{"pkh":{"elderly_from_age":70}}"#).unwrap_or_default();
        assert_eq!(
            (
                lansia.pkh.elderly_from_age,
                lansia.pkh.early_childhood_to_age
            ),
            (70, 6)
        );
        assert_eq!(seven.due_days.graduasi_pkh, 30);
        assert!(serde_json::from_str::<CaseRules>(r#"{"due":{}}"#).is_err());
    }
}
