//! The DTSEN ground check end to end (issue 20): the real `pendata-server` binary on a real
//! socket imports assets/examples/ground-check.csv (`import-assignments`), a real device
//! (`pendata_core::Device`, encrypted store and photo blobs) logs in and pulls the list, and the
//! pendamping visits offline: one family found (the full Regsosek2022K form and real camera
//! JPEGs of the house front, its inside and the KK), one moved, one with nobody home — on the
//! revisit list, sent as a visit report, then found on the second visit. An old DTKS prelist
//! household goes through the same syncs unchanged. The server holds each family exactly once
//! with its outcome, and `export-dtsen` lists them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::path::Path;

use pendata_core::store::{GroundCheckVisit, RecordState};
use pendata_core::{Device, PhotoOptions};
use pendata_e2e::procs::{free_addr, ServerProcess};
use pendata_e2e::{
    camera_jpeg, capture_assignment, example_household, new_device, prelist_of, PASSWORD,
};
use pendata_server::store::{NewUser, Role};
use pendata_server::{AppState, Config};
use pendata_shared::dtsen::codes::{EnumerationResult, Presence};
use pendata_shared::dtsen::{FamilyRecord, GroundCheckOutcome};
use pendata_shared::photos::PhotoKind;
use pendata_shared::protocol::{Assignment, AssignmentKind};
use pendata_shared::HouseholdId;

const PENDAMPING: &str = "rina.marlina";
const FAMILY_EXAMPLE: &str = include_str!("../../../assets/examples/family-dtsen.json");
const GROUND_CHECK_CSV: &str = include_str!("../../../assets/examples/ground-check.csv");

fn server_cli(data: &Path, args: &[&str]) -> String {
    pendata_e2e::procs::server_cli(data, args).unwrap()
}

/// One CSV line's fields (RFC 4180 quoting).
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// The rows of a CSV file as column → value maps (no field holds a line break here).
fn csv_rows(path: &Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    let header = csv_fields(lines.next().unwrap());
    lines
        .filter(|l| !l.is_empty())
        .map(|l| header.iter().cloned().zip(csv_fields(l)).collect())
        .collect()
}

fn assignment<'a>(list: &'a [Assignment], list_id: &str) -> &'a Assignment {
    list.iter()
        .find(|a| a.prelist_id == list_id)
        .unwrap_or_else(|| panic!("{list_id} not pulled"))
}

/// Answers a found family's form as assets/examples/family-dtsen.json does: each listed member
/// takes the answers of the example member with the same NIK, or else with the same relation
/// (then with the listed identity kept), members the example has beyond the list are added, and
/// the family's blocks (housing, programmes, assets, internet, bank account, geotag, Blok II)
/// are the example's. The ground check and photos stay as recorded.
fn answer_form(device: &mut Device, id: HouseholdId, add_new_members: bool) {
    let ex: FamilyRecord = serde_json::from_str(FAMILY_EXAMPLE).unwrap();
    let mut f = device.store().family(id).unwrap();
    for m in &mut f.members {
        let by_nik = ex.members.iter().find(|e| e.nik == m.nik);
        let answered = by_nik
            .or_else(|| ex.members.iter().find(|e| e.relation == m.relation))
            .unwrap();
        let listed = m.clone();
        *m = answered.clone();
        m.id = listed.id;
        if by_nik.is_none() {
            m.name = listed.name;
            m.nik = listed.nik;
            m.sex = listed.sex;
            m.birth_date = listed.birth_date;
            m.age = None;
        }
        m.presence = listed.presence;
    }
    if add_new_members {
        for e in &ex.members {
            if !f.members.iter().any(|m| m.nik == e.nik) {
                f.members.push(e.clone());
            }
        }
    }
    f.location.sls_code = ex.location.sls_code.clone();
    f.location.sls_name = ex.location.sls_name.clone();
    if add_new_members {
        f.location.family_no = ex.location.family_no;
    }
    f.kk_code = ex.kk_code;
    let date = f.enumeration.date;
    f.enumeration = ex.enumeration.clone();
    f.enumeration.date = date;
    f.housing = ex.housing.clone();
    f.programmes = ex.programmes.clone();
    f.assets = ex.assets.clone();
    f.internet = ex.internet;
    f.bank_account = ex.bank_account;
    f.geotag = ex.geotag.clone();
    device.store_mut().save_family(&f).unwrap();
}

/// The ground check's photos, real camera JPEGs through the pipeline.
fn take_photos(device: &mut Device, id: HouseholdId, seed: u32) {
    for (i, kind) in [PhotoKind::Rumah, PhotoKind::RumahDalam, PhotoKind::Kk]
        .into_iter()
        .enumerate()
    {
        device
            .add_photo(
                id,
                kind,
                &camera_jpeg(seed * 10 + i as u32).unwrap(),
                PhotoOptions::default(),
            )
            .unwrap();
    }
}

fn finalize_and_queue(device: &mut Device, id: HouseholdId) {
    match device.finalize(id) {
        Ok(_) => {}
        Err(e) => panic!("finalize {id}: {e:?}"),
    }
    device.store_mut().queue(id).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ground_check_list_is_visited_offline_and_synced_once() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    // The server's data: the pendamping, an old DTKS prelist household assigned to her, and
    // the ground-check list imported with the server's own command.
    let example = example_household().unwrap();
    {
        let state = AppState::open(Config::with_data_dir(&data)).unwrap();
        state
            .accounts
            .create_user(NewUser {
                username: PENDAMPING.into(),
                password_hash: pendata_server::auth::hash_password(PASSWORD).unwrap(),
                role: Role::Enumerator,
                wilayah: "3201022001".into(),
            })
            .unwrap();
        state
            .records
            .import_prelist(&[prelist_of(&example, "3201022001-00555", Some(PENDAMPING))])
            .unwrap();
    }
    let csv = tmp.path().join("ground-check.csv");
    std::fs::write(&csv, GROUND_CHECK_CSV).unwrap();
    let out = server_cli(&data, &["import-assignments", csv.to_str().unwrap()]);
    assert!(out.contains("4 created"), "{out}");
    let server = ServerProcess::start(&data, free_addr().unwrap()).unwrap();

    let mut device = new_device(&tmp.path().join("device")).unwrap();
    device
        .login(&server.url(), None, PENDAMPING, PASSWORD, "HP pendamping")
        .await
        .unwrap();
    let first = device.sync(&mut |_| {}).await.unwrap();
    assert_eq!(first.report.pulled.assignments, 5, "{:?}", first.report);
    let list = device.store().assignments(None).unwrap();
    let ground_checks = list
        .iter()
        .filter(|a| a.kind == AssignmentKind::GroundCheck)
        .count();
    assert_eq!(ground_checks, 4);

    // Offline from here until the next sync.
    // 1. Found at the first visit: the whole form, the three photos.
    let found = assignment(&list, "GC-PKH-3201022001-0042").household_id;
    let f = device.store_mut().open_ground_check(found).unwrap();
    assert_eq!(f.members.len(), 4);
    assert_eq!(f.location.building_no, Some(12));
    device
        .store_mut()
        .record_outcome(
            found,
            &GroundCheckVisit {
                outcome: Some(GroundCheckOutcome::Found),
                result: Some(EnumerationResult::Complete),
                ..Default::default()
            },
        )
        .unwrap();
    answer_form(&mut device, found, true);
    take_photos(&mut device, found, 1);
    finalize_and_queue(&mut device, found);

    // 2. Moved: the neighbours say so; the wife moved abroad.
    let moved = assignment(&list, "GC-PKH-3201022001-0043").household_id;
    let wife = device.store_mut().open_ground_check(moved).unwrap().members[1].id;
    device
        .store_mut()
        .record_outcome(
            moved,
            &GroundCheckVisit {
                outcome: Some(GroundCheckOutcome::Moved),
                presence: vec![(wife, Presence::MovedAbroad)],
                result: None,
                note: Some("Pindah ke Cileungsi sejak Agustus 2026 (keterangan ketua RT)".into()),
            },
        )
        .unwrap();
    finalize_and_queue(&mut device, moved);

    // 3. Nobody home: "kunjungi lagi"; what was already noted stays.
    let revisit = assignment(&list, "GC-SBK-3201022001-0107").household_id;
    device.store_mut().open_ground_check(revisit).unwrap();
    device
        .store_mut()
        .set_field(revisit, "housing.floor_area_m2", serde_json::json!(42))
        .unwrap();
    let done = device
        .store_mut()
        .record_nobody_home(revisit, Some("Rumah terkunci"))
        .unwrap();
    assert_eq!(done.revisit.attempts, 1);
    assert!(done.report_queued, "{:?}", done.blocking);
    assert_eq!(device.store().revisit_list().unwrap().len(), 1);

    // The old DTKS prelist household, captured as before.
    let dtks = assignment(&list, "3201022001-00555").household_id;
    capture_assignment(&mut device, dtks, 7).unwrap();

    // Sync: the found and moved families, the visit report and the household go.
    let second = device.sync(&mut |_| {}).await.unwrap();
    assert_eq!(second.report.sent, 4, "{:?}", second.report);
    assert!(second.report.rejected.is_empty(), "{:?}", second.report);
    for id in [found, moved, revisit, dtks] {
        assert_eq!(device.store().state(id).unwrap(), RecordState::Sent);
    }
    let waiting = device.store().revisit_list().unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].household_id, revisit);
    // The supervisor's export shows the visit: no outcome yet, nobody home once.
    let early = tmp.path().join("keluarga-awal.csv");
    server_cli(
        &data,
        &[
            "export-dtsen",
            "--families",
            early.to_str().unwrap(),
            "--members",
            tmp.path().join("anggota-awal.csv").to_str().unwrap(),
        ],
    );
    let rows = csv_rows(&early);
    let report = rows
        .iter()
        .find(|r| r["assignment_id"] == "GC-SBK-3201022001-0107")
        .expect("the visit report on the server");
    assert_eq!(report["ground_check_outcome"], "");
    assert_eq!(report["visits_nobody_home"], "1");

    // 4. The second visit finds the family: the form (the answers of the first visit kept),
    // photos, final, sent.
    let f = device
        .store_mut()
        .record_outcome(
            revisit,
            &GroundCheckVisit {
                outcome: Some(GroundCheckOutcome::Found),
                result: Some(EnumerationResult::Complete),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        f.housing.floor_area_m2,
        Some(42),
        "the first visit's answer"
    );
    assert_eq!(f.ground_check.visits.len(), 2);
    assert!(device.store().revisit_list().unwrap().is_empty());
    answer_form(&mut device, revisit, false);
    take_photos(&mut device, revisit, 2);
    // What the form still asks of this family, field by field as the pendamping answers it:
    // the list gave no building number (109), the family number (110), and the 16-year-old's
    // employment insurance (431f, 15+).
    let asked: Vec<String> = device
        .validate(revisit)
        .unwrap()
        .into_iter()
        .map(|f| f.path)
        .collect();
    assert_eq!(
        asked,
        [
            "location.building_no",
            "location.family_no",
            "members[2].employment_insurance"
        ]
    );
    for (path, value) in [
        ("location.building_no", 31),
        ("location.family_no", 1),
        ("members[2].employment_insurance", 0),
    ] {
        device
            .store_mut()
            .set_field(revisit, path, serde_json::json!(value))
            .unwrap();
    }
    finalize_and_queue(&mut device, revisit);
    let third = device.sync(&mut |_| {}).await.unwrap();
    assert_eq!(third.report.sent, 1, "{:?}", third.report);
    // A sync with nothing new sends nothing again.
    let fourth = device.sync(&mut |_| {}).await.unwrap();
    assert_eq!(fourth.report.sent, 0, "{:?}", fourth.report);

    // The server holds each family exactly once, with its outcome; the export lists them.
    let fam_csv = tmp.path().join("keluarga.csv");
    let mem_csv = tmp.path().join("anggota.csv");
    server_cli(
        &data,
        &[
            "export-dtsen",
            "--families",
            fam_csv.to_str().unwrap(),
            "--members",
            mem_csv.to_str().unwrap(),
        ],
    );
    let families = csv_rows(&fam_csv);
    assert_eq!(families.len(), 3, "{families:?}");
    let by_list: HashMap<&str, &HashMap<String, String>> = families
        .iter()
        .map(|r| (r["assignment_id"].as_str(), r))
        .collect();
    assert_eq!(by_list.len(), 3, "each family once");
    let outcome = |id: &str| by_list[id]["ground_check_outcome"].clone();
    assert_eq!(outcome("GC-PKH-3201022001-0042"), "found");
    assert_eq!(outcome("GC-PKH-3201022001-0043"), "moved");
    assert_eq!(outcome("GC-SBK-3201022001-0107"), "found");
    assert_eq!(by_list["GC-SBK-3201022001-0107"]["visits"], "2");
    assert_eq!(by_list["GC-SBK-3201022001-0107"]["visits_nobody_home"], "1");
    assert_eq!(by_list["GC-PKH-3201022001-0042"]["member_count"], "5");
    for r in &families {
        assert_eq!(r["questionnaire"], "regsosek2022k");
    }
    assert_eq!(
        by_list["GC-PKH-3201022001-0042"]["record_id"],
        found.to_string()
    );
    let members = csv_rows(&mem_csv);
    assert_eq!(members.len(), 5 + 2 + 3, "members of the three families");

    // The DTKS household reached the server unchanged: the whole export holds it as dtks-bdt.
    let all_csv = tmp.path().join("semua.csv");
    server_cli(
        &data,
        &[
            "export",
            "--format",
            "csv",
            "--out",
            all_csv.to_str().unwrap(),
        ],
    );
    let all = csv_rows(&all_csv);
    let dtks_rows: Vec<_> = all
        .iter()
        .filter(|r| r["household_id"] == dtks.to_string())
        .collect();
    assert_eq!(dtks_rows.len(), example.members.len(), "one row per member");
    assert!(dtks_rows.iter().all(|r| r["questionnaire"] == "dtks-bdt"));
    assert_eq!(dtks_rows[0]["prelist_id"], "3201022001-00555");
    let stored = rusqlite::Connection::open_with_flags(
        data.join("pendata.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    // The revisions of each record, no other record written, nothing incomplete.
    let mut stmt = stored
        .prepare(
            "SELECT r.household_id, count(*), max(r.incomplete) FROM revisions r
             GROUP BY r.household_id ORDER BY r.household_id",
        )
        .unwrap();
    let revisions: Vec<(String, i64, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    // The revisited family: its visit report, then the found revision based on it.
    let mut expected: Vec<(String, i64, i64)> = [(found, 1), (moved, 1), (revisit, 2), (dtks, 1)]
        .iter()
        .map(|(id, n)| (id.to_string(), *n, 0))
        .collect();
    expected.sort();
    assert_eq!(revisions, expected);
    let unvisited: Option<String> = stored
        .query_row(
            "SELECT head_revision FROM households WHERE prelist_id = 'GC-PBI-3201022001-0311'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        unvisited, None,
        "the unvisited family is still only assigned"
    );
    drop(server);
}
