//! "Cadangkan data" / "Pulihkan" on real files: a device with a household and a real camera
//! JPEG backed up into one file that is still locked by the PIN, restored into a fresh data
//! directory (the backup's PIN opens it, everything is there), and every refusal — a damaged
//! or cut file, a store with unsent work, a locked store — changing nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::BTreeMap;
use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use common::camera::{camera_like, encode_rgb};
use common::scan::{all_files, contains};
use pendata_core::backup::{self, BackupError};
use pendata_core::crypto::KdfParams;
use pendata_core::{Device, PhotoOptions};
use pendata_shared::{Lang, PhotoKind};

const PIN: &str = common::PIN;

/// A device in `dir` holding the example household (a draft) with a real F-RUMAH photo.
fn device_with_work(dir: &Path) -> (Device, pendata_shared::Household, Vec<u8>) {
    let mut device = Device::create(dir, PIN, KdfParams::insecure_for_tests()).unwrap();
    let h = common::example();
    device.store_mut().create_household(&h).unwrap();
    let jpeg = encode_rgb(&camera_like(1200, 900), 1200, 900, 90, false);
    let photo = device
        .add_photo(h.id, PhotoKind::Rumah, &jpeg, PhotoOptions::default())
        .unwrap();
    let stored = device.photo_bytes(&photo.sha256).unwrap();
    let h = device.store().household(h.id).unwrap();
    (device, h, stored)
}

fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    all_files(dir)
        .into_iter()
        .map(|p| {
            let b = fs::read(&p).unwrap();
            (p, b)
        })
        .collect()
}

#[test]
fn a_backup_restored_into_a_fresh_directory_opens_with_its_pin_and_holds_everything() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, fresh) = (tmp.path().join("phone-1"), tmp.path().join("phone-2"));
    let (mut device, h, photo) = device_with_work(&src);
    // Written straight into a file, as the desktop does (streamed, never whole in memory).
    let path = tmp.path().join("cadangan.pdbackup");
    let size = device.backup_to(fs::File::create(&path).unwrap()).unwrap();
    let file = fs::read(&path).unwrap();
    assert_eq!(size, file.len() as u64);

    // Still locked by the PIN: no SQLite header, no name or address, no JPEG in clear.
    assert_eq!(&file[..8], backup::format::MAGIC);
    assert!(!contains(&file, b"SQLite format 3"));
    let head = &h.members[0].name;
    assert!(!contains(&file, head.as_bytes()), "head name in clear");
    assert!(!contains(&file, h.location.address.as_bytes()));
    assert!(!contains(&file, &photo[..64]), "photo bytes in clear");
    // Every file of the data directory is in it, byte for byte.
    let entries = backup::format::unpack(&file).unwrap();
    let names: Vec<&str> = entries.iter().map(|(name, _)| name.as_str()).collect();
    assert!(names.contains(&"keys.json") && names.contains(&"pendata.db"));
    assert_eq!(names.iter().filter(|n| n.starts_with("photos/")).count(), 2);
    for (name, data) in &entries {
        assert_eq!(&fs::read(src.join(name)).unwrap(), data, "{name}");
    }
    // The store was closed around the copy and opened again: it reads and writes as before.
    assert_eq!(device.store().household(h.id).unwrap(), h);
    let mut other = common::example();
    other.id = pendata_shared::HouseholdId::new();
    device.store_mut().create_household(&other).unwrap();
    drop(device);

    let restored = backup::restore_into(&fresh, fs::File::open(&path).unwrap()).unwrap();
    assert_eq!(restored.photo_files, 2, "the photo and its thumbnail");
    assert!(Device::unlock(&fresh, "000000").unwrap_err().is_wrong_pin());
    let again = Device::unlock(&fresh, PIN).unwrap();
    assert_eq!(again.store().household(h.id).unwrap(), h);
    let p = again
        .photos(h.id)
        .unwrap()
        .into_iter()
        .find(|p| p.kind == "F-RUMAH")
        .unwrap();
    let sha = pendata_shared::Sha256Hex::parse(&p.sha256).unwrap();
    assert_eq!(again.photo_bytes(&sha).unwrap(), photo);
    assert!(again.thumbnail(&sha).is_ok());
    assert_eq!(again.store().device_id(), {
        let d = Device::unlock(&src, PIN).unwrap();
        d.store().device_id()
    });
    let integrity: String = again
        .store()
        .connection()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
}

#[test]
fn a_cut_or_changed_file_is_refused_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, fresh) = (tmp.path().join("phone-1"), tmp.path().join("phone-2"));
    let (mut device, h, _) = device_with_work(&src);
    let file = device.backup().unwrap();
    fs::create_dir_all(&fresh).unwrap();

    for cut in [0, 7, 20, file.len() / 3, file.len() - 1] {
        let err = backup::restore_into(&fresh, Cursor::new(&file[..cut])).unwrap_err();
        let code = if cut < 8 {
            "backup.not_a_backup"
        } else {
            "backup.damaged"
        };
        assert_eq!(err.code(), code, "cut at {cut}");
        assert!(snapshot(&fresh).is_empty(), "cut at {cut} wrote something");
    }
    let mut changed = file.clone();
    let mid = changed.len() / 2;
    changed[mid] ^= 0x40;
    let err = backup::restore_into(&fresh, Cursor::new(&changed)).unwrap_err();
    assert_eq!(err.code(), "backup.damaged");
    assert!(err
        .message(Lang::Id)
        .starts_with("Berkas cadangan rusak atau tidak lengkap"));
    assert!(err
        .message(Lang::En)
        .starts_with("The backup file is damaged or incomplete"));
    assert!(!Device::exists(&fresh));
    drop(device);
    // Over an open store with nothing unsent, a damaged file is refused before anything is
    // touched, and the device comes back as it was.
    let other = tmp.path().join("phone-3");
    drop(Device::create(&other, "135790", KdfParams::insecure_for_tests()).unwrap());
    let before = snapshot(&other);
    let empty = Device::unlock(&other, "135790").unwrap();
    let failed = empty.restore_over(Cursor::new(&changed)).unwrap_err();
    assert_eq!(failed.error.code(), "backup.damaged");
    let empty = *failed.device.unwrap();
    assert!(empty.unsent().unwrap().is_empty());
    drop(empty);
    assert_eq!(snapshot(&other), before);
    assert!(Device::unlock(&other, "135790").is_ok());

    // The whole file still restores afterwards.
    backup::restore_into(&fresh, Cursor::new(&file)).unwrap();
    assert_eq!(
        Device::unlock(&fresh, PIN)
            .unwrap()
            .store()
            .household(h.id)
            .unwrap(),
        h
    );
}

#[test]
fn a_store_with_unsent_work_is_never_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("phone-1"), tmp.path().join("phone-2"));
    let (mut device_a, _, _) = device_with_work(&a);
    let file = device_a.backup().unwrap();
    drop(device_a);

    // Phone 2 has a draft of its own, not sent.
    let (device_b, hb, _) = device_with_work(&b);
    drop(device_b);
    let before = snapshot(&b);
    let device_b = Device::unlock(&b, PIN).unwrap();
    let failed = device_b.restore_over(Cursor::new(&file)).unwrap_err();
    let BackupError::Unsent(u) = &failed.error else {
        panic!("expected unsent, got {:?}", failed.error);
    };
    assert_eq!((u.households(), u.drafts), (1, 1));
    assert_eq!(failed.error.code(), "backup.unsent");
    assert!(failed
        .error
        .message(Lang::Id)
        .contains("1 data belum terkirim (1 di antaranya draf)"));
    let device_b = *failed.device.unwrap();
    assert_eq!(device_b.store().household(hb.id).unwrap(), hb);
    drop(device_b);
    assert_eq!(snapshot(&b), before, "nothing on phone 2 changed");

    // Locked (no PIN given): its unsent work cannot be counted, so it is refused as well.
    let err = backup::restore_into(&b, Cursor::new(&file)).unwrap_err();
    assert_eq!(err.code(), "backup.store_exists");
    assert_eq!(snapshot(&b), before);
}

#[test]
fn an_open_store_with_nothing_unsent_is_replaced_by_the_backup() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("phone-1"), tmp.path().join("phone-2"));
    let (mut device_a, h, photo) = device_with_work(&a);
    let file = device_a.backup().unwrap();
    drop(device_a);

    // Phone 2 was set up with another PIN and holds nothing.
    let empty = Device::create(&b, "135790", KdfParams::insecure_for_tests()).unwrap();
    let restored = empty.restore_over(Cursor::new(&file)).unwrap();
    assert_eq!(restored.photo_files, 2);
    assert!(Device::unlock(&b, "135790").unwrap_err().is_wrong_pin());
    let device = Device::unlock(&b, PIN).unwrap();
    assert_eq!(device.store().household(h.id).unwrap(), h);
    let sha = device
        .store()
        .household(h.id)
        .unwrap()
        .photos
        .iter()
        .find(|p| p.kind == PhotoKind::Rumah)
        .unwrap()
        .sha256
        .clone();
    assert_eq!(device.photo_bytes(&sha).unwrap(), photo);
}

#[test]
fn another_file_is_named_as_not_a_backup() {
    let tmp = tempfile::tempdir().unwrap();
    let jpeg = encode_rgb(&camera_like(64, 48), 64, 48, 90, false);
    let err = backup::restore_into(tmp.path(), Cursor::new(&jpeg)).unwrap_err();
    assert_eq!(err.code(), "backup.not_a_backup");
    assert!(err.message(Lang::Id).contains("bukan cadangan Pendata"));
    assert!(snapshot(tmp.path()).is_empty());
}

#[test]
fn the_file_name_carries_the_local_date() {
    use chrono::TimeZone;
    let t = chrono::Local
        .with_ymd_and_hms(2026, 12, 7, 9, 15, 0)
        .unwrap();
    assert_eq!(
        backup::file_name(t),
        "pendata-cadangan-20261207-0915.pdbackup"
    );
}
