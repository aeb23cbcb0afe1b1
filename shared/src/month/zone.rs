//! Whose day it is. A cut-off "on the 17th" is the 17th where the facilitator works: Indonesia
//! has three time zones (WIB UTC+7, WITA UTC+8, WIT UTC+9; Keppres 41/1987), and counting in
//! UTC days would make a Jakarta facilitator's day start at 07:00 (the trip-up of an earlier
//! session). The zone follows from the wilayah code's province (its first two digits), so the
//! count does not depend on how a phone's time zone happens to be set.

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};

/// One of Indonesia's three time zones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Zone {
    /// Waktu Indonesia Barat, UTC+7: Sumatra, Java, West and Central Kalimantan.
    Wib,
    /// Waktu Indonesia Tengah, UTC+8: Bali, Nusa Tenggara, South/East/North Kalimantan, Sulawesi.
    Wita,
    /// Waktu Indonesia Timur, UTC+9: Maluku and Papua.
    Wit,
}

impl Zone {
    /// The zone of a wilayah (province, kabupaten, kecamatan or desa code, dotted or not);
    /// `None` for an empty code (an admin covering everything) or an unknown province.
    pub fn of_wilayah(code: &str) -> Option<Self> {
        let digits: String = code.chars().filter(char::is_ascii_digit).take(2).collect();
        match digits.as_str() {
            "11" | "12" | "13" | "14" | "15" | "16" | "17" | "18" | "19" | "21" | "31" | "32"
            | "33" | "34" | "35" | "36" | "61" | "62" => Some(Zone::Wib),
            "51" | "52" | "53" | "63" | "64" | "65" | "71" | "72" | "73" | "74" | "75" | "76" => {
                Some(Zone::Wita)
            }
            "81" | "82" | "91" | "92" | "93" | "94" | "95" | "96" => Some(Zone::Wit),
            _ => None,
        }
    }

    /// Hours ahead of UTC.
    pub const fn utc_offset_hours(self) -> i32 {
        match self {
            Zone::Wib => 7,
            Zone::Wita => 8,
            Zone::Wit => 9,
        }
    }

    pub fn offset(self) -> FixedOffset {
        // 7-9 hours are always a valid offset; the fallback is never taken.
        FixedOffset::east_opt(self.utc_offset_hours() * 3600).unwrap_or_else(|| Utc.fix())
    }

    /// The calendar day it is in this zone at `now`.
    pub fn today(self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.offset()).date_naive()
    }
}

/// The zone whose calendar `wilayah` keeps; WIB when the wilayah names no province (most of
/// the population lives in WIB, and the documented choice beats UTC).
pub fn zone_of(wilayah: &str) -> Zone {
    Zone::of_wilayah(wilayah).unwrap_or(Zone::Wib)
}

/// The latest calendar day anywhere in Indonesia at `now` (WIT's): for checks of records
/// from any province ("not in the future"), e.g. a file validated off-line.
pub fn latest_today(now: DateTime<Utc>) -> NaiveDate {
    Zone::Wit.today(now)
}

/// The day it is for someone working in `wilayah` at `now` ([`zone_of`]).
pub fn local_today(wilayah: &str, now: DateTime<Utc>) -> NaiveDate {
    zone_of(wilayah).today(now)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::month::period::{Countdown, CutOff};
    use crate::text::Localized;
    use crate::wilayah::{RegionKind, Wilayah};

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn every_province_of_the_embedded_list_has_its_zone() {
        for p in Wilayah::embedded().of_kind(RegionKind::Province) {
            assert!(Zone::of_wilayah(p.code).is_some(), "{}", p.code);
        }
        assert_eq!(Zone::of_wilayah("3201012001"), Some(Zone::Wib));
        assert_eq!(Zone::of_wilayah("51.71.01"), Some(Zone::Wita));
        assert_eq!(Zone::of_wilayah("9471"), Some(Zone::Wit));
        assert_eq!(Zone::of_wilayah(""), None);
        assert_eq!(Zone::of_wilayah("99"), None);
    }

    #[test]
    fn the_countdown_counts_the_facilitators_day_not_utcs() {
        // 13 Dec 18:30 UTC is already 14 Dec 01:30 in Bogor (WIB) and 14 Dec 03:30 in Jayapura.
        let now = at("2026-12-13T18:30:00Z");
        let bogor = local_today("3201012001", now);
        assert_eq!(bogor, NaiveDate::from_ymd_opt(2026, 12, 14).unwrap());
        assert_eq!(
            Countdown::on(bogor, CutOff::default()).text().id,
            "batas kirim: 17 Des, 3 hari lagi"
        );
        // UTC's day would still say four.
        assert_eq!(
            Countdown::on(now.date_naive(), CutOff::default()).days_left,
            4
        );
        // 16:30 UTC: 23:30 in WIB (still the 13th), 01:30 in WIT (the 14th).
        let late = at("2026-12-13T16:30:00Z");
        assert_eq!(local_today("3201012001", late).to_string(), "2026-12-13");
        assert_eq!(local_today("5171", late).to_string(), "2026-12-14");
        assert_eq!(local_today("9171", late).to_string(), "2026-12-14");
        assert_eq!(local_today("", late).to_string(), "2026-12-13");
    }
}
