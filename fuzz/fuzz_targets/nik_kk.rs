//! NIK and KK number parsing on arbitrary text: never a panic; what parses is 16 digits whose
//! region prefix is the input's first six.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pendata_shared::nik::{parse_kk, parse_nik};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
    let hint = data.first().map(|b| 1900 + i32::from(*b));
    if let Ok(nik) = parse_nik(text, today, hint) {
        assert!(nik.birth_date <= today);
        assert!(text.len() == 16 && text.starts_with(&nik.prefix_str()));
    }
    if let Ok(kk) = parse_kk(text, today) {
        assert!(kk.recorded_on <= today);
        assert!(text.len() == 16 && text.starts_with(&kk.prefix_str()));
    }
    for e in [
        parse_nik(text, today, None).err(),
        parse_kk(text, today).err(),
    ]
    .into_iter()
    .flatten()
    {
        // Messages never echo the input.
        if text.len() >= 6 && text.bytes().all(|b| b.is_ascii_digit()) {
            assert!(!e.message_en().contains(text));
            assert!(!e.message_id().contains(text));
        }
    }
});
