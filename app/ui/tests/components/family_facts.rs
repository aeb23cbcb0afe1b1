//! What a family's screens show beside the form (issue 21), on the real app and core: BPS's
//! desil as a pull leaves it in the encrypted store, with the import's date, on the DTSEN
//! family's visit screen and on a case about the family; the members' PKH components under the
//! Dinsos's `[cases.pkh]` age thresholds as the pull's settings leave them (here lansia from
//! 80: a member of 76 is not one, a member of 86 is); "not in the desil data yet" otherwise.

use super::common::*;

use chrono::Utc;
use pendata_core::Device;
use pendata_shared::cases::pbi_jk::PbiJkAssignment;
use pendata_shared::cases::{CaseAssignment, CaseDetail, CaseRules, CaseSubject};
use pendata_shared::dtsen::codes::WelfareDecile;
use pendata_shared::dtsen::family::ListProgramme;
use pendata_shared::model::Family;
use pendata_shared::protocol::{
    Assignment, AssignmentKind, DesilUpdate, DeviceSettings, KkDesil, PrelistMember, PullItem,
};
use pendata_shared::HouseholdId;

const GC_ID: &str = "GC-PKH-3201022001-0077";
const PBI_ID: &str = "PBI-2026-0099";
const GC_KK: &str = "3201021503240077";
const PBI_KK: &str = "3201021503240078";

fn member(name: &str, rel: u8, born: (i32, u32, u32)) -> PrelistMember {
    PrelistMember {
        name: name.into(),
        nik: None,
        relation_to_head: pendata_shared::codes::Relation::from_code(rel),
        sex: pendata_shared::codes::Sex::from_code(2),
        birth_date: chrono::NaiveDate::from_ymd_opt(born.0, born.1, born.2),
        family_no: Some(1),
    }
}

fn assignment(id: &str, kind: AssignmentKind, kk: &str) -> Assignment {
    Assignment {
        household_id: HouseholdId::new(),
        kind,
        programme: Some(ListProgramme::Pkh),
        desil: None,
        building_no: None,
        case: None,
        prelist_id: id.into(),
        desa_code: "3201022001".into(),
        rt: None,
        rw: None,
        address: "Kp. Cikeas No. 77".into(),
        head_name: "Sri Wahyuni".into(),
        families: vec![Family {
            family_no: 1,
            kk_number: kk.into(),
        }],
        members: vec![
            member("Sri Wahyuni", 1, (1950, 1, 1)),
            member("Mbah Karto", 5, (1940, 1, 1)),
            member("Putri Kecil", 4, (2023, 6, 1)),
        ],
        assigned_to: None,
        active: true,
        updated_at: Utc::now(),
    }
}

#[test]
fn the_family_and_its_case_show_bps_desil_and_the_pkh_components_under_the_dinsos_rules() {
    let dir = tempfile::tempdir().unwrap();
    device_with(dir.path(), &[]);
    let gc = assignment(GC_ID, AssignmentKind::GroundCheck, GC_KK);
    let mut pbi = assignment(PBI_ID, AssignmentKind::ReaktivasiPbiJk, PBI_KK);
    pbi.programme = None;
    pbi.case = Some(
        CaseAssignment {
            due_date: pendata_shared::month::zone::local_today("320102", Utc::now()),
            detail: CaseDetail::ReaktivasiPbiJk(PbiJkAssignment {
                person: CaseSubject {
                    name: "Sri Wahyuni".into(),
                    nik: None,
                    kk_number: Some(PBI_KK.into()),
                },
                emergency: false,
                deactivated_on: None,
                note: None,
            }),
        }
        .into(),
    );
    {
        let mut d = Device::unlock(dir.path(), PIN).unwrap();
        let s = d.store_mut();
        s.apply_pull_page(&[PullItem::Assignment(gc), PullItem::Assignment(pbi)], "c1")
            .unwrap();
        // What a pull from a server with `[cases.pkh] elderly_from_age = 80` and a desil
        // import of 7 Dec 2026 (10:00 WIB) leaves in the store.
        let mut cases = CaseRules::default();
        cases.pkh.elderly_from_age = 80;
        s.apply_device_settings(&DeviceSettings {
            cases: Some(cases),
            ..Default::default()
        })
        .unwrap();
        s.apply_desil(&DesilUpdate {
            import_id: 1,
            imported_at: "2026-12-07T03:00:00Z".parse().unwrap(),
            complete: true,
            families: vec![KkDesil {
                kk_number: GC_KK.into(),
                desil: WelfareDecile::from_code(3).unwrap(),
            }],
        })
        .unwrap();
    }
    let mut app = Harness::start(dir.path());
    app.unlock(PIN);
    app.click("nav-list");
    app.click(&format!("open-prelist-{GC_ID}"));
    let html = app.wait_text("data-t=\"visit-facts\"");
    assert!(
        html.contains("Desil 3 (peringkat BPS, SIKS-NG) · impor Dinsos 07-12-2026"),
        "{html}"
    );
    assert!(html.contains("data-desil=\"3\""), "{html}");
    // Lansia from 80 (the Dinsos's rule): Mbah Karto (86) is one, Sri Wahyuni (76) is not;
    // Putri (3) is usia dini.
    assert!(html.contains("Lanjut usia — Mbah Karto"), "{html}");
    assert!(!html.contains("Lanjut usia — Sri Wahyuni"), "{html}");
    assert!(html.contains("Anak usia dini — Putri Kecil"), "{html}");

    // The case about another family: no desil for its KK in the Dinsos's data.
    app.click("nav-list");
    app.click(&format!("open-prelist-{PBI_ID}"));
    let html = app.wait_text("data-t=\"case-desil\"");
    assert!(html.contains("belum ada di data desil Dinsos"), "{html}");

    // English second.
    app.click("nav-settings");
    app.click("lang-en");
    app.wait_text("Data size");
    app.click("nav-list");
    // Opened before: now a record of the device.
    app.click(&format!("open-household-{GC_ID}"));
    let html = app.wait_text("data-t=\"visit-facts\"");
    assert!(
        html.contains("Desil 3 (BPS ranking, SIKS-NG) · Dinsos import of 07-12-2026"),
        "{html}"
    );
    assert!(html.contains("Elderly — Mbah Karto"), "{html}");
}
