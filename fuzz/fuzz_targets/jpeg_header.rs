//! The photo intake's header checks (app and server): `jpeg::inspect` and `check_limits` on
//! arbitrary bytes. Must never panic; what it accepts must be self-consistent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pendata_shared::jpeg::{check_limits, inspect};

fuzz_target!(|data: &[u8]| {
    if let Ok(info) = inspect(data) {
        assert!(data.starts_with(&[0xFF, 0xD8]));
        assert!(info.width > 0 && info.height > 0);
        assert!(info.orientation.is_none_or(|o| (1..=8).contains(&o)));
        let limited = check_limits(&info, 50_000_000);
        assert_eq!(limited.is_ok(), info.pixels() <= 50_000_000);
    }
});
