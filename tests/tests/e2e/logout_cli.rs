//! `pendata logout` with the real binary against the real server: the token is revoked on the
//! server (refused afterwards), removed from the encrypted store, unsent data is kept and
//! counted; logging out while the server is down still forgets the token locally.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use pendata_core::Device;
use pendata_e2e::procs::binary;
use pendata_e2e::workload::{camera_set, capture_usulan};
use pendata_e2e::{example_household, new_device, TestServer, PIN};
use pendata_server::store::Role;

fn pendata(bin: &Path, dir: &Path, args: &[&str]) -> Output {
    Command::new(bin)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("PENDATA_LANG", "en")
        .env("PENDATA_PASSPHRASE", PIN)
        .env("PENDATA_KDF", "test")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The saved token, read through the encrypted store (as a client would use it).
fn saved_client(dir: &Path) -> Option<pendata_core::sync::Client> {
    Device::unlock(dir, PIN).unwrap().client().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_revokes_the_token_and_keeps_unsent_data() {
    let bin = binary("pendata", "pendata-core").unwrap();
    let server = TestServer::start().await.unwrap();
    server
        .add_user("tksk.keluar", Role::Enumerator, "320102")
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("hp");
    let example = example_household().unwrap();
    let set = camera_set(320, 240).unwrap();
    {
        let mut device = new_device(&dir).unwrap();
        server.login(&mut device, "tksk.keluar").await.unwrap();
        capture_usulan(&mut device, &example, 1, &set, "keluar").unwrap();
    }
    // The token works before.
    let client = saved_client(&dir).expect("logged in");
    client
        .me()
        .await
        .expect("the token is accepted before logout");

    let out = tokio::task::spawn_blocking({
        let (bin, dir) = (bin.clone(), dir.clone());
        move || pendata(&bin, &dir, &["logout"])
    })
    .await
    .unwrap();
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("revoked on the server"), "{said}");
    assert!(
        said.contains("sync.unsent") && said.contains("1 records and 9 photos"),
        "{said}"
    );
    // Refused by the server afterwards, and gone from the device.
    let err = client
        .me()
        .await
        .expect_err("the token is refused after logout");
    assert_eq!(err.status(), Some(401), "{err}");
    let device = Device::unlock(&dir, PIN).unwrap();
    assert!(!device.is_logged_in().unwrap());
    // Nothing unsent was deleted.
    let unsent = device.unsent().unwrap();
    assert_eq!((unsent.records, unsent.photos), (1, 9));
    drop(device);

    // Log in again (library), stop the server, log out: the token is forgotten locally and
    // the warning says it could not be revoked.
    {
        let mut device = Device::unlock(&dir, PIN).unwrap();
        server.login(&mut device, "tksk.keluar").await.unwrap();
    }
    server.stop().await;
    let out = tokio::task::spawn_blocking({
        let (bin, dir) = (bin.clone(), dir.clone());
        move || pendata(&bin, &dir, &["logout"])
    })
    .await
    .unwrap();
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("could not be revoked"), "{said}");
    let device = Device::unlock(&dir, PIN).unwrap();
    assert!(!device.is_logged_in().unwrap());
    assert_eq!(device.unsent().unwrap().records, 1);
    // A sync now asks to log in.
    drop(device);
    let out = pendata(&bin, &dir, &["sync"]);
    assert!(!out.status.success(), "{}", text(&out));
}
