//! A push body as the server receives it: JSON → `PushBatch`; every record's content hash and the
//! shared batch validation (the server runs both on every push).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pendata_shared::protocol::{content_hash, Change, PushBatch};
use pendata_shared::{validate_batch, Context};

fuzz_target!(|data: &[u8]| {
    let Ok(batch) = serde_json::from_slice::<PushBatch>(data) else {
        return;
    };
    let mut households = Vec::new();
    for record in &batch.records {
        let _ = content_hash(&record.change);
        if let Change::Upsert { household } = &record.change {
            households.push((**household).clone());
        }
    }
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
    let findings = validate_batch(&households, &Context::embedded(today));
    assert_eq!(findings.len(), households.len());
});
