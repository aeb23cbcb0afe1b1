//! The supervisor's PBI-JK decision comes back to the facilitator's case (issue 21 §1): the
//! real server on a real socket hands out a PBI-JK reactivation case; the device opens it,
//! photographs the faskes letter (a real JPEG through the pipeline), finalizes and syncs; the
//! supervisor reactivates it (letter number and date, DTSEN update deadline from the Dinsos's
//! `[cases.pbi_jk]` rule); at the next sync the case on the device is approved with the
//! decision in its note. A refusal comes back the same way with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use chrono::{NaiveDate, Utc};
use pendata_core::store::RecordState;
use pendata_core::{Device, PhotoOptions};
use pendata_server::auth::hash_password;
use pendata_server::cases::assignment::{new_case, CaseInput};
use pendata_server::cases::decision_back::send_decision_back;
use pendata_server::store::cases::{CaseSource, CaseSubject};
use pendata_server::store::{CaseKind, NewUser, PbiOutcome, Role, Scope};
use pendata_server::{AppState, Config};
use pendata_shared::{HouseholdId, PhotoKind};

const PASSWORD: &str = "rahasia-uji-123";
const DESA: &str = "3201022001";

fn pbi_case(app: &AppState, source_id: &str, name: &str) -> HouseholdId {
    let case = new_case(
        CaseInput {
            kind: CaseKind::ReaktivasiPbiJk,
            source_id: source_id.into(),
            source: CaseSource::Hand,
            desa_code: DESA.into(),
            assigned_to: Some("pendamping.pbi".into()),
            due_date: NaiveDate::from_ymd_opt(2026, 12, 21).unwrap(),
            subject: CaseSubject {
                name: name.into(),
                address: "Kp. Babakan RT 02".into(),
                ..CaseSubject::default()
            },
            created_by: Some("supervisor".into()),
        },
        Utc::now(),
    );
    let id = case.id;
    app.backend.cases.create_cases(&[case]).unwrap();
    id
}

/// Opens the case, photographs the faskes letter, finalizes it and queues it to send.
fn do_the_finding(device: &mut Device, id: HouseholdId, seed: u8) {
    device.store_mut().open_any_assignment(id).unwrap();
    let (w, h) = (800 + u16::from(seed), 600);
    let rgb = common::camera::camera_like(u32::from(w), u32::from(h));
    let jpeg = common::camera::encode_rgb(&rgb, w, h, 88, false);
    device
        .add_photo(id, PhotoKind::SuratFaskes, &jpeg, PhotoOptions::default())
        .unwrap();
    let findings = device.finalize(id).unwrap();
    assert!(
        findings
            .iter()
            .all(|f| f.severity != pendata_shared::Severity::Error),
        "{findings:?}"
    );
    // "Kirim": into the outbox for the next sync.
    device.store_mut().queue(id).unwrap();
}

#[test]
fn the_pbi_jk_decision_reaches_the_facilitators_case() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::with_data_dir(dir.path().join("server"));
    config.cases.pbi_jk.dtsen_update_months = 3;
    let app = AppState::open(config).unwrap();
    app.accounts
        .create_user(NewUser {
            username: "pendamping.pbi".into(),
            password_hash: hash_password(PASSWORD).unwrap(),
            role: Role::Enumerator,
            wilayah: DESA.into(),
        })
        .unwrap();
    let reactivated = pbi_case(&app, "PBI-2026-0101", "Wati");
    let refused = pbi_case(&app, "PBI-2026-0102", "Ujang");

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let device_dir = tempfile::tempdir().unwrap();
    let mut device = common::new_device(device_dir.path());
    let server_app = app.clone();
    rt.block_on(async {
        let server = common::LiveServer::start(server_app).await;
        let url = server.url.clone();
        device
            .login(&url, None, "pendamping.pbi", PASSWORD, "HP uji")
            .await
            .unwrap();
        device.sync(&mut |_| {}).await.unwrap();
        do_the_finding(&mut device, reactivated, 0);
        do_the_finding(&mut device, refused, 7);
        let sent = device.sync(&mut |_| {}).await.unwrap();
        assert_eq!(sent.report.sent, 2, "{:?}", sent.report);

        // The supervisor decides on the dashboard's path: the decision, then the review.
        let letter_date = NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
        let yes = PbiOutcome::Reactivated {
            letter_no: "440/77/Dinsos".into(),
            letter_date,
            dtsen_update_due: app.config.cases.pbi_jk.dtsen_update_due(letter_date),
        };
        let no = PbiOutcome::Refused {
            reason: "Sudah terdaftar PBI-JK daerah".into(),
        };
        let scope = Scope::all();
        for (id, outcome) in [(reactivated, &yes), (refused, &no)] {
            app.backend
                .cases
                .decide_pbi(id, &scope, outcome, "supervisor")
                .unwrap();
            let review =
                send_decision_back(app.records.as_ref(), id, &scope, outcome, "supervisor")
                    .unwrap();
            assert!(review.is_some(), "the finding is there to review");
        }

        let got = device.sync(&mut |_| {}).await.unwrap();
        assert_eq!(got.reviews.len(), 2, "{:?}", got.reviews);
        server.stop().await;
    });

    let s = device.store();
    let yes = s.record(reactivated).unwrap();
    assert_eq!(yes.state, RecordState::Approved);
    let note = yes.review_note.unwrap();
    // Letter, its date and the deadline from the server's 3-month rule (not the default 6).
    assert!(
        note.contains("surat No. 440/77/Dinsos tanggal 08-12-2026"),
        "{note}"
    );
    assert!(note.contains("paling lambat 08-03-2027"), "{note}");
    assert!(note.contains("updated by 08-03-2027"), "{note}");
    let no = s.record(refused).unwrap();
    assert_eq!(no.state, RecordState::Approved);
    let note = no.review_note.unwrap();
    assert!(
        note.contains("ditolak. Alasan: Sudah terdaftar PBI-JK daerah"),
        "{note}"
    );
}
