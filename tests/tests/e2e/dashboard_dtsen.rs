//! The supervisor's DTSEN ground check on the dashboard, through the real server on a real
//! socket: a ground-check list uploaded from the dashboard (a file with a bad row changes
//! nothing and names the line, never the NIK; a supervisor cannot import outside the
//! wilayah), families pushed by the pendamping with the real protocol (found, moved, nobody
//! home), the progress page per desa and pendamping with the programme filter, a family's
//! review page (answers as labels, members, visits, photos) and its rejection reaching the
//! device's pull, the DTSEN results download — and a supervisor of another kecamatan seeing
//! none of it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use pendata_e2e::client::{batch, ApiClient, Body};
use pendata_e2e::{small_jpeg, TestServer, WebClient, ADMIN, OTHER_SUPERVISOR, SUPERVISOR};
use pendata_server::store::Role;
use pendata_shared::dtsen::codes::{EnumerationResult, Presence};
use pendata_shared::dtsen::listing::parse_ground_check_csv;
use pendata_shared::dtsen::{FamilyRecord, GroundCheckOutcome, Visit, VisitResult};
use pendata_shared::protocol::{Change, PushRecord};
use pendata_shared::{HouseholdId, RevisionId, Sha256Hex};
use serde_json::Value;

const LIST: &str = include_str!("../../../assets/examples/ground-check.csv");
const FAMILY: &str = include_str!("../../../assets/examples/family-dtsen.json");
/// The pendamping the sample list assigns every family to.
const PENDAMPING: &str = "rina.marlina";

/// POSTs `csv` as the import form's multipart upload with the session of `web`.
async fn upload(web: &mut WebClient, url: &str, csv: &str) -> (u16, String) {
    let csrf = web.csrf().await.unwrap();
    let boundary = "dtsenBoundary7MA4YWxkTrZu0gW";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"gc.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    let res = reqwest::Client::new()
        .post(format!("{url}/dashboard/import"))
        .header("origin", url)
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

/// The number in the element with this id (`<dd id="created">4</dd>`).
fn count(page: &str, id: &str) -> u32 {
    let at = page
        .find(&format!("id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no #{id}"));
    let rest = &page[at + id.len() + 6..];
    rest[..rest.find('<').unwrap()].parse().unwrap()
}

/// The numbers of a progress table's row (`data-…="key"`), in column order.
fn row_counts(page: &str, attr: &str, key: &str) -> Vec<u32> {
    let row = page
        .split(&format!("{attr}=\"{key}\""))
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .unwrap_or_else(|| panic!("no row {attr}={key}"));
    row.split("<td class=\"num\">")
        .skip(1)
        .map(|c| c.split('<').next().unwrap().parse().unwrap())
        .collect()
}

async fn ground_check_page(web: &mut WebClient, query: &str) -> String {
    let res = web
        .get(&format!("/dashboard/ground-check{query}"))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

fn upsert(f: &FamilyRecord, base: Option<RevisionId>) -> PushRecord {
    PushRecord::new(
        RevisionId::new(),
        base,
        chrono::Utc::now(),
        f.id,
        Change::UpsertFamily {
            family: Box::new(f.clone()),
        },
    )
}

async fn push(api: &ApiClient, token: &str, records: Vec<PushRecord>) -> Vec<Value> {
    let a = api
        .send(
            "POST",
            "/api/v1/push",
            Some(token),
            Body::Json(serde_json::to_value(batch(records)).unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(a.status, 200, "{}", a.text());
    a.json()["results"].as_array().unwrap().clone()
}

async fn pulled(api: &ApiClient, token: &str) -> Vec<Value> {
    let a = api
        .get("/api/v1/pull?limit=500", Some(token))
        .await
        .unwrap();
    assert_eq!(a.status, 200, "{}", a.text());
    a.json()["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_supervisor_imports_follows_reviews_and_exports_the_ground_check() {
    scenario(TestServer::start().await.unwrap()).await;
}

/// The same on PostgreSQL (the server's other store backend).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_ground_check_on_postgresql() {
    use pendata_server::store::postgres::testing;
    let Some(base) = testing::config_or_skip("e2e dashboard_dtsen on PostgreSQL") else {
        return;
    };
    let database = testing::url_of(&testing::fresh_schema(&base, "dashdtsen"));
    let server = TestServer::start_with(move |c| {
        let data = c.data_dir.clone();
        Ok(pendata_server::Config::with_data_dir(data).with_storage(Some(&database), None)?)
    })
    .await
    .unwrap();
    scenario(server).await;
}

async fn scenario(server: TestServer) {
    server
        .add_user(PENDAMPING, Role::Enumerator, "320102")
        .unwrap();
    server
        .add_user(SUPERVISOR, Role::Supervisor, "320102")
        .unwrap();
    server
        .add_user(OTHER_SUPERVISOR, Role::Supervisor, "320101")
        .unwrap();
    server.add_user(ADMIN, Role::Admin, "").unwrap();
    let url = server.url();
    let mut spv = WebClient::new(&url).unwrap();
    assert_eq!(spv.login(SUPERVISOR).await.unwrap().status(), 303);
    let mut other = WebClient::new(&url).unwrap();
    assert_eq!(other.login(OTHER_SUPERVISOR).await.unwrap().status(), 303);

    // 1. A list with one bad row (a NIK of 15 digits on line 12) changes nothing, names the
    //    line and never shows the bad value.
    let bad_nik = "320102990190001";
    let bad = format!(
        "{LIST}GC-PBI-3201022001-0312,pbi_jk,4,3201022001,001,003,Jl. Raya 9,,3201022306210013,Odah,{bad_nik},1,2,1950-01-01,\n"
    );
    let (status, page) = upload(&mut spv, &url, &bad).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("id=\"nothing-imported\""), "{page}");
    assert_eq!(count(&page, "bad-rows"), 1);
    assert_eq!(count(&page, "created"), 0);
    assert!(
        page.contains("<td class=\"num\">12</td>"),
        "line 12: {page}"
    );
    assert!(!page.contains(bad_nik), "the NIK is not echoed");
    let empty = ground_check_page(&mut spv, "").await;
    assert!(
        empty.contains("id=\"ground-check-empty\""),
        "nothing imported"
    );

    // 2. A supervisor of another kecamatan cannot import this desa's list: nothing changes.
    let (status, page) = upload(&mut other, &url, LIST).await;
    assert_eq!(status, 403, "{page}");
    assert_eq!(count(&page, "outside"), 4);
    assert!(ground_check_page(&mut spv, "")
        .await
        .contains("id=\"ground-check-empty\""));

    // 3. The good list: four families of Desa Wanaherang.
    let (status, page) = upload(&mut spv, &url, LIST).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(count(&page, "created"), 4);
    assert!(page.contains("id=\"import-kind\""));

    // 4. The pendamping pulls the list and pushes three visits with the real protocol: the
    //    example family found (with a real photo of the house front), the other family of the
    //    building moved, the Sembako family nobody home.
    let api = ApiClient::new(&url).unwrap();
    let token = api.token(PENDAMPING).await.unwrap();
    let items = pulled(&api, &token).await;
    assert_eq!(items.len(), 4, "{items:?}");
    let id_of = |list_id: &str| -> HouseholdId {
        items.iter().find(|i| i["prelist_id"] == list_id).unwrap()["household_id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    let jpeg = small_jpeg(20).unwrap();
    let front = Sha256Hex::digest(&jpeg);
    assert_eq!(api.upload(&token, &jpeg).await.unwrap().status, 200);
    let mut found: FamilyRecord = serde_json::from_str(FAMILY).unwrap();
    found.id = id_of("GC-PKH-3201022001-0042");
    found.photos[0].sha256 = front.clone();
    found.photos[0].bytes = jpeg.len() as u64;
    let listed = parse_ground_check_csv(
        LIST.as_bytes(),
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    )
    .unwrap();
    let mut moved = listed.families[1].to_record();
    moved.id = id_of("GC-PKH-3201022001-0043");
    moved.ground_check.outcome = Some(GroundCheckOutcome::Moved);
    moved.enumeration.result = Some(EnumerationResult::MovedOrGone);
    moved.notes = Some("Pindah ke Cileungsi sejak Agustus 2026".into());
    for m in &mut moved.members {
        m.presence = Some(Presence::MovedInIndonesia);
    }
    let mut waiting = listed.families[2].to_record();
    waiting.id = id_of("GC-SBK-3201022001-0107");
    waiting.ground_check.visits.push(Visit {
        at: chrono::Utc::now() - chrono::Duration::hours(3),
        result: VisitResult::NobodyHome,
        note: Some("Rumah kosong".into()),
    });
    let found_rec = upsert(&found, None);
    let results = push(
        &api,
        &token,
        vec![
            found_rec.clone(),
            upsert(&moved, None),
            upsert(&waiting, None),
        ],
    )
    .await;
    for r in &results {
        assert_eq!(r["outcome"]["status"], "accepted", "{r}");
    }
    assert_eq!(
        results[2]["outcome"]["warnings"][0]["code"], "ground_check.revisit_pending",
        "a visit with nobody home is stored, with the revisit as a warning"
    );

    // 5. Progress per desa and per pendamping: [assigned, visited, found, moved, died,
    //    not found, to revisit].
    let page = ground_check_page(&mut spv, "").await;
    assert_eq!(
        row_counts(&page, "data-code", "3201022001"),
        [4, 3, 1, 1, 0, 0, 1]
    );
    assert_eq!(
        row_counts(&page, "data-pendamping", PENDAMPING),
        [3, 3, 1, 1, 0, 0, 1]
    );
    assert_eq!(
        row_counts(&page, "data-pendamping", ""),
        [1, 0, 0, 0, 0, 0, 0],
        "the PBI-JK family is assigned to nobody"
    );
    let pkh = ground_check_page(&mut spv, "?programme=pkh").await;
    assert_eq!(
        row_counts(&pkh, "data-code", "3201022001"),
        [2, 2, 1, 1, 0, 0, 0]
    );
    let sembako = ground_check_page(&mut spv, "?programme=bpnt").await;
    assert_eq!(
        row_counts(&sembako, "data-code", "3201022001"),
        [1, 1, 0, 0, 0, 0, 1]
    );
    assert_eq!(
        spv.get("/dashboard/ground-check?programme=blt")
            .await
            .unwrap()
            .status(),
        400
    );
    // The DTKS progress page counts DTKS households only: none here.
    let dtks = spv.get("/dashboard").await.unwrap();
    assert_eq!(dtks.status(), 200);
    let dtks = dtks.text().await.unwrap();
    assert!(
        !dtks.contains("data-code=\"3201022001\""),
        "families are not DTKS progress: {dtks}"
    );

    // 6. The review queue marks the families; the found family's review page: answers as
    //    label (code), members, visits, photos.
    let queue = spv
        .get("/dashboard/households?state=submitted")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let row = queue
        .split(&format!("data-household=\"{}\"", found.id))
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .expect("the found family waits for review");
    assert!(row.contains("keluarga DTSEN"), "{row}");
    let detail_path = format!("/dashboard/households/{}", found.id);
    let res = spv.get(&detail_path).await.unwrap();
    assert_eq!(res.status(), 200);
    let detail = res.text().await.unwrap();
    let outcome_text = GroundCheckOutcome::Found.text();
    assert!(
        detail.contains(&format!("id=\"gc-outcome\">{}<", outcome_text.id)),
        "outcome as its label"
    );
    assert!(detail.contains("Rumah terkunci"), "the first visit's note");
    assert!(detail.contains(&format!(
        "id=\"questionnaire\">{}<",
        pendata_shared::Questionnaire::Regsosek2022k.text().id
    )));
    assert!(
        detail.contains("<strong>305</strong> Jenis atap terluas"),
        "answers named by their question"
    );
    let roof = pendata_shared::codes::CodeList::code(found.housing.roof.unwrap());
    let roof_label = pendata_shared::codes::CodeList::label_id(found.housing.roof.unwrap());
    assert!(
        detail.contains(&format!("data-answer=\"roof\">{roof_label} ({roof})<")),
        "a coded answer as label (code)"
    );
    for m in &found.members {
        assert!(detail.contains(&m.name), "member {}", m.name);
    }
    assert!(detail.contains(&format!("/dashboard/photos/{}?size=thumb", front.as_str())));
    let thumb = spv
        .get(&format!("/dashboard/photos/{}?size=thumb", front.as_str()))
        .await
        .unwrap();
    assert_eq!(thumb.status(), 200);
    assert_eq!(thumb.headers()["content-type"], "image/jpeg");
    assert!(detail.contains("id=\"reject\""), "the decision form");

    // 7. The supervisor of another kecamatan sees none of it, even by typing the URLs.
    let other_progress = ground_check_page(&mut other, "").await;
    assert!(other_progress.contains("id=\"ground-check-empty\""));
    assert!(!other_progress.contains("Wanaherang"));
    assert_eq!(other.get(&detail_path).await.unwrap().status(), 404);
    assert_eq!(
        other
            .get(&format!("/dashboard/photos/{}?size=thumb", front.as_str()))
            .await
            .unwrap()
            .status(),
        404
    );
    let res = other
        .get("/dashboard/export/dtsen?part=families&wilayah=3201022001")
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let own = other
        .get("/dashboard/export/dtsen?part=members")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(own.lines().count(), 1, "only the header: {own}");

    // 8. Reject with a note; the pendamping's next pull brings it back.
    let csrf = spv.csrf().await.unwrap();
    let revision = found_rec.revision.to_string();
    let note = "Foto KK buram; ulangi foto KK";
    let res = spv
        .post(
            &format!("{detail_path}/review"),
            &[
                ("csrf", csrf.as_str()),
                ("revision", revision.as_str()),
                ("decision", "rejected"),
                ("note", note),
            ],
        )
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let review = pulled(&api, &token)
        .await
        .into_iter()
        .find(|i| i["type"] == "review" && i["household_id"] == found.id.to_string())
        .expect("the decision is pulled");
    assert_eq!(review["decision"], "rejected");
    assert_eq!(review["note"], note);

    // 9. The results download: families and members, code and label columns, streamed.
    let res = spv
        .get("/dashboard/export/dtsen?part=families&wilayah=3201022001")
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("pendata-dtsen-keluarga-3201022001-"));
    let families = res.text().await.unwrap();
    let mut rdr = csv::Reader::from_reader(families.as_bytes());
    let header = rdr.headers().unwrap().clone();
    assert_eq!(&header[0], "questionnaire");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3, "the three families pushed: {families}");
    let found_row = rows
        .iter()
        .find(|r| r[col("record_id")] == *found.id.to_string())
        .unwrap();
    assert_eq!(&found_row[col("ground_check_outcome")], "found");
    assert_eq!(&found_row[col("roof")], roof.to_string().as_str());
    assert_eq!(&found_row[col("roof_label")], roof_label);
    let members = spv
        .get("/dashboard/export/dtsen?part=members")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let member_rows = members.lines().count() - 1;
    assert_eq!(
        member_rows,
        found.members.len() + moved.members.len() + waiting.members.len(),
        "{members}"
    );
    server.stop().await;
}
