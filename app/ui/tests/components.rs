//! Component tests without a window: the real app (its service thread and the real encrypted
//! core on a temporary data directory) rendered with dioxus-ssr and driven with synthetic
//! events.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

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
    }
    let mut app = Harness::start(dir.path());
    app.unlock(PIN);
    app.click("nav-list");
    let html = app.wait_text("Kepala 00000");
    // One page: 50 rows, never all 20,000.
    assert_eq!(
        html.matches("data-t=\"open-prelist-").count(),
        50,
        "page size"
    );
    assert!(!html.contains("Kepala 00050"));
    app.click("list-next");
    let html = app.wait_text("Kepala 00050");
    assert!(!html.contains("Kepala 00049"));
    assert!(html.contains("Halaman 2"));
    // Search (text in the prelist record) and the desa filter.
    app.change("list-search", "Kepala 1234");
    let html = app.wait_for("search result", |h| {
        h.contains("Kepala 12340") && !h.contains("Kepala 00000")
    });
    assert_eq!(html.matches("data-t=\"open-prelist-").count(), 10, "{html}");
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
