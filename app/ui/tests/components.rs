//! Component tests without a window: the real app (its service thread and the real encrypted
//! core on a temporary data directory) rendered with dioxus-ssr and driven with synthetic
//! events.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "components/backup.rs"]
mod backup;
#[path = "components/cases.rs"]
mod cases;
mod common;
#[path = "components/countdown.rs"]
mod countdown;
#[path = "components/family_facts.rs"]
mod family_facts;
#[path = "components/ground_check.rs"]
mod ground_check;
#[path = "components/held_link.rs"]
mod held_link;
#[path = "components/relogin.rs"]
mod relogin;
#[path = "components/saving.rs"]
mod saving;
#[path = "components/sync_beside.rs"]
mod sync_beside;

use common::{device_with, example_without_photos, jpeg, stored, Harness, PIN};
use dioxus::prelude::*;
use pendata_app::{PhotoChecklist, PhotoChecklistProps, EXAMPLE_HOUSEHOLD};
use pendata_shared::codes::YesNo;
use pendata_shared::{Household, PhotoKind};

fn render_checklist(h: Household) -> String {
    let mut dom = VirtualDom::new_with_props(PhotoChecklist, PhotoChecklistProps { household: h });
    dom.rebuild_in_place();
    dioxus_ssr::render(&dom)
}

#[test]
fn checklist_counts_the_photos_taken() {
    let mut h: Household = serde_json::from_str(EXAMPLE_HOUSEHOLD).unwrap();
    let html = render_checklist(h.clone());
    assert!(html.contains("Foto 9/9"), "{html}");
    assert!(!html.contains("missing"), "{html}");
    h.photos
        .retain(|p| p.kind != PhotoKind::Ktp && p.kind != PhotoKind::Dapur);
    let html = render_checklist(h);
    assert!(html.contains("Foto 7/9"), "{html}");
    assert_eq!(html.matches("class=\"missing\"").count(), 2, "{html}");
    assert!(html.contains("F-KTP"));
}

#[test]
fn every_string_has_both_languages() {
    assert!(pendata_app::i18n::table_is_complete());
}

#[test]
fn first_start_asks_to_enrol_and_checks_the_pin_twice() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut app = Harness::start(&data);
    app.wait_text("Daftarkan perangkat ini");
    app.input("enrol-server", "http://127.0.0.1:9");
    app.input("enrol-username", "fasilitator1");
    app.input("enrol-password", "rahasia");
    app.input("enrol-pin", "135790");
    app.input("enrol-pin2", "135791");
    app.click("enrol-submit");
    app.wait_text("Kedua PIN tidak sama");
    // Nothing was created on disk for a refused form.
    assert!(!pendata_core::Device::exists(&data));
}

#[test]
fn wrong_pin_says_pin_salah_and_the_right_pin_opens_home() {
    let dir = tempfile::tempdir().unwrap();
    device_with(dir.path(), &[example_without_photos()]);
    let mut app = Harness::start(dir.path());
    app.wait_text("Buka dengan PIN");
    app.input("unlock-pin", "000000");
    app.click("unlock-submit");
    app.wait_text("PIN salah");
    assert!(!app.has("home-unsent"));
    app.unlock(PIN);
    let html = app.wait_text("data-t=\"count-draft\"");
    // One draft household, counted by the core.
    assert!(
        html.contains("<td>draf</td><td class=\"num\">1</td>"),
        "{html}"
    );
}

/// Opens the example household from the work list and goes to `step`.
/// Records on the device at `data` that the server does not have yet (a second unlock).
fn unsent_records(data: &std::path::Path, pin: &str) -> u64 {
    pendata_core::Device::unlock(data, pin)
        .unwrap()
        .unsent()
        .unwrap()
        .records
}

/// Finalizes the open household from its review step (confirming the warnings, if any).
fn finalize_on_review(app: &mut Harness) {
    app.click("step-review");
    app.wait_for("no blocking errors", |h| {
        h.contains("data-t=\"review-confirm\"")
            || h.contains("data-t=\"review-finalize\"") && !h.contains("review-blocked")
    });
    let hook = if app.has("review-confirm") {
        "review-confirm"
    } else {
        "review-finalize"
    };
    app.click(hook);
    app.wait_text("data-t=\"review-final\"");
}

fn open_example(app: &mut Harness, step: &str) {
    app.unlock(PIN);
    app.click("nav-list");
    app.wait_text("Ahmad Suryana");
    app.click("open-household-3201022001-00123");
    app.wait_text("data-t=\"form-head\"");
    app.click(&format!("step-{step}"));
}

#[test]
fn filling_a_member_saves_each_answer_through_the_core() {
    let dir = tempfile::tempdir().unwrap();
    let h = example_without_photos();
    let before = h.members.len();
    device_with(dir.path(), std::slice::from_ref(&h));
    let mut app = Harness::start(dir.path());
    open_example(&mut app, "members");
    app.input("member-new-name", "Budi Santoso");
    app.click("member-add");
    app.wait_text("Budi Santoso");
    let i = before; // the new member is last
    app.click(&format!("member-edit-{i}"));
    app.wait_text("data-t=\"member-form\"");
    app.change(&format!("f-members[{i}].relation_to_head"), "3");
    app.change(&format!("f-members[{i}].sex"), "1");
    app.change(&format!("f-members[{i}].birth_date"), "2010-05-04");
    app.change(&format!("f-members[{i}].school_participation"), "2");
    // A number that is not one is refused at the field and nothing is saved.
    app.change(&format!("f-members[{i}].age"), "dua belas");
    app.wait_text("bukan angka");
    app.change(&format!("f-members[{i}].age"), "16");
    app.wait_for("age saved", |_| true);
    let (saved, state) = {
        // Wait until the last answer is on disk (the service works off the UI thread).
        let mut tries = 0;
        loop {
            let (s, st) = stored(dir.path(), h.id);
            if s.members.get(i).and_then(|m| m.age) == Some(16) || tries > 600 {
                break (s, st);
            }
            tries += 1;
            app.pump();
        }
    };
    let m = &saved.members[i];
    assert_eq!(m.name, "Budi Santoso");
    assert_eq!(m.relation_to_head.map(|r| r.code()), Some(3));
    assert_eq!(m.sex.map(|s| s.code()), Some(1));
    assert_eq!(
        m.birth_date.map(|d| d.to_string()).as_deref(),
        Some("2010-05-04")
    );
    assert_eq!(m.school_participation.map(|s| s.code()), Some(2));
    assert_eq!(m.age, Some(16));
    assert_eq!(state, "draft");
}

#[test]
fn a_skip_rule_hides_a_question_and_clears_its_answer() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = example_without_photos();
    // The first member did not work last week: the work questions do not apply.
    h.members[0].worked_last_week = Some(YesNo::No);
    h.members[0].hours_worked = None;
    h.members[0].sector = None;
    h.members[0].employment_status = None;
    device_with(dir.path(), std::slice::from_ref(&h));
    let mut app = Harness::start(dir.path());
    open_example(&mut app, "members");
    app.click("member-edit-0");
    let html = app.wait_text("data-t=\"member-form\"");
    assert!(
        !html.contains("data-t=\"f-members[0].hours_worked\""),
        "{html}"
    );
    assert!(!html.contains("data-t=\"f-members[0].sector\""));

    app.change("f-members[0].worked_last_week", "1");
    app.wait_text("data-t=\"f-members[0].hours_worked\"");
    assert!(app.has("f-members[0].sector"));
    app.change("f-members[0].hours_worked", "40");
    app.wait_text("value=\"40\"");

    // Back to "no": the question disappears and its answer is cleared in the store.
    app.change("f-members[0].worked_last_week", "2");
    app.wait_for("hours hidden", |h| {
        !h.contains("data-t=\"f-members[0].hours_worked\"")
    });
    let (saved, _) = stored(dir.path(), h.id);
    assert_eq!(saved.members[0].worked_last_week, Some(YesNo::No));
    assert_eq!(saved.members[0].hours_worked, None);

    // The same for a housing follow-up: wall condition only for walls 1-3.
    app.click("step-housing");
    let html = app.wait_text("data-t=\"f-housing.wall\"");
    assert!(
        !html.contains("data-t=\"f-housing.wall_condition\""),
        "{html}"
    );
    app.change("f-housing.wall", "1");
    app.wait_text("data-t=\"f-housing.wall_condition\"");
}

#[test]
fn a_validation_error_blocks_finalize_until_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let h = example_without_photos();
    device_with(dir.path(), std::slice::from_ref(&h));
    let mut app = Harness::start(dir.path());
    open_example(&mut app, "review");
    // The nine photos are missing: errors, so finalize is blocked.
    let html = app.wait_text("data-t=\"review-blocked\"");
    assert!(html.contains("photos: Foto F-RUMAH"), "{html}");
    assert!(html.contains("disabled"), "{html}");
    app.click("review-finalize");
    app.pump();
    assert_eq!(stored(dir.path(), h.id).1, "draft");

    // A wrong NIK is shown at its field.
    app.click("step-members");
    app.click("member-edit-0");
    app.change("f-members[0].nik", "12345");
    let html = app.wait_text("data-t=\"finding-members[0].nik\"");
    assert!(html.contains("NIK"), "{html}");

    // The same household with its photos (real JPEGs through the core) and a good NIK can
    // be finalized.
    app.change("f-members[0].nik", &h.members[0].nik.clone().unwrap());
    app.click("step-photos");
    let img = dir.path().join("foto.jpg");
    for (n, kind) in PhotoKind::VERIVALI_NINE.iter().enumerate() {
        std::fs::write(&img, jpeg(n as u32 + 1, 640, 480)).unwrap();
        app.pick_file(&format!("photo-file-{}", kind.stereotype()), &img);
        app.wait_text(&format!("Foto {}/9", n + 1));
    }
    finalize_on_review(&mut app);
    assert_eq!(stored(dir.path(), h.id).1, "final");
}

#[test]
fn the_photo_checklist_counts_a_real_jpeg_and_shows_its_thumbnail() {
    let dir = tempfile::tempdir().unwrap();
    let h = example_without_photos();
    device_with(dir.path(), std::slice::from_ref(&h));
    let mut app = Harness::start(dir.path());
    open_example(&mut app, "photos");
    let html = app.wait_text("Foto 0/9");
    assert!(!html.contains("data-t=\"thumb-F-RUMAH\""));
    let img = dir.path().join("rumah.jpg");
    std::fs::write(&img, jpeg(7, 1600, 1200)).unwrap();
    app.pick_file("photo-file-F-RUMAH", &img);
    let html = app.wait_text("Foto 1/9");
    assert!(html.contains("data-t=\"thumb-F-RUMAH\""), "{html}");
    assert!(html.contains("src=\"data:image/jpeg;base64,"), "{html}");
    // The core stored it: one photo row, processed (downscaled from 1600 px).
    let d = pendata_core::Device::unlock(dir.path(), PIN).unwrap();
    let rows = d.photos(h.id).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].kind, "F-RUMAH");
    // Full-size view.
    app.click("photo-view-F-RUMAH");
    app.wait_text("data-t=\"photo-full\"");
    // A file that is not an image is refused with the core's code, and the count stays.
    let bad = dir.path().join("catatan.jpg");
    std::fs::write(&bad, b"bukan gambar").unwrap();
    app.click("photo-close");
    app.pick_file("photo-file-F-DAPUR", &bad);
    let html = app.wait_text("photo.");
    assert!(html.contains("Foto 1/9"), "{html}");
}

#[test]
fn english_can_be_chosen_in_settings() {
    let dir = tempfile::tempdir().unwrap();
    device_with(dir.path(), &[example_without_photos()]);
    let mut app = Harness::start(dir.path());
    app.unlock(PIN);
    app.click("nav-settings");
    app.wait_text("Ukuran data");
    app.click("lang-en");
    app.wait_text("Data size");
    app.click("nav-home");
    app.wait_text("Not sent yet");
}

#[test]
fn the_work_list_pages_searches_and_opens_20000_prelist_households() {
    use pendata_shared::protocol::{Assignment, PrelistMember, PullItem};
    let dir = tempfile::tempdir().unwrap();
    device_with(dir.path(), &[]);
    {
        let mut d = pendata_core::Device::unlock(dir.path(), PIN).unwrap();
        let items: Vec<PullItem> = (0..20_000u32)
            .map(|i| {
                PullItem::Assignment(Assignment {
                    kind: Default::default(),
                    programme: None,
                    desil: None,
                    building_no: None,
                    case: None,
                    household_id: pendata_shared::HouseholdId::new(),
                    prelist_id: format!("3201022001-{i:05}"),
                    desa_code: if i % 2 == 0 {
                        "3201022001"
                    } else {
                        "3201022002"
                    }
                    .into(),
                    rt: Some("001".into()),
                    rw: Some("002".into()),
                    address: format!("Kp. Uji no. {i}"),
                    head_name: format!("Kepala {i:05}"),
                    families: Vec::new(),
                    members: vec![PrelistMember {
                        name: format!("Kepala {i:05}"),
                        nik: None,
                        relation_to_head: Some(pendata_shared::codes::Relation::Head),
                        sex: None,
                        birth_date: None,
                        family_no: None,
                    }],
                    assigned_to: None,
                    active: true,
                    updated_at: chrono::Utc::now(),
                })
            })
            .collect();
        d.store_mut().apply_pull_page(&items, "c1").unwrap();
        // And 55 own households: the list's other part, paged beside the prelist.
        for i in 0..55u32 {
            let mut h = example_without_photos();
            h.id = HouseholdId::new();
            h.members[0].name = format!("Warga {i:05}");
            d.store_mut().create_household(&h).unwrap();
        }
    }
    let mut app = Harness::start(dir.path());
    app.unlock(PIN);
    app.click("nav-list");
    let html = app.wait_text("Kepala 00000");
    // One page: 50 rows of each part, never all 20,000.
    assert_eq!(
        html.matches("data-t=\"open-prelist-").count(),
        50,
        "page size"
    );
    assert!(!html.contains("Kepala 00050"));
    assert_eq!(html.matches("data-t=\"open-household-").count(), 50);
    assert!(html.contains("Warga 00049") && !html.contains("Warga 00050"));
    app.click("list-next");
    let html = app.wait_text("Kepala 00050");
    assert!(!html.contains("Kepala 00049"));
    assert!(html.contains("Halaman 2"));
    // Own households page after the last one shown too: the 5 left, none twice.
    assert_eq!(
        html.matches("data-t=\"open-household-").count(),
        5,
        "{html}"
    );
    assert!(html.contains("Warga 00050") && html.contains("Warga 00054"));
    assert!(!html.contains("Warga 00049"));
    // Pages start after the last row of the page before (keyset), back and forth.
    app.click("list-next");
    let html = app.wait_text("Kepala 00100");
    assert!(!html.contains("Kepala 00099") && !html.contains("Kepala 00150"));
    app.click("list-prev");
    let html = app.wait_for("page 2 again", |h| h.contains("Halaman 2"));
    assert!(html.contains("Kepala 00050") && !html.contains("Kepala 00100"));
    assert!(html.contains("Warga 00050") && !html.contains("Warga 00049"));
    // Search (each word a prefix of a word of the prelist household, as in the households'
    // search: "Kepala 1234*" and "Kepala 01234", whose address is "no. 1234") and the desa filter.
    app.change("list-search", "Kepala 1234");
    let html = app.wait_for("search result", |h| {
        h.contains("Kepala 12340") && !h.contains("Kepala 00000")
    });
    assert_eq!(html.matches("data-t=\"open-prelist-").count(), 11, "{html}");
    assert!(html.contains("open-prelist-3201022001-01234"));
    app.change("list-desa", "3201022002");
    let html = app.wait_for("desa filter", |h| !h.contains("Kepala 12340"));
    assert_eq!(html.matches("data-t=\"open-prelist-").count(), 5, "{html}");
    // Opening one makes it a draft household of the core, out of the prelist part.
    app.click("open-prelist-3201022001-12341");
    app.wait_text("data-t=\"form-head\"");
    app.click("nav-list");
    app.wait_for("opened listed as household", |h| {
        h.contains("open-household-3201022001-12341")
            && !h.contains("open-prelist-3201022001-12341")
    });
}

#[test]
fn the_pin_is_changed_in_settings_and_the_old_one_stops_working() {
    let dir = tempfile::tempdir().unwrap();
    device_with(dir.path(), &[example_without_photos()]);
    let mut app = Harness::start(dir.path());
    app.unlock(PIN);
    app.click("nav-settings");
    app.wait_text("Ganti PIN");
    app.input("pin-old", "111111");
    app.input("pin-new", "864200");
    app.click("pin-change");
    app.wait_text("PIN salah");
    app.input("pin-old", PIN);
    app.click("pin-change");
    app.wait_text("PIN sudah diganti");
    app.click("lock");
    app.wait_text("Buka dengan PIN");
    app.input("unlock-pin", PIN);
    app.click("unlock-submit");
    app.wait_text("PIN salah");
    app.unlock("864200");
}

// ---------------------------------------------------------------------------------------------
// Usulan baru, deleting drafts, connection state, search as you type, messages.

use pendata_shared::codes::{HouseholdStatus, NotFoundReason, VerivaliResult};
use pendata_shared::{HouseholdId, RecordKind};

/// The real pendata-server in this process on a real socket, with one enumerator of
/// kecamatan 320102 (`tksk.uji` / [`SERVER_PASSWORD`]).
struct TestServer {
    rt: tokio::runtime::Runtime,
    state: pendata_server::AppState,
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<Result<(), pendata_server::ServerError>>>,
    _dir: tempfile::TempDir,
}

const SERVER_PASSWORD: &str = "kata-sandi-uji-123";

impl TestServer {
    fn start() -> TestServer {
        use pendata_server::auth::hash_password;
        use pendata_server::store::{NewUser, Role};
        let dir = tempfile::tempdir().unwrap();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let state = pendata_server::AppState::open(pendata_server::Config::with_data_dir(
            dir.path().join("srv"),
        ))
        .unwrap();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = rt.spawn(pendata_server::serve_state(
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
                password_hash: hash_password(SERVER_PASSWORD).unwrap(),
                role: Role::Enumerator,
                wilayah: "320102".into(),
            })
            .unwrap();
        TestServer {
            rt,
            state,
            url,
            stop: Some(stop),
            task: Some(task),
            _dir: dir,
        }
    }

    /// Enrols the app as this server's facilitator `tksk.uji` with `pin` from the first-start
    /// form, and waits for the home screen.
    fn enrol(&self, app: &mut Harness, pin: &str) {
        self.enrol_at(app, pin, &self.url);
    }

    /// [`enrol`](Self::enrol) through another address that leads to this server.
    fn enrol_at(&self, app: &mut Harness, pin: &str, url: &str) {
        app.wait_text("Daftarkan perangkat ini");
        app.input("enrol-server", url);
        app.input("enrol-username", "tksk.uji");
        app.input("enrol-password", SERVER_PASSWORD);
        app.input("enrol-pin", pin);
        app.input("enrol-pin2", pin);
        app.click("enrol-submit");
        app.wait_text("data-t=\"home-unsent\"");
    }

    /// The household as the server stores its current revision (supervisor's scope).
    fn household(&self, id: HouseholdId) -> Option<Household> {
        let scope = pendata_server::store::Scope::all();
        self.state
            .records
            .get(id, &scope)
            .unwrap()
            .and_then(|d| d.household)
    }

    /// Imports one DTSEN ground-check list entry (as `import-assignments` does for a CSV row).
    fn import_ground_check(&self, entry: pendata_server::store::PrelistHousehold) {
        self.state.records.import_prelist(&[entry]).unwrap();
    }

    /// The DTSEN family of a ground-check list id as the server exports its current revision.
    fn family(&self, assignment_id: &str) -> Option<pendata_shared::dtsen::FamilyRecord> {
        let scope = pendata_server::store::Scope::all();
        self.state
            .records
            .export_page(&scope, None, 1000)
            .unwrap()
            .into_iter()
            .filter_map(|e| e.family)
            .find(|f| {
                matches!(&f.process,
                    pendata_shared::dtsen::FamilyProcess::GroundCheck { assignment_id: a, .. } if a == assignment_id)
            })
    }

    fn photo_len(&self, sha: &str) -> Option<u64> {
        let sha = pendata_server::store::Sha256Hex::parse(sha).unwrap();
        self.rt
            .block_on(self.state.blobs.read(&sha))
            .unwrap()
            .map(|b| b.len() as u64)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = self.rt.block_on(task);
        }
    }
}

/// The households of kind usulan baru in the data directory (a second unlock).
fn proposals(dir: &std::path::Path, pin: &str) -> Vec<Household> {
    let d = pendata_core::Device::unlock(dir, pin).unwrap();
    d.store()
        .search(&pendata_core::store::SearchQuery {
            limit: 100,
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .filter(|s| s.kind == "usulan_baru")
        .map(|s| d.store().household(s.id).unwrap())
        .collect()
}

/// Message ids on the page, oldest first.
fn message_ids(html: &str) -> Vec<u64> {
    html.split("data-t=\"msg-")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect()
}

#[test]
fn a_new_proposal_is_made_on_the_device_survives_a_restart_and_arrives_as_usulan_baru() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let pin = "135790";
    let mut app = Harness::start(&data);
    // Enrol against the real server.
    server.enrol(&mut app, pin);
    // The home screen found the server with its /healthz check.
    app.wait_text("Terhubung: server terjangkau");

    // Work list → Tambah usulan baru → desa → the form opens on the new record.
    app.click("nav-list");
    app.click("proposal-new");
    let html = app.wait_text("data-t=\"proposal-box\"");
    assert!(
        html.contains("Rumah tangga baru yang disepakati musdes"),
        "{html}"
    );
    app.change("proposal-desa", "3201022001");
    app.click("proposal-create");
    app.wait_text("data-t=\"form-proposal\"");
    app.wait_text("Usulan baru dibuat");
    let made = proposals(&data, pin);
    assert_eq!(made.len(), 1, "one record in the encrypted store");
    let id = made[0].id;
    assert_eq!(made[0].location.desa_code, "3201022001");
    assert_eq!(
        made[0].verivali.household_status,
        Some(HouseholdStatus::NewProposal)
    );

    // The musdes questions (usulan baru only) save through the core.
    app.click("step-status");
    app.wait_text("data-t=\"musdes\"");
    app.change("f-kind.musdes.berita_acara_number", "BA-07/2026");
    app.change("f-kind.musdes.date", "2026-11-02");
    app.wait_text("value=\"BA-07/2026\"");

    // The proposal's photo checklist: F-KK, F-KTP, F-RUMAH and the berita acara.
    app.click("step-photos");
    let html = app.wait_text("Foto 0/4");
    assert!(html.contains("F-BERITA-ACARA"), "{html}");
    assert!(!html.contains("F-DAPUR"), "{html}");
    let img = dir.path().join("foto.jpg");
    for (n, kind) in [PhotoKind::Kk, PhotoKind::Ktp, PhotoKind::Rumah]
        .iter()
        .enumerate()
    {
        std::fs::write(&img, jpeg(n as u32 + 11, 800, 600)).unwrap();
        app.pick_file(&format!("photo-file-{}", kind.stereotype()), &img);
        app.wait_text(&format!("Foto {}/4", n + 1));
    }

    // The shared validator blocks it: nobody in it yet.
    app.click("step-review");
    let html = app.wait_text("data-t=\"review-blocked\"");
    assert!(html.contains("members"), "{html}");
    // Made here and never sent: it could be deleted.
    assert!(html.contains("data-t=\"delete-draft\""), "{html}");

    // Restart: the app comes back with the proposal in its work list.
    drop(app);
    let mut app = Harness::start(&data);
    app.unlock(pin);
    app.click("nav-list");
    let html = app.wait_text(&format!("open-household-{id}"));
    assert!(html.contains("usulan baru"), "{html}");
    // Nobody entered yet: the row says so instead of showing an empty name.
    assert!(
        html.contains("(nama kepala rumah tangga belum diisi)"),
        "{html}"
    );

    // The rest of the questionnaire (what the other tests enter through the form) comes from
    // the example household, written by a second unlock as another editor would.
    {
        let mut d = pendata_core::Device::unlock(&data, pin).unwrap();
        let current = d.store().household(id).unwrap();
        let mut h = example_without_photos();
        h.id = id;
        h.kind = current.kind.clone();
        h.location.desa_code = current.location.desa_code.clone();
        h.photos = current.photos.clone();
        h.verivali.household_status = Some(HouseholdStatus::NewProposal);
        h.verivali.well_off = Some(YesNo::No);
        d.store_mut().save_household(&h).unwrap();
    }
    app.click(&format!("open-household-{id}"));
    app.wait_text("data-t=\"form-proposal\"");
    finalize_on_review(&mut app);

    // Sync: it reaches the server as an usulan baru, with its photos.
    app.click("nav-sync");
    app.click("sync-start");
    let html = app.wait_text("data-t=\"sync-summary\"");
    assert!(html.contains("1 terkirim"), "{html}");
    let on_server = server.household(id).expect("the proposal on the server");
    match &on_server.kind {
        RecordKind::UsulanBaru { musdes } => {
            assert_eq!(musdes.berita_acara_number.as_deref(), Some("BA-07/2026"));
            assert_eq!(
                musdes.date.map(|d| d.to_string()).as_deref(),
                Some("2026-11-02")
            );
        }
        other => panic!("arrived as {other:?}"),
    }
    assert_eq!(on_server.location.desa_code, "3201022001");
    let mut kinds: Vec<&str> = on_server
        .photos
        .iter()
        .map(|p| p.kind.stereotype())
        .collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["F-KK", "F-KTP", "F-RUMAH"]);
    for p in &on_server.photos {
        assert_eq!(server.photo_len(p.sha256.as_str()), Some(p.bytes));
    }

    // Sent: it can no longer be deleted on the device, and the form says why.
    app.click("nav-list");
    app.click(&format!("open-household-{id}"));
    app.click("step-review");
    let html = app.wait_text("data-t=\"delete-why\"");
    assert!(html.contains("Sudah dikirim"), "{html}");
    assert!(!html.contains("data-t=\"delete-draft\""), "{html}");
}

#[test]
fn an_unsent_draft_is_deleted_after_confirming_but_a_prelist_household_cannot_be() {
    let dir = tempfile::tempdir().unwrap();
    let mut draft = Household::new(
        RecordKind::UsulanBaru {
            musdes: Default::default(),
        },
        "3201022001",
    );
    draft
        .members
        .push(pendata_shared::Member::new("Calon Usulan"));
    device_with(dir.path(), &[example_without_photos(), draft.clone()]);
    let mut app = Harness::start(dir.path());

    // The prelist household: no delete button, and the reason.
    open_example(&mut app, "review");
    let html = app.wait_text("data-t=\"delete-why\"");
    assert!(
        html.contains("Rumah tangga prelist tidak bisa dihapus"),
        "{html}"
    );
    assert!(!html.contains("data-t=\"delete-draft\""), "{html}");

    // The draft made on this device, with a real photo.
    app.click("nav-list");
    app.click(&format!("open-household-{}", draft.id));
    app.click("step-photos");
    let img = dir.path().join("rumah.jpg");
    std::fs::write(&img, jpeg(3, 640, 480)).unwrap();
    app.pick_file("photo-file-F-RUMAH", &img);
    app.wait_text("Foto 1/4");
    let blobs_before = count_files(&dir.path().join("photos"));
    assert!(blobs_before > 0);
    app.click("step-review");
    // Asking first: "Batal" keeps it.
    app.click("delete-draft");
    let html = app.wait_text("data-t=\"delete-confirm\"");
    assert!(html.contains("tidak bisa dibatalkan"), "{html}");
    app.click("delete-no");
    app.wait_for("confirmation closed", |h| {
        !h.contains("data-t=\"delete-confirm\"") && h.contains("data-t=\"delete-draft\"")
    });
    assert_eq!(stored(dir.path(), draft.id).1, "draft");
    // "Ya, hapus": gone from the store, its photo's blob too, and from the work list.
    app.click("delete-draft");
    app.click("delete-yes");
    let html = app.wait_text("Draf dihapus dari HP");
    assert!(
        html.contains("data-t=\"list-search\""),
        "back on the work list"
    );
    let html = app.wait_text("Ahmad Suryana");
    assert!(!html.contains("Calon Usulan"), "{html}");
    let d = pendata_core::Device::unlock(dir.path(), PIN).unwrap();
    assert_eq!(
        d.store().household(draft.id).unwrap_err().code(),
        "store.not_found"
    );
    assert_eq!(count_files(&dir.path().join("photos")), 0);
}

fn count_files(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            if e.file_type().unwrap().is_dir() {
                count_files(&e.path())
            } else {
                1
            }
        })
        .sum()
}

#[test]
fn without_a_server_home_says_offline_and_a_sync_says_the_data_is_safe() {
    let dir = tempfile::tempdir().unwrap();
    // A final household waiting to be sent (not found: no photos needed) and a draft.
    let mut h = example_without_photos();
    h.verivali.household_status = Some(HouseholdStatus::NotFound);
    h.verivali.not_found_reason = Some(NotFoundReason::Moved);
    h.verivali.result = Some(VerivaliResult::Moved);
    let draft = Household::new(
        RecordKind::UsulanBaru {
            musdes: Default::default(),
        },
        "3201022001",
    );
    device_with(dir.path(), &[h.clone(), draft]);
    {
        let mut d = pendata_core::Device::unlock(dir.path(), PIN).unwrap();
        d.finalize(h.id).unwrap();
    }
    // device_with points the device at 127.0.0.1:9, where nothing listens.
    let mut app = Harness::start(dir.path());
    app.unlock(PIN);
    let html = app.wait_text("Tidak ada sinyal / server tidak terjangkau");
    assert!(html.contains("data-t=\"conn-detail\""), "{html}");
    assert!(html.contains("net."), "the error code is shown: {html}");
    // Checking again does not block anything and says the same.
    app.click("conn-check");
    app.wait_text("Tidak ada sinyal / server tidak terjangkau");

    app.click("home-sync");
    let html = app.wait_text("data-t=\"sync-offline\"");
    assert!(
        html.contains(
            "Tidak ada sinyal / server tidak terjangkau — data aman di HP, coba lagi nanti"
        ),
        "{html}"
    );
    assert!(
        html.contains("Menunggu dikirim: 1 rumah tangga final"),
        "{html}"
    );
    assert!(html.contains("1 draf belum final"), "{html}");
    // Nothing changed on the device: still final, waiting.
    assert_eq!(stored(dir.path(), h.id).1, "final");

    // The same in English.
    app.click("nav-settings");
    app.click("lang-en");
    app.wait_text("Data size");
    app.click("nav-sync");
    app.click("sync-start");
    app.wait_text(
        "No signal / server unreachable — your data is safe on this device, try again later",
    );
}

#[test]
fn the_work_list_searches_as_you_type_and_shows_the_total() {
    use pendata_shared::protocol::{Assignment, PullItem};
    let dir = tempfile::tempdir().unwrap();
    device_with(dir.path(), &[example_without_photos()]);
    {
        let mut d = pendata_core::Device::unlock(dir.path(), PIN).unwrap();
        let items: Vec<PullItem> = (0..120u32)
            .map(|i| {
                PullItem::Assignment(Assignment {
                    kind: Default::default(),
                    programme: None,
                    desil: None,
                    building_no: None,
                    case: None,
                    household_id: HouseholdId::new(),
                    prelist_id: format!("3201022001-{i:05}"),
                    desa_code: if i % 2 == 0 {
                        "3201022001"
                    } else {
                        "3201022002"
                    }
                    .into(),
                    rt: None,
                    rw: None,
                    address: format!("Kp. Uji no. {i}"),
                    head_name: format!("Kepala {i:05}"),
                    families: Vec::new(),
                    members: Vec::new(),
                    assigned_to: None,
                    active: true,
                    updated_at: chrono::Utc::now(),
                })
            })
            .collect();
        d.store_mut().apply_pull_page(&items, "c1").unwrap();
    }
    let mut app = Harness::start(dir.path());
    app.unlock(PIN);
    app.click("nav-list");
    // 120 prelist households and the example: the total, though a page shows 50.
    app.wait_text("121 cocok");
    // Typing alone (no Enter, no leaving the field) searches once the typing pauses.
    app.input("list-search", "K");
    app.input("list-search", "Kepala 0");
    app.input("list-search", "Kepala 0001");
    let html = app.wait_for("typed search", |h| {
        h.contains("10 cocok") && h.contains("Kepala 00019") && !h.contains("Kepala 00020")
    });
    assert_eq!(html.matches("data-t=\"open-prelist-").count(), 10, "{html}");
    // What was typed stays in the field.
    assert!(html.contains("value=\"Kepala 0001\""), "{html}");
    // The desa filter keeps the typed text; the total follows.
    app.change("list-desa", "3201022002");
    let html = app.wait_text("5 cocok");
    assert!(!html.contains("Kepala 00010"), "{html}");
    assert!(html.contains("Kepala 00011"), "{html}");
    // A name of the own households.
    app.change("list-desa", "");
    app.input("list-search", "ahmad");
    let html = app.wait_text("1 cocok");
    assert!(html.contains("Ahmad Suryana"), "{html}");
}

#[test]
fn messages_do_not_overwrite_each_other_and_errors_stay_until_dismissed() {
    let dir = tempfile::tempdir().unwrap();
    device_with(dir.path(), &[example_without_photos()]);
    let mut app = Harness::start(dir.path());
    open_example(&mut app, "location");
    // Two different errors: both stay on screen.
    app.input("gps-lat", "utara");
    app.input("gps-lon", "106.9");
    app.click("gps-manual");
    app.wait_text("Koordinat harus berupa angka");
    app.click("step-photos");
    let bad = dir.path().join("catatan.jpg");
    std::fs::write(&bad, b"bukan gambar").unwrap();
    app.pick_file("photo-file-F-DAPUR", &bad);
    let html = app.wait_text("photo.");
    assert!(html.contains("Koordinat harus berupa angka"), "{html}");
    let ids = message_ids(&html);
    assert_eq!(ids.len(), 2, "{html}");
    // Another screen: errors stay.
    app.click("nav-home");
    let html = app.wait_text("data-t=\"home-unsent\"");
    assert_eq!(message_ids(&html), ids, "{html}");
    // Dismissing the first leaves the second.
    app.click(&format!("msg-dismiss-{}", ids[0]));
    let html = app.wait_for("first dismissed", |h| {
        !h.contains("Koordinat harus berupa angka")
    });
    assert_eq!(message_ids(&html), vec![ids[1]], "{html}");
    assert!(html.contains("photo."), "{html}");
}

#[test]
fn the_message_list_keeps_errors_before_notices_and_never_grows_past_its_limit() {
    use pendata_app::state::{MessageKind, MAX_MESSAGES};
    let mut s = pendata_app::AppState::default();
    s.apply(pendata_app::Update::Error("galat 1".into()));
    for i in 0..10 {
        s.apply(pendata_app::Update::Notice(format!("info {i}")));
    }
    s.apply(pendata_app::Update::Error("galat 2".into()));
    assert_eq!(s.messages.len(), MAX_MESSAGES);
    let errors: Vec<&str> = s
        .messages
        .iter()
        .filter(|m| m.kind == MessageKind::Error)
        .map(|m| m.text.as_str())
        .collect();
    assert_eq!(errors, ["galat 1", "galat 2"]);
    assert_eq!(s.messages.last().unwrap().text, "galat 2");
    // The same text again is one message, moved to the end.
    s.apply(pendata_app::Update::Error("galat 1".into()));
    assert_eq!(s.messages.iter().filter(|m| m.text == "galat 1").count(), 1);
    assert_eq!(s.messages.last().unwrap().text, "galat 1");
    // A screen change drops notices only.
    s.clear_notices();
    assert_eq!(s.messages.len(), 2);
    // Only errors: the oldest goes when the list is full.
    for i in 0..MAX_MESSAGES {
        s.apply(pendata_app::Update::Error(format!("lagi {i}")));
    }
    assert_eq!(s.messages.len(), MAX_MESSAGES);
    assert!(s.messages.iter().all(|m| m.kind == MessageKind::Error));
    assert!(!s.messages.iter().any(|m| m.text == "galat 2"));
    let first = s.messages[0].id;
    s.dismiss(first);
    assert_eq!(s.messages.len(), MAX_MESSAGES - 1);
}

#[test]
fn families_businesses_and_dependents_are_edited_row_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let h = example_without_photos();
    device_with(dir.path(), std::slice::from_ref(&h));
    let mut app = Harness::start(dir.path());
    open_example(&mut app, "members");

    // Families (KK): the prelist's one, then a second with the next NUK and its number.
    let html = app.wait_text("data-t=\"rows-family\"");
    assert!(html.contains("value=\"3201021501160007\""), "{html}");
    app.click("family-add");
    app.wait_text("data-t=\"f-families[1].kk_number\"");
    let html = app.wait_text("data-t=\"finding-families[1].kk_number\"");
    assert!(
        html.contains("KK"),
        "an empty KK number is a finding: {html}"
    );
    app.change("f-families[1].kk_number", "3201022808190003");
    app.wait_text("value=\"3201022808190003\"");
    let (saved, _) = stored(dir.path(), h.id);
    assert_eq!(saved.families.len(), 2);
    assert_eq!(saved.families[1].family_no, 2);
    assert_eq!(saved.families[1].kk_number, "3201022808190003");

    // Dependents: a second child, picked from the members, with a school.
    let rizky = h.members[2].id;
    app.click("dependent-add");
    app.change("f-dependents[1].member_id", &rizky.to_string());
    app.change("f-dependents[1].school_name", "SMPN 1 Gunung Putri");
    app.wait_text("value=\"SMPN 1 Gunung Putri\"");
    let (saved, _) = stored(dir.path(), h.id);
    assert_eq!(saved.dependents.len(), 2);
    assert_eq!(saved.dependents[1].member_id, Some(rizky));
    assert_eq!(
        saved.dependents[1].school_name.as_deref(),
        Some("SMPN 1 Gunung Putri")
    );
    // Removing the first leaves the second.
    app.click("dependent-remove-0");
    app.wait_for("one dependent left", |h| {
        !h.contains("data-t=\"dependent-1\"") && h.contains("value=\"SMPN 1 Gunung Putri\"")
    });
    let (saved, _) = stored(dir.path(), h.id);
    assert_eq!(saved.dependents.len(), 1);
    assert_eq!(saved.dependents[0].member_id, Some(rizky));

    // Businesses: asked only when a member runs one, cleared when that answer goes back.
    app.click("step-assets");
    let html = app.wait_text("data-t=\"f-assets.has_business\"");
    assert!(!html.contains("data-t=\"rows-business\""), "{html}");
    app.change("f-assets.has_business", "1");
    app.click("business-add");
    app.change("f-assets.businesses[0].sector", "12");
    app.change("f-assets.businesses[0].monthly_turnover_idr", "4500000");
    app.wait_text("value=\"4500000\"");
    let (saved, _) = stored(dir.path(), h.id);
    assert_eq!(saved.assets.businesses.len(), 1);
    assert_eq!(
        saved.assets.businesses[0].sector.map(|s| s.code()),
        Some(12)
    );
    assert_eq!(
        saved.assets.businesses[0].monthly_turnover_idr,
        Some(4_500_000)
    );
    // A number that is not one is refused at the field.
    app.change("f-assets.businesses[0].workers", "banyak");
    app.wait_text("bukan angka");
    app.change("f-assets.has_business", "2");
    app.wait_for("businesses hidden", |h| {
        !h.contains("data-t=\"rows-business\"")
    });
    let (saved, _) = stored(dir.path(), h.id);
    assert!(saved.assets.businesses.is_empty());
}

#[test]
fn identity_cards_are_ticked_one_by_one_and_notes_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let h = example_without_photos();
    device_with(dir.path(), std::slice::from_ref(&h));
    let mut app = Harness::start(dir.path());
    open_example(&mut app, "members");
    app.click("member-edit-0");
    app.wait_text("data-t=\"f-members[0].identity_cards\"");
    // The example's head holds a birth certificate and a KTP (1 + 4).
    assert_eq!(
        stored(dir.path(), h.id).0.members[0]
            .identity_cards
            .map(|c| c.code()),
        Some(5)
    );
    // Two clicks at once (no waiting between them): each flips its own card.
    app.change("f-members[0].identity_cards-8", "on");
    app.change("f-members[0].identity_cards-2", "on");
    let cards = |dir: &std::path::Path| stored(dir, h.id).0.members[0].identity_cards;
    let mut tries = 0;
    while cards(dir.path()).map(|c| c.code()) != Some(15) && tries < 600 {
        app.pump();
        tries += 1;
    }
    assert_eq!(cards(dir.path()).map(|c| c.code()), Some(15));
    app.change("f-members[0].identity_cards-2", "");
    // Unticking the KTP takes 4 off.
    app.change("f-members[0].identity_cards-4", "");
    let mut tries = 0;
    while cards(dir.path()).map(|c| c.code()) != Some(9) && tries < 600 {
        app.pump();
        tries += 1;
    }
    assert_eq!(cards(dir.path()).map(|c| c.code()), Some(9));
    // "Tidak punya": 0.
    app.change("f-members[0].identity_cards-none", "on");
    let mut tries = 0;
    while cards(dir.path()).map(|c| c.code()) != Some(0) && tries < 600 {
        app.pump();
        tries += 1;
    }
    assert_eq!(cards(dir.path()).map(|c| c.code()), Some(0));

    // The facilitator's notes on the review step.
    app.click("step-review");
    app.change("f-notes", "Rumah di ujung gang, pintu biru");
    app.wait_text("value=\"Rumah di ujung gang, pintu biru\"");
    assert_eq!(
        stored(dir.path(), h.id).0.notes.as_deref(),
        Some("Rumah di ujung gang, pintu biru")
    );
}

/// A work-list data directory: the example household and 120 prelist households
/// ("Kepala 00000".."Kepala 00119"), the even ones in desa 3201022001, the odd in 3201022002.
fn work_list_dir() -> tempfile::TempDir {
    use pendata_shared::protocol::{Assignment, PullItem};
    let dir = tempfile::tempdir().unwrap();
    device_with(dir.path(), &[example_without_photos()]);
    let mut d = pendata_core::Device::unlock(dir.path(), PIN).unwrap();
    let items: Vec<PullItem> = (0..120u32)
        .map(|i| {
            PullItem::Assignment(Assignment {
                kind: Default::default(),
                programme: None,
                desil: None,
                building_no: None,
                case: None,
                household_id: HouseholdId::new(),
                prelist_id: format!("3201022001-{i:05}"),
                desa_code: if i % 2 == 0 {
                    "3201022001"
                } else {
                    "3201022002"
                }
                .into(),
                rt: None,
                rw: None,
                address: format!("Kp. Uji no. {i}"),
                head_name: format!("Kepala {i:05}"),
                families: Vec::new(),
                members: Vec::new(),
                assigned_to: None,
                active: true,
                updated_at: chrono::Utc::now(),
            })
        })
        .collect();
    d.store_mut().apply_pull_page(&items, "c1").unwrap();
    dir
}

/// Lets the app run for `d` (its pending searches, their answers), then returns the page.
fn settle(app: &mut Harness, d: std::time::Duration) -> String {
    let start = std::time::Instant::now();
    while start.elapsed() < d {
        app.pump();
    }
    app.html()
}

/// A server that takes connections and answers none until [`Silent::release`] (then it closes
/// them, and any later one at once).
struct Silent {
    addr: std::net::SocketAddr,
    held: std::sync::Arc<std::sync::Mutex<Vec<std::net::TcpStream>>>,
    released: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Silent {
    fn start() -> Self {
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let held = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let released = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (h, r) = (held.clone(), released.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                if !r.load(Ordering::SeqCst) {
                    h.lock().unwrap().push(conn);
                }
            }
        });
        Silent {
            addr,
            held,
            released,
        }
    }

    fn release(&self) {
        self.released
            .store(true, std::sync::atomic::Ordering::SeqCst);
        self.held.lock().unwrap().clear();
    }
}

#[test]
fn a_filter_picked_while_a_typed_search_waits_keeps_both() {
    let dir = work_list_dir();
    // The worker is kept busy (a sync waiting for a server that does not answer, as a search
    // on a big store may keep it) while text is typed and a desa picked: the list's answers
    // come late, after the typing pause has run out.
    let server = Silent::start();
    {
        let mut d = pendata_core::Device::unlock(dir.path(), PIN).unwrap();
        d.store_mut()
            .set_setting(
                pendata_core::store::keys::SERVER_URL,
                Some(&format!("http://{}", server.addr)),
            )
            .unwrap();
    }
    let mut app = Harness::start(dir.path());
    app.unlock(PIN);
    app.click("nav-list");
    app.wait_text("121 cocok");
    app.click("nav-sync");
    app.click("sync-start");
    app.wait_text("data-t=\"busy\"");
    app.click("nav-list");
    app.input("list-search", "Kepala 0001");
    app.change("list-desa", "3201022002");
    settle(&mut app, pendata_app::worklist::DEBOUNCE * 2);
    server.release();
    // The last word is the typed text and the desa together.
    let html = app.wait_text("· 5 cocok");
    assert!(html.contains("Kepala 00011"), "{html}");
    let html = settle(&mut app, pendata_app::worklist::DEBOUNCE * 3);
    assert!(html.contains("· 5 cocok"), "{html}");
    assert!(html.contains("Kepala 00011"), "{html}");
    assert!(!html.contains("Kepala 00010"), "{html}");
    assert!(!html.contains("Kepala 00021"), "{html}");
    assert!(html.contains("value=\"Kepala 0001\""), "{html}");
    // Typed and a filter changed at once, within the pause: the latest text and filter.
    app.input("list-search", "Kepala 0002");
    app.change("list-desa", "3201022001");
    let html = app.wait_for("text and desa", |h| {
        h.contains("· 5 cocok") && h.contains("Kepala 00020") && !h.contains("Kepala 00011")
    });
    assert!(!html.contains("Kepala 00021"), "{html}");
    let html = settle(&mut app, pendata_app::worklist::DEBOUNCE * 3);
    assert!(html.contains("· 5 cocok"), "{html}");
    assert!(html.contains("Kepala 00020"), "{html}");
    assert!(!html.contains("Kepala 00021"), "{html}");
}
