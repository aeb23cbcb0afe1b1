//! The DTSEN ground-check screens on the real app and core: the work list shows each
//! assignment's process and opens a ground check into the visit screen (a DTKS verivali still
//! into the household form); "Tidak ada orang — kunjungi lagi" puts the family on the revisit
//! list with its attempts while what was filled stays; a family found living here is filled
//! (skip rules from the shared validator), photographed with real JPEGs and finalized as a
//! `regsosek2022k` record; a moved family needs its note and no photos.

use super::common::*;

use chrono::Utc;
use pendata_core::store::RecordState;
use pendata_core::Device;
use pendata_shared::dtsen::codes::{
    ChronicIllness, EnumerationResult, Presence, SchoolParticipation, Tenure,
};
use pendata_shared::dtsen::family::ListProgramme;
use pendata_shared::dtsen::{FamilyRecord, GroundCheckOutcome, VisitResult};
use pendata_shared::model::Family;
use pendata_shared::protocol::{Assignment, AssignmentKind, PrelistMember, PullItem};
use pendata_shared::{HouseholdId, PhotoKind, Questionnaire};

const GC_ID: &str = "GC-PKH-3201022001-0042";
const VV_ID: &str = "3201022001-00007";

fn member(name: &str, nik: &str, rel: u8, sex: u8, born: (i32, u32, u32)) -> PrelistMember {
    PrelistMember {
        name: name.into(),
        nik: Some(nik.into()),
        relation_to_head: pendata_shared::codes::Relation::from_code(rel),
        sex: pendata_shared::codes::Sex::from_code(sex),
        birth_date: chrono::NaiveDate::from_ymd_opt(born.0, born.1, born.2),
        family_no: Some(1),
    }
}

/// The first family of assets/examples/ground-check.csv, as the server hands it out.
fn ground_check() -> Assignment {
    Assignment {
        household_id: HouseholdId::new(),
        kind: AssignmentKind::GroundCheck,
        programme: Some(ListProgramme::Pkh),
        desil: pendata_shared::dtsen::codes::WelfareDecile::from_code(2),
        building_no: Some(12),
        case: None,
        prelist_id: GC_ID.into(),
        desa_code: "3201022001".into(),
        rt: Some("003".into()),
        rw: Some("007".into()),
        address: "Kp. Cikeas RT 003/RW 007 No. 12".into(),
        head_name: "Dedi Kurniawan".into(),
        families: vec![Family {
            family_no: 1,
            kk_number: "3201021503240011".into(),
        }],
        members: vec![
            member("Dedi Kurniawan", "3201021205900003", 1, 1, (1990, 5, 12)),
            member("Siti Aminah", "3201026108930002", 2, 2, (1993, 8, 21)),
            member("Rizky Ramadhan", "3201020302150001", 3, 1, (2015, 2, 3)),
        ],
        assigned_to: Some("fasilitator1".into()),
        active: true,
        updated_at: Utc::now(),
    }
}

/// A DTKS prelist household beside it (verivali).
fn verivali() -> Assignment {
    Assignment {
        kind: AssignmentKind::Verivali,
        programme: None,
        desil: None,
        building_no: None,
        case: None,
        household_id: HouseholdId::new(),
        prelist_id: VV_ID.into(),
        head_name: "Ahmad Verivali".into(),
        address: "Kp. Lama no. 7".into(),
        families: Vec::new(),
        members: vec![member(
            "Ahmad Verivali",
            "3201021205900011",
            1,
            1,
            (1980, 1, 1),
        )],
        ..ground_check()
    }
}

/// A logged-in device holding one ground-check and one verivali assignment.
fn setup() -> (tempfile::TempDir, Assignment, Assignment) {
    let dir = tempfile::tempdir().unwrap();
    device_with(dir.path(), &[]);
    let (gc, vv) = (ground_check(), verivali());
    let mut d = Device::unlock(dir.path(), PIN).unwrap();
    d.store_mut()
        .apply_pull_page(
            &[
                PullItem::Assignment(gc.clone()),
                PullItem::Assignment(vv.clone()),
            ],
            "c1",
        )
        .unwrap();
    (dir, gc, vv)
}

fn family(dir: &std::path::Path, id: HouseholdId) -> (FamilyRecord, RecordState, Questionnaire) {
    let d = Device::unlock(dir, PIN).unwrap();
    let f = d.store().family(id).unwrap();
    let info = d.store().record(id).unwrap();
    (f, info.state, info.questionnaire)
}

/// Unlocks, opens the work list and the ground check from it.
fn open_ground_check(app: &mut Harness) {
    app.unlock(PIN);
    app.click("nav-list");
    app.click(&format!("open-prelist-{GC_ID}"));
    app.wait_text("data-t=\"visit-head\"");
}

#[test]
fn the_work_list_shows_the_process_and_opens_a_ground_check_into_the_visit_screen() {
    let (dir, gc, vv) = setup();
    let mut app = Harness::start(dir.path());
    app.unlock(PIN);
    app.click("nav-list");
    let html = app.wait_text(&format!("data-t=\"process-{GC_ID}\""));
    assert!(
        html.contains("Ground check DTSEN · PKH · Desil 2"),
        "{html}"
    );
    assert!(html.contains("Verivali DTKS"), "{html}");
    app.click(&format!("open-prelist-{GC_ID}"));
    let html = app.wait_text("data-t=\"visit-head\"");
    // The listed family: KK, address, building number, members with their listed data.
    assert!(html.contains("3201021503240011"), "{html}");
    assert!(html.contains("Kp. Cikeas RT 003/RW 007 No. 12"), "{html}");
    assert!(html.contains("Siti Aminah"), "{html}");
    assert!(html.contains("3201020302150001"), "{html}");
    assert!(html.contains("03-02-2015"), "{html}");
    assert!(html.contains("Istri/suami"), "{html}");
    for o in ["found", "moved", "died", "not_found"] {
        assert!(
            html.contains(&format!("data-t=\"outcome-{o}\"")),
            "{o}: {html}"
        );
    }
    // Only the outcome and the review until the family is found.
    assert!(!html.contains("data-t=\"visit-step-photos\""), "{html}");
    let (f, state, q) = family(dir.path(), gc.household_id);
    assert_eq!(
        (state, q),
        (RecordState::Draft, Questionnaire::Regsosek2022k)
    );
    assert_eq!(f.members.len(), 3);

    // A DTKS verivali household still opens today's household form.
    app.click("nav-list");
    app.click(&format!("open-prelist-{VV_ID}"));
    let html = app.wait_text("data-t=\"step-location\"");
    assert!(html.contains("data-t=\"form-head\""), "{html}");
    assert!(!html.contains("data-t=\"visit-head\""), "{html}");
    let d = Device::unlock(dir.path(), PIN).unwrap();
    let h = d.store().household(vv.household_id).unwrap();
    assert_eq!(h.members[0].name, "Ahmad Verivali");
    assert_eq!(
        d.store().record(vv.household_id).unwrap().questionnaire,
        Questionnaire::DtksBdt
    );
}

#[test]
fn nobody_home_puts_the_family_on_the_revisit_list_and_keeps_what_was_filled() {
    let (dir, gc, _) = setup();
    let mut app = Harness::start(dir.path());
    open_ground_check(&mut app);
    // Something filled before anyone answers: a member's keberadaan and the note.
    app.change("f-members[1].presence", "3");
    app.wait_for("presence saved", |h| {
        h.contains("data-t=\"f-members[1].presence\"")
    });
    app.change("f-notes", "Rumah terkunci, kata tetangga sedang ke pasar");
    app.wait_text("Rumah terkunci, kata tetangga sedang ke pasar");
    app.input("nobody-home-note", "pintu dikunci");
    app.click("nobody-home");
    app.wait_text("data-t=\"visit-revisit-attempts\"");
    let html = app.wait_text("Masuk daftar kunjungi lagi");
    // Nothing else is wrong with the form: the visit goes to the server as a report.
    assert!(
        html.contains("Laporan kunjungan dikirim saat sinkronisasi"),
        "{html}"
    );
    // The family's day (its desa is in WIB), never UTC's: after 17:00 UTC it is tomorrow there.
    let today = pendata_shared::month::zone::local_today("3201022001", Utc::now())
        .format("%d-%m-%Y")
        .to_string();
    assert!(html.contains(&today), "{html}");

    // The revisit list, from home: attempt 1, the last visit today.
    app.click("nav-home");
    app.wait_for("one family to revisit", |h| {
        h.contains("data-t=\"home-revisit-count\">1<")
    });
    app.click("home-revisits");
    let html = app.wait_text("data-t=\"revisit-attempts-0\"");
    assert!(html.contains("data-t=\"revisit-attempts-0\">1<"), "{html}");
    assert!(html.contains("Dedi Kurniawan"), "{html}");
    assert!(
        html.contains(&format!("data-t=\"revisit-last-0\">{today}<")),
        "{html}"
    );
    assert!(html.contains("/ 3"), "{html}");

    // Reopened from the list: everything filled is still there.
    app.click("revisit-open-0");
    let html = app.wait_text("data-t=\"visit-head\"");
    assert!(
        html.contains("Rumah terkunci, kata tetangga sedang ke pasar"),
        "{html}"
    );
    // Its review says it is a visit report, not a final record.
    app.click("visit-step-review");
    let html = app.wait_text("data-t=\"review-report\"");
    assert!(!html.contains("data-t=\"review-final\""), "{html}");
    assert!(!html.contains("data-t=\"review-finalize\""), "{html}");
    app.click("visit-step-outcome");
    let (f, state, _) = family(dir.path(), gc.household_id);
    assert_eq!(
        state,
        RecordState::Queued,
        "the visit report waits for the sync"
    );
    assert_eq!(f.ground_check.outcome, None);
    assert_eq!(f.ground_check.visits.len(), 1);
    assert_eq!(f.ground_check.visits[0].result, VisitResult::NobodyHome);
    assert_eq!(
        f.ground_check.visits[0].note.as_deref(),
        Some("pintu dikunci")
    );
    assert_eq!(f.members[1].presence, Some(Presence::MovedInIndonesia));
    assert_eq!(
        f.notes.as_deref(),
        Some("Rumah terkunci, kata tetangga sedang ke pasar")
    );

    // A second visit with nobody home: attempt 2 on the screen and on the list.
    app.click("nobody-home");
    app.wait_for("attempt 2", |h| {
        h.contains("data-t=\"visit-revisit-attempts\">2<")
    });
    app.click("nav-home");
    app.click("home-revisits");
    app.wait_for("attempt 2 on the list", |h| {
        h.contains("data-t=\"revisit-attempts-0\">2<")
    });

    // English second: the same screens in English.
    app.click("nav-settings");
    app.click("lang-en");
    app.wait_text("Data size");
    app.click("nav-home");
    app.click("home-revisits");
    let html = app.wait_text("Revisit list");
    assert!(html.contains("Nobody home"), "{html}");
    app.click("revisit-open-0");
    let html = app.wait_text("Nobody home — visit again");
    assert!(html.contains("DTSEN ground check · PKH"), "{html}");
    assert!(html.contains("Found, living here"), "{html}");
    assert!(html.contains("Lives with the family"), "{html}");
}

#[test]
fn a_found_family_is_filled_photographed_and_finalized_as_regsosek2022k() {
    let (dir, gc, _) = setup();
    let id = gc.household_id;
    let mut app = Harness::start(dir.path());
    open_ground_check(&mut app);
    app.click("outcome-found");
    let html = app.wait_text("data-t=\"visit-step-photos\"");
    assert!(html.contains("data-t=\"visit-outcome-current\""), "{html}");
    // 205 = 2 (partly filled) asks for the note: shown at the field until given.
    app.change("f-enumeration.result", "2");
    app.wait_text("data-t=\"finding-notes\"");
    app.change(
        "f-notes",
        "Responden hanya menjawab blok perumahan dan anggota",
    );
    app.wait_for("the note accepted", |h| {
        !h.contains("data-t=\"finding-notes\"")
    });

    // Blok III: 301b is asked only while the family owns the building (the shared rule).
    app.click("visit-step-housing");
    let html = app.wait_text("data-t=\"f-housing.tenure\"");
    assert!(!html.contains("data-t=\"f-housing.land_title\""), "{html}");
    app.change("f-housing.tenure", "1");
    app.wait_text("data-t=\"f-housing.land_title\"");
    app.change("f-housing.land_title", "1");
    app.wait_for("301b saved", |_| {
        family(dir.path(), id).0.housing.land_title.is_some()
    });
    app.change("f-housing.tenure", "2");
    app.wait_for("301b hidden", |h| {
        !h.contains("data-t=\"f-housing.land_title\"")
    });
    app.change("f-housing.floor_area_m2", "tiga puluh");
    app.wait_text("bukan angka");
    app.change("f-housing.floor_area_m2", "36");
    app.wait_for("floor area saved", |h| !h.contains("bukan angka"));
    // Labels come from the shared code lists.
    let html = app.html();
    assert!(html.contains("Keramik"), "{html}");

    // Blok IV: the child (born 2015) is asked school participation, then the level.
    app.click("visit-step-members");
    app.click("member-edit-2");
    let html = app.wait_text("data-t=\"f-members[2].school_participation\"");
    assert!(
        !html.contains("data-t=\"f-members[2].education_level\""),
        "{html}"
    );
    assert!(!html.contains("data-t=\"f-members[2].pregnant\""), "{html}");
    app.change("f-members[2].school_participation", "2");
    app.wait_text("data-t=\"f-members[2].education_level\"");
    app.click("member-close");
    app.click("member-edit-0");
    app.change("f-members[0].chronic_illnesses-1", "");
    app.wait_for("430 ticked", |_| {
        !family(dir.path(), id).0.members[0]
            .chronic_illnesses
            .is_empty()
    });
    let insurance = |dir: &std::path::Path| {
        family(dir, id).0.members[0]
            .health_insurance
            .map(|m| m.code())
    };
    app.change("f-members[0].health_insurance-1", "");
    app.wait_for("431a PBI ticked", |_| insurance(dir.path()) == Some(1));
    app.change("f-members[0].health_insurance-2", "");
    app.wait_for("431a PBI + mandiri", |_| insurance(dir.path()) == Some(3));
    // "Lainnya" (99) stands alone; a bit after it starts anew.
    app.change("f-members[0].health_insurance-99", "");
    app.wait_for("431a lainnya", |_| insurance(dir.path()) == Some(99));
    app.change("f-members[0].health_insurance-1", "");
    app.wait_for("431a PBI again", |_| insurance(dir.path()) == Some(1));

    // Someone not on the list lives with the family now: a new member (404 = 5).
    app.click("member-close");
    app.input("member-new-name", "Aisyah Putri");
    app.click("member-add");
    app.wait_text("data-t=\"member-name-3\"");
    app.click("member-edit-3");
    app.change("f-members[3].birth_date", "2024-03-01");
    app.wait_for("the baby's birth date saved", |_| {
        family(dir.path(), id)
            .0
            .members
            .get(3)
            .and_then(|m| m.birth_date)
            .is_some()
    });

    // Photos: the checklist of a found ground check (house front, inside, KK), real JPEGs.
    app.click("visit-step-photos");
    app.wait_text("Foto 0/3");
    for (i, kind) in ["F-RUMAH", "F-RUMAH-DALAM", "F-KK"].iter().enumerate() {
        let img = dir.path().join(format!("{kind}.jpg"));
        std::fs::write(&img, jpeg(20 + i as u32, 1200, 900)).unwrap();
        app.pick_file(&format!("photo-file-{kind}"), &img);
        app.wait_text(&format!("Foto {}/3", i + 1));
    }
    let html = app.html();
    assert!(html.contains("data-t=\"thumb-F-RUMAH-DALAM\""), "{html}");

    // Review and finalize.
    app.click("visit-step-review");
    app.wait_for("a finalize button", |h| {
        h.contains("data-t=\"review-finalize\"") || h.contains("data-t=\"review-confirm\"")
    });
    if app.has("review-confirm") {
        app.click("review-confirm");
    } else {
        app.click("review-finalize");
    }
    app.wait_text("data-t=\"review-final\"");

    let (f, state, q) = family(dir.path(), id);
    assert_eq!(state, RecordState::Final);
    assert_eq!(q, Questionnaire::Regsosek2022k);
    assert_eq!(f.ground_check.outcome, Some(GroundCheckOutcome::Found));
    assert_eq!(f.enumeration.result, Some(EnumerationResult::Partial));
    assert_eq!(f.housing.tenure, Some(Tenure::Rented));
    assert_eq!(f.housing.land_title, None, "cleared by the skip rule");
    assert_eq!(f.housing.floor_area_m2, Some(36));
    assert_eq!(
        f.members[2].school_participation,
        Some(SchoolParticipation::Attending)
    );
    assert_eq!(f.members[0].chronic_illnesses, vec![ChronicIllness::None]);
    assert_eq!(f.members[0].health_insurance.map(|m| m.code()), Some(1));
    assert!(f.members[..3]
        .iter()
        .all(|m| m.presence == Some(Presence::Living)));
    assert_eq!(f.members[3].name, "Aisyah Putri");
    assert_eq!(f.members[3].presence, Some(Presence::NewMember));
    let mut kinds: Vec<PhotoKind> = f.photos.iter().map(|p| p.kind).collect();
    kinds.sort_by_key(|k| k.stereotype());
    assert_eq!(
        kinds,
        vec![PhotoKind::Kk, PhotoKind::Rumah, PhotoKind::RumahDalam]
    );
}

#[test]
fn a_moved_family_needs_its_note_and_is_final_without_photos() {
    let (dir, gc, _) = setup();
    let mut app = Harness::start(dir.path());
    open_ground_check(&mut app);
    app.click("outcome-moved");
    let html = app.wait_text("data-t=\"visit-outcome-current\"");
    assert!(html.contains("Pindah"), "{html}");
    assert!(!html.contains("data-t=\"visit-step-photos\""), "{html}");
    assert!(!html.contains("data-t=\"nobody-home\""), "{html}");
    // 205 = 5 came with the outcome: the note is required, finalize is blocked.
    assert!(html.contains("data-t=\"finding-notes\""), "{html}");
    app.click("visit-step-review");
    app.wait_text("data-t=\"review-blocked\"");
    app.click("visit-step-outcome");
    app.change(
        "f-notes",
        "Pindah ke Bekasi sejak Mei 2026 menurut ketua RT",
    );
    app.wait_for("the note accepted", |h| {
        !h.contains("data-t=\"finding-notes\"")
    });
    app.click("visit-step-review");
    app.wait_for("a finalize button", |h| {
        h.contains("data-t=\"review-finalize\"") || h.contains("data-t=\"review-confirm\"")
    });
    if app.has("review-confirm") {
        app.click("review-confirm");
    } else {
        app.click("review-finalize");
    }
    app.wait_text("data-t=\"review-final\"");
    let (f, state, q) = family(dir.path(), gc.household_id);
    assert_eq!(
        (state, q),
        (RecordState::Final, Questionnaire::Regsosek2022k)
    );
    assert_eq!(f.ground_check.outcome, Some(GroundCheckOutcome::Moved));
    assert_eq!(f.enumeration.result, Some(EnumerationResult::MovedOrGone));
    assert_eq!(
        f.notes.as_deref(),
        Some("Pindah ke Bekasi sejak Mei 2026 menurut ketua RT")
    );
    assert!(f.photos.is_empty());
    assert!(f
        .members
        .iter()
        .all(|m| m.presence == Some(Presence::MovedInIndonesia)));
}

#[test]
fn a_found_family_synced_from_the_app_reaches_the_server_as_regsosek2022k() {
    use pendata_server::store::{GroundCheckListing, PrelistHousehold};
    let server = super::TestServer::start();
    let gc = ground_check();
    server.import_ground_check(PrelistHousehold {
        prelist_id: GC_ID.into(),
        desa_code: gc.desa_code.clone(),
        rt: gc.rt.clone(),
        rw: gc.rw.clone(),
        address: gc.address.clone(),
        families: gc.families.clone(),
        members: gc.members.clone(),
        assigned_to: Some("tksk.uji".into()),
        listing: Some(GroundCheckListing {
            programme: ListProgramme::Pkh,
            desil: gc.desil,
            building_no: gc.building_no,
        }),
    });
    let dir = tempfile::tempdir().unwrap();
    let mut app = Harness::start(dir.path());
    server.enrol(&mut app, PIN);
    // The first sync pulls the ground-check list.
    app.click("nav-sync");
    app.click("sync-start");
    app.wait_text("data-t=\"sync-summary\"");
    app.click("nav-list");
    let html = app.wait_text(&format!("data-t=\"process-{GC_ID}\""));
    assert!(
        html.contains("Ground check DTSEN · PKH · Desil 2"),
        "{html}"
    );
    app.click(&format!("open-prelist-{GC_ID}"));
    app.wait_text("data-t=\"visit-head\"");
    app.click("outcome-found");
    app.wait_text("data-t=\"visit-step-photos\"");
    app.change("f-enumeration.result", "2");
    app.wait_text("data-t=\"finding-notes\"");
    app.change("f-notes", "Responden hanya menjawab sebagian");
    app.wait_for("the note accepted", |h| {
        !h.contains("data-t=\"finding-notes\"")
    });
    app.click("visit-step-photos");
    for (i, kind) in ["F-RUMAH", "F-RUMAH-DALAM", "F-KK"].iter().enumerate() {
        let img = dir.path().join(format!("{kind}.jpg"));
        std::fs::write(&img, jpeg(40 + i as u32, 1000, 750)).unwrap();
        app.pick_file(&format!("photo-file-{kind}"), &img);
        app.wait_text(&format!("Foto {}/3", i + 1));
    }
    app.click("visit-step-review");
    app.wait_for("a finalize button", |h| {
        h.contains("data-t=\"review-finalize\"") || h.contains("data-t=\"review-confirm\"")
    });
    if app.has("review-confirm") {
        app.click("review-confirm");
    } else {
        app.click("review-finalize");
    }
    app.wait_text("data-t=\"review-final\"");

    // Sync as for a household: the server holds the family with its photos.
    app.click("nav-sync");
    app.click("sync-start");
    // (The first sync's summary is still on screen until this one ends.)
    app.wait_text("1 terkirim");
    let f = server.family(GC_ID).expect("the family on the server");
    assert_eq!(f.questionnaire, Questionnaire::Regsosek2022k);
    assert_eq!(f.ground_check.outcome, Some(GroundCheckOutcome::Found));
    assert_eq!(
        f.notes.as_deref(),
        Some("Responden hanya menjawab sebagian")
    );
    assert_eq!(f.photos.len(), 3);
    for p in &f.photos {
        assert_eq!(server.photo_len(p.sha256.as_str()), Some(p.bytes));
    }
}
