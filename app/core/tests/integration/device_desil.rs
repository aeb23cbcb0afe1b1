//! The desil of the families in the user's wilayah reaches the device with the pull (issue 21
//! §3): the real server on a real socket with prelists in two desas and two SIKS-NG desil
//! imports. A device of desa A keeps the desil of desa A's families (also of an assignment
//! handed out after the import) and never receives desa B's; a new import replaces the set;
//! another user logging in on the same device (desa B) gets their own wilayah's set instead.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use pendata_core::sync::Phase;
use pendata_core::Device;
use pendata_server::auth::hash_password;
use pendata_server::store::{NewUser, PrelistHousehold, Role};
use pendata_server::{AppState, Config};
use pendata_shared::dtsen::codes::WelfareDecile;
use pendata_shared::model::Family;
use pendata_shared::month::desil::FamilyDesil;
use pendata_shared::protocol::PrelistMember;

const PASSWORD: &str = "rahasia-uji-123";
const DESA_A: &str = "3201022001";
const DESA_B: &str = "3201022002";
const KK_A1: &str = "3201020101260001";
const KK_A2: &str = "3201020101260002";
const KK_B1: &str = "3201020101260003";
/// In the file, but no record or assignment anywhere names it.
const KK_NOWHERE: &str = "3201020101260004";

fn prelist(id: &str, desa: &str, kk: &str) -> PrelistHousehold {
    PrelistHousehold {
        listing: None,
        prelist_id: id.into(),
        desa_code: desa.into(),
        rt: None,
        rw: None,
        address: "Kp. Uji".into(),
        families: vec![Family {
            family_no: 1,
            kk_number: kk.into(),
        }],
        members: vec![PrelistMember {
            name: format!("Kepala {id}"),
            nik: None,
            relation_to_head: None,
            sex: None,
            birth_date: None,
            family_no: Some(1),
        }],
        assigned_to: None,
    }
}

fn desil(kk: &str, code: u8) -> FamilyDesil {
    FamilyDesil {
        kk_number: kk.into(),
        desil: WelfareDecile::from_code(code).unwrap(),
    }
}

fn user(app: &AppState, name: &str, wilayah: &str) {
    app.accounts
        .create_user(NewUser {
            username: name.into(),
            password_hash: hash_password(PASSWORD).unwrap(),
            role: Role::Enumerator,
            wilayah: wilayah.into(),
        })
        .unwrap();
}

/// The desil code the device holds for `kk`, if any.
fn held(device: &Device, kk: &str) -> Option<u8> {
    device
        .store()
        .family_desil(kk)
        .unwrap()
        .map(|d| d.desil.code())
}

#[test]
fn a_device_keeps_the_desil_of_its_wilayah_and_never_another_desas() {
    let dir = tempfile::tempdir().unwrap();
    let app = AppState::open(Config::with_data_dir(dir.path().join("server"))).unwrap();
    user(&app, "pendamping.a", DESA_A);
    user(&app, "pendamping.b", DESA_B);
    app.records
        .import_prelist(&[
            prelist("P-A1", DESA_A, KK_A1),
            prelist("P-B1", DESA_B, KK_B1),
        ])
        .unwrap();
    let registry = app.backend.registry.clone();
    let first = registry
        .import_desil(
            &[
                desil(KK_A1, 3),
                desil(KK_A2, 8),
                desil(KK_B1, 2),
                desil(KK_NOWHERE, 5),
            ],
            4,
            "desil-november.csv",
            Some("admin"),
        )
        .unwrap();

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let device_dir = tempfile::tempdir().unwrap();
    let mut device = common::new_device(device_dir.path());
    let records = app.records.clone();
    rt.block_on(async {
        let server = common::LiveServer::start(app).await;
        let url = server.url.clone();
        device
            .login(&url, None, "pendamping.a", PASSWORD, "HP uji")
            .await
            .unwrap();
        device.sync(&mut |_| {}).await.unwrap();
        // Desa A's family only: not desa B's, not a family no record in the wilayah names,
        // not one whose assignment does not exist yet.
        assert_eq!(held(&device, KK_A1), Some(3));
        assert_eq!(held(&device, KK_B1), None);
        assert_eq!(held(&device, KK_NOWHERE), None);
        assert_eq!(held(&device, KK_A2), None);
        let a1 = device.store().family_desil(KK_A1).unwrap().unwrap();
        assert_eq!(a1.imported_at, first.imported_at);
        assert_eq!(device.store().desil_import_held().unwrap(), Some(first.id));

        // An assignment handed out after the import arrives with its family's desil.
        records
            .import_prelist(&[prelist("P-A2", DESA_A, KK_A2)])
            .unwrap();
        let mut phases = Vec::new();
        device
            .sync(&mut |p| phases.push((p.phase, p.items_total)))
            .await
            .unwrap();
        assert_eq!(held(&device, KK_A2), Some(8));
        // The sync says when the pulled assignment joins the work list: after the pull, before
        // the end, with how many (the step a first sync of thousands spends seconds in).
        let listing = phases.iter().position(|p| p.0 == Phase::Listing);
        let last_pull = phases.iter().rposition(|p| p.0 == Phase::Pull);
        assert!(listing > last_pull && last_pull.is_some(), "{phases:?}");
        assert_eq!(phases[listing.unwrap()].1, 1, "{phases:?}");
        assert_eq!(phases.last().map(|p| p.0), Some(Phase::Done));
        assert_eq!(device.store().status().unwrap().assignments_listed, 2);
        assert_eq!(held(&device, KK_A1), Some(3));
        assert_eq!(held(&device, KK_B1), None);

        // A new import: the whole set again, with the new values.
        let second = registry
            .import_desil(
                &[desil(KK_A1, 4), desil(KK_B1, 1)],
                2,
                "desil-desember.csv",
                Some("admin"),
            )
            .unwrap();
        device.sync(&mut |_| {}).await.unwrap();
        assert_eq!(held(&device, KK_A1), Some(4));
        assert_eq!(
            held(&device, KK_A2),
            Some(8),
            "families not in the new file keep theirs"
        );
        assert_eq!(held(&device, KK_B1), None);
        assert_eq!(device.store().desil_import_held().unwrap(), Some(second.id));

        // Another user of desa B on this device: their wilayah's set replaces desa A's.
        device.forget_session().unwrap();
        device
            .login(&url, None, "pendamping.b", PASSWORD, "HP uji")
            .await
            .unwrap();
        assert_eq!(device.store().desil_import_held().unwrap(), None);
        device.sync(&mut |_| {}).await.unwrap();
        assert_eq!(held(&device, KK_B1), Some(1));
        assert_eq!(held(&device, KK_A1), None);
        assert_eq!(held(&device, KK_A2), None);

        server.stop().await;
    });
}
