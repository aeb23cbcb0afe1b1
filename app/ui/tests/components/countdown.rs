//! Beranda's countdown to the monthly cut-off on the real app and core: the cut-off day the
//! server sent with a pull (stored by the core, `Store::apply_device_settings`), counted in the
//! facilitator's day (WIB for this Bogor account), worded by `pendata_shared::month` in both
//! languages; below "Sinkronkan sekarang", so the button does not move.

use super::common::*;

use chrono::Utc;
use pendata_core::Device;
use pendata_shared::month::period::{Countdown, CutOff};
use pendata_shared::month::zone::local_today;
use pendata_shared::protocol::DeviceSettings;
use pendata_shared::text::Localized;

/// The countdown the shared model gives for this account (a Bogor kecamatan: WIB) today.
fn expected(cutoff: CutOff) -> pendata_shared::text::Text {
    Countdown::on(local_today("320102", Utc::now()), cutoff).text()
}

#[test]
fn beranda_shows_the_servers_cutoff_in_both_languages_below_the_sync_button() {
    let dir = tempfile::tempdir().unwrap();
    device_with(dir.path(), &[]);
    // What a pull from a server with `[month] cutoff_day = 5` leaves in the store.
    let cutoff = CutOff::new(5).unwrap();
    {
        let mut d = Device::unlock(dir.path(), PIN).unwrap();
        d.store_mut()
            .apply_device_settings(&DeviceSettings {
                cutoff_day: cutoff,
                ..Default::default()
            })
            .unwrap();
    }
    // Taken before and after the render, in case the test straddles midnight WIB.
    let mut want = vec![expected(cutoff)];
    let mut app = Harness::start(dir.path());
    app.unlock(PIN);
    let html = app.wait_text("data-t=\"home-countdown\"");
    want.push(expected(cutoff));
    let shown = want
        .iter()
        .find(|t| html.contains(t.id.as_ref()))
        .unwrap_or_else(|| panic!("none of {want:?} in {html}"));
    // The server's day (the 5th), not the published 17th.
    assert!(
        shown.id.starts_with("batas kirim: 5 ")
            || shown.id.starts_with("batas kirim: hari ini, 5 "),
        "{shown:?}"
    );
    // Below the sync button: nothing new above it (tests/flow_window.rs clicks by position).
    let sync = html.find("data-t=\"home-sync\"").unwrap();
    let countdown = html.find("data-t=\"home-countdown\"").unwrap();
    assert!(sync < countdown, "{html}");

    app.click("nav-settings");
    app.click("lang-en");
    app.wait_text("Data size");
    app.click("nav-home");
    let html = app.wait_text("data-t=\"home-countdown\"");
    assert!(html.contains(shown.en.as_ref()), "{shown:?} in {html}");
    assert!(shown.en.starts_with("send by: "), "{shown:?}");
}
