//! The Dinsos month end to end (issue 21 §2): the real `pendata-server` binary, a real device
//! (encrypted store, nine real JPEGs per usulan baru) and the dashboard over HTTP.
//!
//! The server's day is fixed with `PENDATA_TODAY`: a proposal sent on the cut-off day (17
//! December) belongs to December; the server restarts on the 18th and the next one goes to
//! January, visibly. The supervisor records the desa's musdes (its BNBA list, a photo of the
//! berita acara: a real JPEG is kept, a PNG refused), the Kepala OPD cannot check and the
//! supervisor cannot approve; the supervisor checks, the Kepala OPD approves, and December is
//! locked: a review decision (dashboard and API) and a musdes edit are refused with
//! `period.locked` and a message in both languages, and so is the device's edit of the
//! ratified proposal (set aside on its own, the same push's January edit stored), while
//! January stays open. The export holds exactly the ratified proposal. The Kepala OPD is shown
//! no form it may not send (review, import, new case).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pendata_e2e::client::{ApiClient, Body};
use pendata_e2e::procs::{free_addr, ServerProcess};
use pendata_e2e::workload::{capture_usulan, tiny_set};
use pendata_e2e::{camera_jpeg, csrf_in, example_household, new_device, WebClient, PASSWORD};
use pendata_server::store::Role;
use pendata_server::{AppState, Config};
use serde_json::json;

const TKSK: &str = "tksk.ratify";
const SUPERVISOR: &str = "verifikator.ratify";
const KEPALA: &str = "kadis.ratify";
const DESA: &str = "3201022001";

async fn text(web: &mut WebClient, path: &str) -> (u16, String) {
    let res = web.get(path).await.unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

async fn post(web: &mut WebClient, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let csrf = web.csrf().await.unwrap();
    let mut f = form.to_vec();
    f.push(("csrf", &csrf));
    let res = web.post(path, &f).await.unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

/// A multipart upload of one photo field (and the session's CSRF token), as a browser sends it.
async fn upload(web: &mut WebClient, base: &str, path: &str, bytes: &[u8], mime: &str) -> u16 {
    let csrf = web.csrf().await.unwrap();
    let boundary = "ratifyBoundary9Xk2";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; \
         filename=\"berita-acara\"\r\nContent-Type: {mime}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{base}{path}"))
        .header(reqwest::header::ORIGIN, base)
        .header(
            reqwest::header::COOKIE,
            format!("pd_session={}", web.cookie("pd_session").unwrap()),
        )
        .header(
            reqwest::header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    res.status().as_u16()
}

#[tokio::test]
async fn a_late_proposal_goes_to_the_next_period_and_a_ratified_month_is_locked_and_exported() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    {
        let state = AppState::open(Config::with_data_dir(&data)).unwrap();
        pendata_e2e::add_users(
            &state,
            &[
                (TKSK, Role::Enumerator, "320102"),
                (SUPERVISOR, Role::Supervisor, "320102"),
                (KEPALA, Role::KepalaOpd, "3201"),
            ],
        )
        .unwrap();
    }
    let addr = free_addr().unwrap();
    let example = example_household().unwrap();
    assert_eq!(example.location.desa_code, DESA);
    let set = tiny_set().unwrap();

    // 17 December, the cut-off day: the first proposal belongs to December.
    let mut server =
        ServerProcess::start_with_env(&data, addr, &[("PENDATA_TODAY", "2026-12-17")]).unwrap();
    let mut device = new_device(&tmp.path().join("device")).unwrap();
    device
        .login(&server.url(), None, TKSK, PASSWORD, "HP TKSK")
        .await
        .unwrap();
    let (on_time, _) = capture_usulan(&mut device, &example, 1, &set, "ratify").unwrap();
    let sent = device.sync(&mut |_| {}).await.unwrap();
    assert_eq!(sent.report.sent, 1, "{:?}", sent.report);
    server.kill().unwrap();
    drop(server);

    // 18 December: the next proposal arrives after the cut-off.
    let server =
        ServerProcess::start_with_env(&data, addr, &[("PENDATA_TODAY", "2026-12-18")]).unwrap();
    let (late, _) = capture_usulan(&mut device, &example, 2, &set, "ratify").unwrap();
    let sent = device.sync(&mut |_| {}).await.unwrap();
    assert_eq!(sent.report.sent, 1, "{:?}", sent.report);
    let url = server.url();

    let mut sup = WebClient::new(&url).unwrap();
    assert_eq!(sup.login(SUPERVISOR).await.unwrap().status(), 303);
    let mut kadis = WebClient::new(&url).unwrap();
    assert_eq!(kadis.login(KEPALA).await.unwrap().status(), 303);

    let dec = format!("/dashboard/month/{DESA}/2026-12");
    let jan = format!("/dashboard/month/{DESA}/2027-01");
    // The default month is the one data sent today (18 Dec) belongs to: January.
    let (s, overview) = text(&mut sup, "/dashboard/month").await;
    assert_eq!(s, 200);
    assert!(overview.contains("Januari 2027"), "{overview}");
    let (_, overview) = text(&mut sup, "/dashboard/month?period=2026-12").await;
    assert!(overview.contains(&dec), "{overview}");
    let (s, page) = text(&mut sup, &dec).await;
    assert_eq!(s, 200);
    let proposals = &page
        [page.find("id=\"period-items\"").unwrap()..page.find("id=\"agreement-form\"").unwrap()];
    assert!(proposals.contains(&on_time.to_string()), "{page}");
    assert!(!proposals.contains(&late.to_string()), "{page}");
    // Visibly in the next period, on December's page and on January's.
    let next = &page[page.find("Masuk periode berikutnya").unwrap()..];
    assert!(next.contains(&late.to_string()), "{page}");
    let (_, jan_page) = text(&mut sup, &jan).await;
    let jan_items = &jan_page[jan_page.find("id=\"period-items\"").unwrap()..];
    assert!(jan_items[..jan_items.find("</table>").unwrap()].contains(&late.to_string()));

    // No musdes yet: nothing to check.
    let (s, body) = post(&mut sup, &format!("{dec}/check"), &[]).await;
    assert_eq!(s, 409, "{body}");
    assert!(body.contains("period.no_agreement"));

    // The musdes with its BNBA list (the on-time proposal agreed).
    let bnba = format!("bnba:household:{on_time}");
    let (s, body) = post(
        &mut sup,
        &format!("{dec}/agreement"),
        &[
            ("form", "musdes"),
            ("held_on", "2026-12-16"),
            ("document_number", "BA/021/XII/2026"),
            ("attendance", "31"),
            ("note", "Musdes Wanaherang"),
            (&bnba, "1"),
        ],
    )
    .await;
    assert_eq!(s, 303, "{body}");
    // A proposal of January cannot be on December's BNBA.
    let late_bnba = format!("bnba:household:{late}");
    let (s, body) = post(
        &mut sup,
        &format!("{dec}/agreement"),
        &[
            ("form", "musdes"),
            ("held_on", "2026-12-16"),
            ("document_number", "BA/021/XII/2026"),
            ("attendance", "31"),
            (&bnba, "1"),
            (&late_bnba, "1"),
        ],
    )
    .await;
    assert_eq!(s, 409, "{body}");
    assert!(body.contains("period.unknown_item"));
    // The berita acara's photo: a real JPEG is kept, a PNG is refused as a device's would be.
    let jpeg = camera_jpeg(7).unwrap();
    assert_eq!(
        upload(
            &mut sup,
            &url,
            &format!("{dec}/photos"),
            &jpeg,
            "image/jpeg"
        )
        .await,
        303
    );
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0".to_vec();
    assert_eq!(
        upload(&mut sup, &url, &format!("{dec}/photos"), &png, "image/png").await,
        400
    );
    let (_, page) = text(&mut sup, &dec).await;
    assert!(page.contains("BA/021/XII/2026") && page.contains("31"));
    let sha = pendata_shared::Sha256Hex::digest(&jpeg);
    let photo = sup
        .get(&format!("{dec}/photos/{}", sha.as_str()))
        .await
        .unwrap();
    assert_eq!(photo.status(), 200);
    assert_eq!(photo.bytes().await.unwrap().as_ref(), jpeg.as_slice());

    // Two steps, two people: the Kepala OPD cannot check, the supervisor cannot approve,
    // and nothing is approved before it is checked.
    let (s, body) = post(&mut kadis, &format!("{dec}/approve"), &[]).await;
    assert_eq!(s, 409, "{body}");
    assert!(body.contains("period.not_checked"));
    assert_eq!(post(&mut kadis, &format!("{dec}/check"), &[]).await.0, 403);
    assert_eq!(post(&mut sup, &format!("{dec}/check"), &[]).await.0, 303);
    assert_eq!(post(&mut sup, &format!("{dec}/approve"), &[]).await.0, 403);
    assert_eq!(
        post(&mut kadis, &format!("{dec}/approve"), &[]).await.0,
        303
    );
    let (_, page) = text(&mut kadis, &dec).await;
    assert!(page.contains("disahkan, terkunci"), "{page}");
    assert!(page.contains(KEPALA) && page.contains(SUPERVISOR));
    // The Kepala OPD reads the review queue but makes no review decisions.
    assert_eq!(text(&mut kadis, "/dashboard/households").await.0, 200);
    // It is shown no form it could not send (a 403 after filling it in): no review buttons,
    // no import, no new case, no import link; a supervisor sees each of them.
    let read_only = "Hanya verifikator (supervisor) yang mengisi ini";
    for (path, form) in [
        (format!("/dashboard/households/{late}"), "id=\"approve\""),
        (
            "/dashboard/import".to_owned(),
            "action=\"/dashboard/import\"",
        ),
        (
            "/dashboard/cases/new".to_owned(),
            "action=\"/dashboard/cases\"",
        ),
    ] {
        let (s, page) = text(&mut kadis, &path).await;
        assert_eq!(s, 200, "{path}");
        assert!(!page.contains(form), "{path}: the Kepala OPD sees {form}");
        assert!(page.contains(read_only), "{path}: {page}");
        assert!(!page.contains("href=\"/dashboard/import\""), "{path}");
        let (_, page) = text(&mut sup, &path).await;
        assert!(page.contains(form), "{path}: the supervisor lacks {form}");
        assert!(page.contains("href=\"/dashboard/import\""), "{path}");
    }

    // Locked: a review decision and a musdes edit are refused, with the message.
    let detail = text(&mut sup, &format!("/dashboard/households/{on_time}"))
        .await
        .1;
    // The page offers no decision and says why; a decision sent anyway is refused.
    assert!(!detail.contains("id=\"approve\""), "{detail}");
    let note = &detail[detail.find("id=\"period-locked\"").expect("the lock note")..];
    assert!(note.contains("sudah disahkan dan dikunci"), "{note}");
    let revision = device.store().record(on_time).unwrap().revision.to_string();
    let (s, body) = post(
        &mut sup,
        &format!("/dashboard/households/{on_time}/review"),
        &[
            ("revision", &revision),
            ("decision", "approved"),
            ("note", ""),
        ],
    )
    .await;
    assert_eq!(s, 409, "{body}");
    assert!(body.contains("period.locked"), "{body}");
    assert!(body.contains("Periode Desember 2026 desa 3201022001 sudah disahkan dan dikunci"));
    assert!(body.contains("is ratified and locked"));
    let api = ApiClient::new(&url).unwrap();
    let token = api.token(SUPERVISOR).await.unwrap();
    let a = api
        .send(
            "POST",
            &format!("/api/v1/households/{on_time}/review"),
            Some(&token),
            Body::Json(json!({ "revision": revision, "decision": "rejected", "note": "x" })),
        )
        .await
        .unwrap();
    assert_eq!(a.status, 409, "{}", a.text());
    assert_eq!(a.json()["code"], "period.locked");
    let (s, body) = post(
        &mut sup,
        &format!("{dec}/agreement"),
        &[
            ("form", "sptjm"),
            ("held_on", "2026-12-20"),
            ("document_number", "SPTJM/1"),
        ],
    )
    .await;
    assert_eq!(s, 409);
    assert!(body.contains("period.locked"));
    assert_eq!(
        upload(
            &mut sup,
            &url,
            &format!("{dec}/photos"),
            &jpeg,
            "image/jpeg"
        )
        .await,
        409
    );
    let (_, page) = text(&mut sup, &dec).await;
    assert!(page.contains("BA/021/XII/2026"), "the record is unchanged");
    assert!(csrf_in(&page).is_some());
    assert!(
        !page.contains("id=\"agreement-form\""),
        "no edit form on a locked period"
    );

    // The facilitator edits both proposals after the lock and syncs once: the ratified one is
    // set aside on its own with `period.locked` and the message the app shows, the January
    // one in the same push is stored.
    for id in [on_time, late] {
        device
            .store_mut()
            .set_field(id, "notes", json!("diubah sesudah pengesahan"))
            .unwrap();
        device.finalize(id).map_err(|e| format!("{e:?}")).unwrap();
        device.store_mut().queue(id).unwrap();
    }
    let sent = device.sync(&mut |_| {}).await.unwrap();
    assert_eq!(sent.report.sent, 1, "{:?}", sent.report);
    assert_eq!(sent.report.rejected.len(), 1, "{:?}", sent.report);
    assert_eq!(sent.report.rejected[0].household_id, on_time);
    assert!(
        sent.report.rejected[0].messages[0]
            .contains("Periode Desember 2026 desa 3201022001 sudah disahkan dan dikunci"),
        "{:?}",
        sent.report.rejected
    );
    let set_aside = device.store().rejected_pushes().unwrap();
    assert_eq!(set_aside.len(), 1);
    assert_eq!(set_aside[0].findings[0].code, "period.locked");
    let (_, page) = text(&mut sup, &format!("/dashboard/households/{on_time}")).await;
    assert!(
        !page.contains("diubah sesudah pengesahan"),
        "the ratified record is unchanged"
    );
    let (_, page) = text(&mut sup, &format!("/dashboard/households/{late}")).await;
    assert!(
        page.contains("diubah sesudah pengesahan"),
        "January's record took the edit"
    );

    // January is not locked: the late proposal is still reviewed as usual.
    let detail = text(&mut sup, &format!("/dashboard/households/{late}"))
        .await
        .1;
    let late_rev = {
        let at = detail.find("name=\"revision\" value=\"").unwrap() + 23;
        detail[at..at + 36].to_owned()
    };
    let (s, body) = post(
        &mut sup,
        &format!("/dashboard/households/{late}/review"),
        &[
            ("revision", &late_rev),
            ("decision", "approved"),
            ("note", ""),
        ],
    )
    .await;
    assert_eq!(s, 303, "{body}");

    // The export: exactly the ratified proposal, with the musdes and both signatures.
    let res = kadis.get(&format!("{dec}/export")).await.unwrap();
    assert_eq!(res.status(), 200);
    let csv = res.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, pendata_server::dashboard::MONTH_EXPORT_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "{csv}");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = &rows[0];
    assert_eq!(&row[col("id_usulan")], on_time.to_string());
    assert_eq!(&row[col("periode")], "2026-12");
    assert_eq!(&row[col("nomor_dokumen")], "BA/021/XII/2026");
    assert_eq!(&row[col("jumlah_hadir")], "31");
    assert_eq!(&row[col("diperiksa_oleh")], SUPERVISOR);
    assert_eq!(&row[col("disahkan_oleh")], KEPALA);
    assert!(!csv.contains(&late.to_string()));
    // January has no export until it is ratified.
    assert_eq!(
        kadis.get(&format!("{jan}/export")).await.unwrap().status(),
        409
    );
}
