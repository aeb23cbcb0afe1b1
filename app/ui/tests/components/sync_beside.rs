//! A sync waiting on a slow link does not hold up the form: an edit made meanwhile — to the
//! very household the sync is pushing — is stored and answered ("Tersimpan HH:MM") while the
//! sync still waits; the sync marks sent the revision it pushed, and the next sync sends the
//! edit. Locking meanwhile waits for the sync, says so ("Menunggu sinkronisasi selesai…") and
//! can be cancelled: the app stays unlocked when the sync ends.

use super::common::*;
use super::held_link::HeldLink;
use super::TestServer;

use pendata_core::{Device, PhotoOptions};
use pendata_shared::PhotoKind;

#[test]
fn an_edit_during_a_held_sync_is_saved_at_once_and_sent_by_the_next_sync() {
    let server = TestServer::start();
    let link = HeldLink::start(&server.url, "POST /api/v1/push");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let pin = PIN;
    let mut app = Harness::start(&data);
    server.enrol_at(&mut app, pin, &link.url);
    drop(app);

    // A finalized household with its nine photos (real JPEGs), waiting to be sent.
    let h = example_without_photos();
    {
        let mut d = Device::unlock(&data, pin).unwrap();
        d.store_mut().create_household(&h).unwrap();
        for (n, kind) in PhotoKind::VERIVALI_NINE.iter().enumerate() {
            d.add_photo(
                h.id,
                *kind,
                &jpeg(n as u32 + 51, 320, 240),
                PhotoOptions::default(),
            )
            .unwrap();
        }
        d.finalize(h.id).unwrap();
    }
    assert_ne!(h.notes.as_deref(), Some("Pintu biru"));

    let mut app = Harness::start(&data);
    app.unlock(pin);
    app.click("nav-sync");
    app.click("sync-start");
    app.wait_for("the push held at the link", |_| link.holding());

    // The sync waits on the network; the facilitator opens the household and edits it.
    app.click("nav-list");
    app.wait_text("Ahmad Suryana");
    app.click("open-household-3201022001-00123");
    app.wait_text("data-t=\"form-head\"");
    app.click("step-review");
    app.change("f-notes", "Pintu biru");
    let html = app.wait_for("the edit answered", |h| {
        super::saving::says_saved_at(&super::saving::label(h))
    });
    assert!(link.holding(), "the push was still held");
    assert!(
        html.contains("data-t=\"busy\""),
        "the sync still ran: {html}"
    );
    assert!(server.household(h.id).is_none());
    assert_eq!(stored(&data, h.id).0.notes.as_deref(), Some("Pintu biru"));

    // Locking waits for the sync: the wait is said, and cancelled the app stays unlocked.
    app.click("nav-settings");
    app.click("lock");
    let html = app.wait_text("Menunggu sinkronisasi selesai");
    assert!(html.contains("data-t=\"sync-wait-cancel\""), "{html}");
    app.click("sync-wait-cancel");
    app.wait_for("the wait cancelled", |h| {
        !h.contains("data-t=\"sync-wait\"")
    });
    app.click("nav-list");
    app.click("open-household-3201022001-00123");
    app.wait_text("data-t=\"form-head\"");

    // The link lets the push through: the server keeps the revision the sync read (without the
    // edit), and the edit waits on the device as a draft based on it.
    link.release();
    let html = app.wait_for("the sync ended", |h| !h.contains("data-t=\"busy\""));
    assert!(
        html.contains("data-t=\"form-head\""),
        "the cancelled lock ran after the sync: {html}"
    );
    let first = server
        .household(h.id)
        .expect("the pushed revision on the server");
    assert_eq!(first.notes, h.notes);
    assert_eq!(first.photos.len(), 9);
    let (on_device, state) = stored(&data, h.id);
    assert_eq!(on_device.notes.as_deref(), Some("Pintu biru"));
    assert_eq!(state, "draft");

    // Finalized again, the edit goes with the next sync.
    super::finalize_on_review(&mut app);
    app.click("nav-sync");
    app.click("sync-start");
    app.wait_for("the edit on the server", |_| {
        server.household(h.id).and_then(|s| s.notes).as_deref() == Some("Pintu biru")
    });
    app.wait_for("the second sync ended", |h| !h.contains("data-t=\"busy\""));
    assert_eq!(super::unsent_records(&data, pin), 0);
}
