#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `DeviceSyncStore`: a pulled page and its cursor land together and applying it twice is
//! harmless; reading what waits to be sent does not count as a push attempt.

mod common;

use pendata_core::crypto::KdfParams;
use pendata_core::sync::{DeviceSyncStore, SyncStore};
use pendata_core::Device;
use pendata_shared::protocol::{Assignment, PullItem};
use pendata_shared::HouseholdId;

fn assignment(prelist_id: &str) -> PullItem {
    let h = common::example();
    PullItem::Assignment(Assignment {
        household_id: HouseholdId::new(),
        prelist_id: prelist_id.into(),
        desa_code: h.location.desa_code.clone(),
        rt: h.location.rt.clone(),
        rw: h.location.rw.clone(),
        address: h.location.address.clone(),
        head_name: h.members[0].name.clone(),
        families: h.families.clone(),
        members: Vec::new(),
        assigned_to: None,
        active: true,
        updated_at: chrono::Utc::now(),
    })
}

#[test]
fn a_pulled_page_and_its_cursor_are_stored_together_and_idempotently() {
    let tmp = tempfile::tempdir().unwrap();
    let mut device =
        Device::create(tmp.path(), common::PIN, KdfParams::insecure_for_tests()).unwrap();
    let page = vec![
        assignment("3201022001-00001"),
        assignment("3201022001-00002"),
    ];
    {
        let mut store = DeviceSyncStore::new(&mut device);
        assert_eq!(store.pull_cursor().unwrap(), None);
        store.apply_pull(&page, "seq-2").unwrap();
        store.apply_pull(&page, "seq-2").unwrap();
        assert_eq!(store.pull_cursor().unwrap().as_deref(), Some("seq-2"));
        assert_eq!(store.pulled.assignments, 4);
    }
    assert_eq!(device.store().assignments(None).unwrap().len(), 2);
    assert_eq!(
        device.store().pull_cursor().unwrap().as_deref(),
        Some("seq-2")
    );

    // The cursor survives closing and unlocking again (it is in the encrypted store).
    drop(device);
    let device = Device::unlock(tmp.path(), common::PIN).unwrap();
    assert_eq!(
        device.store().pull_cursor().unwrap().as_deref(),
        Some("seq-2")
    );
}

#[test]
fn without_a_login_sync_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let mut device =
        Device::create(tmp.path(), common::PIN, KdfParams::insecure_for_tests()).unwrap();
    assert!(!device.is_logged_in().unwrap());
    assert!(device.session().unwrap().is_none());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let err = rt.block_on(device.sync(&mut |_| {})).unwrap_err();
    assert_eq!(err.code(), "sync.not_logged_in");
    assert!(err.to_string().contains("pendata login"));
}
