//! NIK and KK number structure (DTKS-REFERENCE.md §3).
//!
//! NIK: `PPKKCC DDMMYY SSSS`: the kecamatan of first registration, the birth date (day + 40 for
//! women), and a serial from 0001. KK: the issuing kecamatan, the recording date (no +40) and a
//! serial. Only the format can be checked offline; Dukcapil matching happens elsewhere.

use chrono::{Datelike, NaiveDate};

use crate::codes::Sex;

/// Why a 16-digit identity number is malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("must be 16 digits, got {0}")]
    WrongLength(usize),
    #[error("contains a character that is not a digit")]
    NotDigits,
    #[error("day {0} is not 01-31 (or 41-71 for women)")]
    BadDay(u8),
    #[error("month {0} is not 01-12")]
    BadMonth(u8),
    #[error("date does not exist")]
    NoSuchDate,
    #[error("date is in the future")]
    FutureDate,
    #[error("serial number 0000 is not issued")]
    ZeroSerial,
}

impl IdNumberError {
    /// Stable code, for programs (prefixed by the caller with `nik.` or `kk.`).
    pub const fn code(self) -> &'static str {
        match self {
            Self::WrongLength(_) => "length",
            Self::NotDigits => "not_digits",
            Self::BadDay(_) => "bad_day",
            Self::BadMonth(_) => "bad_month",
            Self::NoSuchDate => "no_such_date",
            Self::FutureDate => "future_date",
            Self::ZeroSerial => "zero_serial",
        }
    }

    /// Message in Bahasa Indonesia.
    pub fn message_id(self) -> String {
        match self {
            Self::WrongLength(n) => format!("harus 16 digit, terisi {n}"),
            Self::NotDigits => "hanya boleh berisi angka".into(),
            Self::BadDay(d) => {
                format!("tanggal {d:02} tidak valid (01-31, atau 41-71 untuk perempuan)")
            }
            Self::BadMonth(m) => format!("bulan {m:02} tidak valid (01-12)"),
            Self::NoSuchDate => "tanggal yang terkandung tidak ada di kalender".into(),
            Self::FutureDate => "tanggal yang terkandung ada di masa depan".into(),
            Self::ZeroSerial => "nomor urut 0000 tidak pernah diterbitkan".into(),
        }
    }

    /// Message in English.
    pub fn message_en(self) -> String {
        match self {
            Self::WrongLength(n) => format!("must be 16 digits, got {n}"),
            Self::NotDigits => "may contain digits only".into(),
            Self::BadDay(d) => format!("day {d:02} is invalid (01-31, or 41-71 for women)"),
            Self::BadMonth(m) => format!("month {m:02} is invalid (01-12)"),
            Self::NoSuchDate => "the embedded date does not exist".into(),
            Self::FutureDate => "the embedded date is in the future".into(),
            Self::ZeroSerial => "serial 0000 is never issued".into(),
        }
    }
}

/// What a well-formed NIK says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NikInfo {
    /// The kecamatan of first registration, 6 digits (may be an old or split code).
    pub kecamatan_prefix: [u8; 6],
    pub sex: Sex,
    /// The birth date, with the century resolved (see [`parse_nik`]).
    pub birth_date: NaiveDate,
    pub serial: u16,
}

impl NikInfo {
    /// The kecamatan prefix as text.
    pub fn prefix_str(&self) -> String {
        self.kecamatan_prefix
            .iter()
            .map(|d| char::from(b'0' + d))
            .collect()
    }
}

/// What a well-formed KK number says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KkInfo {
    pub kecamatan_prefix: [u8; 6],
    /// The recording date, century resolved as for NIKs.
    pub recorded_on: NaiveDate,
    pub serial: u16,
}

impl KkInfo {
    /// The kecamatan prefix as text.
    pub fn prefix_str(&self) -> String {
        self.kecamatan_prefix
            .iter()
            .map(|d| char::from(b'0' + d))
            .collect()
    }
}

fn digits16(s: &str) -> Result<[u8; 16], IdNumberError> {
    let n = s.chars().count();
    if n != 16 {
        return Err(IdNumberError::WrongLength(n));
    }
    let mut out = [0u8; 16];
    for (slot, b) in out.iter_mut().zip(s.bytes()) {
        if !b.is_ascii_digit() {
            return Err(IdNumberError::NotDigits);
        }
        *slot = b - b'0';
    }
    Ok(out)
}

fn two(d: &[u8]) -> u8 {
    d[0] * 10 + d[1]
}

/// Resolve a two-digit year: the latest century that does not put the year after `today`'s
/// year, unless `hint` (a year known from elsewhere, such as the entered birth date) has the
/// same last two digits, in which case the hint's century is used.
fn resolve_year(yy: u8, today: NaiveDate, hint: Option<i32>) -> i32 {
    if let Some(h) = hint {
        if h.rem_euclid(100) == i32::from(yy) {
            return h;
        }
    }
    let this_century = today.year() - today.year().rem_euclid(100);
    let y = this_century + i32::from(yy);
    if y > today.year() {
        y - 100
    } else {
        y
    }
}

fn check_date(
    day: u8,
    month: u8,
    yy: u8,
    today: NaiveDate,
    hint: Option<i32>,
) -> Result<NaiveDate, IdNumberError> {
    if !(1..=12).contains(&month) {
        return Err(IdNumberError::BadMonth(month));
    }
    if !(1..=31).contains(&day) {
        return Err(IdNumberError::BadDay(day));
    }
    let year = resolve_year(yy, today, hint);
    let date = NaiveDate::from_ymd_opt(year, u32::from(month), u32::from(day))
        .ok_or(IdNumberError::NoSuchDate)?;
    if date > today {
        return Err(IdNumberError::FutureDate);
    }
    Ok(date)
}

fn serial(d: &[u8; 16]) -> Result<u16, IdNumberError> {
    let s = d[12..16]
        .iter()
        .fold(0u16, |acc, x| acc * 10 + u16::from(*x));
    if s == 0 {
        Err(IdNumberError::ZeroSerial)
    } else {
        Ok(s)
    }
}

fn prefix(d: &[u8; 16]) -> [u8; 6] {
    let mut p = [0u8; 6];
    p.copy_from_slice(&d[..6]);
    p
}

/// Parse a NIK. `today` bounds the birth date; `birth_year_hint` (the year of the entered birth
/// date, if any) picks the century when its last two digits agree.
pub fn parse_nik(
    s: &str,
    today: NaiveDate,
    birth_year_hint: Option<i32>,
) -> Result<NikInfo, IdNumberError> {
    let d = digits16(s)?;
    let raw_day = two(&d[6..8]);
    let (sex, day) = match raw_day {
        41..=71 => (Sex::Female, raw_day - 40),
        1..=31 => (Sex::Male, raw_day),
        other => return Err(IdNumberError::BadDay(other)),
    };
    let birth_date = check_date(day, two(&d[8..10]), two(&d[10..12]), today, birth_year_hint)?;
    Ok(NikInfo {
        kecamatan_prefix: prefix(&d),
        sex,
        birth_date,
        serial: serial(&d)?,
    })
}

/// Parse a KK number: issuing kecamatan, recording date (DDMMYY, no +40) and serial.
pub fn parse_kk(s: &str, today: NaiveDate) -> Result<KkInfo, IdNumberError> {
    let d = digits16(s)?;
    let recorded_on = check_date(two(&d[6..8]), two(&d[8..10]), two(&d[10..12]), today, None)?;
    Ok(KkInfo {
        kecamatan_prefix: prefix(&d),
        recorded_on,
        serial: serial(&d)?,
    })
}

/// Build a NIK from its parts (for tests, examples and demo data).
pub fn make_nik(kecamatan: &str, sex: Sex, birth_date: NaiveDate, serial: u16) -> String {
    let day = birth_date.day() + if sex == Sex::Female { 40 } else { 0 };
    format!(
        "{kecamatan}{day:02}{:02}{:02}{serial:04}",
        birth_date.month(),
        birth_date.year().rem_euclid(100)
    )
}
