//! The prelist (assignment) CSV import: arbitrary bytes → households and per-line errors.
//! Errors never quote values; every household that comes out has members and a known desa.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pendata_shared::prelist::parse_prelist_bytes;
use pendata_shared::Wilayah;

fuzz_target!(|data: &[u8]| {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
    if let Ok(parsed) = parse_prelist_bytes(data, today) {
        for h in &parsed.households {
            assert!(!h.members.is_empty());
            assert!(Wilayah::embedded().is_village(&h.desa_code));
        }
    }
});
