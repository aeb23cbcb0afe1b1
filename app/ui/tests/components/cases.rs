//! The case screens on the real app and core: the work list shows each case with its kind and
//! due date (the overdue one marked), a case opens into who and what it is about and its kind's
//! finding form; the findings shown are the shared validator's (none written in the UI); real
//! JPEGs through the photo pipeline; finalize; the record read back from the encrypted store.

use super::common::*;

use chrono::{Duration, Utc};
use pendata_core::store::{Record, RecordState};
use pendata_core::Device;
use pendata_shared::cases::graduasi::{GraduasiAssignment, GraduasiFamily, GraduasiType};
use pendata_shared::cases::pbi_jk::PbiJkAssignment;
use pendata_shared::cases::usul_sanggah::{Channel, Submission, UsulSanggahAssignment, Verdict};
use pendata_shared::cases::{
    CaseAssignment, CaseDetail, CaseFinding, CaseKind, CaseRecord, CaseSubject, IneligibleReason,
};
use pendata_shared::dtsen::family::ListProgramme;
use pendata_shared::protocol::{Assignment, PullItem};
use pendata_shared::HouseholdId;

const US_ID: &str = "US-2026-0001";
const PBI_ID: &str = "PBI-2026-0007";
const GR_ID: &str = "GR-2026-0003";

fn subject(name: &str, nik: &str) -> CaseSubject {
    CaseSubject {
        name: name.into(),
        nik: Some(nik.into()),
        kk_number: Some("3201021503240011".into()),
    }
}

fn case_assignment(id: &str, name: &str, due_in_days: i64, detail: CaseDetail) -> Assignment {
    let kind = detail.kind();
    Assignment {
        household_id: HouseholdId::new(),
        kind: kind.assignment_kind(),
        programme: None,
        desil: None,
        building_no: None,
        case: Some(
            CaseAssignment {
                // The facilitator's day (WIB for this Bogor account).
                due_date: pendata_shared::month::zone::local_today("320102", Utc::now())
                    + Duration::days(due_in_days),
                detail,
            }
            .into(),
        ),
        prelist_id: id.into(),
        desa_code: "3201022001".into(),
        rt: Some("003".into()),
        rw: Some("007".into()),
        address: "Kp. Cikeas RT 003/RW 007 No. 12".into(),
        head_name: name.into(),
        families: Vec::new(),
        members: Vec::new(),
        assigned_to: Some("fasilitator1".into()),
        active: true,
        updated_at: Utc::now(),
    }
}

/// A logged-in device holding an usul-sanggah objection (overdue by 2 days), a PBI-JK
/// reactivation (due in 3 days) and a graduasi PKH case (due in 10 days).
fn setup() -> (tempfile::TempDir, [Assignment; 3]) {
    let dir = tempfile::tempdir().unwrap();
    device_with(dir.path(), &[]);
    let us = case_assignment(
        US_ID,
        "Bambang Sutrisno",
        -2,
        CaseDetail::UsulSanggah(UsulSanggahAssignment {
            submission: Submission::Sanggahan,
            channel: Channel::CekBansos,
            submitted_by: Some("Warga RT 003".into()),
            subject: subject("Bambang Sutrisno", "3201021205800001"),
            programme: ListProgramme::Pkh,
            reason: "Punya mobil dan rumah dua lantai".into(),
            evidence: vec!["foto rumah".into()],
            submitted_position: None,
        }),
    );
    let pbi = case_assignment(
        PBI_ID,
        "Siti Rahayu",
        3,
        CaseDetail::ReaktivasiPbiJk(PbiJkAssignment {
            person: subject("Siti Rahayu", "3201026108930002"),
            emergency: true,
            deactivated_on: None,
            note: Some("Pasien cuci darah".into()),
        }),
    );
    let gr = case_assignment(
        GR_ID,
        "Dedi Kurniawan",
        10,
        CaseDetail::GraduasiPkh(GraduasiAssignment {
            family: GraduasiFamily {
                head: subject("Dedi Kurniawan", "3201021205900003"),
                pkh_since_year: Some(2019),
                components: Vec::new(),
            },
            proposed_type: Some(GraduasiType::Mandiri),
            note: None,
        }),
    );
    let mut d = Device::unlock(dir.path(), PIN).unwrap();
    d.store_mut()
        .apply_pull_page(
            &[
                PullItem::Assignment(us.clone()),
                PullItem::Assignment(pbi.clone()),
                PullItem::Assignment(gr.clone()),
            ],
            "c1",
        )
        .unwrap();
    (dir, [us, pbi, gr])
}

fn case(dir: &std::path::Path, id: HouseholdId) -> (CaseRecord, RecordState) {
    let d = Device::unlock(dir, PIN).unwrap();
    let Record::Case(c) = d.store().content(id).unwrap() else {
        panic!("not a case");
    };
    (*c, d.store().record(id).unwrap().state)
}

/// Whether the page shows the option `value` as selected.
fn option_selected(html: &str, value: &str) -> bool {
    html.split("<option")
        .skip(1)
        .filter_map(|o| o.split('>').next())
        .any(|attrs| attrs.contains(&format!("value=\"{value}\"")) && attrs.contains("selected"))
}

fn open(app: &mut Harness, id: &str) {
    app.click("nav-list");
    app.click(&format!("open-prelist-{id}"));
    app.wait_text("data-t=\"case-name\"");
}

fn photo(app: &mut Harness, dir: &std::path::Path, kind: &str, seed: u32) {
    let img = dir.join(format!("{kind}.jpg"));
    std::fs::write(&img, jpeg(seed, 1200, 900)).unwrap();
    app.pick_file(&format!("photo-file-{kind}"), &img);
    app.wait_text(&format!("data-t=\"thumb-{kind}\""));
}

#[test]
fn the_work_list_shows_each_case_with_its_kind_and_due_date_and_marks_the_overdue_one() {
    let (dir, _) = setup();
    let mut app = Harness::start(dir.path());
    app.unlock(PIN);
    app.click("nav-list");
    let html = app.wait_text(&format!("data-t=\"due-{US_ID}\""));
    assert!(html.contains("Verifikasi usul-sanggah"), "{html}");
    assert!(html.contains("Reaktivasi PBI-JK"), "{html}");
    assert!(html.contains("Graduasi PKH"), "{html}");
    assert!(html.contains("lewat 2 hari"), "{html}");
    assert!(html.contains("3 hari lagi"), "{html}");
    assert!(html.contains("10 hari lagi"), "{html}");
    // Only the usul-sanggah case is marked overdue.
    assert_eq!(html.matches("tag due overdue").count(), 1, "{html}");
    assert_eq!(html.matches("lewat batas waktu").count(), 1, "{html}");

    app.click("nav-settings");
    app.click("lang-en");
    app.wait_text("Data size");
    app.click("nav-list");
    let html = app.wait_text("2 days overdue");
    assert!(html.contains("Proposal/objection verification"), "{html}");
    assert!(html.contains("3 days left"), "{html}");
}

#[test]
fn an_objection_is_verified_tidak_layak_with_reason_gps_and_house_photo_and_finalized() {
    let (dir, [us, ..]) = setup();
    let id = us.household_id;
    let mut app = Harness::start(dir.path());
    app.unlock(PIN);
    open(&mut app, US_ID);
    let html = app.html();
    // Who and what it is about, and the due date passed.
    assert!(html.contains("Bambang Sutrisno"), "{html}");
    assert!(html.contains("3201021205800001"), "{html}");
    assert!(html.contains("Sanggahan · PKH"), "{html}");
    assert!(html.contains("Punya mobil dan rumah dua lantai"), "{html}");
    assert!(html.contains("due overdue"), "{html}");
    // The validator asks for the verdict and the position; no reason list before tidak layak.
    assert!(
        html.contains("data-t=\"finding-finding.verdict\""),
        "{html}"
    );
    assert!(!html.contains("data-t=\"f-finding.reason\""), "{html}");

    app.click("case-verdict-tidak_layak");
    let html = app.wait_text("data-t=\"f-finding.reason\"");
    assert!(html.contains("Alasan tidak layak"), "{html}");
    assert!(html.contains("data-t=\"finding-finding.reason\""), "{html}");
    app.change("f-finding.reason", IneligibleReason::Other.id());
    // "Other" needs the note (the shared rule), shown at the note until written.
    app.wait_text("data-t=\"finding-finding.note\"");
    app.change(
        "f-finding.note",
        "Rumah dua lantai, mobil pribadi di garasi",
    );
    app.wait_for("the note accepted", |h| {
        !h.contains("data-t=\"finding-finding.note\"")
    });
    // A choice the store refuses stays what was chosen, with why: the stored answer is not
    // shown as if it were chosen.
    app.change("f-finding.reason", "bukan_alasan");
    let html = app.wait_text("Belum tersimpan");
    assert!(
        !option_selected(&html, IneligibleReason::Other.id()),
        "{html}"
    );
    app.change("f-finding.reason", IneligibleReason::Other.id());
    let html = app.wait_for("the choice accepted", |h| !h.contains("Belum tersimpan"));
    assert!(
        option_selected(&html, IneligibleReason::Other.id()),
        "{html}"
    );
    app.input("gps-lat", "-6,4815");
    app.input("gps-lon", "106.8720");
    app.click("gps-manual");
    app.wait_text("-6.481500, 106.872000");

    app.click("case-step-photos");
    let html = app.wait_text("data-t=\"photo-count\"");
    assert!(html.contains("Foto 0/1"), "{html}");
    assert!(html.contains("(opsional)"), "{html}");
    photo(&mut app, dir.path(), "F-RUMAH", 7);
    app.wait_text("Foto 1/1");

    app.click("case-step-review");
    app.click("review-finalize");
    app.wait_text("data-t=\"review-final\"");
    let (c, st) = case(dir.path(), id);
    assert_eq!(st, RecordState::Final);
    let CaseFinding::UsulSanggah(f) = &c.finding else {
        panic!("{:?}", c.finding);
    };
    assert_eq!(f.verdict, Some(Verdict::TidakLayak));
    assert_eq!(f.reason, Some(IneligibleReason::Other));
    assert!(c.geotag.is_some());
    assert_eq!(c.photos.len(), 1);
    assert_eq!(c.kind(), CaseKind::UsulSanggah);

    // Layak afterwards (reopened): the reason no longer applies and is cleared.
    app.click("review-reopen");
    app.wait_for("reopened", |h| !h.contains("data-t=\"review-final\""));
    app.click("case-step-finding");
    app.click("case-verdict-layak");
    app.wait_for("reason hidden", |h| {
        !h.contains("data-t=\"f-finding.reason\"")
    });
    let (c, _) = case(dir.path(), id);
    let CaseFinding::UsulSanggah(f) = &c.finding else {
        panic!();
    };
    assert_eq!((f.verdict, f.reason), (Some(Verdict::Layak), None));
}

#[test]
fn a_pbi_jk_reactivation_needs_the_faskes_letter_and_a_graduation_its_type_reason_and_letter() {
    let (dir, [_, pbi, gr]) = setup();
    let mut app = Harness::start(dir.path());
    app.unlock(PIN);

    open(&mut app, PBI_ID);
    let html = app.html();
    assert!(html.contains("Siti Rahayu"), "{html}");
    assert!(html.contains("Pasien cuci darah"), "{html}");
    assert!(html.contains("Darurat"), "{html}");
    app.change("f-finding.note", "Surat rujukan RSUD dilampirkan");
    app.click("case-step-review");
    // Without the faskes letter it cannot be final.
    let html = app.wait_text("data-t=\"review-blocked\"");
    assert!(
        html.contains("F-SURAT-FASKES") || html.contains("faskes"),
        "{html}"
    );
    app.click("case-step-photos");
    let html = app.wait_text("data-t=\"photo-file-F-SURAT-FASKES\"");
    assert!(html.contains("data-t=\"photo-file-F-SKTM\""), "{html}");
    photo(&mut app, dir.path(), "F-SURAT-FASKES", 11);
    app.click("case-step-review");
    app.click("review-finalize");
    app.wait_text("data-t=\"review-final\"");
    assert_eq!(case(dir.path(), pbi.household_id).1, RecordState::Final);

    open(&mut app, GR_ID);
    let html = app.html();
    assert!(html.contains("Dedi Kurniawan"), "{html}");
    assert!(html.contains("Graduasi mandiri"), "{html}");
    for hook in [
        "finding.graduation_type",
        "finding.reason",
        "finding.assessment_note",
    ] {
        assert!(
            html.contains(&format!("data-t=\"finding-{hook}\"")),
            "{hook}: {html}"
        );
    }
    app.change("f-finding.graduation_type", GraduasiType::Mandiri.id());
    app.change("f-finding.reason", "Usaha warung sudah mencukupi");
    app.change(
        "f-finding.assessment_note",
        "Penghasilan tetap, anak sudah bekerja",
    );
    app.wait_for("every finding answered", |h| {
        !h.contains("data-t=\"finding-finding.")
    });
    app.click("case-step-photos");
    photo(&mut app, dir.path(), "F-SURAT-GRADUASI", 13);
    app.click("case-step-review");
    app.click("review-finalize");
    app.wait_text("data-t=\"review-final\"");
    let (c, st) = case(dir.path(), gr.household_id);
    assert_eq!(st, RecordState::Final);
    let CaseFinding::GraduasiPkh(f) = &c.finding else {
        panic!();
    };
    assert_eq!(f.graduation_type, Some(GraduasiType::Mandiri));

    // English second.
    app.click("nav-settings");
    app.click("lang-en");
    app.wait_text("Data size");
    app.click("nav-list");
    // Opened now: among the records, with its kind and due date.
    let html = app.wait_text(&format!("data-t=\"due-{GR_ID}\""));
    assert!(html.contains("10 days left"), "{html}");
    app.click(&format!("open-household-{GR_ID}"));
    app.click("case-step-finding");
    let html = app.wait_text("Assessment note");
    assert!(html.contains("PKH graduation"), "{html}");
    assert!(html.contains("Assessment note"), "{html}");
    assert!(html.contains("Self-graduation"), "{html}");
}
