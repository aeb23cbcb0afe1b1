#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The `pendata` binary: import, list, show, finalize, delete, status; and the crash test.

use crate::common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use pendata_core::store::Store;

const BIN: &str = env!("CARGO_BIN_EXE_pendata");
const ID: &str = "0193a8f2-6b10-7c41-9a51-3c2d4e5f6000";

/// The binary on `dir`, with the test PIN in PENDATA_PASSPHRASE and cheap KDF parameters.
fn cmd(dir: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--data-dir")
        .arg(dir)
        .env_remove("PENDATA_LANG")
        .env_remove("PENDATA_NEW_PASSPHRASE")
        .env("PENDATA_PASSPHRASE", common::PIN)
        .env("PENDATA_KDF", "test")
        .stdin(Stdio::null());
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    cmd(dir).args(args).output().unwrap()
}

/// A data directory set up with `pendata init`.
fn init() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let o = run(dir.path(), &["init"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    dir
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn example_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/examples/household.json")
}

#[test]
fn import_list_show_finalize_status_delete() {
    let dir = init();
    let d = dir.path();
    let o = run(
        d,
        &["household", "import", example_path().to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("1 rumah tangga disimpan"));
    // Kept as a draft, saying which photos are missing here.
    assert!(
        stdout(&o).contains("9 foto belum ada di perangkat"),
        "{}",
        stdout(&o)
    );

    let o = run(d, &["household", "list"]);
    assert!(o.status.success());
    let lines: Vec<String> = stdout(&o).lines().map(String::from).collect();
    assert_eq!(lines.len(), 1);
    assert!(lines[0].starts_with(ID) && lines[0].contains("Ahmad Suryana"));
    assert_eq!(
        stdout(&run(d, &["household", "list", "--search", "siti am"]))
            .lines()
            .count(),
        1
    );
    assert_eq!(
        stdout(&run(d, &["household", "list", "--search", "3201021501"]))
            .lines()
            .count(),
        1
    );
    assert_eq!(
        stdout(&run(d, &["household", "list", "--search", "nobody"]))
            .lines()
            .count(),
        0
    );
    assert_eq!(
        stdout(&run(d, &["household", "list", "--desa", "3201022002"]))
            .lines()
            .count(),
        0
    );
    assert_eq!(
        stdout(&run(d, &["household", "list", "--state", "final"]))
            .lines()
            .count(),
        0
    );
    assert!(!run(d, &["household", "list", "--state", "bogus"])
        .status
        .success());

    let o = run(d, &["household", "show", ID]);
    let text = stdout(&o);
    assert!(o.status.success());
    assert!(text.contains("Kepala rumah tangga"), "{text}");
    assert!(text.contains("Status: draf"));
    let o = run(d, &["--lang", "en", "household", "show", ID]);
    assert!(stdout(&o).contains("Head of household"));
    let o = run(d, &["household", "show", ID, "--json"]);
    let h: pendata_shared::Household = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(h.id.to_string(), ID);

    // The file carries photo references, not photo bytes: the household cannot be final until
    // its photos are on this device, and the CLI names each one.
    let o = run(d, &["household", "finalize", ID]);
    assert!(!o.status.success(), "{}", stdout(&o));
    let text = stdout(&o);
    assert!(
        text.contains("Foto KTP (Ahmad Suryana) tidak ada di perangkat — ambil ulang"),
        "{text}"
    );
    assert_eq!(text.matches("[photo.not_on_device]").count(), 9, "{text}");
    assert_eq!(
        stdout(&run(d, &["household", "list", "--state", "draft"]))
            .lines()
            .count(),
        1
    );
    // Retake every photo (real JPEGs through the pipeline): then it can be final.
    let example = common::example();
    for (i, p) in example.photos.iter().enumerate() {
        let file = d.join(format!("retake-{i}.jpg"));
        let w = 320 + 8 * i as u16;
        let rgb = common::camera::camera_like(u32::from(w), 240);
        std::fs::write(&file, common::camera::encode_rgb(&rgb, w, 240, 90, false)).unwrap();
        let mut args = vec![
            "photo".to_string(),
            "add".into(),
            "--household".into(),
            ID.into(),
            "--kind".into(),
            p.kind.stereotype().into(),
        ];
        if let Some(m) = p.member_id {
            args.extend(["--member".into(), m.to_string()]);
        }
        args.push(file.to_string_lossy().into_owned());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(d, &args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let o = run(d, &["household", "finalize", ID]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert_eq!(
        stdout(&run(d, &["household", "list", "--state", "final"]))
            .lines()
            .count(),
        1
    );

    let o = run(d, &["status", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["states"]["final"], 1);
    assert_eq!(v["states"]["draft"], 0);

    let o = run(
        d,
        &["household", "show", "0193a8f2-6b10-7c41-9a51-3c2d4e5f6999"],
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("tidak ditemukan"));
    let o = run(d, &["--lang", "en", "household", "show", "not-an-id"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("invalid household id"));

    let o = run(d, &["household", "delete", ID]);
    assert!(o.status.success());
    assert_eq!(stdout(&run(d, &["household", "list"])).lines().count(), 0);
}

#[test]
fn import_with_errors_stores_nothing_and_finalize_refuses() {
    let dir = init();
    let d = dir.path();
    let good = common::example();
    let mut bad = common::example();
    bad.id = pendata_shared::HouseholdId::new();
    bad.members[0].nik = Some("12".into());
    let file = d.join("two.json");
    std::fs::write(
        &file,
        serde_json::to_string(&vec![good.clone(), bad.clone()]).unwrap(),
    )
    .unwrap();
    let o = run(d, &["household", "import", file.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stdout(&o).contains("members[0].nik"), "{}", stdout(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("tidak ada yang disimpan"));
    let v: serde_json::Value =
        serde_json::from_slice(&run(d, &["status", "--json"]).stdout).unwrap();
    assert_eq!(v["states"]["draft"], 0, "all or nothing");

    // Malformed JSON: refused, nothing stored.
    std::fs::write(&file, "[{\"id\": 1}]").unwrap();
    assert!(!run(d, &["household", "import", file.to_str().unwrap()])
        .status
        .success());

    // Kept as drafts on request; then finalize refuses the bad one.
    std::fs::write(
        &file,
        serde_json::to_string(&vec![good, bad.clone()]).unwrap(),
    )
    .unwrap();
    let o = run(
        d,
        &[
            "household",
            "import",
            "--allow-errors",
            file.to_str().unwrap(),
        ],
    );
    assert!(o.status.success());
    let o = run(
        d,
        &["--lang", "en", "household", "finalize", &bad.id.to_string()],
    );
    assert!(!o.status.success());
    assert!(stdout(&o).contains("ERROR members[0].nik"));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot be made final"));
    let v: serde_json::Value =
        serde_json::from_slice(&run(d, &["status", "--json"]).stdout).unwrap();
    assert_eq!(v["states"]["draft"], 2);
}

/// How many times the crash test kills the writer (PENDATA_CRASH_ITERATIONS overrides).
const CRASH_ITERATIONS: usize = 30;

#[test]
fn killed_writer_keeps_every_acknowledged_edit() {
    let iterations = std::env::var("PENDATA_CRASH_ITERATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(CRASH_ITERATIONS);
    let dir = init();
    let d = dir.path();
    assert!(run(
        d,
        &["household", "import", example_path().to_str().unwrap()]
    )
    .status
    .success());
    let id: pendata_shared::HouseholdId = ID.parse().unwrap();
    let mut previous: Option<String> = common::example().notes;
    for i in 0..iterations {
        // Varied moments: right after start, or after 1..=97 acknowledged edits.
        let target = if i % 10 == 0 { 0 } else { 1 + (i * 37) % 97 };
        let mut child = cmd(d)
            .args([
                "debug",
                "autosave-loop",
                "--household",
                ID,
                "--count",
                "1000000",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut last_ack = 0u64;
        {
            let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
            while last_ack < target as u64 {
                let Some(Ok(line)) = lines.next() else { break };
                last_ack = line.strip_prefix("ack ").unwrap().parse().unwrap();
            }
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            assert_eq!(last_ack, target as u64, "iteration {i}: writer died early");
            // The writer may have acknowledged more edits between our read and the kill (the
            // pipe buffers them; on a busy machine it runs ahead): the last ack it wrote counts.
            for line in lines.map_while(Result::ok) {
                let n = line.strip_prefix("ack ").and_then(|n| n.parse().ok());
                last_ack = last_ack.max(n.unwrap_or(0));
            }
        }
        let s = Store::open_in_dir(d, &common::unlock(d)).unwrap();
        let ok: String = s
            .connection()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok", "iteration {i}");
        let notes = s.household(id).unwrap().notes.unwrap_or_default();
        if last_ack > 0 {
            let n: u64 = notes.strip_prefix("autosave ").unwrap().parse().unwrap();
            assert!(
                n == last_ack || n == last_ack + 1,
                "iteration {i}: acked {last_ack}, stored {n}"
            );
        } else {
            // Killed before any ack: the previous value, or whole edits of this run.
            assert!(
                Some(&notes) == previous.as_ref()
                    || notes
                        .strip_prefix("autosave ")
                        .is_some_and(|n| n.parse::<u64>().is_ok()),
                "iteration {i}: {notes}"
            );
        }
        previous = Some(notes);
    }
}

/// `pendata family validate`: the DTSEN example is clean; a broken skip rule and a wrong code are
/// reported with their stable codes, in Indonesian by default, and the exit status is 1.
#[test]
fn family_validate_checks_dtsen_forms_offline() {
    let dir = tempfile::tempdir().unwrap();
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../assets/examples/family-dtsen.json"
    );
    let o = run(dir.path(), &["family", "validate", example]);
    assert!(
        o.status.success(),
        "{}{}",
        stdout(&o),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout(&o).contains("tidak ada temuan"), "{}", stdout(&o));

    let mut family: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example).unwrap()).unwrap();
    family["members"][0]["caregiver"] = serde_json::json!(1);
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, serde_json::to_string(&family).unwrap()).unwrap();
    let o = run(dir.path(), &["family", "validate", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("members[0].caregiver [skip.not_applicable]") && out.contains("tidak berlaku"),
        "{out}"
    );
    let o = run(
        dir.path(),
        &[
            "--lang",
            "en",
            "family",
            "validate",
            "--json",
            bad.to_str().unwrap(),
        ],
    );
    let parsed: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(parsed[0]["findings"][0]["code"], "skip.not_applicable");

    family["housing"]["roof"] = serde_json::json!(9);
    std::fs::write(&bad, serde_json::to_string(&family).unwrap()).unwrap();
    let o = run(dir.path(), &["family", "validate", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("tidak sesuai format Regsosek2022K"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
