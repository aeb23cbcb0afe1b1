//! The Dinsos's settings a device receives with every pull ([`DeviceSettings`]: the monthly
//! cut-off, the `[dtsen]` and `[cases]` choices) and what the home screen shows from them: the countdown
//! to the cut-off, counted in the facilitator's own day (WIB, WITA or WIT from the wilayah of
//! the logged-in user; `pendata_shared::month::zone`), never in UTC days.
//!
//! Before the first sync with a server that sends them (or with an older server), the device
//! keeps what it had: the documented defaults, or rules set by hand (`pendata family rules`).

use chrono::{DateTime, NaiveDate, Utc};
use pendata_shared::month::period::{Countdown, CutOff};
use pendata_shared::month::zone::local_today;
use pendata_shared::protocol::DeviceSettings;

use crate::store::{Result, Store, StoreError};

/// Setting key of the cut-off day the server sent (`CutOff` as JSON: a number 1-28).
pub const CUTOFF_DAY: &str = "month_cutoff_day";

impl Store {
    /// Stores the settings a pull brought. Applying the same settings again changes nothing.
    pub fn apply_device_settings(&mut self, settings: &DeviceSettings) -> Result<()> {
        if self.cutoff()? != settings.cutoff_day {
            let json = serde_json::to_string(&settings.cutoff_day)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            self.set_setting(CUTOFF_DAY, Some(&json))?;
        }
        if self.dtsen_rules()? != settings.dtsen {
            self.set_dtsen_rules(&settings.dtsen)?;
        }
        if let Some(cases) = settings.cases {
            if self.case_rules()? != cases {
                self.set_case_rules(&cases)?;
            }
        }
        Ok(())
    }

    /// The monthly cut-off this device counts to: the server's, else the published 17th.
    pub fn cutoff(&self) -> Result<CutOff> {
        match self.setting(CUTOFF_DAY)? {
            Some(j) => serde_json::from_str(&j)
                .map_err(|e| StoreError::Corrupt(format!("cut-off day: {e}"))),
            None => Ok(CutOff::default()),
        }
    }

    /// The facilitator's calendar day at `now`: in the zone of the logged-in user's wilayah
    /// (WIB, WITA or WIT; WIB when nobody is logged in). Due dates and the cut-off count in it.
    pub fn local_today(&self, now: DateTime<Utc>) -> Result<NaiveDate> {
        Ok(local_today(&self.session_wilayah()?, now))
    }

    /// How long is left to send data for the current period, on the facilitator's day at
    /// `now` ([`Store::local_today`]).
    pub fn countdown(&self, now: DateTime<Utc>) -> Result<Countdown> {
        Ok(Countdown::on(self.local_today(now)?, self.cutoff()?))
    }
}
