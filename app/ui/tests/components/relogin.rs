//! "Masuk lagi" on the sync screen: the server cancelled this device's token
//! (`user reset-devices`, a login on another phone); the facilitator gives the password again
//! right there, and every unsent record and photo goes to the server once.

use super::common::*;
use super::{TestServer, SERVER_PASSWORD};

use pendata_core::{Device, PhotoOptions};
use pendata_shared::codes::{HouseholdStatus, YesNo};
use pendata_shared::{HouseholdId, PhotoKind, RecordKind};

/// A finalized usulan baru with three real photos, written by a second unlock.
fn unsent_proposal(data: &std::path::Path, pin: &str) -> HouseholdId {
    let mut d = Device::unlock(data, pin).unwrap();
    let mut h = example_without_photos();
    h.id = HouseholdId::new();
    h.kind = RecordKind::UsulanBaru {
        musdes: Default::default(),
    };
    h.verivali.household_status = Some(HouseholdStatus::NewProposal);
    h.verivali.well_off = Some(YesNo::No);
    d.store_mut().create_household(&h).unwrap();
    for (n, kind) in [PhotoKind::Kk, PhotoKind::Ktp, PhotoKind::Rumah]
        .into_iter()
        .enumerate()
    {
        d.add_photo(
            h.id,
            kind,
            &jpeg(n as u32 + 31, 800, 600),
            PhotoOptions::default(),
        )
        .unwrap();
    }
    d.finalize(h.id).unwrap();
    h.id
}

/// How many records with this id the server exports (each must be there once).
fn copies_on_server(server: &TestServer, id: HouseholdId) -> usize {
    let scope = pendata_server::store::Scope::all();
    server
        .state
        .records
        .export_page(&scope, None, 1000)
        .unwrap()
        .into_iter()
        .filter(|e| e.household.as_ref().is_some_and(|h| h.id == id))
        .count()
}

#[test]
fn masuk_lagi_on_the_sync_screen_keeps_and_sends_every_unsent_record_once() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let pin = "135790";
    let mut app = Harness::start(&data);
    server.enrol(&mut app, pin);
    drop(app);
    let id = unsent_proposal(&data, pin);

    // The administrator resets the user's devices: this token is refused from now on.
    assert_eq!(
        server.state.accounts.reset_devices("tksk.uji").unwrap(),
        Some(1)
    );
    let mut app = Harness::start(&data);
    app.unlock(pin);
    app.click("nav-sync");
    app.click("sync-start");
    let html = app.wait_text("data-t=\"relogin\"");
    assert!(html.contains("Sesi tidak berlaku lagi"), "{html}");
    assert!(html.contains("<strong>tksk.uji</strong>"), "{html}");
    assert_eq!(copies_on_server(&server, id), 0);

    // A wrong password: refused, the box stays, nothing sent or lost.
    app.input("relogin-password", "bukan-sandinya");
    app.click("relogin-submit");
    app.wait_for("login refused", |h| {
        h.contains("class=\"error toast\"") && !h.contains("data-t=\"busy\"")
    });
    assert!(app.has("relogin"));
    assert_eq!(copies_on_server(&server, id), 0);
    assert_eq!(super::unsent_records(&data, pin), 1);

    // The right one: logged in again and synced at once; the record and its photos arrive.
    app.input("relogin-password", SERVER_PASSWORD);
    app.click("relogin-submit");
    let html = app.wait_text("data-t=\"sync-summary\"");
    assert!(html.contains("1 terkirim"), "{html}");
    assert!(!html.contains("data-t=\"relogin\""), "{html}");
    let on_server = server.household(id).expect("the record on the server");
    assert_eq!(on_server.photos.len(), 3);
    for p in &on_server.photos {
        assert_eq!(server.photo_len(p.sha256.as_str()), Some(p.bytes));
    }
    assert_eq!(copies_on_server(&server, id), 1);
    let d = Device::unlock(&data, pin).unwrap();
    assert_eq!(d.unsent().unwrap().records, 0);
    assert!(d.is_logged_in().unwrap());
    drop(d);

    // Another sync sends nothing again: the server still holds it once.
    app.click("sync-start");
    app.wait_text("0 terkirim");
    assert_eq!(copies_on_server(&server, id), 1);
}
