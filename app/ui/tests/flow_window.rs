//! The facilitator's day in the real desktop window (Xvfb), driven by xdotool by coordinates
//! and keyboard, against a real pendata-server on a real socket: enrol, sync the prelist, open
//! a prelist household, fill the status (a skip rule shows the follow-up question), type the
//! GPS position, attach three photos from files, finalize, sync, and find it on the server.
//!
//! Needs `xvfb-run`, `xdotool` and ImageMagick's `import` (scripts/install-deps). Screenshots
//! of every step go to `target/test-artifacts/app/flow-*.png`.
//!
//! The coordinates belong to the 900x1350 window at the top left of a 1024x1400 screen; the
//! layout was read off the screenshots. A layout change moves them: look at the screenshots.
#![cfg(feature = "desktop")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use pendata_server::auth::hash_password;
use pendata_server::store::{NewUser, PrelistHousehold, Role, Scope};
use pendata_shared::codes::{HouseholdStatus, NotFoundReason, VerivaliResult};
use pendata_shared::model::GeoSource;
use pendata_shared::protocol::PrelistMember;
use pendata_shared::Household;

const PASSWORD: &str = "kata-sandi-uji-123";
const PRELIST_ID: &str = "3201022001-00123";

fn artifacts() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/test-artifacts/app");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn tool(name: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .status()
        .unwrap()
        .success();
    assert!(
        found,
        "{name} is missing: run scripts/install-deps build test"
    );
}

struct Display {
    xvfb: Child,
    app: Option<Child>,
    name: String,
    step: u32,
}

impl Display {
    fn start() -> Self {
        // A display number nobody uses: the lowest free of :140..:199.
        let n = (140..200)
            .find(|n| !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists())
            .unwrap();
        let name = format!(":{n}");
        let xvfb = Command::new("Xvfb")
            .args([
                name.as_str(),
                "-screen",
                "0",
                "1024x1400x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        for _ in 0..100 {
            if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Display {
            xvfb,
            app: None,
            name,
            step: 0,
        }
    }

    fn xdo(&self, args: &[&str]) {
        let ok = Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &self.name)
            .status()
            .unwrap()
            .success();
        assert!(ok, "xdotool {args:?} failed");
    }

    fn click(&self, x: u32, y: u32) {
        self.xdo(&["mousemove", &x.to_string(), &y.to_string(), "click", "1"]);
        pause(400);
    }

    fn typ(&self, text: &str) {
        self.xdo(&["type", "--delay", "40", "--", text]);
    }

    fn key(&self, keys: &[&str]) {
        let mut args = vec!["key", "--delay", "80"];
        args.extend_from_slice(keys);
        self.xdo(&args);
    }

    /// Screenshot `flow-NN-what.png`.
    fn shot(&mut self, what: &str) -> PathBuf {
        self.step += 1;
        let path = artifacts().join(format!("flow-{:02}-{what}.png", self.step));
        let ok = Command::new("import")
            .args(["-window", "root"])
            .arg(&path)
            .env("DISPLAY", &self.name)
            .status()
            .unwrap()
            .success();
        assert!(ok, "screenshot failed");
        path
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        if let Some(app) = self.app.as_mut() {
            let _ = app.kill();
            let _ = app.wait();
        }
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}

fn pause(ms: u64) {
    std::thread::sleep(Duration::from_millis(ms));
}

/// Polls `check` every half second, up to `secs`; returns whether it became true.
fn eventually(secs: u64, mut check: impl FnMut() -> bool) -> bool {
    for _ in 0..secs * 2 {
        if check() {
            return true;
        }
        pause(500);
    }
    check()
}

fn jpeg(seed: u32) -> Vec<u8> {
    let (w, h) = (1400u32, 1050u32);
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = (state % 32) as u8;
        image::Rgb([
            ((x * 255 / w) as u8).saturating_add(n),
            ((y * 255 / h) as u8).saturating_add(n / 2),
            (seed as u8).wrapping_mul(71),
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .unwrap();
    out
}

fn prelist(h: &Household) -> PrelistHousehold {
    PrelistHousehold {
        listing: None,
        prelist_id: PRELIST_ID.into(),
        desa_code: h.location.desa_code.clone(),
        rt: h.location.rt.clone(),
        rw: h.location.rw.clone(),
        address: h.location.address.clone(),
        families: h.families.clone(),
        members: h
            .members
            .iter()
            .map(|m| PrelistMember {
                name: m.name.clone(),
                nik: m.nik.clone(),
                relation_to_head: m.relation_to_head,
                sex: m.sex,
                birth_date: m.birth_date,
                family_no: m.family_no,
            })
            .collect(),
        assigned_to: None,
    }
}

#[test]
fn a_prelist_household_goes_from_the_window_to_the_server() {
    for t in ["Xvfb", "xdotool", "import"] {
        tool(t);
    }
    let tmp = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    // The real server, in this process, on a real socket.
    let state = pendata_server::AppState::open(pendata_server::Config::with_data_dir(
        tmp.path().join("srv"),
    ))
    .unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = rt.spawn(pendata_server::serve_state(
        state.clone(),
        listener,
        async {
            let _ = stopped.await;
        },
    ));
    state
        .accounts
        .create_user(NewUser {
            username: "tksk.uji".into(),
            password_hash: hash_password(PASSWORD).unwrap(),
            role: Role::Enumerator,
            wilayah: "320102".into(),
        })
        .unwrap();
    let example: Household = serde_json::from_str(pendata_app::EXAMPLE_HOUSEHOLD).unwrap();
    state.records.import_prelist(&[prelist(&example)]).unwrap();

    let photos: Vec<PathBuf> = (1..=3)
        .map(|i| {
            let p = tmp.path().join(format!("foto{i}.jpg"));
            std::fs::write(&p, jpeg(i)).unwrap();
            p
        })
        .collect();

    let mut d = Display::start();
    let data = tmp.path().join("device");
    d.app = Some(
        Command::new(env!("CARGO_BIN_EXE_pendata-app"))
            .env("DISPLAY", &d.name)
            .env_remove("WAYLAND_DISPLAY")
            .env("PENDATA_DATA_DIR", &data)
            .env("PENDATA_KDF", "test")
            .env("PENDATA_WINDOW_SIZE", "900x1350")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let d_name = d.name.clone();
    let window_up = eventually(90, || {
        Command::new("xdotool")
            .args(["search", "--name", "Pendata"])
            .env("DISPLAY", &d_name)
            .stdout(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    });
    assert!(window_up, "no Pendata window after 90 s");
    pause(4000);
    d.shot("enrol");

    // Enrol: server, user, password, PIN twice, then the button (Tab order).
    d.click(255, 172);
    d.typ(&url);
    d.key(&["Tab"]);
    d.typ("tksk.uji");
    d.key(&["Tab"]);
    d.typ(PASSWORD);
    d.key(&["Tab"]);
    d.typ("135790");
    d.key(&["Tab"]);
    d.typ("135790");
    d.key(&["Tab", "Return"]);
    // Enrolled: the key file exists and the server knows the device's token.
    assert!(
        eventually(60, || pendata_core::Device::exists(&data)),
        "no data directory"
    );
    pause(3000);
    d.shot("home");

    // Home → sync: the prelist arrives. ("Sinkronkan sekarang" sits under the nine state counts,
    // "perlu foto ulang" the last of them.)
    d.click(120, 583);
    pause(5000);
    d.shot("first-sync");

    // Work list → the prelist household.
    d.click(614, 51);
    pause(2000);
    d.shot("work-list");
    d.click(450, 323);
    pause(2500);
    d.shot("household-location");

    // Location: type the GPS position (no location service under Xvfb).
    d.click(217, 645);
    d.typ("-6.4312");
    d.key(&["Tab"]);
    d.typ("106.9201");
    d.key(&["Tab", "Return"]);
    pause(2000);
    d.shot("gps-typed");

    // Status: "2 Tidak ditemukan" makes "Alasan tidak ditemukan" appear (skip rule), then
    // reason 1 (moved), well-off 2 (no), result 3 (household moved). Keyboard type-ahead in
    // the selects; the page scrolled to the GPS box, so go back up first.
    d.key(&["ctrl+Home"]);
    pause(500);
    d.click(180, 297);
    pause(2000);
    d.click(290, 342);
    pause(700);
    d.key(&["Escape"]);
    d.typ("2");
    pause(2500);
    d.shot("status-skip-rule");
    d.key(&["Tab"]);
    d.typ("1");
    pause(1500);
    d.key(&["Tab"]);
    d.typ("2");
    pause(1500);
    d.key(&["Tab"]);
    d.typ("3");
    pause(1500);
    d.key(&["Tab"]);
    pause(1500);
    d.shot("status-filled");

    // Photos: type each file's path into F-RUMAH, F-DINDING, F-LANTAI (Tab order: path,
    // next kind's file input, next kind's path).
    d.click(647, 297);
    pause(2000);
    d.click(150, 744);
    for (i, p) in photos.iter().enumerate() {
        d.typ(&p.display().to_string());
        d.key(&["Tab"]);
        pause(4000);
        if i + 1 < photos.len() {
            d.key(&["Tab"]);
        }
    }
    pause(2000);
    d.shot("photos");

    // Review → finalize.
    d.key(&["ctrl+Home"]);
    pause(500);
    d.click(738, 297);
    pause(2000);
    d.shot("review");
    d.click(74, 385);
    pause(2500);
    d.shot("final");

    // Sync → the server has it.
    d.click(737, 51);
    pause(1500);
    d.click(107, 225);
    let scope = Scope::all();
    let on_server = eventually(90, || {
        rt.block_on(async {
            let rows = state
                .records
                .list(
                    &scope,
                    &pendata_server::store::ListQuery {
                        state: None,
                        desa: None,
                        limit: 10,
                        after: None,
                    },
                )
                .unwrap();
            rows.iter()
                .any(|r| r.current_revision.is_some() && !r.incomplete)
        })
    });
    pause(1500);
    let last = d.shot("synced");
    assert!(
        on_server,
        "the household never reached the server; see {}",
        last.display()
    );

    let row = state
        .records
        .list(
            &scope,
            &pendata_server::store::ListQuery {
                state: None,
                desa: None,
                limit: 10,
                after: None,
            },
        )
        .unwrap()
        .into_iter()
        .find(|r| r.prelist_id.as_deref() == Some(PRELIST_ID))
        .unwrap();
    let detail = state.records.get(row.id, &scope).unwrap().unwrap();
    let h = detail.household.expect("a stored revision");
    assert_eq!(h.verivali.household_status, Some(HouseholdStatus::NotFound));
    assert_eq!(h.verivali.not_found_reason, Some(NotFoundReason::Moved));
    assert_eq!(h.verivali.result, Some(VerivaliResult::Moved));
    let g = h.geotag.expect("the typed position");
    assert_eq!(g.source, GeoSource::Manual);
    assert!((g.latitude + 6.4312).abs() < 1e-9 && (g.longitude - 106.9201).abs() < 1e-9);
    let mut kinds: Vec<&str> = h.photos.iter().map(|p| p.kind.stereotype()).collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["F-DINDING", "F-LANTAI", "F-RUMAH"]);
    for p in &h.photos {
        let sha = pendata_server::store::Sha256Hex::parse(p.sha256.as_str()).unwrap();
        let bytes = rt.block_on(state.blobs.read(&sha)).unwrap();
        assert_eq!(
            bytes.map(|b| b.len() as u64),
            Some(p.bytes),
            "photo {}",
            p.kind
        );
    }
    let _ = stop.send(());
    let _ = rt.block_on(server);
}
