//! Households for the server's benchmarks: the repository's example household with fresh ids.

use pendata_shared::model::Household;
use pendata_shared::{HouseholdId, MemberId, Sha256Hex};

/// `example` with a fresh household id, fresh member ids, NIKs unique to `n` (up to 1.9
/// million households) and, when given, these photos in place of its own.
pub fn fresh(example: &Household, n: u64, photos: &[(Sha256Hex, u64)]) -> Household {
    let mut h = example.clone();
    for (p, (sha, len)) in h.photos.iter_mut().zip(photos) {
        p.sha256 = sha.clone();
        p.bytes = *len;
    }
    h.id = HouseholdId::new();
    // The serial digits (0001-9500) vary with n; the region and birth-date parts stay valid.
    // NIKs repeat every 1900 households, which only matters inside one batch.
    let serial = n % 1900 * 5 + 1;
    for (i, m) in h.members.iter_mut().enumerate() {
        let old = m.id;
        m.id = MemberId::new();
        for d in &mut h.dependents {
            if d.member_id == Some(old) {
                d.member_id = Some(m.id);
            }
        }
        for p in &mut h.photos {
            if p.member_id == Some(old) {
                p.member_id = Some(m.id);
            }
        }
        if let Some(nik) = m.nik.clone() {
            let new = format!("{}{:04}", &nik[..12], serial + i as u64);
            for d in &mut h.dependents {
                if d.nik.as_deref() == Some(nik.as_str()) {
                    d.nik = Some(new.clone());
                }
            }
            m.nik = Some(new);
        }
    }
    h
}
