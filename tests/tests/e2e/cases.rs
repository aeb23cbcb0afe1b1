//! Case work end to end (issue 21 §1), with the real `pendata-server` binary on a real socket
//! and a real device (`pendata_core::Device`: encrypted store, photo pipeline, sync engine):
//! usul-sanggah cases imported with `pendata-server import-cases` (a file with a bad row
//! changes nothing and names the line, never the NIK; so does the dashboard's upload), a PBI-JK
//! reactivation and a graduasi case entered by hand on the dashboard; the pendamping's device
//! pulls the four, records three findings offline with camera JPEGs and syncs once; the
//! dashboard lists the open ones by due date with the overdue one flagged, shows a finding with
//! its photo, takes the PBI-JK decision (the DTSEN update deadline, the list of those coming
//! due), counts the graduation against the target, and exports each type; a supervisor of
//! another kecamatan sees none of it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use chrono::{Days, Months, Utc};
use pendata_core::{Device, PhotoOptions};
use pendata_e2e::backend::Backend;
use pendata_e2e::procs::{free_addr, server_cli_run, ServerProcess};
use pendata_e2e::{camera_jpeg, new_device, WebClient, PASSWORD};
use pendata_server::store::{NewUser, Role};
use pendata_server::AppState;
use pendata_shared::cases::graduasi::{GraduasiFinding, GraduasiType};
use pendata_shared::cases::pbi_jk::PbiJkFinding;
use pendata_shared::cases::usul_sanggah::{UsulSanggahFinding, Verdict};
use pendata_shared::cases::{CaseFinding, IneligibleReason};
use pendata_shared::photos::PhotoKind;
use pendata_shared::protocol::Assignment;
use pendata_shared::HouseholdId;

const PENDAMPING: &str = "rina.marlina";
const SUPERVISOR: &str = "spv.gunungputri";
const OTHER_SUPERVISOR: &str = "spv.cibinong";
const DESA: &str = "3201022001";
const NIK_SANGGAH: &str = "3201024501900003";
const NIK_USULAN: &str = "3201021203850007";
const NIK_PBI: &str = "3201026607700002";
const KK_GRADUASI: &str = "3201022306210013";

fn server_cli(backend: &Backend, data: &Path, args: &[&str]) -> (bool, String) {
    let (ok, stdout, stderr) = server_cli_run(data, args, &backend.env()).unwrap();
    (ok, format!("{stdout}{stderr}"))
}

fn cases_csv(rows: &[String]) -> String {
    let mut s = pendata_server::cases::import_csv::CASE_COLUMNS.join(",");
    s.push('\n');
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s
}

async fn page(web: &mut WebClient, path: &str) -> (u16, String) {
    let res = web.get(path).await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// POSTs a form with the session's CSRF token; returns the status and `Location`.
async fn post(web: &mut WebClient, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
    let csrf = web.csrf().await.unwrap();
    let mut f = form.to_vec();
    f.push(("csrf", &csrf));
    let res = web.post(path, &f).await.unwrap();
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (status, location, res.text().await.unwrap())
}

async fn upload(web: &mut WebClient, base: &str, csv: &str) -> (u16, String) {
    let csrf = web.csrf().await.unwrap();
    let boundary = "kasusBoundary7MA4YWxkTrZu0gW";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"kasus.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    let res = reqwest::Client::new()
        .post(format!("{base}/dashboard/cases/import"))
        .header("origin", base)
        .header(
            "cookie",
            format!("pd_session={}", web.cookie("pd_session").unwrap()),
        )
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

fn by_list<'a>(list: &'a [Assignment], list_id: &str) -> &'a Assignment {
    list.iter()
        .find(|a| a.prelist_id == list_id)
        .unwrap_or_else(|| panic!("{list_id} not pulled"))
}

fn photo(device: &mut Device, id: HouseholdId, kind: PhotoKind, seed: u32) -> String {
    device
        .add_photo(
            id,
            kind,
            &camera_jpeg(seed).unwrap(),
            PhotoOptions::default(),
        )
        .unwrap()
        .sha256
        .as_str()
        .to_owned()
}

fn here(device: &mut Device, id: HouseholdId) {
    device
        .store_mut()
        .set_field(
            id,
            "geotag",
            serde_json::json!({
                "latitude": -6.4261, "longitude": 106.9158, "accuracy_m": 8.0,
                "fix_time": Utc::now().to_rfc3339(), "source": "gps"
            }),
        )
        .unwrap();
}

fn finalize(device: &mut Device, id: HouseholdId) {
    if let Err(e) = device.finalize(id) {
        panic!("finalize {id}: {e:?} {:?}", device.validate(id));
    }
    device.store_mut().queue(id).unwrap();
}

/// The CSV rows of a download as column → value maps.
fn csv_rows(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    r.records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cases_go_from_import_to_the_field_and_back_to_the_dashboard() {
    scenario(Backend::Sqlite).await;
}

/// The same on PostgreSQL (the server's other store backend).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_cases_on_postgresql() {
    if let Some(backend) = Backend::postgres_or_skip("e2e cases on PostgreSQL", "cases") {
        scenario(backend).await;
    }
}

async fn scenario(backend: Backend) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    {
        let state = AppState::open(backend.config(&data).unwrap()).unwrap();
        for (username, role, wilayah) in [
            (PENDAMPING, Role::Enumerator, DESA),
            (SUPERVISOR, Role::Supervisor, "320102"),
            (OTHER_SUPERVISOR, Role::Supervisor, "320101"),
        ] {
            state
                .accounts
                .create_user(NewUser {
                    username: username.into(),
                    password_hash: pendata_server::auth::hash_password(PASSWORD).unwrap(),
                    role,
                    wilayah: wilayah.into(),
                })
                .unwrap();
        }
    }
    // 1. The usul-sanggah file from Cek Bansos: with a NIK of 15 digits on line 3 nothing is
    // imported; the line is named, the NIK never echoed.
    let month_ago = Utc::now().date_naive() - Days::new(30);
    let good = [
        format!(
            "CB-2026-0001,sanggah,Ketua RT 02,,{DESA},002,005,Jl. Mawar 3,,{NIK_SANGGAH},Siti Aminah,pkh,Suami ASN,foto rumah,{PENDAMPING}"
        ),
        format!("CB-2026-0002,usulan,,{month_ago},{DESA},,,Jl. Melati 9,,{NIK_USULAN},Budi Santoso,sembako,,,{PENDAMPING}"),
    ];
    let bad_nik = "320102120385000";
    let file = tmp.path().join("usul-sanggah.csv");
    std::fs::write(
        &file,
        cases_csv(&[good[0].clone(), good[1].replace(NIK_USULAN, bad_nik)]),
    )
    .unwrap();
    let (ok, out) = server_cli(&backend, &data, &["import-cases", file.to_str().unwrap()]);
    assert!(!ok, "{out}");
    assert!(out.contains("line 3: nik:"), "{out}");
    assert!(out.contains("nothing was imported"), "{out}");
    assert!(!out.contains(bad_nik), "the NIK is not echoed: {out}");
    std::fs::write(&file, cases_csv(&good)).unwrap();
    let (ok, out) = server_cli(&backend, &data, &["import-cases", file.to_str().unwrap()]);
    assert!(ok && out.contains("2 created"), "{out}");

    let server =
        ServerProcess::start_with_env(&data, free_addr().unwrap(), &backend.env()).unwrap();
    let base = server.url();
    let mut web = WebClient::new(&base).unwrap();
    assert_eq!(web.login(SUPERVISOR).await.unwrap().status(), 303);
    // The dashboard's upload is all or nothing too.
    let (status, text) = upload(
        &mut web,
        &base,
        &cases_csv(&[good[1].replace(NIK_USULAN, bad_nik)]),
    )
    .await;
    assert_eq!(status, 422, "{text}");
    assert!(text.contains("id=\"nothing-imported\"") && !text.contains(bad_nik));
    // 2. By hand: a PBI-JK reactivation (emergency) and a graduasi case.
    let (status, location, text) = post(
        &mut web,
        "/dashboard/cases",
        &[
            ("kind", "reaktivasi_pbi_jk"),
            ("name", "Wartini"),
            ("nik", NIK_PBI),
            ("desa_code", DESA),
            ("emergency", "1"),
            ("note", "Cuci darah tiap minggu di RSUD Cibinong"),
            ("assigned_to", PENDAMPING),
        ],
    )
    .await;
    assert_eq!(status, 303, "{text}");
    let pbi_page = location;
    let (status, _, text) = post(
        &mut web,
        "/dashboard/cases",
        &[
            ("kind", "graduasi_pkh"),
            ("name", "Ujang Suryana"),
            ("kk_number", KK_GRADUASI),
            ("desa_code", DESA),
            ("assigned_to", PENDAMPING),
        ],
    )
    .await;
    assert_eq!(status, 303, "{text}");
    // A PBI-JK case without a NIK is refused with its code.
    let (status, _, text) = post(
        &mut web,
        "/dashboard/cases",
        &[
            ("kind", "reaktivasi_pbi_jk"),
            ("name", "Tanpa NIK"),
            ("desa_code", DESA),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert!(text.contains("cases.nik_required"), "{text}");

    // 3. The pendamping's device pulls the four cases.
    let mut device = new_device(&tmp.path().join("device")).unwrap();
    device
        .login(&base, None, PENDAMPING, PASSWORD, "HP pendamping")
        .await
        .unwrap();
    let first = device.sync(&mut |_| {}).await.unwrap();
    assert_eq!(first.report.pulled.assignments, 4, "{:?}", first.report);
    let list = device.store().assignments(None).unwrap();
    assert!(list.iter().all(|a| a.case.is_some()), "every one is a case");
    let sanggah = by_list(&list, "CB-2026-0001").household_id;
    let unvisited = by_list(&list, "CB-2026-0002").household_id;
    let pbi = list
        .iter()
        .find(|a| a.kind.id() == "reaktivasi_pbi_jk")
        .unwrap()
        .household_id;
    let graduasi = list
        .iter()
        .find(|a| a.kind.id() == "graduasi_pkh")
        .unwrap()
        .household_id;

    // Offline: the objection holds (the husband is an ASN), house photo and position.
    device.store_mut().open_case(sanggah).unwrap();
    device
        .store_mut()
        .record_case_finding(
            sanggah,
            &CaseFinding::UsulSanggah(UsulSanggahFinding {
                verdict: Some(Verdict::TidakLayak),
                reason: Some(IneligibleReason::FamilyMemberAsnTniPolri),
                note: Some("Suami guru PNS di SDN 2".into()),
            }),
        )
        .unwrap();
    let house = photo(&mut device, sanggah, PhotoKind::Rumah, 11);
    here(&mut device, sanggah);
    finalize(&mut device, sanggah);
    // The PBI-JK participant: the faskes letter.
    device.store_mut().open_case(pbi).unwrap();
    device
        .store_mut()
        .record_case_finding(
            pbi,
            &CaseFinding::ReaktivasiPbiJk(PbiJkFinding {
                emergency: Some(true),
                note: Some("Surat RSUD ada, SKTM menyusul".into()),
            }),
        )
        .unwrap();
    let letter = photo(&mut device, pbi, PhotoKind::SuratFaskes, 12);
    finalize(&mut device, pbi);
    // The graduating family: its statement letter.
    device.store_mut().open_case(graduasi).unwrap();
    device
        .store_mut()
        .record_case_finding(
            graduasi,
            &CaseFinding::GraduasiPkh(GraduasiFinding {
                graduation_type: Some(GraduasiType::Mandiri),
                reason: Some("Usaha warung sudah mencukupi".into()),
                assessment_note: Some("Penghasilan tetap, anak sudah bekerja".into()),
            }),
        )
        .unwrap();
    photo(&mut device, graduasi, PhotoKind::SuratGraduasi, 13);
    finalize(&mut device, graduasi);
    let second = device.sync(&mut |_| {}).await.unwrap();
    assert_eq!(second.report.sent, 3, "{:?}", second.report);
    assert!(second.report.rejected.is_empty(), "{:?}", second.report);

    // 4. The dashboard: open cases by due date; the unvisited objection is overdue.
    let (status, list_page) = page(&mut web, "/dashboard/cases").await;
    assert_eq!(status, 200);
    assert!(
        list_page.contains("id=\"case-count\">2<"),
        "open: the unvisited one and the undecided PBI-JK"
    );
    assert!(list_page.contains("id=\"overdue-count\">1<"), "{list_page}");
    let unvisited_at = list_page.find(&unvisited.to_string()).unwrap();
    let pbi_at = list_page.find(&pbi.to_string()).unwrap();
    assert!(unvisited_at < pbi_at, "by due date");
    assert!(
        !list_page.contains(&sanggah.to_string()),
        "a verified objection is done"
    );
    assert!(list_page.contains("Terlambat"));
    // The objection's page: the finding, the reason as its label, the note and the photo.
    let (status, case_page) = page(&mut web, &format!("/dashboard/cases/{sanggah}")).await;
    assert_eq!(status, 200);
    assert!(case_page.contains("Tidak layak"), "{case_page}");
    assert!(case_page.contains("Suami guru PNS di SDN 2"));
    assert!(case_page.contains(&format!("/dashboard/photos/{house}?size=thumb")));
    let thumb = web
        .get(&format!("/dashboard/photos/{house}?size=thumb"))
        .await
        .unwrap();
    assert_eq!(thumb.status(), 200);
    let bytes = thumb.bytes().await.unwrap();
    assert_eq!(&bytes[..2], &[0xFF, 0xD8], "a JPEG");
    // 5. The PBI-JK decision: reactivated with a letter of 170 days ago, so its DTSEN update is
    // due within the month and listed as coming due.
    let (status, case_page) = page(&mut web, &pbi_page).await;
    assert_eq!(status, 200);
    assert!(case_page.contains(&format!("/dashboard/photos/{letter}?size=thumb")));
    assert!(case_page.contains("Belum diputuskan"));
    let letter_date = Utc::now().date_naive() - Days::new(170);
    let due = letter_date.checked_add_months(Months::new(6)).unwrap();
    let (status, location, text) = post(
        &mut web,
        &format!("{pbi_page}/decision"),
        &[
            ("decision", "reactivated"),
            ("letter_no", "440/117/Dinsos/2026"),
            ("letter_date", &letter_date.to_string()),
        ],
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (303, pbi_page.as_str()),
        "{text}"
    );
    let (_, case_page) = page(&mut web, &pbi_page).await;
    assert!(
        case_page.contains(&format!("id=\"update-due\">{due}<")),
        "{case_page}"
    );
    let (_, due_page) = page(&mut web, "/dashboard/cases/pbi-due").await;
    assert!(due_page.contains("440/117/Dinsos/2026") && due_page.contains(&due.to_string()));
    let (_, list_page) = page(&mut web, "/dashboard/cases").await;
    assert!(
        list_page.contains("id=\"case-count\">1<"),
        "the decided PBI-JK case is done"
    );
    // 6. Graduasi against the target.
    let (_, grad) = page(&mut web, "/dashboard/cases/graduasi").await;
    let row = grad
        .split(&format!("data-pendamping=\"{PENDAMPING}\""))
        .nth(1)
        .unwrap();
    assert!(
        row.starts_with(">") && row.contains("<td class=\"num\">1</td><td class=\"num\">10</td>"),
        "{grad}"
    );
    // 7. The exports, one per type.
    let (status, csv) = page(&mut web, "/dashboard/cases/export?kind=usul_sanggah").await;
    assert_eq!(status, 200);
    let rows = csv_rows(&csv);
    assert_eq!(rows.len(), 2);
    let r = rows
        .iter()
        .find(|r| r["case_id"] == "CB-2026-0001")
        .unwrap();
    assert_eq!(r["state"], "done");
    assert_eq!(r["verdict"], "tidak_layak");
    assert_eq!(r["finding_by"], PENDAMPING);
    assert_eq!(r["photo_F-RUMAH"], format!("{house}.jpg"));
    let r = rows
        .iter()
        .find(|r| r["case_id"] == "CB-2026-0002")
        .unwrap();
    assert_eq!((r["state"].as_str(), r["overdue"].as_str()), ("open", "ya"));
    let (_, csv) = page(&mut web, "/dashboard/cases/export?kind=reaktivasi_pbi_jk").await;
    let rows = csv_rows(&csv);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["decision"], "reactivated");
    assert_eq!(rows[0]["letter_no"], "440/117/Dinsos/2026");
    assert_eq!(rows[0]["dtsen_update_due"], due.to_string());
    let (_, csv) = page(&mut web, "/dashboard/cases/export?kind=graduasi_pkh").await;
    let rows = csv_rows(&csv);
    assert_eq!(rows[0]["graduation_type"], "mandiri");

    // 8. Another kecamatan's supervisor sees none of it.
    let mut other = WebClient::new(&base).unwrap();
    assert_eq!(other.login(OTHER_SUPERVISOR).await.unwrap().status(), 303);
    let (_, list_page) = page(&mut other, "/dashboard/cases?all=1").await;
    assert!(list_page.contains("id=\"case-count\">0<"));
    for id in [sanggah, pbi, graduasi] {
        assert_eq!(
            page(&mut other, &format!("/dashboard/cases/{id}")).await.0,
            404
        );
    }
    let (_, csv) = page(&mut other, "/dashboard/cases/export?kind=usul_sanggah").await;
    assert_eq!(csv_rows(&csv).len(), 0);
    assert!(!csv.contains(NIK_SANGGAH));
}
