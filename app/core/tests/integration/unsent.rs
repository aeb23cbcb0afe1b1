//! What the device says is not on the server yet (`Device::unsent`): the count shown before a
//! logout or a restore. A household set aside for a photo retake (`needs_photo`, its revision
//! withdrawn from the outbox) is unsent work and is counted; each household once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use pendata_core::crypto::KdfParams;
use pendata_core::store::RecordState;
use pendata_core::Device;
use pendata_shared::photos::{LocalPhotoProblem, PhotoKind};
use pendata_shared::HouseholdId;

#[test]
fn a_household_set_aside_for_a_photo_retake_is_counted_as_unsent() {
    let tmp = tempfile::tempdir().unwrap();
    let mut device =
        Device::create(tmp.path(), common::PIN, KdfParams::insecure_for_tests()).unwrap();
    let h = common::example();
    let ktp = h
        .photos
        .iter()
        .find(|p| p.kind == PhotoKind::Ktp)
        .unwrap()
        .sha256
        .clone();
    let store = device.store_mut();
    store.save_household(&h).unwrap();
    store.finalize(h.id, common::photos_on_device).unwrap();
    let u = device.unsent().unwrap();
    assert_eq!((u.records, u.drafts), (1, 0), "final");

    let store = device.store_mut();
    store.queue(h.id).unwrap();
    assert_eq!(device.unsent().unwrap().records, 1, "queued, counted once");

    // This sync hands the revision out, then finds the KTP photo gone: the household is set
    // aside and its revision leaves the outbox.
    let store = device.store_mut();
    store.pending_push(100).unwrap();
    let aside = store
        .set_aside_for_photo(&ktp, LocalPhotoProblem::Missing)
        .unwrap();
    assert_eq!(aside.len(), 1);
    assert!(!aside[0].withdrawn.is_empty(), "withdrawn from the outbox");
    assert_eq!(store.state(h.id).unwrap(), RecordState::NeedsPhoto);
    assert_eq!(store.status().unwrap().outbox_pending, 0);
    let u = device.unsent().unwrap();
    assert_eq!(u.records, 1, "needs_photo is unsent work");
    assert_eq!(u.households(), 1);
    assert!(!u.is_empty());

    // A draft beside it counts as a draft, not twice.
    let mut d = common::example();
    d.id = HouseholdId::new();
    device.store_mut().create_household(&d).unwrap();
    let u = device.unsent().unwrap();
    assert_eq!((u.records, u.drafts, u.households()), (1, 1, 2));
}
