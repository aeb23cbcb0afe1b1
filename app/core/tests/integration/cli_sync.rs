#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The `pendata` binary against the real server on a real socket: login (password from the
//! environment and from stdin), a usulan baru captured with photos and sent with `pendata sync`,
//! `status --json` after it, assignments pulled and opened for verivali, a refused login.

use crate::common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use pendata_server::auth::hash_password;
use pendata_server::store::{NewUser, PrelistHousehold, Role, Scope};
use pendata_server::{AppState, Config};
use pendata_shared::codes::HouseholdStatus;
use pendata_shared::model::MusdesRef;
use pendata_shared::protocol::PrelistMember;
use pendata_shared::{HouseholdId, RecordKind};

const BIN: &str = env!("CARGO_BIN_EXE_pendata");
const PASSWORD: &str = "kata-sandi-uji-123";

fn cmd(dir: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--data-dir")
        .arg(dir)
        .env_remove("PENDATA_LANG")
        .env_remove("PENDATA_PASSWORD")
        .env("PENDATA_PASSPHRASE", common::PIN)
        .env("PENDATA_KDF", "test")
        .stdin(Stdio::null());
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    cmd(dir).args(args).output().unwrap()
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The real server in a thread of its own (the CLI blocks, the server must not).
struct Server {
    url: String,
    state: AppState,
    _dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::open(Config::with_data_dir(dir.path().join("server"))).unwrap();
        state
            .accounts
            .create_user(NewUser {
                username: "tksk.cli".into(),
                password_hash: hash_password(PASSWORD).unwrap(),
                role: Role::Enumerator,
                wilayah: "320102".into(),
            })
            .unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let serve_state = state.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                pendata_server::serve_state(serve_state, listener, async move {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
            });
        });
        let addr = addr_rx.recv().unwrap();
        Server {
            url: format!("http://{addr}"),
            state,
            _dir: dir,
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn jpeg_file(dir: &Path, name: &str, seed: u8) -> String {
    let (w, h) = (1200u16, 900u16);
    let mut rgb = common::camera::camera_like(w as u32, h as u32);
    for (i, b) in rgb.iter_mut().enumerate().step_by(7) {
        *b = b.wrapping_add(seed.wrapping_mul((i % 5) as u8));
    }
    let jpeg = common::camera::encode_rgb(&rgb, w, h, 90, false);
    let path = dir.join(name);
    std::fs::write(&path, jpeg).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn login_sync_status_and_assignments_through_the_cli() {
    let server = Server::start();
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("data");
    ok(&run(&d, &["init"]));

    // Not logged in yet: sync refuses with its code.
    let o = run(&d, &["sync"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("sync.not_logged_in"));

    // A wrong password is refused and nothing is saved.
    let o = cmd(&d)
        .args(["login", "--server", &server.url, "--username", "tksk.cli"])
        .env("PENDATA_PASSWORD", "salah")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("auth."),
        "{o:?}"
    );
    let v: serde_json::Value = serde_json::from_str(&ok(&run(&d, &["status", "--json"]))).unwrap();
    assert_eq!(v["logged_in"], false);

    // Password on stdin (not a terminal), English messages.
    let mut child = cmd(&d)
        .args(["--lang", "en", "login", "--server", &server.url])
        .args(["--username", "tksk.cli"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    let out = ok(&child.wait_with_output().unwrap());
    assert!(out.contains("Logged in as tksk.cli"), "{out}");

    // Password from the environment, Bahasa Indonesia.
    let o = cmd(&d)
        .args(["login", "--server", &server.url, "--username", "tksk.cli"])
        .env("PENDATA_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(ok(&o).contains("Masuk sebagai tksk.cli"));

    // A usulan baru: imported, three photos, finalised, sent by `pendata sync`.
    let mut h = common::example();
    h.id = HouseholdId::new();
    h.kind = RecordKind::UsulanBaru {
        musdes: MusdesRef::default(),
    };
    h.photos.clear();
    h.verivali.household_status = Some(HouseholdStatus::NewProposal);
    let head = h.members[0].id.to_string();
    let file = tmp.path().join("usulan.json");
    std::fs::write(&file, serde_json::to_vec(&h).unwrap()).unwrap();
    ok(&run(
        &d,
        &[
            "household",
            "import",
            "--allow-errors",
            file.to_str().unwrap(),
        ],
    ));
    let id = h.id.to_string();
    for (i, (kind, member)) in [("F-KK", None), ("F-KTP", Some(&head)), ("F-RUMAH", None)]
        .into_iter()
        .enumerate()
    {
        let photo = jpeg_file(tmp.path(), &format!("{i}.jpg"), i as u8 + 1);
        let mut args = vec!["photo", "add", "--household", &id, "--kind", kind];
        if let Some(m) = member {
            args.extend(["--member", m.as_str()]);
        }
        args.push(&photo);
        ok(&run(&d, &args));
    }
    ok(&run(&d, &["household", "finalize", &id]));

    let out = ok(&run(&d, &["sync"]));
    assert!(out.contains("1 data final dimasukkan ke antrean"), "{out}");
    assert!(out.contains("Terkirim: 1 data baru"), "{out}");
    assert!(out.contains("3 foto"), "{out}");

    let v: serde_json::Value = serde_json::from_str(&ok(&run(&d, &["status", "--json"]))).unwrap();
    assert_eq!(v["logged_in"], true);
    assert_eq!(v["username"], "tksk.cli");
    assert_eq!(v["states"]["sent"], 1);
    assert_eq!(v["pending"].as_array().unwrap().len(), 0);
    assert_eq!(v["rejected"].as_array().unwrap().len(), 0);
    assert!(v["last_sync_at"].is_string());
    // The token is not in the status output.
    assert!(v.get("token").is_none() && v.get("session_token").is_none());

    let detail = server
        .state
        .records
        .get(h.id, &Scope::all())
        .unwrap()
        .expect("on the server");
    assert_eq!(detail.revisions.len(), 1);
    assert!(!detail.revisions[0].incomplete);
    assert_eq!(detail.household.unwrap().photos.len(), 3);

    // A prelist household for this user: pulled by sync, listed, opened for verivali.
    server
        .state
        .records
        .import_prelist(&[PrelistHousehold {
            listing: None,
            prelist_id: "3201022001-07777".into(),
            desa_code: "3201022001".into(),
            rt: Some("003".into()),
            rw: Some("007".into()),
            address: "Kp. Cikeas".into(),
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
            assigned_to: Some("tksk.cli".into()),
        }])
        .unwrap();
    let out = ok(&run(&d, &["--lang", "en", "sync"]));
    assert!(out.contains("Received: 1 assignments"), "{out}");
    let list = ok(&run(&d, &["assignment", "list"]));
    assert!(list.contains("3201022001-07777"), "{list}");
    let aid = list.split('\t').next().unwrap().trim().to_string();
    let shown = ok(&run(&d, &["assignment", "open", &aid]));
    assert!(
        shown.contains("verivali (prelist 3201022001-07777)"),
        "{shown}"
    );
    let v: serde_json::Value = serde_json::from_str(&ok(&run(&d, &["status", "--json"]))).unwrap();
    assert_eq!(v["states"]["draft"], 1);
    assert_eq!(v["assignments_active"], 1);
}

/// A ground check done with the CLI alone: the list imported on the server, pulled by `pendata
/// sync`, one family moved (with the wife's 404 and the note), one with nobody home on the
/// revisit list, the moved one sent as a DTSEN family; clear errors for a wrong outcome, a
/// finalize without the note and "nobody home" after the outcome.
#[test]
fn a_ground_check_through_the_cli() {
    let server = Server::start();
    server
        .state
        .accounts
        .create_user(NewUser {
            username: "rina.marlina".into(),
            password_hash: hash_password(PASSWORD).unwrap(),
            role: Role::Enumerator,
            wilayah: "3201022001".into(),
        })
        .unwrap();
    let list = pendata_server::operator::parse_ground_check_csv(
        include_bytes!("../../../../assets/examples/ground-check.csv"),
        chrono::Utc::now().date_naive(),
    )
    .unwrap();
    server
        .state
        .records
        .import_prelist(&list.households)
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("data");
    ok(&run(&d, &["init"]));
    let o = cmd(&d)
        .args([
            "login",
            "--server",
            &server.url,
            "--username",
            "rina.marlina",
        ])
        .env("PENDATA_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    ok(&o);
    ok(&run(&d, &["sync"]));

    let listed = ok(&run(&d, &["family", "list"]));
    assert!(
        listed.contains("4 keluarga belum dibuka, 0 keluarga di perangkat"),
        "{listed}"
    );
    let id_of = |list_id: &str| {
        listed
            .lines()
            .find(|l| l.contains(list_id))
            .and_then(|l| l.split('\t').next())
            .unwrap()
            .to_string()
    };
    let moved = id_of("GC-PKH-3201022001-0043");
    let revisit = id_of("GC-SBK-3201022001-0107");

    let shown = ok(&run(&d, &["family", "open", &moved]));
    assert!(shown.contains("GC-PKH-3201022001-0043"), "{shown}");
    assert!(shown.contains("2. Ika Kartika"), "{shown}");
    assert!(shown.contains("bangunan 12"), "{shown}");
    // A wrong outcome word is refused with the choices.
    let o = run(&d, &["family", "outcome", &moved, "--outcome", "pergi"]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("found, moved, died, not_found"),
        "{o:?}"
    );
    let out = ok(&run(
        &d,
        &[
            "family",
            "outcome",
            &moved,
            "--outcome",
            "moved",
            "--presence",
            "2=4",
        ],
    ));
    assert!(out.contains("Pindah (moved)"), "{out}");
    assert!(
        out.contains("Tidak tinggal bersama keluarga/pindah ke luar negeri (4)"),
        "{out}"
    );
    // 205 = 5 needs the note: finalize says so and exits 1.
    let o = run(&d, &["family", "finalize", &moved]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("notes.required_for_result"),
        "{o:?}"
    );
    ok(&run(
        &d,
        &[
            "family",
            "set",
            &moved,
            "notes",
            "\"Pindah ke Cileungsi sejak Agustus 2026\"",
        ],
    ));
    assert!(ok(&run(&d, &["family", "finalize", &moved])).contains("status: final"));

    ok(&run(&d, &["family", "open", &revisit]));
    ok(&run(
        &d,
        &["family", "set", &revisit, "housing.floor_area_m2", "42"],
    ));
    let out = ok(&run(
        &d,
        &["family", "revisit", &revisit, "--note", "Rumah terkunci"],
    ));
    assert!(out.contains("kunjungan tanpa penghuni 1 dari 3"), "{out}");
    assert!(
        out.contains("Laporan kunjungan dikirim pada sinkronisasi berikutnya"),
        "{out}"
    );
    let out = ok(&run(&d, &["family", "revisits"]));
    assert!(out.contains("1 keluarga perlu dikunjungi lagi"), "{out}");
    assert!(out.contains("Asep Saepudin"), "{out}");
    ok(&run(&d, &["family", "rules", "--max-attempts", "1"]));
    let out = ok(&run(&d, &["--lang", "en", "family", "revisits"]));
    assert!(out.contains("visits used up"), "{out}");

    let out = ok(&run(&d, &["sync"]));
    assert!(
        out.contains("Terkirim: 2 data baru"),
        "moved + visit report: {out}"
    );
    let detail = server
        .state
        .records
        .get(moved.parse().unwrap(), &Scope::all())
        .unwrap()
        .expect("on the server");
    assert_eq!(detail.revisions.len(), 1);
    let v: serde_json::Value =
        serde_json::from_str(&ok(&run(&d, &["family", "show", &revisit, "--json"]))).unwrap();
    assert_eq!(v["housing"]["floor_area_m2"], 42, "kept through the sync");
    assert_eq!(v["ground_check"]["visits"].as_array().unwrap().len(), 1);
    // A whole form edited as a file and saved back (what `family show --json` gave).
    let mut edited = v.clone();
    edited["housing"]["floor_area_m2"] = serde_json::json!(48);
    edited["location"]["building_no"] = serde_json::json!(31);
    let file = tmp.path().join("keluarga.json");
    std::fs::write(&file, serde_json::to_vec(&edited).unwrap()).unwrap();
    let out = ok(&run(&d, &["family", "save", file.to_str().unwrap()]));
    assert!(out.contains("tersimpan (draf)"), "{out}");
    assert!(out.contains("ground_check.revisit_pending"), "{out}");
    let v: serde_json::Value =
        serde_json::from_str(&ok(&run(&d, &["family", "show", &revisit, "--json"]))).unwrap();
    assert_eq!(v["housing"]["floor_area_m2"], 48);
    assert_eq!(v["location"]["building_no"], 31);
    // A file that is not a family is refused and changes nothing.
    std::fs::write(&file, b"{\"id\": 1}").unwrap();
    let o = run(&d, &["family", "save", file.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("tidak sesuai format keluarga Regsosek2022K"),
        "{o:?}"
    );

    // The found outcome closes the revisit; "nobody home" afterwards is refused with its code.
    ok(&run(
        &d,
        &["family", "outcome", &revisit, "--outcome", "found"],
    ));
    let o = run(&d, &["family", "revisit", &revisit]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("store.outcome_known"),
        "{o:?}"
    );
    assert!(ok(&run(&d, &["family", "revisits"])).contains("0 keluarga"));
}

/// A usul-sanggah case through `pendata case …` to the real server: listed by due date, opened,
/// wrong options refused with their choices, finalize refused with the case's findings, the
/// finding with a typed position, the house photo through the pipeline, final, sent by `pendata
/// sync` as `Change::UpsertCase` with its photo complete on the server. The case assignment is
/// put on the device as a pull would (the server's case import is casedash's, tested in
/// tests/tests/e2e/cases*.rs).
#[test]
fn a_case_finding_through_the_cli_reaches_the_server() {
    use pendata_shared::cases::usul_sanggah::{
        Channel, Submission, UsulSanggahAssignment, Verdict,
    };
    use pendata_shared::cases::{CaseAssignment, CaseDetail, CaseFinding, CaseSubject};
    use pendata_shared::protocol::{Assignment, AssignmentKind, Change, PullItem};

    let server = Server::start();
    server
        .state
        .accounts
        .create_user(NewUser {
            username: "pendamping.kasus".into(),
            password_hash: hash_password(PASSWORD).unwrap(),
            role: Role::Enumerator,
            wilayah: "3201022001".into(),
        })
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("data");
    ok(&run(&d, &["init"]));
    let o = cmd(&d)
        .args([
            "login",
            "--server",
            &server.url,
            "--username",
            "pendamping.kasus",
        ])
        .env("PENDATA_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    ok(&o);
    let due = chrono::Utc::now().date_naive() + chrono::Days::new(5);
    let a = Assignment {
        household_id: HouseholdId::new(),
        kind: AssignmentKind::UsulSanggah,
        programme: None,
        desil: None,
        building_no: None,
        case: Some(Box::new(CaseAssignment {
            due_date: due,
            detail: CaseDetail::UsulSanggah(UsulSanggahAssignment {
                submission: Submission::Sanggahan,
                channel: Channel::CekBansos,
                submitted_by: Some("Budi".into()),
                subject: CaseSubject {
                    name: "Siti Aminah".into(),
                    nik: Some("3201021205900003".into()),
                    kk_number: Some("3201021503240011".into()),
                },
                programme: pendata_shared::dtsen::family::ListProgramme::Pkh,
                reason: "Punya mobil".into(),
                evidence: vec!["foto rumah".into()],
                submitted_position: None,
            }),
        })),
        prelist_id: "CB-2026-000117".into(),
        desa_code: "3201022001".into(),
        rt: None,
        rw: None,
        address: "Kp. Babakan RT 02".into(),
        head_name: "Siti Aminah".into(),
        families: vec![],
        members: vec![],
        assigned_to: Some("pendamping.kasus".into()),
        active: true,
        updated_at: chrono::Utc::now(),
    };
    {
        let mut device = pendata_core::Device::unlock(&d, common::PIN).unwrap();
        device
            .store_mut()
            .apply_pull(&[PullItem::Assignment(a.clone())])
            .unwrap();
    }
    let id = a.household_id.to_string();

    let listed = ok(&run(&d, &["case", "list"]));
    assert!(listed.contains(&id), "{listed}");
    assert!(
        listed.contains("Verifikasi usul-sanggah | Siti Aminah | CB-2026-000117"),
        "{listed}"
    );
    assert!(listed.contains("5 hari lagi | belum dibuka"), "{listed}");
    let shown = ok(&run(&d, &["case", "open", &id]));
    assert!(shown.contains("Sanggahan · PKH · Budi"), "{shown}");
    assert!(shown.contains("[ ] F-RUMAH Rumah tampak depan"), "{shown}");
    // Wrong words are refused with the choices; options of another kind are refused.
    let o = run(&d, &["case", "finding", &id, "--reason", "kaya"]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("pendata case reasons"),
        "{o:?}"
    );
    let o = run(&d, &["case", "finding", &id, "--type", "alami"]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("tidak berlaku"),
        "{o:?}"
    );
    assert!(ok(&run(&d, &["case", "reasons"])).contains("well_off"));
    // Not complete: finalize names every finding and exits 1.
    let o = run(&d, &["case", "finalize", &id]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    for code in ["field.required", "case.geotag_required", "photo.missing"] {
        assert!(out.contains(code), "{code}: {out}");
    }
    let shown = ok(&run(
        &d,
        &[
            "case",
            "finding",
            &id,
            "--verdict",
            "tidak_layak",
            "--reason",
            "well_off",
            "--note",
            "Rumah permanen, mobil di garasi",
            "--lat",
            "-6.5972",
            "--lon",
            "106.8061",
        ],
    ));
    assert!(
        shown.contains("Mampu (kondisi rumah, aset, penghasilan)"),
        "{shown}"
    );
    assert!(shown.contains("-6.597200, 106.806100"), "{shown}");
    let photo = jpeg_file(tmp.path(), "rumah.jpg", 3);
    ok(&run(
        &d,
        &[
            "photo",
            "add",
            "--household",
            &id,
            "--kind",
            "F-RUMAH",
            &photo,
        ],
    ));
    assert!(ok(&run(&d, &["case", "finalize", &id])).contains("status: final"));

    let out = ok(&run(&d, &["sync"]));
    assert!(out.contains("Terkirim: 1 data baru"), "{out}");
    let detail = server
        .state
        .records
        .get(a.household_id, &Scope::all())
        .unwrap()
        .expect("on the server");
    assert_eq!(detail.revisions.len(), 1);
    assert!(!detail.revisions[0].incomplete, "the photo arrived whole");
    let Change::UpsertCase { case } = &detail.revisions[0].change else {
        panic!("{:?}", detail.revisions[0].change)
    };
    let CaseFinding::UsulSanggah(f) = &case.finding else {
        panic!("{:?}", case.finding)
    };
    assert_eq!(f.verdict, Some(Verdict::TidakLayak));
    assert_eq!(case.photos.len(), 1);
    assert_eq!(case.assignment.due_date, due);
    let listed = ok(&run(&d, &["--lang", "en", "case", "list"]));
    assert!(listed.contains("5 days left | sent"), "{listed}");
}
