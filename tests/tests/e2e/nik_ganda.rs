//! NIK ganda through the real server on a real socket (issue 21): the same person sent in a
//! DTKS household from one kecamatan, a DTKS household from another and a DTSEN family, by
//! different facilitators with the real protocol, is one group on `/dashboard/nik-ganda`. Each
//! supervisor sees the records of their wilayah and only a count of the others; the NIK itself
//! is on no page.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pendata_e2e::client::ApiClient;
use pendata_e2e::{TestServer, WebClient, ADMIN, OTHER_SUPERVISOR, SUPERVISOR};
use pendata_server::store::Role;
use pendata_shared::dtsen::FamilyRecord;
use pendata_shared::model::Household;
use pendata_shared::protocol::Change;
use pendata_shared::HouseholdId;

const HOUSEHOLD: &str = include_str!("../../../assets/examples/household.json");
const FAMILY: &str = include_str!("../../../assets/examples/family-dtsen.json");

async fn push(api: &ApiClient, token: &str, change: Change, id: HouseholdId) {
    api.push_accepted(token, id, change).await.unwrap();
}

/// The page, and the member names of its one group.
async fn duplicates(web: &mut WebClient) -> String {
    let res = web.get("/dashboard/nik-ganda").await.unwrap();
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

fn groups(page: &str) -> usize {
    page.matches("<section class=\"duplicate\"").count()
}

#[tokio::test]
async fn the_same_nik_in_three_records_is_one_group_each_supervisor_sees_their_part() {
    let server = TestServer::start().await.unwrap();
    for (name, wilayah) in [("ani", "320102"), ("budi", "320101"), ("citra", "320102")] {
        server.add_user(name, Role::Enumerator, wilayah).unwrap();
    }
    server
        .add_user(SUPERVISOR, Role::Supervisor, "320102")
        .unwrap();
    server
        .add_user(OTHER_SUPERVISOR, Role::Supervisor, "320101")
        .unwrap();
    server.add_user(ADMIN, Role::Admin, "").unwrap();
    let url = server.url();
    let api = ApiClient::new(&url).unwrap();

    let own: Household = serde_json::from_str(HOUSEHOLD).unwrap();
    let nik = own.members[0].nik.clone().unwrap();
    let mut elsewhere: Household = serde_json::from_str(HOUSEHOLD).unwrap();
    elsewhere.id = HouseholdId::new();
    elsewhere.location.desa_code = "3201011001".into();
    elsewhere.members[0].name = "Ahmad S.".into();
    // Only the head is the same person: he alone lives in this other household.
    elsewhere.members.truncate(1);
    let mut family: FamilyRecord = serde_json::from_str(FAMILY).unwrap();
    family.id = HouseholdId::new();
    family.members[0].nik = Some(nik.clone());

    let token = api.token("ani").await.unwrap();
    push(
        &api,
        &token,
        Change::Upsert {
            household: Box::new(own.clone()),
        },
        own.id,
    )
    .await;
    let token = api.token("budi").await.unwrap();
    let eid = elsewhere.id;
    push(
        &api,
        &token,
        Change::Upsert {
            household: Box::new(elsewhere),
        },
        eid,
    )
    .await;
    let token = api.token("citra").await.unwrap();
    let fid = family.id;
    push(
        &api,
        &token,
        Change::UpsertFamily {
            family: Box::new(family),
        },
        fid,
    )
    .await;

    // Kec. Gunungputri: its household and its family side by side, the other counted.
    let mut spv = WebClient::new(&url).unwrap();
    assert_eq!(spv.login(SUPERVISOR).await.unwrap().status(), 303);
    let page = duplicates(&mut spv).await;
    assert_eq!(groups(&page), 1, "{page}");
    assert!(page.contains(&format!("/dashboard/households/{}", own.id)));
    assert!(page.contains(&format!("/dashboard/households/{fid}")));
    assert!(!page.contains(&format!("/dashboard/households/{eid}")));
    assert!(
        page.contains("+ 1 catatan lain di luar wilayah Anda"),
        "{page}"
    );
    assert!(page.contains("DTSEN") && page.contains("DTKS"));
    assert!(!page.contains(&nik), "the NIK is on no page");

    // Kec. Cibinong: its one household, two others counted.
    let mut other = WebClient::new(&url).unwrap();
    assert_eq!(other.login(OTHER_SUPERVISOR).await.unwrap().status(), 303);
    let page = duplicates(&mut other).await;
    assert_eq!(groups(&page), 1);
    assert!(page.contains(&format!("/dashboard/households/{eid}")));
    assert!(!page.contains(&format!("/dashboard/households/{}", own.id)));
    assert!(page.contains("+ 2 catatan lain"), "{page}");
    assert!(!page.contains(&nik));

    // The Dinsos administrator: all three.
    let mut admin = WebClient::new(&url).unwrap();
    assert_eq!(admin.login(ADMIN).await.unwrap().status(), 303);
    let page = duplicates(&mut admin).await;
    assert_eq!(page.matches("/dashboard/households/").count(), 3, "{page}");
    assert!(!page.contains("catatan lain"));
}
