//! The Dinsos's settings reach the device with a pull: the real server on a real socket, set
//! up with `[month] cutoff_day = 5` and its own `[dtsen]` revisit rule; after one sync the
//! device counts to the 5th (in its facilitator's own day) and applies the server's rule and
//! its `[cases]` choices.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use chrono::{DateTime, Utc};
use pendata_core::Device;
use pendata_server::auth::hash_password;
use pendata_server::store::{NewUser, Role};
use pendata_server::{AppState, Config};
use pendata_shared::cases::CaseRules;
use pendata_shared::dtsen::DtsenRules;
use pendata_shared::month::period::CutOff;

const PASSWORD: &str = "rahasia-uji-123";

#[test]
fn a_pull_applies_the_servers_cutoff_dtsen_and_case_rules() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::with_data_dir(dir.path().join("server"));
    config.month.cutoff_day = CutOff::new(5).unwrap();
    config.dtsen = DtsenRules {
        pip_max_age: 25,
        ..DtsenRules::default()
    };
    config.dtsen.revisit.max_attempts = 2;
    config.dtsen.revisit.min_days_between = 0;
    let server_rules = config.dtsen;
    config.cases.due_days.usul_sanggah = 7;
    config.cases.pbi_jk.dtsen_update_months = 3;
    config.cases.graduasi.yearly_target = 12;
    let server_cases = config.cases;
    let app = AppState::open(config).unwrap();
    app.accounts
        .create_user(NewUser {
            username: "pendamping.papua".into(),
            password_hash: hash_password(PASSWORD).unwrap(),
            role: Role::Enumerator,
            // Jayapura: WIT, UTC+9.
            wilayah: "9171".into(),
        })
        .unwrap();

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let device_dir = tempfile::tempdir().unwrap();
    let mut device = common::new_device(device_dir.path());
    // Before any sync: the published defaults.
    assert_eq!(device.store().cutoff().unwrap(), CutOff::default());
    assert_eq!(device.store().dtsen_rules().unwrap(), DtsenRules::default());
    assert_eq!(device.store().case_rules().unwrap(), CaseRules::default());

    rt.block_on(async {
        let server = common::LiveServer::start(app).await;
        let url = server.url.clone();
        device
            .login(&url, None, "pendamping.papua", PASSWORD, "HP uji")
            .await
            .unwrap();
        // Logging in alone brings no settings: they come with the pull.
        assert_eq!(device.store().cutoff().unwrap(), CutOff::default());
        device.sync(&mut |_| {}).await.unwrap();
        server.stop().await;
    });

    let store = device.store();
    assert_eq!(store.cutoff().unwrap().day(), 5);
    assert_eq!(store.dtsen_rules().unwrap(), server_rules);
    assert_eq!(store.case_rules().unwrap(), server_cases);
    // 4 Dec 16:00 UTC is already 5 Dec 01:00 in Jayapura: the deadline day itself, where a
    // count in UTC days would still say "besok".
    let now: DateTime<Utc> = "2026-12-04T16:00:00Z".parse().unwrap();
    let c = store.countdown(now).unwrap();
    assert_eq!(
        (c.deadline.to_string(), c.days_left),
        ("2026-12-05".into(), 0)
    );

    // Kept across a lock and unlock (the encrypted store).
    drop(device);
    let device = Device::unlock(device_dir.path(), common::PIN).unwrap();
    assert_eq!(device.store().cutoff().unwrap().day(), 5);
    assert_eq!(
        device.store().dtsen_rules().unwrap().revisit.max_attempts,
        2
    );
    assert_eq!(device.store().case_rules().unwrap(), server_cases);
}
