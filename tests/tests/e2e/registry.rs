//! The registry's own checks through the real `pendata-server` binary (issue 21 §3): where the
//! households really are (the map page, `/dashboard/map`), the tidak-layak signals
//! (`/dashboard/signals`) and the desil imported from SIKS-NG (`import-desil`; review pages and
//! `/dashboard/desil`).
//!
//! A facilitator's real device (encrypted store, the photo pipeline) records nine usulan baru
//! households in one desa, each with its GPS position and real JPEGs whose EXIF carries the
//! camera's position: seven close together, one typed 5 km off, one whose house photo was taken
//! 1.5 km away. A pendamping's DTSEN family (a member who died, on the PKH list) and a household
//! of another kecamatan (an ASN member) arrive over the API. Each supervisor sees their own
//! kecamatan only; the admin picks one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pendata_core::{Device, PhotoOptions};
use pendata_e2e::backend::Backend;
use pendata_e2e::client::ApiClient;
use pendata_e2e::exif::with_gps;
use pendata_e2e::procs::{free_addr, server_cli_run, ServerProcess};
use pendata_e2e::workload::{camera_jpeg_sized, usulan_baru};
use pendata_e2e::{
    example_household, new_device, WebClient, ADMIN, OTHER_SUPERVISOR, PASSWORD, SUPERVISOR,
};
use pendata_server::store::Role;
use pendata_server::AppState;
use pendata_shared::codes::EmploymentStatus;
use pendata_shared::dtsen::codes::Presence;
use pendata_shared::dtsen::FamilyRecord;
use pendata_shared::model::{GeoSource, Geotag, Household};
use pendata_shared::photos::PhotoKind;
use pendata_shared::protocol::Change;
use pendata_shared::HouseholdId;

const FACILITATOR: &str = "ani.tksk";
const FAMILY: &str = include_str!("../../../assets/examples/family-dtsen.json");
/// The example household's position (Desa Wanaherang, Kec. Gunung Putri).
const LAT: f64 = -6.44211;
const LON: f64 = 106.91869;

fn geotag(lat: f64, lon: f64) -> Geotag {
    Geotag {
        latitude: lat,
        longitude: lon,
        accuracy_m: Some(5.0),
        fix_time: chrono::Utc::now(),
        source: GeoSource::Gps,
    }
}

/// Records household `k` at (`lat`, `lon`) on the device with its F-KK, F-KTP and F-RUMAH
/// through the photo pipeline; the house photo's EXIF says it was taken at `photo_at`.
fn record(
    device: &mut Device,
    h: &mut Household,
    k: u32,
    (lat, lon): (f64, f64),
    photo_at: (f64, f64),
) {
    h.geotag = Some(geotag(lat, lon));
    device.store_mut().create_household(h).unwrap();
    let head = device.store().household(h.id).unwrap().members[0].id;
    for (i, kind) in [PhotoKind::Kk, PhotoKind::Ktp, PhotoKind::Rumah]
        .into_iter()
        .enumerate()
    {
        let jpeg = camera_jpeg_sized(k * 10 + i as u32, 320, 240).unwrap();
        let jpeg = if kind == PhotoKind::Rumah {
            with_gps(&jpeg, photo_at.0, photo_at.1)
        } else {
            jpeg
        };
        let opts = PhotoOptions {
            member_id: (kind == PhotoKind::Ktp).then_some(head),
            ..PhotoOptions::default()
        };
        device.add_photo(h.id, kind, &jpeg, opts).unwrap();
    }
    device
        .finalize(h.id)
        .unwrap_or_else(|e| panic!("finalize {k}: {e:?}"));
    device.store_mut().queue(h.id).unwrap();
}

async fn get(web: &mut WebClient, path: &str) -> (u16, String) {
    let res = web.get(path).await.unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

/// The `<tr>` of a record in the table `table_id` of `page`.
fn row<'p>(page: &'p str, table_id: &str, id: HouseholdId) -> Option<&'p str> {
    let table = &page[page.find(&format!("id=\"{table_id}\""))?..];
    let table = &table[..table.find("</table>")?];
    let start = table.find(&format!("<tr data-household=\"{id}\""))?;
    let rest = &table[start..];
    Some(&rest[..rest.find("</tr>")?])
}

/// The kilometres written after `label` in `text`.
fn km_after(text: &str, label: &str) -> f64 {
    let at = text
        .find(label)
        .unwrap_or_else(|| panic!("{label} in {text}"))
        + label.len();
    let rest = text[at..].trim_start();
    rest[..rest.find(" km").unwrap()].parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outliers_photos_taken_elsewhere_signals_and_desil_reach_the_right_supervisor() {
    scenario(Backend::Sqlite).await;
}

/// The same pages on PostgreSQL (the server's other store backend).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_registry_pages_on_postgresql() {
    if let Some(backend) = Backend::postgres_or_skip("e2e registry on PostgreSQL", "registry") {
        scenario(backend).await;
    }
}

async fn scenario(backend: Backend) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("server");
    {
        let state = AppState::open(backend.config(&data).unwrap()).unwrap();
        pendata_e2e::add_users(
            &state,
            &[
                (FACILITATOR, Role::Enumerator, "320102"),
                ("rina.pkh", Role::Enumerator, "320102"),
                ("budi.tksk", Role::Enumerator, "320101"),
                (SUPERVISOR, Role::Supervisor, "320102"),
                (OTHER_SUPERVISOR, Role::Supervisor, "320101"),
                (ADMIN, Role::Admin, ""),
            ],
        )
        .unwrap();
    }

    // The households, made before the desil file that names their KK numbers.
    let example = example_household().unwrap();
    let mut households: Vec<Household> = (1..=9).map(|k| usulan_baru(&example, k)).collect();
    // Household 3's head is a civil servant (status pekerjaan 5).
    households[2].members[0].employment_status = Some(EmploymentStatus::CivilServant);
    let mut family: FamilyRecord = serde_json::from_str(FAMILY).unwrap();
    family.id = HouseholdId::new();
    family.geotag = Some(geotag(LAT + 0.0002, LON + 0.0003));
    // A member who died keeps only the questions before 404 (the form skips the rest).
    let mut m = serde_json::to_value(&family.members[4]).unwrap();
    m.as_object_mut().unwrap().retain(|k, _| {
        [
            "id",
            "name",
            "nik",
            "sex",
            "birth_date",
            "age",
            "marital_status",
            "relation",
        ]
        .contains(&k.as_str())
    });
    family.members[4] = serde_json::from_value(m).unwrap();
    family.members[4].presence = Some(Presence::Deceased);
    let died = family.members[4].name.clone();
    let mut elsewhere: Household = example.clone();
    elsewhere.id = HouseholdId::new();
    elsewhere.location.desa_code = "3201011001".into();
    elsewhere.members[0].employment_status = Some(EmploymentStatus::CivilServant);

    // SIKS-NG's desil file: household 1 desil 3, household 2 desil 7, the family desil 5 (its
    // PKH list said 2: BPS's file wins), imported with the server's command.
    let kk = |h: &Household| h.families[0].kk_number.clone();
    let nik = |h: &Household| h.members[0].nik.clone().unwrap();
    let csv = format!(
        "Nomor KK,NIK,Desil\n{},{},3\n{},{},7\n{},{},5\n",
        kk(&households[0]),
        nik(&households[0]),
        kk(&households[1]),
        nik(&households[1]),
        family.kk_number.clone().unwrap(),
        family.members[0].nik.clone().unwrap(),
    );
    let file = tmp.path().join("desil.csv");
    std::fs::write(&file, csv).unwrap();
    let (ok, out, err) = server_cli_run(
        &data,
        &["import-desil", file.to_str().unwrap()],
        &backend.env(),
    )
    .unwrap();
    assert!(ok && out.contains("3 keluarga"), "{out}{err}");

    let server =
        ServerProcess::start_with_env(&data, free_addr().unwrap(), &backend.env()).unwrap();
    let url = server.url();

    // The facilitator's device: seven houses ~40 m apart, one typed 5 km south, one whose
    // house photo's EXIF puts it 1.5 km north. Each F-RUMAH's EXIF is where it was taken.
    let mut device = new_device(&tmp.path().join("device")).unwrap();
    device
        .login(&url, None, FACILITATOR, PASSWORD, "HP TKSK")
        .await
        .unwrap();
    for (i, h) in households.iter_mut().enumerate() {
        let k = i as u32 + 1;
        let (at, photo) = match k {
            8 => ((LAT - 0.048, LON), (LAT - 0.048, LON)),
            9 => ((LAT + 0.0028, LON), (LAT + 0.0163, LON)),
            _ => {
                let p = (LAT + 0.0004 * f64::from(k), LON - 0.0002 * f64::from(k % 3));
                (p, p)
            }
        };
        record(&mut device, h, k, at, photo);
    }
    let synced = device.sync(&mut |_| {}).await.unwrap();
    assert_eq!(synced.report.sent, 9, "{:?}", synced.report);
    let far = households[7].id;
    let photo_elsewhere = households[8].id;
    let asn = households[2].id;

    let api = ApiClient::new(&url).unwrap();
    let token = api.token("rina.pkh").await.unwrap();
    let fid = family.id;
    api.push_accepted(
        &token,
        fid,
        Change::UpsertFamily {
            family: Box::new(family),
        },
    )
    .await
    .unwrap();
    let token = api.token("budi.tksk").await.unwrap();
    let other_id = elsewhere.id;
    api.push_accepted(
        &token,
        other_id,
        Change::Upsert {
            household: Box::new(elsewhere),
        },
    )
    .await
    .unwrap();

    // The map of Kec. Gunung Putri for its supervisor.
    let mut spv = WebClient::new(&url).unwrap();
    assert_eq!(spv.login(SUPERVISOR).await.unwrap().status(), 303);
    let (status, map) = get(&mut spv, "/dashboard/map").await;
    assert_eq!(status, 200, "{map}");
    assert!(
        map.contains(r#"role="img" aria-labelledby="map-title map-desc""#),
        "the SVG has an accessible name and description"
    );
    assert!(map.contains("<title id=\"map-title\">") && map.contains("<desc id=\"map-desc\">"));
    assert_eq!(
        map.matches("class=\"point\"").count() + map.matches("class=\"outlier\"").count(),
        10,
        "nine households and the family are drawn"
    );
    assert_eq!(map.matches("class=\"outlier\"").count(), 2, "{map}");
    let far_row = row(&map, "map-flagged", far).expect("the far household is listed");
    let d = km_after(far_row, "Jauh dari titik tengah desanya:");
    assert!((5.0..6.0).contains(&d), "{far_row}");
    assert!(far_row.contains(&format!("href=\"/dashboard/households/{far}\"")));
    let photo_row = row(&map, "map-flagged", photo_elsewhere).expect("the photo taken elsewhere");
    assert!(
        photo_row.contains("Foto F-RUMAH diambil jauh"),
        "{photo_row}"
    );
    assert!(photo_row.contains("EXIF foto"), "{photo_row}");
    let d = km_after(photo_row, "lokasi rumah:");
    assert!((1.3..1.7).contains(&d), "{photo_row}");
    assert!(
        row(&map, "map-flagged", asn).is_none(),
        "only the two flagged"
    );
    assert!(!map.contains(&other_id.to_string()), "no other kecamatan");

    // Another kecamatan's supervisor: not this kecamatan, their own map without our records.
    let mut other = WebClient::new(&url).unwrap();
    assert_eq!(other.login(OTHER_SUPERVISOR).await.unwrap().status(), 303);
    let (status, _) = get(&mut other, "/dashboard/map?kecamatan=320102").await;
    assert_eq!(status, 404);
    let (status, page) = get(&mut other, "/dashboard/map").await;
    assert_eq!(status, 200);
    assert!(page.contains(&other_id.to_string()) && !page.contains(&far.to_string()));

    // The admin chooses a kecamatan first.
    let mut admin = WebClient::new(&url).unwrap();
    assert_eq!(admin.login(ADMIN).await.unwrap().status(), 303);
    let (_, page) = get(&mut admin, "/dashboard/map").await;
    assert!(!page.contains("id=\"map\""), "no map before a choice");
    let (_, page) = get(&mut admin, "/dashboard/map?kecamatan=320102").await;
    assert_eq!(page.matches("class=\"outlier\"").count(), 2);
    let (status, page) = get(&mut admin, "/dashboard/map?kecamatan=32.01").await;
    assert_eq!(status, 400);
    assert!(page.contains("registry.bad_kecamatan"));

    // Tidak-layak signals with their reasons.
    let (status, page) = get(&mut spv, "/dashboard/signals").await;
    assert_eq!(status, 200, "{page}");
    let r = row(&page, "signals", asn).expect("the ASN household");
    assert!(r.contains("data-signal=\"asn\"") && r.contains("status pekerjaan kode 5"));
    let r = row(&page, "signals", fid).expect("the family with a member who died");
    assert!(r.contains(&format!("{died}: meninggal")), "{r}");
    assert!(
        r.contains("Desil 5 di atas batas PKH 1–4") && !r.contains("PBI-JK"),
        "the family's own programme only: {r}"
    );
    let r = row(&page, "signals", households[1].id).expect("desil 7");
    assert!(
        r.contains("Desil 7 di atas batas PKH 1–4, BPNT/Sembako 1–5, PBI-JK 1–5"),
        "{r}"
    );
    assert!(row(&page, "signals", households[0].id).is_none(), "desil 3");
    assert!(row(&page, "signals", far).is_none());
    assert!(!page.contains(&other_id.to_string()));
    let (_, page) = get(&mut spv, "/dashboard/signals?signal=died").await;
    assert!(row(&page, "signals", fid).is_some() && row(&page, "signals", asn).is_none());
    let (_, page) = get(&mut other, "/dashboard/signals").await;
    assert!(row(&page, "signals", other_id).is_some() && !page.contains(&asn.to_string()));

    // Desil: on the review pages and as a filter.
    let (_, page) = get(
        &mut spv,
        &format!("/dashboard/households/{}", households[1].id),
    )
    .await;
    assert!(page.contains("data-desil=\"7\""), "{page}");
    let (_, page) = get(&mut spv, &format!("/dashboard/households/{fid}")).await;
    assert!(page.contains("data-desil=\"5\"") && !page.contains("data-desil=\"2\""));
    let (_, page) = get(&mut spv, &format!("/dashboard/households/{far}")).await;
    assert!(page.contains("belum ada di berkas desil"));
    let (_, page) = get(&mut spv, "/dashboard/desil?desil=1-4").await;
    assert_eq!(page.matches("<tr data-household=").count(), 1, "{page}");
    assert!(row(&page, "desil-list", households[0].id).is_some());
    let (_, page) = get(&mut spv, "/dashboard/desil?desil=6-10").await;
    assert!(row(&page, "desil-list", households[1].id).is_some());
    assert_eq!(page.matches("<tr data-household=").count(), 1);
    let (_, page) = get(&mut spv, "/dashboard/desil?desil=none").await;
    assert_eq!(page.matches("<tr data-household=").count(), 7, "{page}");
    let (status, _) = get(&mut spv, "/dashboard/desil?desil=11").await;
    assert_eq!(status, 400);
    drop(server);
}
