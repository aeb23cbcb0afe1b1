//! Pengaturan's backup, restore and logout on the real app and core (desktop build): the
//! backup file written to the backup folder, a restore refused over unsent work and accepted
//! on a fresh data directory, and a logout that says what is unsent and deletes nothing.

use super::common::*;

use pendata_core::Device;

#[test]
fn logout_says_what_is_unsent_and_keeps_every_record() {
    let dir = tempfile::tempdir().unwrap();
    let h = example_without_photos();
    device_with(dir.path(), std::slice::from_ref(&h));
    let mut app = Harness::start(dir.path());
    app.unlock(PIN);
    app.click("nav-settings");
    app.wait_text("data-t=\"logout-ask\"");
    app.click("logout-ask");
    let html = app.wait_text("1 data belum terkirim");
    assert!(html.contains("1 di antaranya draf"), "{html}");
    assert!(html.contains("Keluar tidak menghapus apa pun"), "{html}");
    app.click("logout-confirm");
    let html = app.wait_text("Sudah keluar");
    assert!(html.contains("data-t=\"enrol-submit\""), "{html}");
    assert!(
        !html.contains("data-t=\"enrol-pin\""),
        "only the login is asked: {html}"
    );
    // The server (none here) could not revoke the token: said, and forgotten anyway.
    app.wait_text("Token tidak dapat dicabut");
    let d = Device::unlock(dir.path(), PIN).unwrap();
    assert!(!d.is_logged_in().unwrap());
    assert_eq!(d.store().household(h.id).unwrap().id, h.id);
    assert_eq!(d.unsent().unwrap().households(), 1);
}

#[test]
fn a_backup_is_written_refused_over_unsent_work_and_restored_on_a_fresh_device() {
    let dir = tempfile::tempdir().unwrap();
    let h = example_without_photos();
    device_with(dir.path(), std::slice::from_ref(&h));
    let mut app = Harness::start(dir.path());
    app.unlock(PIN);
    app.click("nav-settings");
    app.wait_text("data-t=\"backup-make\"");
    app.click("backup-make");
    app.wait_text("Cadangan disimpan di");
    let backups: Vec<_> = std::fs::read_dir(dir.path().join("backups"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    let file = backups[0].clone();
    assert!(file.to_string_lossy().ends_with(".pdbackup"));
    assert_eq!(&std::fs::read(&file).unwrap()[..8], b"PDBACKUP");

    // Over this device (a draft unsent): refused with the count, nothing changes.
    app.pick_file("backup-restore-file", &file);
    let html = app.wait_text("Tidak dipulihkan");
    assert!(html.contains("1 data belum terkirim"), "{html}");
    assert!(
        html.contains("data-t=\"backup-make\""),
        "still in Pengaturan: {html}"
    );
    drop(app);

    // A fresh device: restored from the enrolment form, then the backup's PIN opens it.
    let fresh = tempfile::tempdir().unwrap();
    let mut app = Harness::start(fresh.path());
    app.wait_text("data-t=\"enrol-username\"");
    app.pick_file("backup-restore-file", &file);
    app.wait_text("Data dipulihkan");
    app.unlock(PIN);
    let (back, state) = stored(fresh.path(), h.id);
    assert_eq!(back.id, h.id);
    assert_eq!(state, "draft");
}
