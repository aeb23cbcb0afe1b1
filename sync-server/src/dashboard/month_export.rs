//! `GET /dashboard/month/{desa}/{period}/export`: a ratified (locked) desa period for SIKS-NG,
//! as CSV: exactly the proposals on its BNBA list, one row each, with the musdes/SPTJM and both
//! ratification steps (columns: docs/formats.md, "Ratified period export"). A period not yet
//! locked has no export (409 `period.not_locked`).

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use pendata_shared::HouseholdId;

use super::month_pages::{desa_param, period_param};
use super::{wilayah_name, DashError, WebUser};
use crate::store::period::{AgreementForm, Signed};
use crate::AppState;

/// The export's columns, in order.
pub const COLUMNS: &[&str] = &[
    "periode",
    "kode_desa",
    "nama_desa",
    "jenis_usulan",
    "id_usulan",
    "nama",
    "tiba_pada",
    "revisi",
    "kuesioner",
    "status_tinjauan",
    "kesepakatan",
    "nomor_dokumen",
    "tanggal_kesepakatan",
    "jumlah_hadir",
    "diperiksa_oleh",
    "diperiksa_pada",
    "disahkan_oleh",
    "disahkan_pada",
];

fn at(s: &Option<Signed>) -> (String, String) {
    match s {
        Some(s) => (s.username.clone(), s.at.to_rfc3339()),
        None => (String::new(), String::new()),
    }
}

pub async fn download(
    State(state): State<AppState>,
    user: WebUser,
    Path((raw_desa, raw_period)): Path<(String, String)>,
) -> Result<Response, DashError> {
    let desa = desa_param(&user, &raw_desa)?;
    let period = period_param(&raw_period)?;
    let periods = state.backend.periods.clone();
    let records = state.records.clone();
    let scope = user.scope();
    let d2 = desa.clone();
    let csv = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, DashError> {
        let d = periods.desa_period(&d2, period)?;
        if !d.locked() {
            return Err(DashError::Refused {
                code: "period.not_locked",
                id: "Periode ini belum disahkan Kepala OPD; ekspor tersedia sesudah dikunci."
                    .into(),
                en: "This period is not approved by the Kepala OPD yet; the export exists once \
                     it is locked."
                    .into(),
            });
        }
        let items = periods.period_items(&d2, period)?;
        let a = d.agreement.as_ref();
        let (checked_by, checked_at) = at(&d.checked);
        let (approved_by, approved_at) = at(&d.approved);
        let mut w = csv::Writer::from_writer(Vec::new());
        let fail = |e: csv::Error| DashError::Internal(e.to_string());
        w.write_record(COLUMNS).map_err(fail)?;
        for i in items.iter().filter(|i| i.agreed) {
            let (mut revision, mut questionnaire, mut review) =
                (String::new(), String::new(), String::new());
            // Every kind is a record (a usulan baru or a case's finding) keyed by its id.
            if let Ok(id) = i.item_id.parse::<HouseholdId>() {
                if let Some(h) = records.get(id, &scope)? {
                    revision = h
                        .summary
                        .current_revision
                        .map(|r| r.to_string())
                        .unwrap_or_default();
                    questionnaire = h.summary.questionnaire.id().to_owned();
                    review = h.summary.review_state.as_str().to_owned();
                }
            }
            w.write_record([
                period.to_string(),
                d2.clone(),
                wilayah_name(&d2),
                i.kind.clone(),
                i.item_id.clone(),
                i.label.clone(),
                i.arrived_at.to_rfc3339(),
                revision,
                questionnaire,
                review,
                a.map(|a| match a.form {
                    AgreementForm::Musdes => "musdes",
                    AgreementForm::Sptjm => "sptjm",
                })
                .unwrap_or_default()
                .to_owned(),
                a.map(|a| a.document_number.clone()).unwrap_or_default(),
                a.map(|a| a.held_on.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                a.and_then(|a| a.attendance)
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                checked_by.clone(),
                checked_at.clone(),
                approved_by.clone(),
                approved_at.clone(),
            ])
            .map_err(fail)?;
        }
        w.into_inner()
            .map_err(|e| DashError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| DashError::Internal(e.to_string()))??;
    let name = format!("pengesahan-{desa}-{period}.csv");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        csv,
    )
        .into_response())
}
