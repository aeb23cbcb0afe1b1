//! NIK and KK parsing, as data-driven tables.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use pendata_shared::codes::Sex;
use pendata_shared::nik::{make_nik, parse_kk, parse_nik, IdNumberError};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn valid_niks_decode() {
    // (nik, sex, birth date, serial)
    let cases = [
        ("3201021403780003", Sex::Male, d(1978, 3, 14), 3),
        ("3201026207900002", Sex::Female, d(1990, 7, 22), 2), // women: day + 40
        ("3201024101000001", Sex::Female, d(2000, 1, 1), 1),  // 41 = day 1
        ("3201027112990009", Sex::Female, d(1999, 12, 31), 9), // 71 = day 31
        ("3201022902000001", Sex::Male, d(2000, 2, 29), 1),   // 29 Feb in a leap year
        ("3201026902960001", Sex::Female, d(1996, 2, 29), 1), // 29 Feb, woman, leap year
        ("3201022311260001", Sex::Male, d(2026, 11, 23), 1),  // born today
        ("3201020101279999", Sex::Male, d(1927, 1, 1), 9999), // YY after this year: 1900s
    ];
    for (nik, sex, birth, serial) in cases {
        let info = parse_nik(nik, today(), None).unwrap_or_else(|e| panic!("{nik}: {e}"));
        assert_eq!(
            (info.sex, info.birth_date, info.serial),
            (sex, birth, serial),
            "{nik}"
        );
        assert_eq!(info.prefix_str(), &nik[..6]);
    }
}

#[test]
fn invalid_niks_are_refused_with_their_reason() {
    let cases = [
        ("", IdNumberError::WrongLength(0)),
        ("320102140378000", IdNumberError::WrongLength(15)),
        ("32010214037800031", IdNumberError::WrongLength(17)),
        ("32010214037800a3", IdNumberError::NotDigits),
        ("3201 21403780003", IdNumberError::NotDigits),
        ("３２01021403780003", IdNumberError::NotDigits), // full-width digits: 16 chars, not ASCII
        ("3201020003780003", IdNumberError::BadDay(0)),
        ("3201023203780003", IdNumberError::BadDay(32)),
        ("3201024003780003", IdNumberError::BadDay(40)),
        ("3201027203780003", IdNumberError::BadDay(72)),
        ("3201021400780003", IdNumberError::BadMonth(0)),
        ("3201021413780003", IdNumberError::BadMonth(13)),
        ("3201022902010001", IdNumberError::NoSuchDate), // 29 Feb 2001
        ("3201026902010001", IdNumberError::NoSuchDate), // 29 Feb 2001, woman
        ("3201022902250001", IdNumberError::NoSuchDate), // 29 Feb 2025
        ("3201023104900001", IdNumberError::NoSuchDate), // 31 April
        ("3201022411260001", IdNumberError::FutureDate), // tomorrow
        ("3201020112260001", IdNumberError::FutureDate), // next month, this year
        ("3201021403780000", IdNumberError::ZeroSerial),
    ];
    for (nik, want) in cases {
        assert_eq!(parse_nik(nik, today(), None), Err(want), "{nik}");
    }
}

#[test]
fn birth_year_hint_picks_the_century() {
    // YY = 20: without a hint 2020, with a birth date in 1920, 1920.
    let nik = "3201020101200001";
    assert_eq!(
        parse_nik(nik, today(), None).unwrap().birth_date,
        d(2020, 1, 1)
    );
    assert_eq!(
        parse_nik(nik, today(), Some(1920)).unwrap().birth_date,
        d(1920, 1, 1)
    );
    // A hint whose last two digits differ is ignored.
    assert_eq!(
        parse_nik(nik, today(), Some(1921)).unwrap().birth_date,
        d(2020, 1, 1)
    );
}

#[test]
fn kk_numbers() {
    let ok = parse_kk("3201021501160007", today()).unwrap();
    assert_eq!((ok.recorded_on, ok.serial), (d(2016, 1, 15), 7));
    // KK dates carry no +40: day 55 is an error.
    assert_eq!(
        parse_kk("3201025501160007", today()),
        Err(IdNumberError::BadDay(55))
    );
    assert_eq!(
        parse_kk("3201021501160000", today()),
        Err(IdNumberError::ZeroSerial)
    );
    assert_eq!(
        parse_kk("32010215011600", today()),
        Err(IdNumberError::WrongLength(14))
    );
    assert_eq!(
        parse_kk("3201022411260001", today()),
        Err(IdNumberError::FutureDate)
    );
}

#[test]
fn make_nik_round_trips() {
    for (sex, birth) in [(Sex::Male, d(1961, 6, 30)), (Sex::Female, d(2004, 2, 29))] {
        let nik = make_nik("320102", sex, birth, 42);
        let info = parse_nik(
            &nik,
            today(),
            Some(birth.format("%Y").to_string().parse().unwrap()),
        )
        .unwrap();
        assert_eq!((info.sex, info.birth_date, info.serial), (sex, birth, 42));
    }
}

#[test]
fn messages_exist_in_both_languages() {
    for e in [
        IdNumberError::WrongLength(3),
        IdNumberError::NotDigits,
        IdNumberError::BadDay(99),
        IdNumberError::BadMonth(13),
        IdNumberError::NoSuchDate,
        IdNumberError::FutureDate,
        IdNumberError::ZeroSerial,
    ] {
        assert!(!e.message_id().is_empty() && !e.message_en().is_empty());
        assert_ne!(e.message_id(), e.message_en());
        assert!(e.code().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
    }
}
