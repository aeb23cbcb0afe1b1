//! The Dinsos month end in real Chromium (issue 21 §4): the real `pendata-server` binary with
//! its day fixed at the cut-off (`PENDATA_TODAY=2026-12-17`), the real `pendata` CLI as the
//! pendamping's device, and the dashboard driven by keyboard in Debian's headless Chromium
//! (tests/browser/month_end.mjs; screenshots in target/test-artifacts/dashboard/month-end-*).
//!
//! The supervisor imports a usul-sanggah file on the dashboard; the device pulls the case,
//! records the finding with a real JPEG of the house and syncs it together with a usulan baru;
//! the supervisor reads the finding, records the desa's musdes (date, berita acara number,
//! attendance, BNBA) with a photo and checks the period; the Kepala OPD approves it, which
//! locks it: its proposal's page says why it takes no more decisions (and the server answers a
//! decision sent anyway with `period.locked`), and the SIKS-NG export downloads with exactly
//! the agreed proposals.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use pendata_core::Device;
use pendata_e2e::procs::{binary, free_addr, ServerProcess};
use pendata_e2e::workload::{capture_usulan, tiny_set};
use pendata_e2e::{camera_jpeg, example_household, new_device, WebClient, PASSWORD, PIN};
use pendata_server::store::Role;
use pendata_server::{AppState, Config};

use super::dashboard_browser::scenario;

const PENDAMPING: &str = "pendamping.akhirbulan";
const SUPERVISOR: &str = "verifikator.akhirbulan";
const KEPALA: &str = "kadis.akhirbulan";
const DESA: &str = "3201022001";
const TODAY: &str = "2026-12-17";
const PERIOD: &str = "2026-12";
const NOTE: &str = "Rumah semi permanen, tidak ada aset (uji akhir bulan)";
const DOCUMENT: &str = "BA/044/XII/2026";

/// The real `pendata` CLI on the device's data directory (PIN from the environment).
fn pendata(dir: &Path, args: &[&str]) -> String {
    let out: Output = Command::new(binary("pendata", "pendata-core").unwrap())
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("PENDATA_PASSPHRASE", PIN)
        .env("PENDATA_PASSWORD", PASSWORD)
        .env("PENDATA_LANG", "id")
        .env("PENDATA_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "pendata {args:?}: {text}");
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_month_end_in_chromium_from_the_case_import_to_the_locked_export() {
    let started = std::time::Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    {
        let state = AppState::open(Config::with_data_dir(&data)).unwrap();
        pendata_e2e::add_users(
            &state,
            &[
                (PENDAMPING, Role::Enumerator, DESA),
                (SUPERVISOR, Role::Supervisor, "320102"),
                (KEPALA, Role::KepalaOpd, "3201"),
            ],
        )
        .unwrap();
    }
    let server =
        ServerProcess::start_with_env(&data, free_addr().unwrap(), &[("PENDATA_TODAY", TODAY)])
            .unwrap();
    let url = server.url();

    // The device: enrolled, logged in with the CLI, a usulan baru waiting to be sent.
    let device_dir = tmp.path().join("device");
    drop(new_device(&device_dir).unwrap());
    pendata(
        &device_dir,
        &["login", "--server", &url, "--username", PENDAMPING],
    );
    let example = example_household().unwrap();
    assert_eq!(example.location.desa_code, DESA);
    let (usulan, usulan_revision) = {
        let mut device = Device::unlock(&device_dir, PIN).unwrap();
        capture_usulan(
            &mut device,
            &example,
            1,
            &tiny_set().unwrap(),
            "akhir-bulan",
        )
        .unwrap()
    };

    // 1. The supervisor imports the usul-sanggah file in the browser.
    let columns = pendata_server::cases::import_csv::CASE_COLUMNS.join(",");
    let csv = tmp.path().join("usul-sanggah.csv");
    std::fs::write(
        &csv,
        format!(
            "{columns}\nCB-2026-1217,usulan,Ketua RT 03,,{DESA},003,004,Kp. Cikuda 12,,\
             3201024501900003,Siti Aminah,pkh,Janda lansia,foto rumah,{PENDAMPING}\n"
        ),
    )
    .unwrap();
    let common = |phase: &str| {
        vec![
            ("PD_URL", url.clone()),
            ("PD_PHASE", phase.to_owned()),
            ("PD_SUPERVISOR", SUPERVISOR.to_owned()),
        ]
    };
    let mut vars = common("import");
    vars.push(("PD_CSV", csv.display().to_string()));
    let imported = scenario("month_end", vars).await;
    let browser_import = started.elapsed();
    assert_eq!(imported["created"], 1);
    let case = imported["caseId"].as_str().unwrap().to_owned();

    // 2. The pendamping: pull, open the case, record the finding and the house, sync.
    let first = pendata(&device_dir, &["sync"]);
    assert!(
        first.contains("Terkirim: 1 data baru"),
        "the usulan baru: {first}"
    );
    pendata(&device_dir, &["case", "open", &case]);
    pendata(
        &device_dir,
        &[
            "case",
            "finding",
            &case,
            "--verdict",
            "layak",
            "--note",
            NOTE,
            "--lat",
            "-6.4261",
            "--lon",
            "106.9158",
        ],
    );
    let house = tmp.path().join("rumah.jpg");
    std::fs::write(&house, camera_jpeg(21).unwrap()).unwrap();
    pendata(
        &device_dir,
        &[
            "photo",
            "add",
            "--household",
            &case,
            "--kind",
            "F-RUMAH",
            house.to_str().unwrap(),
        ],
    );
    assert!(pendata(&device_dir, &["case", "finalize", &case]).contains("final"));
    let sent = pendata(&device_dir, &["sync"]);
    assert!(sent.contains("Terkirim: 1 data baru"), "{sent}");

    // 3. Musdes, check, approval, the lock and the export, in the browser.
    let photo = tmp.path().join("berita-acara.jpg");
    std::fs::write(&photo, camera_jpeg(22).unwrap()).unwrap();
    let field = started.elapsed();
    let mut vars = common("month");
    vars.extend([
        ("PD_KEPALA", KEPALA.to_owned()),
        ("PD_CASE", case.clone()),
        ("PD_HOUSEHOLD", usulan.to_string()),
        ("PD_DESA", DESA.to_owned()),
        ("PD_PERIOD", PERIOD.to_owned()),
        ("PD_HELD_ON", "2026-12-16".to_owned()),
        ("PD_DOCUMENT", DOCUMENT.to_owned()),
        ("PD_ATTENDANCE", "27".to_owned()),
        ("PD_PHOTO", photo.display().to_string()),
    ]);
    let out = scenario("month_end", vars).await;
    assert_eq!(out["verdict"], "Layak", "{out}");
    assert_eq!(out["note"], NOTE);
    assert!(
        out["thumbs"].as_u64().unwrap() >= 1,
        "the house photo shows"
    );
    assert_eq!(out["caseState"], "Selesai");
    assert!(
        out["status"]
            .as_str()
            .unwrap()
            .contains("disahkan, terkunci"),
        "{out}"
    );
    // The period's proposal takes no decision any more: the page says why, with no buttons.
    assert_eq!(out["reviewButtons"], 0, "{out}");
    let refused = out["refusedText"].as_str().unwrap();
    assert!(
        refused.contains("Periode Desember 2026 desa 3201022001 sudah disahkan dan dikunci"),
        "{refused}"
    );
    // And the server refuses the decision itself (a form kept open from before the approval).
    let refused_post = {
        let mut sup = WebClient::new(&url).unwrap();
        assert_eq!(sup.login(SUPERVISOR).await.unwrap().status(), 303);
        let revision = usulan_revision.to_string();
        let csrf = sup.csrf().await.unwrap();
        let res = sup
            .post(
                &format!("/dashboard/households/{usulan}/review"),
                &[
                    ("revision", revision.as_str()),
                    ("decision", "approved"),
                    ("note", ""),
                    ("csrf", csrf.as_str()),
                ],
            )
            .await
            .unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    };
    assert_eq!(refused_post.0, 409, "{}", refused_post.1);
    assert!(refused_post.1.contains("period.locked"));
    assert_eq!(
        out["exportHeader"],
        pendata_server::dashboard::MONTH_EXPORT_COLUMNS.join(",")
    );
    let agreed = out["agreed"].as_u64().unwrap();
    assert!(agreed >= 1, "{out}");
    assert_eq!(out["exportRows"], agreed, "exactly the agreed proposals");
    assert_eq!(out["exportHasHousehold"], true);
    assert!(out["exportFile"].as_str().unwrap().ends_with(".csv"));
    eprintln!(
        "month_end_browser: {:.1} s (the import in the browser done at {:.1} s, the field visit \
         at {:.1} s; browser marks in ms {} / {})",
        started.elapsed().as_secs_f64(),
        browser_import.as_secs_f64(),
        field.as_secs_f64(),
        imported["marks"],
        out["marks"],
    );
    drop(server);
}
