//! The monthly period and its cut-off. DTSEN updates are open every day; what arrives by the
//! cut-off day (the 17th) is pulled on the next day (the 18th) and belongs to that month's
//! period; what arrives later belongs to the next period, visibly (DTSEN-REFERENCE §3.5). The
//! day is configuration ([`CutOff`]): 17 is its default because it is the published rule.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::text::{Localized, Text};

/// The last day of a month on which data still counts for that month's period. Limited to
/// 1-28 so that every month has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct CutOff(u8);

impl CutOff {
    /// The published rule: cut-off on the 17th, data pulled on the 18th.
    pub const DEFAULT_DAY: u8 = 17;

    /// A cut-off on `day` (1-28).
    pub fn new(day: u8) -> Result<Self, CutOffError> {
        if (1..=28).contains(&day) {
            Ok(Self(day))
        } else {
            Err(CutOffError(day))
        }
    }

    pub fn day(self) -> u8 {
        self.0
    }
}

impl Default for CutOff {
    fn default() -> Self {
        Self(Self::DEFAULT_DAY)
    }
}

impl TryFrom<u8> for CutOff {
    type Error = CutOffError;
    fn try_from(day: u8) -> Result<Self, Self::Error> {
        Self::new(day)
    }
}

impl From<CutOff> for u8 {
    fn from(c: CutOff) -> u8 {
        c.0
    }
}

/// A cut-off day outside 1-28.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("tanggal batas kirim harus 1-28, bukan {0} (the cut-off day must be 1-28, not {0})")]
pub struct CutOffError(pub u8);

impl CutOffError {
    pub const CODE: &'static str = "period.cutoff_out_of_range";
}

/// The monthly cycle's settings a Dinsos chooses (`[month]` in the server's config file).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MonthRules {
    /// The last day data counts for its month (default the 17th).
    pub cutoff_day: CutOff,
}

/// One month of the cycle, written `2026-12`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    year: i32,
    /// 1-12
    month: u32,
}

const MONTHS: [(&str, &str, &str, &str); 12] = [
    ("Januari", "Jan", "January", "Jan"),
    ("Februari", "Feb", "February", "Feb"),
    ("Maret", "Mar", "March", "Mar"),
    ("April", "Apr", "April", "Apr"),
    ("Mei", "Mei", "May", "May"),
    ("Juni", "Jun", "June", "Jun"),
    ("Juli", "Jul", "July", "Jul"),
    ("Agustus", "Agu", "August", "Aug"),
    ("September", "Sep", "September", "Sep"),
    ("Oktober", "Okt", "October", "Oct"),
    ("November", "Nov", "November", "Nov"),
    ("Desember", "Des", "December", "Dec"),
];

impl Period {
    /// The period of `year`-`month`; `None` for a month outside 1-12 or a year chrono cannot hold.
    pub fn new(year: i32, month: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, 1).map(|_| Self { year, month })
    }

    /// The calendar month that holds `date`.
    pub fn containing(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    /// The period that data arriving on `date` belongs to: this month's until the cut-off day
    /// (inclusive), the next month's after it.
    pub fn for_arrival(date: NaiveDate, cutoff: CutOff) -> Self {
        let this = Self::containing(date);
        if date.day() <= u32::from(cutoff.day()) {
            this
        } else {
            this.next()
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    /// The first day of the month.
    pub fn first_day(self) -> NaiveDate {
        // `new` and `next` only make periods whose first day exists.
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The following period.
    #[must_use]
    pub fn next(self) -> Self {
        Self::containing(
            self.first_day()
                .checked_add_months(Months::new(1))
                .unwrap_or(NaiveDate::MAX),
        )
    }

    /// The last day data counts for this period.
    pub fn deadline(self, cutoff: CutOff) -> NaiveDate {
        self.first_day()
            .with_day(u32::from(cutoff.day()))
            .unwrap_or_else(|| self.first_day())
    }

    /// The day the period's data is pulled: the day after the deadline.
    pub fn pulled_on(self, cutoff: CutOff) -> NaiveDate {
        self.deadline(cutoff).succ_opt().unwrap_or(NaiveDate::MAX)
    }

    /// `Desember 2026` / `December 2026`.
    pub fn label(self) -> Text {
        let (id, _, en, _) = MONTHS[self.month as usize - 1];
        Text::owned(format!("{id} {}", self.year), format!("{en} {}", self.year))
    }
}

/// `17 Des` / `17 Dec`.
fn short_date(d: NaiveDate) -> Text {
    let (_, id, _, en) = MONTHS[d.month0() as usize];
    Text::owned(format!("{} {id}", d.day()), format!("{} {en}", d.day()))
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A text that is not `YYYY-MM`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("periode harus ditulis TTTT-BB, mis. 2026-12 (a period is written YYYY-MM, e.g. 2026-12)")]
pub struct PeriodParseError;

impl PeriodParseError {
    pub const CODE: &'static str = "period.invalid";
}

impl FromStr for Period {
    type Err = PeriodParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (y, m) = s.split_once('-').ok_or(PeriodParseError)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(PeriodParseError);
        }
        let year = y.parse().map_err(|_| PeriodParseError)?;
        let month = m.parse().map_err(|_| PeriodParseError)?;
        Self::new(year, month).ok_or(PeriodParseError)
    }
}

impl TryFrom<String> for Period {
    type Error = PeriodParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Period> for String {
    fn from(p: Period) -> String {
        p.to_string()
    }
}

/// How long is left to send data for the current period: what the facilitator's home screen
/// and the dashboard show ("batas kirim: 17 Des, 3 hari lagi").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Countdown {
    pub period: Period,
    pub deadline: NaiveDate,
    /// Whole days from today to the deadline; 0 on the deadline itself.
    pub days_left: i64,
}

impl Countdown {
    /// The countdown on `today`: to the deadline of the period data sent today belongs to
    /// (never negative: after the cut-off it counts to the next period's).
    pub fn on(today: NaiveDate, cutoff: CutOff) -> Self {
        let period = Period::for_arrival(today, cutoff);
        let deadline = period.deadline(cutoff);
        Self {
            period,
            deadline,
            days_left: (deadline - today).num_days(),
        }
    }
}

impl Localized for Countdown {
    fn text(&self) -> Text {
        let date = short_date(self.deadline);
        match self.days_left {
            0 => Text::owned(
                format!("batas kirim: hari ini, {}", date.id),
                format!("send by: today, {}", date.en),
            ),
            1 => Text::owned(
                format!("batas kirim: {}, besok", date.id),
                format!("send by: {}, tomorrow", date.en),
            ),
            n => Text::owned(
                format!("batas kirim: {}, {n} hari lagi", date.id),
                format!("send by: {}, {n} days left", date.en),
            ),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn data_until_the_cutoff_belongs_to_this_month_and_after_it_to_the_next() {
        let c = CutOff::default();
        assert_eq!(
            Period::for_arrival(d(2026, 12, 17), c).to_string(),
            "2026-12"
        );
        assert_eq!(
            Period::for_arrival(d(2026, 12, 18), c).to_string(),
            "2027-01"
        );
        assert_eq!(
            Period::for_arrival(d(2026, 12, 1), c).to_string(),
            "2026-12"
        );
        let c5 = CutOff::new(5).unwrap();
        assert_eq!(
            Period::for_arrival(d(2026, 1, 6), c5).to_string(),
            "2026-02"
        );
    }

    #[test]
    fn the_deadline_is_the_cutoff_day_and_data_is_pulled_the_day_after() {
        let p: Period = "2027-02".parse().unwrap();
        let c = CutOff::new(28).unwrap();
        assert_eq!(p.deadline(c), d(2027, 2, 28));
        assert_eq!(p.pulled_on(c), d(2027, 3, 1));
        assert_eq!(p.deadline(CutOff::default()), d(2027, 2, 17));
    }

    #[test]
    fn cutoffs_outside_every_month_are_refused() {
        assert!(CutOff::new(0).is_err());
        assert!(CutOff::new(29).is_err());
        assert!(CutOff::new(28).is_ok());
        assert!(serde_json::from_str::<CutOff>("31").is_err());
        assert_eq!(serde_json::from_str::<CutOff>("18").unwrap().day(), 18);
    }

    #[test]
    fn periods_parse_and_print_as_year_month() {
        for bad in ["2026-13", "2026-1", "26-12", "2026/12", "", "2026-00"] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
        let p: Period = "2026-12".parse().unwrap();
        assert_eq!(p.next().to_string(), "2027-01");
        assert_eq!(p.label().id, "Desember 2026");
        assert_eq!(p.label().en, "December 2026");
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"2026-12\"");
    }

    #[test]
    fn the_countdown_says_the_date_and_the_days_left() {
        let c = CutOff::default();
        let t = Countdown::on(d(2026, 12, 14), c).text();
        assert_eq!(t.id, "batas kirim: 17 Des, 3 hari lagi");
        assert_eq!(t.en, "send by: 17 Dec, 3 days left");
        assert_eq!(
            Countdown::on(d(2026, 12, 17), c).text().id,
            "batas kirim: hari ini, 17 Des"
        );
        assert_eq!(
            Countdown::on(d(2026, 12, 16), c).text().en,
            "send by: 17 Dec, tomorrow"
        );
        // After the cut-off the count runs to the next period's deadline.
        let after = Countdown::on(d(2026, 12, 18), c);
        assert_eq!(after.period.to_string(), "2027-01");
        assert_eq!(after.days_left, 30);
        assert_eq!(after.text().id, "batas kirim: 17 Jan, 30 hari lagi");
    }
}
